// The terms of the Taylor series of reaches/kinetics_series.hpp (see its file comment): one segment's series over
// the species of the split, its substep's terms and the tests on them. Internal to kinetics_series.cpp, which marches
// the substeps.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "common/cpu_features.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/kinetics_series_shape.hpp"
#include "reaches/term_integrals.hpp"

namespace qingliu::reaches::wq::series_terms {


constexpr int kMaxTerms = 96;
// A series ends where two successive terms of every species are below kEndTerm of its scale: 1e-13, where the
// process integrals still agree with the general solve to 1.4e-10 as at 2e-16 (at 1e-12: 2.7e-9), with 10 % fewer
// instructions than 2e-16.
constexpr double kEndTerm = 1e-13;
constexpr double kEndDigits = 13.0;   // -log10(kEndTerm)
// Substeps of nu tau <= 5 where no rate depends on DO: the terms of exp(-nu tau) peak near e^5 / sqrt(10 pi) = 26
// times the sum's scale, so cancellation costs under 30 ulp (about 30 terms per substep). With oxygen effects the
// gated series converge more slowly: nu tau <= 2, and the gates' sensitivity times the DO change <= 2 (measured on
// the synthetic networks of bench_wq, the fastest of 1-4 for both).
constexpr double kReachLinear = 5.0, kReachGated = 2.0, kGateReach = 2.0;
// A segment's first substep is short (gate reach 0.5, ka tau <= 2: the DO transient at its largest) and the next
// ones grow from the number of terms each took (march_series): fewer failed first tries than starting at the bounds
// above (on bench_wq's networks 16 % fewer instructions; 0.25-0.7 and 1-3 within 1 % of these).
constexpr double kFirstGateReach = 0.5, kFirstStiffReach = 2.0;
// The processor runs AVX2 and FMA (Series::expand_wide)
inline const bool kWide = cpu::avx2_fma();

// ln x for x > 0 to about 0.005 (the exponent and a quadratic in the mantissa): for the substep rules, which are
// estimates, without a call of the library's log
inline double rough_ln(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    const double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);   // [1, 2)
    return 0.6931471805599453 * (e + ((-0.34484843 * m + 2.02466578) * m - 1.67487759));
}

// The growth of the next substep after one of `last` terms (march_series): 10^(-13/32) (1 + 10^(13/last))
inline const std::array<double, kMaxTerms + 1> kGrowth = [] {
    std::array<double, kMaxTerms + 1> v{};
    for (int k = 1; k <= kMaxTerms; ++k) v[k] = std::pow(10.0, -kEndDigits / 32.0) * (1.0 + std::pow(10.0, kEndDigits / k));
    v[0] = v[1];
    return v;
}();

static_assert(kMaxTerms <= kMaxSeriesTerms);   // kInverse (reaches/term_integrals.hpp) covers every term

// Series of the gate value G(o) from the series of o, term k (all lower terms known).
inline double gate_term(const GateDef& g, const double* o, const double* jo, double* aux, double* f, int k) {
    switch (g.form) {
        case O2Effect::Exponential:
            if (k == 0) {
                aux[0] = std::exp(-g.k * o[0]);
                f[0] = -std::expm1(-g.k * o[0]);
            } else {
                // sum_j=1..k j o_j E_k-j (jo_j = j o_j) in four independent partial sums
                double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
                int j = 1;
                for (; j + 3 <= k; j += 4) {
                    s0 += jo[j] * aux[k - j];
                    s1 += jo[j + 1] * aux[k - j - 1];
                    s2 += jo[j + 2] * aux[k - j - 2];
                    s3 += jo[j + 3] * aux[k - j - 3];
                }
                for (; j <= k; ++j) s0 += jo[j] * aux[k - j];
                aux[k] = -g.k * ((s0 + s1) + (s2 + s3)) * kInverse[k - 1];
                f[k] = -aux[k];
            }
            break;
        case O2Effect::HalfSaturation: {
            double s = o[k];
            for (int j = 1; j <= k; ++j) s -= o[j] * f[k - j];
            f[k] = s / (g.k + o[0]);
            break;
        }
        case O2Effect::SecondOrder: {
            double pk = 0.0;
            for (int j = 0; j <= k; ++j) pk += o[j] * o[k - j];
            aux[k] = pk;
            double s = pk;
            for (int j = 1; j <= k; ++j) s -= aux[j] * f[k - j];
            f[k] = s / (g.k + aux[0]);
            break;
        }
        case O2Effect::None: f[k] = k == 0 ? 1.0 : 0.0; break;
    }
    return g.complement ? (k == 0 ? 1.0 - f[0] : -f[k]) : f[k];
}

// Four doubles in one 256-bit register where the function is compiled for AVX2 (two 128-bit ones otherwise).
typedef double V4 __attribute__((vector_size(32)));

// One segment's series over the N species of the split (local index l: species idx[l]; DO is N - 1): the process
// table scaled to s, the gates, and the work arrays of a substep.
template <int N>
class Series {
public:
    static constexpr int kDO = N - 1;
    using Local = std::array<double, N>;

    // The rates of the segment scaled to s in the shape of its split (make_shape).
    Series(const SeriesSegment& seg, const SeriesSplit& sp, const SeriesShape& shape)
        : sh_(shape), seg_(seg) {
        const ProcessTable& pt = *seg.table;
        for (int l = 0; l < N; ++l) inflow_[l] = seg.inflow[sp.idx[l]];
        for (const int* a = sh_.active_; a != sh_.active_ + sh_.n_active_; ++a) {
            kappa_[*a] = pt[*a].from >= 0 ? pt[*a].k * seg.scale : 0.0;
            rho_[*a] = pt[*a].r0 * seg.scale;
        }
        // the terms of dL/du: the ungated first-order terms as a lower-triangular matrix, the gated rates by
        // slot, the zero-order rates' yields
        for (int t = 0; t < sh_.n_terms_; ++t) {
            const int p = sh_.terms_[t].p, i = sh_.terms_[t].i;
            rq_[i] += sh_.terms_[t].y * rho_[p];
            if (kappa_[p] == 0.0) continue;
            if (sh_.slot_of_[t] < 0) a_[i][sh_.from_[p]] += sh_.terms_[t].y * kappa_[p];
            else gy_[sh_.slot_of_[t]][i] += sh_.terms_[t].y * kappa_[p];
        }
        if constexpr (N <= 8)
            for (int i = 0; i < N; ++i) {
                for (int j = 0; j <= i; ++j) acol_[j][i / 4][i % 4] = a_[i][j];
                for (int m = 0; m < 3; ++m) gcol_[m][i / 4][i % 4] = gy_[m][i];
                rq8_[i / 4][i % 4] = rq_[i];
                in8_[i / 4][i % 4] = inflow_[i];
            }
        // linear stiffness: the largest total first-order loss of a species other than DO (the matrix is
        // triangular: its eigenvalues are the diagonal); DO's own (lambda, reaeration) is the stiff one
        double diag[N] = {};
        for (int t = 0; t < sh_.n_terms_; ++t)
            if (sh_.from_[sh_.terms_[t].p] == sh_.terms_[t].i && kappa_[sh_.terms_[t].p] != 0.0)
                diag[sh_.terms_[t].i] += sh_.terms_[t].y * kappa_[sh_.terms_[t].p];
        for (int l = 0; l < N; ++l)
            if (l != kDO) nu = std::max(nu, std::abs(diag[l]));
        lambda = std::abs(diag[kDO]);
    }

    bool wide = false;   ///< expand_wide (AVX2 and FMA) rather than the generic build of the same terms
    bool ungrouped = false;   ///< the general loop even with QUAL2K's default gates (expand_shared regroups it)
    /// Term j of species i of the last expand (expand_shared keeps them by term in bt_, the general loop in b_)
    double b(int i, int j) const {
        if constexpr (N <= 8)
            if (summed_) return reinterpret_cast<const double*>(bt_[j])[i];
        return b_[i][j];
    }
    double nu = 0.0, lambda = 0.0;

    /// nu plus the gated rates' sensitivity to DO at y (flow q0)
    double nu_at(const Local& y, double q0) const {
        double v = nu;
        for (const int* p = sh_.sens_p_; p != sh_.sens_p_ + sh_.n_sens_; ++p)   // the processes with sens_ > 0, in order
            v += std::abs(kappa_[*p]) * sh_.sens_[*p] * std::abs(y[sh_.from_[*p]]) / q0;
        return v;
    }

    /// dL_DO/ds at y (flow q0) with the gates at o = L_DO / q0, or at o = 0 (clamped)
    double do_rate(const Local& y, double q0, bool clamped) const {
        const double o = y[kDO] / q0;
        double d = inflow_[kDO];
        double f[4];   // each base gate's value, computed once (gates of the same form and constant share it)
        bool have[4] = {false, false, false, false};
        for (const int* dt = sh_.do_terms_; dt != sh_.do_terms_ + sh_.n_do_terms_; ++dt) {
            const int t = *dt, p = sh_.terms_[t].p;
            double gv = 1.0;
            if (sh_.gate_[p] != None) {
                const int base = sh_.same_[sh_.gate_[p]];
                if (!have[base]) {
                    f[base] = clamped ? 0.0 : o2_attenuation(sh_.defs_[base].form, sh_.defs_[base].k, o);
                    have[base] = true;
                }
                const double fv = f[base];
                gv = sh_.defs_[sh_.gate_[p]].complement ? 1.0 - fv : fv;
            }
            d += sh_.terms_[t].y * ((kappa_[p] != 0.0 ? kappa_[p] * gv * y[sh_.from_[p]] : 0.0) + rho_[p] * q0);
        }
        return d;
    }

    /// The series of a substep of length tau from y: b_[l][0..last], each process's integral over the substep
    /// divided by tau in proc (the processes of the series). Returns last, or -1 when the series does not converge
    /// (or diverges).
    int expand(const Local& y, double q0, double tau, bool clamped, PerProcess& proc) {
        if (wide) return expand_wide(y, q0, tau, clamped, proc);
        return expand_body<false>(y, q0, tau, clamped, proc);
    }

    // expand_body compiled for processors with AVX2 and FMA: the 4-lane products of the shared exponential gate
    // (expand_shared) in one 256-bit register
    __attribute__((target("avx2,fma"))) int expand_wide(const Local& y, double q0, double tau, bool clamped,
                                                        PerProcess& proc) {
        return expand_body<true>(y, q0, tau, clamped, proc);
    }

    // Wide: compiled into expand_wide (AVX2 instructions allowed)
    template <bool Wide>
    __attribute__((always_inline)) inline int expand_body(const Local& y, double q0, double tau, bool clamped,
                                                          PerProcess& proc) {
        if constexpr (N <= 8)
            if (sh_.shared_exp_ && !clamped && !ungrouped) return expand_shared<Wide>(y, q0, tau, proc);
        summed_ = false;
        const double q1t = seg_.q1 * tau;
        for (int l = 0; l < N; ++l) b_[l][0] = y[l];
        if constexpr (N <= 8) {
            bt_[0][0] = bt_[0][1] = V4{};
            for (int l = 0; l < N; ++l) bt_[0][l / 4][l % 4] = y[l];
        }
        double gint[3] = {0.0, 0.0, 0.0};   // the gated rates' integrals over u in [0, 1]
        int small = 0;
        for (int k = 0; k < kMaxTerms; ++k) {
            double gs[3] = {0.0, 0.0, 0.0};
            gate_terms(k, q0, q1t, clamped);
            chain_terms(k, gs);
            for (int m = 0; m < sh_.n_gated_; ++m) gint[m] += gs[m] * kInverse[k];
            // term k of dL/du: the ungated first-order terms, the gated rates, the zero-order rates (times
            // Q = q0 + q1 tau u) and the inflow
            const double c = tau * kInverse[k];
            if constexpr (N <= 8) {
                // the species side by side in one 8-lane vector (lanes past N are 0): the ungated terms by column
                // (ready before the gated rates are), then the gated rates
                // (two 4-lane halves: GCC moves an 8-lane value through memory in 16-byte pieces, which stalls a
                // 32-byte load of it)
                const V4* bk = bt_[k];
                V4 w0 = acol_[0][0] * bk[0][0], w1 = acol_[0][1] * bk[0][0];
                for (int j = 1; j < N; ++j) {
                    const double bj = bk[j / 4][j % 4];
                    w0 += acol_[j][0] * bj;
                    w1 += acol_[j][1] * bj;
                }
                if (k == 0) {
                    w0 += rq8_[0] * q0 + in8_[0];
                    w1 += rq8_[1] * q0 + in8_[1];
                } else if (k == 1) {
                    w0 += rq8_[0] * q1t;
                    w1 += rq8_[1] * q1t;
                }
                const V4 v0 = (w0 + (gcol_[0][0] * gs[0] + gcol_[1][0] * gs[1] + gcol_[2][0] * gs[2])) * c;
                const V4 v1 = (w1 + (gcol_[0][1] * gs[0] + gcol_[1][1] * gs[1] + gcol_[2][1] * gs[2])) * c;
                bt_[k + 1][0] = v0;
                bt_[k + 1][1] = v1;
                for (int i = 0; i < N; ++i) b_[i][k + 1] = i < 4 ? v0[i] : v1[i - 4];
            } else {
                double bk[N];
                for (int j = 0; j < N; ++j) bk[j] = b_[j][k];
                for (int i = 0; i < N; ++i) {
                    double v = gy_[0][i] * gs[0] + gy_[1][i] * gs[1] + gy_[2][i] * gs[2];
                    if (k == 0) v += rq_[i] * q0 + inflow_[i];
                    else if (k == 1) v += rq_[i] * q1t;
                    for (int j = 0; j <= i; ++j) v += a_[i][j] * bk[j];
                    b_[i][k + 1] = v * c;
                }
            }
            if (k == 0) set_scale();
            bool tiny = true, grows = false;
            const double floor = kEndTerm, tail = 1e-17 * scale_max, big = 1e-3 * scale_max;
            for (int i = 0; i < N; ++i) {
                const double v = std::abs(b_[i][k + 1]);
                tiny &= v <= floor * scale_[i] + tail;
                grows |= v > 1e3 * scale_[i] + big;
            }
            const int end = term_end(k, tau, tiny, grows, small);
            if (end > 0) integrals(end, q0, q1t, gint, proc);
            if (end != 0) return end;
        }
        return -1;
    }

    // The end tests after term k + 1 (b_[i][k + 1]): tiny, every species' term below the end criterion; grows, one
    // beyond 1e3 x its scale. Returns -1 (the series does not converge, or diverges), 0 (go on) or the last term.
    __attribute__((always_inline)) inline int term_end(int k, double tau, bool tiny, bool grows, int& small) const {
        // diverging: a complex singularity of the nonlinear solution within tau; give up early
        if (k >= 8 && grows) return -1;
        // converging too slowly to end within kMaxTerms: give up early too (a try of kMaxTerms terms costs
        // ~kMaxTerms^2 in the products of series). Checked every 8 terms past the peak of the stiff terms: each
        // species' terms shrink by the ratio r of the last 8 (|b_k| + |b_k+1| against |b_k-8| + |b_k-7|)
        // and need log(target / |b|) / log(r) more; more than are left, or r >= 1, ends the try.
        if (k >= 23 && (k + 1) % 8 == 0 && k + 1 >= 1.5 * lambda * tau + 8 && !tiny && !converges(k + 1))
            return -1;
        small = tiny ? small + 1 : 0;
        if (k >= 2 && small >= 2 && k + 1 >= lambda * tau) return k + 1;   // past the peak of (lambda tau)^k / k!
        return 0;
    }

    // Each species' scale from the first two terms (after term 1).
    void set_scale() {
        scale_max = 0.0;
        for (int i = 0; i < N; ++i) {
            scale_[i] = std::abs(b(i, 0)) + std::abs(b(i, 1));
            scale_max = std::max(scale_max, scale_[i]);
        }
    }

    // Each process's integral over u in [0, 1] of a series ending at `last`, divided by the substep: the ungated ones
    // from their species' integral, the gated ones from gint.
    __attribute__((always_inline)) inline void integrals(int last, double q0, double q1t, const double* gint,
                                                         PerProcess& proc) const {
        double in[N] = {};
        for (int j = last - 1; j >= 0; --j)   // species by species in the same order, side by side
            for (int i = 0; i < N; ++i) in[i] += b_[i][j] * kInverse[j];
        process_integrals(in, q0, q1t, gint, proc);
    }   // and from each species' integral over u in [0, 1] (in):
    __attribute__((always_inline)) inline void process_integrals(const double* in, double q0, double q1t,
                                                                 const double* gint, PerProcess& proc) const {
        const double q_mean = q0 + 0.5 * q1t;
        for (const int* a = sh_.active_; a != sh_.active_ + sh_.n_active_; ++a)   // the others' stay 0
            proc[*a] = (kappa_[*a] != 0.0 ? kappa_[*a] * in[sh_.from_[*a]] : 0.0) + rho_[*a] * q_mean;
        for (int m = 0; m < sh_.n_gated_; ++m)
            proc[sh_.gated_p_[m]] = kappa_[sh_.gated_p_[m]] * gint[m] + rho_[sh_.gated_p_[m]] * q_mean;
    }

    // expand_body with QUAL2K's default gates, regrouped (reaches/kinetics_series_shared.hpp)
    template <bool Wide>
    __attribute__((always_inline)) inline int expand_shared(const Local& y, double q0, double tau, PerProcess& proc);
    __attribute__((always_inline)) inline double shared_setup(const Local& y, double inv_q0, V4 (&ae)[N][2],
                                                              V4 (&gs_col)[3][2], V4 (&qv)[2]);
    void thresholds(V4 (&tt)[2], V4 (&tg)[2]);

    /// False when the terms up to b_k (k >= 9) decay too slowly to fall below the series' end criterion within
    /// kMaxTerms.
    bool converges(int k) const {
        for (int i = 0; i < N; ++i) {
            const double target = kEndTerm * scale_[i] + 1e-17 * scale_max;
            const double now = std::abs(b(i, k)) + std::abs(b(i, k - 1));
            if (now <= target) continue;
            const double before = std::abs(b(i, k - 8)) + std::abs(b(i, k - 9));
            if (!(now < before)) return false;
            const double per_term = rough_ln(now / before) / 8.0;   // < 0
            if (!(per_term < 0.0) || k + rough_ln(target / now) / per_term > kMaxTerms) return false;
        }
        return true;
    }

    /// The sum of the series into yn; false where the terms cancel beyond 1e3 x the result (rounding of the sum
    /// <= 1e-16 x the sum of |terms|, kept below 1e-13 of the species' scale).
    bool sum(int last, Local& yn) const {
        bool ok = true;
        double v[N] = {}, a[N] = {};
        if (summed_) {   // summed term by term as expand_shared formed them
            const double* sv = reinterpret_cast<const double*>(sum_v_);   // species i in lane i
            const double* sa = reinterpret_cast<const double*>(sum_a_);
            for (int i = 0; i < N && i < 8; ++i) {
                v[i] = sv[i];
                a[i] = sa[i];
            }
        } else {
            for (int j = last; j >= 0; --j)   // species by species in the same order, side by side
                for (int i = 0; i < N; ++i) {
                    v[i] += b_[i][j];
                    a[i] += std::abs(b_[i][j]);
                }
        }
        for (int i = 0; i < N; ++i) {
            yn[i] = v[i];
            if (a[i] > 1e3 * (std::abs(v[i]) + std::abs(b(i, 0))) + 1e-3 * scale_max) ok = false;
        }
        return ok;
    }

    /// Where DO leaves the substep's side of 0 (the clamp of the gates at 0 is not analytic): sampled at 32 points,
    /// the root by bisection to 1e-15 of the substep. Returns the fraction of the substep before it, or -1 if none.
    double crossing(int last, bool clamped) const {
        auto wrong = [&](double v) { return clamped ? v > 0.0 : v <= 0.0; };
        // |DO(theta) - b_0| <= sum_j>=1 |b_j| on [0, 1]: no crossing where that keeps DO on its side (as a rule:
        // the terms are gathered only past this test)
        double reach = 0.0;
        if (summed_) reach = do_reach_;
        else
            for (int j = 1; j <= last; ++j) reach += std::abs(b(kDO, j));
        if (!wrong(b(kDO, 0) - reach) && !wrong(b(kDO, 0) + reach)) return -1.0;
        double d[kMaxTerms + 1];
        for (int j = 0; j <= last; ++j) d[j] = b(kDO, j);
        auto do_at = [&](double th) {
            double v = 0.0;
            for (int j = last; j >= 0; --j) v = v * th + d[j];
            return v;
        };
        double lo = 0.0, hi = -1.0;
        for (int j = 1; j <= 32; ++j)
            if (wrong(do_at(j / 32.0))) {
                lo = (j - 1) / 32.0;
                hi = j / 32.0;
                break;
            }
        if (hi < 0.0) return -1.0;
        for (int it = 0; it < 60 && hi - lo > 1e-15; ++it) {
            const double mid = 0.5 * (lo + hi);
            (wrong(do_at(mid)) ? hi : lo) = mid;
        }
        return lo;
    }

    /// The next substep's allowed lambda tau from the DO transient's amplitude ~|dDO/ds| / lambda at the end of
    /// this one: ln(1e2 |DO| / amplitude) (its terms' cancellation then stays within sum's check), 1 to 24.
    double stiff_reach_after(int last, double tau, const Local& yn) const {
        double slope = 0.0;
        if (summed_) slope = do_slope_;
        else
            for (int j = last; j >= 1; --j) slope += j * b_[kDO][j];
        const double amp = std::abs(slope) / (tau * lambda) + 1e-300;
        return std::clamp(rough_ln(1e2 * (std::abs(yn[kDO]) + 1e-3 * scale_max) / amp), 1.0, 24.0);
    }

private:
    // Term k of the gated rates' products of series (any gates; expand_shared regroups them for QUAL2K's defaults).
    __attribute__((always_inline)) inline void chain_terms(int k, double* gs) {
        // the gated rates' products of series, (G * b_from)_k = g_0 b_k + sum_j>=1 g_j b_k-j, with g_j = +-f_j
        // of the gate's base series f: one pass over f for the processes that share it
        for (int c = 0; c < sh_.n_chains_; ++c) {
            const SeriesShape::Chain& ch = sh_.chains_[c];
            const double* f = f_[ch.series];
            const double* b0 = b_[ch.from[0]];
            const double* b1 = b_[ch.from[1]];
            const double* b2 = b_[ch.from[2]];
            // two partial sums per product (independent chains of additions)
            double a0 = 0.0, a1 = 0.0, a2 = 0.0, c0 = 0.0, c1 = 0.0, c2 = 0.0;
            int j = 1;
            for (; j + 1 <= k; j += 2) {
                const double fj = f[j], fn = f[j + 1];
                a0 += fj * b0[k - j];
                a1 += fj * b1[k - j];
                a2 += fj * b2[k - j];
                c0 += fn * b0[k - j - 1];
                c1 += fn * b1[k - j - 1];
                c2 += fn * b2[k - j - 1];
            }
            if (j == k) {
                a0 += f[k] * b0[0];
                a1 += f[k] * b1[0];
                a2 += f[k] * b2[0];
            }
            const double acc[3] = {a0 + c0, a1 + c1, a2 + c2};
            const double* bk[3] = {b0, b1, b2};
            for (int m = 0; m < ch.n; ++m) {
                const double g0 = g_[ch.gate[m]][0] * bk[m][k];
                gs[ch.slot[m]] = ch.complement[m] ? g0 - acc[m] : g0 + acc[m];
            }
        }
    }

    // term k of every gate's series (o from L_DO / Q; below 0 the gates are constants)
    void gate_terms(int k, double q0, double q1t, bool clamped) {
        if (!sh_.gated) return;
        if (clamped) {
            for (int gi = 1; gi < 4; ++gi) {
                g_[gi][k] = k == 0 && sh_.defs_[gi].complement ? 1.0 : 0.0;
                f_[gi][k] = 0.0;
            }
            return;
        }
        o_[k] = (b_[kDO][k] - (k > 0 ? q1t * o_[k - 1] : 0.0)) / q0;
        jo_[k] = static_cast<double>(k) * o_[k];
        for (int gi = 1; gi < 4; ++gi) {
            if (!sh_.used_[gi]) continue;
            const int sg = sh_.same_[gi];
            if (sg == gi) {
                g_[gi][k] = gate_term(sh_.defs_[gi], o_, jo_, aux_[gi], f_[gi], k);
            } else {   // the same form and constant as an earlier gate: its series, complemented
                f_[gi][k] = f_[sg][k];
                g_[gi][k] = sh_.defs_[gi].complement ? (k == 0 ? 1.0 - f_[sg][0] : -f_[sg][k]) : f_[sg][k];
            }
        }
    }

    const SeriesShape& sh_;
    const SeriesSegment& seg_;
    double kappa_[kNumProcesses] = {}, rho_[kNumProcesses] = {};
    double a_[N][N] = {};        ///< ungated first-order terms of dL/ds (lower triangular)
    double gy_[3][N] = {};       ///< yields times kappa of the gated processes, by slot
    double rq_[N] = {};          ///< sum_p yield_p,i rho_p: the zero-order rates per unit flow
    double inflow_[N] = {};
    double scale_[N];   ///< set after term 1 (set_scale)
    double scale_max = 0.0;
    double b_[N][kMaxTerms + 1];
    double g0_[3] = {0.0, 0.0, 0.0};        ///< the gates' term 0
    bool summed_ = false;     ///< the last expand was expand_shared: terms by term in bt_, their sums in sum_v_ etc.
    V4 sum_v_[2], sum_a_[2];  ///< sum_j b_j and sum_j |b_j| over the series, by species in lanes
    double do_reach_ = 0.0;   ///< sum_j>=1 |b_DO,j|
    double do_slope_ = 0.0;   ///< sum_j>=1 j b_DO,j
    double e_[kMaxTerms + 1];
    V4 x_[kMaxTerms + 1];   ///< (j o_j, b_from0,j, b_from1,j, b_from2,j) (expand_shared)
    // a_, gy_, rq_ and inflow_ by columns in two 4-lane halves (species l in lane l % 4 of half l / 4, N <= 8), and
    // the terms b_ by term in the same lanes
    V4 acol_[N][2] = {}, gcol_[3][2] = {}, rq8_[2] = {}, in8_[2] = {};
    V4 bt_[kMaxTerms + 1][2];
    double o_[kMaxTerms + 1], jo_[kMaxTerms + 1], aux_[4][kMaxTerms + 1], f_[4][kMaxTerms + 1], g_[4][kMaxTerms + 1];
};

}  // namespace qingliu::reaches::wq::series_terms

#include "reaches/kinetics_series_shared.hpp"
