// The steady model's linear source-section response (see SteadyResponse in steady.hpp): a flows-only pass records
// what happens to a load along every reach (the same segments solve_steady uses), then a unit load of each input is
// carried down that record.
#include <algorithm>
#include <cmath>
#include <functional>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"
#include "reaches/transfer_share.hpp"
#include "reaches/steady.hpp"

namespace qingliu::reaches {

namespace {

// What happens to a load along a reach, recorded from a flows-only pass that segments the reach exactly as
// solve_steady does (same breakpoints, same velocities), so that L -> L e + src g over each segment.
struct Event {
    enum Kind : std::int32_t { Segment, Point, SpreadOn, SpreadOff, Obs } kind;
    std::int32_t item = kNone;  ///< input (Point, SpreadOn, SpreadOff) or observation (Obs)
    double q = 0.0;             ///< Segment: mean flow (<= 0: dry); SpreadOn: 1/span (1/m); Obs: flow there
    PerConstituent e = uniform(1.0);  ///< Segment: share of the load entering it that leaves it
    PerConstituent g{};  ///< Segment: load leaving per unit of distributed input (g/s per g/s/m)
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

// Records the tape reach by reach in topological order.
struct TapeRecorder {
    const Network& net;
    const std::vector<PointInput>& inputs;
    const std::vector<Observation>& observations;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    PerConstituent k_s{};
    std::vector<double> up_q;  // inflow gathered from feeders
    Tape t;

    TapeRecorder(const Network& n, const std::vector<PointInput>& in, const std::vector<Observation>& ob, const SteadyOptions& opt)
        : net(n), inputs(in), observations(ob), up_q(n.size(), 0.0) {
        detail::bucket_by_position(n.size(), inputs, in_start, in_idx);
        detail::bucket_by_position(n.size(), observations, ob_start, ob_idx);
        for (int c = 0; c < kNumConstituents; ++c) k_s[c] = opt.k_per_d[c] / kSecondsPerDay;
        t.input_ev.assign(inputs.size(), -1);
    }

    // Events along reach r (segments, inputs, observations); returns the flow at its downstream end.
    double segments(const std::int32_t r, std::vector<Event>& ev) {
        const double len = net.length_m[r];
        double q = up_q[r] + net.headwater_flow_m3s[r];
        const Topology& topo = net.topo;
        const double q_lat0 = len > 0.0 ? net.lateral_flow_m3s[r] / len : 0.0;
        const hydro::Hydraulics& hyd = net.hydraulics[r];
        double q_lat = q_lat0;
        std::vector<std::pair<double, std::int32_t>> active;
        double x = 0.0;
        auto advance = [&](double to_m) {
            const double dx = to_m - x;
            if (dx <= 0.0) return;
            const double q_mid = q + 0.5 * q_lat * dx;
            Event s{Event::Segment, kNone, q_mid, uniform(1.0), {}};
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
                ev.push_back({Event::SpreadOff, active.front().second, 0.0, uniform(1.0), {}});
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
                    ev.push_back({Event::SpreadOn, pi, 1.0 / span, uniform(1.0), {}});
                    active.insert(std::upper_bound(active.begin(), active.end(), std::make_pair(end, pi)), {end, pi});
                } else {
                    q += p.flow_m3s;
                    ev.push_back({Event::Point, pi, 0.0, uniform(1.0), {}});
                }
            } else {
                const std::int32_t o = ob_idx[oi++];
                ev.push_back({Event::Obs, o, q, uniform(1.0), {}});
            }
        }
        advance(len);
        return q;
    }

    // Shares of reach r's outflow: fixed transfers first, then the split by fraction (as solve_steady).
    void outflow(const std::int32_t r, const double q, std::vector<std::pair<std::int32_t, double>>& out) {
        const Topology& topo = net.topo;
        double q_rem = q, rem = 1.0;
        for (const std::int32_t tr_i : topo.transfers_from(r)) {
            const Transfer& tr = topo.transfers()[tr_i];
            const double share = detail::transfer_share(topo, r, tr, q_rem);
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
};

Tape record_tape(const Network& net, const std::vector<PointInput>& inputs, const std::vector<Observation>& observations,
                 const SteadyOptions& opt) {
    const std::size_t n = net.size();
    TapeRecorder rec(net, inputs, observations, opt);
    Tape& t = rec.t;
    t.start.assign(n + 1, 0);
    t.q_end.assign(n, 0.0);
    t.out_start.assign(n + 1, 0);
    t.pos.assign(n, 0);
    t.ev.reserve(2 * n + 2 * inputs.size() + observations.size());
    std::vector<std::vector<Event>> per_reach(n);
    std::vector<std::vector<std::pair<std::int32_t, double>>> out_of(n);
    std::int32_t k = 0;
    for (const std::int32_t r : net.topo.order()) {
        t.pos[r] = k++;
        t.q_end[r] = rec.segments(r, per_reach[r]);
        rec.outflow(r, t.q_end[r], out_of[r]);
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

    explicit Carrier(const Tape& tape) : t(tape), w_in(tape.q_end.size(), PerConstituent{}), queued(tape.q_end.size(), 0) {}

    bool carry(std::int32_t reach, std::int64_t first, std::int32_t j, std::vector<std::pair<std::int32_t, PerConstituent>>& col) {
        bool dry = false;
        auto walk = [&](std::int32_t r, std::int64_t from, PerConstituent w, bool spreading) {
            double rate = 0.0;  // 1/span while input j is spread along the current segment
            if (spreading) rate = t.ev[from].q, ++from;
            for (std::int64_t e = from; e < t.start[r + 1]; ++e) {
                const Event& ev = t.ev[e];
                switch (ev.kind) {
                    case Event::Segment:
                        if (ev.q <= 0.0 && (rate > 0.0 || any_nonzero(w))) dry = true;
                        for (int c = 0; c < kNumConstituents; ++c) w[c] = w[c] * ev.e[c] + rate * ev.g[c];
                        break;
                    case Event::SpreadOff:
                        if (ev.item == j) rate = 0.0;
                        break;
                    case Event::Obs:
                        if (any_nonzero(w)) {
                            if (ev.q > 0.0) {
                                PerConstituent per_flow{};
                                for (int c = 0; c < kNumConstituents; ++c) per_flow[c] = w[c] / ev.q;
                                col.push_back({ev.item, per_flow});
                            } else {
                                dry = true;
                            }
                        }
                        break;
                    default: break;
                }
            }
            if (!any_nonzero(w)) return;
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
        walk(reach, first, spread ? PerConstituent{} : uniform(1.0), spread);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), std::greater<>());
            const std::int32_t r = heap.back().second;
            heap.pop_back();
            queued[r] = 0;
            const PerConstituent w = w_in[r];
            w_in[r] = {};
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
        for (auto& p : water) p.load_gs = {};
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
        if (!any_nonzero(l)) continue;
        for (std::int64_t e = col_start[j]; e < col_start[j + 1]; ++e)
            for (int k = 0; k < kNumConstituents; ++k) c[obs[e]][k] += coef[e][k] * l[k];
    }
    return c;
}

}  // namespace qingliu::reaches
