// qingliu compare CASE; qingliu apportion CASE; qingliu capacity CASE
#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/case_water_quality.hpp"
#include "app/design_allocation.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/export_tables.hpp"
#include "io/results.hpp"
#include "io/case_reader.hpp"
#include "io/case_selection.hpp"
#include "io/output.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "io/water_quality_csv.hpp"
#include "report/collect.hpp"
#include "analyses/apportion.hpp"
#include "scenarios/conditions.hpp"
#include "analyses/verdict.hpp"

namespace qingliu::app {

namespace {

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

io::LoadedCase load(const std::string& path) {
    io::LoadedCase lc = io::load_case(path);
    for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    spdlog::info("case {}: {} reaches, {} sources, {} sections, {} scenarios", lc.model.name, lc.model.net.size(),
                 lc.model.sources.size(), lc.model.sections.size(), lc.scenarios.size());
    return lc;
}

// ---------------------------------------------------------------- compare

struct CmpOpts {
    std::string case_path, out_dir, names;
};

// Sections x scenarios: each class with every exceeding parameter and its exceedance multiple, worst first.
std::string compare_grid_text(const scenarios::CaseModel& m, const std::vector<scenarios::Scenario>& chosen,
                              const std::vector<io::ScenarioResult>& results) {
    std::vector<std::string> head = {"断面 Section", "目标 Target", "基准 baseline"};
    for (const auto& s : chosen) head.push_back(s.id);
    TextTable t(head);
    for (std::size_t k = 0; k < m.sections.size(); ++k) {
        std::vector<std::string> row = {m.sections[k].name, reaches::class_roman(m.sections[k].target_class)};
        for (const auto& r : results) {
            const auto& x = r.sections[k];
            row.push_back(reaches::class_roman(x.overall) + (x.meets ? " ✓" : " ✗ " + scenarios::exceeding_text(x.exceedance)));
        }
        t.row(row);
    }
    return t.str();
}

// Each scenario's measures, costs and sections meeting their target, and the condition each column was judged in:
// the design condition, or a scenario's `conditions` measure.
// A case with [water_quality] adds the sections meeting their target over every GB 3838 item (wq: its table).
void print_compare_costs(const io::LoadedCase& lc, const std::vector<scenarios::Scenario>& chosen,
                         const std::vector<io::ScenarioResult>& results, const report::WaterQualityTable* wq) {
    std::vector<std::string> head = {"情景 Scenario", "措施 Measures", "投资 Invest (万元)", "运行 Annual (万元/a)"};
    head.push_back(wq ? "达标断面 Meeting (COD, NH3-N, TP)" : "达标断面 Meeting");
    if (wq) head.push_back("达标（全部指标） Meeting, every item");
    TextTable st(head);
    for (std::size_t i = 0; i < results.size(); ++i) {
        int meeting = 0;
        for (const auto& x : results[i].sections) meeting += x.meets ? 1 : 0;
        std::vector<std::string> row = {i == 0 ? "baseline 基准" : chosen[i - 1].id + " " + chosen[i - 1].name,
                                        i == 0 ? "-" : std::to_string(chosen[i - 1].measures.size()),
                                        i == 0 ? "-" : fixed(chosen[i - 1].invest_wan(), 0),
                                        i == 0 ? "-" : fixed(chosen[i - 1].annual_wan(), 0),
                                        std::to_string(meeting) + "/" + std::to_string(results[i].sections.size())};
        if (wq) {
            const std::string id = i == 0 ? std::string("baseline") : chosen[i - 1].id;
            int n = 0, met = 0;
            for (const auto& r : wq->rows)
                if (r.scenario == id) {
                    ++n;
                    met += r.evaluation.meets ? 1 : 0;
                }
            row.push_back(std::to_string(met) + "/" + std::to_string(n));
        }
        st.row(row);
    }
    std::string in_cond;
    for (const auto& sc : chosen)
        for (const auto& me : sc.measures)
            if (me.kind == scenarios::MeasureKind::Conditions) in_cond += "  " + sc.id + ": " + me.id + " " + me.name + "\n";
    const auto design = scenarios::design_conditions(lc.scenarios).front();
    std::printf("%s\n评价条件 Judged in: %s %s / %s (GB/T 25173-2010 design flows, case water temperature)%s\n%s", st.str().c_str(),
                design.id.c_str(), design.name.c_str(), design.name_en.c_str(),
                in_cond.empty() ? "" : ";\n  these scenarios in their own condition:", in_cond.c_str());
}

int run_compare(const Globals& g, CmpOpts& o) {
    if (o.out_dir.empty()) o.out_dir = default_out(o.case_path, "compare");
    io::LoadedCase lc = load(o.case_path);
    const std::vector<scenarios::Scenario> chosen = io::chosen_scenarios(lc, split_list(o.names), "scenario");
    // baseline and scenarios solved once each, in parallel (profiles and apportionment for the report)
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(lc.model);
    const auto solved = scenarios::solve_scenarios(lc.model, chosen, so);
    const std::vector<io::ScenarioResult> results = io::make_results(solved);
    io::OutputDir out(o.out_dir);
    io::RunStore store(g.store);
    report::ReportExtras extras = report::collect_extras(lc.model, solved);
    extras.allocation = design_allocation(lc, solved.front());
    extras.water_quality = case_water_quality(lc, chosen);
    const std::int64_t id = io::save_run_with_report(store, io::make_run_data(lc, "compare", results), extras);
    // long form with changes against the baseline, and the scenarios in the layout of the report's
    const report::ReportData d = io::load_report_data(store, id);
    out.stage("compare.csv", io::compare_csv(d), true);
    out.stage("scenarios.csv", io::scenarios_csv(d), true);
    if (d.water_quality) out.stage("water_quality_sections.csv", io::water_quality_sections_csv(d.water_quality->rows), true);
    out.commit();
    if (g.quiet) return static_cast<int>(kOk);
    // a case with [water_quality]: the grid over every GB 3838 item of the water-quality model
    if (d.water_quality)
        std::printf("%s\n", water_quality_grid_text(*d.water_quality, lc.model).c_str());
    else
        std::printf("%s\n", compare_grid_text(lc.model, chosen, results).c_str());
    print_compare_costs(lc, chosen, results, d.water_quality.get());
    if (d.water_quality) std::printf("%s", water_quality_model_text(*d.water_quality).c_str());
    std::printf("Run %lld stored in %s; results in %s\n", static_cast<long long>(id), g.store.c_str(), o.out_dir.c_str());
    return static_cast<int>(kOk);
}

// ---------------------------------------------------------------- apportion, capacity

// What apportion and capacity are asked: the case under a scenario in a design condition, with a margin of safety.
struct CutOpts {
    std::string case_path, out_dir, scenario = "baseline", condition = "design";
    double mos_pct = 10.0;
    std::string at = "mid";  ///< capacity: where the allowed load enters each reach
};

// The case asked for (`cond` set to its condition); the output folder defaults to out/<case>/<command>.
scenarios::CaseModel asked_case(CutOpts& o, const char* command, scenarios::DesignCondition& cond) {
    if (o.out_dir.empty()) o.out_dir = default_out(o.case_path, command);
    return io::model_in(load(o.case_path), o.scenario, o.condition, cond);
}

// Per section and constituent: concentration, background, boundary inflow, the top three sources and the cut needed.
std::string apportion_text(const scenarios::CaseModel& m, const scenarios::Apportionment& a) {
    auto share = [](double part, double total) { return total > 0.0 ? part / total : 0.0; };
    TextTable t({"断面 Section", "指标", "浓度 mg/L", "本底 Background", "跨界来水 Boundary", "主要来源 Top sources (share)",
                 "需削减 Cut needed"});
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& x = a.sections[s];
        const auto& sec = m.sections[s];
        for (auto cst : kConstituents) {
            const int k = idx(cst);
            std::vector<std::pair<double, std::string>> top;
            for (std::size_t j = 0; j < m.sources.size(); ++j)
                if (x.by_source_mgL[j][k] > 0.0) top.emplace_back(x.by_source_mgL[j][k], m.sources[j].name);
            std::sort(top.rbegin(), top.rend());
            std::string tops;
            for (std::size_t n = 0; n < top.size() && n < 3; ++n)
                tops += (n ? ", " : "") + top[n].second + " " + fixed(100.0 * share(top[n].first, x.total_mgL[k]), 0) + "%";
            std::string cut = x.required_cut_share[k] <= 0.0 && x.boundary_cut_share[k] <= 0.0
                                  ? "-"
                                  : fixed(100.0 * x.required_cut_share[k], 0) + "% = " +
                                        fixed(x.required_cut_gs[k] * kTonnePerYearPerGramPerSecond, 2) + " t/a";
            if (!x.feasible[k]) cut += "; 自然本底超标 natural background exceeds the target";
            else if (x.boundary_cut_share[k] > 0.0)
                cut += "; 另须上游削减 and from upstream " + fixed(100.0 * x.boundary_cut_share[k], 0) + "% of the boundary excess = " +
                       fixed(x.boundary_cut_gs[k] * kTonnePerYearPerGramPerSecond, 2) + " t/a";
            t.row({k == 0 ? sec.name : "", std::string(label_en(cst)), fixed(x.total_mgL[k], 3), fixed(x.background_mgL[k], 3),
                   fixed(x.boundary_mgL[k], 3), tops, cut});
        }
    }
    return t.str();
}

int run_apportion(const Globals& g, CutOpts& o) {
    scenarios::DesignCondition cond;
    const scenarios::CaseModel m = asked_case(o, "apportion", cond);
    Progress progress("apportion", !g.quiet);
    const auto a = scenarios::apportion(m, [&](double f) { progress(f); }, {o.mos_pct / 100.0});
    const io::ApportionContext at{o.scenario, cond.id};
    io::OutputDir out(o.out_dir);
    out.stage("apportionment_sources.csv", io::apportionment_sources_csv(m, a, at), true);
    out.stage("apportionment_types.csv", io::apportionment_types_csv(m, a, at), true);
    out.stage("required_reduction.csv", io::required_reduction_csv(m, a, at), true);
    out.commit();
    if (!g.quiet)
        std::printf("%s\nscenario %s; condition %s; margin of safety %s %% (cut to limit x %s); results in %s\n", apportion_text(m, a).c_str(),
                    o.scenario.c_str(), scenarios::condition_label(cond).c_str(), fixed(o.mos_pct, 1).c_str(),
                    fixed(1.0 - a.mos_fraction, 3).c_str(), o.out_dir.c_str());
    return static_cast<int>(kOk);
}

// Per reach with a target: allowed and current load, the cut and its controlling section, GB/T 25173 capacity; the
// cuts that fall upstream (inflow alone already exceeding the target) are added to `upstream`.
std::string capacity_text(const scenarios::CaseModel& m, const std::vector<scenarios::ReachCapacity>& caps,
                          std::vector<std::string>& upstream) {
    constexpr double t_a = kTonnePerYearPerGramPerSecond;
    TextTable t(then(with_labels({"河段 Reach", "河流 River", "目标 Target"}, " 允许/现状 t/a"),
                     {"需削减 Cut t/a (控制断面 section)", "纳污能力 GB/T 25173 (inflow as modelled) t/a"}));
    for (const auto& rc : caps) {
        if (!rc.target_class) continue;
        std::string cut, gbt;
        for (int k = 0; k < kNumConstituents; ++k) {
            const int d = variable(k).load_digits;
            if (rc.reduction_gs[k] > 0.0)
                cut += (cut.empty() ? "" : ", ") + std::string(label_en(kConstituents[k])) + " " + fixed(rc.reduction_gs[k] * t_a, 2) +
                       " (" + rc.binding_section[k] + ")";
            gbt += (gbt.empty() ? "" : " / ") + fixed(rc.capacity_gs[k] * t_a, d);
            if (rc.upstream_cut_gs[k] > 0.0)
                upstream.push_back(m.net.topo.id(rc.reach) + " " + std::string(label_en(kConstituents[k])) + ": " +
                                   fixed(rc.upstream_cut_gs[k] * t_a, 2) + " t/a");
        }
        const auto allowed_now = [&](Constituent c) {
            const int d = variable(c).load_digits;
            return fixed(rc.allowed_gs[idx(c)] * t_a, d) + " / " + fixed(rc.current_gs[idx(c)] * t_a, d);
        };
        t.row(then(with_each({m.net.topo.id(rc.reach), m.net.river[rc.reach], reaches::class_roman(rc.target_class)}, allowed_now),
                   {cut.empty() ? "-" : cut, gbt}));
    }
    return t.str();
}

int run_capacity(const Globals& g, CutOpts& o) {
    scenarios::DesignCondition cond;
    const scenarios::CaseModel m = asked_case(o, "capacity", cond);
    const auto at = o.at == "end" ? scenarios::DischargePoint::End : scenarios::DischargePoint::Midpoint;
    const auto a = scenarios::apportion(m, {}, {o.mos_pct / 100.0});
    const auto caps = scenarios::reach_capacity(m, a, at);
    io::OutputDir out(o.out_dir);
    out.stage("capacity.csv", io::capacity_csv(m, caps, {o.scenario, cond.id}, a.mos_fraction, at), true);
    out.commit();
    if (g.quiet) return static_cast<int>(kOk);
    std::vector<std::string> upstream;
    std::printf("%s", capacity_text(m, caps, upstream).c_str());
    std::printf("允许/需削减 = apportion 的同一削减答案按河段汇总 Allowed and cut: the apportion answer per reach (each source cut "
                "by the largest share of the sections it reaches; a reach's cuts for one section sum to that section's cut)\n");
    if (!upstream.empty()) {
        std::printf("来水已超标，须由上游削减 Inflow alone already exceeds the target at the reach end; to be cut upstream:\n");
        for (const auto& u : upstream) std::printf("  %s\n", u.c_str());
    }
    std::printf("condition %s; margin of safety %s %%\n纳污能力 column: %s\nresults in %s\n", scenarios::condition_label(cond).c_str(),
                fixed(o.mos_pct, 1).c_str(), scenarios::capacity_method(at), o.out_dir.c_str());
    return static_cast<int>(kOk);
}

}  // namespace

void register_scenario_cmds(CLI::App& cli, Globals& g, Action& action) {
    auto* cmp = cli.add_subcommand("compare", "Every section's class under each scenario, side by side, against its target");
    auto co = std::make_shared<CmpOpts>();
    cmp->add_option("CASE", co->case_path, "Case folder")->required();
    cmp->add_option("-o,--out", co->out_dir, "Output folder for compare.csv and scenarios.csv (default out/<case>/compare)");
    cmp->add_option("-s,--scenarios", co->names, "Scenario ids, comma-separated (default: all)");
    cmp->callback([&g, &action, co] { action = [&g, co] { return run_compare(g, *co); }; });

    auto* ap = cli.add_subcommand("apportion", "Source apportionment per section and the load cut each section needs");
    auto ao = std::make_shared<CutOpts>();
    ap->add_option("CASE", ao->case_path, "Case folder")->required();
    ap->add_option("-o,--out", ao->out_dir, "Output folder (default out/<case>/apportion)");
    ap->add_option("-s,--scenario", ao->scenario, "Scenario to apportion")->capture_default_str();
    ap->add_option("--condition", ao->condition, "Design condition: design (the case's design flows) or a `conditions` measure id")
        ->capture_default_str();
    ap->add_option("--mos", ao->mos_pct, "Margin of safety, % of the target limit (the cut brings each section to limit x (1 - mos))")
        ->check(CLI::Range(0.0, 99.0))
        ->capture_default_str();
    ap->callback([&g, &action, ao] { action = [&g, ao] { return run_apportion(g, *ao); }; });

    auto* cap = cli.add_subcommand("capacity", "Water-environment capacity (纳污能力) per reach and the reduction required");
    auto po = std::make_shared<CutOpts>();
    cap->add_option("CASE", po->case_path, "Case folder")->required();
    cap->add_option("-o,--out", po->out_dir, "Output folder (default out/<case>/capacity)");
    cap->add_option("-s,--scenario", po->scenario, "Scenario (its flows and conditions)")->capture_default_str();
    cap->add_option("--discharge-at", po->at, "Where the allowed load enters each reach: mid or end")
        ->check(CLI::IsMember({"mid", "end"}))->capture_default_str();
    cap->add_option("--condition", po->condition, "Design condition: design (the case's design flows) or a `conditions` measure id")
        ->capture_default_str();
    cap->add_option("--mos", po->mos_pct, "Margin of safety, % of the target limit")->check(CLI::Range(0.0, 99.0))->capture_default_str();
    cap->callback([&g, &action, po] { action = [&g, po] { return run_capacity(g, *po); }; });
}

}  // namespace qingliu::app
