// Dynamic results in the run store, in their own tables (created on first use):
//   dynamic_meta(run_id, scenario, key, value)                      period, interval, mass balance, solver figures
//   dynamic_section_daily(run_id, scenario, section_id, date, flow_m3s, cod_mgL, nh3n_mgL, tp_mgL, class)
//   dynamic_reach_daily(run_id, scenario, reach_id, date, flow_m3s, cod_mgL, nh3n_mgL, tp_mgL)
//   dynamic_section_monthly(run_id, scenario, section_id, month, season, days, cod_mgL, nh3n_mgL, tp_mgL, class, meets)
//   dynamic_compliance(run_id, scenario, section_id, target_class, cod_mgL, nh3n_mgL, tp_mgL, annual_class,
//                      annual_meets, share_days, share_months)
//   (cod_mgL, nh3n_mgL, tp_mgL: one column per state variable of common/constituent.hpp, in its order)
// Written in the run's own transaction (RunStore::save's `more`), keyed by its run_id, so a dynamic run is stored
// with its results or not at all.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/store.hpp"
#include "reaches/dynamic.hpp"

namespace qingliu::io {

struct DynamicScenarioOutput {
    std::string scenario;
    std::vector<std::string> dates;        ///< per interval (YYYY-MM-DD)
    std::vector<int> wet_month;            ///< 12 entries: 1 wet, 0 dry, -1 not simulated
    std::vector<std::string> section_ids;  ///< aligned with compliance and the run's observations
    std::vector<int> target_class;
    std::vector<reaches::SectionCompliance> compliance;
    std::vector<std::string> reach_ids;    ///< aligned with the run's reaches
    std::vector<std::pair<std::string, double>> meta;
    const reaches::DynamicResult* result = nullptr;
    const reaches::ClassTable* classes = nullptr;
    std::vector<reaches::WaterBody> water_body;
};

/// Writes every scenario's dynamic results for run_id. Call it from RunStore::save's `more`, inside the run's
/// transaction; throws OutputError (also when called outside one).
void save_dynamic(RunStore& store, std::int64_t run_id, const std::vector<DynamicScenarioOutput>& outputs);

/// Number of daily section rows stored for a run (for checks and `show`).
std::int64_t count_dynamic_days(RunStore& store, std::int64_t run_id);

}  // namespace qingliu::io
