// Least-cost plan with sampled chance constraints (机会约束): every section meets its target with probability at
// least p under the case's uncertainty ranges (montecarlo.hpp).
//
// Method (the scenario approach, Calafiore & Campi 2006, IEEE Trans. Automatic Control 51(5):742-753): the plan must
// meet every target in each of S draws of the uncertain parameters, each draw being one more condition of the
// least-cost programme (optimize.hpp) beside the declared design conditions. Meeting S sampled conditions bounds the
// probability of missing, but the bound depends on the programme's size, so the plan is then checked out of sample:
// V fresh draws (an independent seed) give each section's probability of meeting its target with its Wilson 95 %
// interval. While a section that can meet its target falls short of p, S is doubled and the plan solved again, up
// to a largest S. Draws apply to the case as given (the design condition): the declared conditions are met
// deterministically, the draws add the uncertainty of rates, coefficients and loads.
//
// Order within a draw: the case as given, then the draw (rates, coefficients, load multipliers), then the plan's
// measures, as the programme sees it; the check out of sample uses the same order.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "optimize/montecarlo.hpp"
#include "optimize/optimize.hpp"

namespace qingliu::scenarios {

struct ChanceOptions {
    double p = 0.9;                     ///< required probability of meeting each section's target
    std::size_t design_draws = 30;      ///< S of the first round
    std::size_t max_design_draws = 240; ///< S is doubled up to this
    std::size_t check_draws = 1000;     ///< V, drawn with an independent seed
    MonteCarloOptions mc;               ///< seed and draw_coefficients (draws, progress unused)
    std::function<void(double)> progress;  ///< fraction of the out-of-sample check done, per round
};

struct SectionChance {
    double p_meets = 0.0;             ///< out of sample, share of V draws meeting the target class
    double low95 = 0.0, high95 = 0.0; ///< Wilson score interval
    bool holds = false;               ///< p_meets >= p
};

struct ChanceResult {
    OptimizeResult plan;                      ///< condition_sections: the declared conditions, then the S draws
    std::vector<DesignCondition> conditions;  ///< the declared conditions, then the S draw conditions
    std::size_t declared = 0;                 ///< how many of `conditions` were declared
    std::size_t design_draws = 0;             ///< S of the last round
    std::size_t check_draws = 0;
    std::uint64_t check_seed = 0;
    int rounds = 0;
    std::vector<SectionChance> sections;      ///< aligned with CaseModel::sections
    bool holds = false;                       ///< every section holds
};

/// Draw condition i: the case as drawn in draw i of `mc` (applied after the condition's measures).
DesignCondition draw_condition(const std::vector<UncertainParameter>& params, const MonteCarloOptions& mc, std::size_t i);

/// Seed of the out-of-sample check: independent of the design draws' seed.
std::uint64_t check_seed(std::uint64_t design_seed);

/// Share of `draws` draws (seed `seed`) of the plan meeting each section's target: the case in draw i, then the plan.
std::vector<double> plan_meets_share(const CaseModel& base, const std::vector<Candidate>& candidates,
                                     const std::vector<std::size_t>& chosen, const std::vector<UncertainParameter>& params,
                                     const MonteCarloOptions& mc, std::size_t draws, const std::function<void(double)>& progress = {});

/// Wilson score interval of k successes in n at z = 1.96.
std::pair<double, double> wilson95(std::size_t k, std::size_t n);

/// The least-cost plan meeting the declared conditions and, with probability >= opt.p, every target under `params`.
ChanceResult optimize_chance(const CaseModel& base, const std::vector<Candidate>& candidates, const OptimizeOptions& opt,
                             const std::vector<DesignCondition>& declared, const std::vector<UncertainParameter>& params,
                             const ChanceOptions& chance);

}  // namespace qingliu::scenarios
