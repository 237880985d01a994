// Steady and dynamic verdicts of a dynamic run (report/verdicts.hpp) in the run store, so that `qingliu report` shows
// them side by side later:
//   report_verdict_meta  year, design year, its flow scale
//   report_verdicts      one row per scenario and section
// Written in the run's transaction (RunStore::save's `more`) with what `qingliu dynamic` computed; read back as is.
#pragma once
#include <cstdint>
#include <memory>

#include "io/store.hpp"
#include "report/verdicts.hpp"

namespace qingliu::io {

void save_verdicts(RunStore& store, std::int64_t run_id, const report::VerdictTable& t);

/// The run's verdicts; null when the run has none.
std::shared_ptr<const report::VerdictTable> load_verdicts(RunStore& store, std::int64_t run_id);

}  // namespace qingliu::io
