// The cells of each reach (layout_cells) and the exact solution of stiff intervals (see reaches/dynamic_cells.hpp).
#include "reaches/dynamic_cells.hpp"

#include "reaches/dynamic.hpp"

namespace qingliu::reaches::cells {

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
void exact_intervals(int n, const double* r, const double* w, const PerConstituent& k, const PerConstituentOf<bool>& use, double h,
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

}  // namespace qingliu::reaches::cells

namespace qingliu::reaches {

namespace {
constexpr double kGravity = 9.81;  // m/s2
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

}  // namespace qingliu::reaches
