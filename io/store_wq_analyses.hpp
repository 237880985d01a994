// What `qingliu water-quality --apportion / --optimize / --monte-carlo` found (report/water_quality_analyses.hpp) in
// the run store, so that `qingliu report` shows it later; each part's tables hold rows only when the run has the part:
//   report_wq_apportion_meta  the apportionment's condition (id, Chinese and English line), margin of safety, whether
//                             the shares are exact (no oxygen effects); one row per run
//   report_wq_reduction       one row per section and assessed item: value, limit, target, the parts it is made of,
//                             the sources cut and the cut, the value after the cut, feasible, the largest sources
//                             (water_quality_reduction.csv)
//   report_wq_capacity        one row per reach and item whose sources must cut: load, cut, allowed load, the section
//                             that binds it (water_quality_capacity.csv)
//   report_wq_plan_meta       the plan's status (its key), its cost (total, investment, annual, the annual
//                             cost factor), margin of safety, whether the re-evaluated plan meets what it claims;
//                             one row per run
//   report_wq_plan_conditions the design conditions the plan was made for: id and label
//   report_wq_plan_measures   one row per candidate measure: names, kind, group (column measure_group), costs, chosen,
//                             why it was dropped (water_quality_plan.csv)
//   report_wq_plan_sections   one row per condition, section and item: target, baseline, predicted and planned value,
//                             gap, reachable, the section's classes and whether it meets, the items exceeding in the
//                             plan (water_quality_plan_sections.csv)
//   report_wq_mc_meta         the Monte Carlo's draws and seed (seed as decimal text: it may exceed 2^63); one row
//   report_wq_mc              one row per scenario (the baseline first), section and item: probability of meeting the
//                             target, percentiles, mean, the section's probability (water_quality_montecarlo.csv)
// Every row table has the run's id and `ord`, the row's place in its list; rows are read back in that order.
// Written in the run's transaction (RunStore::save's `more`) with what the command computed; read back as is.
#pragma once
#include <cstdint>
#include <memory>

#include "io/store.hpp"
#include "report/water_quality_analyses.hpp"

namespace qingliu::io {

/// Writes the parts of `a` that are not null.
void save_wq_analyses(RunStore& store, std::int64_t run_id, const report::WaterQualityAnalyses& a);

/// The run's water-quality analyses, each part null where the run has none; null when it has none of the three.
std::shared_ptr<const report::WaterQualityAnalyses> load_wq_analyses(RunStore& store, std::int64_t run_id);

}  // namespace qingliu::io
