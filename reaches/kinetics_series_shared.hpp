// Series::expand_shared (reaches/kinetics_series_terms.hpp): the terms of a substep with QUAL2K's default gates,
// regrouped so that few operations wait on each other from one term to the next. Included by
// kinetics_series_terms.hpp after the class.
#pragma once
#include <utility>

#include "reaches/kinetics_series_terms.hpp"

namespace qingliu::reaches::wq::series_terms {

// The gate's term 0 for expand_shared (E_0, f_0, G_0 and x_0) and the matrices of its terms: ae, the ungated columns
// with each gated rate's g_0 b_from part; gs_col, the gated rates' columns times their sign; qv, E_k's coefficient.
// Returns E_0.
template <int N>
inline double Series<N>::shared_setup(const Local& y, double inv_q0, V4 (&ae)[N][2], V4 (&gs_col)[3][2],
                                      V4 (&qv)[2]) {
    o_[0] = y[kDO] * inv_q0;
    const double em = std::expm1(-sh_.shared_k_ * o_[0]);
    const double e0 = 1.0 + em, f0 = -em;   // f_0 = 1 - E_0 to full relative accuracy
    e_[0] = e0;
    for (int m = 0; m < 3; ++m) g0_[m] = sh_.sign_[m] > 0.0 ? e0 : f0;   // G_0 = E_0 or f_0
    x_[0] = V4{0.0, y[sh_.from3_[0]], y[sh_.from3_[1]], y[sh_.from3_[2]]};
    for (int j = 0; j < N; ++j) ae[j][0] = acol_[j][0], ae[j][1] = acol_[j][1];
    for (int m = 0; m < 3; ++m)
        for (int h = 0; h < 2; ++h) {
            ae[sh_.from3_[m]][h] += gcol_[m][h] * g0_[m];
            gs_col[m][h] = gcol_[m][h] * sh_.sign_[m];
        }
    for (int h = 0; h < 2; ++h)
        qv[h] = gs_col[0][h] * x_[0][1] + gs_col[1][h] * x_[0][2] + gs_col[2][h] * x_[0][3];
    return e0;
}

// The thresholds of expand_shared's end tests by species in lanes (after term 1): tiny below tt, growing above tg.
template <int N>
inline void Series<N>::thresholds(V4 (&tt)[2], V4 (&tg)[2]) {
    set_scale();
    const double tail = 1e-17 * scale_max, big = 1e-3 * scale_max;
    for (int i = 0; i < N; ++i) {
        tt[i / 4][i % 4] = kEndTerm * scale_[i] + tail;
        tg[i / 4][i % 4] = 1e3 * scale_[i] + big;
    }
    for (int i = N; i < 8; ++i) {   // lanes past N hold 0: tiny, not growing
        tt[i / 4][i % 4] = tail;
        tg[i / 4][i % 4] = big;
    }
}

// What expand_shared sums over the terms as it forms them (forward, from term 0): each species' sum and sum of
// magnitudes (lanes as the terms'), and DO's reach sum_j>=1 |b_DO,j| and slope sum_j>=1 j b_DO,j.
struct TermSums {
    typedef long long B4 __attribute__((vector_size(32)));
    static constexpr B4 kAbs = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL};
    V4 v[2], a[2];
    double reach = 0.0, slope = 0.0;
    explicit TermSums(const V4 (&b0)[2])
        : v{b0[0], b0[1]}, a{reinterpret_cast<V4>(reinterpret_cast<B4>(b0[0]) & kAbs),
                             reinterpret_cast<V4>(reinterpret_cast<B4>(b0[1]) & kAbs)} {}
    // Term j >= 1 (b); returns its magnitudes.
    template <int kDO>
    __attribute__((always_inline)) std::pair<V4, V4> add(const V4 (&b)[2], int j) {
        const V4 a0 = reinterpret_cast<V4>(reinterpret_cast<B4>(b[0]) & kAbs);
        const V4 a1 = reinterpret_cast<V4>(reinterpret_cast<B4>(b[1]) & kAbs);
        v[0] += b[0];
        v[1] += b[1];
        a[0] += a0;
        a[1] += a1;
        reach += (kDO < 4 ? a0 : a1)[kDO % 4];
        slope += static_cast<double>(j) * b[kDO / 4][kDO % 4];
        return {a0, a1};
    }
};

// tiny: every lane of t set; grows: a lane of g set.
template <bool Wide, class B4>
__attribute__((always_inline)) inline void end_tests(const B4& t, const B4& g, bool& tiny, bool& grows) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    // the lanes' signs in one instruction each (GCC: the builtin takes the target of the function it is inlined into;
    // Clang would need it on expand_shared itself)
    if constexpr (Wide) {
        tiny = __builtin_ia32_movmskpd256(reinterpret_cast<V4>(t)) == 0xf;
        grows = __builtin_ia32_movmskpd256(reinterpret_cast<V4>(g)) != 0;
        return;
    }
#endif
    tiny = t[0] & t[1] & t[2] & t[3];
    grows = g[0] | g[1] | g[2] | g[3];
}

// expand_body with QUAL2K's default gates (one exponential gate E = exp(-K o) shared by every gated process; DO
// above 0) and at most 8 species, arranged so that few operations wait on each other from one term to the next.
// The terms are those of the general loop (gate_terms, chain_terms), regrouped:
//  - the gate's term 0 is fixed within the substep, so the part g_0 b_from,k of each gated rate's term k joins the
//    ungated columns (ae below) and term k + 1 is c_k (ae b_k + sum_m sign_m gcol_m r_m,k + E_k Q) with
//    Q = sum_m sign_m gcol_m b_from_m,0 and r_k = sum_i=1..k-1 E_i x_k-i (the earlier terms only);
//  - E_k = -K/k (r_0,k + E_0 k o_k) with o_k = (b_DO,k - q1 tau o_k-1) / q0 is E_k = P_k + beta b_DO,k, P_k from
//    earlier terms: one multiply-add from b_DO,k to E_k and one from E_k to term k + 1.
// The species' terms stay side by side in two 4-lane vectors from one term to the next; the tests on them are
// 4-lane comparisons; each species' sum, sum of magnitudes and integral, and DO's reach and slope for the crossing test
// and the next substep, are summed term by term as the terms are formed (summed_). The same series as the general loop
// to rounding (tests/reaches/test_kinetics.cpp, SeriesKernel::Ungrouped).
template <int N>
template <bool Wide>
inline int Series<N>::expand_shared(const Local& y, double q0, double tau, PerProcess& proc) {
    static_assert(N <= 8);
    const double q1t = seg_.q1 * tau;
    const double inv_q0 = 1.0 / q0;
    V4 cur[2] = {V4{}, V4{}};
    for (int l = 0; l < N; ++l) cur[l / 4][l % 4] = y[l];
    bt_[0][0] = cur[0];
    bt_[0][1] = cur[1];
    V4 ae[N][2], gs_col[3][2], qv[2];
    const double e0 = shared_setup(y, inv_q0, ae, gs_col, qv);
    const V4 g0v = {0.0, g0_[0], g0_[1], g0_[2]}, sv = {0.0, sh_.sign_[0], sh_.sign_[1], sh_.sign_[2]};
    const double kg = sh_.shared_k_, beta = -kg * e0 * inv_q0, gamma = kg * e0 * q1t * inv_q0;
    const int fr0 = sh_.from3_[0], fr1 = sh_.from3_[1], fr2 = sh_.from3_[2];
    // term by term: each species' integral over u in [0, 1] (sum_j b_j / (j + 1)) and the sums of TermSums
    V4 iacc[2] = {V4{}, V4{}};
    TermSums sums(cur);
    summed_ = true;   // the terms by term in bt_ (read through b), not in b_; the sums below are kept at the end
    V4 gint = g0v * x_[0];   // lanes 1..3: the gated rates' integrals over u in [0, 1] (term 0: g_0 b_from,0)
    V4 tt[2] = {}, tg[2] = {};   // thresholds of tiny and grows by species (set after term 1)
    int small = 0;   // tiny terms in a row (term 1's does not decide the end: that takes terms 2 and 3 at least)
    {   // term 1 from term 0: the linear terms, the zero-order rates and the inflow
        iacc[0] += cur[0] * kInverse[0];
        iacc[1] += cur[1] * kInverse[0];
        V4 u[2] = {rq8_[0] * q0 + in8_[0], rq8_[1] * q0 + in8_[1]};
        for (int j = 0; j < N; ++j) {
            const double bj = cur[j / 4][j % 4];
            u[0] += ae[j][0] * bj;
            u[1] += ae[j][1] * bj;
        }
        for (int h = 0; h < 2; ++h) cur[h] = u[h] * (tau * kInverse[0]);
        bt_[1][0] = cur[0];
        bt_[1][1] = cur[1];
        thresholds(tt, tg);
        sums.template add<kDO>(cur, 1);
    }
    for (int k = 1; k < kMaxTerms; ++k) {
        const double c = tau * kInverse[k];
        iacc[0] += cur[0] * kInverse[k];
        iacc[1] += cur[1] * kInverse[k];
        V4 w[2];
        {
            // the earlier terms' products, four independent 4-lane partial sums
            V4 s0 = {0.0, 0.0, 0.0, 0.0}, s1 = s0, s2 = s0, s3 = s0;
            int i = 1;
            for (; i + 3 <= k - 1; i += 4) {
                s0 += e_[i] * x_[k - i];
                s1 += e_[i + 1] * x_[k - i - 1];
                s2 += e_[i + 2] * x_[k - i - 2];
                s3 += e_[i + 3] * x_[k - i - 3];
            }
            for (; i <= k - 1; ++i) s0 += e_[i] * x_[k - i];
            const V4 r = (s0 + s1) + (s2 + s3);
            const double bdo = cur[kDO / 4][kDO % 4];
            o_[k] = (bdo - q1t * o_[k - 1]) * inv_q0;
            const double ek = (-kg * kInverse[k - 1] * r[0] + gamma * o_[k - 1]) + beta * bdo;
            e_[k] = ek;
            const double* bk = reinterpret_cast<const double*>(bt_[k]);
            x_[k] = V4{static_cast<double>(k) * o_[k], bk[fr0], bk[fr1], bk[fr2]};
            gint += (g0v * x_[k] + sv * (r + ek * x_[0])) * kInverse[k];
            for (int h = 0; h < 2; ++h) {
                w[h] = gs_col[0][h] * r[1] + gs_col[1][h] * r[2] + gs_col[2][h] * r[3];
                if (k == 1) w[h] += rq8_[h] * q1t;
            }
            // the products with b_k in two independent chains
            V4 u[2] = {w[0], w[1]}, z[2] = {V4{}, V4{}};
            for (int j = 0; j < N; j += 2) {
                const double bj = cur[j / 4][j % 4];
                u[0] += ae[j][0] * bj;
                u[1] += ae[j][1] * bj;
                if (j + 1 < N) {
                    const double bn = cur[(j + 1) / 4][(j + 1) % 4];
                    z[0] += ae[j + 1][0] * bn;
                    z[1] += ae[j + 1][1] * bn;
                }
            }
            for (int h = 0; h < 2; ++h) cur[h] = (u[h] + z[h]) * c + ek * (qv[h] * c);
        }
        bt_[k + 1][0] = cur[0];
        bt_[k + 1][1] = cur[1];
        const auto [a0, a1] = sums.template add<kDO>(cur, k + 1);
        bool tiny, grows;
        end_tests<Wide>((a0 <= tt[0]) & (a1 <= tt[1]), (a0 > tg[0]) | (a1 > tg[1]), tiny, grows);
        const int end = term_end(k, tau, tiny, grows, small);
        if (end > 0) {
            for (int h = 0; h < 2; ++h) {
                sum_v_[h] = sums.v[h];
                sum_a_[h] = sums.a[h];
            }
            do_reach_ = sums.reach;
            do_slope_ = sums.slope;
            double in[N];
            for (int i = 0; i < N; ++i) in[i] = iacc[i / 4][i % 4];
            const double gi[3] = {gint[1], gint[2], gint[3]};
            process_integrals(in, q0, q1t, gi, proc);
        }
        if (end != 0) return end;
    }
    return -1;
}

}  // namespace qingliu::reaches::wq::series_terms
