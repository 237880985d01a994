#include "reaches/kinetics_series.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <cmath>

#include "common/error.hpp"
#include "common/units.hpp"
#include "reaches/kinetics_series_terms.hpp"
#include "reaches/oxygen.hpp"

namespace qingliu::reaches::wq {

namespace {

using namespace series_terms;

// The substeps of one segment over the species of the split (the series of the file comment).
template <int N>
bool march_series(const SeriesSegment& seg, const SeriesSplit& sp, const SeriesShape& shape, const State& y0,
                  AffineSolution& out, SeriesKernel kernel) {
    using Local = typename Series<N>::Local;
    constexpr int kDO = Series<N>::kDO;
    Series<N> ser(seg, sp, shape);
    ser.wide = kernel == SeriesKernel::Native && kWide;
    ser.ungrouped = kernel == SeriesKernel::Ungrouped;
    const bool gated = shape.gated;
    const double lambda = ser.lambda;
    double stiff_reach = 2.0;  // lambda tau allowed: small until the DO transient is known to have died out
    Local y;
    for (int l = 0; l < N; ++l) y[l] = y0[sp.idx[l]];
    double s = 0.0;
    double tau_next = seg.length;
    bool cut = false;     // the last substep ended where DO crossed 0
    bool failed = false;  // a substep of this segment had to be halved: grow the next ones slowly
    while (s < seg.length) {
        const double q0 = seg.q0 + seg.q1 * s;
        if (gated && !(q0 > 0.0)) return false;
        // below DO = 0 the gates are constant (f(0) = 0: no oxidation or nitrification, full denitrification) and
        // the system is linear; at DO = 0 after a crossing, the side is that of dDO/ds there (the same from both)
        bool clamped = false;
        if (gated) {
            const double tiny = 1e-12 * q0;
            if (y[kDO] < -tiny) clamped = true;
            else if (y[kDO] <= tiny || cut) clamped = ser.do_rate(y, q0, true) <= 0.0 && y[kDO] <= tiny;
        }
        cut = false;
        // the gates' series converge fast while sens |do/ds| tau <= 2 (DO changes little on the gates' scale)
        const double nu_s = gated ? ser.nu_at(y, q0) : ser.nu;
        double do_ds = 0.0;
        if (gated && !clamped) {
            const double d = ser.do_rate(y, q0, false);
            do_ds = std::abs((d - seg.q1 * y[kDO] / q0) / q0);
            // first substep: the DO transient's amplitude ~ |dL_DO/ds| / lambda sets how stiff a substep may be
            if (s == 0.0 && lambda > 0.0) {
                double sc = 0.0;
                for (int l = 0; l < N; ++l) sc = std::max(sc, std::abs(y[l]));
                const double amp = std::abs(d) / lambda + 1e-300;
                stiff_reach = std::clamp(rough_ln(1e2 * (std::abs(y[kDO]) + 1e-3 * sc) / amp), 1.0, kFirstStiffReach);
            }
        }
        double tau = std::min({tau_next, seg.length - s,
                               nu_s > 0.0 ? (gated && !clamped ? kReachGated : kReachLinear) / nu_s : seg.length,
                               lambda > 0.0 ? stiff_reach / lambda : seg.length,
                               // o = L_DO / Q(s): the series of 1 / (q0 + q1 s) converges for |q1| tau < q0
                               gated && seg.q1 > 0.0 ? 0.5 * q0 / seg.q1 : seg.length,
                               do_ds * shape.sens_max > 0.0
                                   ? (s == 0.0 ? kFirstGateReach : kGateReach) / (do_ds * shape.sens_max)
                                   : seg.length});
        bool shortened = false;
        for (int attempt = 0;; ++attempt) {
            if (attempt > 60) return false;
            const bool final = seg.length - s - tau <= 1e-12 * seg.length;
            if (final) tau = seg.length - s;
            PerProcess proc{};
            const int last = ser.expand(y, q0, tau, clamped, proc);
            Local yn;
            if (last < 0 || !ser.sum(last, yn)) {  // not converged, or cancelling: a shorter substep
                failed = failed || last < 0;
                tau *= 0.5;
                stiff_reach = std::max(1.0, 0.5 * stiff_reach);
                continue;
            }
            if (gated && !shortened) {
                const double at = ser.crossing(last, clamped);
                if (at >= 0.0) {
                    // cut at the crossing; at the very start a shorter substep decides the side
                    tau *= at > 1e-9 ? at : 0.5;
                    shortened = at > 1e-9;
                    continue;
                }
            }
            for (const int* p = shape.active_; p != shape.active_ + shape.n_active_; ++p)   // the others' are 0
                out.processed[*p] += proc[*p] * tau;
            if (lambda > 0.0) stiff_reach = ser.stiff_reach_after(last, tau, yn);
            y = yn;
            cut = shortened;
            s = (final && !shortened) ? seg.length : s + tau;
            // the next substep from this one's terms: they shrank like (tau / rho)^k, ending below 1e-13 at
            // k = last, so rho ~ tau 10^(13/last); the singularity limiting them lies behind the substep, so from
            // its end rho grows by tau, and a series of ~32 terms reaches 10^(-13/32) (rho + tau); at most 4x
            // (2x once a substep of the segment failed)
            tau_next = tau * std::clamp(kGrowth[last], 1.0,
                                        failed ? 2.0 : 4.0);
            break;
        }
    }
    for (int l = 0; l < N; ++l) out.y[sp.idx[l]] = y[l];
    return true;
}

// march_series on the species of a split (its number as the template argument)
bool march_split(const SeriesSegment& seg, const SeriesSplit& sp, const SeriesShape& shape, const State& y0,
                 AffineSolution& out, SeriesKernel kernel) {
    switch (sp.n) {
        case 1: return march_series<1>(seg, sp, shape, y0, out, kernel);
        case 2: return march_series<2>(seg, sp, shape, y0, out, kernel);
        case 3: return march_series<3>(seg, sp, shape, y0, out, kernel);
        case 4: return march_series<4>(seg, sp, shape, y0, out, kernel);
        case 5: return march_series<5>(seg, sp, shape, y0, out, kernel);
        case 6: return march_series<6>(seg, sp, shape, y0, out, kernel);
        case 7: return march_series<7>(seg, sp, shape, y0, out, kernel);
        case 8: return march_series<8>(seg, sp, shape, y0, out, kernel);
        default: return march_series<9>(seg, sp, shape, y0, out, kernel);
    }
}

// The split and the species it leaves (a series of their own where sp.rest).
struct Splits {
    SeriesSplit sp, rest;
};

// split_species and the species it leaves, kept from the last call on this thread when the table has the same yields
// (bit for bit), draws on the same species, has its first- and zero-order rates zero in the same places, and the
// parameters the same oxygen effects and constants (as a rule every reach of a case): the split and the shapes of
// its series depend on nothing else. generation: a number that changes whenever the split is made again.
const Splits& split_of(const Parameters& par, const ProcessTable& pt, std::uint64_t& generation) {
    thread_local ProcessTable last_table;
    thread_local O2Effect last_effects[3];
    thread_local double last_k[3];
    thread_local Splits last;
    thread_local std::uint64_t made = 0;
    const O2Effect effects[3] = {par.cbod_o2_effect, par.nitrification_o2_effect, par.denitrification_o2_effect};
    const double ks[3] = {par.cbod_o2_k, par.nitrification_o2_k, par.denitrification_o2_k};
    bool same = made > 0 && std::equal(effects, effects + 3, last_effects) &&
                std::memcmp(ks, last_k, sizeof ks) == 0;
    for (int p = 0; p < kNumProcesses && same; ++p) {
        const ProcessTerm &a = pt[p], &b = last_table[p];
        same = a.from == b.from && (a.k != 0.0) == (b.k != 0.0) && (a.r0 != 0.0) == (b.r0 != 0.0);
        for (int i = 0; i < kNumSpecies && same; ++i)
            same = std::bit_cast<std::uint64_t>(a.yield[i]) == std::bit_cast<std::uint64_t>(b.yield[i]);
    }
    if (!same) {
        last.sp = split_species(par, pt);
        last.rest = SeriesSplit{};
        for (int i = 0; i < kNumSpecies; ++i) {
            last.rest.series[i] = !last.sp.series[i];
            if (last.rest.series[i]) last.rest.idx[last.rest.n++] = i;
        }
        for (int p = 0; p < kNumProcesses; ++p) last.rest.process[p] = !last.sp.process[p];
        last_table = pt;
        std::copy(effects, effects + 3, last_effects);
        std::copy(ks, ks + 3, last_k);
        ++made;
    }
    generation = made;
    return last;
}

// make_shape for the series of the split (which = 0) or of the species it leaves (which = 1), kept per thread for
// the split's generation while the segments' scale is normal (the shape then does not depend on it)
const SeriesShape& shape_of(const Parameters& par, const SeriesSegment& seg, const SeriesSplit& sp,
                            std::uint64_t generation, int which) {
    thread_local SeriesShape kept[2], own;
    thread_local std::uint64_t kept_for[2] = {0, 0};
    if (!std::isnormal(seg.scale)) return own = make_shape(par, *seg.table, sp, seg.scale);
    if (kept_for[which] != generation) {
        kept[which] = make_shape(par, *seg.table, sp, seg.scale);
        kept_for[which] = generation;
    }
    return kept[which];
}

}  // namespace

bool solve_series(const Parameters& par, const SeriesSegment& seg, const State& y0, AffineSolution& out) {
    return solve_series_as(par, seg, y0, out, SeriesKernel::Native);
}

bool solve_series_as(const Parameters& par, const SeriesSegment& seg, const State& y0, AffineSolution& out,
                     SeriesKernel kernel) {
    out.y = y0;
    out.processed = {};
    if (!(seg.length > 0.0)) return true;
    std::uint64_t generation = 0;
    const Splits& s = split_of(par, *seg.table, generation);
    // the species the oxygen-dependent rates do not reach: a series of their own (no gates)
    if (s.sp.rest && !march_split(seg, s.rest, shape_of(par, seg, s.rest, generation, 1), y0, out, kernel)) return false;
    return march_split(seg, s.sp, shape_of(par, seg, s.sp, generation, 0), y0, out, kernel);
}

SeriesSegment plug_series_segment(const ProcessTable& table, const PlugSegment& seg) {
    SeriesSegment s;
    s.table = &table;
    s.scale = 1.0 / (kSecondsPerDay * seg.velocity_ms);
    s.q0 = seg.flow_in_m3s;
    s.q1 = seg.lateral_m3s_per_m;
    s.inflow = seg.lateral_load_gs_per_m;
    s.length = seg.length_m;
    return s;
}

}  // namespace qingliu::reaches::wq
