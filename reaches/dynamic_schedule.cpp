// The dynamic solver's schedule over the network and the run over the forcing's intervals (see reaches/dynamic_run.hpp).
#include "reaches/dynamic_run.hpp"

#include <algorithm>
#include <cmath>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"

namespace qingliu::reaches::dynrun {

// Links between reaches (main, split, transfer) and the counters that release a reach once its feeders are done.
void link_reaches(Shared& sh) {
    const Network& net = sh.net;
    const std::size_t N = net.size();
    const std::vector<PointInput>& inputs = sh.inputs;
    const std::vector<Observation>& observations = sh.obs;
    detail::bucket_by_reach(N, inputs, sh.in_start, sh.in_idx);
    detail::bucket_by_reach(N, observations, sh.ob_start, sh.ob_idx);
    sh.upstream.assign(N, {});
    sh.consumers.assign(N, {});
    for (std::size_t r = 0; r < N; ++r) {
        const auto ri = static_cast<std::int32_t>(r);
        if (net.topo.downstream(r) != kNone) sh.upstream[net.topo.downstream(r)].push_back({ri, net.topo.downstream(r), LinkKind::Main, kNone});
        if (net.topo.split_to(r) != kNone) sh.upstream[net.topo.split_to(r)].push_back({ri, net.topo.split_to(r), LinkKind::Split, kNone});
    }
    for (std::size_t t = 0; t < net.topo.transfers().size(); ++t) {
        const Transfer& tr = net.topo.transfers()[t];
        sh.upstream[tr.to].push_back({tr.from, tr.to, LinkKind::Transfer, static_cast<std::int32_t>(t)});
    }
    for (std::size_t r = 0; r < N; ++r)
        for (const Link& l : sh.upstream[r]) sh.consumers[l.from].push_back(l);
    sh.outflow.resize(N);
    sh.waiting = std::make_unique<std::atomic<int>[]>(N);
    sh.readers = std::make_unique<std::atomic<int>[]>(N);
    for (std::size_t r = 0; r < N; ++r) {
        sh.waiting[r] = static_cast<int>(sh.upstream[r].size());
        sh.readers[r] = static_cast<int>(sh.consumers[r].size());
    }
    sh.external_in_g.assign(N, {});
    sh.outlet_g.assign(N, {});
}

// Starting reaches in depth-first order from the outlets, so that each thread works up one subtree at a time
// and finished outflows are consumed soon after they are produced.
std::vector<std::int32_t> start_order(const Shared& sh) {
    const Network& net = sh.net;
    const std::size_t N = net.size();
    std::vector<std::int32_t> starts;
    std::vector<char> seen(N, 0);
    std::vector<std::int32_t> stack;
    for (auto it = net.topo.order().rbegin(); it != net.topo.order().rend(); ++it) {
        if (!sh.consumers[*it].empty() || seen[*it]) continue;  // outlets (no consumers) first
        stack.push_back(*it);
        while (!stack.empty()) {
            const std::int32_t r = stack.back();
            stack.pop_back();
            if (seen[r]) continue;
            seen[r] = 1;
            if (sh.upstream[r].empty()) starts.push_back(r);
            for (const Link& l : sh.upstream[r])
                if (!seen[l.from]) stack.push_back(l.from);
        }
    }
    for (std::size_t r = 0; r < N; ++r)
        if (!seen[r] && sh.upstream[r].empty()) starts.push_back(static_cast<std::int32_t>(r));
    return starts;
}

// Solves every reach once its feeders are done, on opt.threads threads (0: all).
void run_reaches(Shared& sh, const std::vector<std::int32_t>& starts) {
    const DynamicOptions& opt = sh.opt;
    const std::size_t N = sh.net.size();
    auto work = [&](std::int32_t first) {
        std::vector<std::int32_t> stack{first};
        while (!stack.empty()) {
            const std::int32_t r = stack.back();
            stack.pop_back();
            solve_reach(sh, r);
            for (const Link& l : sh.consumers[r])
                if (sh.waiting[l.to].fetch_sub(1) == 1) stack.push_back(l.to);
            const std::size_t done = ++sh.done;
            if (opt.progress) {
                const int pct = static_cast<int>(100.0 * done / N);
                if (pct != sh.last_pct) {
                    std::lock_guard<std::mutex> lock(sh.progress_mutex);
                    if (pct > sh.last_pct) {
                        sh.last_pct = pct;
                        opt.progress(static_cast<double>(done) / N);
                    }
                }
            }
        }
    };
    auto run_all = [&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, starts.size(), 1), [&](const tbb::blocked_range<std::size_t>& br) {
            for (std::size_t i = br.begin(); i != br.end(); ++i) work(starts[i]);
        });
    };
    if (opt.threads == 1) {
        for (const std::int32_t s : starts) work(s);
    } else if (opt.threads > 1) {
        tbb::task_arena arena(opt.threads);
        arena.execute(run_all);
    } else {
        run_all();
    }
    if (sh.done != N) throw ModelError("dynamic run left reaches unsolved (the network has a cycle)");
}

// The run over the forcing's intervals (solve_dynamic splits them into pieces first where asked).
DynamicResult solve_intervals(const Network& net, const std::vector<PointInput>& inputs,
                              const std::vector<Observation>& observations, const DynamicForcing& forcing,
                              const DynamicOptions& opt) {
    const std::size_t N = net.size(), S = forcing.steps;
    cells::check_forcing(net, inputs, forcing);
    DynamicResult res;
    res.steps = S;
    res.step_days = forcing.step_days;
    res.nobs = observations.size();
    res.layout = layout_cells(net, cells::first_interval_flows(net, inputs, forcing), opt);
    res.budget.assign(N, {});
    res.obs_conc_mgL.assign(S * observations.size() * kNumConstituents, 0.0);
    res.obs_flow_m3s.assign(S * observations.size(), 0.0);

    Shared sh(net, inputs, observations, forcing, opt, res);
    for (const PerConstituent& k : forcing.k_per_d) {
        PerConstituent e{};
        for (int c = 0; c < kNumConstituents; ++c) e[c] = std::exp(-k[c] * forcing.step_days);
        sh.k_lanes.push_back({k[0], k[1], k[2], 0.0});
        sh.exp_kh_lanes.push_back({e[0], e[1], e[2], 1.0});
    }
    int most_cells = 0;
    for (const CellLayout& l : res.layout) most_cells = std::max(most_cells, l.cells);
    if (opt.relaxed_tol > 0.0) sh.relaxed_bounds = cells::relaxed_bounds(std::min(most_cells, 64), opt.relaxed_tol);
    if (opt.record_reach_ends) sh.ends_by_reach.resize(N * S * (1 + kNumConstituents));
    link_reaches(sh);
    run_reaches(sh, start_order(sh));
    if (opt.record_reach_ends) {
        cells::reach_ends_interval_major(sh.ends_by_reach.data(), N, S, opt.threads, res.reach_flow_m3s, res.reach_conc_mgL);
        std::vector<float>().swap(sh.ends_by_reach);
    }
    cells::audit_budgets(res, sh.external_in_g, sh.outlet_g);
    res.steps_taken = sh.steps_taken;
    res.steps_rejected = sh.steps_rejected;
    res.intervals_relaxed = sh.relaxed;
    res.intervals_dopri5 = sh.explicit_;
    res.intervals_rosenbrock4 = sh.implicit;
    res.intervals_exact = sh.exact;
    return res;
}

}  // namespace qingliu::reaches::dynrun
