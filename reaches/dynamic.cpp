#include "reaches/dynamic.hpp"

#ifndef BOOST_UBLAS_NDEBUG
#define BOOST_UBLAS_NDEBUG 1
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <numeric>

#include <boost/numeric/odeint.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"
#include "reaches/steady.hpp"

namespace qingliu::reaches {
namespace odeint = boost::numeric::odeint;

namespace {

constexpr double kGravity = 9.81;  // m/s2

std::string fmt(double v) {
    char b[48];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

// ---------------------------------------------------------------------------------------------------------------
// Pure rate functions and the odeint system of one reach over one interval (coefficients constant).
// State layout per constituent c: [c*(n+2) + i] cell masses i < n, [c*(n+2) + n] mass out, [c*(n+2) + n+1] decayed.

/// Transport of mass out of a cell (g/d): r M, r = 86400 u / dx.
inline double transport_rate(double r_per_d, double mass_g) { return r_per_d * mass_g; }
/// First-order loss (g/d): k M.
inline double loss_rate(double k_per_d, double mass_g) { return k_per_d * mass_g; }

struct CellSystem {
    int n = 1;
    const double* r = nullptr;  // per cell, 1/d
    double k = 0.0;             // 1/d
    const double* w = nullptr;  // per cell, g/d (w[i * 3])

    template <class State>
    void operator()(const State& x, State& dxdt, double /*t*/) const {
        double from_above = 0.0, lost = 0.0;
        for (int i = 0; i < n; ++i) {
            const double m = x[i];
            const double out = transport_rate(r[i], m);
            const double loss = loss_rate(k, m);
            dxdt[i] = w[i * 3] + from_above - out - loss;
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

/// Upper bound on the share of the mass present at an interval's start that is still in the reach after h days:
/// mass moves through the cells as a Markov chain, so its residence time is a sum of exponential stages with rates
/// r_i + k >= lam_min, stochastically no longer than Erlang(n, lam_min):
///     share <= P(Erlang(n, lam_min) > h) = sum_{j<n} e^{-lam_min h} (lam_min h)^j / j!
double residual_share(int n, double lam_min, double h) {
    const double a = lam_min * h;
    double term = std::exp(-a), sum = term;
    for (int j = 1; j < n; ++j) {
        term *= a / j;
        sum += term;
    }
    return sum;
}

/// Steady masses of the cells, M_ss = -A^{-1} W with A the (lower bidiagonal) rate matrix; cells in series:
///     M_i = (r_{i-1} M_{i-1} + W_i) / (r_i + k).
/// w: inputs per cell (g/d) at w[i * 3].
void steady_cells(int n, const double* r, double k, const double* w, double* mss) {
    double above = 0.0;
    for (int i = 0; i < n; ++i) {
        mss[i] = (above + w[i * 3]) / (r[i] + k);
        above = r[i] * mss[i];
    }
}

/// Ends an interval once the masses at its end, M(h), are known: x holds M0 (and the two pools) on entry. Since
/// A M + W = dM/dt,
///     int_0^h M dt = M_ss h + y,   A y = M(h) - M0,
/// with y by forward substitution: r_{i-1} y_{i-1} - (r_i + k) y_i = M_i(h) - M0_i. Then out = r_{n-1} int M_{n-1},
/// decayed = k sum int M_i, and in - out - decayed = M(h) - M0 holds as an identity (the columns of A sum to -k, the
/// last to -(r_{n-1} + k)), so mass is conserved to rounding however M(h) was approximated.
void end_interval(int n, const double* r, double k, double h, const double* mss, const double* mh, double* x) {
    double above_y = 0.0, integral_all = 0.0, integral_out = 0.0;
    for (int i = 0; i < n; ++i) {
        const double y = (above_y - (mh[i] - x[i])) / (r[i] + k);
        const double integral = mss[i] * h + y;
        above_y = r[i] * y;
        integral_all += integral;
        if (i == n - 1) integral_out = integral;
        x[i] = mh[i];
    }
    x[n] += r[n - 1] * integral_out;
    x[n + 1] += k * integral_all;
}

/// Interval whose transient has died out (residual_share below tolerance): M(h) = M_ss + e^{Ah} (M0 - M_ss) ~ M_ss,
/// the cells end at their steady state and the interval integrals follow from end_interval.
void relaxed_interval(const CellSystem& s, double h, double* x, std::vector<double>& work) {
    work.resize(s.n);
    steady_cells(s.n, s.r, s.k, s.w, work.data());
    end_interval(s.n, s.r, s.k, h, work.data(), work.data(), x);
}

/// Exact solution over an interval for the linear cells, the three constituents together (used for stiff intervals in
/// Auto mode). With A_0 the transport matrix (lower bidiagonal: -r_i on the diagonal, r_i below it), constituent c has
/// A_c = A_0 - k_c I, so e^{A_c t} = e^{-k_c t} e^{A_0 t} and one series serves all three. With M_ss = -A_c^{-1} W_c and
/// d = M0 - M_ss,
///     M(h) = M_ss + e^{-k_c h} e^{A_0 h} d,      int_0^h M dt = M_ss h + A_c^{-1} (M(h) - M0),
/// where e^{A_0 h} d is evaluated by uniformization (Jensen 1953; Grassmann 1977): with L = max_i r_i and the
/// non-negative matrix P = I + A_0/L,
///     e^{A_0 h} d = sum_j Pois(j; L h) P^j d.
/// P is substochastic (columns sum to at most 1), so |P^j d|_1 never grows with j: the terms after j add at most
/// (1 - sum_{m<=j} Pois(m)) |P^j d|_1. The series stops when that, or the Poisson tail alone, is below 1e-16 of the
/// masses; cells of nearly equal rates make P nearly nilpotent (P^n = 0 when all rates are equal), so it usually
/// stops after little more than n terms. Long intervals are split so that L h <= 40 per part (no underflow of
/// e^{-L h}). The integrals, outflow and decay follow from end_interval, which conserves mass to rounding whatever
/// the truncation.
/// use[c]: which constituents to advance (the others are left as they are).
void exact_intervals(int n, const double* r, const double* w, const PerConstituent& k, const bool use[3], double h,
                     double* x, std::size_t stride, std::vector<double>& work) {
    constexpr int C = kNumConstituents;
    const int m = n * C;  // values [c * n + i]
    double lmax = 0.0;
    for (int i = 0; i < n; ++i) lmax = std::max(lmax, r[i]);
    const int parts = std::max(1, static_cast<int>(std::ceil(lmax * h / 40.0)));
    const double hp = h / parts, a = lmax * hp;
    work.resize(static_cast<std::size_t>(m) * 8 + 2);
    double* diag = work.data();  // 1 - r_i / L
    double* sub = diag + m;      // r_{i-1} / L, 0 at the top cell
    double* weight = sub + m;    // 1 / (masses of the constituent), for the stopping test
    double* mss = weight + m;
    double* mh = mss + m;        // current state
    double* endv = mh + m;       // sum Pois(j) P^j d
    double* pa = endv + m + 1;   // P^j d and P^{j+1} d, each preceded by a zero (the cell above the first)
    double* pb = pa + m + 1;
    pa[-1] = pb[-1] = 0.0;
    double decay[C];
    for (int c = 0; c < C; ++c) {
        if (use[c]) steady_cells(n, r, k[c], w + c, mss + c * n);
        double scale = 0.0;
        for (int i = 0; i < n; ++i) {
            const int v = c * n + i;
            diag[v] = 1.0 - r[i] / lmax;
            sub[v] = i > 0 ? r[i - 1] / lmax : 0.0;
            if (!use[c]) mss[v] = 0.0;
            mh[v] = use[c] ? x[c * stride + i] : 0.0;
            scale += std::abs(mss[v]) + std::abs(mh[v]);
        }
        for (int i = 0; i < n; ++i) weight[c * n + i] = scale > 0.0 ? 1.0 / scale : 0.0;
        decay[c] = std::exp(-k[c] * hp);
    }
    const double p0 = std::exp(-a);
    for (int p = 0; p < parts; ++p) {
        double* cur = pa;
        double* nxt = pb;
        for (int v = 0; v < m; ++v) {
            cur[v] = mh[v] - mss[v];
            endv[v] = 0.0;
        }
        double pois = p0, cdf = 0.0;
        for (int j = 0;; ++j) {
            cdf += pois;
            // endv += Pois(j) P^j d;  P^{j+1} d = P P^j d  (lower bidiagonal; sub is 0 at each constituent's top
            // cell, so the value before it does not matter); weighted norm of P^{j+1} d.
            double norm = 0.0;
            for (int v = 0; v < m; ++v) {
                endv[v] += pois * cur[v];
                nxt[v] = diag[v] * cur[v] + sub[v] * cur[v - 1];
                norm += std::abs(nxt[v]) * weight[v];
            }
            std::swap(cur, nxt);
            // Stop when the Poisson tail alone is negligible (past the mean the remaining terms fall faster than a
            // geometric series of ratio a/(j+2), so they sum to at most pois_{j+1} / (1 - a/(j+2)), times
            // |d| >= |P^j d|), or when the remaining Poisson mass times |P^{j+1} d|_1, which bounds every later
            // P^m d, is below 1e-16 of the masses of each constituent (norm sums the three relative norms).
            const double next = pois * a / (j + 1);
            if (j + 2 > a && next / (1.0 - a / (j + 2)) < 1e-16) break;
            if (std::max(0.0, 1.0 - cdf) * norm <= 1e-16) break;
            pois = next;
        }
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < n; ++i) mh[c * n + i] = mss[c * n + i] + decay[c] * endv[c * n + i];
    }
    for (int c = 0; c < C; ++c)
        if (use[c]) end_interval(n, r, k[c], h, mss + c * n, mh + c * n, x + c * stride);
}

// ---------------------------------------------------------------------------------------------------------------
// Network plumbing.

enum class LinkKind { Main, Split, Transfer };
struct Link {
    std::int32_t from = kNone, to = kNone;
    LinkKind kind = LinkKind::Main;
    std::int32_t transfer = kNone;
};

// Interval outflow of a reach: per interval, mean flow (m3/s) and mass (g) per constituent.
struct Outflow {
    std::vector<double> v;  // s * 4 + {0: Q, 1..3: mass}
};

struct Shared {
    Shared(const Network& n, const std::vector<PointInput>& in, const std::vector<Observation>& ob, const DynamicForcing& fo,
           const DynamicOptions& op, DynamicResult& re)
        : net(n), inputs(in), obs(ob), f(fo), opt(op), res(re) {}
    const Network& net;
    const std::vector<PointInput>& inputs;
    const std::vector<Observation>& obs;
    const DynamicForcing& f;
    const DynamicOptions& opt;
    DynamicResult& res;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    std::vector<std::vector<Link>> upstream;   // links into each reach
    std::vector<std::vector<Link>> consumers;  // links out of each reach
    std::vector<std::unique_ptr<Outflow>> outflow;
    std::unique_ptr<std::atomic<int>[]> waiting;   // upstream links not yet done
    std::unique_ptr<std::atomic<int>[]> readers;   // consumer links that have not yet read the outflow
    std::vector<PerConstituent> external_in_g, outlet_g;
    std::atomic<std::uint64_t> steps_taken{0}, steps_rejected{0};
    std::atomic<std::uint64_t> relaxed{0}, explicit_{0}, implicit{0}, exact{0};
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    int last_pct = -1;
};

double flow_scale(const DynamicForcing& f, std::size_t s) { return f.flow_scale.empty() ? 1.0 : f.flow_scale[s]; }
double base_headwater(const DynamicForcing& f, const Network& net, std::size_t r) {
    return f.base_headwater_m3s.empty() ? net.headwater_flow_m3s[r] : f.base_headwater_m3s[r];
}
double base_lateral(const DynamicForcing& f, const Network& net, std::size_t r) {
    return f.base_lateral_m3s.empty() ? net.lateral_flow_m3s[r] : f.base_lateral_m3s[r];
}
const PerConstituent& rates(const DynamicForcing& f, std::size_t s) { return f.k_per_d.size() == 1 ? f.k_per_d[0] : f.k_per_d[s]; }

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

void solve_reach(Shared& sh, std::int32_t r) {
    const Network& net = sh.net;
    const DynamicForcing& f = sh.f;
    const DynamicOptions& opt = sh.opt;
    DynamicResult& res = sh.res;
    const std::size_t S = f.steps, N = net.size();
    const double h_d = f.step_days;
    const double h_s = h_d * kSecondsPerDay;
    const std::string& rid = net.topo.id(r);
    const CellLayout& lay = res.layout[r];
    const int n = lay.cells;
    const double dx = lay.dx_m;
    const double len = net.length_m[r];

    // Upstream inflow per interval (mean m3/s and g), read then released.
    std::vector<double> up(S * 4, 0.0);
    for (const Link& l : sh.upstream[r]) {
        const Outflow& o = *sh.outflow[l.from];
        const double frac_split = net.topo.split_to(l.from) != kNone ? net.topo.split_fraction(l.from) : 0.0;
        double transfers_total = 0.0;
        for (const std::int32_t t : net.topo.transfers_from(l.from)) transfers_total += net.topo.transfers()[t].flow_m3s;
        for (std::size_t s = 0; s < S; ++s) {
            const double q = o.v[s * 4];
            double water = 0.0, share = 0.0;
            if (l.kind == LinkKind::Transfer) {
                water = net.topo.transfers()[l.transfer].flow_m3s;
                share = q > 0.0 ? water / q : 0.0;
            } else {
                const double q_rem = std::max(q - transfers_total, 0.0);
                const double part = l.kind == LinkKind::Split ? frac_split : 1.0 - frac_split;
                water = q_rem * part;
                share = q > 0.0 ? q_rem / q * part : 0.0;
            }
            up[s * 4] += water;
            for (int c = 0; c < kNumConstituents; ++c) up[s * 4 + 1 + c] += o.v[s * 4 + 1 + c] * share;
        }
        if (sh.readers[l.from].fetch_sub(1) == 1) sh.outflow[l.from].reset();
    }

    // Static placement of inputs on cells: (cell, input, fraction of the input's load and flow).
    struct Placed {
        int cell;
        std::int32_t input;
        double frac;
    };
    std::vector<Placed> placed;
    std::vector<double> point_flow(n, 0.0);  // constant water added per cell (m3/s)
    for (std::int32_t k = sh.in_start[r]; k < sh.in_start[r + 1]; ++k) {
        const std::int32_t ii = sh.in_idx[k];
        const PointInput& p = sh.inputs[ii];
        const double x0 = std::clamp(p.position_m, 0.0, len);
        const double x1 = std::min(p.end_m, len);
        if (x1 > x0) {
            for (int i = 0; i < n; ++i) {
                const double a = std::max(x0, i * dx), b = std::min(x1, (i + 1) * dx);
                if (b > a) {
                    const double fr = (b - a) / (x1 - x0);
                    placed.push_back({i, ii, fr});
                    point_flow[i] += p.flow_m3s * fr;
                }
            }
        } else {
            const int i = std::min(static_cast<int>(x0 / dx), n - 1);
            placed.push_back({i, ii, 1.0});
            point_flow[i] += p.flow_m3s;
        }
    }
    std::vector<std::pair<std::int32_t, int>> obs_cells;  // (observation, cell)
    for (std::int32_t k = sh.ob_start[r]; k < sh.ob_start[r + 1]; ++k) {
        const std::int32_t o = sh.ob_idx[k];
        const double x = std::clamp(sh.obs[o].position_m, 0.0, len);
        obs_cells.emplace_back(o, std::min(static_cast<int>(x / dx), n - 1));
    }

    const std::int32_t own = f.reach_series.empty() ? kNone : f.reach_series[r];
    const hydro::Hydraulics& hyd = net.hydraulics[r];
    const std::size_t stride = static_cast<std::size_t>(n) + 2, nx = 3 * stride;
    std::vector<double> q(n), vol(n), rr(n), w(n * 3);
    std::vector<double> x(nx, 0.0);
    boost::numeric::ublas::vector<double> xu;
    ReachBudget bud;
    PerConstituent ext_in{0, 0, 0}, to_outlet{0, 0, 0};
    std::uint64_t taken = 0, rejected = 0;
    std::uint64_t relaxed = 0, explicit_ = 0, implicit = 0, exact = 0;
    std::vector<double> work;
    double dt_explicit[3] = {h_d * 0.1, h_d * 0.1, h_d * 0.1}, dt_implicit[3] = {h_d * 0.1, h_d * 0.1, h_d * 0.1};
    std::vector<double> xs;
    auto dopri = odeint::make_controlled(opt.abs_tol_g, opt.rel_tol, odeint::runge_kutta_dopri5<std::vector<double>>());
    std::unique_ptr<odeint::rosenbrock4_controller<odeint::rosenbrock4<double>>> ros;
    Outflow out;
    out.v.assign(S * 4, 0.0);
    const bool series_out = static_cast<bool>(opt.reach_series);
    std::vector<float> series(series_out ? S * (1 + kNumConstituents) : 0);  // flow, then each constituent

    for (std::size_t s = 0; s < S; ++s) {
        const double t0 = s * h_d;
        const double hw = own != kNone ? f.own_headwater_m3s[own][s] : base_headwater(f, net, r) * flow_scale(f, s);
        const double lat = own != kNone ? f.own_lateral_m3s[own][s] : base_lateral(f, net, r) * flow_scale(f, s);
        const PerConstituent& k = rates(f, s);
        // Flows, volumes and transport rates of the cells.
        double qa = up[s * 4] + hw;
        bool dry = false;
        for (int i = 0; i < n; ++i) {
            qa += lat / n + point_flow[i];
            q[i] = qa;
            if (!(qa > 0.0)) {
                dry = true;
                break;
            }
            const double u = hyd.velocity(qa);
            if (!(u > 0.0) || !std::isfinite(u))
                throw ModelError("reach " + rid + ": velocity is " + fmt(u) + " m/s at flow " + fmt(qa) + " m3/s on day " + fmt(t0));
            vol[i] = dx * qa / u;
            rr[i] = kSecondsPerDay * u / dx;
        }
        // Inputs to the cells (g/d).
        std::fill(w.begin(), w.end(), 0.0);
        for (int c = 0; c < kNumConstituents; ++c) {
            w[c] += up[s * 4 + 1 + c] / h_d + hw * net.headwater_conc_mgL[r][c] * kSecondsPerDay;
            for (int i = 0; i < n; ++i) w[i * 3 + c] += lat / n * net.lateral_conc_mgL[r][c] * kSecondsPerDay;
        }
        for (const Placed& p : placed) {
            const PointInput& in = sh.inputs[p.input];
            const std::int32_t pat = sh.f.input_pattern.empty() ? kNone : sh.f.input_pattern[p.input];
            const double factor = pat == kNone ? 1.0 : sh.f.load_patterns[pat][s];
            for (int c = 0; c < kNumConstituents; ++c) w[p.cell * 3 + c] += in.load_gs[c] * factor * p.frac * kSecondsPerDay;
        }
        PerConstituent step_in{0, 0, 0};
        for (int c = 0; c < kNumConstituents; ++c) {
            for (int i = 0; i < n; ++i) step_in[c] += w[i * 3 + c] * h_d;
            bud.in_g[c] += step_in[c];
            ext_in[c] += step_in[c] - up[s * 4 + 1 + c];
        }
        if (dry) {
            double held = 0.0;
            for (int c = 0; c < kNumConstituents; ++c) {
                held += std::abs(step_in[c]);
                for (int i = 0; i < n; ++i) held += std::abs(x[c * stride + i]);
            }
            if (held > 0.0)
                throw ModelError("reach " + rid + " carries no water on day " + fmt(t0) + " but receives or holds load");
            std::fill(q.begin(), q.end(), 0.0);
            std::fill(vol.begin(), vol.end(), 0.0);
        } else {
            if (s == 0) {
                for (int c = 0; c < kNumConstituents; ++c) {
                    const std::size_t b = c * stride;
                    if (opt.start == DynamicStart::Steady) steady_cells(n, rr.data(), k[c], w.data() + c, x.data() + b);
                    for (int i = 0; i < n; ++i) bud.storage_start_g[c] += x[b + i];
                }
            }
            double rmin = rr[0], rmax = rr[0];
            for (int i = 1; i < n; ++i) {
                rmin = std::min(rmin, rr[i]);
                rmax = std::max(rmax, rr[i]);
            }
            bool use_exact[kNumConstituents] = {false, false, false};
            for (int c = 0; c < kNumConstituents; ++c) {
                double* xc = x.data() + c * stride;
                xc[n] = xc[n + 1] = 0.0;
                const CellSystem sys{n, rr.data(), k[c], w.data() + c};
                if (opt.relaxed_tol > 0.0 && residual_share(n, rmin + k[c], h_d) <= opt.relaxed_tol) {
                    relaxed_interval(sys, h_d, xc, work);
                    ++relaxed;
                    continue;
                }
                const bool stiff = (rmax + k[c]) * h_d > opt.stiff_threshold;
                if (stiff && opt.stepper == DynamicStepper::Auto) {
                    use_exact[c] = true;  // advanced below, the three constituents together
                    ++exact;
                } else if (opt.stepper == DynamicStepper::Rosenbrock4 || (stiff && opt.stepper == DynamicStepper::Odeint)) {
                    ++implicit;
                    if (!ros) ros = std::make_unique<odeint::rosenbrock4_controller<odeint::rosenbrock4<double>>>(opt.abs_tol_g, opt.rel_tol);
                    xu.resize(stride, false);
                    std::copy(xc, xc + stride, xu.begin());
                    integrate_interval(*ros, std::make_pair(sys, CellJacobian{sys}), xu, h_d, dt_implicit[c], rid, t0, taken, rejected);
                    std::copy(xu.begin(), xu.end(), xc);
                } else {
                    ++explicit_;
                    xs.assign(xc, xc + stride);
                    dopri.reset();
                    integrate_interval(dopri, sys, xs, h_d, dt_explicit[c], rid, t0, taken, rejected);
                    std::copy(xs.begin(), xs.end(), xc);
                }
            }
            if (use_exact[0] || use_exact[1] || use_exact[2])
                exact_intervals(n, rr.data(), w.data(), k, use_exact, h_d, x.data(), stride, work);
        }
        // Bookkeeping and outputs.
        const double qout = dry ? 0.0 : q[n - 1];
        out.v[s * 4] = qout;
        for (int c = 0; c < kNumConstituents; ++c) {
            const double o = dry ? 0.0 : x[c * stride + n];
            out.v[s * 4 + 1 + c] = o;
            bud.out_g[c] += o;
            bud.decayed_g[c] += dry ? 0.0 : x[c * stride + n + 1];
        }
        if (opt.record_reach_ends || series_out) {
            const float qf = static_cast<float>(qout);
            if (opt.record_reach_ends) res.reach_flow_m3s[s * N + r] = qf;
            if (series_out) series[s] = qf;
            for (int c = 0; c < kNumConstituents; ++c) {
                const float cf = qout > 0.0 ? static_cast<float>(out.v[s * 4 + 1 + c] / (qout * h_s)) : 0.0f;
                if (opt.record_reach_ends) res.reach_conc_mgL[(s * N + r) * 3 + c] = cf;
                if (series_out) series[(1 + c) * S + s] = cf;
            }
        }
        for (const auto& [o, cell] : obs_cells) {
            res.obs_flow_m3s[s * res.nobs + o] = dry ? 0.0 : q[cell];
            for (int c = 0; c < kNumConstituents; ++c)
                res.obs_conc_mgL[(s * res.nobs + o) * 3 + c] = dry || !(vol[cell] > 0.0) ? 0.0 : x[c * stride + cell] / vol[cell];
        }
    }
    for (int c = 0; c < kNumConstituents; ++c)
        for (int i = 0; i < n; ++i) bud.storage_end_g[c] += x[c * stride + i];
    if (series_out) opt.reach_series(r, series.data(), series.data() + S);

    // Mass leaving through an outlet (main or side link to nowhere; transfers always have a target).
    const std::int32_t d = net.topo.downstream(r);
    const std::int32_t sp = net.topo.split_to(r);
    if (d == kNone) {
        const double fs = sp != kNone ? net.topo.split_fraction(r) : 0.0;
        double tt = 0.0;
        for (const std::int32_t t : net.topo.transfers_from(r)) tt += net.topo.transfers()[t].flow_m3s;
        for (std::size_t s = 0; s < S; ++s) {
            const double qo = out.v[s * 4];
            const double q_rem = std::max(qo - tt, 0.0);
            const double part = 1.0 - fs;
            const double share = qo > 0.0 ? q_rem / qo * part : 0.0;
            for (int c = 0; c < kNumConstituents; ++c) to_outlet[c] += out.v[s * 4 + 1 + c] * share;
        }
    }
    // Transfers larger than the supply.
    if (!net.topo.transfers_from(r).empty()) {
        double tt = 0.0;
        for (const std::int32_t t : net.topo.transfers_from(r)) tt += net.topo.transfers()[t].flow_m3s;
        for (std::size_t s = 0; s < S; ++s)
            if (tt > out.v[s * 4] * (1.0 + 1e-12))
                throw ModelError("reach " + rid + " cannot supply transfers of " + fmt(tt) + " m3/s on day " + fmt(s * h_d) +
                                 ": its outflow is " + fmt(out.v[s * 4]) + " m3/s");
    }

    res.budget[r] = bud;
    sh.external_in_g[r] = ext_in;
    sh.outlet_g[r] = to_outlet;
    sh.steps_taken += taken;
    sh.steps_rejected += rejected;
    sh.relaxed += relaxed;
    sh.explicit_ += explicit_;
    sh.implicit += implicit;
    sh.exact += exact;
    if (!sh.consumers[r].empty()) sh.outflow[r] = std::make_unique<Outflow>(std::move(out));
}

}  // namespace

std::vector<CellLayout> layout_cells(const Network& net, const std::vector<double>& design_flow_m3s, const DynamicOptions& opt) {
    std::vector<CellLayout> out(net.size());
    const int lo = std::max(1, opt.min_cells), hi = std::max(lo, opt.max_cells);
    for (std::size_t r = 0; r < net.size(); ++r) {
        CellLayout& l = out[r];
        const double len = net.length_m[r];
        const double q = r < design_flow_m3s.size() ? design_flow_m3s[r] : 0.0;
        const hydro::Hydraulics& h = net.hydraulics[r];
        const double u = q > 0.0 ? h.velocity(q) : (h.kind == hydro::Hydraulics::Kind::Constant ? h.velocity_ms : 0.0);
        double e = r < opt.dispersion_m2s.size() ? opt.dispersion_m2s[r] : 0.0;
        if (!(e > 0.0) && h.kind == hydro::Hydraulics::Kind::Manning && q > 0.0 && u > 0.0) {
            const double depth = h.depth(q);
            const double ustar = std::sqrt(kGravity * depth * h.slope);
            if (depth > 0.0 && ustar > 0.0) e = 0.011 * u * u * h.width_m * h.width_m / (depth * ustar);
        }
        if (!(e > 0.0)) e = opt.default_dispersion_m2s;
        int n;
        if (r < opt.cells.size() && opt.cells[r] > 0) {
            n = opt.cells[r];
        } else {
            const double want = u > 0.0 && e > 0.0 ? std::ceil(len * u / (2.0 * e)) : 1.0;
            n = static_cast<int>(std::clamp(want, static_cast<double>(lo), static_cast<double>(hi)));
        }
        l.cells = n;
        l.dx_m = len / n;
        l.dispersion_m2s = e;
        l.numerical_dispersion_m2s = u * l.dx_m / 2.0;
    }
    return out;
}

DynamicResult solve_dynamic(const Network& net, const std::vector<PointInput>& inputs,
                            const std::vector<Observation>& observations, const DynamicForcing& forcing,
                            const DynamicOptions& opt) {
    const std::size_t N = net.size(), S = forcing.steps;
    if (S == 0 || !(forcing.step_days > 0.0)) throw ModelError("dynamic run needs at least one interval of positive length");
    if (!forcing.flow_scale.empty() && forcing.flow_scale.size() != S) throw ModelError("flow scale series does not match the intervals");
    if ((!forcing.base_headwater_m3s.empty() && forcing.base_headwater_m3s.size() != N) ||
        (!forcing.base_lateral_m3s.empty() && forcing.base_lateral_m3s.size() != N))
        throw ModelError("base flows do not match the reaches");
    if (forcing.k_per_d.size() != 1 && forcing.k_per_d.size() != S) throw ModelError("rates must be given once or per interval");
    if (!forcing.input_pattern.empty() && forcing.input_pattern.size() != inputs.size()) throw ModelError("load patterns do not match the inputs");
    for (const auto& p : forcing.load_patterns)
        if (p.size() != S) throw ModelError("a load pattern does not match the intervals");
    for (std::size_t i = 0; i < forcing.own_headwater_m3s.size(); ++i)
        if (forcing.own_headwater_m3s[i].size() != S || forcing.own_lateral_m3s.at(i).size() != S)
            throw ModelError("a reach flow series does not match the intervals");
    for (std::size_t r = 0; r < N; ++r)
        if (net.length_m[r] <= 0.0) throw ModelError("reach " + net.topo.id(r) + " has no length");

    DynamicResult res;
    res.steps = S;
    res.step_days = forcing.step_days;
    res.nobs = observations.size();
    {
        // Design flows for the cell layout: the first interval's flows, routed as in the steady model.
        Network n0 = net;
        for (std::size_t r = 0; r < N; ++r) {
            const std::int32_t own = forcing.reach_series.empty() ? kNone : forcing.reach_series[r];
            n0.headwater_flow_m3s[r] = own != kNone ? forcing.own_headwater_m3s[own][0] : base_headwater(forcing, net, r) * flow_scale(forcing, 0);
            n0.lateral_flow_m3s[r] = own != kNone ? forcing.own_lateral_m3s[own][0] : base_lateral(forcing, net, r) * flow_scale(forcing, 0);
        }
        const SteadyFlows fl = steady_flows(n0, inputs);
        res.layout = layout_cells(net, fl.flow_out_m3s, opt);
    }
    res.budget.assign(N, {});
    if (opt.record_reach_ends) {
        res.reach_conc_mgL.assign(S * N * 3, 0.0f);
        res.reach_flow_m3s.assign(S * N, 0.0f);
    }
    res.obs_conc_mgL.assign(S * observations.size() * 3, 0.0);
    res.obs_flow_m3s.assign(S * observations.size(), 0.0);

    Shared sh(net, inputs, observations, forcing, opt, res);
    detail::bucket_by_reach(N, inputs, sh.in_start, sh.in_idx);
    detail::bucket_by_reach(N, observations, sh.ob_start, sh.ob_idx);
    sh.upstream.assign(N, {});
    sh.consumers.assign(N, {});
    for (std::size_t r = 0; r < N; ++r) {
        const auto ri = static_cast<std::int32_t>(r);
        if (net.topo.downstream(r) != kNone) sh.upstream[net.topo.downstream(r)].push_back({ri, net.topo.downstream(r), LinkKind::Main, kNone});
        if (net.topo.split_to(r) != kNone) sh.upstream[net.topo.split_to(r)].push_back({ri, net.topo.split_to(r), LinkKind::Split, kNone});
    }
    for (std::size_t t = 0; t < net.topo.transfers().size(); ++t) {
        const Transfer& tr = net.topo.transfers()[t];
        sh.upstream[tr.to].push_back({tr.from, tr.to, LinkKind::Transfer, static_cast<std::int32_t>(t)});
    }
    for (std::size_t r = 0; r < N; ++r)
        for (const Link& l : sh.upstream[r]) sh.consumers[l.from].push_back(l);
    sh.outflow.resize(N);
    sh.waiting = std::make_unique<std::atomic<int>[]>(N);
    sh.readers = std::make_unique<std::atomic<int>[]>(N);
    for (std::size_t r = 0; r < N; ++r) {
        sh.waiting[r] = static_cast<int>(sh.upstream[r].size());
        sh.readers[r] = static_cast<int>(sh.consumers[r].size());
    }
    sh.external_in_g.assign(N, {0, 0, 0});
    sh.outlet_g.assign(N, {0, 0, 0});

    // Starting reaches in depth-first order from the outlets, so that each thread works up one subtree at a time
    // and finished outflows are consumed soon after they are produced.
    std::vector<std::int32_t> starts;
    {
        std::vector<char> seen(N, 0);
        std::vector<std::int32_t> stack;
        for (auto it = net.topo.order().rbegin(); it != net.topo.order().rend(); ++it) {
            if (!sh.consumers[*it].empty() || seen[*it]) continue;  // outlets (no consumers) first
            stack.push_back(*it);
            while (!stack.empty()) {
                const std::int32_t r = stack.back();
                stack.pop_back();
                if (seen[r]) continue;
                seen[r] = 1;
                if (sh.upstream[r].empty()) starts.push_back(r);
                for (const Link& l : sh.upstream[r])
                    if (!seen[l.from]) stack.push_back(l.from);
            }
        }
        for (std::size_t r = 0; r < N; ++r)
            if (!seen[r] && sh.upstream[r].empty()) starts.push_back(static_cast<std::int32_t>(r));
    }

    auto work = [&](std::int32_t first) {
        std::vector<std::int32_t> stack{first};
        while (!stack.empty()) {
            const std::int32_t r = stack.back();
            stack.pop_back();
            solve_reach(sh, r);
            for (const Link& l : sh.consumers[r])
                if (sh.waiting[l.to].fetch_sub(1) == 1) stack.push_back(l.to);
            const std::size_t done = ++sh.done;
            if (opt.progress) {
                const int pct = static_cast<int>(100.0 * done / N);
                if (pct != sh.last_pct) {
                    std::lock_guard<std::mutex> lock(sh.progress_mutex);
                    if (pct > sh.last_pct) {
                        sh.last_pct = pct;
                        opt.progress(static_cast<double>(done) / N);
                    }
                }
            }
        }
    };
    auto run_all = [&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, starts.size(), 1), [&](const tbb::blocked_range<std::size_t>& br) {
            for (std::size_t i = br.begin(); i != br.end(); ++i) work(starts[i]);
        });
    };
    if (opt.threads == 1) {
        for (const std::int32_t s : starts) work(s);
    } else if (opt.threads > 1) {
        tbb::task_arena arena(opt.threads);
        arena.execute(run_all);
    } else {
        run_all();
    }
    if (sh.done != N) throw ModelError("dynamic run left reaches unsolved (the network has a cycle)");

    // Totals and audits.
    double worst = 0.0;
    for (std::size_t r = 0; r < N; ++r) {
        const ReachBudget& b = res.budget[r];
        for (int c = 0; c < kNumConstituents; ++c) {
            res.input_g[c] += sh.external_in_g[r][c];
            res.outlet_g[c] += sh.outlet_g[r][c];
            res.decayed_g[c] += b.decayed_g[c];
            res.storage_start_g[c] += b.storage_start_g[c];
            res.storage_end_g[c] += b.storage_end_g[c];
            const double scale = std::max({std::abs(b.in_g[c]), std::abs(b.out_g[c]), std::abs(b.decayed_g[c]),
                                           std::abs(b.storage_start_g[c]), std::abs(b.storage_end_g[c]), 1e-300});
            const double imb = b.in_g[c] - b.out_g[c] - b.decayed_g[c] - (b.storage_end_g[c] - b.storage_start_g[c]);
            worst = std::max(worst, std::abs(imb) / scale);
        }
    }
    res.max_reach_imbalance = worst;
    for (int c = 0; c < kNumConstituents; ++c) {
        const double scale = std::max({std::abs(res.input_g[c]), std::abs(res.outlet_g[c]), std::abs(res.decayed_g[c]),
                                       std::abs(res.storage_start_g[c]), std::abs(res.storage_end_g[c]), 1e-300});
        const double imb = res.input_g[c] - res.outlet_g[c] - res.decayed_g[c] - (res.storage_end_g[c] - res.storage_start_g[c]);
        res.network_imbalance = std::max(res.network_imbalance, std::abs(imb) / scale);
    }
    res.steps_taken = sh.steps_taken;
    res.steps_rejected = sh.steps_rejected;
    res.intervals_relaxed = sh.relaxed;
    res.intervals_dopri5 = sh.explicit_;
    res.intervals_rosenbrock4 = sh.implicit;
    res.intervals_exact = sh.exact;
    return res;
}

std::vector<SectionCompliance> section_compliance(const DynamicResult& res, const std::vector<Section>& sections,
                                                  const ClassTable& table, const std::vector<int>& month_of_step) {
    if (month_of_step.size() != res.steps) throw ModelError("months do not match the intervals of the run");
    if (sections.size() != res.nobs) throw ModelError("sections do not match the observations of the run");
    std::vector<SectionCompliance> out(sections.size());
    for (std::size_t o = 0; o < sections.size(); ++o) {
        SectionCompliance& sc = out[o];
        const Section& sec = sections[o];
        for (std::size_t s = 0; s < res.steps; ++s) {
            PerConstituent c{res.conc(s, o, 0), res.conc(s, o, 1), res.conc(s, o, 2)};
            const int m = month_of_step[s] - 1;
            for (int k = 0; k < kNumConstituents; ++k) {
                sc.monthly_mean_mgL[m][k] += c[k];
                sc.annual_mean_mgL[k] += c[k];
            }
            ++sc.monthly_days[m];
            ++sc.days;
            if (evaluate_section(table, c, sec.water_body, sec.target_class).meets) ++sc.days_meeting;
        }
        for (int k = 0; k < kNumConstituents; ++k) sc.annual_mean_mgL[k] /= std::max(sc.days, 1);
        const SectionClass annual = evaluate_section(table, sc.annual_mean_mgL, sec.water_body, sec.target_class);
        sc.annual_class = annual.overall;
        sc.annual_meets = annual.meets;
        for (int m = 0; m < 12; ++m) {
            if (!sc.monthly_days[m]) continue;
            for (int k = 0; k < kNumConstituents; ++k) sc.monthly_mean_mgL[m][k] /= sc.monthly_days[m];
            const SectionClass mc = evaluate_section(table, sc.monthly_mean_mgL[m], sec.water_body, sec.target_class);
            sc.monthly_class[m] = mc.overall;
            ++sc.months;
            if (mc.meets) ++sc.months_meeting;
        }
    }
    return out;
}

}  // namespace qingliu::reaches
