// Monte Carlo of the water-quality model (不确定性分析) over the GB 3838 items the case assesses
// (WaterQualityOptions::items, [water_quality] items; all seven by default): each draw of montecarlo.hpp's ensemble
// (draw_case: load multipliers per source type, inventory coefficients, the case's rates; same seed, same draws) is
// evaluated with the QUAL2K-class kinetics (analyses/water_quality.hpp) at the water-quality parameters drawn in the
// same draw (wq.<parameter> and wq.reaeration.scale of uncertainty.hpp: k20 of CBOD oxidation, nitrification,
// hydrolysis and denitrification, settling velocities, SOD, thetas, a multiplier on every reach's reaeration; drawn
// from the draw's one stream in list order, mode by default the case's value), and each section gets, per chosen item,
// the share of draws in which the item is no worse than the target class and its 5-50-95 % band, and the share of
// draws in which the section (its worst chosen item) meets the target. The draws do not depend on the items chosen, so
// a chosen item's band is the full set's; a section's probability can only rise when items are left out.
// Quantiles as in montecarlo.hpp (Hyndman & Fan definition 7). Draws run in parallel; each draw depends only on
// (seed, i), so the result does not depend on the thread count.
// Scenarios (monte_carlo_water_quality_scenarios): draw i of the case is the same for the baseline and every scenario
// (common random numbers, as montecarlo.hpp), each scenario's measures applied to the drawn case, so the difference
// between two scenarios' probabilities is the effect of the measures, not noise from different draws. The models are
// sampled one after another, so memory is that of one model's draws.
#pragma once
#include <string>
#include <vector>

#include "optimize/montecarlo.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::scenarios {

struct WqItemBand {
    std::string key;
    bool assessed = false;   ///< GB 3838 gives a limit for the water body
    double p_meets = 0.0;    ///< share of draws with the item no worse than the target class (assessed items)
    double p5 = 0.0, p50 = 0.0, p95 = 0.0, mean = 0.0;  ///< mg/L
};

struct WqSectionBand {
    double p_meets = 0.0;    ///< share of draws in which every chosen, assessed item meets the target class
    std::vector<WqItemBand> items;  ///< the chosen items, gb3838_items order
};

struct WqMonteCarloResult {
    std::size_t draws = 0;
    std::uint64_t seed = 0;
    std::vector<WqSectionBand> sections;  ///< aligned with CaseModel::sections
};

/// The baseline's draws. Throws ModelError naming the draw that cannot be evaluated.
WqMonteCarloResult monte_carlo_water_quality(const CaseModel& base, const WaterQualityOptions& wq,
                                             const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt);

struct WqScenarioMonteCarlo {
    std::string scenario_id, name, name_en;   ///< "baseline", 基线, baseline for the case as it is
    WqMonteCarloResult result;
};

/// The baseline's draws, then each chosen scenario's (the same draws, the scenario's measures applied), in order.
/// opt.progress gets the share of all of them. Throws ModelError naming the scenario and draw that cannot be evaluated.
std::vector<WqScenarioMonteCarlo> monte_carlo_water_quality_scenarios(const CaseModel& base,
                                                                      const std::vector<Scenario>& chosen,
                                                                      const WaterQualityOptions& wq,
                                                                      const std::vector<UncertainParameter>& params,
                                                                      const MonteCarloOptions& opt);

}  // namespace qingliu::scenarios
