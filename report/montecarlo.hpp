// Monte Carlo results in the report and in montecarlo.csv: each section's probability of meeting its target class
// under the baseline and each scenario (optimize/montecarlo.hpp), with the 5-50-95 % band of every state variable.
// Its table montecarlo.csv: io/export_tables.hpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/constituent.hpp"

namespace qingliu::report {

/// One section under one scenario.
struct MonteCarloRow {
    std::string scenario = "baseline", scenario_name, scenario_name_en;
    std::string section_id, name, river;
    int target_class = 0;
    bool det_meets = false;      ///< the deterministic (undrawn) model meets the target
    double p_meets = 0.0;        ///< share of draws meeting the target class (every state variable)
    PerConstituent p_meets_c{};  ///< per state variable: C <= target-class limit
    PerConstituent det_mgL{}, p5_mgL{}, p50_mgL{}, p95_mgL{}, mean_mgL{};
};

struct MonteCarloTable {
    std::size_t draws = 0;
    std::uint64_t seed = 0;
    std::vector<std::string> drawn;    ///< parameters drawn
    std::vector<MonteCarloRow> rows;   ///< scenario by scenario (the baseline first), sections in case order
};

/// Half-width of the 95 % interval of a probability estimated from `draws` draws: 1.96 sqrt(p (1 - p) / draws)
/// (normal approximation to the binomial); 0 when draws is 0.
double p_meets_half_width(double p, std::size_t draws);

/// A probability's cell colour: >= 90 % as class III (meets), 50-90 % as class IV, below 50 % as worse than V (a
/// reading aid, not a standard).
const char* p_meets_colour(double p);

/// The report's section: P(meets) per section (rows) and scenario (columns), coloured, with the bands below.
std::string montecarlo_section_html(const MonteCarloTable& t);

}  // namespace qingliu::report
