// Dynamic (time-varying) simulation of the reach network: daily or finer flows and loads over a year or more.
//
// Cells. Each reach is a series of n completely mixed cells of equal length dx = L/n (QUAL2K's element scheme,
// Chapra, Pelletier & Tao 2008, QUAL2K documentation, section 2). A series of completely mixed cells has numerical
// dispersion E_num = u dx / 2 (same documentation, "Dispersion"), so the number of cells that makes it equal to the
// physical dispersion E is
//     n = ceil(L u / (2 E)),   clamped to [min_cells, max_cells],
// with u the velocity at the design (steady) flow. E comes from the reach (dispersion_m2s), or from Fischer's formula
// E = 0.011 u^2 B^2 / (H u*), u* = sqrt(g H S) (Fischer et al. 1979, Mixing in Inland and Coastal Waters, ch. 5;
// also the QUAL2K documentation) when the hydraulics give width, depth
// and slope (Manning), or else options.default_dispersion_m2s.
//
// Forcing is piecewise constant over intervals of `step_days` (one day by default): flows, loads and rates are
// constant within an interval and change at its boundaries. Within an interval the hydraulics are quasi-steady
// (as in QUAL2K): cell i carries the flow Q_i (inflow at the reach's top plus every lateral and point inflow up to
// the cell's downstream end) and holds V_i = dx * Q_i / u(Q_i).
//
// State: the mass M (g) of each constituent in each cell (not the concentration), so that mass is conserved when
// volumes change between intervals; C_i = M_i / V_i. Pure rate functions, per constituent (time in days):
//     transport out of cell i      T_i = r_i M_i,       r_i = 86400 Q_i / V_i           (1/d)
//     first-order loss in cell i   K_i = k M_i,         k = k20 theta^(T-20)            (1/d)
//     external input to cell i     W_i                  (g/d: upstream reaches into cell 0, headwater, lateral
//                                                        background, point and spread sources)
//     dM_i/dt = W_i + T_{i-1} - T_i - K_i         (T_{-1} = 0)
// and two accumulating pools per constituent, the mass that left the reach (dO/dt = T_{n-1}) and the mass lost
// (dD/dt = sum K_i). Every term moves mass from one named pool to another, so sum(M) + O + D changes exactly by the
// inputs; Runge-Kutta and Rosenbrock methods preserve such linear invariants, so the audit
//     in - out - decayed - (storage_end - storage_start) = 0
// holds per reach and for the network to rounding, for any step size.
//
// Integration. Reaches are integrated one after another in topological order, each over the whole period, driven
// by the piece-mean outflow of the reaches feeding it (mass and water per piece: the exchange between reaches is
// exact in mass). A piece is an interval of the forcing, or a k-th of one where options.exchange_step_d asks for
// k = ceil(step_days / exchange_step_d) pieces (the forcing repeated over them, the results put back on the
// intervals: reaches/dynamic_pieces.cpp). Each constituent's n+2 states are advanced piece by piece (restarting at each
// boundary, where the forcing or the inflow jumps) by one of:
//   closed form  when the piece's transient has died out: mass moves through the cells as a Markov chain, so the
//                share of the mass present at the start still in the reach at the end is at most
//                P(Erlang(n, lam_min) > h) = sum_{j<n} e^{-lam_min h}(lam_min h)^j/j!, lam_min = min_i r_i + k; below
//                options.relaxed_tol (1e-12) the cells end at their steady state and the interval integrals follow
//                exactly from one forward substitution (see relaxed_interval in dynamic.cpp);
//   Auto:        otherwise the exact exponential of the linear cell system by uniformization, one series for the
//                three constituents (their matrices differ only by k I), stiff or not: on pieces of 1/8 d it took a
//                seventh of the time dopri5 took on the intervals that were not stiff (10^4 synthetic reaches, 9.99
//                s against 69.2 s processor), and on daily intervals it gives the shipped cases' daily tables to
//                every printed digit;
//   Odeint:      runge_kutta_dopri5 (Boost.Odeint, explicit, order 5(4), error-controlled) when not stiff,
//                max_i (r_i + k) h <= options.stiff_threshold (8), else rosenbrock4 (Boost.Odeint, linearly implicit,
//                order 4(3), exact constant Jacobian). Both are exact to their tolerances; a test holds them to 1e-8
//                of the series. rosenbrock4 factorises a dense uBLAS matrix at every step, several hundred times
//                slower here than the series.
// Pieces. With one piece a day a reach takes its feeders' mean outflow over the day from the day's start, so its
// cells lag their transient after each day's change of flows and loads, and a section's end-of-day sample trails by
// the travel time above it (a chain of three 3-hour reaches from empty: 22 % low at the end of the first day; 1.4e-3
// with pieces of 1/8 d, 2.1e-5 with 1/64 d: tests/reaches/test_dynamic_pieces.cpp). scenarios::kExchangeStepD gives
// the figures on the shipped cases and the default of qingliu dynamic (1/8 d); the library's default is one piece
// per interval.
// An odeint step that cannot be completed (non-finite state, step size collapsing, 200 rejections in a row) becomes
// a ModelError naming the reach, the day and the step size. Independent reaches run in parallel (oneTBB): a reach
// starts as soon as every reach feeding it is done, and the interval outflows of a reach are freed once every
// reach it feeds has read them, so memory stays near the frontier of the network rather than its size.
//
// Initial state: the steady solution of the same cells under the first interval's forcing (closed form, cells in
// series):  M_i = (T_{i-1} + W_i) / (r_i + k),  i.e.  C_i = (Q_{i-1} C_{i-1} + W_i) / (Q_i + k V_i)  (mass flows),
// or empty cells.
//
// Reported per interval: at every reach end the flow-weighted mean concentration over the interval (mass out / water
// out), and at every observation the concentration of the cell holding it at the end of the interval (a sample of a
// completely mixed cell).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hydro/flow_forcing.hpp"
#include "reaches/classes.hpp"
#include "reaches/network.hpp"
#include "reaches/sections.hpp"

namespace qingliu::reaches {

/// Time-varying forcing over `steps` intervals of `step_days`: the flows (hydro::FlowForcing, per interval; its
/// wet_month and runoff_index describe the period and are not read by the solver), load patterns and rates.
/// scenarios::dynamic_forcing assembles it for a case from its daily series.
struct DynamicForcing {
    std::size_t steps = 365;
    double step_days = 1.0;
    /// flow.scale (empty: 1) multiplies every reach's headwater and lateral flow at scale 1, flow.base_headwater_m3s
    /// and flow.base_lateral_m3s (empty: the network's headwater_flow_m3s / lateral_flow_m3s), unless the reach has
    /// its own series (flow.reach_series: index into flow.own_headwater_m3s / own_lateral_m3s, or kNone).
    hydro::FlowForcing flow;
    /// Load patterns: per pattern, per interval, a factor multiplying the input's load_gs.
    std::vector<std::vector<double>> load_patterns;
    /// Per input (empty: all constant): pattern index or kNone (constant load).
    std::vector<std::int32_t> input_pattern;
    /// First-order rates at the water temperature (1/d): one entry (constant) or one per interval.
    std::vector<PerConstituent> k_per_d;
};

/// How intervals that are not relaxed are integrated (see the header comment):
///   Auto:        exact exponential (uniformization) of every piece not relaxed;
///   Odeint:      dopri5 when not stiff, rosenbrock4 when stiff;
///   Dopri5, Rosenbrock4: always that stepper.
enum class DynamicStepper { Auto, Odeint, Dopri5, Rosenbrock4 };
enum class DynamicStart { Steady, Empty };

struct DynamicOptions {
    // cells
    double default_dispersion_m2s = 30.0;  ///< used when a reach has no dispersion and its hydraulics give none
    std::vector<double> dispersion_m2s;    ///< per reach (empty or <= 0: not given)
    int min_cells = 1;
    int max_cells = 10;
    std::vector<int> cells;                ///< per reach: fixed number of cells (empty or <= 0: from dispersion)
    // integration
    DynamicStepper stepper = DynamicStepper::Auto;
    double stiff_threshold = 8.0;          ///< Odeint: rosenbrock4 when max rate * step_days exceeds this, else dopri5
    double rel_tol = 1e-8;
    double abs_tol_g = 1e-9;               ///< absolute tolerance on masses (g)
    /// Closed form for an interval whose transient has died out: when at most this share of the mass present at
    /// the interval's start can still be in the reach at its end (0: always integrate).
    double relaxed_tol = 1e-12;
    /// Exact exponential (Auto, stiff intervals): the uniformization series stops once the terms left are at most
    /// this share of the masses (an a-priori bound; 1e-16: to rounding).
    double series_tol = 1e-13;
    DynamicStart start = DynamicStart::Steady;
    /// Longest piece of the exchange between reaches (days; <= 0 or at least forcing.step_days: one piece per
    /// interval). Each reach is driven by its feeders' mean outflow over a piece: an interval of step_days is split
    /// into k = ceil(step_days / exchange_step_d) pieces under the same forcing and the results put back on the
    /// intervals (reach ends: flow-weighted means over the pieces; sections: the sample at the interval's end).
    double exchange_step_d = 0.0;
    // outputs
    bool record_reach_ends = true;         ///< keep the interval concentrations at every reach end
    /// Called once per reach as soon as it is solved (from any thread, concurrently for different reaches) with its
    /// reach-end series, the same numbers record_reach_ends keeps: flow_m3s[s] and conc_mgL[c * steps + s]
    /// (constituent-major), s < steps. Lets a caller stream every reach's year to a file without holding the
    /// network's; independent of record_reach_ends. An exception it throws ends the run.
    std::function<void(std::int32_t reach, const float* flow_m3s, const float* conc_mgL)> reach_series;
    int threads = 0;                       ///< 0: all available; 1: serial
    std::function<void(double)> progress;  ///< fraction of reaches done (may be called from any thread, serialised)
};

/// The cells of one reach.
struct CellLayout {
    int cells = 1;
    double dx_m = 0.0;
    double dispersion_m2s = 0.0;  ///< physical dispersion used for the count
    double numerical_dispersion_m2s = 0.0;  ///< u dx / 2 at the design flow
};

/// Number of cells per reach from length, design velocity and dispersion (see the header comment).
/// design_flow_m3s: flow at the reach's downstream end under design conditions (e.g. SteadyResult::flow_out_m3s).
std::vector<CellLayout> layout_cells(const Network& net, const std::vector<double>& design_flow_m3s,
                                     const DynamicOptions& opt);

struct ReachBudget {
    PerConstituent in_g{};       ///< everything that entered (upstream, headwater, lateral, sources)
    PerConstituent out_g{};      ///< left through the downstream end
    PerConstituent decayed_g{};
    PerConstituent storage_start_g{}, storage_end_g{};
};

struct DynamicResult {
    std::size_t steps = 0;
    double step_days = 1.0;
    std::vector<CellLayout> layout;  ///< per reach
    /// Per reach end, per interval: flow-weighted mean concentration (mg/L), index (s * n + r) * kNumConstituents + c;
    /// empty unless options.record_reach_ends.
    std::vector<float> reach_conc_mgL;
    std::vector<float> reach_flow_m3s;  ///< per reach end, per interval (s * n + r); empty unless record_reach_ends
    /// Per observation, per interval: (s * nobs + o) * kNumConstituents + c, mg/L; flow at the observation (s * nobs + o).
    std::vector<double> obs_conc_mgL;
    std::vector<double> obs_flow_m3s;
    std::vector<ReachBudget> budget;  ///< per reach, over the whole period
    // network totals over the period (g)
    PerConstituent input_g{}, outlet_g{}, decayed_g{};
    PerConstituent storage_start_g{}, storage_end_g{};
    double max_reach_imbalance = 0.0;  ///< max |in - out - decayed - change in storage| / max(in, out, ...) per reach
    double network_imbalance = 0.0;    ///< the same over the whole network (outlets as out)
    // solver statistics
    std::uint64_t steps_taken = 0, steps_rejected = 0;
    /// Reach-constituent intervals by method: closed form (transient died out), dopri5, rosenbrock4, exact exponential.
    std::uint64_t intervals_relaxed = 0, intervals_dopri5 = 0, intervals_rosenbrock4 = 0, intervals_exact = 0;
    double conc(std::size_t step, std::size_t obs, int c) const { return obs_conc_mgL[(step * nobs + obs) * kNumConstituents + c]; }
    /// Every constituent at an observation in an interval.
    PerConstituent conc(std::size_t step, std::size_t obs) const {
        PerConstituent v{};
        for (int c = 0; c < kNumConstituents; ++c) v[c] = conc(step, obs, c);
        return v;
    }
    /// Every constituent at a reach end in an interval (record_reach_ends); index s * reaches + r.
    PerConstituent reach_conc(std::size_t at) const {
        PerConstituent v{};
        for (int c = 0; c < kNumConstituents; ++c) v[c] = reach_conc_mgL[at * kNumConstituents + c];
        return v;
    }
    std::size_t nobs = 0;
};

/// Runs the dynamic model. Inputs and observations as for solve_steady. Throws ModelError for a reach that receives
/// load but carries no water, for a transfer larger than its supply, for a zero velocity and for solver failures
/// (naming reach, time and step).
DynamicResult solve_dynamic(const Network& net, const std::vector<PointInput>& inputs,
                            const std::vector<Observation>& observations, const DynamicForcing& forcing,
                            const DynamicOptions& options);

/// The pieces each interval of `forcing` is solved in (options.exchange_step_d; 1: none).
std::size_t exchange_pieces(const DynamicForcing& forcing, const DynamicOptions& options);

/// Compliance of one section over a dynamic run, judged like monitoring: monthly means and their classes, the
/// annual mean and its class (GB 3838-2002 single-factor evaluation), and the share of days and of months whose
/// class meets the target.
struct SectionCompliance {
    std::array<PerConstituent, 12> monthly_mean_mgL{};  ///< months without days: 0
    std::array<int, 12> monthly_class{};                ///< 0: month not simulated
    std::array<int, 12> monthly_days{};
    PerConstituent annual_mean_mgL{};
    int annual_class = 0;
    bool annual_meets = false;
    int days = 0, days_meeting = 0, months = 0, months_meeting = 0;
    double share_days() const { return days ? static_cast<double>(days_meeting) / days : 0.0; }
    double share_months() const { return months ? static_cast<double>(months_meeting) / months : 0.0; }
};

/// month_of_step: 1..12 per interval. Observation o of the run is section o (scenarios::observations order).
std::vector<SectionCompliance> section_compliance(const DynamicResult& res, const std::vector<Section>& sections,
                                                  const ClassTable& table, const std::vector<int>& month_of_step);

}  // namespace qingliu::reaches
