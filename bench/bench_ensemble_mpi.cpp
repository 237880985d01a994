// Monte Carlo of the dynamic year shared among MPI ranks: a synthetic network (bench/synthetic.hpp), a year of daily
// gauge flows, and `draws` draws of the decay rates (k20 of every state variable triangular on [0.5, 1.5] x its
// value, scenarios::default_uncertainty); each draw runs the whole dynamic year through scenarios::simulate and keeps every section's annual mean.
// The draws are shared among the ranks by draw number (scenarios::ensemble_share) and gathered to rank 0 in draw
// order, so the result does not depend on the number of ranks: rank 0 prints a digest of every value to check it.
//
//   mpirun -n R bench_ensemble_mpi [--reaches 10000] [--draws 8] [--days 365] [--threads T] [--seed S]
//
// Prints the time per draw (wall time of the job / draws), the projection for 10^4 draws, and the digest. Run it with
// -n 1 and -n 2 (and the same --threads) to see the scaling. Without MPI it runs as one rank.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <string>

#include <tbb/global_control.h>

#include "bench/bench_common.hpp"
#include "bench/synthetic.hpp"
#include "mpi/world.hpp"
#include "optimize/montecarlo.hpp"
#include "analyses/simulate.hpp"

using namespace qingliu;

int main(int argc, char** argv) {
    std::size_t reaches = 10000, draws = 8;
    int days = 365, threads = 0;
    std::uint64_t seed = 1;
    bench::CommandLine cl(argc, argv);
    while (cl.next()) {
        if (cl.is("--reaches")) reaches = cl.size();
        else if (cl.is("--draws")) draws = cl.size();
        else if (cl.is("--days")) days = cl.integer();
        else if (cl.is("--threads")) threads = cl.integer();
        else if (cl.is("--seed")) seed = cl.size();
        else return cl.unknown();
    }
    mpi::World world;
    std::unique_ptr<tbb::global_control> limit;
    if (threads > 0) limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);

    const scenarios::CaseModel m = bench::make_synthetic(bench::dynamic_spec(reaches, seed));
    const auto inputs = scenarios::point_inputs(m);
    const auto obs = scenarios::observations(m);
    const std::size_t n = m.net.size(), nobs = obs.size();
    const scenarios::DynamicInputs in = bench::synthetic_dynamic_inputs(m, days, seed);
    scenarios::SimulateOptions so;
    so.year = scenarios::DynamicYear::Recorded;
    so.compare_steady = false;
    so.solver.threads = threads;
    so.solver.record_reach_ends = false;  // sections only
    so.solver.exchange_step_d = 0.0;  // one piece a day: the annual means kept are the same to 3e-4 mg/L (kExchangeStepD)

    const auto params = scenarios::default_uncertainty(m);
    scenarios::MonteCarloOptions mo;
    mo.draws = draws;
    mo.seed = seed;
    mo.draw_coefficients = false;
    const auto [first, count] = scenarios::ensemble_share(draws, world.rank(), world.size());
    world.barrier();
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    std::vector<double> mine(count * nobs * kNumConstituents);
    for (std::size_t k = 0; k < count; ++k) {
        const scenarios::CaseModel d = scenarios::draw_case(m, params, mo, first + k);  // draw i: its own stream
        const scenarios::Simulation sim = scenarios::simulate(d, {}, in, so);
        const auto& compliance = sim.scenarios.front().compliance;
        for (std::size_t o = 0; o < nobs; ++o)
            for (int c = 0; c < kNumConstituents; ++c) mine[(k * nobs + o) * kNumConstituents + c] = compliance[o].annual_mean_mgL[c];
    }
    const double mine_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::vector<double> cpu = world.gather(std::vector<double>{static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC});
    const std::vector<double> all = world.gather(mine);
    const double wall_s = world.max(mine_s);
    if (!world.root()) return 0;
    // digest: every annual mean weighted by its position, so a value out of place changes it
    double digest = 0.0;
    for (std::size_t i = 0; i < all.size(); ++i) digest += all[i] * static_cast<double>(i % 1009 + 1);
    const double per_draw = wall_s / static_cast<double>(draws);
    std::printf("reaches %zu, sections %zu, days %d, draws %zu, ranks %d, threads per rank %s\n", n, nobs, days, draws, world.size(),
                threads > 0 ? std::to_string(threads).c_str() : "all");
    double cpu_s = 0.0;
    for (double c : cpu) cpu_s += c;
    std::printf("wall %.2f s: %.3f s per draw (%.3f s per draw per rank); processor time %.3f s per draw (all ranks)\n", wall_s,
                per_draw, per_draw * world.size(), cpu_s / static_cast<double>(draws));
    std::printf("projection for 10^4 draws: %.0f s (%.1f h) on %d rank(s) of this machine\n", per_draw * 1e4, per_draw * 1e4 / 3600.0,
                world.size());
    std::printf("digest of the %zu annual means (equal for any number of ranks): %.17g\n", all.size(), digest);
    return 0;
}
