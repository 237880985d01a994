// The order in which the steady water-quality solver routes a network, and how a reach gathers its inflow. Internal
// to the reaches module.
//
// A reach's level is one more than the highest of its feeders' (headwaters: 0). Reaches of one level never feed one
// another, so a level's reaches run on separate threads. Within a level they go by index, so their per-reach arrays
// are read nearly in sequence: about half of a network's reaches are headwaters, level 0. (The partition of
// pass_on.hpp groups a network into independent parts instead, whose reaches lie scattered in memory: on 10^6
// reaches numbered at random, one thread routed them by level in 18 % less time than by parts.)
//
// Each reach gathers its inflow from its feeders when it is routed (it does not receive it from them):
// - a feeder that passes all of its outflow down its one link is read from its own results (flow and loads out);
// - a feeder that splits or transfers water writes what it sends into slots of its own, one per receiver, in
//   pass_on's order (transfers, the split, the main link).
// Every reach writes only its own results and slots, and sums its feeders in a fixed order (by feeder index; a
// feeder's slots in pass_on's order). The results therefore do not depend on the threads. (Slots for every link,
// written by the feeder and read in sequence by the receiver, were measured 0-12 % slower: the scattered writes.)
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/topology.hpp"
#include "reaches/pass_on.hpp"
#include "reaches/reach_walk.hpp"

namespace qingliu::reaches::detail {

struct LevelPlan {
    std::vector<std::int32_t> order;       ///< the reaches by level, by index within a level
    std::vector<std::size_t> level_start;  ///< where each level starts in order, and the end
    /// per position in order: where its reach's feeders start in feed, and the end
    std::vector<std::int32_t> feed_start;
    /// a reach's feeders: a reach (>= 0) whose whole outflow it gets, or a slot s (-1 - s)
    std::vector<std::int32_t> feed;
    /// per reach: its first slot where it splits or transfers, else kNone; empty where none does
    std::vector<std::int32_t> first_slot;
    std::vector<char> sends;  ///< per position: how its reach sends its outflow (Send)
    std::size_t slots = 0;
};

/// How a reach sends its outflow: all down its one link (read from its results), to the outlet, or through slots.
enum Send : char { kDown = 0, kOutlet = 1, kSlots = 2 };

/// Whether reach r splits or transfers water (and so sends its outflow through slots).
inline bool splits_or_transfers(const Topology& topo, std::int32_t r) {
    return topo.split_to(r) != kNone || !topo.transfers_from(r).empty();
}

inline LevelPlan level_plan(const Topology& topo) {
    const std::size_t n = topo.size();
    LevelPlan p;
    std::vector<std::int32_t> level(n, 0);
    std::int32_t top = 0;
    for (const std::int32_t r : topo.order()) {
        top = std::max(top, level[r]);
        for_receivers(topo, r, [&](std::int32_t v) { level[v] = std::max(level[v], level[r] + 1); });
    }
    p.level_start.assign(static_cast<std::size_t>(top) + 2, 0);
    for (const std::int32_t l : level) ++p.level_start[l + 1];
    for (std::size_t l = 1; l < p.level_start.size(); ++l) p.level_start[l] += p.level_start[l - 1];
    std::vector<std::size_t> at(p.level_start.begin(), p.level_start.end() - 1);
    reserve_huge(p.order, n);
    p.order.resize(n);
    std::vector<std::int32_t>& pos = level;  // the levels are no longer needed: each reach's position in order
    for (std::size_t r = 0; r < n; ++r) {
        const std::size_t k = at[level[r]]++;
        p.order[k] = static_cast<std::int32_t>(r);
        pos[r] = static_cast<std::int32_t>(k);
    }
    // the feeders by their receiver's position, so that the routing reads them in sequence
    p.feed_start.assign(n + 1, 0);
    bool any_slots = false;
    for (std::size_t r = 0; r < n; ++r) {
        const auto ri = static_cast<std::int32_t>(r);
        for_receivers(topo, ri, [&](std::int32_t v) { ++p.feed_start[pos[v] + 1]; });
        any_slots = any_slots || splits_or_transfers(topo, ri);
    }
    for (std::size_t k = 0; k < n; ++k) p.feed_start[k + 1] += p.feed_start[k];
    p.feed.resize(static_cast<std::size_t>(p.feed_start[n]));
    std::vector<std::int32_t> next(p.feed_start.begin(), p.feed_start.end() - 1);
    if (any_slots) p.first_slot.assign(n, kNone);
    p.sends.assign(n, kDown);
    for (std::size_t r = 0; r < n; ++r) {  // by feeder index
        const auto ri = static_cast<std::int32_t>(r);
        const bool slots = splits_or_transfers(topo, ri);
        p.sends[pos[r]] = slots ? kSlots : topo.downstream(r) == kNone ? kOutlet : kDown;
        if (slots) {
            p.first_slot[r] = static_cast<std::int32_t>(p.slots);
            for_receivers(topo, ri,
                          [&](std::int32_t v) { p.feed[next[pos[v]]++] = -1 - static_cast<std::int32_t>(p.slots++); });
        } else if (topo.downstream(r) != kNone) {
            p.feed[next[pos[topo.downstream(r)]]++] = ri;
        }
    }
    return p;
}

/// The chunks a level of m reaches is routed in: one below 256 reaches, else up to 1,024 of at least 128. A function
/// of the network alone, so that totals summed per chunk in order do not depend on the threads.
inline std::size_t level_chunks(std::size_t m) {
    constexpr std::size_t kMinChunk = 128, kMaxChunks = 1024;
    return m < 2 * kMinChunk ? 1 : std::min(m / kMinChunk, kMaxChunks);
}

/// Routes the plan level by level, route(begin, end, totals) for each chunk of a level (positions in order; on all
/// cores where parallel), each chunk into totals of its own, added to total in order (reach_walk.hpp's run_in_order).
template <class Totals, class Route>
void route_levels(const LevelPlan& p, bool parallel, Totals& total, Route&& route) {
    for (std::size_t l = 0; l + 1 < p.level_start.size(); ++l) {
        const std::size_t b = p.level_start[l], m = p.level_start[l + 1] - b, c = level_chunks(m);
        run_in_order(c, parallel, total,
                     [&](std::size_t k, Totals& t) { route(b + m * k / c, b + m * (k + 1) / c, t); });
    }
}

}  // namespace qingliu::reaches::detail
