// The dynamic water-quality model of a case beside its dynamic run (analyses/simulate.hpp): the same year of daily
// flows, loads and temperatures (the design year when the run judges one) drives the nine species of the QUAL2K-class
// kinetics in the cells of reaches/dynamic_wq.hpp, each scenario's sources, headwaters and lateral inflow completed to
// the nine species as the steady model does (analyses/water_quality.hpp). Each section is judged per day over every
// GB 3838-2002 item the case chooses (WaterQualityOptions::items, [water_quality] items; by default DO, CODMn, COD,
// BOD5, NH3-N, TP, and TN where the water body has a limit), and over the year: each
// item's share of days meeting the target class, the annual mean of each item and its class, and the steady verdict
// of the same scenario at the design condition beside it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analyses/simulate.hpp"
#include "analyses/water_quality.hpp"
#include "reaches/dynamic_wq.hpp"
#include "reaches/wq_classes.hpp"

namespace qingliu::scenarios {

struct DynamicWaterQualityScenario {
    std::string id;
    reaches::wq::DynamicResult result;  ///< per day (time_d[0] = 0, the start) at every section
    std::vector<std::string> items;     ///< the chosen GB 3838 item keys (reaches::wq::gb3838_items order)
    /// per section and day: index (s * days + d); each item: ((s * days + d) * items + k)
    std::vector<double> daily_flow_m3s;
    std::vector<double> daily_mgL;
    std::vector<std::int8_t> daily_item_class;  ///< 0: not assessed for the water body
    std::vector<std::int8_t> daily_class;       ///< the section's class of the day (worst item)
    /// per section and item (s * items + k): share of days the item meets the target (NaN: not assessed), the
    /// annual mean
    std::vector<double> share_days_item;
    std::vector<double> annual_mean_mgL;
    std::vector<double> share_days;                          ///< per section: days whose class meets the target
    std::vector<reaches::wq::ItemsEvaluation> annual;        ///< per section: the annual means judged
    std::vector<reaches::wq::ItemsEvaluation> steady;        ///< per section: the steady model at the design condition
    std::vector<reaches::wq::State> steady_mgL;
    reaches::wq::State input_g{}, outlet_g{}, storage_start_g{}, storage_end_g{};  ///< network budget (g)
    reaches::wq::PerProcess processed_g{};
};

struct DynamicWaterQuality {
    int cells_per_reach = 4;
    bool oxygen_effects = true;  ///< rates depend on DO (frozen-gate sub-pieces); else the cells are linear and solved exactly
    double oxygen_tolerance = 0.0;  ///< the frozen-gate sub-pieces' tolerance asked for (0: the solver's default)
    double exchange_step_d = kExchangeStepD;  ///< the pieces of the exchange between reaches (days)
    std::vector<DynamicWaterQualityScenario> scenarios;  ///< aligned with Simulation::scenarios
};

/// Runs every scenario of `sim` (its models, year and design-year scaling) with the kinetics of `opt`; cells per reach:
/// opt's elements per reach where the case computes elements, else `cells`. progress: share done. oxygen_tolerance:
/// the frozen-gate sub-pieces' tolerance (reaches::wq::DynamicOptions::frozen_abs_tol and frozen_rel_tol; 0: default).
/// exchange_step_d: the pieces of the exchange between reaches (DynamicOptions::exchange_step_d; <= 0: kExchangeStepD,
/// 1/8 d, see the definition).
DynamicWaterQuality simulate_water_quality(const Simulation& sim, const DynamicInputs& inputs, const WaterQualityOptions& opt,
                                           int cells, const std::function<void(double)>& progress = {},
                                           double oxygen_tolerance = 0.0, double exchange_step_d = 0.0);

}  // namespace qingliu::scenarios
