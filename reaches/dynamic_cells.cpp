// The cells of each reach (layout_cells) and the exact solution of stiff intervals (see reaches/dynamic_cells.hpp).
#include "reaches/dynamic_cells.hpp"

#include <cstdint>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/cpu_features.hpp"
#include "common/error.hpp"
#include "reaches/steady.hpp"

namespace qingliu::reaches::cells {

// Exact solution of stiff intervals (see exact_intervals in reaches/dynamic_cells.hpp for the method).
namespace {
// Quad (reaches/dynamic_cells.hpp): the three constituents of a cell side by side with a fourth slot that stays 0.
constexpr int W = 4;  // values per cell: [i * W + c], c < 3, slot 3 always 0

/// 1/k for the series' recurrences without a division per term (a table for the first 1,024).
struct Reciprocals {
    static constexpr int kSize = 1024;
    double v[kSize];
    Reciprocals() {
        v[0] = 0.0;
        for (int k = 1; k < kSize; ++k) v[k] = 1.0 / k;
    }
    double operator()(int k) const { return k < kSize ? v[k] : 1.0 / k; }
};
const Reciprocals kInv;

/// The stopping tests of a series after its term j (see series_part), the same in every kernel: true to stop; else
/// pois becomes Pois(j + 1). norm: |P^{j+1} d|_1 per constituent.
[[gnu::always_inline]] inline bool series_ends(int j, double a, double tol, double cdf, const Quad& norm, const double* weight,
                                               double& pois) {
    // Pois(j + 1) and the Poisson tail's test, next / (1 - a / (j + 2)) < tol, without divisions
    const double next = pois * a * kInv(j + 1);
    if (j + 2 > a && next < tol * (1.0 - a * kInv(j + 2))) return true;
    const Quad wn = norm * *reinterpret_cast<const Quad*>(weight);
    const double rel = wn[0] + wn[1] + wn[2];
    if (std::max(0.0, 1.0 - cdf) * rel <= tol) return true;
    pois = next;
    return false;
}

/// One part of the uniformization series: endv = sum_j Pois(j; a) P^j d with d in cur, nxt a second buffer of the
/// same shape. Stops when the Poisson tail alone is below tol
/// (past the mean the remaining terms fall faster than a geometric series of ratio a/(j+2), so they sum to at most
/// pois_{j+1} / (1 - a/(j+2)), times |d| >= |P^j d|), or when the remaining Poisson mass times |P^{j+1} d|_1, which
/// bounds every later P^m d, is below tol of the masses of each constituent (the sum of the three relative norms).
/// Fused (the AVX2 build): the two multiply-adds of each cell are fused ones (one rounding instead of two), the same at
/// every optimization level as the 512-bit kernel's: written as such for GCC, which contracts a * b + c only from -O2;
/// Clang contracts within an expression at every level (and checks a builtin's processor features before inlining,
/// so there they are left to it). The generic build rounds each product, so the two differ in the last bits of the transient (which
/// the masses absorb: the sections and budgets of a 3,001-reach year came out identical).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::always_inline]] inline Quad fused_multiply_add(Quad a, Quad b, Quad c) {
    typedef double V4 __attribute__((vector_size(32)));
    return reinterpret_cast<Quad>(__builtin_ia32_vfmaddpd256(reinterpret_cast<V4>(a), reinterpret_cast<V4>(b), reinterpret_cast<V4>(c)));
}
#endif
template <bool Fused>
[[gnu::always_inline]] inline void series_part(int n, const double* diag, const double* sub, const double* weight, double a,
                                               double tol, double* cur, double* nxt, double* endv) {
    double pois = std::exp(-a), cdf = 0.0;
    for (int j = 0;; ++j) {
        cdf += pois;
        // endv += Pois(j) P^j d;  P^{j+1} d = P P^j d  (lower bidiagonal; sub is 0 at the top cell, so the zeros above
        // it do not matter); the norm of P^{j+1} d per constituent.
        const Quad pv = {pois, pois, pois, pois};
        const QuadBits mask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
        // the cell above carried in a register (u), the norm in two partial sums (even and odd cells) so that its
        // additions do not form one chain through the cells
        Quad norm0 = {0.0, 0.0, 0.0, 0.0}, norm1 = {0.0, 0.0, 0.0, 0.0};
        Quad u = {0.0, 0.0, 0.0, 0.0};
        const double* __restrict__ cr = cur;
        double* __restrict__ nx = nxt;
        double* __restrict__ ev = endv;
        auto cell = [&](int i, Quad& norm) {
            const Quad dg = {diag[i], diag[i], diag[i], diag[i]}, sb = {sub[i], sub[i], sub[i], sub[i]};
            const Quad c = *reinterpret_cast<const Quad*>(cr + i * W);
            Quad* e = reinterpret_cast<Quad*>(ev + i * W);
            Quad y;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
            if constexpr (Fused) {
                *e = fused_multiply_add(pv, c, *e);
                y = fused_multiply_add(dg, c, sb * u);
            } else
#endif
            {
                *e += pv * c;
                y = dg * c + sb * u;
            }
            u = c;
            *reinterpret_cast<Quad*>(nx + i * W) = y;
            norm += reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(y) & mask);
        };
        int i = 0;
        for (; i + 1 < n; i += 2) {
            cell(i, norm0);
            cell(i + 1, norm1);
        }
        if (i < n) cell(i, norm0);
        const Quad norm = norm0 + norm1;
        std::swap(cur, nxt);
        if (series_ends(j, a, tol, cdf, norm, weight, pois)) break;
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"), optimize("fp-contract=fast"))) void series_part_avx2(int n, const double* diag, const double* sub, const double* weight,
                                                      double a, double tol, double* cur, double* nxt, double* endv) {
    series_part<true>(n, diag, sub, weight, a, tol, cur, nxt, endv);
}
const bool kHasAvx2 = cpu::avx2_fma();

/// The same series two cells to a 512-bit register (AVX-512F): cells (2p, 2p+1) side by side, the cell above each from
/// the pair before by a shift of four lanes; diag4 and sub4 hold each cell's value in its four lanes, and every buffer
/// is padded to whole pairs with a cell whose diag, sub and masses are 0 (it stays 0 and adds 0 to the odd cells'
/// norm). Per lane the operations of series_part compiled for AVX2 and FMA: e = fma(pois, c, e),
/// y = fma(diag, c, sub u), the norm of the even cells in the lower half and of the odd cells in the upper, added at
/// the end; the stopping tests as there. So the same bits.
typedef double Oct __attribute__((vector_size(64), aligned(8)));
typedef long long OctBits __attribute__((vector_size(64), aligned(8)));

/// Cells p and p + P of a buffer in one register (series_pairs_in_registers).
template <int P>
[[gnu::always_inline]] __attribute__((target("avx512f,avx2,fma"))) inline Oct halves(const double* v, int p) {
    const Quad lo = *reinterpret_cast<const Quad*>(v + p * W), hi = *reinterpret_cast<const Quad*>(v + (p + P) * W);
    return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7);
}

/// The terms of series_part_avx512 with the P pairs of cells held in registers through the whole series (P <= 6):
/// one term then waits only on the arithmetic of the one before, not on its stores and loads. In registers the pair
/// p holds the cells p and p + P (the buffers hold 2P cells), so the cell above each is in the same half of the pair
/// before: one shift of four lanes per term (for pair 0, whose upper cell P follows cell P - 1) instead of one per
/// pair. The products and sums of the terms are those of series_part lane by lane; the norm of the stopping test sums
/// the cells in the order 0..P-1 and P..2P-1 instead of even and odd, which moves it by rounding only.
template <int P, bool Abs>
[[gnu::always_inline]] __attribute__((target("avx512f,avx2,fma"))) inline void series_pairs_in_registers(const double* diag4, const double* sub4, const double* weight, double a,
                                                             double tol, const double* cur, double* endv) {
    const OctBits mask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL,
                          0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
    Oct c[P], e[P], dg[P], sb[P];
    for (int p = 0; p < P; ++p) {
        c[p] = halves<P>(cur, p);
        e[p] = halves<P>(endv, p);
        dg[p] = halves<P>(diag4, p);
        sb[p] = halves<P>(sub4, p);
    }
    const Oct zero = {};
    double pois = std::exp(-a), cdf = 0.0;
    for (int j = 0;; ++j) {
        cdf += pois;
        const Oct pv = {pois, pois, pois, pois, pois, pois, pois, pois};
        // the norm starts at the first pair's (not at 0 plus it: the same sum, but where every term is -0, which
        // leaves the stopping test's answer as it was, rel then being 0 of either sign)
        Oct norm;
        // above cell 0 nothing, above cell P the cell P - 1 (lower half of the last pair)
        Oct above = __builtin_shufflevector(zero, c[P - 1], 0, 1, 2, 3, 8, 9, 10, 11);
        for (int p = 0; p < P; ++p) {
            const Oct u = above;
            above = c[p];
            e[p] = __builtin_ia32_vfmaddpd512_mask(pv, c[p], e[p], -1, 4);
            const Oct y = __builtin_ia32_vfmaddpd512_mask(dg[p], c[p], sb[p] * u, -1, 4);
            c[p] = y;
            const Oct t = Abs ? reinterpret_cast<Oct>(reinterpret_cast<OctBits>(y) & mask) : y;
            norm = p == 0 ? t : norm + t;
        }
        const Quad nq = Quad(__builtin_shufflevector(norm, norm, 0, 1, 2, 3)) + Quad(__builtin_shufflevector(norm, norm, 4, 5, 6, 7));
        if (series_ends(j, a, tol, cdf, nq, weight, pois)) break;
    }
    for (int p = 0; p < P; ++p) {
        *reinterpret_cast<Quad*>(endv + p * W) = Quad(__builtin_shufflevector(e[p], e[p], 0, 1, 2, 3));
        *reinterpret_cast<Quad*>(endv + (p + P) * W) = Quad(__builtin_shufflevector(e[p], e[p], 4, 5, 6, 7));
    }
}

/// The same series two cells to a 512-bit register (AVX-512F): cells (2p, 2p+1) side by side, the cell above each from
/// the pair before by a shift of four lanes; diag4 and sub4 hold each cell's value in its four lanes, and every buffer
/// is padded to whole pairs with a cell whose diag, sub and masses are 0 (it stays 0 and adds 0 to the odd cells'
/// norm). Per lane the operations of series_part compiled for AVX2 and FMA: e = fma(pois, c, e),
/// y = fma(diag, c, sub u), the norm of the even cells in the lower half and of the odd cells in the upper, added at
/// the end; the stopping tests as there. So the same bits. Up to 12 cells the pairs stay in registers
/// (series_pairs_in_registers: cells p and p + P to a pair, the stopping norm summed in that order).
template <bool Abs>
[[gnu::always_inline]] __attribute__((target("avx512f,avx2,fma"))) inline void series_pairs_avx512(
    int n, const double* diag4, const double* sub4, const double* weight, double a, double tol, double* cur, double* nxt,
    double* endv) {
    const int pairs = (n + 1) / 2;
    switch (pairs) {
        case 1: return series_pairs_in_registers<1, Abs>(diag4, sub4, weight, a, tol, cur, endv);
        case 2: return series_pairs_in_registers<2, Abs>(diag4, sub4, weight, a, tol, cur, endv);
        case 3: return series_pairs_in_registers<3, Abs>(diag4, sub4, weight, a, tol, cur, endv);
        case 4: return series_pairs_in_registers<4, Abs>(diag4, sub4, weight, a, tol, cur, endv);
        case 5: return series_pairs_in_registers<5, Abs>(diag4, sub4, weight, a, tol, cur, endv);
        case 6: return series_pairs_in_registers<6, Abs>(diag4, sub4, weight, a, tol, cur, endv);
        default: break;
    }
    double pois = std::exp(-a), cdf = 0.0;
    const OctBits mask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL,
                          0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
    for (int j = 0;; ++j) {
        cdf += pois;
        const Oct pv = {pois, pois, pois, pois, pois, pois, pois, pois};
        Oct norm = {}, above = {};
        const double* __restrict__ cr = cur;
        double* __restrict__ nx = nxt;
        double* __restrict__ ev = endv;
        for (int p = 0; p < pairs; ++p) {
            const Oct c = *reinterpret_cast<const Oct*>(cr + p * 2 * W);
            const Oct u = __builtin_shufflevector(above, c, 4, 5, 6, 7, 8, 9, 10, 11);  // upper half of above, lower of c
            above = c;
            Oct* e = reinterpret_cast<Oct*>(ev + p * 2 * W);
            *e = __builtin_ia32_vfmaddpd512_mask(pv, c, *e, -1, 4);
            const Oct y = __builtin_ia32_vfmaddpd512_mask(*reinterpret_cast<const Oct*>(diag4 + p * 2 * W), c,
                                                          *reinterpret_cast<const Oct*>(sub4 + p * 2 * W) * u, -1, 4);
            *reinterpret_cast<Oct*>(nx + p * 2 * W) = y;
            if constexpr (Abs)
                norm += reinterpret_cast<Oct>(reinterpret_cast<OctBits>(y) & mask);
            else
                norm += y;
        }
        const Quad nq = Quad(__builtin_shufflevector(norm, norm, 0, 1, 2, 3)) + Quad(__builtin_shufflevector(norm, norm, 4, 5, 6, 7));
        std::swap(cur, nxt);
        if (series_ends(j, a, tol, cdf, nq, weight, pois)) break;
    }
}

/// signed_weight: the stopping test's weights with the sign of each constituent's d where every cell's d has the same
/// sign bit (one_signed), else the weights themselves. P has no negative entries, so where d_c >= 0 in every cell
/// (sign bits clear) every P^j d_c is too and its norm is the plain sum; where d_c <= 0 in every cell every P^j d_c is
/// the negation of what |d_c| gives (rounding to nearest is symmetric), its plain sum is minus the sum of the absolute
/// values, and that times -weight_c is the same product as |norm| weight_c. So the series then skips the absolute
/// values (a fifth of the vector operations of a term) and stops at the same term with the same bits.
__attribute__((target("avx512f,avx2,fma"), optimize("fp-contract=fast"))) void series_part_avx512(
    int n, const double* diag4, const double* sub4, const double* signed_weight, bool one_signed, double a, double tol,
    double* cur, double* nxt, double* endv) {
    if (one_signed) return series_pairs_avx512<false>(n, diag4, sub4, signed_weight, a, tol, cur, nxt, endv);
    series_pairs_avx512<true>(n, diag4, sub4, signed_weight, a, tol, cur, nxt, endv);
}
const bool kHasAvx512 = cpu::avx512f();
#endif

void series_part_generic(int n, const double* diag, const double* sub, const double* weight, double a, double tol,
                         double* cur, double* nxt, double* endv) {
    series_part<false>(n, diag, sub, weight, a, tol, cur, nxt, endv);
}

void run_series_part(int n, const double* diag, const double* sub, const double* weight, double a, double tol, double* cur,
                     double* nxt, double* endv) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (kHasAvx2) return series_part_avx2(n, diag, sub, weight, a, tol, cur, nxt, endv);
#endif
    series_part_generic(n, diag, sub, weight, a, tol, cur, nxt, endv);
}
}  // namespace

namespace {
template <bool Wide>
[[gnu::always_inline]] inline void transient(int n, const double* r, double lmax, const double* k, const double* exp_kh, double h, const double* mss,
                                             double* mh, std::vector<double>& work, double tol, bool generic = false) {
    static_assert(kLanes == W, "the series keeps the constituents of a cell in one Quad");
    // parts = ceil(L h / kMaxSeriesRate), at least 1: 1 exactly when L h <= kMaxSeriesRate (the division is monotone
    // and kMaxSeriesRate / kMaxSeriesRate = 1), so the division is formed only when a split is due
    const double lh = lmax * h;
    const int parts = lh <= kMaxSeriesRate ? 1 : std::max(1, static_cast<int>(std::ceil(lh / kMaxSeriesRate)));
    const double hp = parts == 1 ? h : h / parts, a = lmax * hp;
    // Wide: diag and sub in four lanes per cell and every buffer padded to whole pairs of cells (series_part_avx512).
    const int np = Wide ? (n + 1) / 2 * 2 : n, mp = np * W;
    const int scalars = (2 * n + 7) / 8 * 8;  // diag and sub, rounded up to whole 64-byte lines
    work.resize(static_cast<std::size_t>(mp) * (Wide ? 5 : 3) + scalars + 8);
    // the buffers start on 64-byte lines (a 512-bit access then never straddles two)
    double* base = work.data() + (8 - (reinterpret_cast<std::uintptr_t>(work.data()) / sizeof(double)) % 8) % 8;
    double* diag = base;            // per cell: 1 - r_i / L
    double* sub = diag + n;         // per cell: r_{i-1} / L, 0 at the top cell
    double* endv = base + scalars;  // sum Pois(j) P^j d
    double* pa = endv + mp;         // P^j d and P^{j+1} d
    double* pb = pa + mp;
    double* diag4 = pb + mp;
    double* sub4 = diag4 + mp;
    // In one pass over the cells: diag and sub (sub_{i+1} = r_i / L, the product diag_i is formed from), 1 / (masses
    // of the constituent) for the stopping test (the sums over the cells in lanes, the same additions in the same
    // order as constituent by constituent), the first part's d = M0 - M_ss, and (Wide) the sign bits of d.
    const double inv_l = 1.0 / lmax;
    const QuadBits mask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
    Quad scale = splat(0.0);
    QuadBits set = {0, 0, 0, 0}, clear = {0, 0, 0, 0};  // per constituent: is any cell's d sign bit set, is any clear
    double above = 0.0;
    for (int i = 0; i < n; ++i) {
        const double ri = r[i] * inv_l;
        diag[i] = std::max(0.0, 1.0 - ri);  // P stays non-negative
        sub[i] = above;
        if constexpr (Wide) {
            store_quad(diag4 + i * W, splat(diag[i]));
            store_quad(sub4 + i * W, splat(above));
        }
        above = ri;
        const Quad m0 = load_quad(mh + i * W), ms = load_quad(mss + i * W), d = m0 - ms;
        scale += reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(ms) & mask) + reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(m0) & mask);
        store_quad(pa + i * W, d);
        store_quad(endv + i * W, splat(0.0));
        set |= reinterpret_cast<QuadBits>(d);
        clear |= ~reinterpret_cast<QuadBits>(d);
    }
    if constexpr (Wide) {
        for (int i = n; i < np; ++i) {
            store_quad(diag4 + i * W, splat(0.0));
            store_quad(sub4 + i * W, splat(0.0));
            store_quad(pb + i * W, splat(0.0));
        }
    }
    // lane by lane 1 / scale where scale > 0, else 0 (one division for the four lanes, the same quotients)
    const QuadBits positive = scale > 0.0;
    const QuadBits one = reinterpret_cast<QuadBits>(splat(1.0));
    const Quad recip = splat(1.0) / reinterpret_cast<Quad>((reinterpret_cast<QuadBits>(scale) & positive) | (one & ~positive));
    double weight[W];
    store_quad(weight, reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(recip) & positive));
    Quad decay;
    for (int c = 0; c < W; ++c) decay[c] = parts == 1 ? exp_kh[c] : std::exp(-k[c] * hp);
    for (int p = 0; p < parts; ++p) {
        if (p > 0) {
            set = clear = QuadBits{0, 0, 0, 0};
            for (int i = 0; i < n; ++i) {
                const Quad d = load_quad(mh + i * W) - load_quad(mss + i * W);
                store_quad(pa + i * W, d);
                store_quad(endv + i * W, splat(0.0));
                set |= reinterpret_cast<QuadBits>(d);
                clear |= ~reinterpret_cast<QuadBits>(d);
            }
        }
        for (int i = n; i < np; ++i) {
            store_quad(pa + i * W, splat(0.0));
            store_quad(endv + i * W, splat(0.0));
        }
#if defined(__x86_64__) && defined(__GNUC__)
        if constexpr (Wide) {
            const QuadBits sign = {std::numeric_limits<long long>::min(), std::numeric_limits<long long>::min(),
                                   std::numeric_limits<long long>::min(), std::numeric_limits<long long>::min()};
            const QuadBits mixed = set & clear & sign;
            double signed_weight[W];
            store_quad(signed_weight, reinterpret_cast<Quad>(reinterpret_cast<QuadBits>(load_quad(weight)) ^ (set & sign)));
            const bool one_signed = (mixed[0] | mixed[1] | mixed[2] | mixed[3]) == 0;
            series_part_avx512(n, diag4, sub4, one_signed ? signed_weight : weight, one_signed, a, tol, pa, pb, endv);
        } else
#endif
        if (generic)
            series_part_generic(n, diag, sub, weight, a, tol, pa, pb, endv);
        else
            run_series_part(n, diag, sub, weight, a, tol, pa, pb, endv);
        for (int i = 0; i < n; ++i) store_quad(mh + i * W, load_quad(mss + i * W) + decay * load_quad(endv + i * W));
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
// The set-up around the series on 256-bit registers where the processor has them (AVX2 without FMA: no contraction,
// so the same bits as the generic build of it).
__attribute__((target("avx2"))) void transient_avx2(int n, const double* r, double lmax, const double* k, const double* exp_kh, double h,
                                                    const double* mss, double* mh, std::vector<double>& work, double tol) {
    transient<false>(n, r, lmax, k, exp_kh, h, mss, mh, work, tol);
}
// (the wide layout around series_part_avx512, still built for AVX2 without FMA: C++ contracts a * b + c into a fused
// multiply-add wherever the target has one, which would change the bits of the set-up)
__attribute__((target("avx2"))) void transient_avx512(int n, const double* r, double lmax, const double* k, const double* exp_kh, double h,
                                                    const double* mss, double* mh, std::vector<double>& work, double tol) {
    transient<true>(n, r, lmax, k, exp_kh, h, mss, mh, work, tol);
}
#endif
}  // namespace

#if defined(__x86_64__) && defined(__GNUC__)
bool has_avx2() { return kHasAvx2; }
bool has_avx512() { return kHasAvx512; }
#else
bool has_avx2() { return false; }
bool has_avx512() { return false; }
#endif

void exact_transient(int n, const double* r, double r_max, const double* k, const double* exp_kh, double h, const double* mss,
                     double* mh, std::vector<double>& work, double tol, SeriesKernel kernel) {
    if (kernel == SeriesKernel::Auto) kernel = has_avx512() ? SeriesKernel::Avx512 : has_avx2() ? SeriesKernel::Avx2 : SeriesKernel::Generic;
#if defined(__x86_64__) && defined(__GNUC__)
    if (kernel == SeriesKernel::Avx512 && kHasAvx512) return transient_avx512(n, r, r_max, k, exp_kh, h, mss, mh, work, tol);
    if (kernel != SeriesKernel::Generic && kHasAvx2) return transient_avx2(n, r, r_max, k, exp_kh, h, mss, mh, work, tol);
#endif
    transient<false>(n, r, r_max, k, exp_kh, h, mss, mh, work, tol, kernel == SeriesKernel::Generic);
}


// Bounds of the relaxed test (see RelaxedBounds in reaches/dynamic_cells.hpp).
namespace {
/// sum_{j<n} e^{-a} a^j / j! in long double, a >= 0.
long double erlang_tail(int n, long double a) {
    long double term = std::exp(-a), sum = term;
    for (int j = 1; j < n; ++j) {
        term *= a / j;
        sum += term;
    }
    return sum;
}
}  // namespace

RelaxedBounds relaxed_bounds(int max_n, double tol) {
    RelaxedBounds b;
    if (!(tol >= 1e-200 && tol < 1.0) || max_n < 1) return b;
    constexpr long double kMargin = 1e-6L, kMaxA = 1e4L;
    const long double below = static_cast<long double>(tol) * (1.0L - kMargin), above = static_cast<long double>(tol) * (1.0L + kMargin);
    b.lo.assign(max_n + 1, -1.0);
    b.hi.assign(max_n + 1, std::numeric_limits<double>::infinity());
    for (int n = 1; n <= max_n; ++n) {
        // the share falls from 1 at a = 0; bracket where it crosses `below`, then halve the bracket
        long double hi = 1.0L;
        while (hi <= kMaxA && erlang_tail(n, hi) > below) hi *= 2.0L;
        if (hi > kMaxA) continue;  // no bounds for this n
        long double lo_a = 0.0L, hi_a = hi;  // share(lo_a) > below >= share(hi_a)
        for (int it = 0; it < 200; ++it) {
            const long double mid = 0.5L * (lo_a + hi_a);
            (erlang_tail(n, mid) > below ? lo_a : hi_a) = mid;
        }
        // rounded towards the safe side: hi up, lo down
        double h = static_cast<double>(hi_a);
        if (static_cast<long double>(h) < hi_a) h = std::nextafter(h, std::numeric_limits<double>::infinity());
        b.hi[n] = h;
        // the largest a with share >= above lies below the crossing of `below`
        if (above > 1.0L) continue;
        long double l0 = 0.0L, l1 = hi_a;  // share(l0) = 1 >= above > share(l1)
        for (int it = 0; it < 200; ++it) {
            const long double mid = 0.5L * (l0 + l1);
            (erlang_tail(n, mid) >= above ? l0 : l1) = mid;
        }
        double l = static_cast<double>(l0);
        if (static_cast<long double>(l) > l0) l = std::nextafter(l, 0.0);
        b.lo[n] = l;
    }
    return b;
}

// The reach-end series interval-major (see reaches/dynamic_cells.hpp). Each tile's reads and writes stay in cache;
// written one reach at a time straight into the interval-major arrays, every store of a year touched a different
// cache line.
void reach_ends_interval_major(const float* by_reach, std::size_t N, std::size_t S, int threads, std::vector<float>& flow,
                               std::vector<float>& conc) {
    const std::size_t per = S * (1 + kNumConstituents);
    conc.resize(S * N * kNumConstituents);
    flow.resize(S * N);
    constexpr std::size_t kTile = 64;
    auto tiles = [&](const tbb::blocked_range<std::size_t>& br) {
        for (std::size_t r0 = br.begin() * kTile; r0 < std::min(N, br.end() * kTile); r0 += kTile)
            for (std::size_t s0 = 0; s0 < S; s0 += kTile) {
                const std::size_t r1 = std::min(N, r0 + kTile), s1 = std::min(S, s0 + kTile);
                for (std::size_t s = s0; s < s1; ++s)
                    for (std::size_t r = r0; r < r1; ++r) {
                        const float* y = by_reach + r * per;
                        flow[s * N + r] = y[s];
                        float* to = &conc[(s * N + r) * kNumConstituents];
                        for (int c = 0; c < kNumConstituents; ++c) to[c] = y[(1 + c) * S + s];
                    }
            }
    };
    const tbb::blocked_range<std::size_t> all(0, (N + kTile - 1) / kTile);
    if (threads == 1) {
        tiles(all);
    } else if (threads > 1) {
        tbb::task_arena arena(threads);
        arena.execute([&] { tbb::parallel_for(all, tiles); });
    } else {
        tbb::parallel_for(all, tiles);
    }
}

void audit_budgets(DynamicResult& res, const std::vector<PerConstituent>& external_in_g, const std::vector<PerConstituent>& outlet_g) {
    const std::size_t N = res.budget.size();
    double worst = 0.0;
    for (std::size_t r = 0; r < N; ++r) {
        const ReachBudget& b = res.budget[r];
        for (int c = 0; c < kNumConstituents; ++c) {
            res.input_g[c] += external_in_g[r][c];
            res.outlet_g[c] += outlet_g[r][c];
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
}

// Forcing checks and design flows (see reaches/dynamic_cells.hpp).
void check_forcing(const Network& net, const std::vector<PointInput>& inputs, const DynamicForcing& forcing) {
    const std::size_t N = net.size(), S = forcing.steps;
    if (S == 0 || !(forcing.step_days > 0.0)) throw ModelError("dynamic run needs at least one interval of positive length");
    if (!forcing.flow.scale.empty() && forcing.flow.scale.size() != S) throw ModelError("flow scale series does not match the intervals");
    if ((!forcing.flow.base_headwater_m3s.empty() && forcing.flow.base_headwater_m3s.size() != N) ||
        (!forcing.flow.base_lateral_m3s.empty() && forcing.flow.base_lateral_m3s.size() != N))
        throw ModelError("base flows do not match the reaches");
    if (forcing.k_per_d.size() != 1 && forcing.k_per_d.size() != S) throw ModelError("rates must be given once or per interval");
    if (!forcing.input_pattern.empty() && forcing.input_pattern.size() != inputs.size()) throw ModelError("load patterns do not match the inputs");
    for (const auto& p : forcing.load_patterns)
        if (p.size() != S) throw ModelError("a load pattern does not match the intervals");
    for (std::size_t i = 0; i < forcing.flow.own_headwater_m3s.size(); ++i)
        if (forcing.flow.own_headwater_m3s[i].size() != S || forcing.flow.own_lateral_m3s.at(i).size() != S)
            throw ModelError("a reach flow series does not match the intervals");
    for (std::size_t r = 0; r < N; ++r)
        if (net.length_m[r] <= 0.0) throw ModelError("reach " + net.topo.id(r) + " has no length");
}

std::vector<double> first_interval_flows(const Network& net, const std::vector<PointInput>& inputs, const DynamicForcing& forcing) {
    const std::size_t N = net.size();
    Network n0 = net;
    for (std::size_t r = 0; r < N; ++r) {
        const std::int32_t own = forcing.flow.reach_series.empty() ? kNone : forcing.flow.reach_series[r];
        n0.headwater_flow_m3s[r] = own != kNone ? forcing.flow.own_headwater_m3s[own][0] : base_headwater(forcing, net, r) * flow_scale(forcing, 0);
        n0.lateral_flow_m3s[r] = own != kNone ? forcing.flow.own_lateral_m3s[own][0] : base_lateral(forcing, net, r) * flow_scale(forcing, 0);
    }
    return steady_flows(n0, inputs).flow_out_m3s;
}

}  // namespace qingliu::reaches::cells

namespace qingliu::reaches {

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
        if (!(e > 0.0) && h.manning_kind() && q > 0.0 && u > 0.0) e = hydro::fischer_dispersion_m2s(h, q, h.slope);
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
