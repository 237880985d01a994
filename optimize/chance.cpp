#include "optimize/chance.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <string>

#include <tbb/parallel_for.h>

namespace qingliu::scenarios {

DesignCondition draw_condition(const std::vector<UncertainParameter>& params, const MonteCarloOptions& mc, std::size_t i) {
    DesignCondition d;
    d.id = "draw-" + std::to_string(i + 1);
    d.name = "不确定性抽样 " + std::to_string(i + 1);
    d.name_en = "uncertainty draw " + std::to_string(i + 1);
    d.basis = "the case as given, rates, coefficients and loads drawn from the uncertainty ranges (seed " + std::to_string(mc.seed) +
              ", draw " + std::to_string(i + 1) + ")";
    d.basis_zh = "案例原样，速率、系数与负荷按不确定性范围抽样";
    d.transform = [params, mc, i](const CaseModel& m) { return draw_case(m, params, mc, i); };
    return d;
}

std::uint64_t check_seed(std::uint64_t design_seed) { return design_seed ^ 0x9E3779B97F4A7C15ULL; }

std::pair<double, double> wilson95(std::size_t k, std::size_t n) {
    if (n == 0) return {0.0, 1.0};
    const double z = 1.96, nn = static_cast<double>(n), ph = static_cast<double>(k) / nn;
    const double den = 1.0 + z * z / nn;
    const double centre = (ph + z * z / (2.0 * nn)) / den;
    const double half = z * std::sqrt(ph * (1.0 - ph) / nn + z * z / (4.0 * nn * nn)) / den;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::vector<double> plan_meets_share(const CaseModel& base, const std::vector<Candidate>& candidates,
                                     const std::vector<std::size_t>& chosen, const std::vector<UncertainParameter>& params,
                                     const MonteCarloOptions& mc, std::size_t draws, const std::function<void(double)>& progress) {
    const std::size_t ns = base.sections.size();
    std::vector<unsigned char> meets(ns * draws, 0);
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    const std::size_t step = std::max<std::size_t>(1, draws / 100);
    tbb::parallel_for(std::size_t(0), draws, [&](std::size_t i) {
        Evaluation e;
        try {
            e = evaluate(apply_plan(draw_case(base, params, mc, i), candidates, chosen));
        } catch (const ModelError& err) {
            throw ModelError("chance check, draw " + std::to_string(i) + " (seed " + std::to_string(mc.seed) + "): " + err.what());
        }
        for (std::size_t s = 0; s < ns; ++s) meets[s * draws + i] = e.sections[s].cls.meets ? 1 : 0;
        const std::size_t d = ++done;
        if (progress && d % step == 0) {
            std::lock_guard<std::mutex> lock(progress_mutex);
            progress(static_cast<double>(d) / static_cast<double>(draws));
        }
    });
    std::vector<double> share(ns, 0.0);
    for (std::size_t s = 0; s < ns; ++s) {
        std::size_t k = 0;
        for (std::size_t i = 0; i < draws; ++i) k += meets[s * draws + i];
        share[s] = draws ? static_cast<double>(k) / static_cast<double>(draws) : 0.0;
    }
    return share;
}

ChanceResult optimize_chance(const CaseModel& base, const std::vector<Candidate>& candidates, const OptimizeOptions& opt,
                             const std::vector<DesignCondition>& declared_in, const std::vector<UncertainParameter>& params,
                             const ChanceOptions& chance) {
    ChanceResult res;
    std::vector<DesignCondition> declared = declared_in;
    if (declared.empty()) declared.push_back(DesignCondition{"design", "设计条件", "design condition", "the case as given", "案例原样", {}, {}});
    res.declared = declared.size();
    res.check_draws = chance.check_draws;
    MonteCarloOptions check = chance.mc;
    check.seed = check_seed(chance.mc.seed);
    res.check_seed = check.seed;
    const std::size_t ns = base.sections.size();
    std::size_t S = std::max<std::size_t>(1, chance.design_draws);
    while (true) {
        ++res.rounds;
        res.conditions = declared;
        for (std::size_t i = 0; i < S; ++i) res.conditions.push_back(draw_condition(params, chance.mc, i));
        res.design_draws = S;
        res.plan = optimize(base, candidates, opt, res.conditions);
        const std::vector<double> share =
            plan_meets_share(base, candidates, res.plan.chosen, params, check, chance.check_draws, chance.progress);
        res.sections.assign(ns, {});
        res.holds = true;
        bool can_improve = false;
        for (std::size_t s = 0; s < ns; ++s) {
            auto& x = res.sections[s];
            x.p_meets = share[s];
            const auto k = static_cast<std::size_t>(std::llround(share[s] * static_cast<double>(chance.check_draws)));
            std::tie(x.low95, x.high95) = wilson95(k, chance.check_draws);
            x.holds = x.p_meets >= chance.p;
            if (x.holds) continue;
            res.holds = false;
            // more draws can only help where every target of the section is reachable in the draws used
            bool reachable = true;
            for (const auto& cs : res.plan.condition_sections)
                for (const auto& t : cs[s].c) reachable = reachable && t.reachable;
            can_improve = can_improve || reachable;
        }
        if (res.holds || !can_improve || 2 * S > chance.max_design_draws) break;
        S *= 2;
    }
    return res;
}

}  // namespace qingliu::scenarios
