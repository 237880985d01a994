// Dynamic water quality under daily-changing flows, loads and temperatures (reaches/dynamic_wq.hpp): the steady state
// of the same elements under constant forcing, the N and P budgets over a year, and the exact linear paths
// (relaxed steady state, uniformization) against Boost.Odeint at tight tolerance.
#include <catch2/catch.hpp>

#include <cmath>

#include "reaches/dynamic_wq.hpp"
#include "reaches/steady_wq.hpp"
#include "tests/common/wq_waters.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

using test::river;

// The junction-and-split case (tests/common/wq_waters.hpp), its depth and velocity changing with the flow, so volumes
// and reaeration change from day to day.
using Case = test::JunctionSplitCase;
Case make_case() { return test::junction_split_case(hydro::Hydraulics::geometry(0.35, 0.2, 0.9, 0.35)); }

DynamicOptions options(bool oxygen_effects) { return test::dynamic_options(oxygen_effects); }

DynamicForcing changing(std::size_t days) { return test::changing_forcing(days); }

// `changing(days)` for its first `moving` days, then every day's forcing held at day moving - 1: transients, then
// steady states.
DynamicForcing changing_then_held(std::size_t days, std::size_t moving) {
    DynamicForcing f = changing(days);
    for (std::size_t d = moving; d < days; ++d) {
        f.flow.scale[d] = f.flow.scale[moving - 1];
        f.temperature_c[d] = f.temperature_c[moving - 1];
        f.load_patterns[0][d] = f.load_patterns[0][moving - 1];
        f.load_patterns[1][d] = f.load_patterns[1][moving - 1];
    }
    return f;
}

double rel_diff(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

}  // namespace

TEST_CASE("dynamic water quality under constant daily forcing reaches the steady elements for every species",
          "[dynamic_wq][dynamic]") {
    const Case k = make_case();
    ReachData cells = k.data;
    cells.elements.assign(5, 3);
    for (const bool o2 : {false, true}) {
        INFO("oxygen effects " << o2);
        DynamicOptions opt = options(o2);
        DynamicForcing f;  // 40 days at the network's flows, every load constant, the options' temperature
        f.steps = 40;
        f.flow.scale.assign(40, 1.0);
        const DynamicResult dyn = solve_dynamic_wq(k.net, k.data, k.in, k.obs, river(k.os), f, opt);
        const Result st = solve_steady_wq(k.net, cells, k.in, k.obs, opt.steady);
        REQUIRE(dyn.time_d.size() == 41);
        // the linear cells end each day at their exact steady state once the transient is below 1e-12 (relaxed), so
        // they agree with the steady elements to rounding: 1e-11 relative; with oxygen effects odeint at 1e-10 and
        // the settle check (100x): 1e-7
        const double tol = o2 ? 1e-7 : 1e-11;
        for (std::size_t r = 0; r < 5; ++r)
            for (int i = 0; i < kNumSpecies; ++i)
                CHECK(dyn.reach_end_mgL.back()[r][i] == Approx(st.conc_out_mgL[r][i]).epsilon(tol).margin(1e-12));
        for (std::size_t o = 0; o < k.obs.size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i)
                CHECK(dyn.obs_mgL.back()[o][i] == Approx(st.obs_conc_mgL[o][i]).epsilon(tol).margin(1e-12));
        CHECK(std::abs(dyn.reach_end_mgL.front()[2][NH3N] - st.conc_out_mgL[2][NH3N]) > 0.1);  // not there at the start
        // once steady, reaches are skipped: far fewer reach-days solved than in all
        CHECK(dyn.integrated_intervals < dyn.intervals / 4);
        if (!o2) CHECK(dyn.relaxed_intervals > 0);
    }
}

TEST_CASE("dynamic water quality: N and P budgets close over a year of changing flows, loads and temperatures",
          "[dynamic_wq][dynamic][balance]") {
    const Case k = make_case();
    for (const auto& [o2, step] : {std::pair{false, 1.0}, std::pair{true, 1.0}, std::pair{false, 0.125}, std::pair{true, 0.125}}) {
        INFO("oxygen effects " << o2 << ", exchange pieces of " << step << " d");
        DynamicOptions opt = options(o2);
        opt.exchange_step_d = step;
        const std::size_t days = 365;
        const DynamicResult d = solve_dynamic_wq(k.net, k.data, k.in, k.obs, river(k.os), changing(days), opt);
        const PerProcess& p = d.processed_g;
        auto balance = [&](std::initializer_list<int> species, double lost) {
            double in = 0.0, out = 0.0, s0 = 0.0, s1 = 0.0, settled = 0.0;
            for (const int i : species) {
                in += d.input_g[i];
                out += d.outlet_g[i];
                s0 += d.storage_start_g[i];
                s1 += d.storage_end_g[i];
                settled += d.settled_g[i];
            }
            INFO("in " << in << " out " << out << " stored " << s0 << " -> " << s1 << " lost " << lost << " settled " << settled);
            CHECK(lost > 0.002 * in);  // the losses are not negligible (the network flushes in hours: 0.4-0.8 %)
            if (!o2) CHECK(settled == 0.0);  // the exact paths settle only where the transient is gone: nothing moved
            return std::abs(in + s0 + settled - s1 - out - lost) / in;
        };
        // N: organic N settles, NO3-N denitrifies (hydrolysis and nitrification move N between the species)
        const double n_err = balance({OrgN, NH3N, NO3N}, p[OrgNSettling] + p[Denitrification]);
        // P: organic and inorganic P settle
        const double p_err = balance({OrgP, IP}, p[OrgPSettling] + p[IpSettling]);
        INFO("relative imbalance N " << n_err << ", P " << p_err);
        // every piece's outflow and processes are integrals of the same exact solution (with oxygen effects, of each
        // frozen sub-piece, the extrapolation's weights summing to 1), mass is kept when volumes change, and a reach
        // set onto its steady state books what that moved (settled_g): 1e-12 of the inflow
        CHECK(n_err < 1e-12);
        CHECK(p_err < 1e-12);
        // the forcing changed every day: every reach was solved on every day; in pieces (qingliu dynamic's 1/8 d) a
        // reach whose inflow stays the same after the day's first piece may settle within the day (measured: 1 of
        // 14,600 pieces without oxygen effects, relaxed, so exactly; 679 with them, booked in settled_g)
        if (step == 1.0) CHECK(d.integrated_intervals == d.intervals);
        else CHECK(d.integrated_intervals > d.intervals * 9 / 10);
    }
}

TEST_CASE("dynamic water quality: the exact linear pieces agree with Boost.Odeint dopri5 at tight tolerance",
          "[dynamic_wq][dynamic]") {
    const Case k = make_case();
    DynamicOptions opt = options(false);
    opt.start_steady = true;
    const DynamicForcing f = changing_then_held(60, 30);
    ReachData data = k.data;
    data.ka20_per_d = {0.0, 150.0, 0.0, 400.0, 0.0};  // B and E reaerate fast (shallow riffles): DO is stiff there
    const DynamicResult exact = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), f, opt);
    opt.odeint = true;
    opt.abs_tol = opt.rel_tol = 1e-12;
    const DynamicResult ref = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), f, opt);
    REQUIRE(exact.exact_intervals > 0);    // every exact path was used
    REQUIRE(exact.relaxed_intervals > 0);
    REQUIRE(exact.stiff_do_intervals > 0);
    double e = 0.0;
    for (std::size_t t = 0; t < ref.time_d.size(); ++t) {
        for (std::size_t r = 0; r < 5; ++r)
            for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(exact.reach_end_mgL[t][r][i], ref.reach_end_mgL[t][r][i]));
        for (std::size_t o = 0; o < k.obs.size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(exact.obs_mgL[t][o][i], ref.obs_mgL[t][o][i]));
    }
    INFO("largest difference " << e);
    // dopri5 at 1e-12 per step over 60 days of daily restarts: 1e-9 (relative above 1 mg/L, absolute below)
    CHECK(e < 1e-9);
    for (int q = 0; q < kNumProcesses; ++q)
        CHECK(exact.processed_g[q] == Approx(ref.processed_g[q]).epsilon(1e-9).margin(1e-6));
}

TEST_CASE("dynamic water quality under changing forcing: reach by reach against the whole network as one system",
          "[dynamic_wq][dynamic]") {
    // the exchange of piece means between reaches lags the feeders by up to one piece: with pieces of 1/48 d it stays
    // within 1e-4 of the whole network integrated as one dopri5 system at 1e-10 (measured 3.3e-5; second order in
    // the piece)
    const Case k = make_case();
    DynamicOptions opt = options(true);
    const DynamicForcing f = changing(10);
    opt.monolithic = true;
    const DynamicResult ref = solve_dynamic_wq(k.net, k.data, k.in, k.obs, river(k.os), f, opt);
    opt.monolithic = false;
    opt.exchange_step_d = 1.0 / 48.0;
    const DynamicResult d = solve_dynamic_wq(k.net, k.data, k.in, k.obs, river(k.os), f, opt);
    double e = 0.0;
    for (std::size_t t = 1; t < ref.time_d.size(); ++t)
        for (std::size_t r = 0; r < 5; ++r)
            for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(d.reach_end_mgL[t][r][i], ref.reach_end_mgL[t][r][i]));
    INFO("largest difference " << e);
    CHECK(e < 1e-4);
}

TEST_CASE("dynamic water quality with oxygen effects: the frozen-gate pieces agree with Boost.Odeint dopri5",
          "[dynamic_wq][dynamic]") {
    // Rates depend on DO (QUAL2K's exponential attenuation of CBOD oxidation and nitrification, enhancement of
    // denitrification). Two waters: the test network as it is (DO 5-9 mg/L, gates near 1), and with the outfall's
    // load x12 and no reaeration on A and C, so that DO falls to ~1-3 mg/L on C and D and the gates act strongly.
    // Fast reaeration on B and E makes DO stiff there. Changing forcing for 30 days, then held.
    for (const double heavy : {1.0, 12.0}) {
        INFO("outfall load x" << heavy);
        Case k = make_case();
        for (int i = 0; i < kNumSpecies; ++i)
            if (i != DO) k.in[0].load_gs[i] *= heavy;
        DynamicOptions opt = options(true);
        opt.start_steady = true;
        const DynamicForcing f = changing_then_held(60, 30);
        ReachData data = k.data;
        data.ka20_per_d = {heavy > 1.0 ? 0.05 : 0.0, 150.0, heavy > 1.0 ? 0.05 : 0.0, 400.0, 0.0};
        opt.abs_tol = opt.rel_tol = 1e-9;  // as `qingliu dynamic` runs it
        const DynamicResult fz = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), f, opt);
        DynamicOptions loose = opt;   // as `qingliu dynamic --oxygen-tolerance 1e-5` runs it
        loose.frozen_abs_tol = loose.frozen_rel_tol = 1e-5;
        const DynamicResult lz = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), f, loose);
        opt.odeint = true;
        opt.abs_tol = opt.rel_tol = 1e-12;
        const DynamicResult ref = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), f, opt);
        REQUIRE(fz.frozen_subpieces > 0);  // the frozen-gate path was used, and not Odeint
        CHECK(fz.steps == 0);
        double e = 0.0, lowest_do = 1e300;
        for (std::size_t t = 0; t < ref.time_d.size(); ++t) {
            for (std::size_t r = 0; r < 5; ++r) {
                lowest_do = std::min(lowest_do, ref.reach_end_mgL[t][r][DO]);
                for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(fz.reach_end_mgL[t][r][i], ref.reach_end_mgL[t][r][i]));
            }
            for (std::size_t o = 0; o < k.obs.size(); ++o)
                for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(fz.obs_mgL[t][o][i], ref.obs_mgL[t][o][i]));
        }
        INFO("largest difference " << e << ", lowest DO " << lowest_do << " mg/L, sub-pieces " << fz.frozen_subpieces
                                   << ", solves " << fz.frozen_solves << ", reach-pieces " << fz.integrated_intervals);
        if (heavy > 1.0) CHECK(lowest_do < 2.0);  // the gates do act: f = 1 - exp(-0.6 x 2) = 0.70
        // each sub-piece accepted when its two-half solve is within 1e-7 (abs + rel) of the whole (the result, their
        // extrapolation, closer still), and a reach settles onto its steady state once within 100 x 1e-9 of it: 3e-7
        // over 60 days (relative above 1 mg/L, absolute below; measured 4.5e-8 and 9.6e-8)
        CHECK(e < 3e-7);
        // the same at the looser tolerance 1e-5: within 3e-5 (measured 1.2e-5 and 2.6e-6), with fewer solves
        double el = 0.0;
        for (std::size_t t = 0; t < ref.time_d.size(); ++t)
            for (std::size_t r = 0; r < 5; ++r)
                for (int i = 0; i < kNumSpecies; ++i) el = std::max(el, rel_diff(lz.reach_end_mgL[t][r][i], ref.reach_end_mgL[t][r][i]));
        INFO("at 1e-5: largest difference " << el << ", solves " << lz.frozen_solves);
        CHECK(el < 3e-5);
        CHECK(lz.frozen_solves < fz.frozen_solves);
        // every process's total over the network and the 60 days within 1e-7 (measured 1.4e-8), but denitrification,
        // whose rate (1 - f(o)) is ~1 % of full at these DO and changes by 60 % per mg/L: 2e-5 (measured 4.9e-6 of its
        // total, 6e-11 of the N inflow)
        for (int q = 0; q < kNumProcesses; ++q)
            CHECK(fz.processed_g[q] == Approx(ref.processed_g[q]).epsilon(q == Denitrification ? 2e-5 : 1e-7).margin(1e-6));
        // N closes: every sub-piece is exact for its frozen gates and the extrapolation weights sum to 1, and the
        // settle check books what it moves (settled_g): 1e-10 of the inflow
        double in = 0.0, rest = fz.processed_g[OrgNSettling] + fz.processed_g[Denitrification];
        for (const int i : {OrgN, NH3N, NO3N}) {
            in += fz.input_g[i] + fz.storage_start_g[i] + fz.settled_g[i];
            rest += fz.storage_end_g[i] + fz.outlet_g[i];
        }
        CHECK(std::abs(in - rest) / in < 1e-10);
    }
}

TEST_CASE("dynamic water quality: the wide (AVX-512) uniformization agrees with the portable loops",
          "[dynamic_wq][dynamic]") {
    // A year of changing forcing with DO stiff on B and E (split off) and not on the others, without and with oxygen
    // effects. The wide kernel does the same products and sums with fused multiply-adds and sums DO's row in another
    // order; each transient stops once the terms to come are below 1e-12 (1 + scale), so the two may differ by a
    // term near that bound: within 1e-11 (relative above 1 mg/L, absolute below) on every day (measured 7e-16 without
    // oxygen effects, 1.2e-15 with). On a processor without
    // AVX-512 both runs take the portable loops and agree exactly.
    const Case k = make_case();
    ReachData data = k.data;
    data.ka20_per_d = {0.0, 150.0, 0.0, 400.0, 0.0};
    for (const bool o2 : {false, true}) {
        INFO("oxygen effects " << o2);
        DynamicOptions opt = options(o2);
        // without oxygen effects pieces of 3 h (E: reaeration x h = 50, DO still split off), so that the transients the kernels sum still matter at their
        // ends (over whole days most are below rounding by then)
        if (!o2) opt.exchange_step_d = 1.0 / 8.0;
        const std::size_t days = o2 ? 60 : 365;
        const DynamicResult wide = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), changing(days), opt);
        opt.generic_kernels = true;
        const DynamicResult generic = solve_dynamic_wq(k.net, data, k.in, k.obs, river(k.os), changing(days), opt);
        REQUIRE(wide.time_d.size() == days + 1);
        if (!o2) REQUIRE(wide.stiff_do_intervals > 0);
        if (!o2) REQUIRE(wide.exact_intervals > wide.stiff_do_intervals);  // both with DO in the kernel and without
        double e = 0.0;
        for (std::size_t t = 0; t < wide.time_d.size(); ++t) {
            for (std::size_t r = 0; r < 5; ++r)
                for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(wide.reach_end_mgL[t][r][i], generic.reach_end_mgL[t][r][i]));
            for (std::size_t o = 0; o < k.obs.size(); ++o)
                for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(wide.obs_mgL[t][o][i], generic.obs_mgL[t][o][i]));
        }
        INFO("largest difference " << e);
        // with oxygen effects the sub-pieces' step control may take another path from a rounding-level difference
        // in its error estimate; each path is within the sub-piece tolerance 1e-7: 1e-7
        CHECK(e < (o2 ? 1e-7 : 1e-11));
        for (int q = 0; q < kNumProcesses; ++q)
            CHECK(wide.processed_g[q] == Approx(generic.processed_g[q]).epsilon(o2 ? 1e-7 : 1e-11).margin(1e-6));
    }
}
