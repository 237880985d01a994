// qingliu water-quality CASE [--scenario ID ...] [--out DIR] [--apportion [--mos PCT] [--condition ID]] [--optimize]
// [--monte-carlo N]: the case (baseline and scenarios) evaluated with the QUAL2K-class kinetics, every section
// classified over the GB 3838 items the case assesses ([water_quality] items; all by default) with its exceeding
// items; with --apportion, each of those items' sources, required cut and capacity at the baseline in the design
// condition (analyses/water_quality_apportion.hpp); --optimize and --monte-carlo (the baseline and the chosen
// scenarios in the same draws) over the same items. The run is stored (the baseline and the chosen scenarios, the
// sections and what the analyses found), so that `qingliu report` shows it with those analyses.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/case_water_quality.hpp"
#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "app/water_quality_tables.hpp"
#include "common/units.hpp"
#include "io/case_reader.hpp"
#include "io/case_selection.hpp"
#include "io/observations_reader.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "io/water_quality_csv.hpp"
#include "reaches/classes.hpp"
#include "scenarios/conditions.hpp"
#include "analyses/water_quality.hpp"
#include "analyses/water_quality_apportion.hpp"
#include "optimize/water_quality_montecarlo.hpp"
#include "optimize/water_quality_optimize.hpp"
#include "report/collect.hpp"
#include "analyses/solve.hpp"

namespace qingliu::app {

namespace {

std::string item_cell(const reaches::wq::ItemClass& c) {
    const std::string v = fixed(c.value_mgL, c.key == "tp" ? 3 : 2);
    return c.cls > 0 ? v + " " + reaches::class_roman(c.cls) + (c.exceeds ? "✗" : "") : v;
}

std::string sections_text(const scenarios::CaseModel& m, const scenarios::WaterQualityRun& run) {
    std::vector<std::string> header = {"断面 Section", "目标 Target"};
    const std::vector<std::string> keys = run.evaluation.sections.empty() ? io::water_quality_item_keys() : [&] {
        std::vector<std::string> k;  // the case's items, as judged
        for (const auto& c : run.evaluation.sections.front().evaluation.items) k.push_back(c.key);
        return k;
    }();
    for (const auto& k : keys)
        header.push_back(std::string(reaches::wq::item_label_zh(k)) + " " + reaches::wq::item_label_en(k));
    header.push_back("类别 Class");
    TextTable t(header, 160);
    std::string failing;
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        const reaches::Section& s = m.sections[i];
        const auto& e = run.evaluation.sections[i].evaluation;
        std::vector<std::string> row = {s.id, reaches::class_roman(s.target_class)};
        for (const auto& k : keys) {
            std::string cell = "-";
            for (const auto& c : e.items)
                if (c.key == k) cell = item_cell(c);
            row.push_back(cell);
        }
        row.push_back(reaches::class_roman(e.overall) + (e.meets ? "" : " ✗"));
        t.row(row);
        if (!e.exceeding.empty())
            failing += "  " + s.id + " " + s.name + " 超标因子: " + reaches::wq::exceeding_text(e, true) +
                       "\n       exceeding: " + reaches::wq::exceeding_text(e, false) + "\n";
    }
    return t.str() + failing;
}

// Every section item that misses its target with the margin: value, target, the parts, the largest sources and the cut.
std::string apportion_text(const scenarios::CaseModel& m, const scenarios::WqApportionment& a) {
    TextTable t({"断面 Section", "指标 Item", "浓度 mg/L", "目标 Target", "本底 Backgr.", "跨界 Boundary", "主要来源 Top sources",
                 "氧效应 O2 eff.", "需削减 Cut needed"},
                160);
    int rows = 0;
    for (std::size_t s = 0; s < m.sections.size(); ++s)
        for (const auto& x : a.sections[s].items) {
            if (!x.assessed || x.meets_target) continue;
            const double sign = x.minimum ? -1.0 : 1.0;  // harming: sign x share > 0
            std::vector<std::pair<double, std::size_t>> top;
            for (std::size_t j = 0; j < m.sources.size(); ++j)
                if (sign * x.by_source_mgL[j] > 0.0) top.emplace_back(std::abs(x.by_source_mgL[j]), j);
            std::sort(top.rbegin(), top.rend());
            std::string tops;
            for (std::size_t n = 0; n < top.size() && n < 3; ++n)
                tops += (n ? ", " : "") + m.sources[top[n].second].id + " " + (x.minimum ? "−" : "+") + fixed(top[n].first, 3);
            std::string cut = fixed(100.0 * x.cut_share, 1) + "% = " + fixed(x.cut_gs * kTonnePerYearPerGramPerSecond, 2) + " t/a";
            if (x.boundary_cut_share > 0.0) cut += "; 上游 upstream " + fixed(100.0 * x.boundary_cut_share, 0) + "%";
            if (!x.feasible) cut += "; 不可达 out of reach";
            t.row({m.sections[s].id,
                   std::string(reaches::wq::item_label_zh(x.key)) + " " + reaches::wq::item_label_en(x.key),
                   fixed(x.value_mgL, 3), std::string(x.minimum ? "≥ " : "≤ ") + fixed(x.target_mgL, 3), fixed(x.background_mgL, 3),
                   fixed(x.boundary_mgL, 3), tops.empty() ? "-" : tops, fixed(std::abs(x.oxygen_effects_mgL) < 5e-5 ? 0.0 : x.oxygen_effects_mgL, 4), cut});
            ++rows;
        }
    if (rows == 0) return "  每个断面每项指标都达到目标（含安全余量） Every section meets every item's target with the margin.\n";
    return t.str();
}

// The plan's measures, then per condition every section whose class or margin the plan changes.
std::string plan_text(const scenarios::CaseModel& m, const std::vector<scenarios::Candidate>& cands,
                      const std::vector<scenarios::DesignCondition>& conds, const scenarios::WqOptimizeResult& r) {
    std::string out = std::string("状态 status: ") + scenarios::plan_status_text(r.status) + "; 费用 cost " + fixed(r.cost_wan, 1) +
                      " 万元 (10^4 yuan: invest " + fixed(r.invest_wan, 1) + ", annual " + fixed(r.annual_wan, 1) + ")\n";
    for (std::size_t j : r.chosen)
        out += "  ✓ " + cands[j].measure.id + "  " + cands[j].measure.name +
               (cands[j].measure.name_en.empty() ? "" : " / " + cands[j].measure.name_en) + "\n";
    if (r.chosen.empty()) out += "  (无措施 no measure needed)\n";
    for (const auto& d : r.dropped) out += "  − " + d.id + ": " + d.reason_zh + " / " + d.reason + "\n";
    for (std::size_t k = 0; k < conds.size(); ++k) {
        TextTable t({"断面 Section", "目标 Target", "基线 Baseline", "方案 Plan", "方案后超标因子 Exceeding after the plan",
                     "最小余量 Least margin"},
                    160);
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            const auto& x = r.condition_sections[k][s];
            std::string least;
            double worst = 1e300;
            for (const auto& it : x.items) {
                const double margin = (it.minimum ? it.verified_mgL - it.target_mgL : it.target_mgL - it.verified_mgL) / it.limit_mgL;
                if (margin < worst) {
                    worst = margin;
                    least = std::string(reaches::wq::item_label_en(it.key)) + " " + fixed(100.0 * margin, 1) + "%";
                }
            }
            const std::string ex = reaches::wq::exceeding_text(x.plan, true);
            t.row({m.sections[s].id, reaches::class_roman(m.sections[s].target_class),
                   reaches::class_roman(x.baseline.overall) + (x.baseline.meets ? "" : " ✗"),
                   reaches::class_roman(x.plan.overall) + (x.plan.meets ? "" : " ✗"), ex.empty() ? "-" : ex, least});
        }
        out += "\n" + scenarios::condition_label(conds[k]) + "\n" + t.str();
        std::string unreachable;
        for (std::size_t s = 0; s < m.sections.size(); ++s)
            for (const auto& it : r.condition_sections[k][s].items)
                if (!it.reachable)
                    unreachable += (unreachable.empty() ? "" : ", ") + m.sections[s].id + " " + reaches::wq::item_label_en(it.key);
        if (!unreachable.empty())
            out += "  案例措施无法达到 Out of reach with every measure of the case (the gap left is the least): " + unreachable + "\n";
    }
    return out;
}

struct Opts {
    std::string case_path, out_dir, condition = "design";
    std::vector<std::string> scenarios;
    bool apportion = false, optimize = false;
    std::size_t draws = 0;
    std::uint64_t seed = 20250101;
    std::string uncertainty;
    double mos_pct = 10.0;
};

// --apportion: every item's sources, required cut and capacity at the baseline in the condition asked for.
struct Apportioned {
    scenarios::DesignCondition cond;
    scenarios::CaseModel in_cond;
    scenarios::WqApportionment appo;
    std::shared_ptr<const report::WqApportionTable> table;  ///< the rows of its CSVs, stored with the run
};

Apportioned apportion_baseline(const Globals& g, const io::LoadedCase& lc, const Opts& o, io::OutputDir& out) {
    Apportioned a;
    a.cond = io::chosen_condition(lc, o.condition, "--condition");
    a.in_cond = scenarios::in_condition(lc.model, a.cond);
    Progress progress("water-quality apportion", !g.quiet);
    a.appo = scenarios::apportion_water_quality(a.in_cond, lc.water_quality.options, {o.mos_pct / 100.0}, [&](double f) { progress(f); });
    out.stage("water_quality_apportionment.csv", io::water_quality_apportionment_csv(a.in_cond, a.appo, a.cond.id), true);
    a.table = std::make_shared<const report::WqApportionTable>(apportion_table(a.in_cond, a.appo, a.cond));
    out.stage("water_quality_reduction.csv", io::water_quality_reduction_csv(*a.table), true);
    out.stage("water_quality_capacity.csv", io::water_quality_capacity_csv(*a.table), true);
    return a;
}

// --optimize: the least-cost plan over every measure of the case's scenarios, in every declared design condition.
struct Planned {
    std::vector<scenarios::Candidate> cands;
    std::vector<scenarios::DesignCondition> conds;
    scenarios::WqOptimizeResult plan;
    std::shared_ptr<const report::WqPlanTable> table;  ///< the rows of its CSVs, stored with the run
};

Planned plan_least_cost(const io::LoadedCase& lc, const Opts& o, io::OutputDir& out) {
    Planned p;
    std::vector<scenarios::DroppedMeasure> left_out;
    p.cands = scenarios::candidates_from(scenarios::scenario_measures(lc.scenarios), left_out);
    if (p.cands.empty())
        throw InputError("no candidate measures", {{lc.case_file, "", "tables.scenarios", "", "the case names no measures in its scenarios"}});
    p.conds = io::chosen_conditions(lc, {"all"}, "--conditions");
    scenarios::OptimizeOptions oo;
    oo.mos_fraction = o.mos_pct / 100.0;
    p.plan = scenarios::optimize_water_quality(lc.model, p.cands, lc.water_quality.options, oo, p.conds);
    if (p.plan.status == scenarios::PlanStatus::NotSolved && p.plan.chosen.empty())
        throw ModelError("least-cost water-quality plan: the solver stopped without a plan");
    p.table = std::make_shared<const report::WqPlanTable>(
        plan_table(lc.model, p.cands, p.conds, p.plan, scenarios::annual_cost_factor(oo), oo.mos_fraction));
    out.stage("water_quality_plan.csv", io::water_quality_plan_csv(*p.table), true);
    out.stage("water_quality_plan_sections.csv", io::water_quality_plan_sections_csv(*p.table), true);
    return p;
}

// --monte-carlo: the baseline and the chosen scenarios in the same draws of the case's uncertainty ranges.
std::vector<scenarios::WqScenarioMonteCarlo> draw_monte_carlo(const Globals& g, const io::LoadedCase& lc, const Opts& o,
                                                              const std::vector<scenarios::Scenario>& chosen) {
    const io::UncertaintyTable ut = io::read_uncertainty(lc, o.uncertainty);
    const auto params = ut.file.empty() ? scenarios::default_uncertainty(lc.model) : ut.params;
    scenarios::MonteCarloOptions mo;
    mo.draws = o.draws;
    mo.seed = o.seed;
    Progress progress("water-quality Monte Carlo", !g.quiet);
    mo.progress = [&](double f) { progress(f); };
    return scenarios::monte_carlo_water_quality_scenarios(lc.model, chosen, lc.water_quality.options, params, mo);
}

// The settings the kinetics ran with, and the reaches whose depth was estimated.
void print_settings(const io::LoadedCase& lc, const scenarios::WaterQualityRun& baseline) {
    const auto& wo = lc.water_quality.options;
    if (!lc.water_quality.present) std::printf("案例无 [water_quality]，采用默认设置 The case has no [water_quality]: defaults used.\n");
    std::string model_detail;
    if (lc.water_quality.model == "elements") {
        std::string dispersion = wo.steady.dispersion == reaches::wq::Dispersion::Qual2k ? "qual2k" : "";
        if (std::any_of(wo.reaches.dispersion_m2s.begin(), wo.reaches.dispersion_m2s.end(), [](double e) { return e > 0.0; }))
            dispersion += std::string(dispersion.empty() ? "" : ", ") + "reaches' own";
        model_detail = " (" + std::to_string(lc.water_quality.elements_per_reach) + " per reach" +
                       (dispersion.empty() ? "" : "; 纵向离散 dispersion: " + dispersion) + ")";
    }
    std::printf("模型 model: %s%s; 复氧 reaeration: %s; 水温 temperature %.1f °C; 来水溶解氧 inflow DO %.0f %% of saturation\n",
                lc.water_quality.model.c_str(), model_detail.c_str(),
                std::string(reaches::reaeration_method_key(wo.steady.reaeration)).c_str(), lc.model.temperature_c,
                100.0 * wo.river_do_share_of_saturation);
    if (!(wo.items == ItemSet::all())) {
        std::string species;
        for (Var v : kWaterQualitySet)
            if (wo.items.species().has(v)) species += (species.empty() ? "" : ", ") + std::string(variable_def(v).key);
        std::printf("评价项目 items assessed: %s (由物种 from the species %s; 九个物种均计算 all nine computed)\n",
                    wo.items.text().c_str(), species.c_str());
    }
    const auto& base = baseline.evaluation;
    if (base.estimated_depth_reaches.empty()) return;
    std::string ids;
    for (std::size_t k = 0; k < base.estimated_depth_reaches.size(); ++k)
        ids += (k ? ", " : "") + lc.model.net.topo.id(base.estimated_depth_reaches[k]) + " " + fixed(base.estimated_depth_m[k], 2) + " m";
    std::printf("估计水深 ESTIMATED depth (water_quality width by continuity, or default_depth_m) at the baseline flow: %s\n", ids.c_str());
}

// The items the analyses cover: every item, or the case's chosen ones ([water_quality] items).
std::string items_zh(const io::LoadedCase& lc) { return lc.water_quality.options.items.label_zh(); }
std::string items_en(const io::LoadedCase& lc) { return lc.water_quality.options.items.label_en(); }

void print_apportionment(const io::LoadedCase& lc, const Opts& o, const Apportioned& a) {
    std::printf("\n来源解析与需削减量（%s） Apportionment and required cuts for %s — baseline, condition %s; margin of "
                "safety %s %%\n%s",
                items_zh(lc).c_str(), items_en(lc).c_str(), scenarios::condition_label(a.cond).c_str(),
                fixed(o.mos_pct, 1).c_str(), apportion_text(a.in_cond, a.appo).c_str());
    std::printf("Top sources: mg/L each adds (DO: takes away); cut: one share of the pollutant loads of every source "
                "harming the item there (DO: their oxygen demand), checked in the full model. %s\n",
                a.appo.linear_exact ? "No oxygen effects: the shares are exact."
                                    : "O2 eff. = full model − linear response (oxygen effects on the rates), not "
                                      "spread over the sources.");
    std::printf("各污染源、河段的削减与允许负荷 Cut and allowed load per source and reach: water_quality_reduction.csv, "
                "water_quality_capacity.csv (%zu reach-item rows)\n",
                a.appo.reaches.size());
}

// Per section: the probability of meeting the target class, and of every chosen item meeting its limit.
std::string monte_carlo_text(const scenarios::CaseModel& m, const scenarios::WqMonteCarloResult& mc, const ItemSet& items) {
    std::vector<std::string> header = {"断面 Section", "达标概率 P(meets)"};
    for (const auto& k : items.keys())
        header.push_back(std::string(reaches::wq::item_label_zh(k)) + " " + reaches::wq::item_label_en(k));
    TextTable t(header, 160);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        std::vector<std::string> row = {m.sections[s].id, fixed(100.0 * mc.sections[s].p_meets, 1) + "%"};
        for (const auto& k : items.keys()) {
            std::string cell = "-";
            for (const auto& b : mc.sections[s].items)
                if (b.key == k && b.assessed) cell = fixed(100.0 * b.p_meets, 1) + "%";
            row.push_back(cell);
        }
        t.row(row);
    }
    return t.str();
}

// A scenario's heading line: its id, name and English name (where it differs).
std::string scenario_heading(const std::string& id, const std::string& name, const std::string& name_en) {
    return id + (name.empty() ? "" : "  " + name) + (name_en.empty() || name_en == name ? "" : " / " + name_en);
}

// The probabilities of the baseline and each scenario, in the same draws.
void print_monte_carlo(const io::LoadedCase& lc, const std::vector<scenarios::WqScenarioMonteCarlo>& mc) {
    const auto& first = mc.front().result;
    std::printf("\n蒙特卡洛（%s） Monte Carlo for %s (%zu draws, seed %llu; the same draws for the baseline and every "
                "scenario): probability of meeting the target class, per section and item\n",
                items_zh(lc).c_str(), items_en(lc).c_str(), first.draws, static_cast<unsigned long long>(first.seed));
    for (const auto& run : mc)
        std::printf("\n%s\n%s", scenario_heading(run.scenario_id, run.name, run.name_en).c_str(),
                    monte_carlo_text(lc.model, run.result, lc.water_quality.options.items).c_str());
}

// The run in the run store, so that `qingliu report` shows it: the baseline and the chosen scenarios (the three
// constituents as `run` solves them, for the report's map, profiles and sources), the water-quality sections and what
// the analyses found; one transaction, before the output folder is committed.
std::int64_t store_run(const io::LoadedCase& lc, const std::vector<scenarios::Scenario>& chosen,
                       std::shared_ptr<const report::WaterQualityTable> sections, const report::WaterQualityAnalyses& analyses,
                       const std::string& store_path) {
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(lc.model);
    const auto solved = scenarios::solve_scenarios(lc.model, chosen, so);
    report::ReportExtras extras = report::collect_extras(lc.model, solved);
    extras.water_quality = std::move(sections);
    if (!analyses.empty()) extras.wq_analyses = std::make_shared<const report::WaterQualityAnalyses>(analyses);
    io::RunStore store(store_path);
    return io::save_run_with_report(store, io::make_run_data(lc, "water-quality", io::make_results(solved)), extras);
}

int run_water_quality(const Globals& g, Opts& o) {
    if (o.out_dir.empty()) o.out_dir = default_out(o.case_path, "water-quality");
    io::LoadedCase lc = io::load_case(o.case_path);
    for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    const std::vector<scenarios::Scenario> chosen = io::chosen_scenarios(lc, o.scenarios, "--scenario");
    const auto runs = scenarios::evaluate_water_quality_scenarios(lc.model, chosen, lc.water_quality.options);
    io::OutputDir out(o.out_dir);
    auto sections = water_quality_table(lc, chosen, runs);  // the CSV's rows, stored with the run
    out.stage("water_quality_sections.csv", io::water_quality_sections_csv(sections->rows), true);
    const Apportioned appo = o.apportion ? apportion_baseline(g, lc, o, out) : Apportioned{};
    const Planned plan = o.optimize ? plan_least_cost(lc, o, out) : Planned{};
    const auto mc = o.draws > 0 ? draw_monte_carlo(g, lc, o, chosen) : std::vector<scenarios::WqScenarioMonteCarlo>{};
    report::WaterQualityAnalyses analyses;
    analyses.apportion = appo.table;
    analyses.plan = plan.table;
    if (!mc.empty()) {
        analyses.montecarlo = std::make_shared<const report::WqMonteCarloTable>(montecarlo_table(lc.model, mc));
        out.stage("water_quality_montecarlo.csv", io::water_quality_montecarlo_csv(*analyses.montecarlo), true);
    }
    const std::int64_t run_id = store_run(lc, chosen, std::move(sections), analyses, g.store);
    out.commit();
    if (g.quiet) return static_cast<int>(kOk);
    print_settings(lc, runs.front());
    for (const auto& run : runs) {
        int met = 0;
        for (const auto& s : run.evaluation.sections) met += s.evaluation.meets ? 1 : 0;
        std::printf("\n%s — %d/%zu 断面达标 sections meet their target\n%s",
                    scenario_heading(run.scenario_id, run.name, run.name_en).c_str(), met,
                    run.evaluation.sections.size(), sections_text(lc.model, run).c_str());
    }
    if (o.apportion) print_apportionment(lc, o, appo);
    if (o.optimize)
        std::printf("\n最低成本方案（%s） Least-cost plan for %s — margin of safety %s %% (DO: limit x %s), "
                    "re-evaluated with the kinetics in every condition\n%s",
                    items_zh(lc).c_str(), items_en(lc).c_str(), fixed(o.mos_pct, 1).c_str(), fixed(1.0 + o.mos_pct / 100.0, 3).c_str(),
                    plan_text(lc.model, plan.cands, plan.conds, plan.plan).c_str());
    if (o.draws > 0) print_monte_carlo(lc, mc);
    std::printf("\n✗ = worse than the target 劣于目标; exceedance = value/limit − 1 (倍), DO: shortfall below the limit "
                "(mg/L). Results in %s/water_quality_sections.csv\n",
                o.out_dir.c_str());
    std::printf("Run %lld stored in %s; `qingliu report %lld` writes its report (report.html, report.xlsx) 运行已保存，报告见 "
                "qingliu report\n",
                static_cast<long long>(run_id), g.store.c_str(), static_cast<long long>(run_id));
    return static_cast<int>(kOk);
}

}  // namespace

void register_water_quality(CLI::App& cli, Globals& g, Action& action) {
    auto* wq = cli.add_subcommand(
        "water-quality",
        "Sections classed over the GB 3838 items the case assesses (DO, CODMn, COD, BOD5, NH3-N, TP, TN, or its "
        "[water_quality] items) with QUAL2K-class kinetics");
    auto o = std::make_shared<Opts>();
    wq->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    wq->add_option("-s,--scenario", o->scenarios, "Scenario id (repeatable; default: every scenario of the case)");
    wq->add_option("-o,--out", o->out_dir, "Output folder for water_quality_sections.csv (default out/<case>/water-quality)");
    wq->add_flag("--apportion", o->apportion,
                 "Per section and assessed item: each source's, the boundary inflow's and the background's share, the cut that meets the "
                 "target with the margin, and each reach's capacity (baseline, in --condition)");
    wq->add_option("--mos", o->mos_pct, "Margin of safety, % of the target limit (--apportion; DO: the target is limit x (1 + mos))")
        ->check(CLI::Range(0.0, 99.0))
        ->capture_default_str();
    wq->add_flag("--optimize", o->optimize,
                 "Least-cost plan over the case's measures that meets every assessed item's target with the margin in every declared "
                 "design condition, re-evaluated with the kinetics");
    wq->add_option("--monte-carlo", o->draws,
                   "Draws of the case's uncertainty ranges, each evaluated with the kinetics: P(meets) and the 5-50-95 % band "
                   "per section and assessed item, for the baseline and the --scenario scenarios (default every one) in the "
                   "same draws");
    wq->add_option("--seed", o->seed, "Monte Carlo seed")->capture_default_str();
    wq->add_option("--uncertainty", o->uncertainty,
                   "Ranges table for --monte-carlo; default the case's [tables] uncertainty, else k20 x [0.5, 1.5] triangular");
    wq->add_option("--condition", o->condition, "Design condition of --apportion: design or a `conditions` measure id")
        ->capture_default_str();
    wq->callback([&g, &action, o] { action = [&g, o] { return run_water_quality(g, *o); }; });
}

}  // namespace qingliu::app
