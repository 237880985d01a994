// What the two steady solvers (reaches/steady.cpp: first-order constituents; reaches/steady_wq.cpp: the
// water-quality kinetics) share walking down a reach: spread inputs joining and leaving the distributed inflow, the
// order of the points between which a reach is integrated, and routing the independent parts of a network on all
// cores. Internal to the reaches module.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "common/error.hpp"
#include "common/units.hpp"
#include "reaches/pass_on.hpp"

namespace qingliu::reaches::detail {

// Fills v with n copies of x. Vectors of more than a few MB are first reserved and, on Linux, marked for transparent
// huge pages (reserve_huge): a 10^6-reach result is ~130 MB, and touching it page by page (4 KB) costs more than
// routing it on virtual machines, where each page fault exits to the hypervisor. (Both steady solvers' results; the
// network's and the water-quality reach data's per-reach arrays, which the solvers read in topological order,
// scattered in memory: on huge pages their reads miss the TLB far less.)
template <class T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
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
}
template <class T>
void fill_new(std::vector<T>& v, std::size_t n, const T& x) {
    reserve_huge(v, n);
    v.assign(n, x);
}

/// The error of a point of reach r (at_m from its top) that carries no water but receives load.
inline ModelError dry_with_load(const Topology& topo, std::int32_t r, double at_m) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f km", at_m / kMetresPerKm);
    return ModelError("reach " + topo.id(r) + " carries no water at " + b + " but receives load");
}

/// Concentrations l / q at a point of reach r; a dry point (q <= 0) has none, and throws dry_with_load if
/// has_load(l).
template <class Loads, class HasLoad>
Loads concentration(const Loads& l, double q, HasLoad&& has_load, const Topology& topo, std::int32_t r, double at_m) {
    Loads c{};
    if (q > 0.0) {
        for (std::size_t i = 0; i < c.size(); ++i) c[i] = l[i] / q;
    } else if (has_load(l)) {
        throw dry_with_load(topo, r, at_m);
    }
    return c;
}

/// The flow (returned, m3/s) and loads l at the top of a reach: the inflow gathered from its feeders (up_q, up_l)
/// mixed with its headwater (flow qh, concentrations c).
template <class Loads>
double top_of_reach(double up_q, const Loads& up_l, double qh, const Loads& c, Loads& l) {
    l = up_l;
    for (std::size_t i = 0; i < l.size(); ++i) l[i] += qh * c[i];
    return up_q + qh;
}

/// (end_m, input) of the spread inputs under way, by end.
using Spreads = std::vector<std::pair<double, std::int32_t>>;

/// Input p (index pi) met at at_m on a reach of length len_m: a spread input (ending beyond at_m) joins the
/// distributed inflow q_lat (m3/s per m) and src_lat (load per m) until its end and returns true; a point input
/// returns false and the caller mixes it at once.
template <class In, class Loads>
bool join_spread(const In& p, std::int32_t pi, double at_m, double len_m, double& q_lat, Loads& src_lat,
                 Spreads& active) {
    const double end = std::min(p.end_m, len_m);
    if (!(end > at_m)) return false;
    const double span = end - at_m;
    q_lat += p.flow_m3s / span;
    for (std::size_t c = 0; c < src_lat.size(); ++c) src_lat[c] += p.load_gs[c] / span;
    active.insert(std::upper_bound(active.begin(), active.end(), std::make_pair(end, pi)), {end, pi});
    return true;
}

/// The first spread input under way ends: its inflow leaves q_lat and src_lat. True when none is left (the caller
/// then sets both back to the reach's own lateral inflow, dropping rounding residue).
template <class In, class Loads>
bool leave_spread(const std::vector<In>& inputs, double len_m, double& q_lat, Loads& src_lat, Spreads& active) {
    const In& p = inputs[active.front().second];
    const double span = std::min(p.end_m, len_m) - std::clamp(p.position_m, 0.0, len_m);
    q_lat -= p.flow_m3s / span;
    for (std::size_t c = 0; c < src_lat.size(); ++c) src_lat[c] -= p.load_gs[c] / span;
    active.erase(active.begin());
    return active.empty();
}

/// Down a reach of length len_m from point to point: the ends of spread inputs, the inputs in[ii..ie) and the
/// observations ob[oi..oe) (indices into inputs and obs, by position). Before each point x, ahead(min(x, len_m));
/// then advance(x) and one of leave() (a spread input ends), join(input, x) (inputs before observations at the
/// same point, so a section there sees them mixed) or observe(observation, x); at last advance(len_m).
template <class In, class Ob, class Ahead, class Advance, class Leave, class Join, class Observe>
void march(const std::vector<In>& inputs, const std::int32_t* ii, const std::int32_t* ie, const std::vector<Ob>& obs,
           const std::int32_t* oi, const std::int32_t* oe, double len_m, const Spreads& active, Ahead&& ahead,
           Advance&& advance, Leave&& leave, Join&& join, Observe&& observe) {
    constexpr double kBeyond = 1e300;
    while (true) {
        const double xa = active.empty() ? kBeyond : active.front().first;
        const double xi = ii < ie ? std::clamp(inputs[*ii].position_m, 0.0, len_m) : kBeyond;
        const double xo = oi < oe ? std::clamp(obs[*oi].position_m, 0.0, len_m) : kBeyond;
        const double xn = std::min({xa, xi, xo});
        ahead(std::min(xn, len_m));
        if (xn > len_m) break;
        advance(xn);
        if (xa == xn) leave();
        else if (xi == xn) join(*ii++, xn);
        else observe(*oi++, xn);
    }
    advance(len_m);
}

/// Runs job(k, totals) for k in [0, count), each into totals of its own, added to total in order (so the sums do not
/// depend on the threads); rethrows the first error in that order. Where parallel (and count > 1) on all cores,
/// handed out one at a time in their order: ranges of them, as the default partitioner gives, left one core with
/// the large ones while the other waited (measured on the dynamic water-quality cells, which route by the partition:
/// 88 % of two cores busy, 96.5 % one at a time).
template <class Totals, class Job>
void run_in_order(std::size_t count, bool parallel, Totals& total, Job&& job) {
    std::vector<Totals> totals(count);
    std::vector<std::exception_ptr> errors(count);
    auto one = [&](std::size_t k) {
        try {
            job(k, totals[k]);
        } catch (...) {
            errors[k] = std::current_exception();
        }
    };
    if (parallel && count > 1) {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1), [&](const auto& range) {
            for (std::size_t k = range.begin(); k != range.end(); ++k) one(k);
        }, tbb::simple_partitioner());
    } else {
        for (std::size_t k = 0; k < count; ++k) one(k);
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    for (const auto& t : totals) total.add(t);
}

/// Routes the tasks of a partition on all cores (largest first, so that the cores end together), route(task, totals)
/// each into totals of its own (run_in_order). The caller routes the trunk.
template <class Totals, class Route>
void route_tasks(const Partition& part, Totals& total, Route&& route) {
    run_in_order(part.tasks.size(), true, total, [&](std::size_t k, Totals& t) { route(part.tasks[k], t); });
}

}  // namespace qingliu::reaches::detail
