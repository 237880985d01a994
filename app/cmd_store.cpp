// qingliu runs; qingliu show RUN [--out DIR]: list stored runs and reread one without rerunning.
#include <cstdio>
#include <memory>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/store.hpp"
#include "io/store_report.hpp"

namespace qingliu::app {

std::string section_table_text(const std::vector<io::SectionRow>& rows);  // cmd_run.cpp

void register_store_cmds(CLI::App& cli, Globals& g, Action& action) {
    auto* runs = cli.add_subcommand("runs", "List the runs in the run store");
    runs->callback([&g, &action] {
        action = [&g] {
            require_store(g);
            io::RunStore store(g.store);
            TextTable t({"run", "created (UTC)", "command", "case 案例", "scenarios", "sections meeting 达标断面"});
            for (const auto& r : store.list())
                t.row({std::to_string(r.run_id), r.created_utc, r.command, r.case_name, std::to_string(r.scenarios),
                       std::to_string(r.sections_meeting) + "/" + std::to_string(r.sections)});
            std::printf("%s", t.str().c_str());
            return static_cast<int>(kOk);
        };
    });

    auto* show = cli.add_subcommand("show", "Reread a stored run: its inputs' digests, parameters and section results");
    struct ShowOpts {
        std::string run = "latest";
        std::string out_dir;
    };
    auto o = std::make_shared<ShowOpts>();
    show->add_option("RUN", o->run, "Run id (see `qingliu runs`) or \"latest\"")->capture_default_str();
    show->add_option("-o,--out", o->out_dir, "Also write the stored results as CSV to this folder");
    show->callback([&g, &action, o] {
        action = [&g, o] {
            require_store(g);
            io::RunStore store(g.store);
            const std::int64_t run_id = io::resolve_run(store, o->run);
            const io::RunData d = store.load(run_id);
            std::printf("run %lld  %s  %s  case %s (%s)  qingliu %s\n", static_cast<long long>(d.run_id), d.created_utc.c_str(),
                        d.command.c_str(), d.case_name.c_str(), d.case_dir.c_str(), d.version.c_str());
            std::printf("inputs:\n");
            for (const auto& f : d.inputs) std::printf("  %s  %s  (%zu bytes)\n", f.sha256.c_str(), f.path.c_str(), f.content.size());
            std::printf("parameters:\n");
            for (const auto& [k, v] : d.parameters) std::printf("  %s = %s\n", k.c_str(), io::num(v).c_str());
            for (const auto& s : d.scenarios) {
                std::printf("\nscenario %s\n%s", s.scenario.c_str(), section_table_text(s.sections).c_str());
            }
            if (!o->out_dir.empty()) {
                // every scenario's sections and reaches, in the layout of the report's
                const report::ReportData rd = io::load_report_data(store, run_id);
                io::OutputDir out(o->out_dir);
                out.stage("sections.csv", io::sections_csv(rd), true);
                out.stage("reaches.csv", io::reaches_csv(rd), true);
                out.commit();
            }
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
