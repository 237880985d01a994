#include "reaches/dynamic.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>

#include "common/error.hpp"
#include "reaches/dynamic_cells.hpp"
#include "reaches/dynamic_run.hpp"

namespace qingliu::reaches {
namespace odeint = boost::numeric::odeint;

namespace {

using namespace dynrun;

using cells::CellJacobian;
using cells::CellSystem;
using cells::end_interval;
using cells::exact_transient;
using cells::fmt;
using cells::integrate_interval;
using cells::kLanes;
using cells::PowerVelocity;
using cells::relaxed_lanes;
using cells::base_headwater;
using cells::base_lateral;
using cells::flow_scale;
using cells::steady_cells;

// One reach over the whole period: its upstream inflow, the inputs placed on its cells, the cells' state and the
// integrators' step sizes, its budget and outflow.
class ReachRun {
public:
    ReachRun(Shared& sh, std::int32_t r)
        : sh_(sh), net_(sh.net), f_(sh.f), opt_(sh.opt), res_(sh.res), r_(r), S_(sh.f.steps), h_d_(sh.f.step_days),
          rid_(sh.net.topo.id(r)), n_(sh.res.layout[r].cells), dx_(sh.res.layout[r].dx_m), len_(sh.net.length_m[r]),
          own_(sh.f.flow.reach_series.empty() ? kNone : sh.f.flow.reach_series[r]), velocity_(sh.net.hydraulics[r]),
          stride_(static_cast<std::size_t>(n_) + 2), rate_per_ms_(kSecondsPerDay / dx_), pad_(padded(n_)), q_(kBlock * pad_, 1.0), rr_(kBlock * pad_, 1.0),
          w_(kBlock * n_ * kLanes, 0.0), x_(kLanes * stride_, 0.0), inv_(kBlock * n_ * kLanes), mss_(kBlock * n_ * kLanes), g_(kBlock * n_ * kLanes), mh_(n_ * kLanes), dt_explicit_(uniform(h_d_ * 0.1)), dt_implicit_(uniform(h_d_ * 0.1)),
          dopri_(odeint::make_controlled(sh.opt.abs_tol_g, sh.opt.rel_tol, odeint::runge_kutta_dopri5<std::vector<double>>())) {
        out_.v.assign(S_ * kOutStride, 0.0);
        for (int l = 0; l < 4; ++l) last_lanes_[l] = l < n_ % 4 ? -1 : 0;
        for (int c = 0; c < kNumConstituents; ++c) {
            lateral_conc_[c] = net_.lateral_conc_mgL[r_][c];
            headwater_conc_[c] = net_.headwater_conc_mgL[r_][c];
        }
        if (sh.opt.record_reach_ends) {
            series_ = sh.ends_by_reach.data() + static_cast<std::size_t>(r) * S_ * (1 + kNumConstituents);
        } else if (sh.opt.reach_series) {
            own_series_.assign(S_ * (1 + kNumConstituents), 0.0f);
            series_ = own_series_.data();
        }
    }

    // cells rounded up to whole passes of PowerVelocity::lanes
    static std::size_t padded(int n) {
        constexpr int k = 4 * cells::kGroups;
        return static_cast<std::size_t>((n + k - 1) / k * k);
    }

    void run() {
        gather_upstream();
        place_inputs();
#if defined(__x86_64__) && defined(__GNUC__)
#if !defined(__clang__)
        if (cells::has_avx512())
            intervals_avx512();
        else
#endif
        if (cells::has_avx2())
            intervals_avx2();
        else
#endif
            intervals();
        for (int c = 0; c < kNumConstituents; ++c)
            for (int i = 0; i < n_; ++i) bud_.storage_end_g[c] += x_[i * kLanes + c];
        if (opt_.reach_series) opt_.reach_series(r_, series_, series_ + S_);
        outlets();
        publish();
    }

private:
    // What an interval of a block keeps between prepare and finish (its arrays in q_ ... mss_ at slot j).
    struct Slot {
        enum State { Wet, Dry, BadVelocity } state = Wet;
        double rmin = 0.0, rmax = 0.0;  // smallest and largest r of the interval
        double bad_u = 0.0, bad_q = 0.0;  // BadVelocity: the velocity and flow reported
        PerConstituent step_in{};        // what entered over the interval (g)
        bool relaxed[3] = {false, false, false};
    };
    static constexpr int kBlock = 8;
    struct Placed {
        int cell;
        std::int32_t input;
        double frac;  // of the input's load and flow
    };

    // Upstream inflow per interval (mean m3/s and g), read then released.
    void gather_upstream() {
        const Topology& topo = net_.topo;
        up_.assign(S_ * kOutStride, 0.0);
        for (const Link& l : sh_.upstream[r_]) {
            const Outflow& o = *sh_.outflow[l.from];
            const double frac_split = topo.split_to(l.from) != kNone ? topo.split_fraction(l.from) : 0.0;
            double transfers_total = 0.0;
            for (const std::int32_t t : topo.transfers_from(l.from)) transfers_total += topo.transfers()[t].flow_m3s;
            for (std::size_t s = 0; s < S_; ++s) {
                const double q = o.v[s * kOutStride];
                double water = 0.0, share = 0.0;
                if (l.kind == LinkKind::Transfer) {
                    water = topo.transfers()[l.transfer].flow_m3s;
                    share = q > 0.0 ? water / q : 0.0;
                } else {
                    const double q_rem = std::max(q - transfers_total, 0.0);
                    const double part = l.kind == LinkKind::Split ? frac_split : 1.0 - frac_split;
                    water = q_rem * part;
                    share = q > 0.0 ? q_rem / q * part : 0.0;
                }
                up_[s * kOutStride] += water;
                for (int c = 0; c < kNumConstituents; ++c) up_[s * kOutStride + 1 + c] += o.v[s * kOutStride + 1 + c] * share;
            }
            if (sh_.readers[l.from].fetch_sub(1) == 1) sh_.outflow[l.from].reset();
        }
    }

    // Static placement of inputs (spread ones over the cells they cover) and observations on cells.
    void place_inputs() {
        point_flow_.assign(n_, 0.0);
        for (std::int32_t k = sh_.in_start[r_]; k < sh_.in_start[r_ + 1]; ++k) {
            const std::int32_t ii = sh_.in_idx[k];
            const PointInput& p = sh_.inputs[ii];
            const double x0 = std::clamp(p.position_m, 0.0, len_);
            const double x1 = std::min(p.end_m, len_);
            if (x1 > x0) {
                for (int i = 0; i < n_; ++i) {
                    const double a = std::max(x0, i * dx_), b = std::min(x1, (i + 1) * dx_);
                    if (b > a) {
                        const double fr = (b - a) / (x1 - x0);
                        placed_.push_back({i, ii, fr});
                        point_flow_[i] += p.flow_m3s * fr;
                    }
                }
            } else {
                const int i = std::min(static_cast<int>(x0 / dx_), n_ - 1);
                placed_.push_back({i, ii, 1.0});
                point_flow_[i] += p.flow_m3s;
            }
        }
        for (std::int32_t k = sh_.ob_start[r_]; k < sh_.ob_start[r_ + 1]; ++k) {
            const std::int32_t o = sh_.ob_idx[k];
            const double x = std::clamp(sh_.obs[o].position_m, 0.0, len_);
            obs_cells_.emplace_back(o, std::min(static_cast<int>(x / dx_), n_ - 1));
        }
    }

    // The intervals as a pipeline kBlock deep: what an interval needs that does not depend on the masses at its start
    // (flows, rates, inputs, steady cells, the relaxed test: `prepare`) is formed kBlock intervals ahead of its masses
    // (`finish`), in a ring of kBlock slots. The two are independent, so the processor overlaps the long chains of
    // one (flow along the cells, velocities, steady masses) with those of the other (the series, the interval
    // integrals) instead of waiting on each; every value is computed as in one interval after another, so the same
    // bits. The AVX2 copy has the whole per-interval path inlined into it and compiled for 256-bit registers (the same
    // arithmetic, so the same bits).
    void intervals() { pipeline(); }
#if defined(__x86_64__) && defined(__GNUC__)
    __attribute__((target("avx2"), flatten)) void intervals_avx2() { pipeline(); }
#if !defined(__clang__)
    // The same path where the processor has AVX-512 (the same 256-bit arithmetic in the EVEX encoding, with 32
    // registers instead of 16, so fewer spills and reloads of constants), fused multiply-adds kept out as in the AVX2
    // copy, so the same bits. (GCC only: Clang has no per-function contraction setting and contracts within an
    // expression wherever the target has FMA.)
    __attribute__((target("avx512f,avx512vl,avx512dq,avx2"), flatten, optimize("fp-contract=off"))) void intervals_avx512() { pipeline(); }
#endif
#endif
    [[gnu::always_inline]] void pipeline() {
        std::size_t prepared = 0;
        bool stop = false;  // an interval's velocities failed: none after it is prepared, finish reports it
        for (; prepared < std::min<std::size_t>(kBlock, S_) && !stop; ++prepared) stop = !prepare(prepared, prepared % kBlock);
        for (std::size_t s = 0; s < prepared; ++s) {
            finish(s, static_cast<int>(s % kBlock));
            if (!stop && prepared < S_) {
                stop = !prepare(prepared, static_cast<int>(prepared % kBlock));
                ++prepared;
            }
        }
    }

    [[noreturn, gnu::noinline, gnu::cold]] void fail_dry(double t0) const {
        throw ModelError("reach " + rid_ + " carries no water on day " + fmt(t0) + " but receives or holds load");
    }
    [[noreturn, gnu::noinline, gnu::cold]] void fail_velocity(double u, double qa, double t0) const {
        throw ModelError("reach " + rid_ + ": velocity is " + fmt(u) + " m/s at flow " + fmt(qa) + " m3/s on day " + fmt(t0));
    }

    // What interval s (slot j of its block) needs that does not depend on the masses at its start; false when its
    // velocities fail (finish then reports it).
    bool prepare(std::size_t s, int j) {
        Slot& sl = slot_[j];
        const double hw = own_ != kNone ? f_.flow.own_headwater_m3s[own_][s] : base_headwater(f_, net_, r_) * flow_scale(f_, s);
        const double lat = own_ != kNone ? f_.flow.own_lateral_m3s[own_][s] : base_lateral(f_, net_, r_) * flow_scale(f_, s);
        sl.state = cell_flows(s, j, hw, lat);
        sl.step_in = cell_inputs(s, j, hw, lat);
        if (sl.state == Slot::Wet) steady(s, j);
        return sl.state != Slot::BadVelocity;
    }

    // Interval s (slot j) from the masses at its start: its methods, masses at its end and outputs.
    void finish(std::size_t s, int j) {
        const double t0 = s * h_d_;
        const Slot& sl = slot_[j];
        if (sl.state == Slot::BadVelocity) fail_velocity(sl.bad_u, sl.bad_q, t0);
        const bool dry = sl.state == Slot::Dry;
        if (dry) {
            double held = 0.0;
            for (int c = 0; c < kNumConstituents; ++c) {
                held += std::abs(sl.step_in[c]);
                for (int i = 0; i < n_; ++i) held += std::abs(x_[i * kLanes + c]);
            }
            if (held > 0.0) fail_dry(t0);
            std::fill(q(j), q(j) + n_, 0.0);
        } else {
            advance(s, j, t0);
        }
        record(s, j, dry);
    }

    // the arrays of slot j
    double* q(int j) { return q_.data() + j * pad_; }
    double* rr(int j) { return rr_.data() + j * pad_; }
    double* w(int j) { return w_.data() + j * n_ * kLanes; }
    double* inv(int j) { return inv_.data() + j * n_ * kLanes; }
    double* mss(int j) { return mss_.data() + j * n_ * kLanes; }
    double* g(int j) { return g_.data() + j * n_ * kLanes; }

    // Flows and transport rates of the cells of slot j, and the smallest and largest rate; Dry when the reach runs dry,
    // BadVelocity (the velocity and flow kept for the message) when a velocity is not positive and finite.
    // (A cell's volume, V_i = dx Q_i / u_i = 86400 Q_i / r_i, is needed only where an observation samples it.)
    Slot::State cell_flows(std::size_t s, int j, double hw, double lat) {
        Slot& sl = slot_[j];
        double* const qj = q(j);
        double* const rj = rr(j);
        // the same top and lateral flows as the interval before (the pieces of one interval of the forcing, or a
        // steady spell): its cells' flows and rates, the same numbers
        const double top = up_[s * kOutStride] + hw;
        if (s > 0 && top == last_top_ && lat == last_lat_) {
            const int jp = (j + kBlock - 1) % kBlock;
            const Slot& prev = slot_[jp];
            if (prev.state == Slot::Wet) {
                std::copy(q(jp), q(jp) + pad_, qj);
                std::copy(rr(jp), rr(jp) + pad_, rj);
                sl.rmin = prev.rmin;
                sl.rmax = prev.rmax;
                return Slot::Wet;
            }
        }
        last_top_ = top;
        last_lat_ = lat;
        // the flows four cells at a time, each four stored at once (so that the velocities read them back from the
        // store, not from memory), the cells past n at 1; wet when every flow is positive
        double qa = up_[s * kOutStride] + hw;
        const double lat_cell = lat / n_;
        const double* const pf = point_flow_.data();
        cells::QuadBits positive = {-1, -1, -1, -1};
        int i = 0;
        for (; i + 4 <= n_; i += 4) {
            const double v0 = qa += lat_cell + pf[i];
            const double v1 = qa += lat_cell + pf[i + 1];
            const double v2 = qa += lat_cell + pf[i + 2];
            const double v3 = qa += lat_cell + pf[i + 3];
            const cells::Quad v = {v0, v1, v2, v3};
            cells::store_quad(qj + i, v);
            positive &= v > 0.0;
        }
        if (i < n_) {
            double v[4] = {1.0, 1.0, 1.0, 1.0};
            for (int l = 0; i + l < n_; ++l) v[l] = qa += lat_cell + pf[i + l];
            const cells::Quad vq = {v[0], v[1], v[2], v[3]};
            cells::store_quad(qj + i, vq);
            positive &= vq > 0.0;
        }
        if (!(positive[0] & positive[1] & positive[2] & positive[3])) return Slot::Dry;
        velocity_.lanes(n_, qj, rj);
        // r = u 86400 / dx four cells at a time (the cells past n, up to pad_, take part but not in the tests and the
        // extremes); the smallest and largest by lanes (a minimum or maximum of positive numbers is one of them,
        // whatever the order)
        using cells::Quad;
        using cells::QuadBits;
        const Quad rate = cells::splat(rate_per_ms_);
        constexpr double kMax = std::numeric_limits<double>::max();
        QuadBits bad = {0, 0, 0, 0};
        Quad rmin = cells::splat(std::numeric_limits<double>::infinity()), rmax = cells::splat(0.0);
        int c4 = 0;
        for (; c4 + 4 <= n_; c4 += 4) {
            const Quad u = cells::load_quad(rj + c4);
            bad |= ~((u > 0.0) & (u <= kMax));
            const Quad r = u * rate;
            cells::store_quad(rj + c4, r);
            rmin = r < rmin ? r : rmin;
            rmax = r > rmax ? r : rmax;
        }
        if (c4 < n_) {  // the last cells, with lanes past n
            const Quad u = cells::load_quad(rj + c4);
            bad |= last_lanes_ & ~((u > 0.0) & (u <= kMax));
            const Quad r = u * rate;
            cells::store_quad(rj + c4, r);
            rmin = (last_lanes_ & (r < rmin)) ? r : rmin;
            rmax = (last_lanes_ & (r > rmax)) ? r : rmax;
        }
        if (bad[0] | bad[1] | bad[2] | bad[3]) {  // the first cell whose velocity is not positive and finite
            velocity_.lanes(n_, qj, rj);
            for (int i = 0;; ++i)
                if (!(rj[i] > 0.0) || !std::isfinite(rj[i])) {
                    sl.bad_u = rj[i];
                    sl.bad_q = qj[i];
                    return Slot::BadVelocity;
                }
        }
        sl.rmin = std::min(std::min(rmin[0], rmin[1]), std::min(rmin[2], rmin[3]));
        sl.rmax = std::max(std::max(rmax[0], rmax[1]), std::max(rmax[2], rmax[3]));
        return Slot::Wet;
    }

    // Inputs to the cells (g/d) and what entered over the interval (g).
    // In lanes, each cell's four values stored at once (the sums below and steady_cells read them back from the
    // store); per lane the same operations as constituent by constituent, 0 in the fourth.
    PerConstituent cell_inputs(std::size_t s, int j, double hw, double lat) {
        double* const wj = w(j);
        using cells::Quad;
        using cells::splat;
        const Quad day = splat(kSecondsPerDay);
        const Quad lateral = splat(lat / n_) * lateral_conc_ * day;
        const double* up = &up_[s * kOutStride + 1];
        const Quad upstream = Quad{up[0], up[1], up[2], 0.0} / splat(h_d_) + splat(hw) * headwater_conc_ * day;
        cells::store_quad(wj, lateral + upstream);
        for (int i = 1; i < n_; ++i) cells::store_quad(wj + i * kLanes, lateral);
        for (const Placed& p : placed_) {
            const PointInput& in = sh_.inputs[p.input];
            const std::int32_t pat = f_.input_pattern.empty() ? kNone : f_.input_pattern[p.input];
            const double factor = pat == kNone ? 1.0 : f_.load_patterns[pat][s];
            const Quad load = Quad{in.load_gs[0], in.load_gs[1], in.load_gs[2], 0.0} * splat(factor) * splat(p.frac) * day;
            double* wc = wj + p.cell * kLanes;
            cells::store_quad(wc, cells::load_quad(wc) + load);
        }
        // the sum over the cells in lanes (the same additions in the same order as constituent by constituent)
        cells::Quad sum = cells::splat(0.0);
        const cells::Quad hv = cells::splat(h_d_);
        for (int i = 0; i < n_; ++i) sum += cells::load_quad(wj + i * kLanes) * hv;
        PerConstituent step_in{};
        for (int c = 0; c < kNumConstituents; ++c) {
            step_in[c] = sum[c];
            bud_.in_g[c] += step_in[c];
            ext_in_[c] += step_in[c] - up_[s * kOutStride + 1 + c];
        }
        return step_in;
    }

    // The steady masses of a wet interval (slot j) and which constituents take the closed form.
    void steady(std::size_t s, int j) {
        Slot& sl = slot_[j];
        const std::size_t ks = f_.k_per_d.size() == 1 ? 0 : s;
        const double* k = sh_.k_lanes[ks].data();      // {k_0, k_1, k_2, 0}
        const double* ekh = sh_.exp_kh_lanes[ks].data();  // {e^{-k_c h}, 1}
        steady_cells(n_, rr(j), k, w(j), inv(j), mss(j), g(j));
        const double rmin = sl.rmin;
        bool* relaxed = sl.relaxed;
        relaxed[0] = relaxed[1] = relaxed[2] = false;
        if (opt_.relaxed_tol > 0.0) {
            const double a[kLanes] = {(rmin + k[0]) * h_d_, (rmin + k[1]) * h_d_, (rmin + k[2]) * h_d_, 0.0};
            // the answer from the bounds where they give it (the same as the sum's), else the sum
            bool known = true;
            for (int c = 0; c < kNumConstituents; ++c) {
                const int v = sh_.relaxed_bounds.known(n_, a[c]);
                relaxed[c] = v == 1;
                known = known && v >= 0;
            }
            if (!known) {
                const double exp_rmin = std::exp(-rmin * h_d_);
                const double e[kLanes] = {exp_rmin * ekh[0], exp_rmin * ekh[1], exp_rmin * ekh[2], 0.0};
                relaxed_lanes(n_, a, e, opt_.relaxed_tol, relaxed);
            }
        }
    }

    // Advances every constituent's cells over the interval by the method the options and stiffness call for. The
    // steady masses of the interval serve the closed form and the exact series, which run on the three constituents
    // together (lanes); the odeint steppers take one constituent at a time.
    void advance(std::size_t s, int j, double t0) {
        const Slot& sl = slot_[j];
        const std::size_t ks = f_.k_per_d.size() == 1 ? 0 : s;
        const double* k = sh_.k_lanes[ks].data();
        const double* ekh = sh_.exp_kh_lanes[ks].data();
        double* const mssj = mss(j);
        if (s == 0) {
            if (opt_.start == DynamicStart::Steady) std::copy(mssj, mssj + n_ * kLanes, x_.begin());
            for (int c = 0; c < kNumConstituents; ++c)
                for (int i = 0; i < n_; ++i) bud_.storage_start_g[c] += x_[i * kLanes + c];
        }
        const double rmax = sl.rmax;
        const bool* relaxed = sl.relaxed;
        // the pools count this interval's outflow and decay
        cells::store_quad(x_.data() + n_ * kLanes, cells::splat(0.0));
        cells::store_quad(x_.data() + (n_ + 1) * kLanes, cells::splat(0.0));
        bool lanes[kLanes] = {false, false, false, false};  // closed form or exact series
        bool series = false;
        for (int c = 0; c < kNumConstituents; ++c) {
            if (relaxed[c]) {
                lanes[c] = true;
                ++relaxed_;
                continue;
            }
            if (opt_.stepper == DynamicStepper::Auto) {
                lanes[c] = series = true;
                ++exact_;
                continue;
            }
            integrate_odeint(c, j, k[c], (rmax + k[c]) * h_d_ > opt_.stiff_threshold, t0);
        }
        // the masses at the interval's end: M_ss in a closed-form lane, the series' in the others (from M0, a quad at a
        // time so that the series reads them back from the store)
        const double* mh = mssj;
        if (series) {
            const cells::QuadBits from_x = {relaxed[0] || !lanes[0] ? 0 : -1LL, relaxed[1] || !lanes[1] ? 0 : -1LL,
                                            relaxed[2] || !lanes[2] ? 0 : -1LL, 0};
            for (int i = 0; i < n_; ++i) {
                const cells::QuadBits xv = reinterpret_cast<cells::QuadBits>(cells::load_quad(x_.data() + i * kLanes));
                const cells::QuadBits mv = reinterpret_cast<cells::QuadBits>(cells::load_quad(mssj + i * kLanes));
                cells::store_quad(mh_.data() + i * kLanes, reinterpret_cast<cells::Quad>((xv & from_x) | (mv & ~from_x)));
            }
            exact_transient(n_, rr(j), rmax, k, ekh, h_d_, mssj, mh_.data(), work_, opt_.series_tol);
            mh = mh_.data();
        }
        if (lanes[0] || lanes[1] || lanes[2]) end_interval(n_, rr(j), k, inv(j), g(j), h_d_, mssj, mh, lanes, x_.data());
    }

    // One constituent's cells over the interval by a controlled odeint stepper.
    [[gnu::noinline]] void integrate_odeint(int c, int j, double kc, bool stiff, double t0) {
        const CellSystem sys{n_, rr(j), kc, w(j) + c};
        xs_.resize(stride_);
        for (std::size_t i = 0; i < stride_; ++i) xs_[i] = x_[i * kLanes + c];
        if (opt_.stepper == DynamicStepper::Rosenbrock4 || (stiff && opt_.stepper == DynamicStepper::Odeint)) {
            ++implicit_;
            if (!ros_) ros_ = std::make_unique<Rosenbrock>(opt_.abs_tol_g, opt_.rel_tol);
            xu_.resize(stride_, false);
            std::copy(xs_.begin(), xs_.end(), xu_.begin());
            integrate_interval(*ros_, std::make_pair(sys, CellJacobian{sys}), xu_, h_d_, dt_implicit_[c], rid_, t0, taken_, rejected_);
            std::copy(xu_.begin(), xu_.end(), xs_.begin());
        } else {
            ++explicit_;
            dopri_.reset();
            integrate_interval(dopri_, sys, xs_, h_d_, dt_explicit_[c], rid_, t0, taken_, rejected_);
        }
        for (std::size_t i = 0; i < stride_; ++i) x_[i * kLanes + c] = xs_[i];
    }

    // Bookkeeping and outputs of an interval.
    void record(std::size_t s, int j, bool dry) {
        const double* const qj = q(j);
        const double* const rj = rr(j);
        const double qout = dry ? 0.0 : qj[n_ - 1];
        out_.v[s * kOutStride] = qout;
        for (int c = 0; c < kNumConstituents; ++c) {
            const double o = dry ? 0.0 : x_[n_ * kLanes + c];
            out_.v[s * kOutStride + 1 + c] = o;
            bud_.out_g[c] += o;
            bud_.decayed_g[c] += dry ? 0.0 : x_[(n_ + 1) * kLanes + c];
        }
        if (series_) {
            const double h_s = h_d_ * kSecondsPerDay;
            series_[s] = static_cast<float>(qout);
            for (int c = 0; c < kNumConstituents; ++c)
                series_[(1 + c) * S_ + s] = qout > 0.0 ? static_cast<float>(out_.v[s * kOutStride + 1 + c] / (qout * h_s)) : 0.0f;
        }
        for (const auto& [o, cell] : obs_cells_) {
            res_.obs_flow_m3s[s * res_.nobs + o] = dry ? 0.0 : qj[cell];
            for (int c = 0; c < kNumConstituents; ++c)
                res_.obs_conc_mgL[(s * res_.nobs + o) * kNumConstituents + c] =
                    dry ? 0.0 : x_[cell * kLanes + c] * rj[cell] / (kSecondsPerDay * qj[cell]);  // M / V
        }
    }

    // Mass leaving through an outlet (main or side link to nowhere; transfers always have a target), and transfers
    // larger than the supply.
    void outlets() {
        const Topology& topo = net_.topo;
        double tt = 0.0;
        for (const std::int32_t t : topo.transfers_from(r_)) tt += topo.transfers()[t].flow_m3s;
        if (topo.downstream(r_) == kNone) {
            const double fs = topo.split_to(r_) != kNone ? topo.split_fraction(r_) : 0.0;
            for (std::size_t s = 0; s < S_; ++s) {
                const double qo = out_.v[s * kOutStride];
                const double q_rem = std::max(qo - tt, 0.0);
                const double part = 1.0 - fs;
                const double share = qo > 0.0 ? q_rem / qo * part : 0.0;
                for (int c = 0; c < kNumConstituents; ++c) to_outlet_[c] += out_.v[s * kOutStride + 1 + c] * share;
            }
        }
        if (!topo.transfers_from(r_).empty())
            for (std::size_t s = 0; s < S_; ++s)
                if (tt > out_.v[s * kOutStride] * (1.0 + 1e-12))
                    throw ModelError("reach " + rid_ + " cannot supply transfers of " + fmt(tt) + " m3/s on day " + fmt(s * h_d_) +
                                     ": its outflow is " + fmt(out_.v[s * kOutStride]) + " m3/s");
    }

    void publish() {
        res_.budget[r_] = bud_;
        sh_.external_in_g[r_] = ext_in_;
        sh_.outlet_g[r_] = to_outlet_;
        sh_.steps_taken += taken_;
        sh_.steps_rejected += rejected_;
        sh_.relaxed += relaxed_;
        sh_.explicit_ += explicit_;
        sh_.implicit += implicit_;
        sh_.exact += exact_;
        if (!sh_.consumers[r_].empty()) sh_.outflow[r_] = std::make_unique<Outflow>(std::move(out_));
    }

    using Dopri = decltype(odeint::make_controlled(0.0, 0.0, odeint::runge_kutta_dopri5<std::vector<double>>()));
    using Rosenbrock = odeint::rosenbrock4_controller<odeint::rosenbrock4<double>>;

    Shared& sh_;
    const Network& net_;
    const DynamicForcing& f_;
    const DynamicOptions& opt_;
    DynamicResult& res_;
    const std::int32_t r_;
    const std::size_t S_;
    const double h_d_;
    const std::string& rid_;
    const int n_;
    const double dx_, len_;
    const std::int32_t own_;  // the reach's own flow series, or kNone
    const PowerVelocity velocity_;
    const std::size_t stride_;             // n cell masses, mass out, decayed (x_: kLanes values each)
    std::vector<double> up_;               // upstream inflow, s * kOutStride + {0: Q, 1 + c: mass}
    std::vector<Placed> placed_;
    std::vector<double> point_flow_;       // constant water added per cell (m3/s)
    std::vector<std::pair<std::int32_t, int>> obs_cells_;  // (observation, cell)
    const double rate_per_ms_;             // r = u 86400 / dx: transport rate (1/d) per m/s of velocity
    cells::Quad lateral_conc_{}, headwater_conc_{};  // mg/L in lanes (0 in the fourth)
    double last_top_ = 0.0, last_lat_ = 0.0;  // the top and lateral flows of the last interval whose cells were formed
    cells::QuadBits last_lanes_{};         // the lanes of the last four cells (up to n_) that are cells
    Slot slot_[kBlock];
    const std::size_t pad_;                // cells rounded up to whole passes of PowerVelocity::lanes
    std::vector<double> q_, rr_;           // per slot: flows (m3/s) and transport rates (1/d), pad_ each
    std::vector<double> w_, x_, inv_, mss_, g_, mh_;  // in lanes: [i * kLanes + c] (x_ as in dynamic_cells.hpp); w_, inv_, mss_, g_ per slot
    boost::numeric::ublas::vector<double> xu_;
    std::vector<double> work_, xs_;
    PerConstituent dt_explicit_, dt_implicit_;
    Dopri dopri_;
    std::unique_ptr<Rosenbrock> ros_;
    ReachBudget bud_;
    PerConstituent ext_in_{}, to_outlet_{};
    std::uint64_t taken_ = 0, rejected_ = 0, relaxed_ = 0, explicit_ = 0, implicit_ = 0, exact_ = 0;
    Outflow out_;
    // reach-end series (reach_series, record_reach_ends): flow, then each constituent (s < S); in sh_.ends_by_reach
    // when record_reach_ends, else in own_series_, else none
    float* series_ = nullptr;
    std::vector<float> own_series_;
};

}  // namespace

namespace dynrun {
void solve_reach(Shared& sh, std::int32_t r) { ReachRun(sh, r).run(); }

}  // namespace dynrun

}  // namespace qingliu::reaches
