// qingliu report RUN --out DIR [--lang zh|en]: a report of a stored run, reread from the run store (no rerun):
// report.html (self-contained), network.gpkg (QGIS, styled by class), CSV tables and report.xlsx (the same tables).
#include <cstdio>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "io/export_tables.hpp"
#include "io/gpkg_writer.hpp"
#include "io/output.hpp"
#include "io/store_report.hpp"
#include "io/xlsx_report.hpp"
#include "report/allocation.hpp"
#include "report/html.hpp"
#include "report/layout.hpp"

namespace qingliu::app {

void register_report(CLI::App& cli, Globals& g, Action& action) {
    auto* rep = cli.add_subcommand("report", "Report of a stored run: report.html, network.gpkg (QGIS) and CSV tables");
    struct Opts {
        std::string run = "latest", out_dir, lang = "zh";
    };
    auto o = std::make_shared<Opts>();
    rep->add_option("RUN", o->run, "Run id (see `qingliu runs`) or \"latest\"")->capture_default_str();
    rep->add_option("-o,--out", o->out_dir, "Output folder (default out/<case>/report)");
    rep->add_option("--lang", o->lang, "Language the report opens in (both are inside; the page switches)")
        ->check(CLI::IsMember({"zh", "en"}))
        ->capture_default_str();
    rep->callback([&g, &action, o] {
        action = [&g, o] {
            require_store(g);
            io::RunStore store(g.store);
            const std::int64_t id = io::resolve_run(store, o->run);
            // progress by stage on a terminal (a large case's report takes seconds): reading, page, map, tables, workbook
            std::optional<Progress> bar(std::in_place, "report", !g.quiet);
            auto progress = [&bar](double f) { (*bar)(f); };
            progress(0.0);
            const report::ReportData d = io::load_report_data(store, id);
            progress(0.15);
            if (o->out_dir.empty()) o->out_dir = default_out(d.case_dir, "report");
            spdlog::info("run {} ({}, {}): {} scenarios, {} reaches", id, d.command, d.case_name, d.scenarios.size(), d.network.size());
            for (const auto& n : d.notes) spdlog::warn("{}", n);
            const report::Layout layout = report::make_layout(d);
            io::OutputDir out(o->out_dir);
            out.stage("report.html", report::render_html(d, layout, o->lang == "en" ? report::Lang::En : report::Lang::Zh));
            progress(0.35);
            out.stage("network.gpkg", io::network_gpkg_bytes(d, layout));
            progress(0.5);
            for (const auto& [name, text] : io::report_tables(d)) out.stage(name, text, true);
            if (d.allocation) out.stage("allocation.csv", io::allocation_csv(*d.allocation), true);  // the workbook's sheet
            progress(0.6);
            out.stage("report.xlsx", io::report_xlsx_bytes(d, {}, [&](double f) { progress(0.6 + 0.4 * f); }));
            const auto files = out.commit();
            bar.reset();  // its last line ends before the summary
            if (!g.quiet) {
                std::printf("report of run %lld (%s) in %s:\n", static_cast<long long>(id), d.case_name.c_str(), o->out_dir.c_str());
                for (const auto& f : files) std::printf("  %s\n", f.c_str());
                std::printf("%s\n", layout.schematic ? "map: schematic layout (the case has no reach coordinates)"
                                                     : "map: the case's reach geometry");
            }
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
