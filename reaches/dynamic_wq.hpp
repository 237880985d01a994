// Dynamic water quality: each reach a chain of completely mixed cells carrying the nine species of
// reaches/kinetics.hpp, integrated in time with Boost.Odeint (runge_kutta_dopri5, adaptive). For cell j of volume V
// with outflow Q, inflow load W(t) (the cell upstream, or the reach's feeders, headwater, lateral inflow and inputs
// in the cell as steady_wq's elements assign them):
//     dC/dt = (W - Q C) / V + sum_p yield_p rate_p(C)
// Flows are the steady flows (constant over the run), so under constant forcing the cells tend to the steady
// state of the same elements (solve_steady_wq with ReachData::elements).
#pragma once
#include <functional>
#include <vector>

#include "reaches/steady_wq.hpp"

namespace qingliu::reaches::wq {

struct DynamicOptions {
    Options steady;              ///< kinetics, temperature, reaeration
    int cells_per_reach = 4;
    double days = 30.0;
    double output_every_d = 1.0;
    double abs_tol = 1e-10, rel_tol = 1e-10;   ///< odeint error control per step
};

struct DynamicResult {
    std::vector<double> time_d;                      ///< output times (0, every, ..., days)
    std::vector<std::vector<State>> reach_end_mgL;   ///< per output time, per reach: the last cell
    std::vector<std::vector<State>> obs_mgL;         ///< per output time, per observation: its cell
    std::size_t steps = 0;                           ///< odeint steps taken
};

/// Starts from initial_mgL in every cell. Throws ModelError as solve_steady_wq does (depth, water, transfers).
DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial_mgL,
                               const DynamicOptions& options);

}  // namespace qingliu::reaches::wq
