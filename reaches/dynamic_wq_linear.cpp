#include "reaches/dynamic_wq_linear.hpp"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common/cpu_features.hpp"

namespace qingliu::reaches::wq::linear_cells {

namespace {

constexpr int S = kNumSpecies;
using V = std::vector<double>;
static_assert(DO == S - 1, "the wide kernel holds the eight species before DO in one register");
constexpr int kWideCells = 32;  ///< the wide kernel's largest reach (cells)
// CRAM where uniformization would take more than about this many terms (lam h; cells exchanging water). bench_wq's
// year of 1,001 reaches at 1/8 d with dispersion on every reach (--dispersion): 400 m2/s 8.65 s at 100, 6.60 s at
// 10, 6.91 s at 5, 7.62 s at 2; 3,000 m2/s 11.74, 8.00, 8.04, 8.54 s.
constexpr double kCramAbove = 10.0;

#if defined(__x86_64__)

// The terms of transient() for every piece, eight species of a cell in one 512-bit register: P v for cell j is
//   pd_j * v_j + pu_j v_{j-1} + sh_j * (v_j moved up one lane)   (lane i of sh_j: P's entry (i, i - 1), the only
// kinetic entries among those species where `wide` is chosen), and DO, unless skipped, as a scalar beside them with
// its row over the eight species (pdo_j) summed across the lanes. Cells from the last down, so v_{j-1} is still the
// previous term's. The same products and sums as the generic loop but fused multiply-adds and another order in the
// DO row: the results agree to rounding, the number of terms may differ by one where the stopping test is at its
// bound (both below the tolerance).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // v[j - 1]: set for every cell below n before it is read
#endif
__attribute__((target("avx512f,avx2,fma"))) void terms_avx512(int n, const double* pd, const double* pu, const double* sh,
                                                               const double* pdo, bool skip_do, double* d, int pieces,
                                                               double x, double growth, bool grows, double abs) {
    __m512d v[kWideCells], zs[kWideCells], pd8[kWideCells], sh8[kWideCells], pdo8[kWideCells];
    double vo[kWideCells], zo[kWideCells], pdo_d[kWideCells];
    const __m512i up_one = _mm512_set_epi64(6, 5, 4, 3, 2, 1, 0, 0);
    for (int j = 0; j < n; ++j) {
        pd8[j] = _mm512_loadu_pd(pd + j * S);
        sh8[j] = _mm512_loadu_pd(sh + j * 8);
        pdo8[j] = skip_do ? _mm512_setzero_pd() : _mm512_loadu_pd(pdo + j * 8);
        pdo_d[j] = skip_do ? 0.0 : pd[j * S + DO];
    }
    const int max_terms = static_cast<int>(x + 12.0 * std::sqrt(x) + 60.0);
    for (int piece = 0; piece < pieces; ++piece) {
        __m512d mx = _mm512_setzero_pd();
        double mo = 0.0;
        for (int j = 0; j < n; ++j) {
            v[j] = _mm512_loadu_pd(d + j * S);
            vo[j] = skip_do ? 0.0 : d[j * S + DO];
            mx = _mm512_max_pd(mx, _mm512_abs_pd(v[j]));
            mo = std::max(mo, std::abs(d[j * S + DO]));
        }
        const double dmax = std::max(_mm512_reduce_max_pd(mx), mo);
        double w = std::exp(-x), tail = 1.0 - w;
        const __m512d w0 = _mm512_set1_pd(w);
        for (int j = 0; j < n; ++j) {
            zs[j] = _mm512_mul_pd(w0, v[j]);
            zo[j] = w * vo[j];
        }
        double vmax = dmax;
        for (int k = 1; k <= max_terms && tail > 1e-16 && tail * dmax > abs && (grows ? growth : tail) * vmax > abs; ++k) {
            w *= x / k;
            tail -= w;
            const __m512d wk = _mm512_set1_pd(w);
            mx = _mm512_setzero_pd();
            mo = 0.0;
            for (int j = n - 1; j >= 0; --j) {
                __m512d t = _mm512_mul_pd(pd8[j], v[j]);
                if (j > 0) t = _mm512_fmadd_pd(_mm512_set1_pd(pu[j]), v[j - 1], t);
                t = _mm512_fmadd_pd(sh8[j], _mm512_permutexvar_pd(up_one, v[j]), t);
                if (!skip_do) {
                    double o = pdo_d[j] * vo[j] + _mm512_reduce_add_pd(_mm512_mul_pd(pdo8[j], v[j]));
                    if (j > 0) o += pu[j] * vo[j - 1];
                    vo[j] = o;
                    zo[j] += w * o;
                    mo = std::max(mo, std::abs(o));
                }
                v[j] = t;
                zs[j] = _mm512_fmadd_pd(wk, t, zs[j]);
                mx = _mm512_max_pd(mx, _mm512_abs_pd(t));
            }
            vmax = std::max(_mm512_reduce_max_pd(mx), mo);
        }
        for (int j = 0; j < n; ++j) {
            _mm512_storeu_pd(d + j * S, zs[j]);
            d[j * S + DO] = zo[j];
        }
    }
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

// The terms of transient() for every piece with the portable loops (Exch: the cells exchange water with the cell
// below too; a template so that the loops without exchange are those before it).
struct PortableTerms {
    int n;
    std::size_t np;
    const double *pd, *pu, *pn, *po;
    const unsigned char *prow, *pcol;
    bool skip_do;
    double x, rho, growth, abs;
    const double* gdo = nullptr;    ///< with exchange and DO split off: DO's row over the other species (n x pattern)
    std::vector<double>* g = nullptr;  ///< then: g_k = G P^k d per term k (n each), for stiff_do_exchange
};
// g_k = G v (v = P^k d): per cell DO's row over the other species
inline void g_term(const PortableTerms& pt, const double* v) {
    for (int j = 0; j < pt.n; ++j) {
        double s = 0.0;
        for (std::size_t e = 0; e < pt.np; ++e)
            if (pt.prow[e] == DO) s += pt.gdo[j * pt.np + e] * v[j * S + pt.pcol[e]];
        pt.g->push_back(s);
    }
}

template <bool Exch>
void portable_terms(const PortableTerms& pt, double* d, int pieces, V& v, V& vn, V& zsum) {
    const int n = pt.n;
    const std::size_t np = pt.np, m = static_cast<std::size_t>(n) * S;
    const double *pd = pt.pd, *pu = pt.pu, *pn = pt.pn, *po = pt.po;
    const unsigned char *prow = pt.prow, *pcol = pt.pcol;
    const bool skip_do = pt.skip_do;
    const double x = pt.x, rho = pt.rho, growth = pt.growth, abs = pt.abs;
    for (int piece = 0; piece < pieces; ++piece) {
        double dmax = 0.0;
        for (std::size_t k = 0; k < m; ++k) {
            v[k] = d[k];
            dmax = std::max(dmax, std::abs(d[k]));
        }
        if (skip_do)
            for (int j = 0; j < n; ++j) v[j * S + DO] = 0.0;
        double w = std::exp(-x), tail = 1.0 - w;
        for (std::size_t k = 0; k < m; ++k) zsum[k] = w * v[k];
        const int max_terms = static_cast<int>(x + 12.0 * std::sqrt(x) + 60.0);
        double vmax = dmax;
        if constexpr (Exch)
            if (pt.g) {
                pt.g->clear();
                g_term(pt, v.data());
            }
        for (int k = 1; k <= max_terms && tail > 1e-16 && tail * dmax > abs && (rho > 1.0 ? growth : tail) * vmax > abs; ++k) {
            w *= x / k;
            tail -= w;
            double m4[4] = {0.0, 0.0, 0.0, 0.0};  // four chains: the maximum is a latency-bound reduction
            for (int j = 0; j < n; ++j) {
                const double* vj = v.data() + j * S;
                const double* pdj = pd + j * S;
                const double* poj = po + j * np;
                double* oj = vn.data() + j * S;
                double t[S];
                if (j == 0) {
                    for (int i = 0; i < S; ++i) t[i] = pdj[i] * vj[i];
                } else {
                    const double u = pu[j];
                    for (int i = 0; i < S; ++i) t[i] = pdj[i] * vj[i] + u * vj[i - S];
                }
                if (Exch && j + 1 < n) {
                    const double dn = pn[j];
                    for (int i = 0; i < S; ++i) t[i] += dn * vj[i + S];
                }
                for (std::size_t e = 0; e < np; ++e) t[prow[e]] += poj[e] * vj[pcol[e]];
                double* zj = zsum.data() + j * S;
                for (int i = 0; i < S; ++i) {
                    oj[i] = t[i];
                    zj[i] += w * t[i];
                }
                for (int i = 0; i < S; ++i) m4[i & 3] = std::max(m4[i & 3], std::abs(t[i]));
            }
            v.swap(vn);
            vmax = std::max(std::max(m4[0], m4[1]), std::max(m4[2], m4[3]));
            if constexpr (Exch)
                if (pt.g) g_term(pt, v.data());
        }
        std::copy(zsum.begin(), zsum.end(), d);
    }
}

// d := e^{Mh} d by uniformization at rate lam >= every |M_ii| used (without DO when skip_do: its entries are
// left to stiff_do), in pieces with lam tau <= 400, summed until the Poisson tail times |d| is below abs.
// reuse: M, lam, h and skip_do are those of the call just before, whose set-up of P is kept.
[[gnu::always_inline]] inline void transient(const LinearReach& L, double* d, double lam, double h, bool skip_do, double abs, bool generic,
                                             bool reuse, std::vector<double>* g = nullptr) {
    const int n = L.n;
    const std::size_t m = static_cast<std::size_t>(n) * S, np = L.pattern.size();
    // P = I + M/lam once (diagonal, coupling to the cell upstream, kinetic entries with their rows and columns); each
    // term is then one pass: v <- P v, zsum += w v and |v|'s maximum together
    thread_local V v, vn, zsum, pd, pu, po;
    thread_local std::vector<unsigned char> prow, pcol;
    thread_local V pn;  // the coupling to the cell downstream, where the cells exchange water
    thread_local V sh, pdo;  // the wide kernel's
    struct Setup {
        int pieces;
        double x, rho, growth;
        bool wide;
    };
    thread_local Setup su;
    const bool exch = L.exchanges();
    v.resize(m);
    vn.resize(m);
    zsum.resize(m);
    if (!reuse) {
        pd.resize(m);
        pu.resize(n);
        po.resize(static_cast<std::size_t>(n) * np);
        prow.resize(np);
        pcol.resize(np);
        if (!(lam > 0.0)) lam = 1e-300;
        const int pieces = std::max(1, static_cast<int>(std::ceil(lam * h / 400.0)));
        const double tau = h / pieces, x = lam * tau, inv = 1.0 / lam;
        for (std::size_t e = 0; e < np; ++e) {
            prow[e] = static_cast<unsigned char>(L.pattern[e][0]);
            pcol[e] = static_cast<unsigned char>(L.pattern[e][1]);
        }
        for (std::size_t k = 0; k < m; ++k) pd[k] = 1.0 + L.diag[k] * inv;
        for (int j = 0; j < n; ++j) pu[j] = j > 0 ? L.up[j] * inv : 0.0;
        if (exch) {
            pn.assign(n, 0.0);
            for (int j = 0; j + 1 < n; ++j) pn[j] = L.down[j] * inv;
        }
        for (std::size_t k = 0; k < po.size(); ++k) po[k] = L.off[k] * inv;
        if (skip_do)  // DO's rows left out: its entries stay 0
            for (int j = 0; j < n; ++j) {
                pd[j * S + DO] = 0.0;
                for (std::size_t e = 0; e < np; ++e)
                    if (prow[e] == DO) po[j * np + e] = 0.0;
            }
        // rho >= |P|_inf (largest row sum of |P|, P = I + M/lam; DO's rows left out when skipped): the terms still to come
        // after term k, sum_{j>k} w_j P^j d, are within sum_{j>k} w_j rho^(j-k) |P^k d|, i.e. within tail_k |P^k d| when
        // rho <= 1 and within e^{x (rho - 1)} |P^k d| otherwise (sum_j w_j rho^j = e^{x (rho - 1)}). Where the cells flush
        // fast P is nearly nilpotent and |P^k d| falls long before the Poisson weights peak.
        double rho = 0.0;
        for (int j = 0; j < n; ++j) {
            double row[S];
            for (int i = 0; i < S; ++i) row[i] = std::abs(1.0 + L.diag[j * S + i] * inv) + (j > 0 ? L.up[j] * inv : 0.0) + (exch ? pn[j] : 0.0);
            for (std::size_t e = 0; e < np; ++e) row[prow[e]] += std::abs(L.off[j * np + e]) * inv;
            for (int i = 0; i < S; ++i)
                if (!(skip_do && i == DO)) rho = std::max(rho, row[i]);
        }
        const double growth = rho > 1.0 ? std::exp(std::min(700.0, x * (rho - 1.0))) : 0.0;
        bool wide = false;
#if defined(__x86_64__)
        // the wide kernel where the kinetic entries among the eight species before DO are each from the species just
        // before (hydrolysis to NH3-N, nitrification to NO3-N, organic to inorganic P)
        wide = !generic && !exch && n <= kWideCells && cpu::avx512f();
        for (std::size_t e = 0; e < np && wide; ++e) wide = prow[e] == DO || pcol[e] + 1 == prow[e];
        if (wide) {
            sh.assign(static_cast<std::size_t>(n) * 8, 0.0);
            pdo.assign(static_cast<std::size_t>(n) * 8, 0.0);
            for (int j = 0; j < n; ++j)
                for (std::size_t e = 0; e < np; ++e)
                    (prow[e] == DO ? pdo[j * 8 + pcol[e]] : sh[j * 8 + prow[e]]) = po[j * np + e];
        }
#else
        (void)generic;
#endif
        su = Setup{pieces, x, rho, growth, wide};
    }
    const int pieces = su.pieces;
    const double x = su.x, rho = su.rho, growth = su.growth;
#if defined(__x86_64__)
    if (su.wide) {
        terms_avx512(n, pd.data(), pu.data(), sh.data(), pdo.data(), skip_do, d, pieces, x, growth, rho > 1.0, abs);
        if (skip_do)
            for (int j = 0; j < n; ++j) d[j * S + DO] = 0.0;
        return;
    }
#endif
    PortableTerms t{n, np, pd.data(), pu.data(), pn.data(), po.data(), prow.data(), pcol.data(), skip_do, x, rho, growth, abs};
    if (g && exch && pieces == 1) {
        t.gdo = L.off.data();
        t.g = g;
    }
    if (exch) portable_terms<true>(t, d, pieces, v, vn, zsum);
    else portable_terms<false>(t, d, pieces, v, vn, zsum);
}

// DO of a split piece (see linear_piece): z holds the other species at h and DO at 0; y_int their integrals.
void stiff_do(const LinearReach& L, const double* z0, double* z, double* y_int, double h, double relaxed_tol) {
    const int n = L.n;
    const std::size_t m = static_cast<std::size_t>(n) * S, np = L.pattern.size();
    thread_local V K, k0, w0, zh0;
    K.assign(static_cast<std::size_t>(n) * m, 0.0);  // K[j * m + b]
    // per species ib: the pattern entries of the other species drawing on it (in pattern order), and DO's (G)
    int draws[S][S], n_draws[S], g_entry[S];
    for (int i = 0; i < S; ++i) {
        n_draws[i] = 0;
        g_entry[i] = -1;
    }
    for (std::size_t e = 0; e < np; ++e) {
        const int to = L.pattern[e][0], from = L.pattern[e][1];
        if (to == DO) g_entry[from] = static_cast<int>(e);
        else draws[from][n_draws[from]++] = static_cast<int>(e);
    }
    // K: cells j in order, columns b from the last down (M_z's entries below b are already known). DO of cell j
    // depends on the cells down to j only: K's columns of the cells below j stay 0.
    for (int j = 0; j < n; ++j) {
        const double djj = L.diag[j * S + DO];
        for (std::size_t bb = static_cast<std::size_t>(j + 1) * S; bb-- > 0;) {
            const int jb = static_cast<int>(bb / S), ib = static_cast<int>(bb % S);
            if (ib == DO) continue;
            double s = 0.0;
            if (jb == j && g_entry[ib] >= 0) s -= L.off[j * np + g_entry[ib]];  // G: DO of cell j drawing on ib
            if (j > 0) s -= L.up[j] * K[(j - 1) * m + bb];
            for (int q = 0; q < n_draws[ib]; ++q) {  // species of cell jb drawing on ib
                const int e = draws[ib][q];
                s += K[j * m + jb * S + L.pattern[e][0]] * L.off[jb * np + e];
            }
            if (jb + 1 < n) s += K[j * m + (jb + 1) * S + ib] * L.up[jb + 1];
            K[j * m + bb] = s / (djj - L.diag[bb]);
        }
    }
    // k0 from D k0 = -(c_o - K c_z); w0 = o0 - K z0 - k0 with z0 the other species at 0 (z holds them at h)
    k0.assign(n, 0.0);
    w0.assign(n, 0.0);
    zh0.assign(n, 0.0);
    // (K's columns of the cells below j are 0: the sums over b stop at cell j, the same sums as over every cell)
    for (int j = 0; j < n; ++j) {
        double kc = 0.0;
        for (int jb = 0; jb <= j; ++jb)
            for (int ib = 0; ib < DO; ++ib) kc += K[j * m + jb * S + ib] * L.c[jb * S + ib];
        const double rhs = -(L.c[j * S + DO] - kc) - (j > 0 ? L.up[j] * k0[j - 1] : 0.0);
        k0[j] = rhs / L.diag[j * S + DO];
    }
    for (int j = 0; j < n; ++j) {
        double kz0 = 0.0;
        for (int jb = 0; jb <= j; ++jb)
            for (int ib = 0; ib < DO; ++ib) kz0 += K[j * m + jb * S + ib] * z0[jb * S + ib];
        w0[j] = z[j * S + DO] - kz0 - k0[j];
    }
    // w' = D w: gone by h when e^{-mu_min h} sum_{k<n} (up_max h)^k / k! |w0| is below relaxed_tol (then
    // w(h) = 0 and int w = -D^-1 w0), else uniformization of the DO chain
    double mu = 0.0, mu_lo = 1e300, up_max = 0.0, w_max = 0.0, scale = 0.0;
    for (int j = 0; j < n; ++j) {
        mu = std::max(mu, -L.diag[j * S + DO]);
        mu_lo = std::min(mu_lo, -L.diag[j * S + DO]);
        up_max = std::max(up_max, L.up[j]);
        w_max = std::max(w_max, std::abs(w0[j]));
        scale = std::max(scale, std::abs(z[j * S + DO]));
    }
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < n; ++k) {
        sum += term;
        term *= up_max * h / (k + 1);
    }
    double wint[64];
    if (std::exp(-mu_lo * h) * sum * w_max <= relaxed_tol * (1.0 + scale)) {
        for (int j = 0; j < n; ++j) {
            wint[j] = -(w0[j] - (j > 0 ? L.up[j] * wint[j - 1] * -1.0 : 0.0)) / L.diag[j * S + DO];
            w0[j] = 0.0;
        }
    } else {
        const int pieces = std::max(1, static_cast<int>(std::ceil(mu * h / 400.0)));
        const double tau = h / pieces, x = mu * tau, inv = 1.0 / mu;
        double wv[64], wn[64], wsum[64];
        for (int j = 0; j < n; ++j) wint[j] = 0.0;
        for (int piece = 0; piece < pieces; ++piece) {
            double p = std::exp(-x), tail = 1.0 - p;
            for (int j = 0; j < n; ++j) {
                wv[j] = w0[j];
                wsum[j] = p * wv[j];
                wint[j] += tail * wv[j] * inv;
            }
            const int max_terms = static_cast<int>(x + 12.0 * std::sqrt(x) + 60.0);
            for (int k = 1; k <= max_terms && tail > 1e-15; ++k) {
                for (int j = 0; j < n; ++j) wn[j] = wv[j] + (L.diag[j * S + DO] * wv[j] + (j > 0 ? L.up[j] * wv[j - 1] : 0.0)) * inv;
                p *= x / k;
                tail -= p;
                const double t = std::max(tail, 0.0);
                for (int j = 0; j < n; ++j) {
                    wv[j] = wn[j];
                    wsum[j] += p * wv[j];
                    wint[j] += t * wv[j] * inv;
                }
            }
            for (int j = 0; j < n; ++j) w0[j] = wsum[j];
        }
    }
    // o = w + K z + k0 at h and integrated
    for (int j = 0; j < n; ++j) {
        double kz = 0.0, ky = 0.0;
        for (int jb = 0; jb <= j; ++jb)
            for (int ib = 0; ib < DO; ++ib) {
                const std::size_t bb = static_cast<std::size_t>(jb) * S + ib;
                kz += K[j * m + bb] * z[bb];
                ky += K[j * m + bb] * y_int[bb];
            }
        z[j * S + DO] = w0[j] + kz + k0[j];
        y_int[j * S + DO] = wint[j] + ky + k0[j] * h;
    }
}

// z (in place) to z(h) where the cells exchange water, by CRAM (cram_exp): z_ss + e^{Mh} (z0 - z_ss), and y_int =
// z_ss h + M^-1 (z(h) - z0) (solve: y with M y = v)
template <class Solve>
void cram_piece(const LinearReach& L, const V& zss, double* z, double* y_int, double h, bool same_system, V& tmp, const Solve& solve) {
    const std::size_t m = zss.size();
    for (std::size_t k = 0; k < m; ++k) tmp[k] = z[k] - zss[k];
    cram_exp(L, h, tmp.data(), same_system);
    for (std::size_t k = 0; k < m; ++k) {
        const double zh = zss[k] + tmp[k];
        tmp[k] = zh - z[k];
        z[k] = zh;
    }
    solve(tmp.data(), y_int);
    for (std::size_t k = 0; k < m; ++k) y_int[k] += zss[k] * h;
}

}  // namespace

// M's rates and norms: r_min and lam the smallest and largest |M_ii|, nu the largest row sum of |off-diagonal M|, mu
// M's logarithmic norm (largest row of M_ii + sum |M_ik|); lam_z the largest |M_ii| of the species other than DO,
// mu_min and mu_max DO's smallest and largest, margin the DO chain's least dominance where the cells exchange water.
void kept_rates(const LinearReach& L, double& r_min, double& lam, double& nu, double& mu, double& lam_z, double& mu_min,
                double& mu_max, double& margin) {
    const int n_ = L.n;
    r_min = 1e300, lam = 0.0, nu = 0.0, mu = -1e300;
    for (int j = 0; j < n_; ++j) {
        for (int i = 0; i < S; ++i) {
            r_min = std::min(r_min, -L.diag[j * S + i]);
            lam = std::max(lam, -L.diag[j * S + i]);
        }
        double row[S];
        for (int i = 0; i < S; ++i) row[i] = L.up[j] + (L.exchanges() ? L.down[j] : 0.0);
        for (std::size_t e = 0; e < L.pattern.size(); ++e) row[L.pattern[e][0]] += std::abs(L.off[j * L.pattern.size() + e]);
        for (int i = 0; i < S; ++i) {
            nu = std::max(nu, row[i]);
            mu = std::max(mu, L.diag[j * S + i] + row[i]);
        }
    }
    lam_z = 0.0, mu_min = 1e300, mu_max = 0.0;
    for (int j = 0; j < n_; ++j) {
        for (int i = 0; i < S; ++i)
            if (i != DO) lam_z = std::max(lam_z, -L.diag[j * S + i]);
        mu_min = std::min(mu_min, -L.diag[j * S + DO]);
        mu_max = std::max(mu_max, -L.diag[j * S + DO]);
    }
    margin = 1e300;
    for (int j = 0; j < n_ && L.exchanges(); ++j)
        margin = std::min(margin, -L.diag[j * S + DO] - (j > 0 ? L.up[j] : 0.0) - L.down[j]);
}

LinearPath solve_linear_cells(const LinearReach& L, double* z, double* y_int, double h, double relaxed_tol, bool do_last, bool generic,
                              bool same_system) {
    const int n_ = L.n;
    const std::size_t m = static_cast<std::size_t>(n_) * S;
    thread_local V zss, tmp, z_start, inv;
    zss.assign(m, 0.0);
    tmp.assign(m, 0.0);
    double* yint = y_int;
    // What depends on M and h alone (the reciprocals of M's diagonal, its rates and norms, the relaxed test's sum, the
    // set-up of P in transient) is kept from the call just before where the caller says M is the same.
    struct Kept {
        const LinearReach* L = nullptr;
        std::uint64_t call = 0;
        double h = 0.0;
        bool do_last = false, generic = false, transient = false, cram = false;
        double r_min, lam, nu, mu, sum, lam_z, mu_min, mu_max, margin;
    };
    thread_local Kept kept;
    thread_local std::uint64_t calls = 0;
    ++calls;
    const bool reuse = same_system && kept.L == &L && kept.call + 1 == calls && kept.h == h && kept.do_last == do_last &&
                       kept.generic == generic;
    kept.call = calls;
    thread_local V factors;  // where the cells exchange water, M's (block_factor)
    if (!reuse) {
        kept.L = &L;
        kept.h = h;
        kept.do_last = do_last;
        kept.generic = generic;
        kept.transient = false;
        kept.cram = false;
        kept.sum = -1.0;
        inv.resize(m);
        for (std::size_t k = 0; k < m; ++k) inv[k] = 1.0 / L.diag[k];
        kept_rates(L, kept.r_min, kept.lam, kept.nu, kept.mu, kept.lam_z, kept.mu_min, kept.mu_max, kept.margin);
        if (L.exchanges()) block_factor(L, factors);
    }
    const double r_min = kept.r_min, lam = kept.lam, nu = kept.nu, mu = kept.mu;
    // y with M y = v (where the cells exchange water from M's factors, formed once for the call or kept)
    const auto solve = [&](const double* v, double* y) {
        if (L.exchanges()) block_solve(L, factors, v, y);
        else L.solve(v, y, inv.data());
    };
    // relaxed: e^{-r_min h} sum_{k<L} (nu h)^k / k!, L = n + S, times |z0 - z_ss|
    for (std::size_t k = 0; k < m; ++k) tmp[k] = -L.c[k];
    solve(tmp.data(), zss.data());
    {
        double diff = 0.0, scale = 0.0;
        for (std::size_t k = 0; k < m; ++k) {
            diff = std::max(diff, std::abs(z[k] - zss[k]));
            scale = std::max(scale, std::abs(zss[k]));
        }
        // the sum below is >= 1, so the bound is >= e^{-r_min h}: where that alone times diff is above the tolerance
        // (r_min h < ln(diff / tol) >= floor(log2(diff / tol)) ln 2) the transient is not relaxed, without the sum,
        // its exponential and its logarithm
        const double ratio = diff / (relaxed_tol * (1.0 + scale));
        const bool surely_not = !L.exchanges() && ratio >= 2.0 && r_min * h < std::ilogb(ratio) * 0.6931471805599453;
        bool relaxed = false;
        if (!surely_not) {
            if (kept.sum < 0.0) {
                double term = 1.0, sum = 0.0;
                for (int k = 0; k < n_ + S; ++k) {
                    sum += term;
                    term *= nu * h / (k + 1);
                }
                kept.sum = sum;
            }
            const double sum = kept.sum;
            // with exchange M's off-diagonal part is no longer nilpotent: |e^{Mh}| <= e^{mu h} (the logarithmic norm)
            const double bound = L.exchanges() ? std::exp(std::min(mu * h, 700.0)) : std::exp(-r_min * h + std::log(sum));
            relaxed = bound * diff <= relaxed_tol * (1.0 + scale);
        }
        if (relaxed) {
            for (std::size_t k = 0; k < m; ++k) tmp[k] = zss[k] - z[k];
            solve(tmp.data(), yint);
            for (std::size_t k = 0; k < m; ++k) yint[k] += zss[k] * h;
            std::copy(zss.begin(), zss.end(), z);
            return LinearPath::Relaxed;
        }
    }
    // Stiff DO (reaeration far faster than every other rate; nothing draws on DO): the other species by
    // uniformization at their own rate, DO by the change of variables o = w + K z + k0 with D K - K Mz = -G
    // (D the DO chain, Mz the other species' matrix, G DO's dependence on them) and D k0 = -(c_o - K c_z),
    // under which w' = D w exactly (decoupled); w by uniformization of the n-cell DO chain alone.
    // (with exchange the DO chain T is tridiagonal: split where every row of it is dominant by 2 lam_z, the margin;
    // stiff_do_exchange)
    const double lam_z = kept.lam_z, mu_min = kept.mu_min, mu_max = kept.mu_max, margin = kept.margin;
    const bool stiff = do_last && n_ <= 64 && mu_max * h > 30.0;
    const bool split = stiff && !L.exchanges() && mu_min >= 2.0 * lam_z;
    const bool split_x = stiff && L.exchanges() && margin >= 2.0 * lam_z && lam_z * h <= 400.0;
    // the transient only: z(h) = z_ss + e^{Mh} (z0 - z_ss), int z = z_ss h + M^-1 (z(h) - z0)
    z_start.assign(z, z + m);
    // where the cells exchange water and uniformization would take over kCramAbove terms (about lam h), CRAM instead
    // (its factors kept over the pieces of an interval)
    if (L.exchanges() && (split_x ? lam_z : lam) * h > kCramAbove) {
        cram_piece(L, zss, z, yint, h, reuse && kept.cram, tmp, solve);
        kept.cram = true;
        return LinearPath::ExactCram;
    }
    double scale = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
        tmp[k] = z[k] - zss[k];
        scale = std::max(scale, std::max(std::abs(z[k]), std::abs(zss[k])));
    }
    thread_local V g;
    transient(L, tmp.data(), split || split_x ? lam_z : lam, h, split || split_x, relaxed_tol * (1.0 + scale), generic,
              reuse && kept.transient, split_x ? &g : nullptr);
    kept.transient = true;
    for (std::size_t k = 0; k < m; ++k) z[k] = zss[k] + tmp[k];
    if (split)
        for (int j = 0; j < n_; ++j) z[j * S + DO] = z_start[j * S + DO];
    if (split_x) stiff_do_exchange(L, zss.data(), z_start.data(), g, lam_z, h, z, relaxed_tol * (1.0 + scale));
    for (std::size_t k = 0; k < m; ++k) tmp[k] = z[k] - z_start[k];
    solve(tmp.data(), yint);
    for (std::size_t k = 0; k < m; ++k) yint[k] += zss[k] * h;
    if (split_x) return LinearPath::ExactStiffDo;
    if (!split) return LinearPath::Exact;
    stiff_do(L, z_start.data(), z, yint, h, relaxed_tol);
    return LinearPath::ExactStiffDo;
}

}  // namespace qingliu::reaches::wq::linear_cells
