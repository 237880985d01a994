#include "reaches/steady.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.hpp"

namespace qingliu::reaches {
namespace {

// Compressed rows: items of reach r are idx[start[r] .. start[r+1]), sorted by position.
template <class T>
void bucket(std::size_t n, const std::vector<T>& items, std::vector<std::int32_t>& start, std::vector<std::int32_t>& idx) {
    start.assign(n + 1, 0);
    for (const auto& it : items) {
        if (it.reach < 0 || static_cast<std::size_t>(it.reach) >= n) throw ModelError("input or section on an unknown reach index");
        ++start[it.reach + 1];
    }
    for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    idx.resize(items.size());
    std::vector<std::int32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < items.size(); ++i) idx[fill[items[i].reach]++] = static_cast<std::int32_t>(i);
    for (std::size_t r = 0; r < n; ++r)
        std::stable_sort(idx.begin() + start[r], idx.begin() + start[r + 1],
                         [&](std::int32_t a, std::int32_t b) { return items[a].position_m < items[b].position_m; });
}

std::string km(double m) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f km", m / 1000.0);
    return b;
}

}  // namespace

SteadyResult solve_steady(const Network& net, const std::vector<PointInput>& inputs,
                          const std::vector<Observation>& observations, const SteadyOptions& opt) {
    const std::size_t n = net.size();
    const Topology& topo = net.topo;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    bucket(n, inputs, in_start, in_idx);
    bucket(n, observations, ob_start, ob_idx);

    SteadyResult res;
    res.flow_in_m3s.assign(n, 0.0);
    res.flow_out_m3s.assign(n, 0.0);
    res.velocity_out_ms.assign(n, 0.0);
    res.travel_time_d.assign(n, 0.0);
    res.conc_out_mgL.assign(n, {0, 0, 0});
    res.load_out_gs.assign(n, {0, 0, 0});
    res.load_in_gs.assign(n, {0, 0, 0});
    res.decayed_gs.assign(n, {0, 0, 0});
    res.dry.assign(n, 0);
    res.obs_conc_mgL.assign(observations.size(), {0, 0, 0});
    res.obs_flow_m3s.assign(observations.size(), 0.0);

    // Upstream contributions accumulated into each reach before it is processed.
    std::vector<double> up_q(n, 0.0);
    std::vector<PerConstituent> up_l(n, PerConstituent{0, 0, 0});
    PerConstituent k_s{};
    for (int c = 0; c < kNumConstituents; ++c) k_s[c] = opt.k_per_d[c] / kSecondsPerDay;

    const std::size_t report_every = std::max<std::size_t>(n / 100, 65536);
    std::size_t done = 0;
    for (const std::int32_t r : topo.order()) {
        const double len = net.length_m[r];
        const double qh = net.headwater_flow_m3s[r];
        double q = up_q[r] + qh;
        PerConstituent l = up_l[r];
        PerConstituent lin = up_l[r];
        for (int c = 0; c < kNumConstituents; ++c) {
            l[c] += qh * net.headwater_conc_mgL[r][c];
            lin[c] += qh * net.headwater_conc_mgL[r][c];
            res.total_input_gs[c] += qh * net.headwater_conc_mgL[r][c];
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
                res.total_input_gs[c] += src * dx;
                decayed[c] += dec;
                l[c] = l_new;
            }
            q += q_lat * dx;
            tt_s += dx / u;
            x = to_m;
        };

        std::int32_t ii = in_start[r], oi = ob_start[r];
        const std::int32_t ie = in_start[r + 1], oe = ob_start[r + 1];
        double next_profile = opt.profile_step_m > 0.0 ? 0.0 : len + 1.0;
        constexpr double kBeyond = 1e300;
        while (true) {
            const double xa = active.empty() ? kBeyond : active.front().first;
            const double xi = ii < ie ? std::clamp(inputs[in_idx[ii]].position_m, 0.0, len) : kBeyond;
            const double xo = oi < oe ? std::clamp(observations[ob_idx[oi]].position_m, 0.0, len) : kBeyond;
            const double xp = next_profile <= len ? next_profile : kBeyond;
            const double xn = std::min({xa, xi, xo, xp});
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
                        res.total_input_gs[c] += p.load_gs[c];
                    }
                }
            } else if (xo == xn) {
                const std::int32_t o = ob_idx[oi++];
                res.obs_conc_mgL[o] = conc(xn);
                res.obs_flow_m3s[o] = q;
            } else {
                res.profile.push_back({r, xn, q, conc(xn)});
                next_profile = xn + opt.profile_step_m;
            }
        }
        advance(len);
        if (opt.profile_step_m > 0.0 && (res.profile.empty() || res.profile.back().reach != r || res.profile.back().position_m < len))
            res.profile.push_back({r, len, q, conc(len)});

        res.flow_out_m3s[r] = q;
        res.velocity_out_ms[r] = q > 0.0 ? hyd.velocity(q) : 0.0;
        if (!(q > 0.0)) res.dry[r] = 1;
        res.travel_time_d[r] = tt_s / kSecondsPerDay;
        res.conc_out_mgL[r] = conc(len);
        res.load_out_gs[r] = l;
        res.load_in_gs[r] = lin;
        res.decayed_gs[r] = decayed;
        for (int c = 0; c < kNumConstituents; ++c) {
            res.total_decayed_gs[c] += decayed[c];
            const double scale = std::max({std::abs(lin[c]), std::abs(l[c]), 1e-300});
            res.max_reach_imbalance = std::max(res.max_reach_imbalance, std::abs(lin[c] - l[c] - decayed[c]) / scale);
        }

        // Pass the outflow on: fixed transfers first, then the split by fraction.
        double q_rem = q;
        PerConstituent l_rem = l;
        for (const std::int32_t t : topo.transfers_from(r)) {
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
                for (int c = 0; c < kNumConstituents; ++c) res.outlet_load_gs[c] += l_rem[c] * share;
                return;
            }
            up_q[to] += q_rem * share;
            for (int c = 0; c < kNumConstituents; ++c) up_l[to][c] += l_rem[c] * share;
        };
        if (s != kNone) send(s, f);
        send(d, 1.0 - f);

        if (opt.progress && ++done % report_every == 0) opt.progress(static_cast<double>(done) / n);
    }
    return res;
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
