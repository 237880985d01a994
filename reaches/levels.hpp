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
#include <exception>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "common/topology.hpp"
#include "reaches/reach_walk.hpp"

namespace qingliu::reaches::detail {

struct LevelPlan {
    std::vector<std::int32_t> order;         ///< the reaches by level, by index within a level
    std::vector<std::size_t> level_start;    ///< where each level starts in order, and the end
    std::vector<std::int32_t> feed_start;    ///< per position in order: where its reach's feeders start in feed, and the end
    std::vector<std::int32_t> feed;          ///< a reach's feeders: a reach (>= 0) whose whole outflow it gets, or a slot s (-1 - s)
    std::vector<std::int32_t> first_slot;    ///< a reach's first slot where it splits or transfers, else kNone; empty: none does
    std::vector<char> sends;                 ///< per position: how its reach sends its outflow (Send)
    std::size_t slots = 0;
};

/// How a reach sends its outflow: all down its one link (read from its results), to the outlet, or through slots.
enum Send : char { kDown = 0, kOutlet = 1, kSlots = 2 };

/// Whether reach r splits or transfers water (and so sends its outflow through slots).
inline bool splits_or_transfers(const Topology& topo, std::int32_t r) {
    return topo.split_to(r) != kNone || !topo.transfers_from(r).empty();
}

/// Calls f(v) for each receiver v of reach r in pass_on's order: transfers, the split, the main link (not the outlet).
template <class F>
void for_receivers(const Topology& topo, std::int32_t r, F&& f) {
    for (const std::int32_t k : topo.transfers_from(r)) f(topo.transfers()[k].to);
    if (topo.split_to(r) != kNone) f(topo.split_to(r));
    if (topo.downstream(r) != kNone) f(topo.downstream(r));
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
            for_receivers(topo, ri, [&](std::int32_t v) { p.feed[next[pos[v]]++] = -1 - static_cast<std::int32_t>(p.slots++); });
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
/// cores where parallel, one chunk at a time), each chunk into totals of its own, added to total in order. Rethrows the first error in
/// that order.
template <class Totals, class Route>
void route_levels(const LevelPlan& p, bool parallel, Totals& total, Route&& route) {
    std::vector<Totals> part;
    std::vector<std::exception_ptr> errors;
    for (std::size_t l = 0; l + 1 < p.level_start.size(); ++l) {
        const std::size_t b = p.level_start[l];
        const std::size_t m = p.level_start[l + 1] - p.level_start[l], c = level_chunks(m);
        part.assign(c, Totals{});
        errors.assign(c, nullptr);
        auto chunk = [&](std::size_t k) {
            try {
                route(b + m * k / c, b + m * (k + 1) / c, part[k]);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        };
        if (parallel && c > 1) {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, c, 1), [&](const auto& range) {
                for (std::size_t k = range.begin(); k != range.end(); ++k) chunk(k);
            }, tbb::simple_partitioner());
        } else {
            for (std::size_t k = 0; k < c; ++k) chunk(k);
        }
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
        for (const auto& t : part) total.add(t);
    }
}

}  // namespace qingliu::reaches::detail
