// Monte Carlo results of a run in the run store, in their own tables, so that `qingliu report` shows them later:
//   report_montecarlo        one row per scenario and section: P(meets), deterministic verdict
//   report_montecarlo_bands  per row and state variable: P(C <= limit), deterministic value, 5-50-95 % band, mean
//   report_montecarlo_meta   draws, seed, parameters drawn
// Written inside the run's transaction (RunStore::save's `more`), read back into report::MonteCarloTable.
#pragma once
#include <cstdint>
#include <memory>

#include "io/store.hpp"
#include "report/montecarlo.hpp"

namespace qingliu::io {

/// Writes the table for run_id; call it from RunStore::save's `more` (OutputError on failure).
void save_montecarlo(RunStore& store, std::int64_t run_id, const report::MonteCarloTable& t);

/// The run's Monte Carlo table; null when the run has none.
std::shared_ptr<const report::MonteCarloTable> load_montecarlo(RunStore& store, std::int64_t run_id);

}  // namespace qingliu::io
