// Many scenarios on one case with the water-quality kinetics (analyses/water_quality.hpp), fast: the scenario sweep of
// sweep.hpp for every GB 3838 item (DO, CODMn, COD, BOD5, NH3-N, TP, TN).
//
// Response. With flows fixed and no oxygen effects on the rates (O2Effect::None for CBOD oxidation, nitrification
// and denitrification) the steady water-quality system is affine in the inputs (water_quality_apportion.hpp): every
// species at every section is
//     y_s = y0_s + sum_j sum_k T_sjk (L'_jk - L_jk)
// with y0 the base case solved in full, L_jk the base load of species k (orgN, NH3-N, NO3-N, CBODu, CODMn, COD,
// orgP, IP and the DO the water brings) of source j, L' the scenario's, and T_sjk (a state, mg/L per g/s) the change
// of every species at s for one g/s more of species k at j's place, from one solve of the linear model per place and
// species (sources at the same reach, position and extent share it). DO enters as the deficit: T_sjk[DO] is < 0 for
// CBODu, organic N and NH3-N (4.57 g O2 per g N nitrified), CODMn and COD (their O2 ratios) and > 0 only through
// denitrification; reaeration ka (os - o) and SOD / H act on the deficit alone and stay in y0. The items are linear
// in the species (BOD5 = CBODu (1 - e^(-5 k1)), TN and TP sums), so they follow, and each section is classified as
// evaluate_water_quality does (wq::evaluate_items).
// A scenario takes this path when its measures act on sources only (sweep.hpp: source cuts, wetlands, plant
// standards, outfall remediation and closures without water of their own) and leave every source's reach, position,
// extent and flow as they are; anything else is applied and solved in full.
//
// Every solve after the base one (the response of a place, a scenario solved in full on the base's network) is
// limited to the reaches downstream of the changed sources (analyses/wq_downstream.hpp): the reaches upstream keep
// the base solution exactly, those downstream get the full solve's to rounding.
//
// Oxygen effects on (QUAL2K's default attenuation f(o)): the rates depend on DO and the response is not exact. Mode
// Full solves every scenario in full. Mode Checked evaluates y0 + T dL with y0 the full base solve and T the tangent
// of the full model at the base (forward difference of 1e-3 of the place's load of the species; first order in dL,
// the attenuation's change with the loads neglected), then solves the scenario in full wherever an assessed item lies
// within `band` (relative) of any of its class limits (I..V) at some section: where the tangent's error is below
// band x limit, the classes it gives are those of the full model. That error is not bounded a priori; the tests
// measure it over random scenarios against full solves.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "analyses/water_quality.hpp"
#include "analyses/wq_downstream.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

class WqSweep {
public:
    enum class OxygenMode { Full, Checked };
    struct Options {
        OxygenMode oxygen = OxygenMode::Full;
        double band = 0.05;  ///< Checked: relative distance to a class limit below which the scenario is solved in full
    };

    /// Prepares the response of `base`: one full solve; the response of a source place (one linear solve per species,
    /// in parallel) is built the first time a scenario changes a load there.
    /// `base` must outlive the sweep. Throws ModelError where the base case cannot be evaluated.
    WqSweep(const CaseModel& base, const WaterQualityOptions& opt, Options o);
    WqSweep(const CaseModel& base, const WaterQualityOptions& opt) : WqSweep(base, opt, Options{}) {}

    struct Outcome {
        std::vector<WaterQualitySection> sections;  ///< aligned with CaseModel::sections
        bool linear = false;                        ///< true: from the response; false: applied and solved in full
    };
    /// One scenario; safe to call from several threads at once.
    Outcome evaluate(const Scenario& s) const;
    /// A case made from the base by measures (a candidate plan): the response where its network, inflows and
    /// temperature are the base's and every source keeps its water; else solved in full.
    Outcome evaluate_case(const CaseModel& m) const;
    /// Every scenario, in parallel; same order as given.
    std::vector<Outcome> evaluate(const std::vector<Scenario>& scenarios) const;

    /// True when `m` has the base's network, inflows and temperature (evaluate_case can use the response).
    bool covers(const CaseModel& m) const;
    /// Distinct places (reach, position, extent) of a case's sources: the response costs 9 linear solves per place.
    static std::size_t count_places(const CaseModel& m);

    /// No oxygen effects: the linear path is exact (to rounding).
    bool exact() const { return exact_; }
    std::size_t places() const { return n_places_; }
    /// Places whose response has been built so far (each on first use).
    std::size_t responses_built() const { return built_.load(); }  ///< source places with a response (0 in mode Full with oxygen effects)
    /// Reaches solved by the response and full solves so far, and the solves (each limited to the reaches downstream
    /// of what changed); reaches x solves is what solving every reach would have cost.
    std::size_t reaches_solved() const { return reaches_solved_.load(); }
    std::size_t solves() const { return solves_.load(); }
    /// false: every solve covers the whole network (reach data given for some reaches only)
    bool limited() const { return down_ != nullptr; }

private:
    const CaseModel& base_;
    WaterQualityOptions opt_;
    Options o_;
    bool exact_ = true;
    double k1_ = 0.0;
    std::vector<reaches::wq::Input> inputs0_;      ///< base inputs
    std::vector<std::int32_t> place_of_;           ///< per source: its place
    std::vector<std::size_t> rep_;                 ///< per place: a source there
    std::size_t n_places_ = 0;
    WaterQualityProblem p0_;                       ///< the base problem
    reaches::wq::Result res0_;                     ///< its solution (full model; y0 per section)
    WaterQualityProblem lin_;                      ///< the base: without oxygen effects (exact) or in full (Checked)
    reaches::wq::Result lin_res_;                  ///< its solution
    std::unique_ptr<DownstreamSolve> down_;        ///< solves limited to the reaches downstream of what changed
    mutable std::atomic<std::size_t> reaches_solved_{0}, solves_{0};
    std::vector<reaches::wq::State> place_load_;   ///< per place: the base loads there (g/s)
    /// The response of one place, built the first time a scenario changes a load there.
    struct PlaceResponse {
        std::once_flag once;
        std::vector<reaches::wq::State> t;  ///< [k * sections + s]
        bool dry = false;                   ///< the linear solve failed (no water there): such scenarios go in full
    };
    std::unique_ptr<PlaceResponse[]> resp_;
    mutable std::atomic<std::size_t> built_{0};
    const PlaceResponse& response(std::size_t place) const;
    Outcome from_inputs(const CaseModel& m, const std::vector<reaches::wq::Input>& in, bool& fallback) const;
    Outcome full(const CaseModel& m) const;
    Outcome classify(const CaseModel& m, const std::vector<reaches::wq::State>& y) const;
    std::vector<reaches::wq::State> solve_from(const WaterQualityProblem& p, const std::vector<reaches::wq::Input>& inputs,
                                               const std::vector<std::int32_t>& changed, const reaches::wq::Result& base) const;
    /// The reaches of the inputs that differ from the base's (same count): their old and new reach.
    std::vector<std::int32_t> changed_reaches(const std::vector<reaches::wq::Input>& in) const;
};

}  // namespace qingliu::scenarios
