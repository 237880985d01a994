// water_quality_sections.csv: every section under the baseline and each scenario, evaluated with the QUAL2K-class
// kinetics (`qingliu water-quality`; `run`, `compare` and `report` of a case with [water_quality] from the run's
// report/water_quality.hpp table). One row per scenario and section, columns (docs/outputs.md):
//   scenario_id, section_id, name, name_en, river, reach_id, position_km, water_body, target_class, flow_m3s,
//   <item>_mgL for item in do, codmn, cod, bod5, nh3n, tp, tn (12 significant digits; those of the case's
//   [water_quality] items only where it chooses some),
//   <item>_class (I..V, 劣V; empty where GB 3838 gives no limit for the water body, e.g. TN in rivers),
//   <item>_exceedance (value / limit - 1 where the item is worse than the target; DO: shortfall limit - value in
//   mg/L; empty where the item meets the target),
//   class (worst assessed item), meets (yes/no), deciding (the items of the worst class, "nh3n;tp"),
//   exceeding_en, exceeding_zh (every exceeding item, worst first, with its multiple or DO shortfall)
#pragma once
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "analyses/water_quality.hpp"
#include "analyses/water_quality_apportion.hpp"
#include "report/water_quality.hpp"
#include "report/water_quality_analyses.hpp"

namespace qingliu::io {

/// The GB 3838 items of the sections, in column order.
const std::vector<std::string>& water_quality_item_keys();
/// The items the rows were judged over ([water_quality] items), in column order: those of water_quality_item_keys()
/// that any row has (every item where there are no rows).
std::vector<std::string> water_quality_item_keys(const std::vector<report::WaterQualityRow>& rows);

/// The rows of the report's table (report/water_quality.hpp); scenario: only its rows ("": every row).
std::string water_quality_sections_csv(const std::vector<report::WaterQualityRow>& rows, const std::string& scenario = "");

/// The columns compare.csv adds for a case with [water_quality] (io::compare_csv), after its own: for every item of
/// water_quality_item_keys(rows) wq_<item>_mgL, then wq_<item>_class, then wq_<item>_exceedance (as in this file), then
/// wq_class (worst assessed item), wq_meets, wq_class_change (against the baseline's class over every item),
/// wq_exceeding, wq_exceeding_zh. The header begins with a comma; so do the cells of one row (r null: all empty).
std::string compare_water_quality_header(const std::vector<std::string>& keys);
std::string compare_water_quality_cells(const std::vector<std::string>& keys, const report::WaterQualityRow* r,
                                        const report::WaterQualityRow* base);

// The files of the analyses below hold rows of the items the case assesses only ([water_quality] items; all by default):
// the analyses compute those alone. All but water_quality_apportionment.csv are written from the rows of
// report/water_quality_analyses.hpp (app/water_quality_tables.hpp builds them), which the run store keeps, so that
// `qingliu report` writes the same files.
//
// `qingliu water-quality --apportion` (analyses/water_quality_apportion.hpp), loads in t/a, condition = its id:
// water_quality_apportionment.csv, one row per section, item and part (background, boundary_inflow, each source with a
// non-zero share, oxygen_effects):
//   condition, section_id, section_name, item, item_en, item_zh, part, source_id, source_name, type, reach_id,
//   contribution_mgL (DO: the source's effect on DO, negative where it lowers it), share (of the modelled value)
std::string water_quality_apportionment_csv(const scenarios::CaseModel& m, const scenarios::WqApportionment& a,
                                            const std::string& condition);
// water_quality_reduction.csv, one row per section and assessed item:
//   condition, section_id, section_name, target_class, item, item_en, item_zh, minimum (yes for DO), value_mgL,
//   limit_mgL, mos, target_mgL, meets_target, background_mgL, boundary_mgL, sources_mgL, oxygen_effects_mgL,
//   cut_sources (ids, ";"), source_load_t_a (DO: oxygen demand), cut_share_linear, cut_share, cut_t_a, allowed_t_a,
//   boundary_cut_share, value_after_cut_mgL (full model, cut applied), feasible
std::string water_quality_reduction_csv(const report::WqApportionTable& t);
// water_quality_capacity.csv, one row per reach and item whose sources must cut:
//   condition, reach_id, item, item_en, item_zh, load_t_a, cut_t_a, allowed_t_a, binding_section
std::string water_quality_capacity_csv(const report::WqApportionTable& t);

// `qingliu water-quality --optimize` (optimize/water_quality_optimize.hpp):
// water_quality_plan.csv, one row per candidate measure:
//   measure_id, name, name_en, kind, group, invest_wan, annual_wan, cost_wan (invest + F annual, F = annual_cost_factor),
//   chosen (1/0), note (why dropped)
std::string water_quality_plan_csv(const report::WqPlanTable& t);
// water_quality_plan_sections.csv, one row per condition, section and assessed item:
//   condition, section_id, name, item, item_en, item_zh, minimum, target_class, limit_mgL, mos, target_mgL,
//   baseline_mgL, predicted_mgL, plan_mgL (full model), gap_mgL, meets_with_margin, reachable, baseline_class,
//   plan_class, plan_exceeding_en, plan_exceeding_zh (the section's exceeding items after the plan)
std::string water_quality_plan_sections_csv(const report::WqPlanTable& t);

// `qingliu water-quality --monte-carlo N` (optimize/water_quality_montecarlo.hpp): water_quality_montecarlo.csv, one
// row per scenario (the baseline first), section and item: scenario, scenario_name, scenario_name_en, section_id,
// name, item, item_en, item_zh, assessed, p_meets (the item; empty where not assessed), p5_mgL, p50_mgL, p95_mgL,
// mean_mgL, section_p_meets (every item), draws, seed
std::string water_quality_montecarlo_csv(const report::WqMonteCarloTable& t);

}  // namespace qingliu::io
