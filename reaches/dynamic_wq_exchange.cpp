// The linear cells where they exchange water with their neighbours (QUAL2K's dispersion; reaches/dynamic_wq_linear.hpp):
// the species-by-species solves (real, and shifted by CRAM's complex poles), e^{Mh} by CRAM, and DO split off by
// integration against the other species' series.
#include <algorithm>
#include <cmath>
#include <complex>
#include <type_traits>
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

// The factors of s M - theta I where the cells exchange water. M is lower triangular in the species (a cell's kinetic
// entries draw on species before) and each species' diagonal block is the tridiagonal chain of its cells (diagonal
// s diag - theta, below s up_j, above s down_j), so per species the chain's LU without pivoting (Thomas): the pivots'
// reciprocals r_j = 1 / (d_j - a_j c_{j-1}) and c_j = b_j r_j, at f[i n + j] and f[n S + i n + j]. (Stable: for
// theta = 0 each chain is diagonally dominant, the outflow at least the inflow; for CRAM's poles each chain is similar
// to a real symmetric one shifted by a complex theta, Im theta > 1.)
template <class T>
void block_factor(const LinearReach& L, double s, T theta, std::vector<T>& f) {
    const int n = L.n;
    const std::size_t ns = static_cast<std::size_t>(n) * S;
    f.resize(2 * ns);
    for (int i = 0; i < S; ++i) {
        T* r = f.data() + static_cast<std::size_t>(i) * n;
        T* c = f.data() + ns + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            const T piv = s * L.diag[j * S + i] - theta - (j > 0 ? (s * L.up[j]) * c[j - 1] : T(0.0));
            if constexpr (std::is_same_v<T, double>) r[j] = 1.0 / piv;
            else r[j] = std::conj(piv) / std::norm(piv);
            c[j] = (s * L.down[j]) * r[j];
        }
    }
}

// y with (s M - theta I) y = v from block_factor's factors: species by species, each one's right-hand side less its
// kinetic entries on the species before (solved), then its chain down and up
template <class T>
void block_solve(const LinearReach& L, double s, const std::vector<T>& f, const T* v, T* y) {
    const int n = L.n;
    const std::size_t ns = static_cast<std::size_t>(n) * S, np = L.pattern.size();
    int row[S + 1] = {};  // pattern entries of species i: row[i] .. row[i + 1]
    for (std::size_t e = 0; e < np; ++e) row[L.pattern[e][0] + 1] = static_cast<int>(e) + 1;
    for (int i = 0; i < S; ++i) row[i + 1] = std::max(row[i + 1], row[i]);
    thread_local std::vector<T> wb;
    wb.resize(static_cast<std::size_t>(n));
    T* w = wb.data();
    for (int i = 0; i < S; ++i) {
        const T* r = f.data() + static_cast<std::size_t>(i) * n;
        const T* c = f.data() + ns + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            T x = v[j * S + i];
            for (int e = row[i]; e < row[i + 1]; ++e) x -= (s * L.off[j * np + e]) * y[j * S + L.pattern[e][1]];
            if (j > 0) x -= (s * L.up[j]) * w[j - 1];
            w[j] = x * r[j];
        }
        y[(n - 1) * S + i] = w[n - 1];
        for (int j = n - 2; j >= 0; --j) y[j * S + i] = w[j] - c[j] * y[(j + 1) * S + i];
    }
}

template void block_factor<double>(const LinearReach&, double, double, std::vector<double>&);
template void block_factor<std::complex<double>>(const LinearReach&, double, std::complex<double>, std::vector<std::complex<double>>&);
template void block_solve<double>(const LinearReach&, double, const std::vector<double>&, const double*, double*);
template void block_solve<std::complex<double>>(const LinearReach&, double, const std::vector<std::complex<double>>&,
                                                const std::complex<double>*, std::complex<double>*);

void LinearReach::solve_exchanging(const double* v, double* y) const {
    thread_local V ginv;
    block_factor<double>(*this, 1.0, 0.0, ginv);
    block_solve<double>(*this, 1.0, ginv, v, y);
}

// CRAM of order 16 (Pusa): e^x ~ alpha_0 + 2 Re sum_k alpha_k / (x - theta_k) on x <= 0, within 2.2e-14 in double
// precision there (measured over 6,000 points of [-10^4, 0]). The poles theta_k and residues alpha_k as published in
// M. Pusa, "Correction to partial fraction decomposition coefficients for Chebyshev rational approximation on the
// negative real axis", arXiv:1206.2880 (2012), table for k = 16.
namespace {
using C = std::complex<double>;
constexpr C kCramTheta[8] = {{-1.0843917078696988026e+1, +1.9277446167181652284e+1}, {-5.2649713434426468895e+0, +1.6220221473167927305e+1},
                             {+5.9481522689511774808e+0, +3.5874573620183222829e+0}, {+3.5091036084149180974e+0, +8.4361989858843750826e+0},
                             {+6.4161776990994341923e+0, +1.1941223933701386874e+0}, {+1.4193758971856659786e+0, +1.0925363484496722585e+1},
                             {+4.9931747377179963991e+0, +5.9968817136039422260e+0}, {-1.4139284624888862114e+0, +1.3497725698892745389e+1}};
constexpr C kCramAlpha[8] = {{-5.0901521865224915650e-7, -2.4220017652852287970e-5}, {+2.1151742182466030907e-4, +4.3892969647380673918e-3},
                             {+1.1339775178483930527e+2, +1.0194721704215856450e+2}, {+1.5059585270023467528e+1, -5.7514052776421819979e+0},
                             {-6.4500878025539646595e+1, -2.2459440762652096056e+2}, {-1.4793007113557999718e+0, +1.7686588323782937906e+0},
                             {-6.2518392463207918892e+1, -1.1190391094283228480e+1}, {+4.1023136835410021273e-2, -1.5743466173455468191e-1}};
constexpr double kCramAlpha0 = 2.1248537104952237488e-16;
}  // namespace

void cram_exp(const LinearReach& L, double h, double* u, bool same_system) {
    const std::size_t m = static_cast<std::size_t>(L.n) * S;
    thread_local std::vector<C> fac[8], v, y;
    thread_local V out;
    if (!same_system)
        for (int k = 0; k < 8; ++k) block_factor<C>(L, h, kCramTheta[k], fac[k]);
    v.resize(m);
    y.resize(m);
    out.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
        v[i] = u[i];
        out[i] = kCramAlpha0 * u[i];
    }
    for (int k = 0; k < 8; ++k) {
        block_solve<C>(L, h, fac[k], v.data(), y.data());
        for (std::size_t i = 0; i < m; ++i) out[i] += 2.0 * (kCramAlpha[k] * y[i]).real();
    }
    std::copy(out.begin(), out.end(), u);
}

}  // namespace qingliu::reaches::wq::linear_cells
