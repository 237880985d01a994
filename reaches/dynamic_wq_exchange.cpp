// The linear cells where they exchange water with their neighbours (QUAL2K's dispersion; reaches/dynamic_wq_linear.hpp):
// the species-by-species solves (real, and shifted by CRAM's complex poles), e^{Mh} by CRAM, and DO split off by
// integration against the other species' series.
#include <algorithm>
#include <cmath>
#include <vector>

#include "reaches/dynamic_wq_linear.hpp"

namespace qingliu::reaches::wq::linear_cells {

namespace {

constexpr int S = kNumSpecies;
using V = std::vector<double>;

}  // namespace

namespace {

// y = (T + shift I)^-1 v for the tridiagonal DO chain T (diagonal dd, below a, above b) by elimination (the chain is
// diagonally dominant where it is used)
void chain_solve(int n, const double* dd, const double* a, const double* b, double shift, const double* v, double* y) {
    double cp[64], vp[64];
    for (int j = 0; j < n; ++j) {
        const double piv = dd[j] + shift - (j > 0 ? a[j] * cp[j - 1] : 0.0);
        cp[j] = j + 1 < n ? b[j] / piv : 0.0;
        vp[j] = (v[j] - (j > 0 ? a[j] * vp[j - 1] : 0.0)) / piv;
    }
    for (int j = n - 1; j >= 0; --j) y[j] = vp[j] - (j + 1 < n ? cp[j] * y[j + 1] : 0.0);
}

// v := e^{T h} v for the DO chain: nothing left where its logarithmic norm bounds it below tol, else uniformization
void chain_exp(int n, const double* dd, const double* a, const double* b, double h, double* v, double tol) {
    double mu = 0.0, lognorm = -1e300, vmax = 0.0;
    for (int j = 0; j < n; ++j) {
        mu = std::max(mu, -dd[j]);
        lognorm = std::max(lognorm, dd[j] + (j > 0 ? a[j] : 0.0) + (j + 1 < n ? b[j] : 0.0));
        vmax = std::max(vmax, std::abs(v[j]));
    }
    if (lognorm < 0.0 && std::exp(std::max(lognorm * h, -700.0)) * vmax <= tol) {
        std::fill(v, v + n, 0.0);
        return;
    }
    const int pieces = std::max(1, static_cast<int>(std::ceil(mu * h / 400.0)));
    const double x = mu * h / pieces, inv = 1.0 / mu;
    double w[64], wn[64], sum[64];
    for (int piece = 0; piece < pieces; ++piece) {
        double p = std::exp(-x), tail = 1.0 - p;
        for (int j = 0; j < n; ++j) {
            w[j] = v[j];
            sum[j] = p * w[j];
        }
        const int max_terms = static_cast<int>(x + 12.0 * std::sqrt(x) + 60.0);
        for (int k = 1; k <= max_terms && tail > 1e-16 && tail * vmax > tol; ++k) {
            for (int j = 0; j < n; ++j)
                wn[j] = w[j] + (dd[j] * w[j] + (j > 0 ? a[j] * w[j - 1] : 0.0) + (j + 1 < n ? b[j] * w[j + 1] : 0.0)) * inv;
            p *= x / k;
            tail -= p;
            for (int j = 0; j < n; ++j) {
                w[j] = wn[j];
                sum[j] += p * w[j];
            }
        }
        std::copy(sum, sum + n, v);
    }
}

}  // namespace

// DO where the cells exchange water and DO is split off (see solve_linear_cells): with u = o - o_ss,
//   u' = T u + sum_k p_k(t) g_k,  p_k(t) = e^{-lam t} (lam t)^k / k!,  g_k = G P^k d
// (the other species' transient by uniformization at lam; T the DO chain, G DO's row over the other species). With
// R = (T + lam I)^-1, J_k = int_0^h e^{T(h-s)} p_k(s) ds obeys J_k = R (lam J_{k-1} - p_k(h) I + [k = 0] e^{Th})
// (from d/ds [e^{T(h-s)} p_k(s)] and p_k' = lam (p_{k-1} - p_k)), so that sum_k J_k g_k = R e^{Th} A_0 -
// R sum_m p_m(h) A_m with A_m = g_m + lam R A_{m+1} (backwards from the last term). Then
//   u(h) = e^{Th} (u0 + R A_0) - R sum_m p_m(h) A_m.
// Stable where every row of T is dominant by at least 2 lam (|lam R| <= 1).
void stiff_do_exchange(const LinearReach& L, const double* zss, const double* z_start, const std::vector<double>& g, double lam,
                       double h, double* z, double tol) {
    const int n = L.n, terms = static_cast<int>(g.size()) / n;
    double dd[64], a[64], b[64], acc[64], sum[64], r[64], u[64];
    for (int j = 0; j < n; ++j) {
        dd[j] = L.diag[j * S + DO];
        a[j] = j > 0 ? L.up[j] : 0.0;
        b[j] = L.down[j];
        sum[j] = 0.0;
    }
    const double x = lam * h;
    std::vector<double> p(terms);  // p_m(h)
    p[0] = std::exp(-x);
    for (int m = 1; m < terms; ++m) p[m] = p[m - 1] * x / m;
    for (int m = terms - 1; m >= 0; --m) {
        if (m == terms - 1) {
            std::copy(g.begin() + m * n, g.begin() + (m + 1) * n, acc);
        } else {
            chain_solve(n, dd, a, b, lam, acc, r);
            for (int j = 0; j < n; ++j) acc[j] = g[m * n + j] + lam * r[j];
        }
        for (int j = 0; j < n; ++j) sum[j] += p[m] * acc[j];
    }
    chain_solve(n, dd, a, b, lam, acc, r);  // R A_0
    for (int j = 0; j < n; ++j) u[j] = z_start[j * S + DO] - zss[j * S + DO] + r[j];
    chain_exp(n, dd, a, b, h, u, tol);
    chain_solve(n, dd, a, b, lam, sum, r);
    for (int j = 0; j < n; ++j) z[j * S + DO] = zss[j * S + DO] + u[j] - r[j];
}

// The factors of M where the cells exchange water. M is lower triangular in the species (a cell's kinetic entries
// draw on species before) and each species' diagonal block is the tridiagonal chain of its cells (diagonal diag,
// below up_j, above down_j), so per species the chain's LU without pivoting (Thomas; each chain diagonally dominant,
// the outflow at least the inflow): the pivots' reciprocals r_j = 1 / (d_j - a_j c_{j-1}) and c_j = b_j r_j, at
// f[i n + j] and f[n S + i n + j].
void block_factor(const LinearReach& L, std::vector<double>& f) {
    const int n = L.n;
    const std::size_t ns = static_cast<std::size_t>(n) * S;
    f.resize(2 * ns);
    for (int i = 0; i < S; ++i) {
        double* r = f.data() + static_cast<std::size_t>(i) * n;
        double* c = f.data() + ns + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            r[j] = 1.0 / (L.diag[j * S + i] - (j > 0 ? L.up[j] * c[j - 1] : 0.0));
            c[j] = L.down[j] * r[j];
        }
    }
}

// y with M y = v from block_factor's factors: species by species, each one's right-hand side less its kinetic entries
// on the species before (solved), then its chain down and up
void block_solve(const LinearReach& L, const std::vector<double>& f, const double* v, double* y) {
    const int n = L.n;
    const std::size_t ns = static_cast<std::size_t>(n) * S, np = L.pattern.size();
    int row[S + 1];
    L.pattern_rows(row);
    thread_local V wb;
    wb.resize(static_cast<std::size_t>(n));
    double* w = wb.data();
    for (int i = 0; i < S; ++i) {
        const double* r = f.data() + static_cast<std::size_t>(i) * n;
        const double* c = f.data() + ns + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            double x = v[j * S + i];
            for (int e = row[i]; e < row[i + 1]; ++e) x -= L.off[j * np + e] * y[j * S + L.pattern[e][1]];
            if (j > 0) x -= L.up[j] * w[j - 1];
            w[j] = x * r[j];
        }
        y[(n - 1) * S + i] = w[n - 1];
        for (int j = n - 2; j >= 0; --j) y[j * S + i] = w[j] - c[j] * y[(j + 1) * S + i];
    }
}

void LinearReach::solve_exchanging(const double* v, double* y) const {
    thread_local V f;
    block_factor(*this, f);
    block_solve(*this, f, v, y);
}

// CRAM of order 16 (Pusa): e^x ~ alpha_0 + 2 Re sum_k alpha_k / (x - theta_k) on x <= 0, within 2.2e-14 in double
// precision there (measured over 6,000 points of [-10^4, 0]). The poles theta_k and residues alpha_k as published in
// M. Pusa, "Correction to partial fraction decomposition coefficients for Chebyshev rational approximation on the
// negative real axis", arXiv:1206.2880 (2012), table for k = 16 (real parts, then imaginary parts).
namespace {
constexpr int P = 8;  // poles, side by side in the lanes of every loop below
constexpr double kThetaRe[P] = {-1.0843917078696988026e+1, -5.2649713434426468895e+0, +5.9481522689511774808e+0, +3.5091036084149180974e+0,
                                +6.4161776990994341923e+0, +1.4193758971856659786e+0, +4.9931747377179963991e+0, -1.4139284624888862114e+0};
constexpr double kThetaIm[P] = {+1.9277446167181652284e+1, +1.6220221473167927305e+1, +3.5874573620183222829e+0, +8.4361989858843750826e+0,
                                +1.1941223933701386874e+0, +1.0925363484496722585e+1, +5.9968817136039422260e+0, +1.3497725698892745389e+1};
constexpr double kAlphaRe[P] = {-5.0901521865224915650e-7, +2.1151742182466030907e-4, +1.1339775178483930527e+2, +1.5059585270023467528e+1,
                                -6.4500878025539646595e+1, -1.4793007113557999718e+0, -6.2518392463207918892e+1, +4.1023136835410021273e-2};
constexpr double kAlphaIm[P] = {-2.4220017652852287970e-5, +4.3892969647380673918e-3, +1.0194721704215856450e+2, -5.7514052776421819979e+0,
                                -2.2459440762652096056e+2, +1.7686588323782937906e+0, -1.1190391094283228480e+1, -1.5743466173455468191e-1};
constexpr double kAlpha0 = 2.1248537104952237488e-16;

// One complex number per pole: real and imaginary parts each in one row of lanes.
struct Lanes {
    alignas(64) double re[P];
    alignas(64) double im[P];
};

// The factors of h M - theta_k I for every pole k, as block_factor's (per species and cell: the pivot's reciprocal
// and c), and the solve of (h M - theta_k I) y_k = u for every k at once, into out = alpha_0 u + 2 Re sum_k alpha_k y_k.
// (Default and AVX-512 builds of each, chosen at load time: the loops over the poles are the vector's lanes.)
__attribute__((target_clones("avx512f", "default"))) void cram_factor(const LinearReach& L, double h, std::vector<Lanes>& f) {
    const int n = L.n;
    const std::size_t ns = static_cast<std::size_t>(n) * S;
    f.resize(2 * ns);
    for (int i = 0; i < S; ++i) {
        Lanes* r = f.data() + static_cast<std::size_t>(i) * n;
        Lanes* c = f.data() + ns + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            const double d = h * L.diag[j * S + i], a = j > 0 ? h * L.up[j] : 0.0, b = h * L.down[j];
            for (int k = 0; k < P; ++k) {
                const double pr = d - kThetaRe[k] - (j > 0 ? a * c[j - 1].re[k] : 0.0);
                const double pi = -kThetaIm[k] - (j > 0 ? a * c[j - 1].im[k] : 0.0);
                const double inv = 1.0 / (pr * pr + pi * pi);
                r[j].re[k] = pr * inv;
                r[j].im[k] = -pi * inv;
                c[j].re[k] = b * r[j].re[k];
                c[j].im[k] = b * r[j].im[k];
            }
        }
    }
}

__attribute__((target_clones("avx512f", "default"))) void cram_solve(const LinearReach& L, double h, const std::vector<Lanes>& f,
                                                                     const double* u, std::vector<Lanes>& y, double* out) {
    const int n = L.n;
    const std::size_t ns = static_cast<std::size_t>(n) * S, np = L.pattern.size();
    int row[S + 1];
    L.pattern_rows(row);
    y.resize(ns);
    thread_local std::vector<Lanes> wb;
    wb.resize(static_cast<std::size_t>(n));
    Lanes* w = wb.data();
    for (int i = 0; i < S; ++i) {
        const Lanes* r = f.data() + static_cast<std::size_t>(i) * n;
        const Lanes* c = f.data() + ns + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            Lanes x;
            for (int k = 0; k < P; ++k) {
                x.re[k] = u[j * S + i];
                x.im[k] = 0.0;
            }
            for (int e = row[i]; e < row[i + 1]; ++e) {
                const double o = h * L.off[j * np + e];
                const Lanes& yf = y[j * S + L.pattern[e][1]];
                for (int k = 0; k < P; ++k) {
                    x.re[k] -= o * yf.re[k];
                    x.im[k] -= o * yf.im[k];
                }
            }
            if (j > 0) {
                const double a = h * L.up[j];
                for (int k = 0; k < P; ++k) {
                    x.re[k] -= a * w[j - 1].re[k];
                    x.im[k] -= a * w[j - 1].im[k];
                }
            }
            for (int k = 0; k < P; ++k) {
                w[j].re[k] = x.re[k] * r[j].re[k] - x.im[k] * r[j].im[k];
                w[j].im[k] = x.re[k] * r[j].im[k] + x.im[k] * r[j].re[k];
            }
        }
        y[(n - 1) * S + i] = w[n - 1];
        for (int j = n - 2; j >= 0; --j) {
            const Lanes& cj = c[j];
            const Lanes& yb = y[(j + 1) * S + i];
            Lanes& yj = y[j * S + i];
            for (int k = 0; k < P; ++k) {
                yj.re[k] = w[j].re[k] - (cj.re[k] * yb.re[k] - cj.im[k] * yb.im[k]);
                yj.im[k] = w[j].im[k] - (cj.re[k] * yb.im[k] + cj.im[k] * yb.re[k]);
            }
        }
    }
    for (std::size_t q = 0; q < ns; ++q) {
        double sum = 0.0;
        for (int k = 0; k < P; ++k) sum += kAlphaRe[k] * y[q].re[k] - kAlphaIm[k] * y[q].im[k];
        out[q] = kAlpha0 * u[q] + 2.0 * sum;
    }
}

}  // namespace

void cram_exp(const LinearReach& L, double h, double* u, bool same_system) {
    thread_local std::vector<Lanes> f, y;
    thread_local V out;
    if (!same_system) cram_factor(L, h, f);
    out.resize(static_cast<std::size_t>(L.n) * S);
    cram_solve(L, h, f, u, y, out.data());
    std::copy(out.begin(), out.end(), u);
}

}  // namespace qingliu::reaches::wq::linear_cells
