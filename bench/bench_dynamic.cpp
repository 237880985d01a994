// Dynamic model benchmark: a synthetic dendritic network (bench/synthetic.hpp), a year of daily gauge flows with a
// wet season and storms, runoff-weighted diffuse loads, run through scenarios::simulate (the call `qingliu dynamic`
// makes: forcing, solve, section summaries); prints reach-days per second, solver statistics, peak
// memory, the ratios to the targets, and the solver against the machine's memory bandwidth:
//   - a STREAM-like triad a[i] = b[i] + s c[i] (McCalpin's STREAM, 3 arrays of 64 MiB, on the solver's threads, best
//     of 5; 24 bytes counted per element, as STREAM does) gives the bandwidth the machine sustains;
//   - bytes per reach-day are counted from the solver's arrays (not measured by hardware counters): what a reach-day
//     must move through memory, since a reach's cells live in cache while it is solved — its interval outflow written
//     and read back by the reach below, the upstream inflow gathered and read, the reach-end series written and read
//     by the caller, the forcing read;
//   - time that traffic would take at the triad's bandwidth is the floor; solve / floor says how far the solver is
//     from being bandwidth-bound.
//
//   bench_dynamic [--reaches N] [--days D] [--seed S] [--threads T] [--max-cells C] [--rel-tol R]
//                 [--stepper auto|odeint|dopri5|rosenbrock4] [--no-reach-ends] [--no-triad] [--dump FILE]
// --dump writes every section concentration and flow of every interval, then every reach budget, as raw doubles
// (native byte order) to FILE, for comparing two builds of the solver value by value.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/resource.h>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "bench/bench_common.hpp"
#include "bench/synthetic.hpp"
#include "analyses/simulate.hpp"

using namespace qingliu;

namespace {

// Processor time of the whole process so far (user + system, every thread), seconds.
double processor_s() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// STREAM-like triad on `threads` threads (0: all): best bandwidth in bytes/s over 5 repetitions, counting 24 bytes
// per element (read b, read c, write a) as STREAM does.
double triad_bandwidth(int threads) {
    const std::size_t n = (64u << 20) / sizeof(double);
    std::vector<double> a(n), b(n, 1.0), c(n, 2.0);
    const double scalar = 3.0;
    tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
    auto pass = [&](bool triad) {
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
                for (std::size_t i = r.begin(); i != r.end(); ++i) a[i] = triad ? b[i] + scalar * c[i] : 0.0;
            }, tbb::static_partitioner());
        });
    };
    pass(false);  // touch every page once
    double best = 1e300;
    for (int k = 0; k < 5; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        pass(true);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    if (a[n / 2] != 1.0 + scalar * 2.0) std::fprintf(stderr, "triad check failed\n");
    return 24.0 * static_cast<double>(n) / best;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t reaches = 10000;
    int days = 365, threads = 0, max_cells = 0;
    std::uint64_t seed = 1;
    double rel_tol = 1e-6, exchange_step = 0.0;
    bool reach_ends = true, triad = true;
    std::string dump;
    reaches::DynamicStepper stepper = reaches::DynamicStepper::Auto;
    bench::CommandLine cl(argc, argv);
    while (cl.next()) {
        if (cl.is("--reaches")) reaches = cl.size();
        else if (cl.is("--days")) days = cl.integer();
        else if (cl.is("--seed")) seed = cl.size();
        else if (cl.is("--threads")) threads = cl.integer();
        else if (cl.is("--max-cells")) max_cells = cl.integer();
        else if (cl.is("--rel-tol")) rel_tol = cl.number();
        else if (cl.is("--exchange-step")) exchange_step = cl.number();
        else if (cl.is("--no-reach-ends")) reach_ends = false;
        else if (cl.is("--no-triad")) triad = false;
        else if (cl.is("--dump")) dump = cl.value();
        else if (cl.is("--stepper")) {
            const std::string s = cl.value();
            stepper = s == "dopri5" ? reaches::DynamicStepper::Dopri5
                      : s == "rosenbrock4" ? reaches::DynamicStepper::Rosenbrock4
                      : s == "odeint" ? reaches::DynamicStepper::Odeint : reaches::DynamicStepper::Auto;
        } else {
            return cl.unknown();
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    const scenarios::CaseModel m = bench::make_synthetic(bench::dynamic_spec(reaches, seed));
    const auto inputs = scenarios::point_inputs(m);
    const auto obs = scenarios::observations(m);
    const std::size_t n = m.net.size();

    const scenarios::DynamicInputs in = bench::synthetic_dynamic_inputs(m, days, seed);
    scenarios::SimulateOptions so;
    so.year = scenarios::DynamicYear::Recorded;
    so.compare_steady = false;
    reaches::DynamicOptions& opt = so.solver;
    opt.threads = threads;
    if (max_cells > 0) opt.max_cells = max_cells;
    opt.rel_tol = rel_tol;
    opt.stepper = stepper;
    opt.record_reach_ends = reach_ends;
    opt.exchange_step_d = exchange_step;  // (0: one piece a day; qingliu dynamic's default is 0.125)
    // timed: the library call as the command makes it (forcing, solve, section summaries)
    const auto t1 = std::chrono::steady_clock::now();
    const double p1 = processor_s();
    const scenarios::Simulation sim = scenarios::simulate(m, {}, in, so);
    const reaches::DynamicResult& res = sim.scenarios.front().result;
    const auto t2 = std::chrono::steady_clock::now();
    const double simulate_processor_s = processor_s() - p1;
    const double setup_s = std::chrono::duration<double>(t1 - t0).count();
    const double solve_s = std::chrono::duration<double>(t2 - t1).count();
    std::size_t cells = 0;
    int maxc = 0;
    for (const auto& l : res.layout) {
        cells += l.cells;
        maxc = std::max(maxc, l.cells);
    }
    std::printf("load average %s (other work running makes the times upper bounds)\n", bench::load_average().c_str());
    std::printf("reaches %zu, days %d, sources %zu, sections %zu, threads %s\n", n, days, m.sources.size(), obs.size(),
                threads > 0 ? std::to_string(threads).c_str() : "all");
    std::printf("cells %zu (mean %.2f, max %d per reach)\n", cells, static_cast<double>(cells) / n, maxc);
    const double iv = static_cast<double>(res.intervals_relaxed + res.intervals_dopri5 + res.intervals_rosenbrock4 + res.intervals_exact);
    std::printf("reach-constituent intervals: %.1f %% closed form (relaxed), %.1f %% dopri5, %.1f %% rosenbrock4, %.1f %% exact exponential\n",
                100.0 * res.intervals_relaxed / iv, 100.0 * res.intervals_dopri5 / iv, 100.0 * res.intervals_rosenbrock4 / iv,
                100.0 * res.intervals_exact / iv);
    std::printf("steps %llu accepted, %llu rejected (%.2f per reach-day)\n", static_cast<unsigned long long>(res.steps_taken),
                static_cast<unsigned long long>(res.steps_rejected), static_cast<double>(res.steps_taken) / (n * days));
    std::printf("setup %.3f s, simulate (forcing, solve, summaries) %.3f s: %.3g reach-days per second\n", setup_s, solve_s, n * days / solve_s);
    // processor time is what other work on a shared machine disturbs least; on the 2 cores the wall time of an idle
    // run is at least half of it
    std::printf("simulate processor time %.3f s (every thread; %.3f s per core of 2)\n", simulate_processor_s, simulate_processor_s / 2.0);
    // Targets for a year at daily output on the 2-core machine: 10^4 reaches in 2 s, 10^5 in 8 s, 10^6 in 60 s;
    // memory under 4 GB.
    const std::size_t k = (n + 500) / 1000;
    if (days == 365 && (k == 10 || k == 100 || k == 1000)) {
        const double target = k == 10 ? 2.0 : k == 100 ? 8.0 : 60.0;
        std::printf("target %.0f s for %zu reaches: solve / target = %.2f (%s); processor time / 2 cores / target = %.2f\n", target,
                    n, solve_s / target, solve_s <= target ? "met" : "missed", simulate_processor_s / 2.0 / target);
    }
    std::printf("mass balance: largest reach imbalance %.3g, network %.3g (relative)\n", res.max_reach_imbalance,
                res.network_imbalance);
    if (!dump.empty()) {
        std::FILE* fp = std::fopen(dump.c_str(), "wb");
        if (!fp) {
            std::fprintf(stderr, "cannot write %s\n", dump.c_str());
            return 1;
        }
        std::fwrite(res.obs_conc_mgL.data(), sizeof(double), res.obs_conc_mgL.size(), fp);
        std::fwrite(res.obs_flow_m3s.data(), sizeof(double), res.obs_flow_m3s.size(), fp);
        for (const auto& b : res.budget)
            for (const auto* v : {&b.in_g, &b.out_g, &b.decayed_g, &b.storage_start_g, &b.storage_end_g})
                std::fwrite(v->data(), sizeof(double), v->size(), fp);
        std::fclose(fp);
    }
    const double peak_gb = bench::peak_rss_kb() / (1024.0 * 1024.0);
    std::printf("peak memory %.1f MB (target 4 GB: %.2f of it)\n", bench::peak_rss_kb() / 1024.0, peak_gb / 4.0);

    // Memory traffic a reach-day needs (bytes), counted from the solver's arrays: the interval outflow (flow and the
    // mass of each constituent, doubles) written and read back by the reach below; the upstream inflow gathered
    // into the reach's own array and read in each interval (same size); the reach-end series (float flow and
    // concentrations), when recorded: written reach by reach, read and written again interval-major by the solver's
    // final pass, read by its consumer; the forcing (flow scale, and a load factor per placed input).
    const double stride = 8.0 * (1 + kNumConstituents);
    const double placed = static_cast<double>(inputs.size()) / static_cast<double>(n);
    const double per_reach_day = 2.0 * stride + 2.0 * stride + (reach_ends ? 4.0 * 4.0 * (1 + kNumConstituents) : 0.0) + 8.0 + 8.0 * placed;
    const double traffic = per_reach_day * static_cast<double>(n) * days;
    std::printf("memory traffic: %.0f bytes per reach-day (counted), %.2f GB in all; achieved %.2f GB/s\n", per_reach_day,
                traffic / 1e9, traffic / solve_s / 1e9);
    if (triad) {
        const double bw = triad_bandwidth(threads);
        const double floor_s = traffic / bw;
        std::printf("STREAM-like triad: %.1f GB/s on %s thread(s); at that bandwidth the traffic takes %.3f s: the solver is "
                    "%.0f x that floor (compute-bound; %.3f%% of the bandwidth used)\n",
                    bw / 1e9, threads > 0 ? std::to_string(threads).c_str() : "all", floor_s, solve_s / floor_s,
                    100.0 * traffic / solve_s / bw);
    }
    return 0;
}
