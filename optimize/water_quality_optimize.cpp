#include "optimize/water_quality_optimize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include <tbb/parallel_for.h>

#include "optimize/milp.hpp"

namespace qingliu::scenarios {

namespace {

// One target: section s, item i (index into gb3838_items), sign +1 (maximum) or -1 (DO).
struct Target {
    std::size_t s, i;
    double sign, limit, target;
};

// Every assessed item of every section (limits do not depend on the condition), from the baseline's evaluation.
std::vector<Target> targets(const WaterQualityEvaluation& e, double mos) {
    std::vector<Target> tg;
    for (std::size_t s = 0; s < e.sections.size(); ++s) {
        const auto& items = e.sections[s].evaluation.items;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].cls == 0) continue;
            const double sign = items[i].minimum ? -1.0 : 1.0, L = items[i].target_limit_mgL;
            tg.push_back({s, i, sign, L, L * (items[i].minimum ? 1.0 + mos : 1.0 - mos)});
        }
    }
    return tg;
}

// sign x value of every target
std::vector<double> signed_values(const std::vector<Target>& tg, const WaterQualityEvaluation& e) {
    std::vector<double> v(tg.size());
    for (std::size_t t = 0; t < tg.size(); ++t) v[t] = tg[t].sign * e.sections[tg[t].s].evaluation.items[tg[t].i].value_mgL;
    return v;
}

// Per condition: the baseline v0, each candidate alone (resp) and the pairs whose joint effect is not the sum.
struct Response {
    std::vector<std::vector<double>> v0;                   // [k][t]
    std::vector<std::vector<std::vector<double>>> resp;    // [k][j][t]
    std::vector<std::pair<int, int>> pairs;                // interacting pairs
    std::vector<std::vector<std::vector<double>>> pair_d;  // [k][q][t], aligned with pairs
};

Response responses(const std::vector<CaseModel>& bases, const std::vector<WaterQualityEvaluation>& e0,
                   const std::vector<Candidate>& cands, const WaterQualityOptions& wqo, const std::vector<Target>& tg) {
    const std::size_t nk = bases.size(), nm = cands.size(), nt = tg.size();
    Response r;
    for (std::size_t k = 0; k < nk; ++k) r.v0.push_back(signed_values(tg, e0[k]));
    r.resp.assign(nk, std::vector<std::vector<double>>(nm));
    tbb::parallel_for(std::size_t(0), nk * nm, [&](std::size_t kj) {
        const std::size_t k = kj / nm, j = kj % nm;
        CaseModel m = bases[k];
        apply_measure(m, cands[j].measure);
        const auto v = signed_values(tg, evaluate_water_quality(m, wqo));
        r.resp[k][j].resize(nt);
        for (std::size_t t = 0; t < nt; ++t) r.resp[k][j][t] = v[t] - r.v0[k][t];
    });
    // pair terms, as in optimize.cpp
    std::vector<std::pair<int, int>> all_pairs;
    for (std::size_t i = 0; i < nm; ++i)
        for (std::size_t j = i + 1; j < nm; ++j)
            if (cands[i].group.empty() || cands[i].group != cands[j].group) all_pairs.emplace_back(static_cast<int>(i), static_cast<int>(j));
    std::vector<std::vector<std::vector<double>>> d(nk, std::vector<std::vector<double>>(all_pairs.size()));
    tbb::parallel_for(std::size_t(0), nk * all_pairs.size(), [&](std::size_t kp) {
        const std::size_t k = kp / all_pairs.size(), p = kp % all_pairs.size();
        const auto [i, j] = all_pairs[p];
        CaseModel m = bases[k];
        apply_measure(m, cands[i].measure);
        apply_measure(m, cands[j].measure);
        const auto v = signed_values(tg, evaluate_water_quality(m, wqo));
        d[k][p].resize(nt);
        for (std::size_t t = 0; t < nt; ++t) d[k][p][t] = v[t] - r.v0[k][t] - r.resp[k][i][t] - r.resp[k][j][t];
    });
    r.pair_d.assign(nk, {});
    for (std::size_t p = 0; p < all_pairs.size(); ++p) {
        bool keep = false;
        for (std::size_t k = 0; k < nk && !keep; ++k)
            for (std::size_t t = 0; t < nt && !keep; ++t) keep = std::abs(d[k][p][t]) > 1e-9 * tg[t].limit;
        if (!keep) continue;
        r.pairs.push_back(all_pairs[p]);
        for (std::size_t k = 0; k < nk; ++k) r.pair_d[k].push_back(std::move(d[k][p]));
    }
    return r;
}

}  // namespace

WqOptimizeResult optimize_water_quality(const CaseModel& base_in, const std::vector<Candidate>& cands,
                                        const WaterQualityOptions& wqo, const OptimizeOptions& opt,
                                        const std::vector<DesignCondition>& conditions_in) {
    WqOptimizeResult res;
    std::vector<DesignCondition> conds = conditions_in;
    if (conds.empty()) conds.push_back(DesignCondition{"design", "设计条件", "design condition", "the case as given", "案例原样", {}, {}});
    const std::size_t nk = conds.size(), ns = base_in.sections.size(), nm = cands.size();
    std::vector<CaseModel> bases;
    for (const auto& d : conds) bases.push_back(in_condition(base_in, d));
    std::vector<WaterQualityEvaluation> e0(nk);
    tbb::parallel_for(std::size_t(0), nk, [&](std::size_t k) { e0[k] = evaluate_water_quality(bases[k], wqo); });

    const std::vector<Target> tg = targets(e0[0], opt.mos_fraction);
    const std::size_t nt = tg.size();
    auto signed_of = [&](const WaterQualityEvaluation& e) { return signed_values(tg, e); };
    Response rs = responses(bases, e0, cands, wqo, tg);
    const auto& v0 = rs.v0;
    const auto& resp = rs.resp;
    const auto& pairs = rs.pairs;
    const auto& pair_d = rs.pair_d;
    res.interacting_pairs = pairs.size();

    std::vector<std::vector<int>> groups;
    {
        std::map<std::string, std::size_t> gi;
        for (std::size_t j = 0; j < nm; ++j) {
            if (cands[j].group.empty()) {
                groups.push_back({static_cast<int>(j)});
                continue;
            }
            auto [it, fresh] = gi.emplace(cands[j].group, groups.size());
            if (fresh) groups.emplace_back();
            groups[it->second].push_back(static_cast<int>(j));
        }
    }
    const double F = annual_cost_factor(opt);
    std::vector<double> cost(nm);
    for (std::size_t j = 0; j < nm; ++j) cost[j] = cands[j].measure.invest_wan + F * cands[j].measure.annual_wan;
    // ties go to the plan with fewer measures (optimize.cpp)
    const double tie = 1e-9 * std::max(1.0, cost.empty() ? 1.0 : *std::max_element(cost.begin(), cost.end()));
    std::vector<double> objective_cost(cost);
    for (auto& c : objective_cost) c += tie;

    res.condition_sections.assign(nk, std::vector<WqPlanSection>(ns));
    for (std::size_t k = 0; k < nk; ++k) {
        for (std::size_t s = 0; s < ns; ++s) res.condition_sections[k][s].baseline = e0[k].sections[s].evaluation;
        for (std::size_t t = 0; t < nt; ++t) {
            WqTargetOutcome o;
            const auto& it = e0[k].sections[tg[t].s].evaluation.items[tg[t].i];
            o.key = it.key;
            o.minimum = it.minimum;
            o.limit_mgL = tg[t].limit;
            o.target_mgL = tg[t].target;
            o.baseline_mgL = it.value_mgL;
            double best = v0[k][t];
            for (const auto& g : groups) {
                double lo = 0.0;
                for (int j : g) lo = std::min(lo, resp[k][j][t]);
                best += lo;
            }
            o.reachable = best <= tg[t].sign * tg[t].target + opt.tolerance_rel * tg[t].limit;
            res.condition_sections[k][tg[t].s].items.push_back(o);
        }
    }
    // item t's outcome in condition k
    std::vector<std::size_t> slot(nt);
    {
        std::vector<std::size_t> count(ns, 0);
        for (std::size_t t = 0; t < nt; ++t) slot[t] = count[tg[t].s]++;
    }
    auto outcome = [&](std::size_t k, std::size_t t) -> WqTargetOutcome& { return res.condition_sections[k][tg[t].s].items[slot[t]]; };

    std::vector<std::vector<double>> corr(nk, std::vector<double>(nt, 0.0));
    auto build_rows = [&] {
        std::vector<milp::Row> rows;
        for (std::size_t k = 0; k < nk; ++k)
            for (std::size_t t = 0; t < nt; ++t) {
                const double L = tg[t].limit;
                milp::Row r{tg[t].s, static_cast<int>(tg[t].i), {}, {}, (tg[t].sign * tg[t].target - v0[k][t] - corr[k][t]) / L};
                for (std::size_t j = 0; j < nm; ++j)
                    if (std::abs(resp[k][j][t] / L) > 1e-12) {
                        r.cols.push_back(static_cast<int>(j));
                        r.coef.push_back(resp[k][j][t] / L);
                    }
                for (std::size_t q = 0; q < pairs.size(); ++q)
                    if (std::abs(pair_d[k][q][t] / L) > 1e-12) {
                        r.cols.push_back(static_cast<int>(nm + q));
                        r.coef.push_back(pair_d[k][q][t] / L);
                    }
                rows.push_back(std::move(r));
            }
        return rows;
    };
    auto evaluate_plan = [&](const std::vector<std::size_t>& chosen) {
        std::vector<WaterQualityEvaluation> ev(nk);
        tbb::parallel_for(std::size_t(0), nk, [&](std::size_t k) { ev[k] = evaluate_water_quality(apply_plan(bases[k], cands, chosen), wqo); });
        return ev;
    };
    auto chosen_has = [&](int j) { return std::find(res.chosen.begin(), res.chosen.end(), static_cast<std::size_t>(j)) != res.chosen.end(); };
    // the plan's outcome from its full evaluation; with `correct`, the linear model's error is added to the correction
    // of every target it met but the full model misses; returns whether any was
    auto record = [&](const std::vector<WaterQualityEvaluation>& ev, bool correct) {
        bool resolve = false;
        res.max_linear_error_mgL = 0.0;
        res.total_gap_rel = 0.0;
        res.verified_ok = true;
        for (std::size_t k = 0; k < nk; ++k) {
            for (std::size_t s = 0; s < ns; ++s) res.condition_sections[k][s].plan = ev[k].sections[s].evaluation;
            const auto v = signed_of(ev[k]);
            for (std::size_t t = 0; t < nt; ++t) {
                double pred = v0[k][t];
                for (std::size_t j : res.chosen) pred += resp[k][j][t];
                for (std::size_t q = 0; q < pairs.size(); ++q)
                    if (chosen_has(pairs[q].first) && chosen_has(pairs[q].second)) pred += pair_d[k][q][t];
                WqTargetOutcome& o = outcome(k, t);
                o.predicted_mgL = tg[t].sign * pred;
                o.verified_mgL = tg[t].sign * v[t];
                const double tol = opt.tolerance_rel * tg[t].limit, goal = tg[t].sign * tg[t].target;
                o.gap_mgL = v[t] > goal + tol ? v[t] - goal : 0.0;
                res.total_gap_rel += o.gap_mgL / tg[t].limit;
                const double err = v[t] - pred;
                res.max_linear_error_mgL = std::max(res.max_linear_error_mgL, std::abs(err));
                if (v[t] > std::max(goal, pred) + tol && err > tol) {
                    res.verified_ok = false;
                    if (correct) corr[k][t] += err;
                    resolve = true;
                }
            }
        }
        return resolve;
    };

    bool gap_mode = false;
    for (int iter = 0;; ++iter) {
        const std::vector<milp::Row> rows = build_rows();
        milp::Solve sol;
        if (!gap_mode) {
            sol = milp::solve_milp(objective_cost, groups, rows, pairs, false, false, 0.0, opt.time_limit_s);
            ++res.solves;
            if (sol.outcome == milp::Solve::Outcome::Infeasible) gap_mode = true;
        }
        if (gap_mode) {
            const milp::Solve s1 = milp::solve_milp(objective_cost, groups, rows, pairs, true, true, 0.0, opt.time_limit_s);
            ++res.solves;
            if (s1.outcome == milp::Solve::Outcome::Infeasible)
                throw ModelError("least-cost water-quality plan: the gap model is infeasible (solver error)");
            if (s1.x.empty()) return res;
            const double zstar = std::accumulate(s1.gap_rel.begin(), s1.gap_rel.end(), 0.0);
            sol = milp::solve_milp(objective_cost, groups, rows, pairs, true, false, zstar * (1.0 + 1e-7) + 1e-9, opt.time_limit_s);
            ++res.solves;
            if (sol.x.empty()) sol = s1;
        }
        if (sol.x.empty()) return res;
        res.status = sol.outcome == milp::Solve::Outcome::Optimal ? (gap_mode ? PlanStatus::GapMinimised : PlanStatus::Optimal)
                                                                  : PlanStatus::NotSolved;
        res.chosen.clear();
        for (std::size_t j = 0; j < nm; ++j)
            if (sol.x[j]) res.chosen.push_back(j);
        if (!record(evaluate_plan(res.chosen), true) || iter >= opt.max_corrections) break;
        ++res.corrections;
    }
    // pruning, most expensive first: a measure goes if the full model without it newly misses no target and grows no gap
    std::vector<std::size_t> order = res.chosen;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
    for (std::size_t j : order) {
        std::vector<std::size_t> trial;
        for (std::size_t i : res.chosen)
            if (i != j) trial.push_back(i);
        const auto ev = evaluate_plan(trial);
        bool ok = true;
        for (std::size_t k = 0; k < nk && ok; ++k) {
            const auto v = signed_of(ev[k]);
            for (std::size_t t = 0; t < nt && ok; ++t) {
                const WqTargetOutcome& o = outcome(k, t);
                ok = v[t] <= std::max(tg[t].sign * o.target_mgL, tg[t].sign * o.verified_mgL) + opt.tolerance_rel * tg[t].limit;
            }
        }
        if (!ok) continue;
        res.chosen = trial;
        ++res.pruned;
        char saved[64];
        std::snprintf(saved, sizeof saved, "%.0f", cost[j]);
        res.dropped.push_back({cands[j].measure.id, cands[j].measure.name,
                               std::string("chosen by the linear response, but the full model meets every target in every "
                                           "condition without it (saves ") + saved + " x 10^4 yuan)",
                               std::string("线性响应选中，但整体复算在所有设计条件下不需要它即可达标（节省") + saved + "万元）"});
        record(ev, false);
    }
    for (std::size_t j : res.chosen) {
        res.invest_wan += cands[j].measure.invest_wan;
        res.annual_wan += cands[j].measure.annual_wan;
    }
    res.cost_wan = res.invest_wan + F * res.annual_wan;
    return res;
}

}  // namespace qingliu::scenarios
