// The cells of one reach over one interval of the dynamic solver (reaches/dynamic.hpp): pure rate functions, the
// odeint system and its Jacobian, the closed forms for steady and relaxed intervals and the exact solution of stiff
// intervals. Internal to the reaches module.
#pragma once
#ifndef BOOST_UBLAS_NDEBUG
#define BOOST_UBLAS_NDEBUG 1
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/numeric/odeint.hpp>

#include "common/constituent.hpp"
#include "common/error.hpp"
#include "hydro/hydraulics.hpp"
#include "reaches/dynamic.hpp"

namespace qingliu::reaches::cells {
namespace odeint = boost::numeric::odeint;

inline std::string fmt(double v) {
    char b[48];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

// Velocity of a reach as a power of the flow, u = e^{ln c + e ln Q}: hydraulic geometry u = a Q^b, and Manning's wide
// channel u = Q / (B H), H = (n Q / (B S^0.5))^(3/5), i.e. u = Q^(2/5) / (B (n / (B S^0.5))^(3/5)) (the same
// formulas as hydro::Hydraulics, equal to them to rounding). One log and one exp per cell and interval instead of pow
// (and Manning's square root and divisions): the velocity of every cell every day is a tenth of the solve.
// A trapezoidal channel (QUAL2K's Manning reaches) has no such power: its velocity is the hydraulics' own.
struct PowerVelocity {
    explicit PowerVelocity(const hydro::Hydraulics& h)
        : constant(h.kind == hydro::Hydraulics::Kind::Constant), u0(h.velocity_ms),
          general(h.kind == hydro::Hydraulics::Kind::Trapezoid ? &h : nullptr) {
        if (h.kind == hydro::Hydraulics::Kind::Geometry) {
            ln_c = std::log(h.a);
            e = h.b;
        } else if (h.kind == hydro::Hydraulics::Kind::Manning) {
            ln_c = -std::log(h.width_m) - 0.6 * std::log(h.manning_n / (h.width_m * std::sqrt(h.slope)));
            e = 0.4;
        }
    }
    double operator()(double q_m3s) const {
        if (general) return general->velocity(q_m3s);
        return constant ? u0 : std::exp(ln_c + e * std::log(q_m3s));
    }
    /// The velocities of n cells (flows q, each > 0; q and u hold a multiple of 4 kGroups values, the flows past n
    /// set to 1), 4 kGroups at a time (exp_quads, ln_quads; the library's where a flow is not a normal number or an
    /// exponent leaves +-700).
    [[gnu::always_inline]] inline void lanes(int n, const double* q, double* u) const;
    bool constant;
    double u0;
    const hydro::Hydraulics* general;
    double ln_c = 0.0, e = 0.0;
};

// The forcing of a reach (reaches/dynamic.hpp, DynamicForcing): the flow scale of an interval and the base flows.
inline double flow_scale(const DynamicForcing& f, std::size_t s) { return f.flow.scale.empty() ? 1.0 : f.flow.scale[s]; }
inline double base_headwater(const DynamicForcing& f, const Network& net, std::size_t r) {
    return f.flow.base_headwater_m3s.empty() ? net.headwater_flow_m3s[r] : f.flow.base_headwater_m3s[r];
}
inline double base_lateral(const DynamicForcing& f, const Network& net, std::size_t r) {
    return f.flow.base_lateral_m3s.empty() ? net.lateral_flow_m3s[r] : f.flow.base_lateral_m3s[r];
}
/// The reach-end series from a reach-major staging array (reach r's flow at [r * 4S + s], constituent c at
/// [r * 4S + (1 + c) S + s]) into DynamicResult's interval-major arrays (flow[s * N + r], conc[(s * N + r) * 3 + c]),
/// in tiles of 64 reaches by 64 intervals, on `threads` threads (0: all).
void reach_ends_interval_major(const float* by_reach, std::size_t N, std::size_t S, int threads, std::vector<float>& flow,
                               std::vector<float>& conc);
/// Network totals and the mass-balance audits of a run from its reach budgets and each reach's external input and
/// mass to outlets.
void audit_budgets(DynamicResult& res, const std::vector<PerConstituent>& external_in_g, const std::vector<PerConstituent>& outlet_g);
/// Forcing series must match the intervals, the reaches and the inputs (ModelError otherwise).
void check_forcing(const Network& net, const std::vector<PointInput>& inputs, const DynamicForcing& forcing);
/// Design flows for the cell layout: the first interval's flows, routed as in the steady model.
std::vector<double> first_interval_flows(const Network& net, const std::vector<PointInput>& inputs, const DynamicForcing& forcing);

// ---------------------------------------------------------------------------------------------------------------
// Pure rate functions and the odeint system of one reach over one interval (coefficients constant).
// The cells' state holds the three constituents of a cell side by side in kLanes slots (the fourth always 0):
// [i * kLanes + c] cell masses i < n, [n * kLanes + c] mass out, [(n + 1) * kLanes + c] decayed. The odeint system
// takes one constituent at a time, gathered as [i] cells, [n] out, [n + 1] decayed.
constexpr int kLanes = 4;

/// Transport of mass out of a cell (g/d): r M, r = 86400 u / dx.
inline double transport_rate(double r_per_d, double mass_g) { return r_per_d * mass_g; }
/// First-order loss (g/d): k M.
inline double loss_rate(double k_per_d, double mass_g) { return k_per_d * mass_g; }

struct CellSystem {
    int n = 1;
    const double* r = nullptr;  // per cell, 1/d
    double k = 0.0;             // 1/d
    const double* w = nullptr;  // per cell, g/d (w[i * kLanes])

    template <class State>
    void operator()(const State& x, State& dxdt, double /*t*/) const {
        double from_above = 0.0, lost = 0.0;
        for (int i = 0; i < n; ++i) {
            const double m = x[i];
            const double out = transport_rate(r[i], m);
            const double loss = loss_rate(k, m);
            dxdt[i] = w[i * kLanes] + from_above - out - loss;
            from_above = out;
            lost += loss;
        }
        dxdt[n] = from_above;
        dxdt[n + 1] = lost;
    }
};

/// Exact Jacobian for rosenbrock4 (the system is linear, so it is constant within an interval).
struct CellJacobian {
    CellSystem sys;
    template <class State, class Matrix>
    void operator()(const State& /*x*/, Matrix& J, const double& /*t*/, State& dfdt) const {
        const int n = sys.n;
        J.clear();
        for (int i = 0; i < n; ++i) {
            J(i, i) = -(sys.r[i] + sys.k);
            if (i > 0) J(i, i - 1) = sys.r[i - 1];
            J(n + 1, i) = sys.k;
        }
        J(n, n - 1) = sys.r[n - 1];
        for (std::size_t i = 0; i < dfdt.size(); ++i) dfdt[i] = 0.0;
    }
};

// The three constituents of a cell side by side with a fourth slot (GCC/Clang vector extension): one AVX register
// where the code is compiled for AVX2 (the per-interval loop of reaches/dynamic.cpp and the series are, chosen at run
// time), two SSE2 or NEON registers otherwise. Unaligned loads allowed. No fused multiply-add outside the series
// (series_part in dynamic_cells.cpp), so either build gives the same bits as the scalar arithmetic lane by lane there.
#pragma GCC diagnostic ignored "-Wpsabi"  // the helpers below are always inlined: no call passes a Quad
typedef double Quad __attribute__((vector_size(32), aligned(8)));
typedef long long QuadBits __attribute__((vector_size(32), aligned(8)));

[[gnu::always_inline]] inline Quad load_quad(const double* p) { return *reinterpret_cast<const Quad*>(p); }
[[gnu::always_inline]] inline void store_quad(double* p, Quad v) { *reinterpret_cast<Quad*>(p) = v; }
[[gnu::always_inline]] inline Quad splat(double v) { return Quad{v, v, v, v}; }

// exp and ln on four lanes at once, for the velocities of a reach's cells (PowerVelocity::lanes), without library
// calls, within a few units in the last place of the library's (tested in tests/reaches/test_dynamic_kernels.cpp).
//   ln q:  q = 2^e m with m in [1/sqrt 2, sqrt 2), s = (m - 1)/(m + 1), ln m = 2 atanh s = 2 sum_k s^(2k+1)/(2k+1)
//          (|s| <= 0.1716, s^2 <= 0.0295: the terms after s^21 are below 1e-17 of the sum), ln q = e ln 2 + ln m with
//          ln 2 in two parts (Cody & Waite 1980, Software Manual for the Elementary Functions, ch. 5-6).
//   e^x:   x = k ln 2 + t, k = round(x / ln 2), |t| <= 0.347, e^t by its Taylor series to t^13 (the rest below
//          4e-18), times 2^k by adding k to the exponent bits; for |x| < 700 (elsewhere the library's exp).
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 to 32 bits (Cody & Waite), exact in k * kLn2Hi
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
constexpr double kRoundMagic = 6755399441055744.0;     // 1.5 * 2^52: x + it rounds x to an integer in the low bits

// Each on kGroups quads at once (independent chains, so their latencies overlap), polynomials by Estrin's scheme.
constexpr int kGroups = 3;  // 12 cells per pass (the default max_cells is 10)

[[gnu::always_inline]] inline void ln_quads(const Quad* q, Quad* out) {
    Quad s[kGroups], z[kGroups], ed[kGroups];
    for (int g = 0; g < kGroups; ++g) {
        const QuadBits bits = reinterpret_cast<QuadBits>(q[g]);
        QuadBits e = (bits >> 52) - 1023;
        QuadBits mbits = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;  // m in [1, 2)
        const QuadBits big = mbits > 0x3ff6a09e667f3bcdLL;                       // m > sqrt 2 (all ones where true)
        mbits -= big & 0x0010000000000000LL;                                     // m / 2
        e -= big;                                                                // e + 1 where halved
        const Quad m = reinterpret_cast<Quad>(mbits);
        s[g] = (m - 1.0) / (m + 1.0);
        z[g] = s[g] * s[g];
        ed[g] = reinterpret_cast<Quad>(e + 0x4338000000000000LL) - kRoundMagic;  // e as a double (|e| < 2^51)
    }
    // sum_{k<=10} z^k / (2k + 1)
    constexpr double c[11] = {1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};
    for (int g = 0; g < kGroups; ++g) {
        const Quad z1 = z[g], z2 = z1 * z1, z4 = z2 * z2, z8 = z4 * z4;
        const Quad q0 = (c[0] + c[1] * z1) + (c[2] + c[3] * z1) * z2, q1 = (c[4] + c[5] * z1) + (c[6] + c[7] * z1) * z2;
        const Quad q2 = (c[8] + c[9] * z1) + c[10] * z2;
        const Quad p = (q0 + q1 * z4) + q2 * z8;
        out[g] = ed[g] * kLn2Hi + (ed[g] * kLn2Lo + 2.0 * s[g] * p);
    }
}

[[gnu::always_inline]] inline void exp_quads(const Quad* x, Quad* out) {
    constexpr double c[14] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
                              1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
    for (int g = 0; g < kGroups; ++g) {
        const Quad shifted = x[g] * (1.0 / 0.69314718055994530942) + kRoundMagic;
        const Quad kd = shifted - kRoundMagic;
        const QuadBits k = reinterpret_cast<QuadBits>(shifted) - 0x4338000000000000LL;
        const Quad t = (x[g] - kd * kLn2Hi) - kd * kLn2Lo;
        const Quad t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
        const Quad q0 = (c[0] + c[1] * t) + (c[2] + c[3] * t) * t2, q1 = (c[4] + c[5] * t) + (c[6] + c[7] * t) * t2;
        const Quad q2 = (c[8] + c[9] * t) + (c[10] + c[11] * t) * t2, q3 = c[12] + c[13] * t;
        const Quad p = (q0 + q1 * t4) + (q2 + q3 * t4) * t8;
        out[g] = reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(p) + (k << 52));
    }
}

inline void PowerVelocity::lanes(int n, const double* q, double* u) const {
    if (constant) {
        for (int i = 0; i < n; ++i) u[i] = u0;
        return;
    }
    if (general) {
        for (int i = 0; i < n; ++i) u[i] = general->velocity(q[i]);
        return;
    }
    constexpr double kMin = 2.2250738585072014e-308, kMax = 1.7976931348623157e308;  // normal numbers
    for (int i = 0; i < n; i += 4 * kGroups) {
        Quad qv[kGroups], x[kGroups], v[kGroups];
        QuadBits ok = {-1, -1, -1, -1};
        for (int g = 0; g < kGroups; ++g) {
            qv[g] = load_quad(q + i + 4 * g);
            ok &= (qv[g] >= kMin) & (qv[g] <= kMax);
        }
        ln_quads(qv, x);
        for (int g = 0; g < kGroups; ++g) {
            x[g] = ln_c + e * x[g];
            ok &= (x[g] > -700.0) & (x[g] < 700.0);
        }
        exp_quads(x, v);
        if (ok[0] && ok[1] && ok[2] && ok[3]) {
            for (int g = 0; g < kGroups; ++g) store_quad(u + i + 4 * g, v[g]);
        } else {
            for (int l = i; l < std::min(n, i + 4 * kGroups); ++l) u[l] = (*this)(q[l]);
        }
    }
}

/// Upper bound on the share of the mass present at an interval's start that is still in the reach after h days:
/// mass moves through the cells as a Markov chain, so its residence time is a sum of exponential stages with rates
/// r_i + k >= lam_min, stochastically no longer than Erlang(n, lam_min):
///     share <= P(Erlang(n, lam_min) > h) = sum_{j<n} e^{-lam_min h} (lam_min h)^j / j!
/// Here from a = lam_min h and e^{-a}, which the caller computes as e^{-r_min h} e^{-k h} (one exponential per reach
/// and interval for the three constituents).
inline double residual_share(int n, double a, double exp_minus_a) {
    double term = exp_minus_a, sum = term;
    for (int j = 1; j < n; ++j) {
        term *= a * (1.0 / j);  // a / j as relaxed_lanes forms it (a scalar reciprocal, then one product per lane)
        sum += term;
    }
    return sum;
}

/// residual_share(n, a[c], e[c]) <= tol for the lanes c < 3 at once (relaxed[c]); the same sums term by term, stopped
/// as soon as every lane's partial sum exceeds tol (the sums only grow), so the answers are those of residual_share.
[[gnu::always_inline]] inline void relaxed_lanes(int n, const double* a, const double* e, double tol, bool* relaxed) {
    const Quad av = load_quad(a);
    Quad term = load_quad(e), sum = term;
    const Quad tv = splat(tol);
    for (int j = 1; j < n; ++j) {
        const QuadBits above = sum > tv;
        if (above[0] & above[1] & above[2]) break;
        term *= av * splat(1.0 / j);
        sum += term;
    }
    for (int c = 0; c < 3; ++c) relaxed[c] = sum[c] <= tv[c];
}

/// Where the relaxed test's answer is known before its sum. The share P(Erlang(n, lam) > h) falls as lam grows, so
/// for each n one a* = lam h has share tol; relaxed_bounds gives, per n (index n, n < lo.size()), a_lo < a* < a_hi
/// with share(a_lo) >= tol (1 + 1e-6) and share(a_hi) <= tol (1 - 1e-6), evaluated in long double. The sum
/// residual_share forms in double is within a few 1e-14 of the share (for e within a few ulps of e^{-a} and a below
/// 10^4), far inside that margin, so it is at most tol for every a >= a_hi and above it for 0 <= a <= a_lo: the
/// caller skips the sum (and the exponential e^{-a}) for those a and forms it only for a in (a_lo, a_hi), about
/// 1e-6 of a* wide. No bounds (an empty table) when tol is not in [1e-200, 1) or n exceeds max_n.
struct RelaxedBounds {
    std::vector<double> lo, hi;
    /// 1: relaxed, 0: not relaxed, -1: not known without the sum.
    int known(int n, double a) const {
        if (static_cast<std::size_t>(n) >= hi.size()) return -1;
        if (a >= hi[n]) return 1;
        if (a >= 0.0 && a <= lo[n]) return 0;
        return -1;
    }
};
RelaxedBounds relaxed_bounds(int max_n, double tol);

/// Steady masses of the cells for every constituent, M_ss = -A^{-1} W with A the (lower bidiagonal) rate matrix;
/// cells in series:
///     M_i = (r_{i-1} M_{i-1} + W_i) / (r_i + k).
/// k, w (inputs per cell, g/d), inv and mss in lanes ([i * kLanes + c]); inv receives 1 / (r_i + k_c), which
/// end_interval uses again. The divisions are independent of each other; the chain from cell to cell carries the
/// mass flow into the next cell, T_i = r_i M_i = g_i (T_{i-1} + W_i) with g_i = r_i / (r_i + k) = r_i inv_i formed
/// beside it, as g_i T_{i-1} + g_i W_i (one multiply and an add on the chain, one fused multiply-add where the
/// processor has it). Where given, g (in lanes) receives the g_i for end_interval.
[[gnu::always_inline]] inline void steady_cells(int n, const double* r, const double* k, const double* w, double* inv, double* mss,
                                                double* g_out = nullptr) {
    const Quad kv = load_quad(k), one = splat(1.0);
    for (int i = 0; i < n; ++i) store_quad(inv + i * kLanes, one / (splat(r[i]) + kv));
    Quad above = splat(0.0);
    for (int i = 0; i < n; ++i) {
        const Quad iv = load_quad(inv + i * kLanes), wi = load_quad(w + i * kLanes), g = splat(r[i]) * iv;
        store_quad(mss + i * kLanes, (above + wi) * iv);
        if (g_out) store_quad(g_out + i * kLanes, g);
        above = g * above + g * wi;
    }
}

/// Ends an interval once the masses at its end, M(h), are known: x holds M0 (and the two pools, set to 0 at the
/// interval's start) on entry, lanes as in steady_cells. Since A M + W = dM/dt,
///     int_0^h M dt = M_ss h + y,   A y = M(h) - M0,
/// with y by forward substitution: r_{i-1} y_{i-1} - (r_i + k) y_i = M_i(h) - M0_i (the chain carrying
/// r_i y_i = g_i r_{i-1} y_{i-1} - g_i (M_i(h) - M0_i), g_i as in steady_cells). Then out = r_{n-1} int M_{n-1},
/// decayed = k sum int M_i, and in - out - decayed = M(h) - M0 holds as an identity (the columns of A sum to -k, the
/// last to -(r_{n-1} + k)), so mass is conserved to rounding however M(h) was approximated. Only the lanes with
/// use[c] are written. g: the g_i as steady_cells gives them (g_out), or null (then formed here, the same products).
[[gnu::always_inline]] inline void end_interval(int n, const double* r, const double* k, const double* inv, const double* g_in, double h,
                                                const double* mss, const double* mh, const bool* use, double* x) {
    Quad above_y = splat(0.0), integral_all = splat(0.0), integral = splat(0.0);
    const Quad hv = splat(h);
    const bool all = use[0] && use[1] && use[2];
    for (int i = 0; i < n; ++i) {
        const int v = i * kLanes;
        const Quad iv = load_quad(inv + v), g = g_in ? load_quad(g_in + v) : splat(r[i]) * iv, mhv = load_quad(mh + v);
        const Quad dm = mhv - load_quad(x + v);
        const Quad y = (above_y - dm) * iv;
        integral = load_quad(mss + v) * hv + y;
        above_y = g * above_y - g * dm;
        integral_all += integral;
        if (all) store_quad(x + v, mhv);  // M0 read above, M(h) in its place
    }
    if (all) {
        store_quad(x + n * kLanes, load_quad(x + n * kLanes) + splat(r[n - 1]) * integral);
        store_quad(x + (n + 1) * kLanes, load_quad(x + (n + 1) * kLanes) + load_quad(k) * integral_all);
        return;
    }
    for (int c = 0; c < kLanes; ++c) {
        if (!use[c]) continue;
        for (int i = 0; i < n; ++i) x[i * kLanes + c] = mh[i * kLanes + c];
        x[n * kLanes + c] += r[n - 1] * integral[c];
        x[(n + 1) * kLanes + c] += k[c] * integral_all[c];
    }
}

/// Uniformization rate times part length above which a stiff interval is split into parts (e^{-L h} stays far from
/// underflow, 1e-261 at 600).
constexpr double kMaxSeriesRate = 600.0;

/// Exact solution over an interval for the linear cells, the three constituents together (used for stiff intervals in
/// Auto mode). With A_0 the transport matrix (lower bidiagonal: -r_i on the diagonal, r_i below it), constituent c has
/// A_c = A_0 - k_c I, so e^{A_c t} = e^{-k_c t} e^{A_0 t} and one series serves all three. With M_ss = -A_c^{-1} W_c and
/// d = M0 - M_ss,
///     M(h) = M_ss + e^{-k_c h} e^{A_0 h} d,      int_0^h M dt = M_ss h + A_c^{-1} (M(h) - M0)   (end_interval),
/// where e^{A_0 h} d is evaluated by uniformization (Jensen 1953; Grassmann 1977): with L = max_i r_i and the
/// non-negative matrix P = I + A_0/L,
///     e^{A_0 h} d = sum_j Pois(j; L h) P^j d.
/// P is substochastic (columns sum to at most 1), so |P^j d|_1 never grows with j: the terms after j add at most
/// (1 - sum_{m<=j} Pois(m)) |P^j d|_1. The series stops when that, or the Poisson tail alone, is below `tol` of the
/// masses (a bound known before the terms are added, so the truncation error of M(h) is at most tol times the
/// masses per constituent); cells of nearly equal rates make P nearly nilpotent (P^n = 0 when all rates are equal),
/// so it usually stops after little more than n terms. Intervals with L h > kMaxSeriesRate are split into equal
/// parts. The series runs on the three constituents of a cell at once (AVX2 and fused multiply-adds where the
/// processor has them, two cells to a 512-bit register where it has AVX-512F; the same terms either way, the
/// stopping norm summed in another order up to 12 cells).
/// mss: steady masses, mh: on entry M0, on return M(h), both in lanes ([i * kLanes + c]); a lane whose M0 equals its
/// M_ss ends at M_ss (that is how a caller leaves a constituent out). exp_kh[c] = e^{-k_c h}.
/// True when the processor has AVX2 and FMA (then the per-interval loop and the series run on 256-bit registers).
bool has_avx2();
/// True when it also has AVX-512F: the series' terms then take two cells to a 512-bit register.
bool has_avx512();

/// Which build of the series' terms exact_transient runs: Auto, the widest the processor has; Avx512 and Avx2 form the
/// same terms (falling back to the next narrower where the processor lacks one; up to 12 cells Avx512 sums the
/// stopping norm in another order, which can move the stop by a term where the test is at its tolerance, a change of
/// at most tol of the masses); Generic has no fused multiply-adds, so it differs from them in the last bits.
enum class SeriesKernel { Auto, Generic, Avx2, Avx512 };

/// r_max: the largest r_i (L), which the caller has from the interval's rates.
void exact_transient(int n, const double* r, double r_max, const double* k, const double* exp_kh, double h, const double* mss,
                     double* mh, std::vector<double>& work, double tol, SeriesKernel kernel = SeriesKernel::Auto);

// Integrates one interval with a controlled stepper, restarting at its start. Throws ModelError on failure.
template <class Stepper, class System, class State>
void integrate_interval(Stepper& stepper, System sys, State& x, double T, double& dt, const std::string& reach, double t0_d,
                        std::uint64_t& taken, std::uint64_t& rejected) {
    double t = 0.0;
    int fails = 0;
    dt = std::min(dt, T);
    while (t < T * (1.0 - 1e-13)) {
        double h = std::min(dt, T - t);
        const bool clipped = h < dt;
        const double h_try = h;
        const odeint::controlled_step_result r = stepper.try_step(sys, x, t, h);
        if (r == odeint::success) {
            ++taken;
            fails = 0;
            dt = clipped ? std::max(dt, h) : h;  // keep the controller's suggestion across a clipped last step
        } else {
            ++rejected;
            dt = h;
            if (++fails > 200 || !(h > 1e-12 * T) || !std::isfinite(h))
                throw ModelError("dynamic solver failed on reach " + reach + " at day " + fmt(t0_d + t) +
                                 ": step size " + fmt(h_try) + " d rejected " + std::to_string(fails) +
                                 " times (last suggestion " + fmt(h) + " d)");
        }
    }
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i]))
            throw ModelError("dynamic solver failed on reach " + reach + " at day " + fmt(t0_d + T) +
                             ": state is not finite after a step of " + fmt(dt) + " d");
}

}  // namespace qingliu::reaches::cells
