// Speed of water quality with the full default QUAL2K-class set (nine species, oxygen effects on) on synthetic
// networks (bench/synthetic.hpp), printed as ratios to the targets with the load average (other work on the machine
// makes every time an upper bound).
//
//   bench_wq                              # steady: 10^4, 10^5, 10^6 reaches with 10^5 sources
//   bench_wq --sizes 10000,100000 --repeat 3 --dynamic-reaches 100000
//   bench_wq --sizes 100000 --serial 1      # steady on one thread (processor time per reach without the
//                                           # other core's interference, for comparing builds on a busy machine)
//
// The synthetic case's COD, NH3-N and TP loads become species by fixed shares (CBODu 0.45 COD, CODMn 0.3 COD,
// organic N 0.4 NH3-N, organic P 0.5 TP, inorganic P 0.5 TP, effluent DO 2 mg/L); headwaters and lateral inflow are
// class II-III river water. Steady (target 10^6 reaches in under 2 s, all cores): per size the best wall time of
// `repeat` solves with oxygen effects (Taylor series of every segment) and without them, reaches per second, ratios
// to the target, the largest reach imbalance and the share of segments that fell back to the frozen substeps, and
// the first solve's wall time with oxygen effects (the network's levels made, then kept with its topology for the
// solves after it; the results' memory touched for the first time).
// --dynamic-reaches N times a daily year of N reaches (3 cells each) with flows, diffuse loads and temperatures
// changing every day, without oxygen effects (the cells linear per day, solved exactly) and, with --dynamic-o2 1,
// with them (frozen-gate sub-pieces), and prints wall and processor time, the ratio to the dynamic target (10^5 reaches in
// 60 s, scaled linearly), how the reach-days were solved and the network's N imbalance. --dynamic-check 1 (with
// --dynamic-o2 1, up to 5,000 reaches) then runs the year again, untimed, keeping every reach's end each day, once as
// timed and once with Boost.Odeint's dopri5 at 1e-10 (the reference), and prints their largest difference
// (relative above 1 mg/L, absolute below). --frozen-tol X sets the frozen-gate sub-pieces' tolerance (absolute and
// relative; default DynamicOptions' 1e-7). --exchange-step X sets the pieces of the exchange between reaches (days;
// default DynamicOptions' 1 d; `qingliu dynamic` runs 0.125). --dispersion E gives every reach QUAL2K's dispersion
// of E m2/s between its 3 elements (and across the reach ends along each chain of reaches), so that the dynamic cells
// exchange water (stiff where E / dx^2 is large: uniformization's terms or CRAM, the share printed).
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bench/synthetic.hpp"
#include "reaches/dynamic_wq.hpp"
#include "reaches/steady_wq.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;
using Clock = std::chrono::steady_clock;

namespace {

double processor_s() {  // user + system time of this process, all threads
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The process's peak resident memory (kB, /proc/self/status VmHWM), and its reset to the present (Linux: "5" into
// /proc/self/clear_refs), so that each size's peak is its own. -1 where unknown.
long peak_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}
bool reset_peak() {
    std::ofstream f("/proc/self/clear_refs");
    return static_cast<bool>(f << "5" << std::flush);
}

std::string load_average() {
    double l[3] = {0, 0, 0};
    if (getloadavg(l, 3) < 3) return "?";
    char b[64];
    std::snprintf(b, sizeof b, "%.1f %.1f %.1f", l[0], l[1], l[2]);
    return b;
}

State river(double os) {
    State c{};
    c[OrgN] = 0.2; c[NH3N] = 0.2; c[NO3N] = 0.8; c[CBOD] = 2.0; c[CODMn] = 3.0; c[COD] = 8.0;
    c[OrgP] = 0.025; c[IP] = 0.025; c[DO] = 0.9 * os;
    return c;
}

double run(const Network& net, const wq::ReachData& data, const std::vector<wq::Input>& in,
           const std::vector<reaches::Observation>& obs, const wq::Options& opt, std::size_t repeat, double& imbalance,
           double* frozen_share = nullptr, double* cpu_s = nullptr, double* first_s = nullptr) {
    double best = 1e300;
    for (std::size_t i = 0; i < repeat; ++i) {
        const auto a = Clock::now();
        const double c0 = processor_s();
        const wq::Result r = solve_steady_wq(net, data, in, obs, opt);
        const double wall = std::chrono::duration<double>(Clock::now() - a).count();
        if (wall < best && cpu_s) *cpu_s = processor_s() - c0;
        if (i == 0 && first_s) *first_s = wall;
        best = std::min(best, wall);
        imbalance = r.max_reach_imbalance;
        if (frozen_share) *frozen_share = r.segments ? double(r.frozen_segments) / double(r.segments) : 0.0;
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
    std::vector<std::size_t> sizes{10000, 100000, 1000000};
    std::size_t repeat = 3, sources = 100000;
    double tol = 1e-11, frozen_tol = DynamicOptions{}.frozen_abs_tol, exchange_step = DynamicOptions{}.exchange_step_d,
           dispersion = 0.0;
    std::size_t o2_max = 1000000000, dyn_reaches = 0;
    bool dyn_o2 = false, serial = false, dyn_check = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--sizes")) {
            sizes.clear();
            for (char* t = std::strtok(argv[i + 1], ","); t; t = std::strtok(nullptr, ",")) sizes.push_back(std::strtoull(t, nullptr, 10));
        } else if (!std::strcmp(argv[i], "--repeat")) {
            repeat = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (!std::strcmp(argv[i], "--o2-max")) {
            o2_max = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (!std::strcmp(argv[i], "--dynamic-reaches")) {
            dyn_reaches = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (!std::strcmp(argv[i], "--dynamic-o2")) {
            dyn_o2 = std::strtoull(argv[i + 1], nullptr, 10) != 0;
        } else if (!std::strcmp(argv[i], "--dynamic-check")) {
            dyn_check = std::strtoull(argv[i + 1], nullptr, 10) != 0;
        } else if (!std::strcmp(argv[i], "--serial")) {
            serial = std::strtoull(argv[i + 1], nullptr, 10) != 0;
        } else if (!std::strcmp(argv[i], "--frozen-tol")) {
            frozen_tol = std::strtod(argv[i + 1], nullptr);
        } else if (!std::strcmp(argv[i], "--exchange-step")) {
            exchange_step = std::strtod(argv[i + 1], nullptr);
        } else if (!std::strcmp(argv[i], "--dispersion")) {
            dispersion = std::strtod(argv[i + 1], nullptr);
        } else if (!std::strcmp(argv[i], "--tol")) {
            tol = std::strtod(argv[i + 1], nullptr);
        } else if (!std::strcmp(argv[i], "--sources")) {
            sources = std::strtoull(argv[i + 1], nullptr, 10);
        }
    }
    constexpr double kTargetS = 2.0, kTargetReaches = 1e6;
    std::printf("load average (1, 5, 15 min) at start: %s\n", load_average().c_str());
    std::printf("steady water quality, full default set (9 species), %s; target 10^6 reaches < %.0f s\n",
                serial ? "one thread" : "all cores", kTargetS);
    std::printf("%10s %10s %12s %12s %14s %10s %10s %12s %10s %10s %10s %9s %9s %11s\n", "reaches", "sources",
                "O2 effects s", "no O2 s", "reaches/s", "ratio O2", "ratio no O2", "imbalance", "frozen %", "O2 cpu s",
                "no O2 cpu", "peak MB", "B/reach", "O2 first s");
    bool own_peaks = true;
    for (std::size_t n : sizes) {
        own_peaks = reset_peak() && own_peaks;
        bench::SyntheticSpec spec;
        spec.reaches = n;
        spec.sources = std::min(sources, n / 2 + 1);
        spec.sections = 100;
        const scenarios::CaseModel m = bench::make_synthetic(spec);
        const auto fo_in = scenarios::point_inputs(m);
        const auto obs = scenarios::observations(m);
        const double os = do_saturation_mgL(m.temperature_c);
        ReachData data = ReachData::sized(m.net.size());
        for (std::size_t r = 0; r < m.net.size(); ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
        std::vector<wq::Input> in;
        in.reserve(fo_in.size());
        const int cod = idx(*constituent_from_key("cod")), nh3n = idx(*constituent_from_key("nh3n")),
                  tp = idx(*constituent_from_key("tp"));
        for (const auto& p : fo_in) {
            wq::Input x;
            x.reach = p.reach;
            x.position_m = p.position_m;
            x.end_m = p.end_m;
            x.flow_m3s = p.flow_m3s;
            x.load_gs[CBOD] = 0.45 * p.load_gs[cod];
            x.load_gs[CODMn] = 0.3 * p.load_gs[cod];
            x.load_gs[COD] = p.load_gs[cod];
            x.load_gs[OrgN] = 0.4 * p.load_gs[nh3n];
            x.load_gs[NH3N] = p.load_gs[nh3n];
            x.load_gs[OrgP] = 0.5 * p.load_gs[tp];
            x.load_gs[IP] = 0.5 * p.load_gs[tp];
            x.load_gs[DO] = 2.0 * p.flow_m3s;
            in.push_back(x);
        }
        wq::Options with;
        with.temperature_c = m.temperature_c;
        with.rel_tol = tol;
        with.parallel = !serial;
        wq::Options without = with;
        without.params.cbod_o2_effect = without.params.nitrification_o2_effect =
            without.params.denitrification_o2_effect = O2Effect::None;
        double imb1 = 0.0, imb2 = 0.0, frozen = 0.0, cpu1 = 0.0, cpu2 = 0.0, first1 = -1.0;
        const double t1 = n <= o2_max ? run(m.net, data, in, obs, with, repeat, imb1, &frozen, &cpu1, &first1) : -1.0;
        const double t2 = run(m.net, data, in, obs, without, repeat, imb2, nullptr, &cpu2);
        const double per_reach_target = kTargetS / kTargetReaches;
        char o2_s[320] = "-", o2_ratio[320] = "-", o2_first[320] = "-";  // room for any double in %.3f
        if (t1 > 0.0) {
            std::snprintf(o2_s, sizeof o2_s, "%.3f", t1);
            std::snprintf(o2_first, sizeof o2_first, "%.3f", first1);
            std::snprintf(o2_ratio, sizeof o2_ratio, "%.2f", t1 / (per_reach_target * m.net.size()));
        }
        const double peak_mb = peak_kb() / 1024.0;
        std::printf("%10zu %10zu %12s %12.3f %14.3g %10s %10.2f %12.1e %10.3f %10.3f %10.3f %9.0f %9.0f %11s\n",
                    m.net.size(), in.size(), o2_s, t2, m.net.size() / (t1 > 0 ? t1 : t2), o2_ratio,
                    t2 / (per_reach_target * m.net.size()), std::max(imb1, imb2), 100.0 * frozen, cpu1, cpu2, peak_mb,
                    peak_mb * 1048576.0 / m.net.size(), o2_first);
    }
    std::printf("ratio = time / (2 s x reaches / 10^6); < 1 meets the target; -: not run (--o2-max); O2 first s: the "
                "first solve of the network (its levels made and kept with its topology; the results' memory touched "
                "for the first time); peak MB: the "
                "process's peak resident memory over the size (case, inputs, solves; %s), B/reach that over the reaches; "
                "load average %s\n",
                own_peaks ? "each size's own" : "since the start: the peak could not be reset", load_average().c_str());
    if (dyn_reaches > 0) {
        const bool dyn_own_peak = reset_peak();
        // a daily year: 365 days, 3 cells per reach, flows changing every day (a seasonal gauge shape with day-to-day
        // noise on every reach), monthly temperatures, the diffuse loads washed off with the flow; with and without
        // oxygen effects (without them the cells are linear per day and solved exactly)
        bench::SyntheticSpec spec;
        spec.reaches = dyn_reaches;
        spec.sources = dyn_reaches / 2 + 1;
        const scenarios::CaseModel m = bench::make_synthetic(spec);
        const double os = do_saturation_mgL(m.temperature_c);
        ReachData data = ReachData::sized(m.net.size());
        for (std::size_t r = 0; r < m.net.size(); ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
        if (dispersion > 0.0) {
            data.elements.assign(m.net.size(), 3);
            data.dispersion_m2s.assign(m.net.size(), dispersion);
        }
        std::vector<wq::Input> in;
        const int cod = idx(*constituent_from_key("cod")), nh3n = idx(*constituent_from_key("nh3n")),
                  tp = idx(*constituent_from_key("tp"));
        DynamicForcing f;
        f.steps = 365;
        f.load_patterns.assign(1, {});
        for (int d = 0; d < 365; ++d) {
            const double season = 1.3 - 0.9 * std::cos(2.0 * M_PI * d / 365.0), noise = 1.0 + 0.15 * std::sin(1.7 * d * d + 0.3 * d);
            f.flow.scale.push_back(season * noise);
            f.load_patterns[0].push_back(season * noise);
            f.temperature_c.push_back(m.temperature_c - 6.0 * std::cos(2.0 * M_PI * ((d / 30) * 30 + 15) / 365.0));
        }
        const auto pins = scenarios::point_inputs(m);
        for (std::size_t k = 0; k < pins.size(); ++k) {
            const auto& p = pins[k];
            wq::Input x;
            x.reach = p.reach;
            x.position_m = p.position_m;
            x.end_m = p.end_m;
            x.flow_m3s = p.flow_m3s;
            x.load_gs[CBOD] = 0.45 * p.load_gs[cod];
            x.load_gs[COD] = p.load_gs[cod];
            x.load_gs[NH3N] = p.load_gs[nh3n];
            x.load_gs[IP] = p.load_gs[tp];
            x.load_gs[DO] = 2.0 * p.flow_m3s;
            in.push_back(x);
            f.input_pattern.push_back(p.end_m > p.position_m ? 0 : kNone);  // spread (diffuse) loads follow the runoff
        }
        const double target = 60.0 * m.net.size() / 1e5;
        for (const bool o2 : {false, true}) {
            if (o2 && !dyn_o2) continue;
            DynamicOptions d;
            d.steady.temperature_c = m.temperature_c;
            if (!o2) d.steady.params.cbod_o2_effect = d.steady.params.nitrification_o2_effect = d.steady.params.denitrification_o2_effect = O2Effect::None;
            d.cells_per_reach = 3;
            // as qingliu dynamic sets it (analyses/dynamic_water_quality.cpp): with oxygen effects it is the settle
            // check's (a reach within 100x of its steady state is set onto it; within a day in pieces)
            d.abs_tol = d.rel_tol = 1e-9;
            d.frozen_abs_tol = d.frozen_rel_tol = frozen_tol;
            d.exchange_step_d = exchange_step;
            d.start_steady = true;
            d.record_reach_ends = false;  // 10^5 reaches x 365 days x 9 species would hold 2.6 GB
            const std::string before = load_average();
            const double c0 = processor_s();
            const auto a = Clock::now();
            const DynamicResult r = solve_dynamic_wq(m.net, data, in, {}, river(os), f, d);
            const double t = std::chrono::duration<double>(Clock::now() - a).count(), cpu = processor_s() - c0;
            double in_n = 0.0, err_n = 0.0;
            for (const int i : {OrgN, NH3N, NO3N}) {
                in_n += r.input_g[i];
                err_n += r.input_g[i] + r.storage_start_g[i] + r.settled_g[i] - r.storage_end_g[i] - r.outlet_g[i];
            }
            err_n -= r.processed_g[OrgNSettling] + r.processed_g[Denitrification];
            const double reach_days = static_cast<double>(m.net.size() * f.steps);  // the solver's pieces from its count
            const double peak_mb = peak_kb() / 1024.0;
            std::printf("dynamic daily year, daily-changing forcing, %zu reaches x 3 cells, 9 species, %s: %.2f s wall, %.2f s "
                        "processor; ratio to 10^5 reaches in 60 s (scaled linearly): %.3f; reach-pieces (%d a day) relaxed %.1f %%, "
                        "uniformized %.1f %% (DO split off %.1f %%, CRAM %.1f %%), skipped %.1f %%; frozen-gate sub-pieces %.2f and solves %.2f per reach-piece, "
                        "%.2f solves per reach-day; N imbalance %.1e; peak memory %.0f MB (%.0f bytes per reach; %s); load average %s -> %s\n",
                        m.net.size(), o2 ? "oxygen effects (frozen gates)" : "no oxygen effects (exact)", t, cpu, t / target,
                        static_cast<int>(std::lround(r.intervals / reach_days)), 100.0 * r.relaxed_intervals / std::max<std::size_t>(r.intervals, 1),
                        100.0 * r.exact_intervals / std::max<std::size_t>(r.intervals, 1),
                        100.0 * r.stiff_do_intervals / std::max<std::size_t>(r.intervals, 1),
                        100.0 * r.cram_intervals / std::max<std::size_t>(r.intervals, 1),
                        100.0 * (r.intervals - r.integrated_intervals) / std::max<std::size_t>(r.intervals, 1),
                        double(r.frozen_subpieces) / std::max<std::size_t>(r.intervals, 1),
                        double(r.frozen_solves) / std::max<std::size_t>(r.intervals, 1),
                        double(r.frozen_solves) / reach_days,
                        std::abs(err_n) / in_n, peak_mb, peak_mb * 1048576.0 / m.net.size(),
                        dyn_own_peak ? "case and solves" : "since the start", before.c_str(), load_average().c_str());
            if (o2 && dyn_check && m.net.size() <= 5000) {
                d.record_reach_ends = true;
                const DynamicResult as_timed = solve_dynamic_wq(m.net, data, in, {}, river(os), f, d);
                d.odeint = true;
                d.abs_tol = d.rel_tol = 1e-10;
                const DynamicResult ref = solve_dynamic_wq(m.net, data, in, {}, river(os), f, d);
                double worst = 0.0;
                for (std::size_t t = 0; t < ref.reach_end_mgL.size(); ++t)
                    for (std::size_t r = 0; r < m.net.size(); ++r)
                        for (int i = 0; i < kNumSpecies; ++i) {
                            const double b = ref.reach_end_mgL[t][r][i];
                            worst = std::max(worst, std::abs(as_timed.reach_end_mgL[t][r][i] - b) / std::max(1.0, std::abs(b)));
                        }
                std::printf("  accuracy: largest difference of any reach end on any day to Boost.Odeint dopri5 at "
                            "1e-10: %.2e (relative above 1 mg/L)\n", worst);
            }
        }
    }
    return 0;
}
