// qingliu check CASE; qingliu run CASE --out DIR; qingliu params
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/case_water_quality.hpp"
#include "app/design_allocation.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "io/water_quality_csv.hpp"
#include "io/xlsx_report.hpp"
#include "scenarios/check.hpp"
#include "scenarios/conditions.hpp"
#include "report/collect.hpp"
#include "analyses/solve.hpp"
#include "scenarios/parameters.hpp"

namespace qingliu::app {

namespace {

io::LoadedCase load_and_log(const std::string& path) {
    spdlog::debug("reading case {}", path);
    io::LoadedCase lc = io::load_case(path);
    for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    spdlog::info("case {} ({}): {} reaches, {} sources, {} sections", lc.model.name, lc.model.name_en, lc.model.net.size(),
                 lc.model.sources.size(), lc.model.sections.size());
    return lc;
}

}  // namespace

std::string section_table_text(const std::vector<io::SectionRow>& rows) {
    TextTable t(then(with_labels({"断面 Section", "河流 River"}), {"类别 Class", "目标 Target", "达标 Meets", "超标倍数 Exceedance"}));
    for (const auto& r : rows)
        t.row(then(with_conc({r.name + (r.name_en != r.name ? " " + r.name_en : ""), r.river}, r.conc_mgL),
                   {reaches::class_roman(r.overall), reaches::class_roman(r.target_class), r.meets ? "是 yes" : "否 no",
                    r.exceedance_max > 0 ? fixed(r.exceedance_max, 2) : "-"}));
    return t.str();
}

std::string scenario_grid_text(const std::vector<io::ScenarioResult>& all, const std::vector<scenarios::Scenario>& scs) {
    if (all.empty()) return "";
    std::vector<std::string> header = {"断面 Section", "目标 Target", "基线 base"};
    for (std::size_t k = 1; k < all.size(); ++k) header.push_back(std::to_string(k));
    TextTable t(header);
    std::vector<int> meeting(all.size(), 0);
    for (std::size_t s = 0; s < all[0].sections.size(); ++s) {
        const auto& b = all[0].sections[s];
        std::vector<std::string> row = {b.name + " [" + b.section_id + "]", reaches::class_roman(b.target_class)};
        for (std::size_t k = 0; k < all.size(); ++k) {
            const auto& x = all[k].sections[s];
            row.push_back(reaches::class_roman(x.overall) + (x.meets ? "" : " ✗"));
            meeting[k] += x.meets ? 1 : 0;
        }
        t.row(row);
    }
    std::vector<std::string> total = {"达标断面 meeting", ""};
    for (int m : meeting) total.push_back(std::to_string(m) + "/" + std::to_string(all[0].sections.size()));
    t.row(total);
    std::string out = t.str();
    for (std::size_t k = 1; k < all.size() && k - 1 < scs.size(); ++k) {
        const auto& sc = scs[k - 1];
        out += std::to_string(k) + " = " + sc.id;
        if (!sc.name.empty()) out += "  " + sc.name;
        if (!sc.name_en.empty() && sc.name_en != sc.name) out += " / " + sc.name_en;
        out += "\n";
    }
    return out + "✗ = misses its target 未达标\n";
}

void register_check_run(CLI::App& cli, Globals& g, Action& action) {
    auto* check = cli.add_subcommand("check", "Validate a case and list every problem (file, record, field)");
    auto check_case = std::make_shared<std::string>();
    check->add_option("CASE", *check_case, "Case folder (with case.toml) or case file")->required();
    check->callback([&g, &action, check_case] {
        action = [&g, check_case] {
            io::LoadedCase lc = load_and_log(*check_case);
            // everything `run` would reject: the baseline and every scenario must be evaluable
            const auto bad = scenarios::unevaluable_scenarios(lc.model, lc.scenarios);
            for (const auto& b : bad) spdlog::error("model: {}", b);
            if (!bad.empty()) return static_cast<int>(kModelError);
            if (!g.quiet) std::printf("OK: %s — %zu reaches, %zu sources, %zu sections, %zu warnings\n", lc.dir.c_str(),
                                      lc.model.net.size(), lc.model.sources.size(), lc.model.sections.size(), lc.warnings.size());
            return static_cast<int>(kOk);
        };
    });

    auto* run = cli.add_subcommand("run", "Steady-state run: section classes and reach concentrations at design conditions");
    struct RunOpts {
        std::string case_path, out_dir;
        double profile_km = 0.0;
    };
    auto o = std::make_shared<RunOpts>();
    auto mc = std::make_shared<MonteCarloCli>();
    add_monte_carlo_options(run, *mc);
    run->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    run->add_option("-o,--out", o->out_dir, "Output folder for sections.csv and reaches.csv (default out/<case>/run)");
    run->add_option("--profile-step-km", o->profile_km, "Also write profile.csv with concentrations every this many km")
        ->check(CLI::NonNegativeNumber);
    run->callback([&g, &action, o, mc] {
        action = [&g, o, mc] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "run");
            if (mc->draws > 0) return run_monte_carlo(g, o->case_path, o->out_dir, *mc);
            const std::string& out_dir = o->out_dir;
            io::LoadedCase lc = load_and_log(o->case_path);
            Progress progress("steady", !g.quiet);
            // the baseline and every scenario of the case, solved once: one run holds all plans (and `qingliu report`
            // shows them); the report's profiles use the step asked for, else its default
            scenarios::SolveOptions so;
            so.profile_step_m = o->profile_km > 0.0 ? o->profile_km * kMetresPerKm : report::default_profile_step_m(lc.model);
            so.progress = [&](double f) { progress(f); };
            const auto solved = scenarios::solve_scenarios(lc.model, lc.scenarios, so);
            std::vector<io::ScenarioResult> all = io::make_results(solved);
            const io::ScenarioResult& res = all.front();
            spdlog::debug("mass balance: largest reach imbalance {:.3g} (relative)", res.max_reach_imbalance);
            for (int c = 0; c < kNumConstituents; ++c)
                spdlog::debug("{}: input {:.6g} kg/d, outlets {:.6g} kg/d, decayed {:.6g} kg/d", label_en(kConstituents[c]),
                              res.input_kg_d[c], res.outlet_kg_d[c], res.decayed_kg_d[c]);

            const auto sections = res.sections;
            io::OutputDir out(out_dir);
            std::vector<io::ScenarioResult> grid;
            if (!g.quiet)
                for (const auto& r : all) {
                    grid.emplace_back();
                    grid.back().scenario = r.scenario;
                    grid.back().sections = r.sections;
                }
            io::RunStore store(g.store);
            report::ReportExtras extras = report::collect_extras(lc.model, solved);
            extras.allocation = design_allocation(lc, solved.front());
            extras.water_quality = case_water_quality(lc, lc.scenarios);
            const std::int64_t id = io::save_run_with_report(store, io::make_run_data(lc, "run", std::move(all)), extras);
            // the baseline's tables in the layout of the report's, and the report's tables of this run as a workbook
            // (`qingliu report` writes the same beside report.html)
            const report::ReportData d = io::load_report_data(store, id);
            out.stage("sections.csv", io::sections_csv(d, io::ScenarioRows::Baseline), true);
            out.stage("reaches.csv", io::reaches_csv(d, io::ScenarioRows::Baseline), true);
            if (o->profile_km > 0.0) out.stage("profile.csv", io::profile_csv(d, io::ScenarioRows::Baseline), true);
            if (d.water_quality) out.stage("water_quality_sections.csv", io::water_quality_sections_csv(d.water_quality->rows, "baseline"), true);
            out.stage("report.xlsx", io::report_xlsx_bytes(d));
            out.commit();
            if (!g.quiet) {
                const auto design = scenarios::design_conditions(lc.scenarios).front();
                std::printf("评价条件 Judged in: %s %s / %s (GB/T 25173-2010 design flows, case water temperature);\n"
                            "  a scenario with a `conditions` measure is judged in that condition\n",
                            design.id.c_str(), design.name.c_str(), design.name_en.c_str());
                std::printf("%s", section_table_text(sections).c_str());
                if (grid.size() > 1) std::printf("\n各方案断面类别 Section class under each scenario:\n%s", scenario_grid_text(grid, lc.scenarios).c_str());
                if (d.water_quality) std::printf("%s", water_quality_failing_text(*d.water_quality).c_str());
                int met = 0;
                for (const auto& s : sections) met += s.meets ? 1 : 0;
                std::printf("\n%d/%zu sections meet their target 断面达标. Run %lld stored in %s; results in %s\n", met,
                            sections.size(), static_cast<long long>(id), g.store.c_str(), out_dir.c_str());
            }
            return static_cast<int>(kOk);
        };
    });
}

void register_params(CLI::App& cli, Globals& g, Action& action) {
    auto* p = cli.add_subcommand("params", "List the case file's parameters: unit, default, range, meaning, source");
    p->callback([&action] {
        action = [] {
            TextTable t({"key", "unit", "default", "range", "说明", "description", "source"});
            for (const auto& d : scenarios::case_parameters()) {
                const bool ranged = d.kind != scenarios::ParamKind::Text && d.kind != scenarios::ParamKind::Table;
                t.row({d.key, d.unit, io::num(d.default_value), ranged ? "[" + io::num(d.min) + ", " + io::num(d.max) + "]" : "",
                       d.zh, d.en, d.source});
            }
            std::printf("%s", t.str().c_str());
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
