// What a report needs beyond the run store's core tables, kept in the store's own report_* tables:
//   report_network   the reaches (topology, lengths, and line geometry when the case's reach table has it)
//   report_meta      CRS of the reach lines, notes
//   report_scenarios scenario names and measures, costs
//   report_sources   each scenario's resolved sources (type, town, reach, load g/s)
//   report_profile   concentrations along every reach (longitudinal profiles)
//   report_apportion each section's concentration by source type and by its largest sources
// Written at run time just after RunStore::save (if that fails the run is removed again, so a run is stored with its
// report data or not at all) and read back into report::ReportData, so a report can be made later without rerunning.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "io/store.hpp"
#include "report/report.hpp"

namespace qingliu::io {

struct ReportExtrasOptions {
    double profile_step_km = 0.0;    ///< 0: about 300 points along the longest river (at least 50 m apart)
    int top_sources = 10;            ///< largest single sources kept per section
    double max_apportion_work = 4e8; ///< sources x (reaches + sections) above which apportionment is skipped (noted)
};

/// Everything report_* holds for one run (scenario entries carry no sections/reaches: those are in the core tables).
struct ReportExtras {
    std::vector<report::Reach> network;
    std::string srs_wkt;
    bool geographic = false;
    std::vector<report::Scenario> scenarios;  ///< baseline first, then `scenarios` in the order given
    std::vector<std::string> notes;
};

/// Evaluates the baseline and each scenario for the report: profiles, apportionment, resolved sources, and reads the
/// reach lines of the case's reach table when it has geometry. Throws ModelError/InputError as the model does.
ReportExtras collect_report_extras(const LoadedCase& lc, const std::vector<scenarios::Scenario>& scenarios,
                                   const ReportExtrasOptions& opt = {});

/// Saves extras for a stored run in one transaction; on failure the run itself is deleted and the error rethrown.
void save_report_extras(RunStore& store, std::int64_t run_id, const ReportExtras& extras);

/// collect + save.
void store_report_extras(RunStore& store, std::int64_t run_id, const LoadedCase& lc,
                         const std::vector<scenarios::Scenario>& scenarios, const ReportExtrasOptions& opt = {});

/// A stored run as report data (core tables + report_* tables). A run stored without report data still gives a
/// report (sections, reaches, schematic from reach ids) with a note saying what is missing.
report::ReportData load_report_data(RunStore& store, std::int64_t run_id);

/// "latest" (the newest run) or a run id; throws InputError for an empty store, a bad number, or an unknown id.
std::int64_t resolve_run(RunStore& store, const std::string& run);

}  // namespace qingliu::io
