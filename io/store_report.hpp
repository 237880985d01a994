// What a report needs beyond the run store's core tables, kept in the store's own report_* tables:
//   report_network   the reaches (topology, lengths, and line geometry when the case's reach table has it)
//   report_meta      CRS of the reach lines, notes
//   report_scenarios scenario names and measures, costs
//   report_sources   each scenario's resolved sources (type, town, reach, load g/s)
//   report_profile   concentrations along every reach (longitudinal profiles)
//   report_apportion each section's concentration by source type and by its largest sources
// The extras are collected from the solved scenarios (report/collect.hpp); this file only writes and reads them.
// Written at run time in the run's own transaction (RunStore::save's `more`), so a run is stored with its report data
// or not at all, and read back into report::ReportData, so a report can be made later without rerunning.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/store.hpp"
#include "report/collect.hpp"

namespace qingliu::io {

using report::ReportExtras;

/// Writes the extras of run_id. Call it from RunStore::save's `more`, inside the run's transaction (OutputError
/// otherwise).
void save_report_extras(RunStore& store, std::int64_t run_id, const ReportExtras& extras);

/// Saves the run and its report extras in one transaction; returns the run's id.
std::int64_t save_run_with_report(RunStore& store, const RunData& run, const ReportExtras& extras);

/// A run's core tables as report data (header, inputs, each scenario's section and reach rows), without the extras.
report::ReportData report_data_of(const RunData& run);

/// A stored run as report data (core tables + report_* tables). A run stored without report data still gives a
/// report (sections, reaches, schematic from reach ids) with a note saying what is missing.
report::ReportData load_report_data(RunStore& store, std::int64_t run_id);

/// "latest" (the newest run) or a run id; throws InputError for an empty store, a bad number, or an unknown id.
std::int64_t resolve_run(RunStore& store, const std::string& run);

}  // namespace qingliu::io
