#include "optimize/optimize.hpp"

#include "optimize/milp.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <limits>
#include <numeric>
#include <set>

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

}  // namespace

namespace milp {

namespace {
struct CbcDeleter {
    void operator()(Cbc_Model* m) const { Cbc_deleteModel(m); }
};
using CbcPtr = std::unique_ptr<Cbc_Model, CbcDeleter>;

}  // namespace

Solve solve_milp(const std::vector<double>& cost, const std::vector<std::vector<int>>& groups, const std::vector<Row>& rows,
                 const std::vector<std::pair<int, int>>& pairs, bool gap_mode, bool minimise_gap, double gap_cap,
                 double time_limit_s) {
    Solve out;
    const int nx = static_cast<int>(cost.size());
    const int n = nx + static_cast<int>(pairs.size());  // x, then y
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
    for (int j = 0; j < nx; ++j) {
        const std::string name = std::string(1, 'x').append(std::to_string(j));
        Cbc_addCol(m.get(), name.c_str(), 0.0, 1.0, (gap_mode && minimise_gap) ? 0.0 : cost[j], 1, 0, nullptr, nullptr);
    }
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        const std::string name = std::string(1, 'y').append(std::to_string(p));
        Cbc_addCol(m.get(), name.c_str(), 0.0, 1.0, 0.0, 0, 0, nullptr, nullptr);
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
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        const int y = nx + static_cast<int>(p), a = pairs[p].first, b = pairs[p].second;
        const std::string k = std::to_string(p);
        int c1[2] = {y, a}, c3[3] = {y, a, b};
        double v1[2] = {1.0, -1.0}, v3[3] = {1.0, -1.0, -1.0};
        Cbc_addRow(m.get(), ("ya" + k).c_str(), 2, c1, v1, 'L', 0.0);
        c1[1] = b;
        Cbc_addRow(m.get(), ("yb" + k).c_str(), 2, c1, v1, 'L', 0.0);
        Cbc_addRow(m.get(), ("yab" + k).c_str(), 3, c3, v3, 'G', -1.0);
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
    out.x.resize(nx);
    for (int j = 0; j < nx; ++j) out.x[j] = sol[j] > 0.5 ? 1 : 0;
    if (gap_mode) {
        out.gap_rel.resize(nr);
        for (int r = 0; r < nr; ++r) out.gap_rel[r] = std::max(0.0, sol[n + r]);
    }
    out.objective = Cbc_getObjValue(m.get());
    return out;
}

}  // namespace milp

namespace {
using milp::Row;
using milp::Solve;
using milp::solve_milp;
}  // namespace

std::vector<Candidate> candidates_from(const std::vector<Measure>& measures, std::vector<DroppedMeasure>& left_out) {
    std::vector<Candidate> out;
    std::map<std::string, std::size_t> seen;
    std::map<std::string, std::vector<std::size_t>> by_key;
    std::set<std::string> conditions;
    for (const auto& x : measures) {
        if (x.kind == MeasureKind::Conditions) {
            if (conditions.insert(x.id).second)
                left_out.push_back({x.id, x.name,
                                    "a design condition (flows, temperature), not an intervention: the plan is checked in it",
                                    "设计条件（流量、水温），不是治理措施：方案在该条件下校核"});
            continue;
        }
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

std::vector<Candidate> candidates_from(const std::vector<Measure>& measures) {
    std::vector<DroppedMeasure> ignored;
    return candidates_from(measures, ignored);
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

namespace {

// The least-cost plan over the linear response (see optimize.hpp): the model, the MILP solved against it and
// corrected by full evaluations, and the pruning of measures the full model does not need.
class PlanSearch {
public:
    PlanSearch(const CaseModel& base_in, const std::vector<Candidate>& cands, const OptimizeOptions& opt,
               const std::vector<DesignCondition>& conditions_in)
        : base_in_(base_in), cands_(cands), opt_(opt), conds_(conditions_in) {
        if (conds_.empty()) conds_.push_back(DesignCondition{"design", "设计条件", "design condition", "the case as given", "案例原样", {}});
        nk_ = conds_.size();
        ns_ = base_in.sections.size();
        nm_ = cands.size();
    }

    OptimizeResult run() {
        responses();
        res_.response_mgL = resp_[0];
        interactions();
        res_.interacting_pairs = pairs_.size();
        make_groups();
        costs();
        baseline_outcomes();
        corr_.assign(nk_, std::vector<PerConstituent>(ns_, PerConstituent{}));
        if (!solve_corrected()) {
            res_.status = PlanStatus::NotSolved;
            res_.sections = res_.condition_sections.front();
            return res_;
        }
        prune();
        res_.invest_wan = res_.annual_wan = 0.0;
        for (std::size_t j : res_.chosen) {
            res_.invest_wan += cands_[j].measure.invest_wan;
            res_.annual_wan += cands_[j].measure.annual_wan;
        }
        res_.cost_wan = res_.invest_wan + F_ * res_.annual_wan;
        res_.sections = res_.condition_sections.front();
        return res_;
    }

private:
    // Target limits and, per condition, the baseline and the response of each candidate alone.
    void responses() {
        bases_.reserve(nk_);
        for (const auto& d : conds_) bases_.push_back(in_condition(base_in_, d));
        e0_.resize(nk_);
        for (std::size_t k = 0; k < nk_; ++k) e0_[k] = evaluate(bases_[k]);
        limit_.resize(ns_);
        target_.resize(ns_);
        for (std::size_t s = 0; s < ns_; ++s)
            for (auto c : kConstituents) {
                limit_[s][idx(c)] = base_in_.classes.limit(key(c), base_in_.sections[s].water_body, base_in_.sections[s].target_class);
                target_[s][idx(c)] = limit_[s][idx(c)] * (1.0 - opt_.mos_fraction);
            }
        c0_.assign(nk_, std::vector<PerConstituent>(ns_));
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t s = 0; s < ns_; ++s) c0_[k][s] = e0_[k].sections[s].conc_mgL;
        resp_.assign(nk_, std::vector<std::vector<PerConstituent>>(nm_, std::vector<PerConstituent>(ns_, PerConstituent{})));
        tbb::parallel_for(std::size_t(0), nk_ * nm_, [&](std::size_t kj) {
            const std::size_t k = kj / nm_, j = kj % nm_;
            CaseModel m = bases_[k];
            apply_measure(m, cands_[j].measure);
            const Evaluation e = evaluate(m);
            for (std::size_t s = 0; s < ns_; ++s)
                for (int c = 0; c < kNumConstituents; ++c) resp_[k][j][s][c] = e.sections[s].conc_mgL[c] - c0_[k][s][c];
        });
    }

    // Pair interactions: for two measures i, j (not levels of one choice) in condition k,
    //     D_kij = C_k(i and j) - C_k(i) - C_k(j) + C_k(base),
    // zero where they superpose (load cuts on different sources), non-zero where they interact (an outfall connected
    // to a plant that is also upgraded, a transfer diluting what another measure cut). Pairs with any |D| above
    // 1e-9 of the limit enter the model through y_ij = x_i x_j, so the linear model is exact to second order.
    void interactions() {
        std::vector<std::pair<int, int>> all_pairs;
        for (std::size_t i = 0; i < nm_; ++i)
            for (std::size_t j = i + 1; j < nm_; ++j)
                if (cands_[i].group.empty() || cands_[i].group != cands_[j].group) all_pairs.emplace_back(static_cast<int>(i), static_cast<int>(j));
        pair_d_.assign(nk_, std::vector<std::vector<PerConstituent>>(all_pairs.size(), std::vector<PerConstituent>(ns_, PerConstituent{})));
        tbb::parallel_for(std::size_t(0), nk_ * all_pairs.size(), [&](std::size_t kp) {
            const std::size_t k = kp / all_pairs.size(), p = kp % all_pairs.size();
            const auto [i, j] = all_pairs[p];
            CaseModel m = bases_[k];
            apply_measure(m, cands_[i].measure);
            apply_measure(m, cands_[j].measure);
            const Evaluation e = evaluate(m);
            for (std::size_t s = 0; s < ns_; ++s)
                for (int c = 0; c < kNumConstituents; ++c)
                    pair_d_[k][p][s][c] = e.sections[s].conc_mgL[c] - c0_[k][s][c] - resp_[k][i][s][c] - resp_[k][j][s][c];
        });
        for (std::size_t p = 0; p < all_pairs.size(); ++p) {
            bool keep = false;
            for (std::size_t k = 0; k < nk_ && !keep; ++k)
                for (std::size_t s = 0; s < ns_ && !keep; ++s)
                    for (int c = 0; c < kNumConstituents && !keep; ++c) keep = std::abs(pair_d_[k][p][s][c]) > 1e-9 * limit_[s][c];
            if (keep) {
                pairs_.push_back(all_pairs[p]);
                pair_index_.push_back(p);
            }
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

    // Per condition, section and state variable: limit, target, baseline and the best the candidates can reach.
    void baseline_outcomes() {
        res_.condition_sections.assign(nk_, std::vector<SectionOutcome>(ns_));
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t s = 0; s < ns_; ++s) {
                res_.condition_sections[k][s].baseline_cls = e0_[k].sections[s].cls;
                for (int c = 0; c < kNumConstituents; ++c) {
                    auto& t = res_.condition_sections[k][s].c[c];
                    t.limit_mgL = limit_[s][c];
                    t.target_mgL = target_[s][c];
                    t.baseline_mgL = c0_[k][s][c];
                    double best = c0_[k][s][c];
                    for (const auto& g : groups_) {
                        double lo = 0.0;
                        for (int j : g) lo = std::min(lo, resp_[k][j][s][c]);
                        best += lo;
                    }
                    t.best_mgL = best;
                    t.reachable = best <= target_[s][c] + opt_.tolerance_rel * limit_[s][c];
                }
            }
    }

    // Rows, scaled by 1/limit; coefficients below 1e-12 of the limit are dropped.
    std::vector<Row> build_rows() const {
        std::vector<Row> rows;
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t s = 0; s < ns_; ++s)
                for (int c = 0; c < kNumConstituents; ++c) {
                    const double L = limit_[s][c];
                    if (!(L > 0.0)) continue;
                    Row r{s, c, {}, {}, (target_[s][c] - c0_[k][s][c] - corr_[k][s][c]) / L};
                    for (std::size_t j = 0; j < nm_; ++j) {
                        const double d = resp_[k][j][s][c] / L;
                        if (std::abs(d) > 1e-12) {
                            r.cols.push_back(static_cast<int>(j));
                            r.coef.push_back(d);
                        }
                    }
                    for (std::size_t q = 0; q < pairs_.size(); ++q) {
                        const double d = pair_d_[k][pair_index_[q]][s][c] / L;
                        if (std::abs(d) > 1e-12) {
                            r.cols.push_back(static_cast<int>(nm_ + q));
                            r.coef.push_back(d);
                        }
                    }
                    rows.push_back(std::move(r));
                }
        return rows;
    }

    std::vector<Evaluation> evaluate_plan(const std::vector<std::size_t>& chosen) const {
        std::vector<Evaluation> ev(nk_);
        tbb::parallel_for(std::size_t(0), nk_, [&](std::size_t k) { ev[k] = evaluate(apply_plan(bases_[k], cands_, chosen)); });
        return ev;
    }

    bool chosen(int j) const {
        return std::find(res_.chosen.begin(), res_.chosen.end(), static_cast<std::size_t>(j)) != res_.chosen.end();
    }

    // Fills the outcome of the plan res.chosen from its full evaluation in every condition; with `correct`, adds the
    // linear model's error to the correction of every target missed although the linear model met it, and returns
    // true if it did.
    bool record(const std::vector<Evaluation>& ev, bool correct) {
        bool resolve = false;
        res_.max_linear_error_mgL = 0.0;
        res_.total_gap_rel = 0.0;
        res_.verified_ok = true;
        for (std::size_t k = 0; k < nk_; ++k)
            for (std::size_t s = 0; s < ns_; ++s) {
                res_.condition_sections[k][s].plan_cls = ev[k].sections[s].cls;
                for (int c = 0; c < kNumConstituents; ++c) {
                    auto& t = res_.condition_sections[k][s].c[c];
                    double pred = c0_[k][s][c];
                    for (std::size_t j : res_.chosen) pred += resp_[k][j][s][c];
                    for (std::size_t q = 0; q < pairs_.size(); ++q)
                        if (chosen(pairs_[q].first) && chosen(pairs_[q].second)) pred += pair_d_[k][pair_index_[q]][s][c];
                    t.predicted_mgL = pred;
                    t.verified_mgL = ev[k].sections[s].conc_mgL[c];
                    t.margin_mgL = t.limit_mgL - t.verified_mgL;
                    const double tol = opt_.tolerance_rel * t.limit_mgL;
                    t.gap_mgL = t.verified_mgL > t.target_mgL + tol ? t.verified_mgL - t.target_mgL : 0.0;
                    if (t.limit_mgL > 0.0) res_.total_gap_rel += t.gap_mgL / t.limit_mgL;
                    const double err = t.verified_mgL - pred;
                    res_.max_linear_error_mgL = std::max(res_.max_linear_error_mgL, std::abs(err));
                    // missed although the linear model had it within its target (strict) or within its planned gap
                    if (t.verified_mgL > std::max(t.target_mgL, pred) + tol && err > tol) {
                        res_.verified_ok = false;
                        if (correct) corr_[k][s][c] += err;
                        resolve = true;
                    }
                }
            }
        return resolve;
    }

    // The MILP against the linear model, re-solved with corrections while the full evaluation misses what the
    // linear model met; when every target cannot be met, the least total gap first, then the least cost at that gap.
    // False when the solver stopped without a plan.
    bool solve_corrected() {
        bool gap_mode = false;
        for (int iter = 0;; ++iter) {
            const std::vector<Row> rows = build_rows();
            Solve sol;
            if (!gap_mode) {
                sol = solve_milp(objective_cost_, groups_, rows, pairs_, false, false, 0.0, opt_.time_limit_s);
                ++res_.solves;
                if (sol.outcome == Solve::Outcome::Infeasible) gap_mode = true;
            }
            if (gap_mode) {
                const Solve s1 = solve_milp(objective_cost_, groups_, rows, pairs_, true, true, 0.0, opt_.time_limit_s);
                ++res_.solves;
                if (s1.outcome == Solve::Outcome::Infeasible) throw ModelError("least-cost plan: the gap model is infeasible (solver error)");
                if (s1.x.empty()) return false;
                const double zstar = std::accumulate(s1.gap_rel.begin(), s1.gap_rel.end(), 0.0);
                sol = solve_milp(objective_cost_, groups_, rows, pairs_, true, false, zstar * (1.0 + 1e-7) + 1e-9, opt_.time_limit_s);
                ++res_.solves;
                if (sol.x.empty()) sol = s1;  // cost stage stopped without a plan: keep the least-gap plan
            }
            if (sol.x.empty()) return false;
            res_.status = sol.outcome == Solve::Outcome::Optimal ? (gap_mode ? PlanStatus::GapMinimised : PlanStatus::Optimal)
                                                                 : PlanStatus::NotSolved;
            res_.chosen.clear();
            for (std::size_t j = 0; j < nm_; ++j)
                if (sol.x[j]) res_.chosen.push_back(j);
            // Full re-evaluation with the measures applied together, in every condition.
            if (!record(evaluate_plan(res_.chosen), true) || iter >= opt_.max_corrections) return true;
            ++res_.corrections;
        }
    }

    // Pruning. Where measures interact favourably (an outfall connected to a plant that is also upgraded: the linear
    // sum counts the connected water at the old effluent concentration), the linear model is conservative and may keep
    // a measure the full model does not need. Most expensive first, a chosen measure is dropped if, re-evaluated in
    // full in every condition without it, no target is newly missed and no remaining gap grows.
    void prune() {
        if (res_.chosen.empty()) return;
        std::vector<std::size_t> order = res_.chosen;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost_[a] > cost_[b]; });
        for (std::size_t j : order) {
            std::vector<std::size_t> trial;
            for (std::size_t i : res_.chosen)
                if (i != j) trial.push_back(i);
            const std::vector<Evaluation> ev = evaluate_plan(trial);
            bool ok = true;
            for (std::size_t k = 0; k < nk_ && ok; ++k)
                for (std::size_t s = 0; s < ns_ && ok; ++s)
                    for (int c = 0; c < kNumConstituents && ok; ++c) {
                        const auto& t = res_.condition_sections[k][s].c[c];
                        ok = ev[k].sections[s].conc_mgL[c] <= std::max(t.target_mgL, t.verified_mgL) + opt_.tolerance_rel * t.limit_mgL;
                    }
            if (!ok) continue;
            res_.chosen = trial;
            ++res_.pruned;
            const auto& x = cands_[j].measure;
            char saved[64];
            std::snprintf(saved, sizeof saved, "%.0f", cost_[j]);
            res_.dropped.push_back({x.id, x.name,
                                    std::string("chosen by the linear response, but the full model meets every target in every "
                                                "condition without it (saves ") + saved + " x 10^4 yuan)",
                                    std::string("线性响应选中，但整体复算在所有设计条件下不需要它即可达标（节省") + saved + "万元）"});
            record(ev, false);
        }
    }

    const CaseModel& base_in_;
    const std::vector<Candidate>& cands_;
    const OptimizeOptions& opt_;
    std::vector<DesignCondition> conds_;
    std::size_t nk_ = 0, ns_ = 0, nm_ = 0;
    OptimizeResult res_;
    std::vector<CaseModel> bases_;
    std::vector<Evaluation> e0_;
    std::vector<PerConstituent> limit_, target_;
    std::vector<std::vector<PerConstituent>> c0_, corr_;                 // [k][s]
    std::vector<std::vector<std::vector<PerConstituent>>> resp_, pair_d_;  // [k][j][s], [k][pair][s]
    std::vector<std::pair<int, int>> pairs_;                             // interacting pairs
    std::vector<std::size_t> pair_index_;                                // of each interacting pair among all pairs
    std::vector<std::vector<int>> groups_;
    double F_ = 1.0;
    std::vector<double> cost_, objective_cost_;
};

}  // namespace

OptimizeResult optimize(const CaseModel& base_in, const std::vector<Candidate>& cands, const OptimizeOptions& opt,
                        const std::vector<DesignCondition>& conditions_in) {
    return PlanSearch(base_in, cands, opt, conditions_in).run();
}

}  // namespace qingliu::scenarios
