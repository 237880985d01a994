#include "reaches/steady.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <numeric>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"

namespace qingliu::reaches {
namespace {

// Compressed rows: items of reach r are idx[start[r] .. start[r+1]), sorted by position.
template <class T>
void bucket(std::size_t n, const std::vector<T>& items, std::vector<std::int32_t>& start, std::vector<std::int32_t>& idx) {
    detail::bucket_by_reach(n, items, start, idx);
    // stable sort per reach; most reaches hold zero to a few items, sorted in place without a buffer
    auto before = [&](std::int32_t a, std::int32_t b) { return items[a].position_m < items[b].position_m; };
    for (std::size_t r = 0; r < n; ++r) {
        if (start[r + 1] - start[r] > 16) {
            std::stable_sort(idx.begin() + start[r], idx.begin() + start[r + 1], before);
            continue;
        }
        for (std::int32_t i = start[r] + 1; i < start[r + 1]; ++i) {
            const std::int32_t v = idx[i];
            std::int32_t k = i;
            for (; k > start[r] && before(v, idx[k - 1]); --k) idx[k] = idx[k - 1];
            idx[k] = v;
        }
    }
}

// Fills v with n copies of x. Vectors of more than a few MB are first reserved and, on Linux, marked for transparent
// huge pages: a 10^6-reach result is ~130 MB, and touching it page by page (4 KB) costs more than routing it on
// virtual machines, where each page fault exits to the hypervisor.
template <class T>
void fill_new(std::vector<T>& v, std::size_t n, const T& x) {
    v.clear();
    v.reserve(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::size_t kHuge = std::size_t(2) << 20;
    if (n * sizeof(T) >= 2 * kHuge) {
        const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
        const std::uintptr_t lo = (begin + kHuge - 1) & ~(kHuge - 1), hi = (begin + n * sizeof(T)) & ~(kHuge - 1);
        if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);  // a hint: failure is harmless
    }
#endif
    v.assign(n, x);
}

std::string km(double m) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f km", m / 1000.0);
    return b;
}


// Sums over reaches, kept per task so that parallel runs add them in a fixed order.
struct Totals {
    PerConstituent input{0, 0, 0}, outlet{0, 0, 0}, decayed{0, 0, 0};
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
        bucket(n.size(), inputs, in_start, in_idx);
        bucket(n.size(), observations, ob_start, ob_idx);
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

    void route(const std::int32_t r, Totals& t, std::vector<ProfilePoint>* profile) {
        const Topology& topo = net.topo;
        const double len = net.length_m[r];
        const double qh = net.headwater_flow_m3s[r];
        double q = up_q[r] + qh;
        PerConstituent l = up_l[r];
        PerConstituent lin = up_l[r];
        for (int c = 0; c < kNumConstituents; ++c) {
            l[c] += qh * net.headwater_conc_mgL[r][c];
            lin[c] += qh * net.headwater_conc_mgL[r][c];
            t.input[c] += qh * net.headwater_conc_mgL[r][c];
        }
        res.flow_in_m3s[r] = q;
        const double q_lat0 = len > 0.0 ? net.lateral_flow_m3s[r] / len : 0.0;  // m3/s per m
        const hydro::Hydraulics& hyd = net.hydraulics[r];
        // Distributed inflow along the current segment: the reach's lateral inflow plus active spread inputs.
        double q_lat = q_lat0;
        PerConstituent src_lat{0, 0, 0};  // g/s per m
        for (int c = 0; c < kNumConstituents; ++c) src_lat[c] = q_lat0 * net.lateral_conc_mgL[r][c];
        std::vector<std::pair<double, std::int32_t>> active;  // (end_m, input) of spread inputs under way
        PerConstituent decayed{0, 0, 0};
        double x = 0.0, tt_s = 0.0;

        auto conc = [&](double at_m) {
            PerConstituent cc{0, 0, 0};
            if (q > 0.0) {
                for (int c = 0; c < kNumConstituents; ++c) cc[c] = l[c] / q;
            } else if (l[0] > 0.0 || l[1] > 0.0 || l[2] > 0.0) {
                throw ModelError("reach " + topo.id(r) + " carries no water at " + km(at_m) + " but receives load");
            }
            return cc;
        };
        auto advance = [&](double to_m) {
            const double dx = to_m - x;
            if (dx <= 0.0) return;
            const double q_mid = q + 0.5 * q_lat * dx;
            if (q_mid <= 0.0) {  // dry segment: nothing moves, nothing decays
                if (l[0] > 0.0 || l[1] > 0.0 || l[2] > 0.0 || src_lat[0] > 0.0 || src_lat[1] > 0.0 || src_lat[2] > 0.0)
                    throw ModelError("reach " + topo.id(r) + " carries no water at " + km(x) + " but receives load");
                x = to_m;
                return;
            }
            const double u = hyd.velocity(q_mid);
            if (!(u > 0.0) || !std::isfinite(u))
                throw ModelError("reach " + topo.id(r) + ": velocity is " + std::to_string(u) + " m/s at flow " +
                                 std::to_string(q_mid) + " m3/s");
            for (int c = 0; c < kNumConstituents; ++c) {
                const double a = k_s[c] / u;  // 1/m
                const double src = src_lat[c];
                double l_new, dec;
                if (a > 0.0) {
                    const double one_minus_e = -std::expm1(-a * dx);
                    l_new = l[c] * (1.0 - one_minus_e) + src / a * one_minus_e;
                    dec = l[c] * one_minus_e + src * (dx - one_minus_e / a);
                } else {
                    l_new = l[c] + src * dx;
                    dec = 0.0;
                }
                lin[c] += src * dx;
                t.input[c] += src * dx;
                decayed[c] += dec;
                l[c] = l_new;
            }
            q += q_lat * dx;
            tt_s += dx / u;
            x = to_m;
        };

        // Concentration and flow at `at_m` inside the segment [x, seg_end] that advance(seg_end) will integrate, with
        // that segment's velocity: profile points sample the solution without splitting its segments, so the results
        // do not depend on the profile step.
        auto sample = [&](double at_m, double seg_end) -> std::pair<double, PerConstituent> {
            const double dx = at_m - x, q_mid = q + 0.5 * q_lat * (seg_end - x);
            const double u = q_mid > 0.0 ? hyd.velocity(q_mid) : 0.0;
            if (dx <= 0.0 || !(u > 0.0) || !std::isfinite(u)) return {q, conc(at_m)};  // advance() reports a bad segment
            const double qp = q + q_lat * dx;
            PerConstituent cc{0, 0, 0};
            for (int c = 0; c < kNumConstituents; ++c) {
                const double a = k_s[c] / u, one_minus_e = -std::expm1(-a * dx);
                const double lp = a > 0.0 ? l[c] * (1.0 - one_minus_e) + src_lat[c] / a * one_minus_e : l[c] + src_lat[c] * dx;
                cc[c] = qp > 0.0 ? lp / qp : 0.0;
            }
            return {qp, cc};
        };

        std::int32_t ii = in_start[r], oi = ob_start[r];
        const std::int32_t ie = in_start[r + 1], oe = ob_start[r + 1];
        double next_profile = profile && opt.profile_step_m > 0.0 ? 0.0 : len + 1.0;
        constexpr double kBeyond = 1e300;
        while (true) {
            const double xa = active.empty() ? kBeyond : active.front().first;
            const double xi = ii < ie ? std::clamp(inputs[in_idx[ii]].position_m, 0.0, len) : kBeyond;
            const double xo = oi < oe ? std::clamp(observations[ob_idx[oi]].position_m, 0.0, len) : kBeyond;
            const double xn = std::min({xa, xi, xo});
            const double seg_end = std::min(xn, len);
            for (; next_profile < seg_end; next_profile += opt.profile_step_m) {
                const auto [qp, cp] = sample(next_profile, seg_end);
                profile->push_back({r, next_profile, qp, cp});
            }
            if (xn > len) break;
            advance(xn);
            if (xa == xn) {  // a spread input ends
                const PointInput& p = inputs[active.front().second];
                const double span = std::min(p.end_m, len) - std::clamp(p.position_m, 0.0, len);
                q_lat -= p.flow_m3s / span;
                for (int c = 0; c < kNumConstituents; ++c) src_lat[c] -= p.load_gs[c] / span;
                active.erase(active.begin());
                if (active.empty()) {  // drop rounding residue
                    q_lat = q_lat0;
                    for (int c = 0; c < kNumConstituents; ++c) src_lat[c] = q_lat0 * net.lateral_conc_mgL[r][c];
                }
            } else if (xi == xn) {  // inputs before observations at the same point: a section there sees them mixed
                const std::int32_t pi = in_idx[ii++];
                const PointInput& p = inputs[pi];
                const double end = std::min(p.end_m, len);
                if (end > xn) {
                    const double span = end - xn;
                    q_lat += p.flow_m3s / span;
                    for (int c = 0; c < kNumConstituents; ++c) src_lat[c] += p.load_gs[c] / span;
                    active.insert(std::upper_bound(active.begin(), active.end(), std::make_pair(end, pi)), {end, pi});
                } else {
                    q += p.flow_m3s;
                    for (int c = 0; c < kNumConstituents; ++c) {
                        l[c] += p.load_gs[c];
                        lin[c] += p.load_gs[c];
                        t.input[c] += p.load_gs[c];
                    }
                }
            } else {
                const std::int32_t o = ob_idx[oi++];
                res.obs_conc_mgL[o] = conc(xn);
                res.obs_flow_m3s[o] = q;
            }
        }
        advance(len);
        if (profile && opt.profile_step_m > 0.0 && (profile->empty() || profile->back().reach != r || profile->back().position_m < len))
            profile->push_back({r, len, q, conc(len)});

        res.flow_out_m3s[r] = q;
        res.velocity_out_ms[r] = q > 0.0 ? hyd.velocity(q) : 0.0;
        if (!(q > 0.0)) res.dry[r] = 1;
        res.travel_time_d[r] = tt_s / kSecondsPerDay;
        res.conc_out_mgL[r] = conc(len);
        res.load_out_gs[r] = l;
        res.load_in_gs[r] = lin;
        res.decayed_gs[r] = decayed;
        for (int c = 0; c < kNumConstituents; ++c) {
            t.decayed[c] += decayed[c];
            const double scale = std::max({std::abs(lin[c]), std::abs(l[c]), 1e-300});
            t.imbalance = std::max(t.imbalance, std::abs(lin[c] - l[c] - decayed[c]) / scale);
        }

        // Pass the outflow on: fixed transfers first, then the split by fraction.
        double q_rem = q;
        PerConstituent l_rem = l;
        static const std::vector<std::int32_t> kNoTransfers;
        for (const std::int32_t t : any_transfer ? topo.transfers_from(r) : kNoTransfers) {
            const Transfer& tr = topo.transfers()[t];
            if (tr.flow_m3s > q_rem * (1.0 + 1e-12))
                throw ModelError("reach " + topo.id(r) + " cannot supply a transfer of " + std::to_string(tr.flow_m3s) +
                                 " m3/s to reach " + topo.id(tr.to) + ": its outflow is " + std::to_string(q_rem) + " m3/s");
            const double share = q_rem > 0.0 ? std::min(tr.flow_m3s / q_rem, 1.0) : 0.0;
            up_q[tr.to] += tr.flow_m3s;
            for (int c = 0; c < kNumConstituents; ++c) {
                up_l[tr.to][c] += l_rem[c] * share;
                l_rem[c] -= l_rem[c] * share;
            }
            q_rem = std::max(q_rem - tr.flow_m3s, 0.0);
        }
        const std::int32_t d = topo.downstream(r), s = topo.split_to(r);
        const double f = s != kNone ? topo.split_fraction(r) : 0.0;
        auto send = [&](std::int32_t to, double share) {
            if (to == kNone) {
                for (int c = 0; c < kNumConstituents; ++c) t.outlet[c] += l_rem[c] * share;
                return;
            }
            up_q[to] += q_rem * share;
            for (int c = 0; c < kNumConstituents; ++c) up_l[to][c] += l_rem[c] * share;
        };
        if (s != kNone) send(s, f);
        send(d, 1.0 - f);

    }
};

// Independent pieces of the network for two or more threads. Reaches with more than `grain` reaches upstream (counted
// along every path) form the trunk, routed last in topological order; the rest split into tasks: sets closed under
// their links except into trunk reaches, two tasks never feeding the same reach (union-find over links). The split
// depends on the network only, so results do not depend on the number of threads.
struct Partition {
    std::vector<std::vector<std::int32_t>> tasks;  ///< each in topological order, largest first
    std::vector<std::int32_t> trunk;               ///< topological order
};

Partition partition(const Topology& topo, std::size_t grain) {
    const std::size_t n = topo.size();
    std::vector<double> up(n, 0.0);
    auto receivers = [&](std::int32_t r, auto&& f) {
        if (topo.downstream(r) != kNone) f(topo.downstream(r));
        if (topo.split_to(r) != kNone) f(topo.split_to(r));
        for (const std::int32_t k : topo.transfers_from(r)) f(topo.transfers()[k].to);
    };
    for (const std::int32_t r : topo.order()) {
        up[r] += 1.0;
        receivers(r, [&](std::int32_t v) { up[v] += up[r]; });
    }
    std::vector<std::int32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::int32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    for (const std::int32_t r : topo.order())
        if (up[r] <= static_cast<double>(grain)) receivers(r, [&](std::int32_t v) { parent[find(r)] = find(v); });
    Partition p;
    std::vector<std::int32_t> task_of(n, kNone);
    for (const std::int32_t r : topo.order()) {
        if (up[r] > static_cast<double>(grain)) {
            p.trunk.push_back(r);
            continue;
        }
        std::int32_t& t = task_of[find(r)];
        if (t == kNone) {
            t = static_cast<std::int32_t>(p.tasks.size());
            p.tasks.emplace_back();
        }
        p.tasks[t].push_back(r);
    }
    std::stable_sort(p.tasks.begin(), p.tasks.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return p;
}

constexpr std::size_t kParallelFrom = 32768;  // reaches; below this one thread is faster than splitting the work

}  // namespace

SteadyResult solve_steady(const Network& net, const std::vector<PointInput>& inputs,
                          const std::vector<Observation>& observations, const SteadyOptions& opt) {
    const std::size_t n = net.size();
    SteadyResult res;
    fill_new(res.flow_in_m3s, n, 0.0);
    fill_new(res.flow_out_m3s, n, 0.0);
    fill_new(res.velocity_out_ms, n, 0.0);
    fill_new(res.travel_time_d, n, 0.0);
    fill_new(res.conc_out_mgL, n, PerConstituent{0, 0, 0});
    fill_new(res.load_out_gs, n, PerConstituent{0, 0, 0});
    fill_new(res.load_in_gs, n, PerConstituent{0, 0, 0});
    fill_new(res.decayed_gs, n, PerConstituent{0, 0, 0});
    fill_new(res.dry, n, char(0));
    res.obs_conc_mgL.assign(observations.size(), {0, 0, 0});
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
        const Partition part = partition(net.topo, std::max<std::size_t>(8192, n / 128));
        std::vector<Totals> task_totals(part.tasks.size());
        std::vector<std::exception_ptr> errors(part.tasks.size());
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, part.tasks.size(), 1), [&](const auto& range) {
            for (std::size_t k = range.begin(); k != range.end(); ++k) try {
                    router.route_all(part.tasks[k], task_totals[k], nullptr);
                } catch (...) {
                    errors[k] = std::current_exception();
                }
        });
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
        for (const auto& t : task_totals) total.add(t);
        progress(n - part.trunk.size());
        router.route_all(part.trunk, total, nullptr, progress);
    }
    res.total_input_gs = total.input;
    res.outlet_load_gs = total.outlet;
    res.total_decayed_gs = total.decayed;
    res.max_reach_imbalance = total.imbalance;
    return res;
}

// ----------------------------------------------------------------------------------------------- linear response
namespace {

// What happens to a load along a reach, recorded from a flows-only pass that segments the reach exactly as
// solve_steady does (same breakpoints, same velocities), so that L -> L e + src g over each segment.
struct Event {
    enum Kind : std::int32_t { Segment, Point, SpreadOn, SpreadOff, Obs } kind;
    std::int32_t item = kNone;  ///< input (Point, SpreadOn, SpreadOff) or observation (Obs)
    double q = 0.0;             ///< Segment: mean flow (<= 0: dry); SpreadOn: 1/span (1/m); Obs: flow there
    PerConstituent e{1, 1, 1};  ///< Segment: share of the load entering it that leaves it
    PerConstituent g{0, 0, 0};  ///< Segment: load leaving per unit of distributed input (g/s per g/s/m)
};

struct Tape {
    std::vector<std::int64_t> start;     ///< events of reach r: [start[r], start[r+1])
    std::vector<Event> ev;
    std::vector<std::int64_t> input_ev;  ///< event where input j enters (Point or SpreadOn)
    std::vector<double> q_end;           ///< flow at the downstream end
    std::vector<std::int64_t> out_start; ///< shares of reach r's outflow: out[out_start[r] .. out_start[r+1])
    std::vector<std::pair<std::int32_t, double>> out;  ///< (receiving reach, share of the load); kNone = outlet
    std::vector<std::int32_t> pos;       ///< position in the topological order
};

Tape record_tape(const Network& net, const std::vector<PointInput>& inputs, const std::vector<Observation>& observations,
                 const SteadyOptions& opt) {
    const std::size_t n = net.size();
    const Topology& topo = net.topo;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    bucket(n, inputs, in_start, in_idx);
    bucket(n, observations, ob_start, ob_idx);
    PerConstituent k_s{};
    for (int c = 0; c < kNumConstituents; ++c) k_s[c] = opt.k_per_d[c] / kSecondsPerDay;
    Tape t;
    t.start.assign(n + 1, 0);
    t.input_ev.assign(inputs.size(), -1);
    t.q_end.assign(n, 0.0);
    t.out_start.assign(n + 1, 0);
    t.pos.assign(n, 0);
    t.ev.reserve(2 * n + 2 * inputs.size() + observations.size());
    std::vector<std::vector<Event>> per_reach(n);
    std::vector<std::vector<std::pair<std::int32_t, double>>> out_of(n);
    std::vector<double> up_q(n, 0.0);
    std::int32_t k = 0;
    for (const std::int32_t r : topo.order()) {
        t.pos[r] = k++;
        std::vector<Event>& ev = per_reach[r];
        const double len = net.length_m[r];
        double q = up_q[r] + net.headwater_flow_m3s[r];
        const double q_lat0 = len > 0.0 ? net.lateral_flow_m3s[r] / len : 0.0;
        const hydro::Hydraulics& hyd = net.hydraulics[r];
        double q_lat = q_lat0;
        std::vector<std::pair<double, std::int32_t>> active;
        double x = 0.0;
        auto advance = [&](double to_m) {
            const double dx = to_m - x;
            if (dx <= 0.0) return;
            const double q_mid = q + 0.5 * q_lat * dx;
            Event s{Event::Segment, kNone, q_mid, {1, 1, 1}, {0, 0, 0}};
            if (q_mid > 0.0) {
                const double u = hyd.velocity(q_mid);
                if (!(u > 0.0) || !std::isfinite(u))
                    throw ModelError("reach " + topo.id(r) + ": velocity is " + std::to_string(u) + " m/s at flow " +
                                     std::to_string(q_mid) + " m3/s");
                for (int c = 0; c < kNumConstituents; ++c) {
                    const double a = k_s[c] / u;
                    if (a > 0.0) {
                        const double one_minus_e = -std::expm1(-a * dx);
                        s.e[c] = 1.0 - one_minus_e;
                        s.g[c] = one_minus_e / a;
                    } else {
                        s.g[c] = dx;
                    }
                }
                q += q_lat * dx;
            }
            ev.push_back(s);
            x = to_m;
        };
        std::int32_t ii = in_start[r], oi = ob_start[r];
        const std::int32_t ie = in_start[r + 1], oe = ob_start[r + 1];
        constexpr double kBeyond = 1e300;
        while (true) {
            const double xa = active.empty() ? kBeyond : active.front().first;
            const double xi = ii < ie ? std::clamp(inputs[in_idx[ii]].position_m, 0.0, len) : kBeyond;
            const double xo = oi < oe ? std::clamp(observations[ob_idx[oi]].position_m, 0.0, len) : kBeyond;
            const double xn = std::min({xa, xi, xo});
            if (xn > len) break;
            advance(xn);
            if (xa == xn) {
                const PointInput& p = inputs[active.front().second];
                const double span = std::min(p.end_m, len) - std::clamp(p.position_m, 0.0, len);
                q_lat -= p.flow_m3s / span;
                ev.push_back({Event::SpreadOff, active.front().second, 0.0, {1, 1, 1}, {0, 0, 0}});
                active.erase(active.begin());
                if (active.empty()) q_lat = q_lat0;
            } else if (xi == xn) {
                const std::int32_t pi = in_idx[ii++];
                const PointInput& p = inputs[pi];
                const double end = std::min(p.end_m, len);
                t.input_ev[pi] = static_cast<std::int64_t>(ev.size());  // local index for now
                if (end > xn) {
                    const double span = end - xn;
                    q_lat += p.flow_m3s / span;
                    ev.push_back({Event::SpreadOn, pi, 1.0 / span, {1, 1, 1}, {0, 0, 0}});
                    active.insert(std::upper_bound(active.begin(), active.end(), std::make_pair(end, pi)), {end, pi});
                } else {
                    q += p.flow_m3s;
                    ev.push_back({Event::Point, pi, 0.0, {1, 1, 1}, {0, 0, 0}});
                }
            } else {
                const std::int32_t o = ob_idx[oi++];
                ev.push_back({Event::Obs, o, q, {1, 1, 1}, {0, 0, 0}});
            }
        }
        advance(len);
        t.q_end[r] = q;
        // outflow: fixed transfers first, then the split by fraction (as solve_steady)
        auto& out = out_of[r];
        double q_rem = q, rem = 1.0;
        for (const std::int32_t tr_i : topo.transfers_from(r)) {
            const Transfer& tr = topo.transfers()[tr_i];
            if (tr.flow_m3s > q_rem * (1.0 + 1e-12))
                throw ModelError("reach " + topo.id(r) + " cannot supply a transfer of " + std::to_string(tr.flow_m3s) +
                                 " m3/s to reach " + topo.id(tr.to) + ": its outflow is " + std::to_string(q_rem) + " m3/s");
            const double share = q_rem > 0.0 ? std::min(tr.flow_m3s / q_rem, 1.0) : 0.0;
            up_q[tr.to] += tr.flow_m3s;
            out.push_back({tr.to, rem * share});
            rem -= rem * share;
            q_rem = std::max(q_rem - tr.flow_m3s, 0.0);
        }
        const std::int32_t d = topo.downstream(r), s = topo.split_to(r);
        const double f = s != kNone ? topo.split_fraction(r) : 0.0;
        if (s != kNone) {
            up_q[s] += q_rem * f;
            out.push_back({s, rem * f});
        }
        if (d != kNone) up_q[d] += q_rem * (1.0 - f);
        out.push_back({d, rem * (1.0 - f)});
    }
    for (std::size_t r = 0; r < n; ++r) {
        t.start[r] = static_cast<std::int64_t>(t.ev.size());
        t.ev.insert(t.ev.end(), per_reach[r].begin(), per_reach[r].end());
        t.out_start[r] = static_cast<std::int64_t>(t.out.size());
        t.out.insert(t.out.end(), out_of[r].begin(), out_of[r].end());
    }
    t.start[n] = static_cast<std::int64_t>(t.ev.size());
    t.out_start[n] = static_cast<std::int64_t>(t.out.size());
    for (std::size_t j = 0; j < inputs.size(); ++j) t.input_ev[j] += t.start[inputs[j].reach];
    return t;
}

// Carries a unit load of input j downstream; appends (observation, mg/L per g/s) and reports whether the load meets
// water-less places. Scratch vectors are indexed by reach and left zeroed.
struct Carrier {
    const Tape& t;
    std::vector<PerConstituent> w_in;
    std::vector<char> queued;
    std::vector<std::pair<std::int32_t, std::int32_t>> heap;  // (topological position, reach), smallest first

    explicit Carrier(const Tape& tape) : t(tape), w_in(tape.q_end.size(), PerConstituent{0, 0, 0}), queued(tape.q_end.size(), 0) {}

    bool carry(std::int32_t reach, std::int64_t first, std::int32_t j, std::vector<std::pair<std::int32_t, PerConstituent>>& col) {
        bool dry = false;
        auto nonzero = [](const PerConstituent& w) { return w[0] != 0.0 || w[1] != 0.0 || w[2] != 0.0; };
        auto walk = [&](std::int32_t r, std::int64_t from, PerConstituent w, bool spreading) {
            double rate = 0.0;  // 1/span while input j is spread along the current segment
            if (spreading) rate = t.ev[from].q, ++from;
            for (std::int64_t e = from; e < t.start[r + 1]; ++e) {
                const Event& ev = t.ev[e];
                switch (ev.kind) {
                    case Event::Segment:
                        if (ev.q <= 0.0 && (rate > 0.0 || nonzero(w))) dry = true;
                        for (int c = 0; c < kNumConstituents; ++c) w[c] = w[c] * ev.e[c] + rate * ev.g[c];
                        break;
                    case Event::SpreadOff:
                        if (ev.item == j) rate = 0.0;
                        break;
                    case Event::Obs:
                        if (nonzero(w)) {
                            if (ev.q > 0.0) col.push_back({ev.item, {w[0] / ev.q, w[1] / ev.q, w[2] / ev.q}});
                            else dry = true;
                        }
                        break;
                    default: break;
                }
            }
            if (!nonzero(w)) return;
            if (!(t.q_end[r] > 0.0)) dry = true;
            for (std::int64_t o = t.out_start[r]; o < t.out_start[r + 1]; ++o) {
                const auto [to, share] = t.out[o];
                if (to == kNone || share == 0.0) continue;
                for (int c = 0; c < kNumConstituents; ++c) w_in[to][c] += w[c] * share;
                if (!queued[to]) {
                    queued[to] = 1;
                    heap.push_back({t.pos[to], to});
                    std::push_heap(heap.begin(), heap.end(), std::greater<>());
                }
            }
        };
        const bool spread = t.ev[first].kind == Event::SpreadOn;
        walk(reach, first, spread ? PerConstituent{0, 0, 0} : PerConstituent{1, 1, 1}, spread);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), std::greater<>());
            const std::int32_t r = heap.back().second;
            heap.pop_back();
            queued[r] = 0;
            const PerConstituent w = w_in[r];
            w_in[r] = {0, 0, 0};
            walk(r, t.start[r], w, false);
        }
        return dry;
    }
};

}  // namespace

SteadyResponse steady_response(const Network& net, const std::vector<PointInput>& inputs,
                               const std::vector<Observation>& observations, const SteadyOptions& options) {
    SteadyOptions opt = options;
    opt.profile_step_m = 0.0;
    opt.progress = {};
    SteadyResponse resp;
    {
        std::vector<PointInput> water = inputs;
        for (auto& p : water) p.load_gs = {0, 0, 0};
        SteadyResult bg = solve_steady(net, water, observations, opt);
        resp.background_mgL = std::move(bg.obs_conc_mgL);
        resp.obs_flow_m3s = std::move(bg.obs_flow_m3s);
    }
    const Tape tape = record_tape(net, inputs, observations, opt);
    std::vector<std::vector<std::pair<std::int32_t, PerConstituent>>> cols(inputs.size());
    resp.dry_input.assign(inputs.size(), 0);
    tbb::enumerable_thread_specific<Carrier> carriers([&] { return Carrier(tape); });
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, inputs.size(), 64), [&](const auto& range) {
        Carrier& carrier = carriers.local();
        for (std::size_t j = range.begin(); j != range.end(); ++j)
            resp.dry_input[j] = carrier.carry(inputs[j].reach, tape.input_ev[j], static_cast<std::int32_t>(j), cols[j]) ? 1 : 0;
    });
    resp.col_start.assign(inputs.size() + 1, 0);
    for (std::size_t j = 0; j < inputs.size(); ++j) resp.col_start[j + 1] = resp.col_start[j] + static_cast<std::int64_t>(cols[j].size());
    resp.obs.reserve(resp.col_start.back());
    resp.coef.reserve(resp.col_start.back());
    for (auto& col : cols) {
        for (const auto& [o, c] : col) {
            resp.obs.push_back(o);
            resp.coef.push_back(c);
        }
        std::vector<std::pair<std::int32_t, PerConstituent>>().swap(col);
    }
    return resp;
}

std::vector<PerConstituent> SteadyResponse::concentrations(const std::vector<PerConstituent>& loads_gs) const {
    std::vector<PerConstituent> c = background_mgL;
    const std::size_t m = std::min(loads_gs.size(), col_start.size() - 1);
    for (std::size_t j = 0; j < m; ++j) {
        const PerConstituent& l = loads_gs[j];
        if (l[0] == 0.0 && l[1] == 0.0 && l[2] == 0.0) continue;
        for (std::int64_t e = col_start[j]; e < col_start[j + 1]; ++e)
            for (int k = 0; k < kNumConstituents; ++k) c[obs[e]][k] += coef[e][k] * l[k];
    }
    return c;
}

SteadyFlows steady_flows(const Network& net, const std::vector<PointInput>& inputs) {
    SteadyOptions opt;  // k = 0: loads do not matter, flows are the same
    std::vector<PointInput> flows_only = inputs;
    for (auto& p : flows_only) p.load_gs = {0, 0, 0};
    Network dry_conc = net;
    for (auto& c : dry_conc.headwater_conc_mgL) c = {0, 0, 0};
    for (auto& c : dry_conc.lateral_conc_mgL) c = {0, 0, 0};
    SteadyResult r = solve_steady(dry_conc, flows_only, {}, opt);
    return {std::move(r.flow_in_m3s), std::move(r.flow_out_m3s)};
}

}  // namespace qingliu::reaches
