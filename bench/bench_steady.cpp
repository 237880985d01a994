// Speed of the steady solver and of scenario sweeps on synthetic networks (bench/synthetic.hpp).
//
//   bench_steady                       # 10^4, 10^5, 10^6 reaches with 10^5 sources; 1,000 scenarios on 10^4 reaches
//   bench_steady --sizes 10000,100000 --sources 20000 --repeat 3 --scenarios 200
//
// Steady: each size runs in a child process so that its peak memory (getrusage ru_maxrss) is its own. Printed per
// size: best and median wall time of `repeat` solves with all threads and with one, reach evaluations per second
// (reaches x 3 constituents routed per second of the best time), bytes per reach of the case, of the result and of the
// whole process at its peak, and the ratio to the target (10^6 reaches in under 1 s).
// Sweep: 1,000 scenarios of source-level measures (source cuts, plant standards, outfall remediation and closures)
// on 10^4 reaches, evaluated (a) by applying each scenario and solving the network in full, in parallel, and
// (b) with scenarios::Sweep (linear source-section response, full solve only where a measure changes flows); both
// times, the share of scenarios on the linear path, the largest relative difference between (a) and (b), and the
// ratio to the target (1,000 scenarios in under 5 s).
#include <sys/resource.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "bench/synthetic.hpp"
#include "scenarios/measures.hpp"
#include "analyses/sweep.hpp"

using namespace qingliu;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    std::vector<std::size_t> sizes{10000, 100000, 1000000};
    std::size_t sources = 100000, sections = 1000, repeat = 5;
    std::size_t scenarios = 1000, sweep_reaches = 10000, sweep_sources = 2000, sweep_sections = 200;
    std::uint64_t seed = 1;
    bool steady = true, sweep = true;
};

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

std::size_t result_bytes(const reaches::SteadyResult& r) {
    return r.flow_in_m3s.capacity() * 8 * 4 + r.conc_out_mgL.capacity() * sizeof(PerConstituent) * 4 + r.dry.capacity() +
           r.obs_conc_mgL.capacity() * sizeof(PerConstituent) + r.obs_flow_m3s.capacity() * 8;
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Timing {
    double best = 0, median = 0;
    double cpu = 0;  ///< processor time of the best run, all threads (on a shared machine wall time includes waiting)
};

template <class F>
Timing time_it(std::size_t repeat, F&& f) {
    std::vector<std::pair<double, double>> t;
    for (std::size_t i = 0; i < repeat; ++i) {
        const auto a = Clock::now();
        const double c = cpu_seconds();
        f();
        t.push_back({seconds(a, Clock::now()), cpu_seconds() - c});
    }
    std::sort(t.begin(), t.end());
    return {t.front().first, t[t.size() / 2].first, t.front().second};
}

void steady_size(const Args& a, std::size_t n) {
    bench::SyntheticSpec spec;
    spec.reaches = n;
    spec.sources = a.sources;
    spec.sections = a.sections;
    spec.side_channels = n / 200;
    spec.seed = a.seed;
    const auto g0 = Clock::now();
    const scenarios::CaseModel m = bench::make_synthetic(spec);
    const double gen_s = seconds(g0, Clock::now());
    const auto inputs = scenarios::point_inputs(m);
    const auto obs = scenarios::observations(m);
    reaches::SteadyOptions opt;
    opt.k_per_d = m.kinetics.at(m.temperature_c);
    const long rss_before_kb = bench::peak_rss_kb();
    reaches::SteadyResult res = reaches::solve_steady(m.net, inputs, obs, opt);  // warm-up (page faults, caches)
    const Timing all = time_it(a.repeat, [&] { res = reaches::solve_steady(m.net, inputs, obs, opt); });
    Timing one;
    {
        tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
        one = time_it(a.repeat, [&] { res = reaches::solve_steady(m.net, inputs, obs, opt); });
    }
    const long rss_kb = bench::peak_rss_kb();
    const double nn = static_cast<double>(m.net.size());
    std::printf("%9zu  %7zu  %8.4f  %8.4f  %8.4f  %8.4f  %8.4f  %6.2f  %11.3g  %7.0f  %7.0f  %7.0f  %7.0f  %6.1f  %.1e\n",
                m.net.size(), inputs.size(), all.best, all.median, all.cpu, one.best, one.cpu, one.best / all.best, nn / all.best,
                static_cast<double>(bench::case_bytes(m)) / nn, static_cast<double>(result_bytes(res)) / nn,
                static_cast<double>(rss_kb - rss_before_kb) * 1024.0 / nn, static_cast<double>(rss_kb) * 1024.0 / nn, gen_s,
                res.max_reach_imbalance);
    if (m.net.size() >= 1000000)
        std::printf("           target 10^6 reaches < 1 s: %.3f s = %.2f x the target (%s)\n", all.best, all.best / 1.0,
                    all.best < 1.0 ? "met" : "NOT met");
    std::fflush(stdout);
}

// Random source-level scenarios: each applies 1-4 measures drawn from a pool of source cuts, plant standards and
// outfall remediations; about one scenario in ten also closes outfalls (their water is removed: flows change).
std::vector<scenarios::Scenario> make_scenarios(const scenarios::CaseModel& m, std::size_t count, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    auto u01 = [&] { return static_cast<double>(g() >> 11) * 0x1.0p-53; };
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(u01() * static_cast<double>(n)) % n; };
    std::vector<std::int32_t> plants, outfalls;
    for (std::size_t i = 0; i < m.sources.size(); ++i) {
        if (m.sources[i].type == "sewage_plant") plants.push_back(static_cast<std::int32_t>(i));
        if (m.sources[i].type == "outfall") outfalls.push_back(static_cast<std::int32_t>(i));
    }
    auto some = [&](const std::vector<std::int32_t>& from, std::size_t k) {
        std::vector<std::int32_t> out;
        for (std::size_t i = 0; i < k && !from.empty(); ++i) out.push_back(from[pick(from.size())]);
        return out;
    };
    std::vector<scenarios::Measure> pool;
    for (int i = 0; i < 40; ++i) {
        scenarios::Measure x;
        x.id = "m" + std::to_string(i);
        switch (i % 4) {
            case 0:  // cut a type of source
                x.kind = scenarios::MeasureKind::SourceReduction;
                x.types = {i % 8 == 0 ? "livestock" : "industry"};
                x.removal = {0.2 + 0.6 * u01(), 0.2 + 0.6 * u01(), 0.2 + 0.6 * u01()};
                break;
            case 1:  // cut chosen sources
                x.kind = scenarios::MeasureKind::SourceReduction;
                for (int k = 0; k < 30; ++k) x.sources.push_back(static_cast<std::int32_t>(pick(m.sources.size())));
                x.removal = {0.5, 0.5, 0.5};
                break;
            case 2: {  // plants to surface-water class IV or V (GB 3838-2002: COD 30/40, NH3-N 1.5/2, TP 0.3/0.4)
                x.kind = scenarios::MeasureKind::PlantStandard;
                const bool iv = i % 8 == 2;
                x.standard = iv ? "GB3838-IV" : "GB3838-V";
                x.limit_mgL = iv ? PerConstituent{30, 1.5, 0.3} : PerConstituent{40, 2.0, 0.4};
                x.sources = some(plants, 50);
                break;
            }
            default:  // outfall remediation
                x.kind = scenarios::MeasureKind::Outfall;
                x.action = "remediate";
                x.sources = some(outfalls, 40);
                x.removal = {0.6, 0.7, 0.5};
                break;
        }
        pool.push_back(std::move(x));
    }
    std::vector<scenarios::Scenario> out;
    for (std::size_t s = 0; s < count; ++s) {
        scenarios::Scenario sc;
        sc.id = sc.name = sc.name_en = "s" + std::to_string(s);
        const std::size_t k = 1 + pick(4);
        for (std::size_t i = 0; i < k; ++i) sc.measures.push_back(pool[pick(pool.size())]);
        if (u01() < 0.1) {
            scenarios::Measure close;
            close.id = "close" + std::to_string(s);
            close.kind = scenarios::MeasureKind::Outfall;
            close.action = "close";
            close.sources = some(outfalls, 5);
            sc.measures.push_back(std::move(close));
        }
        out.push_back(std::move(sc));
    }
    return out;
}

void sweep_bench(const Args& a) {
    bench::SyntheticSpec spec;
    spec.reaches = a.sweep_reaches;
    spec.sources = a.sweep_sources;
    spec.sections = a.sweep_sections;
    spec.side_channels = a.sweep_reaches / 200;
    spec.seed = a.seed + 1;
    const scenarios::CaseModel m = bench::make_synthetic(spec);
    const auto scen = make_scenarios(m, a.scenarios, a.seed + 2);
    std::printf("\nScenario sweep: %zu scenarios on %zu reaches, %zu sources, %zu sections, %d threads\n", scen.size(),
                m.net.size(), m.sources.size(), m.sections.size(), tbb::this_task_arena::max_concurrency());

    // (a) every scenario applied and solved in full, in parallel
    std::vector<std::vector<scenarios::SectionResult>> full(scen.size());
    const auto f0 = Clock::now();
    tbb::parallel_for(std::size_t(0), scen.size(), [&](std::size_t i) {
        full[i] = scenarios::evaluate(scenarios::apply_scenario(m, scen[i])).sections;
    });
    const double full_s = seconds(f0, Clock::now());

    // (b) the linear response, built once
    const auto s0 = Clock::now();
    const scenarios::Sweep sweep(m);
    const double build_s = seconds(s0, Clock::now());
    const auto e0 = Clock::now();
    const auto fast = sweep.evaluate(scen);
    const double eval_s = seconds(e0, Clock::now());

    std::size_t linear = 0;
    double max_rel = 0.0;
    for (std::size_t i = 0; i < scen.size(); ++i) {
        linear += fast[i].linear ? 1 : 0;
        for (std::size_t k = 0; k < m.sections.size(); ++k)
            for (int c = 0; c < kNumConstituents; ++c) {
                const double x = fast[i].sections[k].conc_mgL[c], y = full[i][k].conc_mgL[c];
                max_rel = std::max(max_rel, std::abs(x - y) / std::max(std::abs(y), 1e-300));
            }
    }
    const double sweep_s = build_s + eval_s;
    std::printf("  full solve of every scenario        %8.3f s  (%.2f ms per scenario)\n", full_s, 1e3 * full_s / scen.size());
    std::printf("  sweep: response built once          %8.3f s  (%zu nonzero source-section terms)\n", build_s,
                sweep.response().obs.size());
    std::printf("  sweep: %zu scenarios evaluated       %8.3f s  (%zu linear, %zu solved in full)\n", scen.size(), eval_s, linear,
                scen.size() - linear);
    std::printf("  sweep total                         %8.3f s  = %.1f x faster than full solves\n", sweep_s, full_s / sweep_s);
    std::printf("  largest relative difference sweep vs full solve: %.2e\n", max_rel);
    std::printf("  target 1,000 scenarios on 10^4 reaches < 5 s: %.3f s = %.3f x the target (%s)\n", sweep_s, sweep_s / 5.0,
                sweep_s < 5.0 ? "met" : "NOT met");
}

std::vector<std::size_t> parse_sizes(const char* s) {
    std::vector<std::size_t> out;
    for (const char* p = s; *p;) {
        char* end = nullptr;
        out.push_back(std::strtoull(p, &end, 10));
        p = *end == ',' ? end + 1 : end;
        if (end == p && *p) break;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto next = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", k.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (k == "--sizes") a.sizes = parse_sizes(next());
        else if (k == "--sources") a.sources = std::strtoull(next(), nullptr, 10);
        else if (k == "--sections") a.sections = std::strtoull(next(), nullptr, 10);
        else if (k == "--repeat") a.repeat = std::max<std::size_t>(1, std::strtoull(next(), nullptr, 10));
        else if (k == "--scenarios") a.scenarios = std::strtoull(next(), nullptr, 10);
        else if (k == "--sweep-reaches") a.sweep_reaches = std::strtoull(next(), nullptr, 10);
        else if (k == "--sweep-sources") a.sweep_sources = std::strtoull(next(), nullptr, 10);
        else if (k == "--seed") a.seed = std::strtoull(next(), nullptr, 10);
        else if (k == "--no-sweep") a.sweep = false;
        else if (k == "--no-steady") a.steady = false;
        else {
            std::printf("usage: bench_steady [--sizes N,N,..] [--sources N] [--sections N] [--repeat N] [--scenarios N]\n"
                        "                    [--sweep-reaches N] [--sweep-sources N] [--seed N] [--no-sweep] [--no-steady]\n");
            return k == "-h" || k == "--help" ? 0 : 2;
        }
    }
    if (a.steady) {
        std::printf("Steady solver, 3 constituents, %zu sources, %zu sections, %d threads available\n", a.sources, a.sections,
                    tbb::this_task_arena::max_concurrency());
        std::printf("%9s  %7s  %8s  %8s  %8s  %8s  %8s  %6s  %11s  %7s  %7s  %7s  %7s  %6s  %s\n", "reaches", "inputs",
                    "best_s", "median_s", "cpu_s", "1thr_s", "1thr_cpu", "speedup", "reaches/s", "B/reach", "B/reach",
                    "B/reach", "B/reach", "gen_s", "imbalance");
        std::printf("%9s  %7s  %8s  %8s  %8s  %8s  %8s  %6s  %11s  %7s  %7s  %7s  %7s  %6s\n", "", "", "", "", "", "", "",
                    "", "", "case", "result", "solve", "peak", "");
        std::fflush(stdout);
        for (const std::size_t n : a.sizes) {
            const pid_t pid = fork();
            if (pid == 0) {
                try {
                    steady_size(a, n);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "size %zu: %s\n", n, e.what());
                    _exit(1);
                }
                _exit(0);
            }
            int status = 0;
            waitpid(pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::fprintf(stderr, "size %zu failed\n", n);
        }
        std::printf("(B/reach: case = network + sources + sections as held in memory; result = the solver's output; "
                    "solve = growth of the peak RSS during the solves; peak = peak RSS of the process)\n");
    }
    if (a.sweep) sweep_bench(a);
    return 0;
}
