// Uncertainty (不确定性分析) by Monte Carlo: kinetic rates, temperature coefficients, inventory coefficients and
// per-source-type load multipliers are drawn from ranges, the steady model is run for every draw, and each section
// gets its probability of meeting the target class and the 5-50-95 % band of each constituent.
//
// Distributions: uniform on [low, high], or triangular on [low, high] with mode = the case's value (or a given
// mode). Inverse CDF of the triangular distribution with c = (mode - low)/(high - low):
//     x = low + sqrt(u c) (high - low)                 for u < c
//     x = high - sqrt((1 - u)(1 - c)) (high - low)     otherwise.
// Reproducibility: draw i uses its own std::mt19937_64 seeded with splitmix64(seed, i), and parameters are drawn
// in list order, so results depend only on (seed, draws, parameters), never on the number of threads.
// Scenarios: draw i of the case is the same for the baseline and every scenario (common random numbers); a scenario's
// measures are applied to the drawn case, so the difference between two scenarios' P(meets) is the effect of the
// measures, not noise from different draws.
// Distribution: the work of an ensemble is (1 + scenarios) x draws items, item k = j * draws + i being draw i of
// model j (0 the baseline, then the scenarios in order). Any contiguous block of items can be sampled on its own
// (sample_ensemble) and blocks concatenated in item order summarise to exactly the numbers of one process
// (summarise_ensemble): the split among threads or processes changes nothing.
// Quantiles: linear interpolation between order statistics, q(p) = x_(floor(h)) + (h - floor(h))(x_(floor(h)+1) -
// x_(floor(h))), h = (n - 1) p (Hyndman & Fan 1996, definition 7).
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "scenarios/uncertainty.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

struct MonteCarloOptions {
    std::size_t draws = 1000;
    std::uint64_t seed = 20250101;
    /// Draw every inventory coefficient row with low < high, triangular on [low, high] with mode = value (unless a
    /// coefficient.* parameter names it), then re-resolve the inventory's sources.
    bool draw_coefficients = true;
    std::function<void(double)> progress;  ///< fraction done; called from one thread at a time
};

struct SectionBand {
    double p_meets = 0.0;                 ///< share of draws in which the section meets its target class
    PerConstituent p_meets_c{};    ///< per constituent: C <= target-class limit
    PerConstituent p5{}, p50{}, p95{}, mean{};  ///< mg/L
};

struct MonteCarloResult {
    std::size_t draws = 0;
    std::uint64_t seed = 0;
    std::vector<std::string> drawn;     ///< keys actually drawn (given parameters and coefficient rows)
    std::vector<SectionBand> sections;  ///< aligned with CaseModel::sections
};

/// The case as drawn in draw number `i` (what monte_carlo evaluates). Water-quality keys (wq.*: uncertainty.hpp) are
/// drawn in list order from the same stream (mode: the one given, else the middle of the range) and, where `wq_drawn`
/// is given, appended to it as (key, value); the case itself holds no water-quality parameter.
CaseModel draw_case(const CaseModel& base, const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt,
                    std::size_t i, std::vector<std::pair<std::string, double>>* wq_drawn = nullptr);

/// The baseline's ensemble (monte_carlo_scenarios without scenarios). Runs the draws in parallel (oneTBB). Throws ModelError if a draw cannot be evaluated (naming the draw).
MonteCarloResult monte_carlo(const CaseModel& base, const std::vector<UncertainParameter>& params,
                             const MonteCarloOptions& opt);

/// Raw outcomes of the work items [first, first + count) of an ensemble, in item order.
struct DrawBlock {
    std::size_t first = 0, count = 0;
    std::size_t sections = 0;
    std::vector<double> conc_mgL;     ///< [((k - first) * sections + s) * kNumConstituents + c]
    std::vector<std::uint8_t> meets;  ///< [(k - first) * sections + s]: 1 when the section meets its target class
};

/// Work items of an ensemble of the baseline and `scenarios` scenarios: (1 + scenarios) x draws.
std::size_t ensemble_items(std::size_t scenarios, std::size_t draws);

/// The contiguous share of `items` taken by part `part` of `parts` (sizes differ by at most one, in part order):
/// {first, count}.
std::pair<std::size_t, std::size_t> ensemble_share(std::size_t items, int part, int parts);

/// Samples the work items [first, first + count) in parallel (oneTBB). opt.progress gets the share of this block
/// done. Throws ModelError naming the scenario and the draw that cannot be evaluated.
DrawBlock sample_ensemble(const CaseModel& base, const std::vector<Scenario>& chosen, const std::vector<UncertainParameter>& params,
                          const MonteCarloOptions& opt, std::size_t first, std::size_t count);

/// One model's Monte Carlo result: the baseline ("baseline") or a scenario.
struct ScenarioMonteCarlo {
    std::string id = "baseline", name, name_en;
    MonteCarloResult result;
};

/// Probabilities and bands of every model from the whole ensemble's items (all.first == 0, all.count ==
/// ensemble_items(chosen.size(), opt.draws); std::logic_error otherwise). The baseline first, then `chosen` in order.
std::vector<ScenarioMonteCarlo> summarise_ensemble(const CaseModel& base, const std::vector<Scenario>& chosen,
                                                   const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt,
                                                   const DrawBlock& all);

/// sample_ensemble over every item, then summarise_ensemble.
std::vector<ScenarioMonteCarlo> monte_carlo_scenarios(const CaseModel& base, const std::vector<Scenario>& chosen,
                                                      const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt);

/// Quantile of sorted values (definition 7 above); NaN for an empty vector.
double quantile_sorted(const std::vector<double>& sorted, double p);

}  // namespace qingliu::scenarios
