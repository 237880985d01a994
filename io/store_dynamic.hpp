// Dynamic results in the run store, in their own tables (created on first use):
//   dynamic_meta(run_id, scenario, key, value)                      period, interval, mass balance, solver figures
//   dynamic_files(run_id, scenario, kind, path, sha256, bytes)      the NetCDF files holding the daily series
//                                                                   (kind: reaches, sections, water_quality), by absolute path
//   dynamic_section_monthly(run_id, scenario, section_id, month, season, days, cod_mgL, nh3n_mgL, tp_mgL, class, meets)
//   dynamic_compliance(run_id, scenario, section_id, target_class, cod_mgL, nh3n_mgL, tp_mgL, annual_class,
//                      annual_meets, share_days, share_months)
//   (cod_mgL, nh3n_mgL, tp_mgL: one column per state variable of common/constituent.hpp, in its order)
//   dynamic_water_quality(run_id, scenario, section_id, item, target_class, annual_mean_mgL, annual_class,
//                         share_days, steady_mgL, steady_class)   the dynamic water-quality model per GB 3838 item
//                         (item "all": the section; NULL where an item is not assessed), for a case with [water_quality]
// The daily series themselves (every reach-day) live in the NetCDF files (io/netcdf_series.hpp), not in the store;
// stores written before kept them in dynamic_section_daily and dynamic_reach_daily, which are left as they are.
// Written in the run's own transaction (RunStore::save's `more`), keyed by its run_id, so a dynamic run is stored
// with its results or not at all.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/store.hpp"
#include "reaches/dynamic.hpp"

namespace qingliu::io {

/// A file of daily series written for a scenario.
struct DynamicFile {
    std::string kind;    ///< "reaches", "sections" or "water_quality"
    std::string path;    ///< absolute path of the file as committed
    std::string sha256;  ///< of its bytes
    std::uint64_t bytes = 0;
};

struct DynamicScenarioOutput {
    std::string scenario;
    std::vector<int> wet_month;            ///< 12 entries: 1 wet, 0 dry, -1 not simulated
    std::vector<std::string> section_ids;  ///< aligned with compliance and the run's observations
    std::vector<int> target_class;
    std::vector<reaches::SectionCompliance> compliance;
    std::vector<std::pair<std::string, double>> meta;
    std::vector<DynamicFile> files;
};

/// One row of dynamic_water_quality (see the file comment); built by io::dynamic_water_quality_rows.
struct DynamicWaterQualityRow {
    std::string scenario, section_id, item;
    std::size_t scenario_index = 0, section_index = 0;
    int target_class = 0, annual_class = 0, steady_class = 0;  ///< 0: not assessed
    double annual_mean_mgL = 0.0, share_days = 0.0, steady_mgL = 0.0;  ///< share_days NaN: not assessed
};
void save_dynamic_water_quality(RunStore& store, std::int64_t run_id, const std::vector<DynamicWaterQualityRow>& rows);

/// Writes every scenario's dynamic results for run_id. Call it from RunStore::save's `more`, inside the run's
/// transaction; throws OutputError (also when called outside one).
void save_dynamic(RunStore& store, std::int64_t run_id, const std::vector<DynamicScenarioOutput>& outputs);

}  // namespace qingliu::io
