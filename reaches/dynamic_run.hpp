// The run context of the dynamic solver (reaches/dynamic.hpp) and its schedule over the network: links between
// reaches, the shared results, the order in which reaches start and the threads that solve them. Internal to the
// reaches module (reaches/dynamic.cpp solves one reach, reaches/dynamic_schedule.cpp runs them all).
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "reaches/dynamic.hpp"
#include "reaches/dynamic_cells.hpp"

namespace qingliu::reaches::dynrun {

constexpr int kOutStride = 1 + kNumConstituents;  // per interval: flow, then the mass of each constituent

// ---------------------------------------------------------------------------------------------------------------
// Network plumbing.

enum class LinkKind { Main, Split, Transfer };
struct Link {
    std::int32_t from = kNone, to = kNone;
    LinkKind kind = LinkKind::Main;
    std::int32_t transfer = kNone;
};

// Interval outflow of a reach: per interval, mean flow (m3/s) and mass (g) per constituent.
struct Outflow {
    std::vector<double> v;  // s * kOutStride + {0: Q, 1 + c: mass of constituent c}
};

struct Shared {
    Shared(const Network& n, const std::vector<PointInput>& in, const std::vector<Observation>& ob, const DynamicForcing& fo,
           const DynamicOptions& op, DynamicResult& re)
        : net(n), inputs(in), obs(ob), f(fo), opt(op), res(re) {}
    const Network& net;
    const std::vector<PointInput>& inputs;
    const std::vector<Observation>& obs;
    const DynamicForcing& f;
    const DynamicOptions& opt;
    DynamicResult& res;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    std::vector<std::vector<Link>> upstream;   // links into each reach
    std::vector<std::vector<Link>> consumers;  // links out of each reach
    std::vector<std::unique_ptr<Outflow>> outflow;
    std::unique_ptr<std::atomic<int>[]> waiting;   // upstream links not yet done
    std::unique_ptr<std::atomic<int>[]> readers;   // consumer links that have not yet read the outflow
    std::vector<PerConstituent> external_in_g, outlet_g;
    // for each entry of f.k_per_d, in lanes: {k_0, k_1, k_2, 0} and {e^{-k_c h}, 1}
    std::vector<std::array<double, cells::kLanes>> k_lanes, exp_kh_lanes;
    cells::RelaxedBounds relaxed_bounds;  // where the relaxed test needs no sum (per cell count)
    // Reach-end series while the reaches are solved (record_reach_ends), reach-major: reach r's flow at [r * 4S + s],
    // constituent c at [r * 4S + (1 + c) S + s], so that a reach writes its year to one contiguous block; turned into
    // DynamicResult's interval-major arrays once every reach is done (ends_to_result).
    std::vector<float> ends_by_reach;
    std::atomic<std::uint64_t> steps_taken{0}, steps_rejected{0};
    std::atomic<std::uint64_t> relaxed{0}, explicit_{0}, implicit{0}, exact{0};
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    int last_pct = -1;
};

/// Solves reach r over the whole period (reaches/dynamic.cpp).
void solve_reach(Shared& sh, std::int32_t r);
/// Links between reaches (main, split, transfer) and the counters that release a reach once its feeders are done.
void link_reaches(Shared& sh);
/// Starting reaches in depth-first order from the outlets.
std::vector<std::int32_t> start_order(const Shared& sh);
/// Solves every reach once its feeders are done, on opt.threads threads (0: all).
void run_reaches(Shared& sh, const std::vector<std::int32_t>& starts);
/// solve_dynamic with the exchange between reaches once per interval of the forcing (reaches/dynamic_schedule.cpp);
/// solve_dynamic splits the intervals into pieces first where options.exchange_step_d asks for them
/// (reaches/dynamic_pieces.cpp).
DynamicResult solve_intervals(const Network& net, const std::vector<PointInput>& inputs,
                              const std::vector<Observation>& observations, const DynamicForcing& forcing,
                              const DynamicOptions& options);

}  // namespace qingliu::reaches::dynrun
