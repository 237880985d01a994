#include "optimize/water_quality_optimize.hpp"

#include <tbb/parallel_for.h>

#include <memory>

#include "analyses/water_quality_sweep.hpp"
#include "optimize/plan_search.hpp"

namespace qingliu::scenarios {

namespace {

// One target: section s, item i (index into gb3838_items), sign +1 (maximum) or -1 (DO).
struct Target {
    std::size_t s, i;
    double sign, limit, target;
};

// Every assessed item of every section (limits do not depend on the condition), from the baseline's evaluation: it
// lists the case's chosen items only (WaterQualityOptions::items), as every evaluation of the search does.
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

// The outcome at every section in every condition: the baseline's and (where a plan was evaluated) the plan's
// classes, and every target's fit, unsigned.
std::vector<std::vector<WqPlanSection>> section_outcomes(const std::vector<WaterQualityEvaluation>& e0,
                                                         const std::vector<WaterQualityEvaluation>& planned, const std::vector<Target>& tg,
                                                         const plan_search::Search& found) {
    std::vector<std::vector<WqPlanSection>> out(e0.size());
    for (std::size_t k = 0; k < e0.size(); ++k) {
        out[k].resize(e0[k].sections.size());
        for (std::size_t s = 0; s < out[k].size(); ++s) {
            out[k][s].baseline = e0[k].sections[s].evaluation;
            if (found.evaluated) out[k][s].plan = planned[k].sections[s].evaluation;
        }
        for (std::size_t t = 0; t < tg.size(); ++t) {
            const auto& it = e0[k].sections[tg[t].s].evaluation.items[tg[t].i];
            const plan_search::Fit& f = found.fit[k][t];
            WqTargetOutcome o;
            o.key = it.key;
            o.minimum = it.minimum;
            o.limit_mgL = tg[t].limit;
            o.target_mgL = tg[t].target;
            o.baseline_mgL = it.value_mgL;
            o.reachable = f.reachable;
            if (found.evaluated) {
                o.predicted_mgL = tg[t].sign * f.predicted;
                o.verified_mgL = tg[t].sign * f.verified;
                o.gap_mgL = f.gap;
            }
            out[k][tg[t].s].items.push_back(o);
        }
    }
    return out;
}

}  // namespace

WqOptimizeResult optimize_water_quality(const CaseModel& base_in, const std::vector<Candidate>& cands,
                                        const WaterQualityOptions& wqo, const OptimizeOptions& opt,
                                        const std::vector<DesignCondition>& conditions_in) {
    const std::vector<CaseModel> bases = plan_search::condition_cases(base_in, conditions_in);
    const std::size_t nk = bases.size();
    std::vector<WaterQualityEvaluation> e0(nk);
    tbb::parallel_for(std::size_t(0), nk, [&](std::size_t k) { e0[k] = evaluate_water_quality(bases[k], wqo); });
    const std::vector<Target> tg = targets(e0[0], opt.mos_fraction);
    std::vector<plan_search::Target> rows;
    for (const Target& x : tg) rows.push_back({x.s, static_cast<int>(x.i), x.limit, x.sign * x.target});
    std::vector<std::vector<double>> v0;
    for (std::size_t k = 0; k < nk; ++k) v0.push_back(signed_values(tg, e0[k]));
    // Without oxygen effects the candidates' evaluations come from the linear response of each condition's case
    // (water_quality_sweep.hpp: exact to rounding, 1e-9 relative tested) where a candidate changes loads only, when
    // the search's evaluations (each candidate, each pair) outnumber the response's 9 solves per source place.
    std::vector<std::unique_ptr<WqSweep>> sweeps;
    const std::size_t nm = cands.size();
    if (!reaches::wq::depends_on_oxygen(wqo.steady.params) && nm + nm * (nm - 1) / 2 > 9 * WqSweep::count_places(base_in)) {
        sweeps.resize(nk);
        tbb::parallel_for(std::size_t(0), nk, [&](std::size_t k) { sweeps[k] = std::make_unique<WqSweep>(bases[k], wqo); });
    }
    const auto values = [&](const CaseModel& m) {
        for (const auto& sw : sweeps)
            if (sw->covers(m)) {
                WaterQualityEvaluation e;
                e.sections = sw->evaluate_case(m).sections;
                return signed_values(tg, e);
            }
        return signed_values(tg, evaluate_water_quality(m, wqo));
    };
    const plan_search::Search found = plan_search::search(bases, v0, rows, cands, opt, values, "least-cost water-quality plan");
    WqOptimizeResult res;
    static_cast<PlanOutcome&>(res) = found.plan;
    // the plan's classes in every condition (its values are the search's last full evaluation)
    std::vector<WaterQualityEvaluation> planned(nk);
    if (found.evaluated)
        tbb::parallel_for(std::size_t(0), nk,
                          [&](std::size_t k) { planned[k] = evaluate_water_quality(apply_plan(bases[k], cands, res.chosen), wqo); });
    res.condition_sections = section_outcomes(e0, planned, tg, found);
    return res;
}

}  // namespace qingliu::scenarios
