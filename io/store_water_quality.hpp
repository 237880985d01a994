// The water-quality model's sections of a run (report/water_quality.hpp) in the run store, so that `qingliu report`
// shows them later:
//   report_wq_meta      model, elements per reach, reaeration, temperature, inflow DO share
//   report_wq_scenarios one row per scenario: the design condition it was judged in
//   report_wq_sections  one row per scenario and section: target, flow, class over every item, meets, deciding items
//   report_wq_items     one row per scenario, section and GB 3838 item: value, class (NULL: no limit for the water body),
//                       limit of the target class, exceedance multiple value / limit - 1 (NULL for DO), DO shortfall
//                       limit - value in mg/L (DO only; negative: above the limit), exceeds, rank among the exceeding
//                       items (1 = worst; 0 = not exceeding), deciding (of the worst class)
// Written in the run's transaction (RunStore::save's `more`) with what the evaluation computed; read back as is.
#pragma once
#include <cstdint>
#include <memory>

#include "io/store.hpp"
#include "report/water_quality.hpp"

namespace qingliu::io {

void save_water_quality(RunStore& store, std::int64_t run_id, const report::WaterQualityTable& t);

/// The run's water-quality table; null when the run has none.
std::shared_ptr<const report::WaterQualityTable> load_water_quality(RunStore& store, std::int64_t run_id);

}  // namespace qingliu::io
