#include "io/mixing_report.hpp"

#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "report/collect.hpp"
#include "report/names.hpp"
#include "analyses/solve.hpp"

namespace qingliu::io {

report::ReportData report_data_now(const LoadedCase& lc, const std::vector<scenarios::Scenario>& chosen, const std::string& command) {
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(lc.model);
    const auto solved = scenarios::solve_scenarios(lc.model, chosen, so);
    const RunData run = make_run_data(lc, command, make_results(solved));
    report::ReportData r = report_data_of(run);
    report::ReportExtras x = report::collect_extras(lc.model, solved);
    r.network = std::move(x.network);
    r.srs_wkt = x.srs_wkt;
    r.geographic = x.geographic;
    r.notes = x.notes;
    for (std::size_t i = 0; i < r.scenarios.size() && i < x.scenarios.size(); ++i) {
        // the extras (names, measures, sources, profiles, apportionment) beside the rows of the run
        report::Scenario& o = r.scenarios[i];
        report::Scenario e = std::move(x.scenarios[i]);
        e.id = std::move(o.id);
        e.sections = std::move(o.sections);
        e.reaches = std::move(o.reaches);
        o = std::move(e);
    }
    report::complete_english_names(r);
    return r;
}

}  // namespace qingliu::io
