// Analytical tests of the dynamic solver (reaches/dynamic.hpp): each compares against a closed form or an independent
// computation, with the tolerance and its reason beside it.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "common/error.hpp"
#include "reaches/dynamic.hpp"
#include "tests/common/case_builders.hpp"

using namespace qingliu;
using namespace qingliu::reaches;

namespace {

NetworkBuilder::Reach reach(const std::string& id, const std::string& down, double km, double u, double qh, double ql,
                            PerConstituent ch = {8, 0.2, 0.05}, PerConstituent cl = {10, 0.3, 0.08}) {
    NetworkBuilder::Reach r = test::reach(id, "r", down, km, hydro::Hydraulics::constant(u), qh, ch);
    r.lateral_flow_m3s = ql;
    r.lateral_conc_mgL = cl;
    return r;
}

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// Steady state of cells in series, computed here independently of the solver (concentrations, mass flows in g/s):
//   C_i = (Q_{i-1} C_{i-1} + W_i) / (Q_i + k V_i),  V_i = dx Q_i / u,  k in 1/s.
struct CellChain {
    std::vector<double> q, c;
};
CellChain steady_chain(double q_in, double c_in_load_gs, double lat_total, double c_lat, int n, double len_m, double u,
                       double k_per_d, const std::vector<std::pair<int, double>>& point_loads_gs) {
    CellChain out;
    const double dx = len_m / n, k = k_per_d / 86400.0;
    double q = q_in, load_above = c_in_load_gs;
    for (int i = 0; i < n; ++i) {
        double w = load_above + lat_total / n * c_lat;
        for (const auto& [cell, l] : point_loads_gs)
            if (cell == i) w += l;
        q += lat_total / n;
        const double v = dx * q / u;
        const double c = w / (q + k * v);
        out.q.push_back(q);
        out.c.push_back(c);
        load_above = q * c;
    }
    return out;
}

// Stiff, unrelaxed intervals: five reaches of 10 cells (cells emptying in 1-3 hours, water crossing a reach in 1-3
// days; R5 in about a minute), daily flows, loads and rates for 60 days.
struct StiffCase {
    Network net;
    std::vector<PointInput> inputs;
    std::vector<Observation> obs;
    DynamicForcing f;
};
StiffCase stiff_case() {
    StiffCase c;
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    NetworkBuilder b;
    auto geo = [](NetworkBuilder::Reach r, double a) {
        r.hydraulics = hydro::Hydraulics::geometry(a, 0.3, 0.3, 0.4);
        return r;
    };
    b.add(geo(reach("R1", "R3", 25, 0.0, 4.0, 3.0), 0.35));
    b.add(geo(reach("R2", "R3", 40, 0.0, 1.0, 2.5), 0.30));
    b.add(geo(reach("R3", "R4", 4, 0.0, 0.0, 0.5), 0.40));
    b.add(reach("R4", "", 30, 0.4, 0.0, 0.0));
    b.add(geo(reach("R5", "R4", 0.2, 0.0, 0.5, 0.05), 0.40));
    c.net = b.finish();
    c.inputs = {{0, 9000.0, -1.0, 0.3, {40.0, 4.0, 0.4}, 0},
                {1, 5000.0, 30000.0, 0.0, {20.0, 2.0, 0.3}, 1},
                {3, 12000.0, -1.0, 0.0, {30.0, 3.0, 0.2}, 2},
                {4, 100.0, -1.0, 0.0, {10.0, 1.0, 0.1}, 0}};
    c.obs = {{0, 24000.0, 0}, {2, 2000.0, 1}, {3, 29000.0, 2}};
    c.f.steps = 60;
    for (std::size_t d = 0; d < c.f.steps; ++d) {
        c.f.flow.scale.push_back(0.5 + 2.0 * u01(rng));
        c.f.k_per_d.push_back({0.2 + 0.2 * u01(rng), 0.1 + 0.2 * u01(rng), 0.05});
    }
    std::vector<double> pat(c.f.steps);
    for (auto& p : pat) p = 3.0 * u01(rng);
    c.f.load_patterns = {pat};
    c.f.input_pattern = {0, kNone, 0, 0};
    return c;
}

}  // namespace

TEST_CASE("constant forcing converges to the steady solution of the same cells", "[dynamic][analytical]") {
    // A (2 cells) and B (1 cell) join into C (3 cells); lateral inflow everywhere, a point source in C's second cell.
    NetworkBuilder b;
    b.add(reach("A", "C", 6, 0.5, 3.0, 0.6));
    b.add(reach("B", "C", 4, 0.4, 1.0, 0.2));
    b.add(reach("C", "", 9, 0.6, 0.0, 0.9));
    const Network net = b.finish();
    const std::vector<PointInput> inputs{{2, 4500.0, -1.0, 0.2, {6.0, 0.6, 0.08}, 0}};
    const std::vector<Observation> obs{{2, 9000.0, 0}, {0, 1000.0, 1}};
    DynamicForcing f;
    f.steps = 60;
    f.k_per_d = {{0.3, 0.2, 0.05}};
    DynamicOptions opt;
    opt.cells = {2, 1, 3};
    opt.start = DynamicStart::Empty;

    // Independent closed form, reach by reach, per constituent.
    for (auto stepper : {DynamicStepper::Odeint, DynamicStepper::Auto}) {
        opt.stepper = stepper;
        opt.relaxed_tol = stepper == DynamicStepper::Odeint ? 0.0 : 1e-12;
        const DynamicResult res = solve_dynamic(net, inputs, obs, f, opt);
        for (int c = 0; c < 3; ++c) {
            const PerConstituent ch{8, 0.2, 0.05}, cl{10, 0.3, 0.08};
            const double k = f.k_per_d[0][c];
            const CellChain a = steady_chain(3.0, 3.0 * ch[c], 0.6, cl[c], 2, 6000, 0.5, k, {});
            const CellChain bb = steady_chain(1.0, 1.0 * ch[c], 0.2, cl[c], 1, 4000, 0.4, k, {});
            const double q_in = a.q.back() + bb.q.back();
            const double l_in = a.q.back() * a.c.back() + bb.q.back() * bb.c.back();
            // C: point source in cell 1 (4.5 km of 9 km, 3 cells of 3 km) adds 0.2 m3/s: handled as extra flow.
            const double dx = 3000.0, kk = k / 86400.0;
            double q = q_in, load = l_in, conc = 0.0;
            for (int i = 0; i < 3; ++i) {
                double w = load + 0.3 * cl[c];
                q += 0.3;
                if (i == 1) {
                    w += inputs[0].load_gs[c];
                    q += 0.2;
                }
                conc = w / (q + kk * dx * q / 0.6);
                load = q * conc;
            }
            // After 60 days (travel time < 0.5 d, so transients decay by far more than 1e-6): relative 1e-6, the
            // tolerance asked of the solver (rel_tol 1e-8 per step).
            const std::size_t last = f.steps - 1;
            CHECK(rel(res.reach_conc_mgL[(last * 3 + 2) * 3 + c], conc) < 1e-6);  // float storage: 6e-8
            CHECK(rel(res.conc(last, 0, c), conc) < 1e-6);                        // section at C's end
            CHECK(rel(res.conc(last, 1, c), a.c[0]) < 1e-6);                      // section in A's first cell
        }
        CHECK(res.max_reach_imbalance < 1e-9);
    }
}

TEST_CASE("a trapezoidal Manning reach's cells take its velocity at each cell's flow", "[dynamic][analytical]") {
    // One 12 km reach of 4 cells, QUAL2K's trapezoid (n 0.035, slope 0.0005, bottom 6 m, side slopes 1 and 2),
    // 3 m3/s at its head and 0.9 m3/s along it: each cell's volume is dx Q_i / u(Q_i) at its own outflow Q_i, the
    // velocity from the depth that Manning's equation gives there (checked against QUAL2K's iteration in the
    // water-quality tests). Constant forcing for 60 days against the steady chain, as above.
    const hydro::Hydraulics h = hydro::Hydraulics::trapezoid(0.035, 0.0005, 6.0, 1.0, 2.0);
    NetworkBuilder b;
    auto t = reach("T", "", 12, 0.0, 3.0, 0.9);
    t.hydraulics = h;
    b.add(t);
    const Network net = b.finish();
    DynamicForcing f;
    f.steps = 60;
    f.k_per_d = {{0.3, 0.2, 0.05}};
    DynamicOptions opt;
    opt.cells = {4};
    opt.start = DynamicStart::Empty;
    for (auto stepper : {DynamicStepper::Odeint, DynamicStepper::Auto}) {
        opt.stepper = stepper;
        opt.relaxed_tol = stepper == DynamicStepper::Odeint ? 0.0 : 1e-12;
        const DynamicResult res = solve_dynamic(net, {}, {{0, 12000.0, 0}}, f, opt);
        for (int c = 0; c < 3; ++c) {
            const PerConstituent ch{8, 0.2, 0.05}, cl{10, 0.3, 0.08};
            const double dx = 3000.0, kk = f.k_per_d[0][c] / 86400.0;
            double q = 3.0, load = 3.0 * ch[c], conc = 0.0;
            for (int i = 0; i < 4; ++i) {
                q += 0.225;
                conc = (load + 0.225 * cl[c]) / (q + kk * dx * q / h.velocity(q));
                load = q * conc;
            }
            CHECK(rel(res.conc(f.steps - 1, 0, c), conc) < 1e-6);  // as above (float storage 6e-8)
            // one velocity for the whole reach (at its mean flow) would not do: the cells' span 0.50-0.53 m/s
            const double u_mean = h.velocity(3.45);
            double qm = 3.0, lm = 3.0 * ch[c], cm = 0.0;
            for (int i = 0; i < 4; ++i) {
                qm += 0.225;
                cm = (lm + 0.225 * cl[c]) / (qm + kk * dx * qm / u_mean);
                lm = qm * cm;
            }
            if (c == 0) CHECK(rel(cm, conc) > 1e-5);
        }
        CHECK(res.max_reach_imbalance < 1e-9);
    }
}

TEST_CASE("many cells converge to plug flow", "[dynamic][analytical]") {
    // One reach, no lateral inflow: cells in series give C_out = C_in (1 + x/n)^-n, x = k L / u, which tends to the
    // plug-flow C_in e^-x with relative error ~ x^2 / (2n).
    NetworkBuilder b;
    b.add(reach("R", "", 20, 0.5, 2.0, 0.0, {10, 1, 0.2}));
    const Network net = b.finish();
    DynamicForcing f;
    f.steps = 5;
    f.k_per_d = {{0.5, 0.3, 0.1}};
    DynamicOptions opt;
    double previous = 1.0;
    for (int n : {5, 20, 80, 320}) {
        opt.cells = {n};
        const DynamicResult res = solve_dynamic(net, {}, {}, f, opt);
        double worst = 0.0;
        for (int c = 0; c < 3; ++c) {
            const double x = f.k_per_d[0][c] * 20000.0 / 0.5 / 86400.0;
            const double plug = PerConstituent{10, 1, 0.2}[c] * std::exp(-x);
            const double got = res.reach_conc_mgL[(4 * 1 + 0) * 3 + c];
            const double err = rel(got, plug);
            // Within 5 % of the leading-order error x^2/(2n), plus float storage (1e-6).
            CHECK(err <= x * x / (2.0 * n) * 1.05 + 1e-6);
            worst = std::max(worst, err);
        }
        CHECK(worst < previous);  // converges as n grows
        previous = worst;
    }
    CHECK(previous < 2e-4);  // 320 cells: x^2/(2n) = 0.21/640 for COD
}

TEST_CASE("a pulse travels at L/u", "[dynamic][analytical]") {
    // 86.4 km at 0.5 m/s: L/u = 2 days. A one-hour pulse of COD enters at the top on day 1; the mean residence
    // time of cells in series is V/Q = L/u for any number of cells, so the centroid of the outflow mass is 2 days
    // after the centroid of the inflow.
    NetworkBuilder b;
    b.add(reach("R", "", 86.4, 0.5, 5.0, 0.0, {}, {}));
    const Network net = b.finish();
    DynamicForcing f;
    f.step_days = 1.0 / 24.0;
    f.steps = 24 * 8;
    f.k_per_d = {{}};
    std::vector<double> pattern(f.steps, 0.0);
    pattern[24] = 1.0;  // hour 24-25
    f.load_patterns = {pattern};
    f.input_pattern = {0};
    const std::vector<PointInput> in{{0, 0.0, -1.0, 0.0, {100.0, 0, 0}, 0}};
    for (auto stepper : {DynamicStepper::Auto, DynamicStepper::Odeint}) {
        DynamicOptions opt;
        opt.cells = {40};
        opt.stepper = stepper;
        const DynamicResult res = solve_dynamic(net, in, {}, f, opt);
        double mass = 0.0, moment = 0.0, peak = 0.0, peak_t = 0.0;
        for (std::size_t s = 0; s < f.steps; ++s) {
            const double m = res.reach_conc_mgL[s * 3] * res.reach_flow_m3s[s] * f.step_days * 86400.0;
            const double t = (s + 0.5) * f.step_days;
            mass += m;
            moment += m * t;
            if (m > peak) {
                peak = m;
                peak_t = t;
            }
        }
        const double injected = 100.0 * 3600.0;  // g
        CHECK(rel(mass, injected) < 1e-5);          // all of it left within 7 days (float storage of outputs: 1e-6 each)
        const double centroid_in = 1.0 + 1.0 / 48.0;
        // Midpoint quadrature of the outflow moment over hourly intervals: error well below a tenth of an hour.
        CHECK(std::abs(moment / mass - centroid_in - 2.0) < 0.005);
        // Erlang(40) peaks at (n-1)/n of the mean residence time: 1.95 d after injection, within the hour.
        CHECK(std::abs(peak_t - centroid_in - 2.0 * 39.0 / 40.0) < 1.0 / 24.0 + 1e-9);
    }
}

TEST_CASE("mass balance over a year with varying flows and loads, splits and transfers", "[dynamic][balance]") {
    // Random dendritic network with a side channel and a transfer; daily flows and loads vary; every method.
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    NetworkBuilder b;
    const int n = 25;
    for (int i = 0; i < n; ++i) {
        const std::string down = i == 0 ? "" : "R" + std::to_string((i - 1) / 2);
        auto r = reach("R" + std::to_string(i), down, 1 + 9 * u01(rng), 0.2 + 0.5 * u01(rng), i >= n / 2 ? 0.5 + u01(rng) : 0.0,
                       0.1 + 0.3 * u01(rng));
        if (i % 3 == 2) r.hydraulics = hydro::Hydraulics::geometry(0.3, 0.2, 0.3, 0.4);
        if (i == 5) {
            r.split_to = "S";
            r.split_fraction = 0.3;
        }
        b.add(r);
    }
    // side channel: R5 sends 30 % of its outflow into S, which also receives a transfer from R12 and joins R1
    NetworkBuilder::Reach side = reach("S", "R1", 3, 0.3, 0.0, 0.0);
    b.add(side);
    b.transfer({"R12", "S", 0.05});
    const Network net = b.finish();
    std::vector<PointInput> in;
    for (int i = 0; i < 12; ++i)
        in.push_back({static_cast<std::int32_t>(i * 2 % n), 500.0 * i, i % 4 == 0 ? 3000.0 : -1.0, i % 4 == 0 ? 0.0 : 0.02,
                      {50.0 * u01(rng), 5.0 * u01(rng), 0.5 * u01(rng)}, i});
    DynamicForcing f;
    f.steps = 365;
    for (int d = 0; d < 365; ++d) f.flow.scale.push_back(0.6 + 0.8 * u01(rng) + std::exp(-std::pow((d - 200) / 30.0, 2)));
    std::vector<double> pat(365);
    for (auto& p : pat) p = 2.0 * u01(rng);
    f.load_patterns = {pat};
    f.input_pattern.assign(in.size(), kNone);
    for (std::size_t i = 0; i < in.size(); i += 2) f.input_pattern[i] = 0;
    for (int d = 0; d < 365; ++d) f.k_per_d.push_back({0.2 + 0.1 * std::sin(d / 58.0), 0.15, 0.05});
    for (auto stepper : {DynamicStepper::Auto, DynamicStepper::Dopri5}) {
        DynamicOptions opt;
        opt.stepper = stepper;
        opt.max_cells = 6;
        const DynamicResult res = solve_dynamic(net, in, {}, f, opt);
        // in - out - decayed - change in storage, relative: 1e-6 asked; the pools make it exact to rounding.
        CHECK(res.max_reach_imbalance < 1e-6);
        CHECK(res.network_imbalance < 1e-6);
        for (int c = 0; c < 3; ++c) CHECK(res.input_g[c] > 0.0);
    }
}

TEST_CASE("the exact exponential of stiff intervals agrees with rosenbrock4", "[dynamic][analytical]") {
    // Stiff, unrelaxed intervals (10 cells, cells emptying in 1-3 hours, water crossing a reach in 1-3 days) under
    // daily flows and loads: Auto advances them by the shared uniformization series, Rosenbrock4 by odeint's
    // error-controlled implicit stepper at rel_tol 1e-11. Cell rates differ along each reach (lateral inflow and
    // u = a Q^b), the 200 m reach R5 needs the interval split (L h > 600: cells emptying in about a minute), and
    // R4 has equal rates in every cell (constant velocity, no lateral inflow), where the series ends after n terms.
    const StiffCase sc = stiff_case();
    const Network& net = sc.net;
    const std::vector<PointInput>& in = sc.inputs;
    const std::vector<Observation>& obs = sc.obs;
    DynamicForcing f = sc.f;
    DynamicOptions opt;
    opt.cells = {10, 10, 10, 10, 10};
    opt.relaxed_tol = 0.0;  // no closed-form shortcut: every stiff interval through the compared methods
    opt.start = DynamicStart::Empty;
    opt.stepper = DynamicStepper::Auto;
    const DynamicResult ex = solve_dynamic(net, in, obs, f, opt);
    opt.stepper = DynamicStepper::Rosenbrock4;
    opt.rel_tol = 1e-11;
    opt.abs_tol_g = 1e-9;
    const DynamicResult ro = solve_dynamic(net, in, obs, f, opt);
    // Most intervals are stiff here (max rate x step > 8), so most go through the series.
    CHECK(ex.intervals_exact > ex.intervals_dopri5);
    CHECK(ro.intervals_rosenbrock4 == 5u * 3u * f.steps);
    // Both solve the same linear system; rosenbrock4's local error is held to 1e-11, so 1e-8 relative leaves room
    // for its accumulated error over 60 restarts (the two agree to 2.4e-11 here). Observations are double; masses
    // are compared directly.
    double worst = 0.0;
    for (std::size_t s = 0; s < f.steps; ++s)
        for (std::size_t o = 0; o < obs.size(); ++o)
            for (int c = 0; c < 3; ++c) worst = std::max(worst, rel(ex.conc(s, o, c), ro.conc(s, o, c)));
    CHECK(worst < 1e-8);
    for (std::size_t r = 0; r < 5; ++r)
        for (int c = 0; c < 3; ++c) {
            CHECK(rel(ex.budget[r].out_g[c], ro.budget[r].out_g[c]) < 1e-8);
            CHECK(rel(ex.budget[r].decayed_g[c], ro.budget[r].decayed_g[c]) < 1e-8);
            CHECK(rel(ex.budget[r].storage_end_g[c], ro.budget[r].storage_end_g[c]) < 1e-8);
        }
    CHECK(ex.max_reach_imbalance < 1e-12);  // exact to rounding: the pools are built from the identity

    // With the closed form on and a fast COD decay (40/d), COD's transient dies out within the day on every reach
    // while NH3-N and TP still need the series: the series then advances only those two.
    for (auto& k : f.k_per_d) k[0] = 40.0;
    opt.relaxed_tol = 1e-12;
    opt.stepper = DynamicStepper::Auto;
    opt.rel_tol = 1e-8;
    const DynamicResult mixed = solve_dynamic(net, in, obs, f, opt);
    opt.stepper = DynamicStepper::Rosenbrock4;
    opt.rel_tol = 1e-11;
    const DynamicResult mixed_ro = solve_dynamic(net, in, obs, f, opt);
    // 900 reach-constituent-days; at most two thirds can go through the series when COD is closed form on every
    // reach-day.
    CHECK(mixed.intervals_relaxed >= 5u * f.steps);
    CHECK(mixed.intervals_exact > 0u);
    CHECK(mixed.intervals_exact <= 2u * 5u * f.steps);
    worst = 0.0;
    for (std::size_t s = 0; s < f.steps; ++s)
        for (std::size_t o = 0; o < obs.size(); ++o)
            for (int c = 0; c < 3; ++c) worst = std::max(worst, rel(mixed.conc(s, o, c), mixed_ro.conc(s, o, c)));
    CHECK(worst < 1e-8);
}

TEST_CASE("the series stopped at its a-priori bound agrees with the series run to rounding", "[dynamic][analytical]") {
    // The uniformization series of a stiff interval stops once the terms left are at most series_tol of the masses
    // (default 1e-13); with 1e-16 it runs to rounding (the earlier behaviour). The stiff case above (rates that
    // differ along each reach, daily flows, loads and rates, one reach split), no closed form, so every stiff
    // interval goes through the series.
    const StiffCase sc = stiff_case();
    const auto& [net, in, obs, f] = sc;
    DynamicOptions opt;
    opt.cells = {10, 10, 10, 10, 10};
    opt.relaxed_tol = 0.0;
    opt.series_tol = 1e-16;
    const DynamicResult exact = solve_dynamic(net, in, obs, f, opt);
    opt.series_tol = DynamicOptions{}.series_tol;
    const DynamicResult fast = solve_dynamic(net, in, obs, f, opt);
    CHECK(fast.intervals_exact > 5u * 3u * f.steps / 2);  // most intervals stiff (the rest dopri5, the same in both)
    // Each interval's truncation moves a reach's masses by at most series_tol of them; what an interval gets wrong
    // flows out or decays in later ones, so over 60 intervals the pools of a reach differ by at most 60 x 1e-13 of
    // the masses it holds, which are below what passes through it in 60 days: budgets within 1e-11 relative. A
    // cell's concentration is wrong by at most 1e-13 of the reach's masses per interval plus what is carried over
    // from the days before; relative to the cell's own mass that is larger where a cell holds a small share of its
    // reach's mass: 1e-10 relative allows a share of 1/100 and ten days of carry-over.
    double worst_obs = 0.0, worst_budget = 0.0;
    for (std::size_t s = 0; s < f.steps; ++s)
        for (std::size_t o = 0; o < obs.size(); ++o)
            for (int c = 0; c < 3; ++c) worst_obs = std::max(worst_obs, rel(fast.conc(s, o, c), exact.conc(s, o, c)));
    for (std::size_t r = 0; r < 5; ++r)
        for (int c = 0; c < 3; ++c)
            worst_budget = std::max({worst_budget, rel(fast.budget[r].out_g[c], exact.budget[r].out_g[c]),
                                     rel(fast.budget[r].decayed_g[c], exact.budget[r].decayed_g[c]),
                                     rel(fast.budget[r].storage_end_g[c], exact.budget[r].storage_end_g[c])});
    CHECK(worst_obs < 1e-10);
    CHECK(worst_budget < 1e-11);
    CHECK(fast.max_reach_imbalance < 1e-12);  // the pools are built from the identity whatever the truncation
    WARN("series stopped at 1e-13 against run to rounding: concentrations " << worst_obs << ", budgets " << worst_budget);
}

TEST_CASE("solver failures name the reach, the time and the step", "[dynamic][errors]") {
    NetworkBuilder b;
    b.add(reach("DRY", "", 2, 0.5, 0.0, 0.0));
    const Network net = b.finish();
    DynamicForcing f;
    f.steps = 3;
    f.k_per_d = {{0.2, 0.1, 0.05}};
    const std::vector<PointInput> in{{0, 100.0, -1.0, 0.0, {1.0, 0.1, 0.01}, 0}};
    try {
        solve_dynamic(net, in, {}, f, {});
        FAIL("a reach without water receiving load must fail");
    } catch (const ModelError& e) {
        CHECK(std::string(e.what()).find("DRY") != std::string::npos);
        CHECK(std::string(e.what()).find("day 0") != std::string::npos);
    }
    // A non-finite rate makes the integrator fail with reach, day and step size named.
    NetworkBuilder b2;
    b2.add(reach("R", "", 2, 0.5, 1.0, 0.0));
    const Network net2 = b2.finish();
    f.k_per_d = {{std::nan(""), 0.1, 0.05}};
    DynamicOptions opt;
    opt.stepper = DynamicStepper::Dopri5;
    opt.relaxed_tol = 0.0;
    try {
        solve_dynamic(net2, {}, {}, f, opt);
        FAIL("a NaN rate must fail");
    } catch (const ModelError& e) {
        const std::string w = e.what();
        CHECK(w.find("reach R") != std::string::npos);
        CHECK(w.find("day") != std::string::npos);
        CHECK(w.find("step") != std::string::npos);
    }
}

TEST_CASE("monthly means, classes and shares of days and months meeting the target", "[dynamic][compliance]") {
    // A hand-made series: COD 25 mg/L (class IV) in January and February, 10 mg/L (class I) otherwise; target III.
    DynamicResult r;
    r.steps = 365;
    r.nobs = 1;
    r.obs_conc_mgL.assign(365 * 3, 0.0);
    r.obs_flow_m3s.assign(365, 1.0);
    std::vector<int> month(365);
    int d = 0;
    const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 0; m < 12; ++m)
        for (int i = 0; i < dim[m]; ++i, ++d) {
            month[d] = m + 1;
            r.obs_conc_mgL[d * 3] = m < 2 ? 25.0 : 10.0;
            r.obs_conc_mgL[d * 3 + 1] = 0.1;
            r.obs_conc_mgL[d * 3 + 2] = 0.01;
        }
    Section s;
    s.target_class = 3;
    const auto sc = section_compliance(r, {s}, ClassTable::gb3838(), month);
    REQUIRE(sc.size() == 1);
    CHECK(sc[0].days_meeting == 365 - 59);
    CHECK(sc[0].months_meeting == 10);
    CHECK(sc[0].monthly_class[0] == 4);
    CHECK(sc[0].monthly_class[5] == 1);
    CHECK(std::abs(sc[0].annual_mean_mgL[0] - (59 * 25.0 + 306 * 10.0) / 365.0) < 1e-12);  // exact mean, rounding only
    CHECK(sc[0].annual_class == 1);  // 12.4 mg/L COD is class I (<= 15)
    CHECK(std::abs(sc[0].share_days() - 306.0 / 365.0) < 1e-15);
}
