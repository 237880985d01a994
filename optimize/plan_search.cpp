#include "optimize/plan_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>

#include <tbb/parallel_for.h>

#include "optimize/milp.hpp"

namespace qingliu::scenarios::plan_search {

namespace {

using Table = std::vector<std::vector<double>>;  // [k][t]

class PlanSearch {
public:
    PlanSearch(const std::vector<CaseModel>& bases, const Table& v0, const std::vector<Target>& tg, const std::vector<Candidate>& cands,
               const OptimizeOptions& opt, const Values& values, const char* what)
        : bases_(bases), v0_(v0), tg_(tg), cands_(cands), opt_(opt), values_(values), what_(what), nk_(bases.size()),
          nt_(tg.size()), nm_(cands.size()) {}

    Search run() {
        responses();
        interactions();
        res_.plan.interacting_pairs = pairs_.size();
        make_groups();
        costs();
        best_reachable();
        corr_.assign(nk_, std::vector<double>(nt_, 0.0));
        if (!solve_corrected()) return std::move(res_);
        res_.solved = true;
        prune();
        auto& p = res_.plan;
        p.invest_wan = p.annual_wan = 0.0;
        for (std::size_t j : p.chosen) {
            p.invest_wan += cands_[j].measure.invest_wan;
            p.annual_wan += cands_[j].measure.annual_wan;
        }
        p.cost_wan = p.invest_wan + F_ * p.annual_wan;
        return std::move(res_);
    }

private:
    // Per condition, the response of every target to each candidate alone: D_kmt = V_k(base with m) - V_k(base).
    void responses() {
        auto& resp = res_.response;
        resp.assign(nk_, Table(nm_));
        tbb::parallel_for(std::size_t(0), nk_ * nm_, [&](std::size_t kj) {
            const std::size_t k = kj / nm_, j = kj % nm_;
            CaseModel m = bases_[k];
            apply_measure(m, cands_[j].measure);
            const std::vector<double> v = values_(m);
            resp[k][j].resize(nt_);
            for (std::size_t t = 0; t < nt_; ++t) resp[k][j][t] = v[t] - v0_[k][t];
        });
    }

    // Pair interactions: for two measures i, j (not levels of one choice) in condition k,
    //     D_kij = V_k(i and j) - V_k(i) - V_k(j) + V_k(base),
    // zero where they superpose (load cuts on different sources), non-zero where they interact (an outfall connected
    // to a plant that is also upgraded, a transfer diluting what another measure cut). Pairs with any |D| above
    // 1e-9 of the limit enter the model through y_ij = x_i x_j, so the linear model is exact to second order.
    void interactions() {
        const auto& resp = res_.response;
        std::vector<std::pair<int, int>> all_pairs;
        for (std::size_t i = 0; i < nm_; ++i)
            for (std::size_t j = i + 1; j < nm_; ++j)
                if (cands_[i].group.empty() || cands_[i].group != cands_[j].group) all_pairs.emplace_back(static_cast<int>(i), static_cast<int>(j));
        std::vector<Table> d(nk_, Table(all_pairs.size()));
        tbb::parallel_for(std::size_t(0), nk_ * all_pairs.size(), [&](std::size_t kp) {
            const std::size_t k = kp / all_pairs.size(), p = kp % all_pairs.size();
            const auto [i, j] = all_pairs[p];
            CaseModel m = bases_[k];
            apply_measure(m, cands_[i].measure);
            apply_measure(m, cands_[j].measure);
            const std::vector<double> v = values_(m);
            d[k][p].resize(nt_);
            for (std::size_t t = 0; t < nt_; ++t) d[k][p][t] = v[t] - v0_[k][t] - resp[k][i][t] - resp[k][j][t];
        });
        pair_d_.assign(nk_, {});
        for (std::size_t p = 0; p < all_pairs.size(); ++p) {
            bool keep = false;
            for (std::size_t k = 0; k < nk_ && !keep; ++k)
                for (std::size_t t = 0; t < nt_ && !keep; ++t) keep = std::abs(d[k][p][t]) > 1e-9 * tg_[t].limit;
            if (!keep) continue;
            pairs_.push_back(all_pairs[p]);
            for (std::size_t k = 0; k < nk_; ++k) pair_d_[k].push_back(std::move(d[k][p]));
        }
    }

    // Groups of exclusive levels (singletons for ungrouped candidates).
    void make_groups() {
        std::map<std::string, std::size_t> gi;
        for (std::size_t j = 0; j < nm_; ++j) {
            if (cands_[j].group.empty()) {
                groups_.push_back({static_cast<int>(j)});
                continue;
            }
            auto [it, fresh] = gi.emplace(cands_[j].group, groups_.size());
            if (fresh) groups_.emplace_back();
            groups_[it->second].push_back(static_cast<int>(j));
        }
    }

    void costs() {
        F_ = annual_cost_factor(opt_);
        cost_.resize(nm_);
        for (std::size_t j = 0; j < nm_; ++j) cost_[j] = cands_[j].measure.invest_wan + F_ * cands_[j].measure.annual_wan;
        // Ties (e.g. measures without cost) go to the plan with fewer measures: each measure adds 1e-9 of the largest
        // cost (or 1e-9 when nothing costs anything), far below any cost difference in the data.
        const double tie = 1e-9 * std::max(1.0, cost_.empty() ? 1.0 : *std::max_element(cost_.begin(), cost_.end()));
        objective_cost_ = cost_;
        for (auto& c : objective_cost_) c += tie;
    }

    // Per condition and target, the best the candidates can reach: the baseline plus, in every group, the level that
    // lowers the value most (exact under the linear response).
    void best_reachable() {
        res_.fit.assign(nk_, std::vector<Fit>(nt_));
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t t = 0; t < nt_; ++t) {
                double best = v0_[k][t];
                for (const auto& g : groups_) {
                    double lo = 0.0;
                    for (int j : g) lo = std::min(lo, res_.response[k][j][t]);
                    best += lo;
                }
                res_.fit[k][t].best = best;
                res_.fit[k][t].reachable = best <= tg_[t].goal + opt_.tolerance_rel * tg_[t].limit;
            }
    }

    // Rows, scaled by 1/limit; coefficients below 1e-12 of the limit are dropped.
    std::vector<milp::Row> build_rows() const {
        std::vector<milp::Row> rows;
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t t = 0; t < nt_; ++t) {
                const double L = tg_[t].limit;
                if (!(L > 0.0)) continue;
                milp::Row r{tg_[t].section, tg_[t].item, {}, {}, (tg_[t].goal - v0_[k][t] - corr_[k][t]) / L};
                for (std::size_t j = 0; j < nm_; ++j) {
                    const double d = res_.response[k][j][t] / L;
                    if (std::abs(d) > 1e-12) {
                        r.cols.push_back(static_cast<int>(j));
                        r.coef.push_back(d);
                    }
                }
                for (std::size_t q = 0; q < pairs_.size(); ++q) {
                    const double d = pair_d_[k][q][t] / L;
                    if (std::abs(d) > 1e-12) {
                        r.cols.push_back(static_cast<int>(nm_ + q));
                        r.coef.push_back(d);
                    }
                }
                rows.push_back(std::move(r));
            }
        return rows;
    }

    // The signed values of the plan `chosen`, evaluated in full in every condition.
    Table evaluate_plan(const std::vector<std::size_t>& chosen) const {
        Table v(nk_);
        tbb::parallel_for(std::size_t(0), nk_, [&](std::size_t k) { v[k] = values_(apply_plan(bases_[k], cands_, chosen)); });
        return v;
    }

    bool chosen(int j) const {
        const auto& c = res_.plan.chosen;
        return std::find(c.begin(), c.end(), static_cast<std::size_t>(j)) != c.end();
    }

    // Fills the fit of the plan res.chosen from its full evaluation in every condition; with `correct`, adds the
    // linear model's error to the correction of every target missed although the linear model met it, and returns
    // true if it did.
    bool record(const Table& v, bool correct) {
        auto& p = res_.plan;
        bool resolve = false;
        p.max_linear_error_mgL = 0.0;
        p.total_gap_rel = 0.0;
        p.verified_ok = true;
        res_.evaluated = true;
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t t = 0; t < nt_; ++t) {
                double pred = v0_[k][t];
                for (std::size_t j : p.chosen) pred += res_.response[k][j][t];
                for (std::size_t q = 0; q < pairs_.size(); ++q)
                    if (chosen(pairs_[q].first) && chosen(pairs_[q].second)) pred += pair_d_[k][q][t];
                Fit& f = res_.fit[k][t];
                f.predicted = pred;
                f.verified = v[k][t];
                const double tol = opt_.tolerance_rel * tg_[t].limit, goal = tg_[t].goal;
                f.gap = f.verified > goal + tol ? f.verified - goal : 0.0;
                if (tg_[t].limit > 0.0) p.total_gap_rel += f.gap / tg_[t].limit;
                const double err = f.verified - pred;
                p.max_linear_error_mgL = std::max(p.max_linear_error_mgL, std::abs(err));
                // missed although the linear model had it within its target (strict) or within its planned gap
                if (f.verified > std::max(goal, pred) + tol && err > tol) {
                    p.verified_ok = false;
                    if (correct) corr_[k][t] += err;
                    resolve = true;
                }
            }
        return resolve;
    }

    // One MILP against the linear model; when every target cannot be met, the least total gap first, then the least
    // cost at that gap (gap_mode is set on the first infeasible solve and stays).
    milp::Solve solve_once(bool& gap_mode) {
        const std::vector<milp::Row> rows = build_rows();
        auto& p = res_.plan;
        milp::Solve sol;
        if (!gap_mode) {
            sol = milp::solve_milp(objective_cost_, groups_, rows, pairs_, false, false, 0.0, opt_.time_limit_s);
            ++p.solves;
            if (sol.outcome == milp::Solve::Outcome::Infeasible) gap_mode = true;
        }
        if (gap_mode) {
            const milp::Solve s1 = milp::solve_milp(objective_cost_, groups_, rows, pairs_, true, true, 0.0, opt_.time_limit_s);
            ++p.solves;
            if (s1.outcome == milp::Solve::Outcome::Infeasible)
                throw ModelError(std::string(what_) + ": the gap model is infeasible (solver error)");
            if (s1.x.empty()) return s1;
            const double zstar = std::accumulate(s1.gap_rel.begin(), s1.gap_rel.end(), 0.0);
            sol = milp::solve_milp(objective_cost_, groups_, rows, pairs_, true, false, zstar * (1.0 + 1e-7) + 1e-9, opt_.time_limit_s);
            ++p.solves;
            if (sol.x.empty()) sol = s1;  // cost stage stopped without a plan: keep the least-gap plan
        }
        return sol;
    }

    // The MILP, re-solved with corrections while the full evaluation misses what the linear model met (at most
    // max_corrections times). False when the solver stopped without a plan.
    bool solve_corrected() {
        bool gap_mode = false;
        auto& p = res_.plan;
        for (int iter = 0;; ++iter) {
            const milp::Solve sol = solve_once(gap_mode);
            if (sol.x.empty()) return false;
            p.status = sol.outcome == milp::Solve::Outcome::Optimal ? (gap_mode ? PlanStatus::GapMinimised : PlanStatus::Optimal)
                                                                    : PlanStatus::NotSolved;
            p.chosen.clear();
            for (std::size_t j = 0; j < nm_; ++j)
                if (sol.x[j]) p.chosen.push_back(j);
            // Full re-evaluation with the measures applied together, in every condition.
            if (!record(evaluate_plan(p.chosen), true) || iter >= opt_.max_corrections) return true;
            ++p.corrections;
        }
    }

    // Pruning. Where measures interact favourably (an outfall connected to a plant that is also upgraded: the linear
    // sum counts the connected water at the old effluent concentration), the linear model is conservative and may keep
    // a measure the full model does not need. Most expensive first, a chosen measure is dropped if, re-evaluated in
    // full in every condition without it, no target is newly missed and no remaining gap grows.
    void prune() {
        auto& p = res_.plan;
        std::vector<std::size_t> order = p.chosen;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost_[a] > cost_[b]; });
        for (std::size_t j : order) {
            std::vector<std::size_t> trial;
            for (std::size_t i : p.chosen)
                if (i != j) trial.push_back(i);
            const Table v = evaluate_plan(trial);
            bool ok = true;
            for (std::size_t k = 0; k < nk_ && ok; ++k)
                for (std::size_t t = 0; t < nt_ && ok; ++t)
                    ok = v[k][t] <= std::max(tg_[t].goal, res_.fit[k][t].verified) + opt_.tolerance_rel * tg_[t].limit;
            if (!ok) continue;
            p.chosen = trial;
            ++p.pruned;
            const auto& x = cands_[j].measure;
            char saved[64];
            std::snprintf(saved, sizeof saved, "%.0f", cost_[j]);
            p.dropped.push_back({x.id, x.name,
                                 std::string("chosen by the linear response, but the full model meets every target in every "
                                             "condition without it (saves ") + saved + " x 10^4 yuan)",
                                 std::string("线性响应选中，但整体复算在所有设计条件下不需要它即可达标（节省") + saved + "万元）"});
            record(v, false);
        }
    }

    const std::vector<CaseModel>& bases_;
    const Table& v0_;
    const std::vector<Target>& tg_;
    const std::vector<Candidate>& cands_;
    const OptimizeOptions& opt_;
    const Values& values_;
    const char* what_;
    const std::size_t nk_, nt_, nm_;
    Search res_;
    Table corr_;                                  // [k][t]
    std::vector<Table> pair_d_;                   // [k][q][t], aligned with pairs_
    std::vector<std::pair<int, int>> pairs_;      // interacting pairs
    std::vector<std::vector<int>> groups_;
    double F_ = 1.0;
    std::vector<double> cost_, objective_cost_;
};

}  // namespace

std::vector<CaseModel> condition_cases(const CaseModel& base, const std::vector<DesignCondition>& conditions) {
    std::vector<DesignCondition> conds = conditions;
    if (conds.empty()) conds.push_back(DesignCondition{"design", "设计条件", "design condition", "the case as given", "案例原样", {}, {}});
    std::vector<CaseModel> out;
    out.reserve(conds.size());
    for (const auto& d : conds) out.push_back(in_condition(base, d));
    return out;
}

Search search(const std::vector<CaseModel>& bases, const std::vector<std::vector<double>>& baseline, const std::vector<Target>& targets,
              const std::vector<Candidate>& candidates, const OptimizeOptions& opt, const Values& values, const char* what) {
    return PlanSearch(bases, baseline, targets, candidates, opt, values, what).run();
}

}  // namespace qingliu::scenarios::plan_search
