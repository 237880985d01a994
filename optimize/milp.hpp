// The mixed-integer programme of the least-cost plans (optimize.hpp, water_quality_optimize.hpp), solved with COIN-OR
// CBC: binary x_m per candidate (cost_m), exclusive levels per group, rows sum_m a_m x_m (- g_r) <= rhs.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace qingliu::scenarios::milp {

/// One row of the linear model: sum_m a_m x_m (- g) <= rhs, scaled by 1/limit.
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

/// Builds and solves one MILP. gap_mode adds g_r >= 0 per row; objective = sum g (stage 1) or cost with sum g <= cap
/// (stage 2, gap_cap >= 0).
/// Pair terms: column n + p is y_p = x_a x_b for pairs[p] = (a, b), linearised exactly for binaries by
/// y_p <= x_a, y_p <= x_b, y_p >= x_a + x_b - 1, 0 <= y_p <= 1. Row entries may refer to these columns.
Solve solve_milp(const std::vector<double>& cost, const std::vector<std::vector<int>>& groups, const std::vector<Row>& rows,
                 const std::vector<std::pair<int, int>>& pairs, bool gap_mode, bool minimise_gap, double gap_cap,
                 double time_limit_s);

}  // namespace qingliu::scenarios::milp
