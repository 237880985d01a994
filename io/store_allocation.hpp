// Load allocation (总量分配) of a run in the run store, in its own tables, so that `qingliu report` shows it later:
//   report_allocation_meta  design condition, its label, margin of safety
//   report_allocation       one row per grouping, section, state variable, method and unit (report::AllocationRow)
// The allocation is computed by the analysis (analyses/allocation.hpp) before the run is saved; this file only writes
// what it is given, inside the run's transaction (save_report_extras), and reads it back.
#pragma once
#include <cstdint>
#include <memory>

#include "io/store.hpp"
#include "report/allocation.hpp"

namespace qingliu::io {

/// Writes the table for run_id; call it inside the run's transaction (OutputError on failure).
void save_allocation(RunStore& store, std::int64_t run_id, const report::AllocationTable& t);

/// The run's allocation; null when the run has none.
std::shared_ptr<const report::AllocationTable> load_allocation(RunStore& store, std::int64_t run_id);

}  // namespace qingliu::io
