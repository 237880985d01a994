#include "io/mixing_report.hpp"

#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "report/collect.hpp"
#include "report/names.hpp"
#include "scenarios/solve.hpp"

namespace qingliu::io {

report::ReportData report_data_now(const LoadedCase& lc, const std::vector<scenarios::Scenario>& chosen, const std::string& command) {
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(lc.model);
    const auto solved = scenarios::solve_scenarios(lc.model, chosen, so);
    const RunData run = make_run_data(lc, command, make_results(solved));
    report::ReportData r;
    r.created_utc = run.created_utc;
    r.command = run.command;
    r.case_name = run.case_name;
    r.case_name_en = run.case_name_en;
    r.case_dir = run.case_dir;
    r.version = run.version;
    r.parameters = run.parameters;
    for (const auto& f : run.inputs) r.inputs.emplace_back(f.path, f.sha256);
    report::ReportExtras x = report::collect_extras(lc.model, solved);
    r.network = std::move(x.network);
    r.srs_wkt = x.srs_wkt;
    r.geographic = x.geographic;
    r.notes = x.notes;
    for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
        const auto& s = run.scenarios[i];
        report::Scenario o = i < x.scenarios.size() ? std::move(x.scenarios[i]) : report::Scenario{};
        o.id = s.scenario;
        for (const auto& v : s.sections)
            o.sections.push_back({v.section_id, v.name, v.name_en, v.river, v.reach_id, v.level, v.position_km, v.target_class, v.flow_m3s,
                                  v.conc_mgL, v.cls, v.overall, v.worst, v.meets, v.exceedance, v.exceedance_max});
        for (const auto& v : s.reaches)
            o.reaches.push_back({v.reach_id, v.flow_m3s, v.velocity_ms, v.travel_time_d, v.conc_mgL, v.load_out_kg_d, v.dry});
        r.scenarios.push_back(std::move(o));
    }
    report::complete_english_names(r);
    return r;
}

}  // namespace qingliu::io
