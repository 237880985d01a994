// qingliu optimize CASE: the least-cost set of measures meeting every section's target (optimize/optimize.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/results.hpp"
#include "io/case_reader.hpp"
#include "io/case_selection.hpp"
#include "io/observations_reader.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/run_data.hpp"
#include "optimize/chance.hpp"
#include "optimize/optimize.hpp"

namespace qingliu::app {

namespace {

int digits_for(int c) { return variable(c).conc_digits; }

struct OptimizeCli {
    std::string case_path, out_dir;
    double years = 10.0, discount_rate = 0.0, time_limit_s = 120.0;
    std::vector<std::string> measures{"all"};
    std::vector<std::string> levels;  // each: comma-separated measure ids forming one exclusive group
    double mos_pct = 10.0;            // margin of safety, % of each target limit
    std::vector<std::string> conditions{"all"};
    double chance = 0.0;              // required probability of meeting each target (0: no chance constraint)
    std::size_t chance_draws = 30, check_draws = 1000;
    std::uint64_t seed = 20250101;
    std::string uncertainty;
};

// The plan: least cost over the linear response, or with --chance also meeting every target with that probability
// under the case's uncertainty ranges.
struct Plan {
    scenarios::OptimizeResult r;
    std::optional<scenarios::ChanceResult> chance;
};

Plan least_cost_plan(const Globals& g, const io::LoadedCase& lc, const OptimizeCli& o, const std::vector<scenarios::Candidate>& cands,
                     const std::vector<scenarios::DesignCondition>& conds, const scenarios::OptimizeOptions& opt) {
    Plan p;
    if (!(o.chance > 0.0)) {
        p.r = scenarios::optimize(lc.model, cands, opt, conds);
        return p;
    }
    const io::UncertaintyTable ut = io::read_uncertainty(lc, o.uncertainty);
    const std::vector<scenarios::UncertainParameter> params = ut.file.empty() ? scenarios::default_uncertainty(lc.model) : ut.params;
    if (ut.file.empty()) spdlog::info("no uncertainty table: k20 of each constituent triangular on [0.5, 1.5] x its value");
    scenarios::ChanceOptions co;
    co.p = o.chance;
    co.design_draws = o.chance_draws;
    co.max_design_draws = std::max<std::size_t>(o.chance_draws, 8 * o.chance_draws);
    co.check_draws = o.check_draws;
    co.mc.seed = o.seed;
    Progress progress("chance check", !g.quiet);
    co.progress = [&](double f) { progress(f); };
    p.chance = scenarios::optimize_chance(lc.model, cands, opt, conds, params, co);
    p.r = p.chance->plan;
    p.r.condition_sections.resize(conds.size());  // the declared conditions; the draws are summarised
    return p;
}

// The run store keeps the baseline and the plan, with the plan's measures and cost as parameters.
io::RunData plan_run_data(const io::LoadedCase& lc, const OptimizeCli& o, const scenarios::OptimizeOptions& opt,
                          const std::vector<scenarios::Candidate>& cands, std::size_t conditions, const Plan& p) {
    const auto& m = lc.model;
    const auto& r = p.r;
    std::vector<io::ScenarioResult> results;
    results.push_back(io::make_result(m, scenarios::evaluate(m), "baseline"));
    const scenarios::CaseModel planned = scenarios::apply_plan(m, cands, r.chosen);
    results.push_back(io::make_result(planned, scenarios::evaluate(planned), "least_cost"));
    io::RunData rd = io::make_run_data(lc, "optimize", std::move(results));
    rd.parameters.emplace_back("optimize.years", o.years);
    rd.parameters.emplace_back("optimize.discount_rate", o.discount_rate);
    rd.parameters.emplace_back("optimize.mos_fraction", opt.mos_fraction);
    rd.parameters.emplace_back("optimize.conditions", static_cast<double>(conditions));
    if (p.chance) {
        rd.parameters.emplace_back("optimize.chance_p", o.chance);
        rd.parameters.emplace_back("optimize.chance_design_draws", static_cast<double>(p.chance->design_draws));
        rd.parameters.emplace_back("optimize.chance_check_draws", static_cast<double>(p.chance->check_draws));
        rd.parameters.emplace_back("optimize.seed", static_cast<double>(o.seed));
    }
    rd.parameters.emplace_back("optimize.cost_wan", r.cost_wan);
    rd.parameters.emplace_back("optimize.invest_wan", r.invest_wan);
    rd.parameters.emplace_back("optimize.annual_wan", r.annual_wan);
    rd.parameters.emplace_back("optimize.total_gap_rel", r.total_gap_rel);
    for (std::size_t j = 0; j < cands.size(); ++j)
        rd.parameters.emplace_back("optimize.chosen." + cands[j].measure.id,
                                   std::find(r.chosen.begin(), r.chosen.end(), j) != r.chosen.end() ? 1.0 : 0.0);
    return rd;
}

// The plan's measures and costs, and the measures left out of the candidates or dropped from the plan.
void print_measures(const scenarios::OptimizeResult& r, const std::vector<scenarios::Candidate>& cands, double F,
                    const std::vector<scenarios::DroppedMeasure>& left_out) {
    TextTable tp({"措施 Measure", "类型 Kind", "投资 Invest", "年运行 Annual", "成本 Cost"});
    for (std::size_t j : r.chosen) {
        const auto& x = cands[j].measure;
        tp.row({x.name + (x.name_en != x.name ? " " + x.name_en : "") + " [" + x.id + "]", scenarios::kind_def(x.kind).key,
                fixed(x.invest_wan, 0), fixed(x.annual_wan, 0), fixed(x.invest_wan + F * x.annual_wan, 0)});
    }
    tp.row({"合计 Total", "", fixed(r.invest_wan, 0), fixed(r.annual_wan, 0), fixed(r.cost_wan, 0)});
    std::printf("\n%s", r.chosen.empty() ? "  (no measure needed 无需措施)\n" : tp.str().c_str());
    if (!left_out.empty() || !r.dropped.empty()) {
        std::printf("\n未入选的措施 Measures left out or dropped:\n");
        for (const auto& d : left_out) std::printf("  [%s] %s: %s / %s\n", d.id.c_str(), d.name.c_str(), d.reason_zh.c_str(), d.reason.c_str());
        for (const auto& d : r.dropped) std::printf("  [%s] %s: %s / %s\n", d.id.c_str(), d.name.c_str(), d.reason_zh.c_str(), d.reason.c_str());
    }
}

// Per section: target, class now and under the plan in each condition, and the margin of every constituent.
std::string margins_text(const scenarios::CaseModel& m, const std::vector<scenarios::DesignCondition>& conds,
                         const scenarios::OptimizeResult& r) {
    std::vector<std::string> head = {"断面 Section", "目标 Target", "现状 Now"};
    for (const auto& d : conds) head.push_back("方案 Plan " + d.id);
    for (const auto& d : conds)
        for (int c = 0; c < kNumConstituents; ++c) head.push_back(std::string(label_en(kConstituents[c])) + " " + d.id);
    head.push_back("达标 Meets (with margin)");
    TextTable ts(head);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        std::vector<std::string> row = {m.sections[s].name + " [" + m.sections[s].id + "]", reaches::class_roman(m.sections[s].target_class),
                                        reaches::class_roman(r.sections[s].baseline_cls.overall)};
        bool all_ok = true;
        for (std::size_t k = 0; k < conds.size(); ++k) row.push_back(reaches::class_roman(r.condition_sections[k][s].plan_cls.overall));
        for (std::size_t k = 0; k < conds.size(); ++k)
            for (int c = 0; c < kNumConstituents; ++c) {
                const auto& t = r.condition_sections[k][s].c[c];
                all_ok = all_ok && t.meets_with_margin();
                row.push_back(fixed(t.margin_mgL, digits_for(c)) + (t.meets_with_margin() ? "" : " ✗"));
            }
        row.push_back(all_ok ? "是 yes" : "否 no");
        ts.row(row);
    }
    return ts.str();
}

// The targets no combination of measures meets with the margin, in every condition.
void print_unreachable(const scenarios::CaseModel& m, const std::vector<scenarios::DesignCondition>& conds,
                       const scenarios::OptimizeResult& r) {
    bool any_unreachable = false;
    for (std::size_t k = 0; k < conds.size(); ++k)
        for (std::size_t s = 0; s < m.sections.size(); ++s)
            for (auto c : kConstituents) {
                const auto& t = r.condition_sections[k][s].c[idx(c)];
                if (t.reachable && t.gap_mgL <= 0.0) continue;
                if (!any_unreachable)
                    std::printf("\n任何措施组合都无法达标（含安全余量）的目标 Targets no combination of measures can meet with the margin:\n");
                any_unreachable = true;
                std::printf("  [%s] %s [%s] %s: target %s, best reachable %s, plan %s, remaining gap 差距 %s mg/L%s\n",
                            conds[k].id.c_str(), m.sections[s].name.c_str(), m.sections[s].id.c_str(), std::string(label_en(c)).c_str(),
                            fixed(t.target_mgL, digits_for(idx(c))).c_str(), fixed(t.best_mgL, digits_for(idx(c))).c_str(),
                            fixed(t.verified_mgL, digits_for(idx(c))).c_str(), fixed(t.gap_mgL, digits_for(idx(c)) + 1).c_str(),
                            t.reachable ? " (reachable alone, not together with the others)" : "");
            }
}

// Each section's probability of meeting its target under the plan, checked out of sample.
void print_chance(const scenarios::CaseModel& m, const scenarios::ChanceResult& chance, double p) {
    TextTable tc({"断面 Section", "目标 Target", "达标概率 P(meets)", "95 % 区间 interval", "满足 Holds"});
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& x = chance.sections[s];
        tc.row({m.sections[s].name + " [" + m.sections[s].id + "]", reaches::class_roman(m.sections[s].target_class), fixed(x.p_meets, 3),
                fixed(x.low95, 3) + "–" + fixed(x.high95, 3), x.holds ? "是 yes" : "否 no"});
    }
    std::printf("\n机会约束 Chance constraint: every target met with P ≥ %s; the plan meets %zu sampled draws "
                "(%d round(s)) and is checked in %zu independent draws:\n%s",
                fixed(p, 3).c_str(), chance.design_draws, chance.rounds, chance.check_draws, tc.str().c_str());
    if (!chance.holds)
        std::printf("  部分断面未达到要求的概率 Some sections fall short of the probability: their targets cannot be met in "
                    "every draw by any combination of the measures, or %zu draws were not enough.\n",
                    chance.design_draws);
}

void print_plan(const io::LoadedCase& lc, const OptimizeCli& o, const scenarios::OptimizeOptions& opt,
                const std::vector<scenarios::Candidate>& cands, const std::vector<scenarios::DroppedMeasure>& left_out,
                const std::vector<scenarios::DesignCondition>& conds, const Plan& p) {
    const auto& r = p.r;
    const double F = scenarios::annual_cost_factor(opt);
    std::printf("最低成本方案 Least-cost plan (%s; cost = investment + %s x annual, 10^4 yuan)\n", scenarios::plan_status_text(r.status),
                fixed(F, 3).c_str());
    std::printf("安全余量 Margin of safety: %s %% of each target limit (target = limit x %s)\n", fixed(o.mos_pct, 1).c_str(),
                fixed(1.0 - opt.mos_fraction, 3).c_str());
    std::printf("设计条件 Design conditions the plan is checked in (re-evaluated in full in each):\n");
    for (const auto& d : conds) std::printf("  %s\n", scenarios::condition_label(d).c_str());
    print_measures(r, cands, F, left_out);
    std::printf("\n每个断面每个设计条件的余量（目标限值 − 方案浓度，mg/L；须 ≥ 安全余量 %s%% × 限值） "
                "Margin per section and condition (limit − plan concentration; must be ≥ %s %% of the limit):\n%s",
                fixed(o.mos_pct, 0).c_str(), fixed(o.mos_pct, 0).c_str(), margins_text(lc.model, conds, r).c_str());
    print_unreachable(lc.model, conds, r);
    if (p.chance) print_chance(lc.model, *p.chance, o.chance);
    std::printf("\n线性响应与整体复算之差 Linear response vs full re-evaluation: max |difference| %.3g mg/L%s%s\n", r.max_linear_error_mgL,
                ((r.corrections > 0 ? ", re-planned " + std::to_string(r.corrections) + " time(s) after re-evaluation" : std::string()) +
                 (r.pruned > 0 ? ", " + std::to_string(r.pruned) + " measure(s) dropped that the full model does not need (listed above)"
                               : std::string()))
                    .c_str(),
                r.verified_ok ? "" : " — WARNING: the re-evaluated plan misses a target the linear model met");
}

int run_optimize(const Globals& g, OptimizeCli& o) {
    if (o.out_dir.empty()) o.out_dir = default_out(o.case_path, "optimize");
    io::LoadedCase lc = io::load_case(o.case_path);
    for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    std::vector<scenarios::DroppedMeasure> left_out;
    const std::vector<scenarios::Candidate> cands = scenarios::plan_candidates(lc.scenarios, o.measures, o.levels, lc.case_file, left_out);
    const auto conds = io::chosen_conditions(lc, o.conditions, "--conditions");
    if (cands.empty())
        throw InputError("no candidate measures", {{lc.case_file, "", "tables.scenarios", "", "the case names no measures in its scenarios"}});
    spdlog::info("case {}: {} candidate measures, {} sections", lc.model.name, cands.size(), lc.model.sections.size());
    scenarios::OptimizeOptions opt;
    opt.years = o.years;
    opt.discount_rate = o.discount_rate;
    opt.time_limit_s = o.time_limit_s;
    opt.mos_fraction = o.mos_pct / 100.0;
    const Plan p = least_cost_plan(g, lc, o, cands, conds, opt);
    if (p.r.status == scenarios::PlanStatus::NotSolved && p.r.chosen.empty())
        throw ModelError("least-cost plan: the solver stopped without a plan (raise --time-limit)");
    std::unique_ptr<io::OutputDir> out;
    if (!o.out_dir.empty()) {
        out = std::make_unique<io::OutputDir>(o.out_dir);
        out->stage("plan.csv", io::plan_csv(cands, p.r, scenarios::annual_cost_factor(opt), left_out), true);
        out->stage("plan_sections.csv", io::plan_sections_csv(lc.model, conds, p.r, opt.mos_fraction), true);
        if (p.chance) out->stage("plan_chance.csv", io::plan_chance_csv(lc.model, *p.chance, o.chance, o.seed), true);
    }
    io::RunStore store(g.store);
    const std::int64_t id = store.save(plan_run_data(lc, o, opt, cands, conds.size(), p));
    if (out) out->commit();
    if (g.quiet) return static_cast<int>(kOk);
    print_plan(lc, o, opt, cands, left_out, conds, p);
    std::printf("Run %lld stored in %s%s%s\n", static_cast<long long>(id), g.store.c_str(), o.out_dir.empty() ? "" : "; results in ",
                o.out_dir.c_str());
    return static_cast<int>(kOk);
}

}  // namespace

void register_optimize(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("optimize",
                                   "Least-cost plan: the cheapest measures (and levels) meeting every section's target (MILP, CBC)");
    auto o = std::make_shared<OptimizeCli>();
    cmd->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    cmd->add_option("--years", o->years, "Cost horizon: cost = investment + years x annual cost (10^4 yuan)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--discount-rate", o->discount_rate,
                    "Discount running costs at this yearly rate: factor (1 - (1 + r)^-years) / r instead of years")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--scenario-measures", o->measures,
                    "Candidate measures: all (every measure named by a scenario), or measure / scenario ids")
        ->capture_default_str();
    cmd->add_option("--levels", o->levels,
                    "Comma-separated measure ids that are alternative levels of one choice (at most one is chosen); "
                    "repeatable. Measures of the same kind on the same selection are grouped automatically");
    cmd->add_option("--mos", o->mos_pct,
                    "Margin of safety (安全余量), % of each target limit: every target must be met at limit x (1 - mos/100)")
        ->check(CLI::Range(0.0, 99.0))
        ->capture_default_str();
    cmd->add_option("--conditions", o->conditions,
                    "Design conditions the plan must hold in: all (the case as given and every `conditions` measure of its "
                    "scenarios), or ids (design, dry, ...)")
        ->capture_default_str();
    cmd->add_option("--chance", o->chance,
                    "Also meet every target with at least this probability under the case's uncertainty ranges (sampled "
                    "chance constraints, checked out of sample); the margin of safety is then 0 unless --mos is given")
        ->check(CLI::Range(0.5, 0.999));
    cmd->add_option("--chance-draws", o->chance_draws, "Draws the plan must meet in (doubled while the check falls short)")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    cmd->add_option("--check-draws", o->check_draws, "Independent draws the plan is checked in")
        ->check(CLI::Range(10, 1000000))
        ->capture_default_str();
    cmd->add_option("--seed", o->seed, "Seed of the draws (the check uses an independent stream)")->capture_default_str();
    cmd->add_option("--uncertainty", o->uncertainty,
                    "Ranges table (parameter, low, high, distribution, mode); default the case's [tables] uncertainty, "
                    "else k20 x [0.5, 1.5] triangular");
    auto* mos_opt = cmd->get_option("--mos");
    cmd->add_option("--time-limit", o->time_limit_s, "Solver time limit per solve (s)")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("-o,--out", o->out_dir, "Output folder for plan.csv and plan_sections.csv (default out/<case>/optimize)");
    cmd->callback([&g, &action, o, mos_opt] {
        if (o->chance > 0.0 && mos_opt->count() == 0) o->mos_pct = 0.0;
        action = [&g, o] { return run_optimize(g, *o); };
    });
}

}  // namespace qingliu::app
