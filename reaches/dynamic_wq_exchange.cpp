// The linear cells where they exchange water with their neighbours (QUAL2K's dispersion; reaches/dynamic_wq_linear.hpp):
// the block-tridiagonal solve and DO split off by integration against the other species' series.
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

void LinearReach::solve_exchanging(const double* v, double* y) const {
    constexpr int SS = S * S;
    const std::size_t np = pattern.size();
    thread_local V ginv, vp;
    ginv.assign(static_cast<std::size_t>(n) * SS, 0.0);  // G_j^-1, row-major, lower triangular
    vp.assign(static_cast<std::size_t>(n) * S, 0.0);
    for (int j = 0; j < n; ++j) {
        double g[SS] = {};
        for (int i = 0; i < S; ++i) g[i * S + i] = diag[j * S + i];
        for (std::size_t e = 0; e < np; ++e) g[pattern[e][0] * S + pattern[e][1]] += off[j * np + e];
        for (int i = 0; i < S; ++i) vp[j * S + i] = v[j * S + i];
        if (j > 0) {
            const double* gi = ginv.data() + static_cast<std::size_t>(j - 1) * SS;
            const double f = up[j] * down[j - 1];
            for (int k = 0; k < SS; ++k) g[k] -= f * gi[k];
            for (int i = 0; i < S; ++i) {
                double s = 0.0;
                for (int k = 0; k <= i; ++k) s += gi[i * S + k] * vp[(j - 1) * S + k];
                vp[j * S + i] -= up[j] * s;
            }
        }
        double* out = ginv.data() + static_cast<std::size_t>(j) * SS;  // columns of G^-1 by forward substitution
        for (int c = 0; c < S; ++c)
            for (int i = c; i < S; ++i) {
                double s = i == c ? 1.0 : 0.0;
                for (int k = c; k < i; ++k) s -= g[i * S + k] * out[k * S + c];
                out[i * S + c] = s / g[i * S + i];
            }
    }
    for (int j = n - 1; j >= 0; --j) {
        double r[S];
        for (int i = 0; i < S; ++i) r[i] = vp[j * S + i] - (j + 1 < n ? down[j] * y[(j + 1) * S + i] : 0.0);
        const double* gi = ginv.data() + static_cast<std::size_t>(j) * SS;
        for (int i = 0; i < S; ++i) {
            double s = 0.0;
            for (int k = 0; k <= i; ++k) s += gi[i * S + k] * r[k];
            y[j * S + i] = s;
        }
    }
}

}  // namespace qingliu::reaches::wq::linear_cells
