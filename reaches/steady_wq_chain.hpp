// QUAL2K's longitudinal dispersion between completely mixed elements (reaches/steady_wq.hpp, model "elements"): a
// chain of elements exchanging water with their neighbours as well as passing it on, solved at its steady state as
// one system. Internal to the reaches module.
//
// Element i (0 at the chain's top) with outflow Q_i, volume V_i, the loads W_i entering it (inputs and lateral
// inflow) and bulk exchange Ep_i with element i + 1 (m3/s; 0 for the last):
//   0 = (Q_{i-1} + Ep_{i-1}) c_{i-1} - (Q_i + Ep_{i-1} + Ep_i) c_i + Ep_i c_{i+1} + W_i + V_i S(c_i) / 86400
// (Q_{-1} c_{-1} the load entering the top, Ep_{-1} = 0; S the kinetics in mg/L/d), as QUAL2K's element equations at
// steady state (Chapra, Pelletier & Tao, QUAL2K documentation, eq. for c_i with E'_{i-1}, E'_i). Solved by Newton's
// method from the chain without exchange (each element mixed_element_at in turn); the Jacobian is block tridiagonal
// (the exchanges scalar, each element's kinetics 9 x 9 by central differences of derivative_at) and solved by block
// elimination. Stops when a step moves no concentration by more than 1e-13 of its species' largest value in the chain.
#pragma once

#include <vector>

#include "reaches/kinetics.hpp"

namespace qingliu::reaches::wq {

struct ChainElement {
    double flow_out_m3s = 0.0;   ///< Q_i, > 0
    double volume_m3 = 0.0;      ///< V_i
    double exchange_m3s = 0.0;   ///< Ep_i with the next element (0 for the last)
    State load_gs{};             ///< W_i
    ProcessTable table{};        ///< KineticsAt::table of the element's environment (gates unapplied)
};

struct ChainSolution {
    std::vector<State> conc_mgL;
    std::vector<PerProcess> processed_gs;  ///< each process's rate times the volume (g/s)
    int iterations = 0;                    ///< Newton steps taken
    double last_step = 0.0;                ///< the last step's largest move, as a share of its species' scale
};

/// The chain's steady state (see the file comment). Throws ModelError when Newton's method does not converge.
ChainSolution solve_dispersive_chain(const Parameters& p, double flow_top_m3s, const State& load_top_gs,
                                     const std::vector<ChainElement>& elements);

/// The bulk exchange QUAL2K adds between element i and the next (m3/s): the dispersion less the numerical dispersion
/// of the element, E' = max(E - U dx / 2, 0), times its cross-section over the distance between the elements'
/// centres: Ep = E' A_i / ((dx_i + dx_{i+1}) / 2).
double qual2k_exchange_m3s(double dispersion_m2s, double velocity_ms, double area_m2, double dx_m, double dx_next_m);

}  // namespace qingliu::reaches::wq
