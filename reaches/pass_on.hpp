// How a reach's outflow leaves it, shared by the steady solvers (reaches/steady.cpp, reaches/steady_wq.cpp) and the
// dynamic water-quality cells: fixed transfers first, each taking its flow and that share of what remains of the
// loads, then the split by fraction between the side and the main downstream reach (or the outlet). Internal to the
// reaches module.
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "common/topology.hpp"
#include "reaches/transfer_share.hpp"

namespace qingliu::reaches::detail {

/// Calls send(to, flow_m3s, loads, share) for every receiver of reach r's outflow q_out (m3/s) with loads l (any
/// array of loads): the receiver gets flow_m3s and share x loads[c]; to == kNone is the outlet. Throws ModelError for
/// a transfer larger than what remains (transfer_share).
template <class Load, class Send>
void pass_on(const Topology& topo, std::int32_t r, double q_out, Load l_rem, bool any_transfer, Send&& send) {
    double q_rem = q_out;
    if (any_transfer) {
        for (const std::int32_t k : topo.transfers_from(r)) {
            const Transfer& tr = topo.transfers()[k];
            const double share = transfer_share(topo, r, tr, q_rem);
            send(tr.to, tr.flow_m3s, l_rem, share);
            for (auto& x : l_rem) x -= x * share;
            q_rem = std::max(q_rem - tr.flow_m3s, 0.0);
        }
    }
    const std::int32_t d = topo.downstream(r), s = topo.split_to(r);
    const double f = s != kNone ? topo.split_fraction(r) : 0.0;
    if (s != kNone) send(s, q_rem * f, l_rem, f);
    send(d, q_rem * (1.0 - f), l_rem, 1.0 - f);
}

/// Calls f(v) for each receiver v of reach r in pass_on's order: transfers, the split, the main link (not the outlet).
template <class F>
void for_receivers(const Topology& topo, std::int32_t r, F&& f) {
    for (const std::int32_t k : topo.transfers_from(r)) f(topo.transfers()[k].to);
    if (topo.split_to(r) != kNone) f(topo.split_to(r));
    if (topo.downstream(r) != kNone) f(topo.downstream(r));
}

/// Independent pieces of the network for two or more threads. Reaches with more than `grain` reaches upstream
/// (counted along every path) form the trunk, routed last in topological order; the rest split into tasks: sets
/// closed under their links except into trunk reaches, two tasks never feeding the same reach (union-find over
/// links). The split depends on the network only, so results do not depend on the number of threads.
struct Partition {
    std::vector<std::vector<std::int32_t>> tasks;  ///< each in topological order, largest first
    std::vector<std::int32_t> trunk;               ///< topological order
};

inline Partition partition(const Topology& topo, std::size_t grain) {
    const std::size_t n = topo.size();
    std::vector<double> up(n, 0.0);
    for (const std::int32_t r : topo.order()) {
        up[r] += 1.0;
        for_receivers(topo, r, [&](std::int32_t v) { up[v] += up[r]; });
    }
    std::vector<std::int32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::int32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    for (const std::int32_t r : topo.order())
        if (up[r] <= static_cast<double>(grain))
            for_receivers(topo, r, [&](std::int32_t v) { parent[find(r)] = find(v); });
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

}  // namespace qingliu::reaches::detail
