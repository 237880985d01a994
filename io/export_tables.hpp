// Every CSV table the program writes, as a function of the result structs it holds: one layout per file name, the
// same in every command and in the report folder. docs/outputs.md lists each file with its columns and units, and a
// test checks that list against the files a run of a shipped case writes.
//
// Numbers are printed by io::num (io/results.hpp: up to 6 significant digits), text fields by io::csv_quote; a table
// is UTF-8 text, given a byte-order mark for Excel by OutputDir::stage. Tables of a run (sections, reaches, profile,
// scenarios, sources, loads_by_type, apportionment) are built from the run's report data (io/store_report.hpp): the
// tables a command writes beside its results and those `qingliu report` writes later are the same by construction.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "loads/inventory.hpp"
#include "reaches/line_network.hpp"
#include "report/mixing.hpp"
#include "report/allocation.hpp"
#include "report/montecarlo.hpp"
#include "report/report.hpp"
#include "analyses/allocation.hpp"
#include "analyses/apportion.hpp"
#include "optimize/calibrate.hpp"
#include "scenarios/case.hpp"
#include "optimize/chance.hpp"
#include "scenarios/conditions.hpp"
#include "optimize/optimize.hpp"

namespace qingliu::io {

/// (file name, CSV text) pairs, in the order they are written.
using Tables = std::vector<std::pair<std::string, std::string>>;

/// Which scenarios of a run a table holds: its baseline only (what `run` writes beside its results) or all of them.
enum class ScenarioRows { Baseline, All };

// ------------------------------------------------------------------ tables of a run (report data)
/// scenarios.csv: scenario,name,name_en,measures,invest_wan,annual_wan,sections_meeting,sections,measures_en
std::string scenarios_csv(const report::ReportData& d);
/// sections.csv: scenario,section_id,name,name_en,river,reach_id,level,position_km,river_km,target_class,flow_m3s,
/// <key>_mgL...,<key>_class...,class,meets,exceedance,worst_parameter,<key>_exceedance...,river_en
std::string sections_csv(const report::ReportData& d, ScenarioRows rows = ScenarioRows::All);
/// reaches.csv: scenario,reach_id,name,river,downstream_id,length_km,flow_in_m3s,flow_m3s,velocity_ms,travel_time_d,
/// <key>_mgL...,<key>_load_kg_d...,<key>_decayed_kg_d...,class,dry,name_en,river_en
std::string reaches_csv(const report::ReportData& d, ScenarioRows rows = ScenarioRows::All);
/// profile.csv: scenario,river,reach_id,river_km,position_km,flow_m3s,<key>_mgL...,river_en
std::string profile_csv(const report::ReportData& d, ScenarioRows rows = ScenarioRows::All);
/// sources.csv: scenario,source_id,name,type,type_zh,type_en,town,reach_id,position_km,flow_m3s,<key>_t_a...,diffuse,
/// origin,name_en,town_en
std::string sources_csv(const report::ReportData& d);
/// apportionment.csv: scenario,section_id,part,key,label,label_en,<key>_mgL...,<key>_share...
std::string apportionment_csv(const report::ReportData& d);
/// The report folder's tables: scenarios, sections, reaches, profile, sources, loads_by_type, apportionment, and
/// montecarlo.csv for a Monte Carlo run, water_quality_sections.csv for a run with the water-quality model.
Tables report_tables(const report::ReportData& d);

// ------------------------------------------------------------------ loads
/// One scenario's loads by source type (types in first-seen order).
struct TypeTotals {
    std::string scenario = "baseline";
    std::vector<loads::TypeTotal> types;
};
/// loads_by_type.csv: scenario,type,type_zh,type_en,count,<key>_t_a...,<key>_share... (share of the scenario's total)
std::string loads_by_type_csv(const std::vector<TypeTotals>& scenarios);
/// Each scenario's sources of a run summed by type.
std::vector<TypeTotals> type_totals(const report::ReportData& d);
/// loads_by_source.csv: source_id,name,type,type_zh,type_en,town,reach_id,river,diffuse,flow_m3s,<key>_t_a...,origin
std::string loads_by_source_csv(const scenarios::CaseModel& m);

// ------------------------------------------------------------------ Monte Carlo, mixing zones
/// montecarlo.csv: scenario,scenario_name,scenario_name_en,section_id,name,river,target_class,det_meets,p_meets,
/// p_meets_<key>..., then per state variable <key>_det_mgL,<key>_p5_mgL,<key>_p50_mgL,<key>_p95_mgL,<key>_mean_mgL
std::string montecarlo_csv(const report::MonteCarloTable& t);
/// montecarlo_parameters.csv: parameter (one row per parameter drawn)
std::string montecarlo_parameters_csv(const std::vector<std::string>& drawn);
/// mixing.csv: one row per outfall and parameter (columns in docs/outputs.md)
std::string mixing_csv(const report::MixingSection& s);

// ------------------------------------------------------------------ analyses
/// compare.csv: scenario,scenario_name,section_id,name,river,target_class,<key>_mgL...,class,meets,exceedance,
/// delta_<key>_mgL...,class_change,scenario_name_en,name_en,exceeding (changes against the baseline, the first scenario)
std::string compare_csv(const report::ReportData& d);

/// What an apportionment was asked for: the scenario and design condition it was made in.
struct ApportionContext {
    std::string scenario = "baseline";
    std::string condition = "design";
};
/// apportionment_sources.csv: scenario,section_id,section_name,source_id,source_name,type,reach_id,<key>_mgL...,
/// <key>_share... (every source reaching a section)
std::string apportionment_sources_csv(const scenarios::CaseModel& m, const scenarios::Apportionment& a, const ApportionContext& at);
/// apportionment_types.csv: scenario,section_id,section_name,type,type_zh,type_en,<key>_mgL...,<key>_share...
std::string apportionment_types_csv(const scenarios::CaseModel& m, const scenarios::Apportionment& a, const ApportionContext& at);
/// required_reduction.csv: scenario,section_id,section_name,target_class,constituent,concentration_mgL,limit_mgL,
/// background_mgL,upstream_load_kg_d,required_cut_share,required_cut_kg_d,feasible,condition,mos,target_mgL,boundary_mgL,
/// required_cut_t_a,boundary_cut_share,boundary_cut_t_a
std::string required_reduction_csv(const scenarios::CaseModel& m, const scenarios::Apportionment& a, const ApportionContext& at);

/// capacity.csv: scenario,reach_id,river,target_class,control_section, per state variable <key>_capacity_t_a,
/// <key>_current_t_a,<key>_reduction_t_a,<key>_limit_mgL,<key>_inflow_mgL, then per state variable <key>_allowed_t_a,
/// <key>_binding_section,<key>_upstream_cut_t_a, then condition,mos,method
std::string capacity_csv(const scenarios::CaseModel& m, const std::vector<scenarios::ReachCapacity>& caps, const ApportionContext& at,
                         double mos_fraction, scenarios::DischargePoint discharge);

/// allocation.csv: condition,mos,by,section_id,section_name,constituent,method,method_zh,unit,current_t_a,allowed_t_a,
/// cut_t_a,cut_share,section_mgL,target_mgL,feasible,gini_indicator,gini_current,gini_allowed (the Gini columns
/// ';'-separated per indicator).
std::string allocation_csv(const report::AllocationTable& t);

/// The measure rows of plan.csv (and water_quality_plan.csv): measure_id,name,name_en,kind,group,invest_wan,
/// annual_wan,cost_wan,chosen,note, for candidates `cands` of which `chosen` are in the plan.
std::string plan_measures_csv(const std::vector<scenarios::Candidate>& cands, const std::vector<std::size_t>& chosen,
                              const std::vector<scenarios::DroppedMeasure>& dropped, double annual_cost_factor);
/// plan.csv: measure_id,name,name_en,kind,group,invest_wan,annual_wan,cost_wan,chosen,note (cost = invest + annual x
/// annual_cost_factor; measures left out of the candidates follow, with their reason)
std::string plan_csv(const std::vector<scenarios::Candidate>& cands, const scenarios::OptimizeResult& r, double annual_cost_factor,
                     const std::vector<scenarios::DroppedMeasure>& left_out);
/// plan_sections.csv: condition,section_id,name,constituent,target_class,limit_mgL,mos,target_mgL,baseline_mgL,plan_mgL,
/// predicted_mgL,margin_mgL,reachable,best_mgL,gap_mgL
std::string plan_sections_csv(const scenarios::CaseModel& m, const std::vector<scenarios::DesignCondition>& conds,
                              const scenarios::OptimizeResult& r, double mos_fraction);
/// plan_chance.csv: section_id,name,target_class,p_required,p_meets,low95,high95,holds,design_draws,check_draws,seed,
/// check_seed
std::string plan_chance_csv(const scenarios::CaseModel& m, const scenarios::ChanceResult& c, double p_required, std::uint64_t seed);

/// calibration.csv: two blocks: parameter,initial,fitted,low,high,at_bound; a blank line; then
/// constituent,n,rmse_before_mgL,rmse_mgL,bias_mgL,r2,nse (state variables with observations)
std::string calibration_csv(const scenarios::CalibrationResult& r);
/// residuals.csv: section_id,date,constituent,observed_mgL,modelled_mgL,residual_mgL
std::string residuals_csv(const scenarios::CaseModel& m, const std::vector<scenarios::ObservedValue>& obs,
                          const scenarios::CalibrationResult& r);

// ------------------------------------------------------------------ network building
/// network_findings.csv: kind,features,x,y,distance_m,message (x, y in the layer's CRS; distance in m)
std::string network_findings_csv(const std::vector<reaches::LineFinding>& findings);
/// split_points.csv: point_id,reach_id,position_km,distance_m
std::string split_points_csv(const std::vector<reaches::SnappedSplitPoint>& points);

}  // namespace qingliu::io
