// The kinetics of reaches/kinetics.hpp solved by their Taylor series, oxygen effects included.
//
// Over a segment in a variable s (distance in m in plug flow, time in d for a parcel or a cell), with loads
// L (g/s; or mg/L with a unit flow) and the water's flow Q(s) = q0 + q1 s:
//     dL_i/ds = sum_p yield_p,i rate_p(s) + inflow_i,
//     rate_p  = kappa_p g_p(o) L_from(p) + rho_p Q(s),   o = L_DO / Q(s)
// with kappa_p, rho_p the process table's k and r0 scaled to s (1/(86400 u) in plug flow), and g_p the oxygen gate of
// the process: f_c(o) for CBOD oxidation, f_n(o) for nitrification, 1 - f_dn(o) for denitrification, 1 otherwise.
// The solution is analytic in s, so on a substep of length tau it is its Taylor series, whose coefficients follow
// from the equation term by term (b_k: coefficient of (s/tau)^k):
//     b_i,k+1 = tau/(k+1) [sum_p yield_p,i (kappa_p (G_p * b_from)_k + rho_p Q_k) + inflow_i delta_k0]
//     o_k = (b_DO,k - q1 tau o_k-1) / q0                     (o Q = L_DO)
//     exponential   f = 1 - E, E = exp(-K o):  E_k = -(K/k) sum_j=1..k j o_j E_k-j
//     half-sat.     f (K + o) = o:             f_k = (o_k - sum_j=1..k o_j f_k-j) / (K + o_0)
//     second order  f (K + o^2) = o^2:         f_k = (p_k - sum_j=1..k p_j f_k-j) / (K + p_0),  p = o * o
// ((a * b)_k = sum_j a_j b_k-j, the product of series). The series carries only the species the oxygen-dependent
// rates reach (DO, the gated processes' species and every species a process of these draws on or feeds: with
// QUAL2K's defaults organic N, NH3-N, NO3-N, CBOD and DO); the others form a linear system independent of DO (with
// the defaults CODMn, COD, organic and inorganic P), a second series of their own over the segment (no gates, so
// substeps of nu tau <= 5; the same end criterion). The arrays of
// the series are sized to the species it carries (a template on their number). Substep lengths: nu tau <= 2 (5 where no
// rate depends on DO), nu the largest first-order loss of a species of the series other than DO plus the oxygen
// sensitivity of the gated rates; K |do/ds| tau <= 2 (the DO change on the gates' scale K); |q1| tau <= q0/2 (the
// series of 1/Q); and lambda tau (lambda = DO's reaeration loss, the stiff one) small until DO's transient has died
// out, then up to 24, as far as the cancellation of the terms allows: a substep is accepted when the sum of |terms| of
// every species is within 1e3 of its value (rounding below 1e-13 of it). A segment's first substep is short (K |do/ds|
// tau <= 0.5, lambda tau <= 2); each next one grows from the terms the last took (k terms to 1e-13: the radius of
// convergence ~ tau 10^(13/k), then ~32 terms), 1 to 4 times the last. The series is summed until two successive terms
// of every species are below 1e-13 of its scale (agreement with the general solve as at 2e-16, 10 % fewer
// instructions; at 1e-12 the process integrals drift to 3e-9), at most 96 terms; a series that does not converge (or diverges: a complex singularity of the nonlinear solution within the
// substep) is retried on half the substep; a try is abandoned as soon as its terms, past the peak of the stiff ones,
// shrink too slowly (the ratio of the last 8) to end within 96 terms, since a try costs ~terms^2 in the products of
// series.
// The products of the gated rates, (G * L_from)_k, are summed in one pass over each gate's series for all the
// processes that share it. With QUAL2K's defaults (one exponential gate E = exp(-K o) for CBOD oxidation,
// nitrification and, as 1 - f = E, denitrification) the gate's recurrence and the three products are one 4-lane
// sum per term, sum_i E_i (j o, L_from0, L_from1, L_from2)_k-i, and the terms are regrouped so that one term waits on
// the last through two multiply-adds and a matrix-vector product: the gate's term 0, fixed within a substep, joins
// the ungated columns, and E_k = P_k + beta L_DO,k with P_k from earlier terms (reaches/kinetics_series_shared.hpp);
// the species stay side by side in two 4-lane vectors from term to term. In 256-bit registers where the processor
// has AVX2 and FMA (the kernel compiled for them, chosen at run time), else the generic build of the same source;
// the two agree to rounding (test: 1e-11), and so do the regrouped terms and the general ones (test: 1e-11). The
// result is the nonlinear ODE's solution to about 1e-12 (tests: against Odeint at 1e-13 and the extrapolated frozen
// solve at 1e-13, agreement 1e-9 and 1e-10). Each process's integral is the integral of its rate series, so that
// L(h) - L(0) = sum_p yield_p processed_p + inflow h holds term by term: N and P are conserved by construction.
//
// The gates are clamped at o = 0 (f = 0 below), which is not analytic there. Each substep's DO is sampled at 32
// points; where it crosses 0 the substep is cut at the root (bisection to 1e-15 of the substep), and the solve goes on
// from there on the side dDO/ds points to; below 0 the gates are constants (no oxidation or nitrification, full
// denitrification) and the system linear. Crossings and returns within 1/32 of a substep would be missed (DO would
// have to dip below 0 and back within ~1/32 of an e-folding). Should a substep not converge after 60 halvings,
// solve_series reports failure and the caller falls back to the extrapolated frozen solve of kinetics.hpp.
#pragma once
#include "reaches/kinetics.hpp"

namespace qingliu::reaches::wq {

/// The kinetics at one temperature, assembled once: per segment only the depth, the reaeration and the DO
/// saturation change. Tables come with their oxygen gates unapplied (k at full rate).
class KineticsAt {
public:
    KineticsAt(const Parameters& p, double temperature_c);
    /// The process table (rates per day, gates not applied) for a reach of depth H with reaeration ka20 (1/d at
    /// 20 degC), DO saturation os and SOD at 20 degC (< 0: the parameter default). Equal to process_table with the
    /// oxygen effects off, to rounding.
    ProcessTable table(double depth_m, double ka20_per_d, double os_mgL, double sod20_g_m2_d) const;
    ProcessTable table(const Environment& env) const {
        return table(env.depth_m, env.ka20_per_d, env.os_mgL, env.sod_g_m2_d);
    }
    const Parameters& params() const { return p_; }
    bool oxygen_dependent() const { return oxygen_dependent_; }

private:
    Parameters p_;
    ProcessTable unit_;       ///< at depth 1 m, ka20 = 1, os = 1 and SOD20 = 1
    double sod_default_ = 0;  ///< the parameter's SOD at temperature (g/m2/d)
    bool oxygen_dependent_ = false;
};

/// The species the oxygen-dependent rates reach, which the series carries: DO, the species of the gated processes
/// and every species that a process of these draws on or feeds. The others form a linear system that does not
/// depend on DO (with QUAL2K's defaults CODMn, COD, organic and inorganic P) and is carried by a series of its own
/// (solve_series_as). Without oxygen effects the series carries every species.
struct SeriesSplit {
    int n = 0;                       ///< species in the series
    int idx[kNumSpecies] = {};       ///< their index in State, ascending (DO last)
    bool series[kNumSpecies] = {};   ///< species in the series
    bool process[kNumProcesses] = {};   ///< process acts on the series' species (else on the others' only)
    bool rest = false;               ///< some species are left to a series of their own (solve_series_as)
};
/// The split for the process table (gates not applied) and the oxygen effects of par.
SeriesSplit split_species(const Parameters& par, const ProcessTable& table);

/// One segment for solve_series (see the file comment).
struct SeriesSegment {
    const ProcessTable* table = nullptr;  ///< gates not applied (KineticsAt::table)
    double scale = 1.0;                   ///< s per day in the table's rates: 1/(86400 u) in plug flow, 1 in time
    double q0 = 1.0, q1 = 0.0;            ///< flow at s = 0 and its growth per unit s
    State inflow{};                       ///< external input per unit s (lateral loads)
    double length = 0.0;
};

/// A plug-flow segment in s = distance (m): the table's rates per day scaled by 1/(86400 u), flows and lateral loads
/// per metre as given. The table must outlive the result.
SeriesSegment plug_series_segment(const ProcessTable& table, const PlugSegment& seg);

/// The solution at s = length from y0, with each process's integral. Returns false (out unspecified) when a substep
/// does not converge (see the file comment); the caller then uses solve_frozen.
bool solve_series(const Parameters& p, const SeriesSegment& seg, const State& y0, AffineSolution& out);
/// The build of the series' terms solve_series_as runs: the one this processor runs (AVX2 and FMA where it has them),
/// the generic build (as on a processor without them), or the generic build without the regrouping of the terms for
/// QUAL2K's default gates (each gate's series and products as for any gates). The three are tested against each other.
enum class SeriesKernel { Native, Generic, Ungrouped };
/// solve_series with the series' terms computed by the given build.
bool solve_series_as(const Parameters& p, const SeriesSegment& seg, const State& y0, AffineSolution& out,
                     SeriesKernel kernel);

}  // namespace qingliu::reaches::wq

namespace qingliu::reaches::wq {

/// dy/dt of the full kinetics at y from a table with its gates unapplied (KineticsAt::table): derivative() without
/// assembling the table again. rates (optional): each process's rate (mg/L/d).
State derivative_at(const Parameters& p, const ProcessTable& table, const State& y, PerProcess* rates = nullptr);

/// solve_mixed_element from a table with its gates unapplied (KineticsAt::table); the same algorithm and result.
MixedElement mixed_element_at(const Parameters& p, const ProcessTable& table, const State& load_in_gs,
                              double flow_m3s, double volume_m3);

}  // namespace qingliu::reaches::wq
