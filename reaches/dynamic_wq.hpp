// Dynamic water quality: each reach a chain of completely mixed cells carrying the nine species of
// reaches/kinetics.hpp, integrated in time with Boost.Odeint (runge_kutta_dopri5, adaptive). For cell j of volume V
// with outflow Q, inflow load W(t) (the cell upstream, or the reach's feeders, headwater, lateral inflow and inputs
// in the cell as steady_wq's elements assign them):
//     dC/dt = (W - Q C) / V + sum_p yield_p rate_p(C)
// Flows are the steady flows (constant over the run), so under constant forcing the cells tend to the steady
// state of the same elements (solve_steady_wq with ReachData::elements).
//
// Coupling between reaches (as the three-constituent dynamic solver, reaches/dynamic.hpp): time is cut into
// intervals of at most exchange_step_d; within an interval the reaches are integrated one after another in
// topological order (independent parts of the network on all cores), each driven by the interval-mean outflow load
// of its feeders, held constant over the interval, and passing on its own interval-mean outflow (an extra integral
// per species, so the exchange conserves mass exactly). At a steady state this exchange is exact; during transients
// it lags the feeders by up to one interval (second order in exchange_step_d; a test holds it against the whole
// network integrated as one system, `monolithic`). Fast path: when the integrated end state of an interval agrees
// with the exact steady state of the cells under that interval's inflow (mixed_element_at) within 100x the odeint
// tolerance (abs_tol + rel_tol |C|), the state is set to that steady state (a change of at most 100x the tolerance),
// and while the reach's inflow stays the same (to the bit) it stays there without integration: exact, since the
// steady state is a fixed point of the cells' equations.
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
    double exchange_step_d = 1.0;   ///< longest interval of the exchange between reaches (<= 0: output_every_d)
    bool monolithic = false;        ///< the whole network as one odeint system (reference; slow on large networks)
};

struct DynamicResult {
    std::vector<double> time_d;                      ///< output times (0, every, ..., days)
    std::vector<std::vector<State>> reach_end_mgL;   ///< per output time, per reach: the last cell
    std::vector<std::vector<State>> obs_mgL;         ///< per output time, per observation: its cell
    std::size_t steps = 0;                           ///< odeint steps taken
    std::size_t integrated_intervals = 0;            ///< reach-intervals integrated (the others stayed steady)
    std::size_t intervals = 0;                       ///< reach-intervals in all
};

/// Starts from initial_mgL in every cell. Throws ModelError as solve_steady_wq does (depth, water, transfers).
DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial_mgL,
                               const DynamicOptions& options);

}  // namespace qingliu::reaches::wq
