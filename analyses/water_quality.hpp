// A case evaluated with the QUAL2K-class water-quality kinetics (reaches/steady_wq.hpp): sources, headwaters and
// lateral inflow as given for COD, NH3-N and TP and for the items they give (DO, BOD5, CODMn, TN, N and P species:
// common/given_species.hpp), completed to the nine species by the composition of their kind of water
// (reaches/wq_sources.hpp), and every section classified over every GB 3838 item it has (DO, CODMn, COD,
// BOD5, NH3-N, TP; TN in lakes) with its exceeding items.
#pragma once
#include <string>
#include <vector>

#include "common/item_set.hpp"
#include "reaches/steady_wq.hpp"
#include "reaches/wq_classes.hpp"
#include "reaches/wq_sources.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

struct WaterQualityOptions {
    reaches::wq::Options steady;             ///< kinetics and reaeration
    bool case_temperature = true;            ///< true: steady.temperature_c = the case's temperature
    reaches::wq::ReachData reaches;          ///< per-reach SOD, ka, elevation, weirs, elements; concentrations are
                                             ///< filled from the case (any given here are replaced)
    double river_do_share_of_saturation = 0.9;  ///< DO of headwater and lateral inflow (estimate)
    /// Depth of reaches whose hydraulics give none (hydraulic geometry without c and d, or a constant velocity): an
    /// estimate the case states. With a width W (the reach's own, else default_width_m) by continuity at every flow,
    /// H = Q / (u W), i.e. hydraulic geometry c = 1 / (a W), d = 1 - b; else default_depth_m at every flow. Neither:
    /// such a reach is a model error.
    double default_depth_m = 0.0;
    double default_width_m = 0.0;
    std::vector<double> reach_width_m;  ///< per reach, > 0: its width (m); empty or 0: the default
    reaches::wq::CompositionOverrides composition;  ///< the case's compositions of source water (wq_sources.hpp)
    /// The GB 3838 items assessed and reported ([water_quality] items; common/item_set.hpp): every section is
    /// classified over these only. The nine species are computed whatever the choice.
    ItemSet items = ItemSet::all();
};

/// The chosen items of a state (reaches::wq::gb3838_items, in its order, those of `items` only).
std::vector<reaches::wq::Item> chosen_items(const reaches::wq::State& c, double bod_bottle_k_per_d, const ItemSet& items);

struct WaterQualitySection {
    reaches::wq::State conc_mgL{};
    reaches::wq::ItemsEvaluation evaluation;
};

struct WaterQualityEvaluation {
    reaches::wq::Result steady;
    std::vector<reaches::wq::Input> inputs;       ///< one per case source, same order
    std::vector<WaterQualitySection> sections;    ///< aligned with CaseModel::sections
    std::vector<std::int32_t> estimated_depth_reaches;  ///< reaches whose depth came from a width or default_depth_m
    std::vector<double> estimated_depth_m;              ///< their depth at the mean of inflow and outflow
};

WaterQualityEvaluation evaluate_water_quality(const CaseModel& m, WaterQualityOptions opt);

/// What evaluate_water_quality hands to the steady solver: the network (depths estimated where the case asks), the
/// reach data with the completed headwater and lateral species, one input per case source (same order), the
/// sections as observations and the kinetics options. natural_headwater_mgL: per reach, the headwater species with
/// each of COD, NH3-N and TP capped at the case's natural headwater concentration (CaseModel::natural_headwater_mgL;
/// equal to the headwater species where the case gives none): the part above it is boundary inflow (跨界来水).
struct WaterQualityProblem {
    reaches::Network net;
    reaches::wq::ReachData data;
    std::vector<reaches::wq::Input> inputs;
    std::vector<reaches::Observation> observations;
    reaches::wq::Options steady;
    std::vector<reaches::wq::State> natural_headwater_mgL;
    std::vector<std::int32_t> estimated_depth_reaches;
};
WaterQualityProblem water_quality_problem(const CaseModel& m, WaterQualityOptions opt);
reaches::wq::Result solve_water_quality(const WaterQualityProblem& p);
/// The steady solver's input of each source (same order): its water's COD, NH3-N, TP and given items completed to
/// the nine species by the composition of its kind, times its flow (a source without water: the same ratios on
/// its loads, no oxygen). k1: the BOD bottle rate (1/d).
std::vector<reaches::wq::Input> water_quality_inputs(const std::vector<loads::Source>& sources,
                                                     const reaches::wq::CompositionOverrides& composition, double k1);

/// The labels of the case as it is, beside its scenarios' (id, Chinese and English name).
inline constexpr const char* kBaselineId = "baseline";
inline constexpr const char* kBaselineZh = "基线";
inline constexpr const char* kBaselineEn = "baseline";

/// The baseline ("baseline") and each chosen scenario (its measures applied to the case), evaluated in that order.
struct WaterQualityRun {
    std::string scenario_id, name, name_en;
    WaterQualityEvaluation evaluation;
};
std::vector<WaterQualityRun> evaluate_water_quality_scenarios(const CaseModel& base, const std::vector<Scenario>& chosen,
                                                              const WaterQualityOptions& opt);

}  // namespace qingliu::scenarios
