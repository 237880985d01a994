// Dynamic water quality: each reach a chain of completely mixed cells carrying the nine species of
// reaches/kinetics.hpp. For cell j of volume V_j with outflow Q_j, inflow load W_j (the cell upstream, or the reach's
// feeders, headwater, lateral inflow and inputs in the cell as steady_wq's elements assign them):
//     dC/dt = (W - Q C) / V + sum_p yield_p rate_p(C)
//
// Forcing (DynamicForcing) is piecewise constant over intervals of step_days (a day): each reach's headwater and
// lateral flow (hydro::FlowForcing, as the three-constituent solver reads it), a factor per input on its load, and
// the water temperature. Within an interval the hydraulics are quasi-steady (as in QUAL2K and reaches/dynamic.hpp):
// each cell's flow, volume V = dx Q / u(Q), depth, reaeration and kinetics are those of the interval's flows. At an
// interval boundary the mass in each cell is kept, C_new = C_old V_old / V_new, so mass is conserved when volumes
// change. A cell whose flow and temperature are those of the interval before keeps its environment and volume (the
// same values, not computed again). Without forcing (steps = 0) the flows and loads are the network's and the inputs' (constant), and the cells
// tend to the steady state of the same elements (solve_steady_wq with ReachData::elements).
//
// Coupling between reaches (as the three-constituent dynamic solver): time is cut into pieces of at most
// exchange_step_d; the reaches are solved one after another in topological order (independent parts of the network on
// all cores), each over every piece of the interval in turn, driven in each by the piece-mean outflow load of its
// feeders, held constant, and passing on its own piece-mean outflow (mass-exact); its linear system is built at the
// interval's first piece and only its first cell's inflow set anew for the others. At a steady state the exchange is exact; during transients it lags the
// feeders by up to one piece (second order in exchange_step_d; a test holds it against the whole network integrated
// as one system, `monolithic`).
//
// One reach over one piece of length h is z' = M z + c, z the n x 9 cell concentrations. Where no rate depends on DO
// (depends_on_oxygen false) M and c are constant: M is lower triangular (cells in series; each process moves mass to
// later species only) with diagonal -(86400 Q_j / V_j) + (first-order losses) <= -r_min < 0, and the piece is solved
// exactly:
//   relaxed     when the transient has died out: |e^{Mh}| <= e^{-r_min h} sum_{k<L} (nu h)^k / k! entrywise (nu the
//               largest row sum of |off-diagonal M|, L = n + 9 the longest chain of dependencies), and when that times
//               |z0 - z_ss| is below relaxed_tol (abs + rel), the cells end at the steady state z_ss = -M^-1 c (forward
//               substitution) and int_0^h z dt = z_ss h + M^-1 (z_ss - z0) (from z' = M (z - z_ss));
//   exact       otherwise the transient by uniformization (Jensen's method): z(h) = z_ss + e^{Mh} (z0 - z_ss),
//               e^{Mh} d = sum_k Pois(k; lambda h) P^k d with lambda = max_i |M_ii|, P = I + M/lambda, summed until
//               the Poisson tail times |d| is below relaxed_tol (abs + rel; pieces split so that lambda h <= 400),
//               and int z = z_ss h + M^-1 (z(h) - z0); on processors with AVX-512 a cell's eight species before DO
//               in one register per term (reaches/dynamic_wq_linear.cpp), else the portable loops
//               (generic_kernels forces them; the two agree to rounding). Where DO's reaeration is stiff (its rate >= 2x every other rate; nothing draws on
//               DO), the others are uniformized at their own rate and DO follows from the change of variables
//               o = w + K z + k0 (D K - K M_z = -G, D the DO chain, G DO's dependence on the others; solved by
//               substitution, both triangular), under which w' = D w is decoupled: uniformization of the n-cell DO
//               chain alone. Exact, and the cost follows the slow species, not the reaeration.
// Where rates depend on DO (QUAL2K's oxygen gates: f(o) on CBOD oxidation and nitrification, 1 - f(o) on
// denitrification, o the cell's DO), the gates are the only nonlinearity; with them frozen the cells are the linear
// system above. A sub-piece of length tau is solved exactly with the gates of cell j frozen at its mean DO over the
// sub-piece, o_j = (1/tau) int o_j dt of that same solve: a fixed point, found by iteration (plain, then the secant per
// cell) until the gates at the mean are those frozen within 1e-9, or until their difference moves no process's total
// over the sub-piece by more than 30 % of frozen_abs_tol. The rule is symmetric in time (run backwards, the same
// constant-coefficient trajectory has the same mean), so its error is even in tau: a sub-piece is solved whole (A) and
// as two halves (B), accepted when the end states agree within 3 (abs_tol + rel_tol |z|) and the integrals within
// 3 (abs_tol tau + rel_tol |Y|), and the result is the extrapolation (4B - A)/3. A rejected sub-piece is halved (its
// first half is the new A); after an accepted one the next is tau (1/e)^0.4 (e the agreement as a share of the
// tolerance; between x0.2 and x8: the transients that decide the sub-pieces die out along the day faster than the
// asymptotic error ~ tau^3 expects, dynamic_wq_oxygen.cpp); a reach's first sub-piece of a piece starts at twice its
// first accepted one of the same piece of the interval before (down to h / 2^20). Each frozen solve closes its budget exactly and the
// weights sum to 1, so the budget closes to rounding. Tested against dopri5 at 1e-12, at high and at low DO.
// Exchange (QUAL2K's dispersion, where the steady elements disperse: wq::disperses): cell j exchanges E'_j (c_{j+1} -
// c_j) with the next (E'_j = qual2k_exchange_m3s from the cell's flow, velocity and length, the next cell's length),
// and a dispersive chain of reaches (dispersive_chain_next, as the steady solver's) is solved as one system over each
// piece, its reaches' cells in order: M block tridiagonal (LinearReach::down), the steady state and integrals species
// by species (each species' chain of cells by its LU), the transient by uniformization with the cell below in each
// term where that takes at most about 10 terms, else by CRAM (linear_cells::cram_exp), the relaxed check from M's
// logarithmic norm; DO split off where its reaeration outweighs the exchange (stiff_do_exchange). A chain's top cell
// exchanges with its headwater as the steady elements' (headwater_exchange_m3s, at the day's headwater flow): what it
// brings in is in the cell's external load, what it takes back up is booked against the reach's input; an outlet's
// last cell likewise with its downstream boundary (downstream_exchange_m3s, at the day's flow). Each reach's
// budget books the exchange across its lower end with its outflow. Exchanging reaches are never left as settled.
// With `odeint` (the reference), or a kinetic pattern that is not lower triangular, the piece is integrated with
// Boost.Odeint (runge_kutta_dopri5, abs_tol and rel_tol), the integrals of the concentrations and of every process
// carried as extra states. Each process's integral (rate x V) and each cell's integral give the outflow and the mass
// processed, so the budget stored + outflow + processed = inflow closes to rounding (exact and frozen paths) or to
// the odeint tolerance.
// Skip: while a reach's forcing and inflow stay the same (to the bit) and it is at its steady state (the relaxed
// check passed, or, checked when the next piece brings the same forcing, the integrated end state agrees with
// mixed_element_at within 100x abs_tol + rel_tol), it stays there without work: exact, since the steady state is a
// fixed point of the cells' equations. (The check first bounds the first cell's distance from below by its equations'
// residual over a bound on their Jacobian, and solves for no steady state where that alone fails it.)
#pragma once
#include <functional>
#include <vector>

#include "hydro/flow_forcing.hpp"
#include "reaches/steady_wq.hpp"

namespace qingliu::reaches::wq {

/// Daily (piecewise constant) forcing of the cells; scenarios::dynamic_wq_forcing builds it for a case.
struct DynamicForcing {
    std::size_t steps = 0;    ///< intervals; 0: constant forcing (the network's flows, the inputs' loads) over options.days
    double step_days = 1.0;
    /// As reaches::DynamicForcing::flow: flow.scale (empty: 1) times base_headwater_m3s / base_lateral_m3s (empty: the
    /// network's), unless the reach has its own series (reach_series, own_headwater_m3s, own_lateral_m3s).
    hydro::FlowForcing flow;
    std::vector<std::vector<double>> load_patterns;  ///< per pattern, per interval: factor on an input's load_gs
    std::vector<std::int32_t> input_pattern;         ///< per input: pattern or kNone (constant); empty: all constant
    std::vector<double> temperature_c;               ///< per interval, one value, or empty: options.steady.temperature_c
};

struct DynamicOptions {
    Options steady;              ///< kinetics, temperature, reaeration
    int cells_per_reach = 4;
    double days = 30.0;          ///< without forcing (with forcing: steps x step_days)
    double output_every_d = 1.0; ///< without forcing (with forcing: every interval)
    double abs_tol = 1e-10, rel_tol = 1e-10;   ///< odeint and frozen-gate error control per step; settle check
    double frozen_abs_tol = 1e-7, frozen_rel_tol = 1e-7;  ///< rates depending on DO: sub-piece acceptance
    double relaxed_tol = 1e-12;  ///< transient share below which a linear piece ends at its steady state
    double exchange_step_d = 1.0;   ///< longest piece of the exchange between reaches (<= 0: the output interval)
    bool monolithic = false;        ///< the whole network as one odeint system (reference; slow on large networks)
    bool odeint = false;            ///< odeint also where the cells are linear (reference for the exact paths)
    bool generic_kernels = false;   ///< the portable loops even where the processor has AVX-512 (reference)
    bool record_reach_ends = true;  ///< keep reach_end_mgL (per output time and reach: memory grows with both)
    bool start_steady = false;      ///< cells start at the steady state of the first interval (else initial_mgL)
    std::function<void(double)> progress;  ///< share of the run done, after each output interval
};

struct DynamicResult {
    std::vector<double> time_d;                      ///< output times (0, every, ..., days)
    std::vector<std::vector<State>> reach_end_mgL;   ///< per output time, per reach: the last cell (below a weir)
    std::vector<std::vector<State>> obs_mgL;         ///< per output time, per observation: its cell
    std::vector<std::vector<double>> obs_flow_m3s;   ///< per output time, per observation: its cell's flow
    // network budget over the run (g): external inflow (headwaters, lateral inflow, inputs), left at the outlets,
    // stored in the cells at start and end, each process's integral (rate x volume; species i changes by
    // sum_p yield_p,i processed_g[p]) and the DO gained over weirs
    State input_g{}, outlet_g{}, storage_start_g{}, storage_end_g{};
    /// Moved by the settle check (rates depending on DO, or Odeint): a reach whose forcing stays the same and whose
    /// cells are within 100 x the tolerance of their steady state is set onto it and left there; what that adds to
    /// its cells (g, either sign; storage_end_g includes it) closes the budget:
    /// input + storage_start + settled = outlet + storage_end + processed (by yield)
    State settled_g{};
    PerProcess processed_g{};
    double dam_do_gain_g = 0.0;
    std::size_t steps = 0;                           ///< odeint steps taken
    std::size_t integrated_intervals = 0;            ///< reach-pieces solved (the others stayed steady)
    std::size_t relaxed_intervals = 0, exact_intervals = 0;  ///< of them: relaxed, by uniformization
    std::size_t stiff_do_intervals = 0;              ///< of the uniformized: DO split off (stiff reaeration)
    std::size_t cram_intervals = 0;                  ///< of the exact: by CRAM (cells exchanging water, stiff; not
                                                     ///< counted in the frozen-gate sub-pieces' solves)
    std::size_t frozen_subpieces = 0;                ///< rates depending on DO: sub-pieces accepted
    std::size_t frozen_solves = 0;                   ///< of them: exact linear solves (fixed-point iterations)
    std::size_t intervals = 0;                       ///< reach-pieces in all
};

/// Starts from initial_mgL in every cell (or the steady state, start_steady). Throws ModelError as solve_steady_wq
/// does (depth, water, transfers), and for a forcing whose series are shorter than its steps.
DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial_mgL,
                               const DynamicForcing& forcing, const DynamicOptions& options);
/// Constant forcing.
DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial_mgL,
                               const DynamicOptions& options);

}  // namespace qingliu::reaches::wq
