// A case evaluated with the QUAL2K-class water-quality kinetics (reaches/steady_wq.hpp): sources, headwaters and
// lateral inflow as given for COD, NH3-N and TP, completed to the nine species by the composition of their kind of
// water (reaches/wq_sources.hpp), and every section classified over every GB 3838 item it has (DO, CODMn, COD,
// BOD5, NH3-N, TP; TN in lakes) with its exceeding items.
#pragma once
#include <vector>

#include "reaches/steady_wq.hpp"
#include "reaches/wq_classes.hpp"
#include "scenarios/case.hpp"

namespace qingliu::scenarios {

struct WaterQualityOptions {
    reaches::wq::Options steady;             ///< kinetics and reaeration
    bool case_temperature = true;            ///< true: steady.temperature_c = the case's temperature
    reaches::wq::ReachData reaches;          ///< per-reach SOD, ka, elevation, weirs, elements; concentrations are
                                             ///< filled from the case (any given here are replaced)
    double river_do_share_of_saturation = 0.9;  ///< DO of headwater and lateral inflow (estimate)
};

struct WaterQualitySection {
    reaches::wq::State conc_mgL{};
    reaches::wq::ItemsEvaluation evaluation;
};

struct WaterQualityEvaluation {
    reaches::wq::Result steady;
    std::vector<reaches::wq::Input> inputs;       ///< one per case source, same order
    std::vector<WaterQualitySection> sections;    ///< aligned with CaseModel::sections
};

WaterQualityEvaluation evaluate_water_quality(const CaseModel& m, WaterQualityOptions opt);

}  // namespace qingliu::scenarios
