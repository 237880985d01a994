#include "scenarios/optimize.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <limits>
#include <numeric>

#include <tbb/parallel_for.h>

#include <coin/Cbc_C_Interface.h>

namespace qingliu::scenarios {

namespace {

std::string join_sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    std::string s;
    for (const auto& x : v) s += x + ";";
    return s;
}
template <class T>
std::string join_sorted_num(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    std::string s;
    for (const auto& x : v) s += std::to_string(x) + ";";
    return s;
}

// Same kind acting on the same thing: alternative levels of one intervention.
std::string group_key(const Measure& x) {
    std::string k = kind_def(x.kind).key;
    k += "|s=" + join_sorted_num(x.sources) + "|ids=" + join_sorted(x.source_ids) + "|t=" + join_sorted(x.types) +
         "|r=" + join_sorted_num(x.reaches) + "|towns=" + join_sorted(x.towns);
    if (x.kind == MeasureKind::Outfall) k += "|action=" + x.action;
    if (x.kind == MeasureKind::Transfer) k += "|from=" + std::to_string(x.from) + "|to=" + std::to_string(x.to);
    if (x.kind == MeasureKind::EcoFlow) k += "|reach=" + std::to_string(x.to);
    return k;
}

struct CbcDeleter {
    void operator()(Cbc_Model* m) const { Cbc_deleteModel(m); }
};
using CbcPtr = std::unique_ptr<Cbc_Model, CbcDeleter>;

// One row of the linear model: sum_m a_m x_m (- g) <= rhs, scaled by 1/limit.
struct Row {
    std::size_t section;
    int c;
    std::vector<int> cols;
    std::vector<double> coef;
    double rhs;
};

struct Solve {
    enum class Outcome { Optimal, Infeasible, Stopped } outcome = Outcome::Stopped;
    std::vector<char> x;
    std::vector<double> gap_rel;  ///< per row (gap model)
    double objective = 0.0;
};

// Builds and solves one MILP. gap_mode adds g_r >= 0 per row; objective = sum g (stage 1) or cost with sum g <= cap
// (stage 2, gap_cap >= 0).
Solve solve_milp(const std::vector<double>& cost, const std::vector<std::vector<int>>& groups, const std::vector<Row>& rows,
                 bool gap_mode, bool minimise_gap, double gap_cap, double time_limit_s) {
    Solve out;
    const int n = static_cast<int>(cost.size());
    const int nr = static_cast<int>(rows.size());
    if (!gap_mode)
        for (const auto& r : rows)
            if (r.cols.empty() && r.rhs < 0.0) {
                out.outcome = Solve::Outcome::Infeasible;
                return out;
            }
    CbcPtr m(Cbc_newModel());
    Cbc_setLogLevel(m.get(), 0);
    Cbc_setMaximumSeconds(m.get(), time_limit_s);
    Cbc_setAllowableGap(m.get(), 0.0);  // prove optimality (the models are small: one binary per measure)
    Cbc_setAllowableFractionGap(m.get(), 0.0);
    for (int j = 0; j < n; ++j) {
        const std::string name = std::string(1, 'x').append(std::to_string(j));
        Cbc_addCol(m.get(), name.c_str(), 0.0, 1.0, (gap_mode && minimise_gap) ? 0.0 : cost[j], 1, 0, nullptr, nullptr);
    }
    if (gap_mode)
        for (int r = 0; r < nr; ++r) {
            const std::string name = std::string(1, 'g').append(std::to_string(r));
            Cbc_addCol(m.get(), name.c_str(), 0.0, std::numeric_limits<double>::max(), minimise_gap ? 1.0 : 0.0, 0, 0, nullptr, nullptr);
        }
    for (int r = 0; r < nr; ++r) {
        std::vector<int> cols = rows[r].cols;
        std::vector<double> coef = rows[r].coef;
        if (gap_mode) {
            cols.push_back(n + r);
            coef.push_back(-1.0);
        }
        if (cols.empty()) continue;  // strict mode: already checked rhs >= 0
        const std::string name = std::string(1, 't').append(std::to_string(r));
        Cbc_addRow(m.get(), name.c_str(), static_cast<int>(cols.size()), cols.data(), coef.data(), 'L', rows[r].rhs);
    }
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        if (groups[gi].size() < 2) continue;
        std::vector<double> ones(groups[gi].size(), 1.0);
        const std::string name = "level" + std::to_string(gi);
        Cbc_addRow(m.get(), name.c_str(), static_cast<int>(groups[gi].size()), groups[gi].data(), ones.data(), 'L', 1.0);
    }
    if (gap_mode && !minimise_gap) {
        std::vector<int> cols(nr);
        std::iota(cols.begin(), cols.end(), n);
        std::vector<double> ones(nr, 1.0);
        if (nr > 0) Cbc_addRow(m.get(), "gapcap", nr, cols.data(), ones.data(), 'L', gap_cap);
    }
    Cbc_setObjSense(m.get(), 1.0);
    Cbc_solve(m.get());
    if (Cbc_isProvenInfeasible(m.get())) {
        out.outcome = Solve::Outcome::Infeasible;
        return out;
    }
    const double* sol = Cbc_bestSolution(m.get());
    if (!sol) sol = Cbc_isProvenOptimal(m.get()) ? Cbc_getColSolution(m.get()) : nullptr;
    if (!sol) {
        out.outcome = Solve::Outcome::Stopped;
        return out;
    }
    out.outcome = Cbc_isProvenOptimal(m.get()) ? Solve::Outcome::Optimal : Solve::Outcome::Stopped;
    out.x.resize(n);
    for (int j = 0; j < n; ++j) out.x[j] = sol[j] > 0.5 ? 1 : 0;
    if (gap_mode) {
        out.gap_rel.resize(nr);
        for (int r = 0; r < nr; ++r) out.gap_rel[r] = std::max(0.0, sol[n + r]);
    }
    out.objective = Cbc_getObjValue(m.get());
    return out;
}

}  // namespace

std::vector<Candidate> candidates_from(const std::vector<Measure>& measures) {
    std::vector<Candidate> out;
    std::map<std::string, std::size_t> seen;
    std::map<std::string, std::vector<std::size_t>> by_key;
    for (const auto& x : measures) {
        if (x.kind == MeasureKind::Conditions) continue;
        if (!seen.emplace(x.id, out.size()).second) continue;
        by_key[group_key(x)].push_back(out.size());
        out.push_back({x, ""});
    }
    for (const auto& [k, idx] : by_key)
        if (idx.size() > 1) {
            std::string g = out[idx.front()].measure.id;
            for (std::size_t i = 1; i < idx.size(); ++i) g += "|" + out[idx[i]].measure.id;
            for (std::size_t i : idx) out[i].group = g;
        }
    return out;
}

double annual_cost_factor(const OptimizeOptions& o) {
    if (!(o.discount_rate > 0.0)) return o.years;
    return (1.0 - std::pow(1.0 + o.discount_rate, -o.years)) / o.discount_rate;
}

const char* plan_status_text(PlanStatus s) {
    switch (s) {
        case PlanStatus::Optimal: return "optimal";
        case PlanStatus::GapMinimised: return "gap-minimised";
        case PlanStatus::NotSolved: return "not-solved";
    }
    return "?";
}

CaseModel apply_plan(const CaseModel& base, const std::vector<Candidate>& candidates, const std::vector<std::size_t>& chosen) {
    CaseModel m = base;
    for (std::size_t i : chosen) apply_measure(m, candidates.at(i).measure);
    return m;
}

OptimizeResult optimize(const CaseModel& base, const std::vector<Candidate>& cands, const OptimizeOptions& opt) {
    OptimizeResult res;
    const std::size_t ns = base.sections.size(), nm = cands.size();
    const Evaluation e0 = evaluate(base);

    // Target limits and the response of each candidate alone.
    std::vector<PerConstituent> limit(ns), c0(ns);
    for (std::size_t s = 0; s < ns; ++s)
        for (auto c : kConstituents) {
            limit[s][idx(c)] = base.classes.limit(key(c), base.sections[s].water_body, base.sections[s].target_class);
            c0[s][idx(c)] = e0.sections[s].conc_mgL[idx(c)];
        }
    res.response_mgL.assign(nm, std::vector<PerConstituent>(ns, PerConstituent{0, 0, 0}));
    tbb::parallel_for(std::size_t(0), nm, [&](std::size_t j) {
        CaseModel m = base;
        apply_measure(m, cands[j].measure);
        const Evaluation e = evaluate(m);
        for (std::size_t s = 0; s < ns; ++s)
            for (int c = 0; c < kNumConstituents; ++c) res.response_mgL[j][s][c] = e.sections[s].conc_mgL[c] - c0[s][c];
    });

    // Groups of exclusive levels (singletons for ungrouped candidates).
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
    // Ties (e.g. measures without cost) go to the plan with fewer measures: each measure adds 1e-9 of the largest cost
    // (or 1e-9 when nothing costs anything), far below any cost difference in the data.
    const double tie = 1e-9 * std::max(1.0, cost.empty() ? 1.0 : *std::max_element(cost.begin(), cost.end()));
    std::vector<double> objective_cost(cost);
    for (auto& c : objective_cost) c += tie;

    res.sections.resize(ns);
    for (std::size_t s = 0; s < ns; ++s) {
        res.sections[s].baseline_cls = e0.sections[s].cls;
        for (int c = 0; c < kNumConstituents; ++c) {
            auto& t = res.sections[s].c[c];
            t.limit_mgL = limit[s][c];
            t.baseline_mgL = c0[s][c];
            double best = c0[s][c];
            for (const auto& g : groups) {
                double lo = 0.0;
                for (int j : g) lo = std::min(lo, res.response_mgL[j][s][c]);
                best += lo;
            }
            t.best_mgL = best;
            t.reachable = best <= limit[s][c] * (1.0 + opt.tolerance_rel);
        }
    }

    // Rows, scaled by 1/limit; coefficients below 1e-12 of the limit are dropped.
    std::vector<PerConstituent> corr(ns, PerConstituent{0, 0, 0});
    auto build_rows = [&] {
        std::vector<Row> rows;
        for (std::size_t s = 0; s < ns; ++s)
            for (int c = 0; c < kNumConstituents; ++c) {
                const double L = limit[s][c];
                if (!(L > 0.0)) continue;
                Row r{s, c, {}, {}, (L - c0[s][c] - corr[s][c]) / L};
                for (std::size_t j = 0; j < nm; ++j) {
                    const double d = res.response_mgL[j][s][c] / L;
                    if (std::abs(d) > 1e-12) {
                        r.cols.push_back(static_cast<int>(j));
                        r.coef.push_back(d);
                    }
                }
                rows.push_back(std::move(r));
            }
        return rows;
    };

    // Fills the outcome of the plan res.chosen from its full evaluation; with `correct`, adds the linear model's error
    // to the correction of every target missed although the linear model met it, and returns true if it did.
    auto record = [&](const Evaluation& ev, bool correct) {
        bool resolve = false;
        res.max_linear_error_mgL = 0.0;
        res.total_gap_rel = 0.0;
        res.verified_ok = true;
        for (std::size_t s = 0; s < ns; ++s) {
            res.sections[s].plan_cls = ev.sections[s].cls;
            for (int c = 0; c < kNumConstituents; ++c) {
                auto& t = res.sections[s].c[c];
                double pred = c0[s][c];
                for (std::size_t j : res.chosen) pred += res.response_mgL[j][s][c];
                t.predicted_mgL = pred;
                t.verified_mgL = ev.sections[s].conc_mgL[c];
                t.margin_mgL = t.limit_mgL - t.verified_mgL;
                t.gap_mgL = std::max(0.0, t.verified_mgL - t.limit_mgL);
                if (t.limit_mgL > 0.0) res.total_gap_rel += t.gap_mgL / t.limit_mgL;
                const double err = t.verified_mgL - pred;
                res.max_linear_error_mgL = std::max(res.max_linear_error_mgL, std::abs(err));
                const double tol = opt.tolerance_rel * t.limit_mgL;
                // missed although the linear model had it within its limit (strict) or within its planned gap
                if (t.verified_mgL > std::max(t.limit_mgL, pred) + tol && err > tol) {
                    res.verified_ok = false;
                    if (correct) corr[s][c] += err;
                    resolve = true;
                }
            }
        }
        return resolve;
    };

    bool gap_mode = false;
    for (int iter = 0;; ++iter) {
        const std::vector<Row> rows = build_rows();
        Solve sol;
        if (!gap_mode) {
            sol = solve_milp(objective_cost, groups, rows, false, false, 0.0, opt.time_limit_s);
            ++res.solves;
            if (sol.outcome == Solve::Outcome::Infeasible) gap_mode = true;
        }
        if (gap_mode) {
            const Solve s1 = solve_milp(objective_cost, groups, rows, true, true, 0.0, opt.time_limit_s);
            ++res.solves;
            if (s1.outcome == Solve::Outcome::Infeasible) throw ModelError("least-cost plan: the gap model is infeasible (solver error)");
            if (s1.x.empty()) {
                res.status = PlanStatus::NotSolved;
                return res;
            }
            const double zstar = std::accumulate(s1.gap_rel.begin(), s1.gap_rel.end(), 0.0);
            sol = solve_milp(objective_cost, groups, rows, true, false, zstar * (1.0 + 1e-7) + 1e-9, opt.time_limit_s);
            ++res.solves;
            if (sol.x.empty()) sol = s1;  // cost stage stopped without a plan: keep the least-gap plan
        }
        if (sol.x.empty()) {
            res.status = PlanStatus::NotSolved;
            return res;
        }
        res.status = sol.outcome == Solve::Outcome::Optimal ? (gap_mode ? PlanStatus::GapMinimised : PlanStatus::Optimal)
                                                            : PlanStatus::NotSolved;
        res.chosen.clear();
        for (std::size_t j = 0; j < nm; ++j)
            if (sol.x[j]) res.chosen.push_back(j);

        // Full re-evaluation with the measures applied together.
        if (!record(evaluate(apply_plan(base, cands, res.chosen)), true) || iter >= opt.max_corrections) break;
        ++res.corrections;
    }

    // Pruning. Where measures interact favourably (an outfall connected to a plant that is also upgraded: the linear
    // sum counts the connected water at the old effluent concentration), the linear model is conservative and may keep
    // a measure the full model does not need. Most expensive first, a chosen measure is dropped if, re-evaluated in
    // full without it, no target is newly missed and no remaining gap grows.
    if (!res.chosen.empty()) {
        std::vector<std::size_t> order = res.chosen;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
        for (std::size_t j : order) {
            std::vector<std::size_t> trial;
            for (std::size_t i : res.chosen)
                if (i != j) trial.push_back(i);
            const Evaluation ev = evaluate(apply_plan(base, cands, trial));
            bool ok = true;
            for (std::size_t s = 0; s < ns && ok; ++s)
                for (int c = 0; c < kNumConstituents && ok; ++c) {
                    const auto& t = res.sections[s].c[c];
                    ok = ev.sections[s].conc_mgL[c] <= std::max(t.limit_mgL, t.verified_mgL) + opt.tolerance_rel * t.limit_mgL;
                }
            if (!ok) continue;
            res.chosen = trial;
            ++res.pruned;
            record(ev, false);
        }
    }
    res.invest_wan = res.annual_wan = 0.0;
    for (std::size_t j : res.chosen) {
        res.invest_wan += cands[j].measure.invest_wan;
        res.annual_wan += cands[j].measure.annual_wan;
    }
    res.cost_wan = res.invest_wan + F * res.annual_wan;
    return res;
}

}  // namespace qingliu::scenarios
