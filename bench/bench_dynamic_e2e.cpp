// `qingliu dynamic` end to end against its library call alone (scenarios::simulate), on the same synthetic case.
//
//   bench_dynamic_e2e [--reaches N] [--seed S] [--dir DIR] [--keep] [--repeat R] [--qingliu PATH]
//
// Writes the synthetic network of bench_dynamic (bench/synthetic.hpp: N reaches, N/10 sources, N/100 sections, a
// daily year of gauge flows with a wet season and storms) as a case folder (bench/synthetic_case.hpp), then
//   1. library alone: reads the case as the command does (io::load_case, io::read_dynamic_inputs) and times the
//      call the command makes, scenarios::simulate, with nothing recorded but the sections (all threads);
//   2. end to end: runs `qingliu --store DIR/runs.sqlite dynamic DIR/case --out DIR/out` as a user would (console
//      output to /dev/null) and times it, with its peak resident memory (getrusage of the child).
// Prints both, end to end / library against the target 1.5, and peak memory against 1 GB; best of R runs each.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "bench/bench_common.hpp"
#include "bench/synthetic.hpp"
#include "bench/synthetic_case.hpp"
#include "common/error.hpp"
#include "io/case_reader.hpp"
#include "io/dynamic_inputs.hpp"
#include "analyses/simulate.hpp"

extern char** environ;

using namespace qingliu;
namespace fs = std::filesystem;

namespace {

double cpu_s(const rusage& ru) {
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

double self_cpu_s() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return cpu_s(ru);
}

struct ChildRun {
    int status = -1;
    double wall_s = 0.0, cpu_s = 0.0;
    long peak_kb = 0;
};

ChildRun run_child(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    ChildRun r;
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return r;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peak_kb = ru.ru_maxrss;
    r.cpu_s = cpu_s(ru);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t reaches = 10000;
    std::uint64_t seed = 1;
    int repeat = 1;
    bool keep = false;
    std::string dir, qingliu = QINGLIU_BINARY;
    bench::CommandLine cl(argc, argv);
    while (cl.next()) {
        if (cl.is("--reaches")) reaches = cl.size();
        else if (cl.is("--seed")) seed = cl.size();
        else if (cl.is("--dir")) dir = cl.value();
        else if (cl.is("--keep")) keep = true;
        else if (cl.is("--repeat")) repeat = std::max(1, cl.integer());
        else if (cl.is("--qingliu")) qingliu = cl.value();
        else return cl.unknown();
    }
    if (dir.empty()) dir = (fs::temp_directory_path() / ("qingliu-e2e-" + std::to_string(reaches) + "-" + std::to_string(::getpid()))).string();
    const fs::path case_dir = fs::path(dir) / "case";
    try {
        {
            const scenarios::CaseModel m = bench::make_synthetic(bench::dynamic_spec(reaches, seed));
            const scenarios::DynamicInputs in = bench::synthetic_dynamic_inputs(m, 365, seed);
            bench::write_case(m, case_dir.string(), in.gauge_reach, in.year, in.gauge_m3s);
        }

        // 1. the library call alone, on the case as read: scenarios::simulate as the command makes it, with nothing
        // recorded but the sections and no steady comparison
        io::LoadedCase lc = io::load_case(case_dir.string());
        const scenarios::DynamicInputs in = io::read_dynamic_inputs(lc);
        scenarios::SimulateOptions so;
        so.solver.record_reach_ends = false;
        so.compare_steady = false;
        double solve_s = 1e300, solve_cpu_s = 1e300;
        std::size_t cells = 0, days = 0;
        for (int k = 0; k < repeat; ++k) {
            const auto t0 = std::chrono::steady_clock::now();
            const double c0 = self_cpu_s();
            const scenarios::Simulation sim = scenarios::simulate(lc.model, {}, in, so);
            solve_s = std::min(solve_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            solve_cpu_s = std::min(solve_cpu_s, self_cpu_s() - c0);
            cells = 0;
            for (const auto& l : sim.scenarios.front().result.layout) cells += static_cast<std::size_t>(l.cells);
            days = static_cast<std::size_t>(sim.days);
        }
        const long solver_peak_kb = bench::peak_rss_kb();

        // 2. the command, end to end
        ChildRun best;
        best.wall_s = 1e300;
        for (int k = 0; k < repeat; ++k) {
            const fs::path out = fs::path(dir) / "out";
            fs::remove_all(out);
            fs::remove(fs::path(dir) / "runs.sqlite");
            const ChildRun r = run_child({qingliu, "--store", (fs::path(dir) / "runs.sqlite").string(), "dynamic", case_dir.string(),
                                          "--out", out.string()});
            if (r.status != 0) {
                std::fprintf(stderr, "%s dynamic failed (exit %d); case kept in %s\n", qingliu.c_str(), r.status, dir.c_str());
                return 1;
            }
            if (r.wall_s < best.wall_s) best = r;
        }
        std::uintmax_t nc_bytes = 0;
        std::string files;
        for (const auto& e : fs::directory_iterator(fs::path(dir) / "out")) {
            files += (files.empty() ? "" : ", ") + e.path().filename().string();
            if (e.path().extension() == ".nc") nc_bytes += e.file_size();
        }
        const std::size_t n = lc.model.net.size();
        std::printf("load average %s (other work running makes the times upper bounds)\n", bench::load_average().c_str());
        std::printf("reaches %zu, cells %zu, sources %zu, sections %zu, days %zu\n", n, cells, lc.model.sources.size(),
                    lc.model.sections.size(), days);
        std::printf("scenarios::simulate alone (all threads): %.3f s wall, %.3f s processor; peak memory of the benchmark process %.0f MB\n", solve_s,
                    solve_cpu_s, solver_peak_kb / 1024.0);
        std::printf("qingliu dynamic end to end: %.3f s wall, %.3f s processor; peak memory %.0f MB; outputs: %s (NetCDF %.1f MB)\n",
                    best.wall_s, best.cpu_s, best.peak_kb / 1024.0, files.c_str(), nc_bytes / 1048576.0);
        const double ratio = best.wall_s / solve_s;
        std::printf("end to end / simulate() = %.2f wall; target 1.5: %.2f of it (%s)\n", ratio, ratio / 1.5, ratio <= 1.5 ? "met" : "missed");
        // On a shared machine the wall times depend on what else runs; processor times much less.
        std::printf("end to end / simulate() = %.2f processor time (%.2f of 1.5)\n", best.cpu_s / solve_cpu_s, best.cpu_s / solve_cpu_s / 1.5);
        std::printf("peak memory end to end / 1 GB = %.2f (%s)\n", best.peak_kb / (1024.0 * 1024.0),
                    best.peak_kb <= 1024L * 1024L ? "met" : "missed");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dynamic_e2e: %s\n", e.what());
        return 1;
    }
    if (!keep) fs::remove_all(dir);
    else std::printf("case and outputs kept in %s\n", dir.c_str());
    return 0;
}
