#include "reaches/steady.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"
#include "reaches/reach_walk.hpp"

namespace qingliu::reaches {
namespace {

// Sums over reaches, kept per task so that parallel runs add them in a fixed order.
struct Totals {
    PerConstituent input{}, outlet{}, decayed{};
    double imbalance = 0.0;
    void add(const Totals& o) {
        for (int c = 0; c < kNumConstituents; ++c) {
            input[c] += o.input[c];
            outlet[c] += o.outlet[c];
            decayed[c] += o.decayed[c];
        }
        imbalance = std::max(imbalance, o.imbalance);
    }
};

// Routes one reach at a time: its inflow must be complete (all feeders routed); pushes its outflow into
// res.flow_in_m3s / res.load_in_gs of the reaches it feeds. Writes only index r of the result vectors and those
// inflow entries of r's receivers.
struct Router {
    const Network& net;
    const std::vector<PointInput>& inputs;
    const std::vector<Observation>& observations;
    const SteadyOptions& opt;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    PerConstituent k_s{};
    SteadyResult& res;
    std::vector<double>& up_q;            // inflow gathered from feeders: res.flow_in_m3s until the reach is routed
    std::vector<PerConstituent>& up_l;    // likewise res.load_in_gs
    bool any_transfer = false;

    Router(const Network& n, const std::vector<PointInput>& in, const std::vector<Observation>& ob, const SteadyOptions& o,
           SteadyResult& r)
        : net(n), inputs(in), observations(ob), opt(o), res(r), up_q(r.flow_in_m3s), up_l(r.load_in_gs) {
        detail::bucket_by_position(n.size(), inputs, in_start, in_idx);
        detail::bucket_by_position(n.size(), observations, ob_start, ob_idx);
        for (int c = 0; c < kNumConstituents; ++c) k_s[c] = opt.k_per_d[c] / kSecondsPerDay;
        any_transfer = !n.topo.transfers().empty();
    }

    // Reaches come in topological order, which in a real or generated table is scattered in memory: fetching a
    // reach's attributes some reaches ahead overlaps the cache misses. The receiving reach's inflow is fetched in a
    // second stage, once its index (gathered beforehand, in order) is known.
    void prefetch(const std::int32_t r) const {
        __builtin_prefetch(&net.length_m[r]);
        __builtin_prefetch(&net.headwater_flow_m3s[r]);
        __builtin_prefetch(&net.lateral_flow_m3s[r]);
        __builtin_prefetch(&net.headwater_conc_mgL[r]);
        __builtin_prefetch(&net.lateral_conc_mgL[r]);
        __builtin_prefetch(&net.hydraulics[r]);
        if (any_transfer) __builtin_prefetch(&net.topo.transfers_from(r));
        __builtin_prefetch(&in_start[r]);
        __builtin_prefetch(&ob_start[r]);
        __builtin_prefetch(&res.flow_in_m3s[r], 1);  // = up_q
        __builtin_prefetch(&res.flow_out_m3s[r], 1);
        __builtin_prefetch(&res.velocity_out_ms[r], 1);
        __builtin_prefetch(&res.travel_time_d[r], 1);
        __builtin_prefetch(&res.conc_out_mgL[r], 1);
        __builtin_prefetch(&res.load_out_gs[r], 1);
        __builtin_prefetch(&res.load_in_gs[r], 1);
        __builtin_prefetch(&res.decayed_gs[r], 1);
        __builtin_prefetch(&res.dry[r], 1);
    }

    // Routes list[0..size) in order, prefetching ahead.
    void route_all(const std::vector<std::int32_t>& list, Totals& t, std::vector<ProfilePoint>* profile,
                   const std::function<void(std::size_t)>& tick = {}) {
        constexpr std::size_t kAhead = 12;
        const std::size_t m = list.size();
        std::vector<std::int32_t> down(m);  // independent loads: the processor overlaps their misses
        for (std::size_t i = 0; i < m; ++i) down[i] = net.topo.downstream(list[i]);
        for (std::size_t i = 0; i < std::min(kAhead, m); ++i) prefetch(list[i]);
        for (std::size_t i = 0; i < m; ++i) {
            if (i + kAhead < m) prefetch(list[i + kAhead]);
            if (i + kAhead / 2 < m && down[i + kAhead / 2] != kNone) {
                __builtin_prefetch(&up_q[down[i + kAhead / 2]], 1);
                __builtin_prefetch(&up_l[down[i + kAhead / 2]], 1);
            }
            route(list[i], t, profile);
            if (tick) tick(1);
        }
    }

    // The reach being routed: flow and loads at x, the distributed inflow along the current segment (the reach's
    // lateral inflow plus spread inputs under way) and what has entered and decayed so far.
    struct Walk {
        std::int32_t r;
        double len, q, q_lat0, q_lat;
        double x = 0.0, tt_s = 0.0;
        PerConstituent l, lin;      // load at x; everything that entered (g/s)
        PerConstituent src_lat;     // g/s per m
        PerConstituent decayed{};
        const hydro::Hydraulics* hyd;
        std::vector<std::pair<double, std::int32_t>> active;  // (end_m, input) of spread inputs under way
    };

    void route(const std::int32_t r, Totals& t, std::vector<ProfilePoint>* profile) {
        Walk w = enter(r, t);
        march(w, t, profile);
        record(w, t);
        pass_on(w, t);
    }

    // Mixes the gathered upstream inflow with the headwater.
    Walk enter(const std::int32_t r, Totals& t) {
        Walk w;
        w.r = r;
        w.len = net.length_m[r];
        const double qh = net.headwater_flow_m3s[r];
        w.q = detail::top_of_reach(up_q[r], up_l[r], qh, net.headwater_conc_mgL[r], w.l);
        w.lin = w.l;
        for (int c = 0; c < kNumConstituents; ++c) t.input[c] += qh * net.headwater_conc_mgL[r][c];
        res.flow_in_m3s[r] = w.q;
        w.q_lat0 = w.len > 0.0 ? net.lateral_flow_m3s[r] / w.len : 0.0;  // m3/s per m
        w.q_lat = w.q_lat0;
        w.hyd = &net.hydraulics[r];
        for (int c = 0; c < kNumConstituents; ++c) w.src_lat[c] = w.q_lat0 * net.lateral_conc_mgL[r][c];
        return w;
    }

    PerConstituent conc(const Walk& w, double at_m) const {
        return detail::concentration(w.l, w.q, [](const PerConstituent& l) { return any_positive(l); }, net.topo, w.r,
                                     at_m);
    }

    // Plug flow from w.x to to_m with the segment's mean velocity (see the equations in steady.hpp).
    void advance(Walk& w, double to_m, Totals& t) const {
        const double dx = to_m - w.x;
        if (dx <= 0.0) return;
        const double q_mid = w.q + 0.5 * w.q_lat * dx;
        if (q_mid <= 0.0) {  // dry segment: nothing moves, nothing decays
            if (any_positive(w.l) || any_positive(w.src_lat))
                throw detail::dry_with_load(net.topo, w.r, w.x);
            w.x = to_m;
            return;
        }
        const double u = w.hyd->velocity(q_mid);
        if (!(u > 0.0) || !std::isfinite(u))
            throw ModelError("reach " + net.topo.id(w.r) + ": velocity is " + std::to_string(u) + " m/s at flow " +
                             std::to_string(q_mid) + " m3/s");
        for (int c = 0; c < kNumConstituents; ++c) {
            const double a = k_s[c] / u;  // 1/m
            const double src = w.src_lat[c];
            double l_new, dec;
            if (a > 0.0) {
                const double one_minus_e = -std::expm1(-a * dx);
                l_new = w.l[c] * (1.0 - one_minus_e) + src / a * one_minus_e;
                dec = w.l[c] * one_minus_e + src * (dx - one_minus_e / a);
            } else {
                l_new = w.l[c] + src * dx;
                dec = 0.0;
            }
            w.lin[c] += src * dx;
            t.input[c] += src * dx;
            w.decayed[c] += dec;
            w.l[c] = l_new;
        }
        w.q += w.q_lat * dx;
        w.tt_s += dx / u;
        w.x = to_m;
    }

    // Concentration and flow at `at_m` inside the segment [w.x, seg_end] that advance(seg_end) will integrate, with
    // that segment's velocity: profile points sample the solution without splitting its segments, so the results
    // do not depend on the profile step.
    std::pair<double, PerConstituent> sample(const Walk& w, double at_m, double seg_end) const {
        const double dx = at_m - w.x, q_mid = w.q + 0.5 * w.q_lat * (seg_end - w.x);
        const double u = q_mid > 0.0 ? w.hyd->velocity(q_mid) : 0.0;
        if (dx <= 0.0 || !(u > 0.0) || !std::isfinite(u)) return {w.q, conc(w, at_m)};  // advance() reports a bad segment
        const double qp = w.q + w.q_lat * dx;
        PerConstituent cc{};
        for (int c = 0; c < kNumConstituents; ++c) {
            const double a = k_s[c] / u, one_minus_e = -std::expm1(-a * dx);
            const double lp = a > 0.0 ? w.l[c] * (1.0 - one_minus_e) + w.src_lat[c] / a * one_minus_e : w.l[c] + w.src_lat[c] * dx;
            cc[c] = qp > 0.0 ? lp / qp : 0.0;
        }
        return {qp, cc};
    }

    // A point input mixes at once; a spread input joins the distributed inflow until its end.
    void add_input(Walk& w, std::int32_t pi, double at_m, Totals& t) const {
        if (detail::join_spread(inputs[pi], pi, at_m, w.len, w.q_lat, w.src_lat, w.active)) return;
        const PointInput& p = inputs[pi];
        w.q += p.flow_m3s;
        for (int c = 0; c < kNumConstituents; ++c) {
            w.l[c] += p.load_gs[c];
            w.lin[c] += p.load_gs[c];
            t.input[c] += p.load_gs[c];
        }
    }

    void end_spread(Walk& w) const {
        if (!detail::leave_spread(inputs, w.len, w.q_lat, w.src_lat, w.active)) return;
        w.q_lat = w.q_lat0;  // drop rounding residue
        for (int c = 0; c < kNumConstituents; ++c) w.src_lat[c] = w.q_lat0 * net.lateral_conc_mgL[w.r][c];
    }

    // Down the reach from point to point: ends of spread inputs, inputs, observations, profile points.
    void march(Walk& w, Totals& t, std::vector<ProfilePoint>* profile) {
        const std::int32_t r = w.r;
        const double len = w.len;
        double next_profile = profile && opt.profile_step_m > 0.0 ? 0.0 : len + 1.0;
        detail::march(
            inputs, in_idx.data() + in_start[r], in_idx.data() + in_start[r + 1], observations, ob_idx.data() + ob_start[r],
            ob_idx.data() + ob_start[r + 1], len, w.active,
            [&](double seg_end) {
                for (; next_profile < seg_end; next_profile += opt.profile_step_m) {
                    const auto [qp, cp] = sample(w, next_profile, seg_end);
                    profile->push_back({r, next_profile, qp, cp});
                }
            },
            [&](double x) { advance(w, x, t); }, [&] { end_spread(w); },
            [&](std::int32_t i, double x) { add_input(w, i, x, t); },
            [&](std::int32_t o, double x) {
                res.obs_conc_mgL[o] = conc(w, x);
                res.obs_flow_m3s[o] = w.q;
            });
        if (profile && opt.profile_step_m > 0.0 && (profile->empty() || profile->back().reach != r || profile->back().position_m < len))
            profile->push_back({r, len, w.q, conc(w, len)});
    }

    // Results at the downstream end and the reach's mass balance.
    void record(const Walk& w, Totals& t) {
        const std::int32_t r = w.r;
        res.flow_out_m3s[r] = w.q;
        res.velocity_out_ms[r] = w.q > 0.0 ? w.hyd->velocity(w.q) : 0.0;
        if (!(w.q > 0.0)) res.dry[r] = 1;
        res.travel_time_d[r] = w.tt_s / kSecondsPerDay;
        res.conc_out_mgL[r] = conc(w, w.len);
        res.load_out_gs[r] = w.l;
        res.load_in_gs[r] = w.lin;
        res.decayed_gs[r] = w.decayed;
        for (int c = 0; c < kNumConstituents; ++c) {
            t.decayed[c] += w.decayed[c];
            const double scale = std::max({std::abs(w.lin[c]), std::abs(w.l[c]), 1e-300});
            t.imbalance = std::max(t.imbalance, std::abs(w.lin[c] - w.l[c] - w.decayed[c]) / scale);
        }
    }

    // Passes the outflow on: fixed transfers first, then the split by fraction (pass_on.hpp).
    void pass_on(const Walk& w, Totals& t) {
        detail::pass_on(net.topo, w.r, w.q, w.l, any_transfer,
                        [&](std::int32_t to, double q, const PerConstituent& l, double share) {
                            if (to == kNone) {
                                for (int c = 0; c < kNumConstituents; ++c) t.outlet[c] += l[c] * share;
                                return;
                            }
                            up_q[to] += q;
                            for (int c = 0; c < kNumConstituents; ++c) up_l[to][c] += l[c] * share;
                        });
    }
};

constexpr std::size_t kParallelFrom = 32768;  // reaches; below this one thread is faster than splitting the work

}  // namespace

SteadyResult solve_steady(const Network& net, const std::vector<PointInput>& inputs,
                          const std::vector<Observation>& observations, const SteadyOptions& opt) {
    const std::size_t n = net.size();
    SteadyResult res;
    detail::fill_new(res.flow_in_m3s, n, 0.0);
    detail::fill_new(res.flow_out_m3s, n, 0.0);
    detail::fill_new(res.velocity_out_ms, n, 0.0);
    detail::fill_new(res.travel_time_d, n, 0.0);
    detail::fill_new(res.conc_out_mgL, n, PerConstituent{});
    detail::fill_new(res.load_out_gs, n, PerConstituent{});
    detail::fill_new(res.load_in_gs, n, PerConstituent{});
    detail::fill_new(res.decayed_gs, n, PerConstituent{});
    detail::fill_new(res.dry, n, char(0));
    res.obs_conc_mgL.assign(observations.size(), {});
    res.obs_flow_m3s.assign(observations.size(), 0.0);
    Router router(net, inputs, observations, opt, res);
    Totals total;
    const std::size_t report_every = std::max<std::size_t>(n / 100, 65536);
    std::size_t done = 0;
    auto progress = [&](std::size_t k) {
        const std::size_t before = done;
        done += k;
        if (opt.progress && done / report_every != before / report_every) opt.progress(static_cast<double>(done) / n);
    };

    if (n < kParallelFrom || opt.profile_step_m > 0.0 || tbb::this_task_arena::max_concurrency() < 2) {
        std::vector<ProfilePoint>* profile = opt.profile_step_m > 0.0 ? &res.profile : nullptr;
        router.route_all(net.topo.order(), total, profile, progress);
    } else {
        const std::size_t grain = std::max<std::size_t>(8192, n / 128);  // the parts: made once per network's links
        const auto kept =
            net.topo.derived<detail::Partition>(grain, [&] { return detail::partition(net.topo, grain); });
        const detail::Partition& part = *kept;
        detail::route_tasks(part, total, [&](const auto& task, Totals& t) { router.route_all(task, t, nullptr); });
        progress(n - part.trunk.size());
        router.route_all(part.trunk, total, nullptr, progress);
    }
    res.total_input_gs = total.input;
    res.outlet_load_gs = total.outlet;
    res.total_decayed_gs = total.decayed;
    res.max_reach_imbalance = total.imbalance;
    return res;
}

SteadyFlows steady_flows(const Network& net, const std::vector<PointInput>& inputs) {
    SteadyOptions opt;  // k = 0: loads do not matter, flows are the same
    std::vector<PointInput> flows_only = inputs;
    for (auto& p : flows_only) p.load_gs = {};
    Network dry_conc = net;
    for (auto& c : dry_conc.headwater_conc_mgL) c = {};
    for (auto& c : dry_conc.lateral_conc_mgL) c = {};
    SteadyResult r = solve_steady(dry_conc, flows_only, {}, opt);
    return {std::move(r.flow_in_m3s), std::move(r.flow_out_m3s)};
}

}  // namespace qingliu::reaches
