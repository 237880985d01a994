// Speed of the water-quality scenario sweep (analyses/water_quality_sweep.hpp) on a synthetic case
// (bench/synthetic.hpp), printed as the ratio to its target with the load average (other work on the machine makes
// every time an upper bound).
//
//   bench_wq_sweep                                   # 1,000 scenarios on 10^4 reaches, 2,000 sources, 200 sections
//   bench_wq_sweep --reaches 2000 --scenarios 200 --candidates 40 --full-sample 50
//
// Every solve after the base one (the responses, the scenarios solved in full) covers only the reaches downstream of
// the sources it changes (analyses/wq_downstream.hpp); the share of reaches so solved is printed.
//
// Scenarios: each cuts 1 to 6 sources drawn from `candidates` of the case's sources (the list of measures a bureau
// weighs) by random shares per constituent; every 10th also closes an outfall with its water (a full solve). Water
// quality without oxygen effects (the linear path is exact), sections over every GB 3838 item. Printed: the time of
// full solves of `full-sample` scenarios scaled to all of them (a) and of the sweep (b: the base solve, the responses
// of the places the scenarios touch, built on first use, and the evaluations), the share on the linear path, the
// largest relative difference between (a) and (b) on the sampled scenarios, and the ratio to the target (1,000
// scenarios on 10^4 reaches in under 5 s, the target of the three-constituent sweep in bench_steady).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "analyses/water_quality_sweep.hpp"
#include "bench/bench_common.hpp"

using namespace qingliu;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
double u01(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

std::vector<scenarios::Scenario> make_scenarios(const scenarios::CaseModel& m, std::size_t n, std::size_t candidates,
                                                std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<std::int32_t> pool;
    for (std::size_t j = 0; j < m.sources.size() && pool.size() < candidates; j += std::max<std::size_t>(1, m.sources.size() / candidates))
        pool.push_back(static_cast<std::int32_t>(j));
    std::vector<std::int32_t> outfalls;
    for (std::size_t j = 0; j < m.sources.size(); ++j)
        if (m.sources[j].flow_m3s > 0.0) outfalls.push_back(static_cast<std::int32_t>(j));
    std::vector<scenarios::Scenario> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i].id = "s" + std::to_string(i);
        const std::size_t k = 1 + g() % 6;
        for (std::size_t c = 0; c < k; ++c) {
            scenarios::Measure x;
            x.kind = scenarios::MeasureKind::SourceReduction;
            x.sources = {pool[g() % pool.size()]};
            for (auto& r : x.removal) r = 0.9 * u01(g);
            out[i].measures.push_back(x);
        }
        if (i % 10 == 9 && !outfalls.empty()) {
            scenarios::Measure x;
            x.kind = scenarios::MeasureKind::Outfall;
            x.action = "close";
            x.sources = {outfalls[g() % outfalls.size()]};
            out[i].measures.push_back(x);
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t reaches = 10000, sources = 2000, sections = 200, n = 1000, candidates = 40, sample = 100;
    std::uint64_t seed = 1;
    bench::CommandLine cl(argc, argv);
    while (cl.next()) {
        if (cl.is("--reaches")) reaches = cl.size();
        else if (cl.is("--sources")) sources = cl.size();
        else if (cl.is("--sections")) sections = cl.size();
        else if (cl.is("--scenarios")) n = cl.size();
        else if (cl.is("--candidates")) candidates = cl.size();
        else if (cl.is("--full-sample")) sample = cl.size();
        else if (cl.is("--seed")) seed = cl.size();
        else return cl.unknown();
    }
    bench::SyntheticSpec spec;
    spec.reaches = reaches;
    spec.sources = sources;
    spec.sections = sections;
    spec.seed = seed;
    const scenarios::CaseModel m = bench::make_synthetic(spec);
    scenarios::WaterQualityOptions o;
    o.steady.params.cbod_o2_effect = reaches::wq::O2Effect::None;
    o.steady.params.nitrification_o2_effect = reaches::wq::O2Effect::None;
    o.steady.params.denitrification_o2_effect = reaches::wq::O2Effect::None;
    o.default_depth_m = 1.0;  // reaches of the synthetic case without a depth: 1 m
    const auto scen = make_scenarios(m, n, candidates, seed + 1);
    sample = std::min(sample, n);
    std::printf("Water-quality scenario sweep: %zu scenarios on %zu reaches, %zu sources, %zu sections, %d threads; "
                "load average %s\n",
                n, m.net.size(), m.sources.size(), m.sections.size(), tbb::this_task_arena::max_concurrency(),
                bench::load_average().c_str());

    // (a) full solves of a sample, in parallel, scaled to every scenario
    std::vector<std::vector<scenarios::WaterQualitySection>> full(sample);
    const auto f0 = Clock::now();
    tbb::parallel_for(std::size_t(0), sample, [&](std::size_t i) {
        full[i] = scenarios::evaluate_water_quality(scenarios::apply_scenario(m, scen[i]), o).sections;
    });
    const double full_sample_s = seconds(f0, Clock::now());
    const double full_s = full_sample_s * static_cast<double>(n) / static_cast<double>(std::max<std::size_t>(sample, 1));

    // (b) the sweep
    const auto s0 = Clock::now();
    const scenarios::WqSweep sweep(m, o);
    const double base_s = seconds(s0, Clock::now());
    const auto e0 = Clock::now();
    const auto fast = sweep.evaluate(scen);
    const double eval_s = seconds(e0, Clock::now());
    const double sweep_s = base_s + eval_s;

    std::size_t linear = 0;
    for (const auto& r : fast) linear += r.linear ? 1 : 0;
    double max_rel = 0.0;
    for (std::size_t i = 0; i < sample; ++i)
        for (std::size_t s = 0; s < full[i].size(); ++s)
            for (std::size_t k = 0; k < full[i][s].evaluation.items.size(); ++k) {
                const double x = fast[i].sections[s].evaluation.items[k].value_mgL, y = full[i][s].evaluation.items[k].value_mgL;
                max_rel = std::max(max_rel, std::abs(x - y) / std::max(std::abs(y), 1e-6));
            }
    std::printf("  full solves: %zu sampled in %.3f s = %.1f ms each; all %zu scenarios ~ %.3f s\n", sample, full_sample_s,
                1e3 * full_sample_s / std::max<std::size_t>(sample, 1), n, full_s);
    std::printf("  sweep: base %.3f s; evaluations with responses built on first use %.3f s (%zu of %zu source places, "
                "9 linear solves each); %zu linear, %zu solved in full\n",
                base_s, eval_s, sweep.responses_built(), sweep.places(), linear, n - linear);
    std::printf("  solves after the base one, each limited to the reaches downstream of the changed sources: %zu, "
                "%zu reaches in all = %.2f %% of solving every reach\n",
                sweep.solves(), sweep.reaches_solved(),
                100.0 * static_cast<double>(sweep.reaches_solved()) /
                    std::max(1.0, static_cast<double>(sweep.solves()) * static_cast<double>(m.net.size())));
    std::printf("  sweep total %.3f s = %.1f x faster than full solves\n", sweep_s, full_s / sweep_s);
    std::printf("  largest relative difference sweep vs full solve (sampled scenarios, every item): %.2e\n", max_rel);
    const double target = 5.0 * (static_cast<double>(n) / 1000.0) * (static_cast<double>(m.net.size()) / 10000.0);
    std::printf("  target 1,000 scenarios on 10^4 reaches < 5 s (scaled: %.2f s): %.3f s = %.3f x the target (%s)\n", target,
                sweep_s, sweep_s / target, sweep_s < target ? "met" : "NOT met");
    std::printf("  load average %s\n", bench::load_average().c_str());
    return 0;
}
