#include "optimize/optimize.hpp"

#include "optimize/milp.hpp"
#include "optimize/plan_search.hpp"

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

std::vector<Measure> scenario_measures(const std::vector<Scenario>& scenarios) {
    std::vector<Measure> all;
    std::set<std::string> seen;
    for (const auto& s : scenarios)
        for (const auto& m : s.measures)
            if (seen.insert(m.id).second) all.push_back(m);
    return all;
}

namespace {

// The measures named by ids (measure ids, or scenario ids for all their measures), each once, in the order named.
std::vector<Measure> named_measures(const std::vector<Scenario>& scenarios, const std::vector<Measure>& all,
                                    const std::vector<std::string>& ids, const std::string& case_file) {
    std::vector<Measure> chosen;
    Problems probs;
    std::set<std::string> picked;
    for (const auto& id : ids) {
        std::vector<const Measure*> named;  // the measure with this id, then the measures of the scenario with it
        for (const auto& m : all)
            if (m.id == id) named.push_back(&m);
        bool scenario_id = false;
        for (const auto& s : scenarios)
            if (s.id == id) {
                scenario_id = true;
                for (const auto& m : s.measures) named.push_back(&m);
            }
        if (named.empty() && !scenario_id)
            probs.add(case_file, "", "--scenario-measures", id, "no measure or scenario with this id");
        for (const Measure* m : named)
            if (picked.insert(m->id).second) chosen.push_back(*m);
    }
    probs.throw_if_any("candidate measures");
    return chosen;
}

// Each level group (comma-separated candidate ids) made one group of exclusive levels.
void group_levels(std::vector<Candidate>& c, const std::vector<std::string>& levels) {
    Problems probs;
    for (const auto& g : levels) {
        std::vector<std::string> ids;
        std::string cur;
        for (char ch : g + ",") {
            if (ch == ',') {
                if (!cur.empty()) ids.push_back(cur);
                cur.clear();
            } else {
                cur += ch;
            }
        }
        for (const auto& id : ids) {
            bool found = false;
            for (auto& x : c)
                if (x.measure.id == id) {
                    x.group = "levels:" + g;
                    found = true;
                }
            if (!found) probs.add("", "", "--levels", id, "not a candidate measure");
        }
    }
    probs.throw_if_any("level groups");
}

}  // namespace

std::vector<Candidate> plan_candidates(const std::vector<Scenario>& scenarios, const std::vector<std::string>& ids,
                                       const std::vector<std::string>& levels, const std::string& case_file,
                                       std::vector<DroppedMeasure>& left_out) {
    const std::vector<Measure> all = scenario_measures(scenarios);
    const bool everything = ids.empty() || (ids.size() == 1 && ids[0] == "all");
    std::vector<Candidate> c = candidates_from(everything ? all : named_measures(scenarios, all, ids, case_file), left_out);
    group_levels(c, levels);
    return c;
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

// The concentration of every constituent at every section, target t = s x kNumConstituents + c.
std::vector<double> section_concentrations(const Evaluation& e) {
    std::vector<double> v;
    v.reserve(e.sections.size() * kNumConstituents);
    for (const auto& x : e.sections)
        for (int c = 0; c < kNumConstituents; ++c) v.push_back(x.conc_mgL[c]);
    return v;
}

// Every section's target for every constituent: the limit of its target class less the margin of safety.
std::vector<plan_search::Target> section_targets(const CaseModel& m, double mos_fraction) {
    std::vector<plan_search::Target> tg;
    for (std::size_t s = 0; s < m.sections.size(); ++s)
        for (auto c : kConstituents) {
            const double limit = m.classes.limit(key(c), m.sections[s].water_body, m.sections[s].target_class);
            tg.push_back({s, idx(c), limit, limit * (1.0 - mos_fraction)});
        }
    return tg;
}

// The outcome at every section in every condition: the baseline's classes and concentrations, the search's fit and,
// where a plan was evaluated, the plan's classes.
std::vector<std::vector<SectionOutcome>> section_outcomes(const std::vector<Evaluation>& e0, const std::vector<Evaluation>& planned,
                                                          const std::vector<plan_search::Target>& tg, const plan_search::Search& found) {
    std::vector<std::vector<SectionOutcome>> out(e0.size());
    for (std::size_t k = 0; k < e0.size(); ++k) {
        const std::size_t ns = e0[k].sections.size();
        out[k].resize(ns);
        for (std::size_t s = 0; s < ns; ++s) {
            out[k][s].baseline_cls = e0[k].sections[s].cls;
            if (found.evaluated) out[k][s].plan_cls = planned[k].sections[s].cls;
            for (int c = 0; c < kNumConstituents; ++c) {
                const std::size_t t = s * kNumConstituents + c;
                const plan_search::Fit& f = found.fit[k][t];
                auto& o = out[k][s].c[c];
                o.limit_mgL = tg[t].limit;
                o.target_mgL = tg[t].goal;
                o.baseline_mgL = e0[k].sections[s].conc_mgL[c];
                o.best_mgL = f.best;
                o.reachable = f.reachable;
                if (!found.evaluated) continue;
                o.predicted_mgL = f.predicted;
                o.verified_mgL = f.verified;
                o.margin_mgL = o.limit_mgL - o.verified_mgL;
                o.gap_mgL = f.gap;
            }
        }
    }
    return out;
}

}  // namespace

OptimizeResult optimize(const CaseModel& base_in, const std::vector<Candidate>& cands, const OptimizeOptions& opt,
                        const std::vector<DesignCondition>& conditions_in) {
    const std::vector<CaseModel> bases = plan_search::condition_cases(base_in, conditions_in);
    const std::size_t nk = bases.size(), ns = base_in.sections.size();
    std::vector<Evaluation> e0(nk);
    std::vector<std::vector<double>> v0(nk);
    for (std::size_t k = 0; k < nk; ++k) {
        e0[k] = evaluate(bases[k]);
        v0[k] = section_concentrations(e0[k]);
    }
    const std::vector<plan_search::Target> tg = section_targets(base_in, opt.mos_fraction);
    const plan_search::Search found = plan_search::search(
        bases, v0, tg, cands, opt, [](const CaseModel& m) { return section_concentrations(evaluate(m)); }, "least-cost plan");
    OptimizeResult res;
    static_cast<PlanOutcome&>(res) = found.plan;
    if (!found.solved) res.status = PlanStatus::NotSolved;
    res.response_mgL.assign(cands.size(), std::vector<PerConstituent>(ns, PerConstituent{}));
    for (std::size_t j = 0; j < cands.size(); ++j)
        for (std::size_t s = 0; s < ns; ++s)
            for (int c = 0; c < kNumConstituents; ++c) res.response_mgL[j][s][c] = found.response[0][j][s * kNumConstituents + c];
    // the plan's classes in every condition (its values are the search's last full evaluation)
    std::vector<Evaluation> planned(nk);
    if (found.evaluated)
        tbb::parallel_for(std::size_t(0), nk, [&](std::size_t k) { planned[k] = evaluate(apply_plan(bases[k], cands, res.chosen)); });
    res.condition_sections = section_outcomes(e0, planned, tg, found);
    res.sections = res.condition_sections.front();
    return res;
}

}  // namespace qingliu::scenarios
