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
namespace {
// Two doubles side by side (GCC/Clang vector extension; SSE2 on x86-64, NEON on arm64), unaligned loads allowed.
typedef double Pair __attribute__((vector_size(16), aligned(8)));
typedef long long PairBits __attribute__((vector_size(16), aligned(8)));
inline Pair abs_pair(Pair v) {
    const PairBits mask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
    return reinterpret_cast<Pair>(reinterpret_cast<PairBits>(v) & mask);
}
}  // namespace

void exact_intervals(int n, const double* r, const double* w, const PerConstituent& k, const PerConstituentOf<bool>& use, double h,
                     double* x, std::size_t stride, std::vector<double>& work) {
    constexpr int C = kNumConstituents;
    static_assert(C == 3, "the series keeps the three constituents of a cell in two pairs (the fourth slot is 0)");
    constexpr int W = 4;  // values per cell: [i * W + c], c < 3, slot 3 always 0
    const int m = n * W;
    double lmax = 0.0;
    for (int i = 0; i < n; ++i) lmax = std::max(lmax, r[i]);
    const int parts = std::max(1, static_cast<int>(std::ceil(lmax * h / 40.0)));
    const double hp = h / parts, a = lmax * hp;
    work.resize(static_cast<std::size_t>(m) * 7 + 2 * n + 2 * W);
    double* diag = work.data();  // per cell: 1 - r_i / L
    double* sub = diag + n;      // per cell: r_{i-1} / L, 0 at the top cell
    double* mss = sub + n;       // steady masses [c * n + i] (steady_cells, end_interval); the end state likewise
    double* mend = mss + m;
    double* mssi = mend + m;     // steady masses [i * W + c]
    double* mh = mssi + m;       // current state [i * W + c]
    double* endv = mh + m;       // sum Pois(j) P^j d
    double* pa = endv + m + W;   // P^j d and P^{j+1} d, each preceded by a cell of zeros (the cell above the first)
    double* pb = pa + m + W;
    std::fill(work.begin() + (mssi - work.data()), work.end(), 0.0);
    double weight[C], decay[C];  // 1 / (masses of the constituent), for the stopping test
    for (int i = 0; i < n; ++i) {
        diag[i] = 1.0 - r[i] / lmax;
        sub[i] = i > 0 ? r[i - 1] / lmax : 0.0;
    }
    for (int c = 0; c < C; ++c) {
        double* ms = mss + c * n;
        if (use[c]) steady_cells(n, r, k[c], w + c, ms);
        double scale = 0.0;
        for (int i = 0; i < n; ++i) {
            if (!use[c]) ms[i] = 0.0;
            mssi[i * W + c] = ms[i];
            mh[i * W + c] = use[c] ? x[c * stride + i] : 0.0;
            scale += std::abs(ms[i]) + std::abs(mh[i * W + c]);
        }
        weight[c] = scale > 0.0 ? 1.0 / scale : 0.0;
        decay[c] = std::exp(-k[c] * hp);
    }
    const double p0 = std::exp(-a);
    for (int p = 0; p < parts; ++p) {
        double* cur = pa;
        double* nxt = pb;
        for (int v = 0; v < m; ++v) {
            cur[v] = mh[v] - mssi[v];
            endv[v] = 0.0;
        }
        double pois = p0, cdf = 0.0;
        for (int j = 0;; ++j) {
            cdf += pois;
            // endv += Pois(j) P^j d;  P^{j+1} d = P P^j d  (lower bidiagonal; sub is 0 at the top cell, so the zeros
            // above it do not matter); the norm of P^{j+1} d per constituent.
            const Pair pv = {pois, pois};
            Pair norm01 = {0.0, 0.0}, norm23 = {0.0, 0.0};
            for (int i = 0; i < n; ++i) {
                const Pair dg = {diag[i], diag[i]}, sb = {sub[i], sub[i]};
                const double* ci = cur + i * W;
                const Pair c01 = *reinterpret_cast<const Pair*>(ci), c23 = *reinterpret_cast<const Pair*>(ci + 2);
                const Pair u01 = *reinterpret_cast<const Pair*>(ci - W), u23 = *reinterpret_cast<const Pair*>(ci - W + 2);
                Pair* ei = reinterpret_cast<Pair*>(endv + i * W);
                ei[0] += pv * c01;
                ei[1] += pv * c23;
                const Pair y01 = dg * c01 + sb * u01, y23 = dg * c23 + sb * u23;
                Pair* ni = reinterpret_cast<Pair*>(nxt + i * W);
                ni[0] = y01;
                ni[1] = y23;
                norm01 += abs_pair(y01);
                norm23 += abs_pair(y23);
            }
            std::swap(cur, nxt);
            // Stop when the Poisson tail alone is negligible (past the mean the remaining terms fall faster than a
            // geometric series of ratio a/(j+2), so they sum to at most pois_{j+1} / (1 - a/(j+2)), times
            // |d| >= |P^j d|), or when the remaining Poisson mass times |P^{j+1} d|_1, which bounds every later
            // P^m d, is below 1e-16 of the masses of each constituent (the sum of the three relative norms).
            const double next = pois * a / (j + 1);
            if (j + 2 > a && next / (1.0 - a / (j + 2)) < 1e-16) break;
            const double rel = norm01[0] * weight[0] + norm01[1] * weight[1] + norm23[0] * weight[2];
            if (std::max(0.0, 1.0 - cdf) * rel <= 1e-16) break;
            pois = next;
        }
        for (int i = 0; i < n; ++i)
            for (int c = 0; c < C; ++c) mh[i * W + c] = mssi[i * W + c] + decay[c] * endv[i * W + c];
    }
    for (int c = 0; c < C; ++c) {
        if (!use[c]) continue;
        for (int i = 0; i < n; ++i) mend[c * n + i] = mh[i * W + c];
        end_interval(n, r, k[c], h, mss + c * n, mend + c * n, x + c * stride);
    }
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
