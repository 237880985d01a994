// What a dynamic run (scenarios::simulate) writes, as functions of its result structs:
//   daily_sections.csv   scenario,section_id,name,date,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL,class,target_class,meets
//   daily_reaches.csv    scenario,reach_id,date,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL (reaches recorded:
//                        SimulateOptions::solver.record_reach_ends)
//   monthly_sections.csv scenario,section_id,name,month,season,days,cod_mgL,nh3n_mgL,tp_mgL,class,target_class,meets
//   compliance.csv       scenario,section_id,name,name_en,river,target_class,cod_mgL,nh3n_mgL,tp_mgL,annual_class,
//                        annual_meets,share_days_meeting,share_months_meeting,days,months
//   daily_reaches_<scenario>.nc, daily_sections_<scenario>.nc   the daily series (io/netcdf_series.hpp)
// and, for a case with [water_quality], the dynamic water-quality model (analyses/dynamic_water_quality.hpp):
//   daily_water_quality.csv       scenario,section_id,name,date,flow_m3s,do_mgL,codmn_mgL,cod_mgL,bod5_mgL,nh3n_mgL,
//                                 tp_mgL,tn_mgL,class,target_class,meets   (every GB 3838 item per day, the day's class)
//   daily_water_quality_<scenario>.nc  the same daily items and classes as a NetCDF series (io/netcdf_series.hpp)
//   water_quality_compliance.csv  scenario,section_id,name,name_en,target_class,item,annual_mean_mgL,annual_class,
//                                 share_days_meeting,steady_mgL,steady_class   (per item, and item "all": the section)
//   the run store: the annual means as the run's section results, the monthly and compliance detail in the dynamic
//   tables (io/store_dynamic.hpp)
// (cod_mgL, nh3n_mgL, tp_mgL: one column per state variable of common/constituent.hpp, in its order.)
#pragma once
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "io/netcdf_series.hpp"
#include "io/store.hpp"
#include "io/store_dynamic.hpp"
#include "analyses/dynamic_water_quality.hpp"
#include "analyses/simulate.hpp"

namespace qingliu::io {

/// Rows a spreadsheet shows in one sheet (Excel: 1,048,576 with the header): larger daily tables go to NetCDF only.
constexpr std::size_t kSheetRows = 1048575;

/// Scenario ids as parts of file names: letters, digits, '-' and '_' kept, anything else '_'; a name already taken
/// gets "_2", "_3" ...
std::vector<std::string> file_stems(const std::vector<std::string>& ids);

std::string daily_sections_csv(const scenarios::Simulation& sim);
std::string daily_reaches_csv(const scenarios::Simulation& sim);
std::string monthly_sections_csv(const scenarios::Simulation& sim);
std::string compliance_csv(const scenarios::Simulation& sim);
std::string daily_water_quality_csv(const scenarios::Simulation& sim, const scenarios::DynamicWaterQuality& wq);
std::string water_quality_compliance_csv(const scenarios::Simulation& sim, const scenarios::DynamicWaterQuality& wq);

/// The NetCDF file description of one scenario's series: case names, scenario, period, and the design year as
/// global attributes (design_year, dry_year_factor).
SeriesFileSpec dynamic_series_spec(const scenarios::Simulation& sim, const scenarios::CaseModel& m, const std::string& scenario);

/// daily_sections_<scenario>.nc: every section's daily flow, concentrations and class (double precision).
void write_section_series(const std::string& path, const SeriesStations& stations, SeriesFileSpec spec,
                          const scenarios::Simulation& sim, const scenarios::ScenarioSimulation& run);

/// daily_water_quality_<scenario>.nc: every section's daily flow, GB 3838 items of the water-quality model (one
/// variable per item, mg L-1) and class of the day, as in daily_water_quality.csv (double precision; the stations
/// and time of daily_sections_<scenario>.nc).
void write_water_quality_series(const std::string& path, const SeriesStations& stations, SeriesFileSpec spec, int days,
                                const scenarios::DynamicWaterQualityScenario& wq);

/// What the run store keeps of a dynamic run: the run (annual means as section results, the [dynamic] parameters)
/// and per scenario its monthly and compliance detail, solver figures and series files (files: per scenario, in
/// the order of sim.scenarios).
struct DynamicRunRecord {
    RunData run;
    std::vector<DynamicScenarioOutput> dynamic;
};
DynamicRunRecord dynamic_run_record(const LoadedCase& lc, const scenarios::Simulation& sim, double washoff_exponent,
                                    std::vector<std::vector<DynamicFile>> files);
/// The dynamic water-quality summary rows for the run store (dynamic_water_quality, io/store_dynamic.hpp).
std::vector<DynamicWaterQualityRow> dynamic_water_quality_rows(const scenarios::Simulation& sim,
                                                               const scenarios::DynamicWaterQuality& wq);

}  // namespace qingliu::io
