// Many scenarios on one case, fast: the steady model is linear in the loads while flows are fixed, so a section's
// concentration under a scenario that only changes loads is
//     C_s = B_s + sum_j T_sj L_j'
// with B_s and T_sj (reaches::SteadyResponse) computed once for the base case and L_j' the scenario's loads.
// A scenario takes this path when, after its measures are applied, every source keeps its reach, position, extent and
// flow, and the network, rates and temperature are untouched (source cuts, wetlands, plant standards, outfall
// remediation; closing an outfall with no water of its own). Anything else (outfalls closed or connected with their
// water, transfers, ecological flows, conditions, inventory measures) is applied and solved in full.
// Both paths classify the sections the same way (reaches::evaluate_section).
#pragma once
#include <vector>

#include "reaches/steady.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

class Sweep {
public:
    /// Builds the response of `base` (one solve for the background, one unit-load pass per source, in parallel).
    /// `base` must outlive the Sweep. Throws ModelError for flows the model cannot carry (a transfer larger than its
    /// supply, a zero velocity); a source whose load lands where there is no water is marked, and a scenario that
    /// leaves load on it is solved in full, which throws ModelError naming the reach, as evaluate() does.
    explicit Sweep(const CaseModel& base);

    struct Outcome {
        std::vector<SectionResult> sections;  ///< aligned with CaseModel::sections
        bool linear = false;                  ///< true: from the response; false: applied and solved in full
    };
    /// One scenario; safe to call from several threads at once.
    Outcome evaluate(const Scenario& s) const;
    /// Every scenario, in parallel; same order as given.
    std::vector<Outcome> evaluate(const std::vector<Scenario>& scenarios) const;

    const reaches::SteadyResponse& response() const { return response_; }

    /// True when a and b put the same water at the same places (reach, position, extent, flow): the flows of the
    /// base case hold, so the linear response does. For the sources and for the water-quality model's inputs.
    template <class Input>
    static bool same_water(const std::vector<Input>& a, const std::vector<Input>& b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i].reach != b[i].reach || a[i].position_m != b[i].position_m || a[i].end_m != b[i].end_m ||
                a[i].flow_m3s != b[i].flow_m3s)
                return false;
        return true;
    }

    /// True when every measure of s acts on sources and leaves the water where it is (cuts, wetlands, plant
    /// standards, outfall remediation): the scenarios a linear response evaluates exactly.
    static bool source_level_only(const Scenario& s);

    /// The measures of a source-level scenario (source_level_only) applied to a case without a network: the base's
    /// sources (and the inventory behind them), temperature and kinetics; what these kinds act on, and all they act on.
    static CaseModel apply_to_sources(const CaseModel& base, const Scenario& s);

private:
    const CaseModel& base_;
    reaches::SteadyResponse response_;
};

}  // namespace qingliu::scenarios
