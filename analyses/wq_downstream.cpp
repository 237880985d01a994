#include "analyses/wq_downstream.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "reaches/pass_on.hpp"

namespace qingliu::scenarios {

namespace wq = reaches::wq;

namespace {

template <class F>
void receivers(const Topology& topo, std::int32_t r, F&& f) {
    if (topo.downstream(r) != kNone) f(topo.downstream(r));
    if (topo.split_to(r) != kNone) f(topo.split_to(r));
    for (const std::int32_t k : topo.transfers_from(r)) f(topo.transfers()[k].to);
}

// v restricted to the reaches of `list` (in its order); an empty v stays empty (every reach at the default)
template <class T>
std::vector<T> pick(const std::vector<T>& v, const std::vector<std::int32_t>& list) {
    if (v.empty()) return {};
    std::vector<T> out;
    out.reserve(list.size());
    for (const std::int32_t r : list) out.push_back(v[r]);
    return out;
}

// The per-reach attributes of the reach data: each given for every reach or for none (DownstreamSolve::covers), and
// restricted to the reaches solved.
constexpr std::vector<double> wq::ReachData::* kReachNumbers[] = {
    &wq::ReachData::elevation_m,      &wq::ReachData::sod_g_m2_d,     &wq::ReachData::ka20_per_d,
    &wq::ReachData::slope,            &wq::ReachData::dam_drop_m,     &wq::ReachData::dam_water_quality_factor,
    &wq::ReachData::dam_structure_coefficient};
constexpr std::vector<wq::State> wq::ReachData::* kReachStates[] = {&wq::ReachData::headwater_conc_mgL,
                                                                   &wq::ReachData::lateral_conc_mgL};

}  // namespace

bool DownstreamSolve::covers(const WaterQualityProblem& p) {
    const std::size_t n = p.net.size();
    auto whole = [&](const auto& v) { return v.empty() || v.size() == n; };
    const wq::ReachData& d = p.data;
    for (auto field : kReachNumbers)
        if (!whole(d.*field)) return false;
    for (auto field : kReachStates)
        if (!whole(d.*field)) return false;
    if (wq::has_dispersion(d, p.steady)) return false;  // the exchange carries a change upstream too: whole solves
    return whole(d.elements);
}

DownstreamSolve::DownstreamSolve(const reaches::Network& net) : net_(net) {
    const std::size_t n = net.size();
    const Topology& topo = net.topo;
    rank_.assign(n, 0);
    for (std::size_t i = 0; i < topo.order().size(); ++i) rank_[topo.order()[i]] = static_cast<std::int32_t>(i);
    std::vector<std::int32_t> count(n + 1, 0);
    for (std::size_t r = 0; r < n; ++r) receivers(topo, static_cast<std::int32_t>(r), [&](std::int32_t v) { ++count[v + 1]; });
    for (std::size_t r = 0; r < n; ++r) count[r + 1] += count[r];
    feed_start_ = count;
    feed_.assign(count[n], kNone);
    for (std::size_t r = 0; r < n; ++r)
        receivers(topo, static_cast<std::int32_t>(r), [&](std::int32_t v) {
            std::int32_t& at = count[v];
            // one feeder once, even when it links twice (main link and split to the same reach)
            if (at > feed_start_[v] && feed_[at - 1] == static_cast<std::int32_t>(r)) return;
            feed_[at++] = static_cast<std::int32_t>(r);
        });
}

std::vector<std::int32_t> DownstreamSolve::downstream_of(const std::vector<std::int32_t>& from) const {
    const Topology& topo = net_.topo;
    std::vector<char> in(net_.size(), 0);
    std::vector<std::int32_t> out, stack;
    for (const std::int32_t r : from)
        if (r >= 0 && !in[r]) {
            in[r] = 1;
            stack.push_back(r);
        }
    while (!stack.empty()) {
        const std::int32_t r = stack.back();
        stack.pop_back();
        out.push_back(r);
        receivers(topo, r, [&](std::int32_t v) {
            if (!in[v]) {
                in[v] = 1;
                stack.push_back(v);
            }
        });
    }
    std::sort(out.begin(), out.end(), [&](std::int32_t a, std::int32_t b) { return rank_[a] < rank_[b]; });
    return out;
}

std::vector<wq::State> DownstreamSolve::solve(const WaterQualityProblem& q, const std::vector<wq::Input>& inputs,
                                              const std::vector<std::int32_t>& changed, const wq::Result& base,
                                              std::size_t* reaches_solved) const {
    const reaches::Network& net = q.net;
    const Topology& topo = net.topo;
    const std::size_t n = net.size();
    std::vector<wq::State> out = base.obs_conc_mgL;
    const std::vector<std::int32_t> list = downstream_of(changed);
    if (reaches_solved) *reaches_solved = list.size();
    if (list.empty()) return out;
    std::vector<std::int32_t> local(n, kNone);
    for (std::size_t i = 0; i < list.size(); ++i) local[list[i]] = static_cast<std::int32_t>(i);
    auto map = [&](std::int32_t r) { return r == kNone ? kNone : local[r]; };

    // the sub-network: D with its own links (every receiver of a reach of D is in D)
    reaches::Network sub;
    std::vector<std::string> ids;
    std::vector<std::int32_t> down, split;
    std::vector<double> fraction;
    std::vector<Transfer> transfers;
    for (const std::int32_t r : list) {
        ids.push_back(topo.id(r));
        down.push_back(map(topo.downstream(r)));
        split.push_back(map(topo.split_to(r)));
        fraction.push_back(topo.split_fraction(r));
    }
    for (const Transfer& t : topo.transfers())
        if (local[t.from] != kNone) transfers.push_back({local[t.from], local[t.to], t.flow_m3s});
    sub.topo = Topology(std::move(ids), std::move(down), std::move(split), std::move(fraction), std::move(transfers));
    using reaches::Network;
    for (auto field : {&Network::length_m, &Network::headwater_flow_m3s, &Network::lateral_flow_m3s})
        sub.*field = pick(net.*field, list);
    for (auto field : {&Network::headwater_conc_mgL, &Network::lateral_conc_mgL}) sub.*field = pick(net.*field, list);
    sub.hydraulics = pick(net.hydraulics, list);
    const wq::ReachData& d = q.data;
    wq::ReachData sd;
    for (auto field : kReachStates) sd.*field = pick(d.*field, list);
    for (auto field : kReachNumbers) sd.*field = pick(d.*field, list);
    sd.elements = pick(d.elements, list);

    // the inputs on D, then what the feeders outside D pass on in the base solution, at the top of their receivers
    std::vector<wq::Input> in;
    for (const wq::Input& x : inputs)
        if (x.reach >= 0 && local[x.reach] != kNone) {
            in.push_back(x);
            in.back().reach = local[x.reach];
        }
    const bool any_transfer = !topo.transfers().empty();
    for (const std::int32_t r : list)
        for (std::int32_t k = feed_start_[r]; k < feed_start_[r + 1]; ++k) {
            const std::int32_t f = feed_[k];
            if (local[f] != kNone) continue;
            reaches::detail::pass_on(topo, f, base.flow_out_m3s[f], base.load_out_gs[f], any_transfer,
                                     [&](std::int32_t to, double qf, const wq::State& l, double share) {
                                         if (to != r) return;
                                         wq::Input x;
                                         x.reach = local[r];
                                         x.position_m = 0.0;
                                         x.flow_m3s = qf;
                                         for (int i = 0; i < wq::kNumSpecies; ++i) x.load_gs[i] = l[i] * share;
                                         in.push_back(x);
                                     });
        }
    std::vector<reaches::Observation> obs;
    std::vector<std::size_t> obs_of;
    for (std::size_t s = 0; s < q.observations.size(); ++s) {
        const reaches::Observation& o = q.observations[s];
        if (o.reach < 0 || local[o.reach] == kNone) continue;
        obs.push_back(o);
        obs.back().reach = local[o.reach];
        obs_of.push_back(s);
    }
    const wq::Result res = wq::solve_steady_wq(sub, sd, in, obs, q.steady);
    for (std::size_t k = 0; k < obs.size(); ++k) out[obs_of[k]] = res.obs_conc_mgL[k];
    return out;
}

}  // namespace qingliu::scenarios
