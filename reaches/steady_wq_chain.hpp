// QUAL2K's longitudinal dispersion between completely mixed elements (reaches/steady_wq.hpp, model "elements"): a
// chain of elements exchanging water with their neighbours as well as passing it on, solved at its steady state as
// one system. Internal to the reaches module.
//
// Element i (0 at the chain's top) with outflow Q_i, volume V_i, the loads W_i entering it (inputs and lateral
// inflow) and bulk exchange Ep_i with element i + 1 (m3/s; 0 for the last):
//   0 = (Q_{i-1} + Ep_{i-1}) c_{i-1} - (Q_i + Ep_{i-1} + Ep_i) c_i + Ep_i c_{i+1} + W_i + V_i S(c_i) / 86400
// (Q_{-1} c_{-1} the load entering the top, Ep_{-1} the exchange with the headwater above the top, c_{-1} there the
// headwater's concentration; for the last element Ep its exchange with QUAL2K's downstream boundary, c there the
// boundary's concentration, or 0 without one; S the kinetics in mg/L/d), as QUAL2K's element equations at
// steady state (Chapra, Pelletier & Tao, QUAL2K documentation, eq. for c_i with E'_{i-1}, E'_i). Solved by Newton's
// method from the chain without exchange (each element mixed_element_at in turn); the Jacobian is block tridiagonal
// (the exchanges scalar, each element's kinetics 9 x 9 by central differences of derivative_at) and solved by block
// elimination. Stops when a step moves no concentration by more than 1e-13 of its species' largest value in the chain.
#pragma once

#include <vector>

#include "reaches/kinetics.hpp"
#include "reaches/steady_wq.hpp"

namespace qingliu::reaches::wq {

struct ChainElement {
    double flow_out_m3s = 0.0;   ///< Q_i, > 0
    double volume_m3 = 0.0;      ///< V_i
    double exchange_m3s = 0.0;   ///< Ep_i with the next element (the last: with the downstream boundary, or 0)
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
/// exchange_top_m3s: Ep_{-1}, the exchange with the headwater (headwater_exchange_m3s; 0: none), of concentration
/// conc_top_mgL; the last element's exchange_m3s, with the downstream boundary of concentration conc_bottom_mgL.
ChainSolution solve_dispersive_chain(const Parameters& p, double flow_top_m3s, const State& load_top_gs,
                                     const std::vector<ChainElement>& elements, double exchange_top_m3s = 0.0,
                                     const State& conc_top_mgL = State{}, const State& conc_bottom_mgL = State{});

/// QUAL2K's exchange of a chain's top element with its headwater (m3/s): QUAL2K puts a made-up headwater element above
/// the first, of the first element's length, with the headwater's own hydraulics and dispersion; here those of the top
/// reach at the headwater flow (the headwater row of a QUAL2K model copying its first reach), the dispersion E0 the
/// reach's headwater_dispersion_m2s where given (0: no exchange), else its own: E' = max(E0 - U0 dx / 2,
/// 0) A0 / dx, at the headwater flow q0. Only where the chain's top reach takes no feeder and some headwater flow
/// (QUAL2K's headwater); else 0.
double headwater_exchange_m3s(const Network& net, const ReachData& data, std::int32_t head, double q0_m3s, double dx_m);

/// Whether reach r is an outlet (no downstream reach, no split) that gives QUAL2K's downstream boundary.
bool meets_downstream_boundary(const Network& net, const ReachData& data, std::int32_t r);

/// QUAL2K's exchange of an outlet reach's last element (length dx_m, its velocity u and cross-section area_m2) with
/// the downstream boundary (m3/s), where the reach gives one (ReachData::downstream_boundary) and disperses:
/// qual2k_exchange_m3s of the element with a next element of its own length (QUAL2K's made-up element below the
/// last has the last's length); else 0.
double downstream_exchange_m3s(const Network& net, const ReachData& data, std::int32_t r, double dispersion_m2s,
                               double velocity_ms, double area_m2, double dx_m);

/// The bulk exchange QUAL2K adds between element i and the next (m3/s): the dispersion less the numerical dispersion
/// of the element, E' = max(E - U dx / 2, 0), times its cross-section over the distance between the elements'
/// centres: Ep = E' A_i / ((dx_i + dx_{i+1}) / 2).
double qual2k_exchange_m3s(double dispersion_m2s, double velocity_ms, double area_m2, double dx_m, double dx_next_m);

/// A reach's channel slope: the case's (slope), else a Manning channel's own, else 0 (none known).
double channel_slope(const Network& net, const ReachData& data, std::int32_t r);

/// The dispersion E (m2/s) of reach r's elements at flow q: the reach's own dispersion_m2s, else QUAL2K's, Fischer's
/// from the hydraulics and the channel slope (ModelError naming the reach where there is no slope).
double element_dispersion_m2s(const Network& net, const ReachData& data, std::int32_t r, double q);

/// Per reach, the next reach of its dispersive chain (kNone where the chain ends); empty without dispersion. Reach r
/// and its downstream reach d are one chain where water passes only between them: both disperse, d takes no other
/// inflow (one feeder, no headwater flow), r sends all its water to d (no split or transfer) over no weir (QUAL2K has
/// no dispersion across a drop, and its tributaries enter as point sources).
std::vector<std::int32_t> dispersive_chain_next(const Network& net, const ReachData& data, const Options& opt);

}  // namespace qingliu::reaches::wq
