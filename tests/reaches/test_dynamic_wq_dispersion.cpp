// QUAL2K's dispersion in the dynamic water-quality cells (reaches/dynamic_wq.hpp, "Exchange"): each cell exchanges
// water with its neighbours as the steady elements do, along a chain of reaches too. Under constant forcing the cells
// reach the steady dispersive elements (an independent solve: Newton's method on the element equations); budgets
// close; the exact paths agree with Boost.Odeint; and the exchange across reach ends, held over each piece, against
// the whole network integrated as one system with the exchange exact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <cmath>

#include "reaches/dynamic_wq.hpp"
#include "reaches/dynamic_wq_linear.hpp"
#include "reaches/steady_wq.hpp"
#include "tests/common/wq_waters.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

// A (4 km) -> B (3 km, lateral inflow 0.5 m3/s) -> C (6 km, a sewage outfall of 1 m3/s at 1 km) -> D (3 km) <- T
// (2 km, 1 m3/s of clean water). 10 m3/s of clean water at A's head; u = 0.4 Q^0.3, H = 0.5 Q^0.4; 3 cells (and
// steady elements) per reach. A, B and C disperse as one chain (800, 1,200, 2,000 m2/s); D (1,500 m2/s) takes two
// feeders, so the chain ends at C and D's cells exchange among themselves only; T does not disperse. Observed at
// every cell's centre. Without `junction`, A -> B -> C alone.
using Chain = test::WqCase;

Chain chain(bool dispersion = true, bool junction = true) {
    Chain k;
    const hydro::Hydraulics h = hydro::Hydraulics::geometry(0.4, 0.3, 0.5, 0.4);
    NetworkBuilder b;
    b.add(test::wq_reach("A", "B", 4.0, h, 10.0));
    auto rb = test::wq_reach("B", "C", 3.0, h);
    rb.lateral_flow_m3s = 0.5;
    b.add(rb);
    b.add(test::wq_reach("C", junction ? "D" : "", 6.0, h));
    if (junction) {
        b.add(test::wq_reach("D", "", 3.0, h));
        b.add(test::wq_reach("T", "D", 2.0, h, 1.0));
    }
    k.net = b.finish();
    k.os = do_saturation_mgL(19.0);
    const std::size_t n = k.net.size();
    k.data = ReachData::sized(n);
    for (std::size_t r = 0; r < n; ++r) k.data.headwater_conc_mgL[r] = k.data.lateral_conc_mgL[r] = test::river(k.os);
    k.data.elements.assign(n, 3);
    k.data.dispersion_m2s.assign(n, 0.0);
    const double e[4] = {800.0, 1200.0, 2000.0, 1500.0};
    for (int r = 0; r < (junction ? 4 : 3) && dispersion; ++r) k.data.dispersion_m2s[k.net.topo.find(std::string(1, char('A' + r)))] = e[r];
    const std::int32_t c = k.net.topo.find("C");
    k.in = {{c, 1000.0, -1.0, 1.0, test::loads(test::sewage(), 1.0), 0}};
    for (const char id : {'A', 'B', 'C', 'D'}) {
        const std::int32_t r = k.net.topo.find(std::string(1, id));
        if (r == kNone) continue;
        for (int j = 0; j < 3; ++j)
            k.obs.push_back({r, k.net.length_m[r] / 3.0 * (j + 0.5), static_cast<std::int32_t>(k.obs.size())});
    }
    return k;
}

DynamicOptions options(bool oxygen_effects) { return test::dynamic_options(oxygen_effects); }

// The dynamic tests' changing forcing (tests/common/wq_waters.hpp), the outfall's load by its weekly pattern.
DynamicForcing changing(std::size_t days) {
    DynamicForcing f = test::changing_forcing(days);
    f.input_pattern = {0};
    return f;
}

double rel_diff(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

// The largest difference between two runs over every output time, reach end and observation (relative above 1
// mg/L, absolute below).
double largest_difference(const DynamicResult& a, const DynamicResult& b, std::size_t from = 0) {
    double e = 0.0;
    for (std::size_t t = from; t < b.time_d.size(); ++t) {
        for (std::size_t r = 0; r < b.reach_end_mgL[t].size(); ++r)
            for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(a.reach_end_mgL[t][r][i], b.reach_end_mgL[t][r][i]));
        for (std::size_t o = 0; o < b.obs_mgL[t].size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(a.obs_mgL[t][o][i], b.obs_mgL[t][o][i]));
    }
    return e;
}

// The largest difference of a run's last output from the steady elements, at every observation and reach end.
double from_steady(const DynamicResult& dyn, const Result& st) {
    double e = 0.0;
    for (std::size_t o = 0; o < st.obs_conc_mgL.size(); ++o)
        for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(dyn.obs_mgL.back()[o][i], st.obs_conc_mgL[o][i]));
    for (std::size_t r = 0; r < st.conc_out_mgL.size(); ++r)
        for (int i = 0; i < kNumSpecies; ++i) e = std::max(e, rel_diff(dyn.reach_end_mgL.back()[r][i], st.conc_out_mgL[r][i]));
    return e;
}

// n cells in series (flushing `flush` 1/d, exchanging `ex` 1/d with each neighbour where `exchange`), rates k per
// species (DO's its reaeration), hydrolysis to NH3-N, nitrification to NO3-N and CBOD oxidation drawing on DO; the
// first cell's inflow 2 + i mg/L (DO 9) and reaeration towards 9 mg/L.
reaches::wq::linear_cells::LinearReach cell_chain(int n, double flush, double ex, const double (&k)[kNumSpecies], bool exchange) {
    reaches::wq::linear_cells::LinearReach L;
    L.n = n;
    L.pattern = {{NH3N, OrgN}, {NO3N, NH3N}, {DO, NH3N}, {DO, CBOD}};
    L.diag.assign(n * kNumSpecies, 0.0);
    L.up.assign(n, 0.0);
    if (exchange) L.down.assign(n, 0.0);
    L.off.assign(n * L.pattern.size(), 0.0);
    L.c.assign(n * kNumSpecies, 0.0);
    for (int j = 0; j < n; ++j) {
        const double above = j > 0 ? ex : 0.0, below = j + 1 < n ? ex : 0.0;
        for (int i = 0; i < kNumSpecies; ++i) {
            L.diag[j * kNumSpecies + i] = -(flush + above + below) - k[i];
            L.c[j * kNumSpecies + i] = (j == 0 ? flush * (i == DO ? 9.0 : 2.0 + i) : 0.0) + (i == DO ? k[DO] * 9.0 : 0.0);
        }
        if (j > 0) L.up[j] = flush + above;
        if (exchange) L.down[j] = below;
        L.off[j * 4 + 0] = k[OrgN];            // hydrolysis
        L.off[j * 4 + 1] = k[NH3N];            // nitrification
        L.off[j * 4 + 2] = -4.57 * k[NH3N];    // its oxygen
        L.off[j * 4 + 3] = -k[CBOD];           // CBOD oxidation's oxygen
    }
    return L;
}

}  // namespace

TEST_CASE("dynamic cells with QUAL2K's dispersion reach the steady dispersive elements for every species",
          "[dynamic_wq][dynamic][dispersion]") {
    const Chain k = chain();
    for (const bool o2 : {false, true}) {
        INFO("oxygen effects " << o2);
        const DynamicOptions opt = options(o2);
        DynamicForcing f;  // 40 days at the network's flows, every load constant
        f.steps = 40;
        f.flow.scale.assign(40, 1.0);
        const DynamicResult dyn = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt);
        const Result st = solve_steady_wq(k.net, k.data, k.in, k.obs, opt.steady);
        const Result plain = solve_steady_wq(k.net, chain(false).data, k.in, k.obs, opt.steady);
        // the dispersion matters here: the steady elements with and without it differ by over 0.05 mg/L somewhere
        double moved = 0.0;
        for (std::size_t o = 0; o < k.obs.size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i) moved = std::max(moved, std::abs(st.obs_conc_mgL[o][i] - plain.obs_conc_mgL[o][i]));
        INFO("dispersion moves a steady element by up to " << moved << " mg/L");
        CHECK(moved > 0.05);
        // the cells end each day at the exact steady state of their linear system once its transient is below 1e-12,
        // and the chain's reaches then hold one another at it: 1e-10 (relative above 1 mg/L, absolute below); with
        // oxygen effects the frozen-gate pieces at 1e-7: 1e-6
        const double tol = o2 ? 1e-6 : 1e-10;
        const double e = from_steady(dyn, st);
        INFO("largest difference from the steady elements " << e);
        CHECK(e < tol);
        // starting at the steady state of the first day (the chains solved as the steady elements are): there at once
        DynamicOptions at_start = opt;
        at_start.start_steady = true;
        const DynamicResult s0 = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, at_start);
        double e0 = 0.0;
        for (std::size_t o = 0; o < k.obs.size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i) {
                e0 = std::max(e0, rel_diff(s0.obs_mgL.front()[o][i], st.obs_conc_mgL[o][i]));
                e0 = std::max(e0, rel_diff(s0.obs_mgL.back()[o][i], st.obs_conc_mgL[o][i]));
            }
        INFO("started steady: largest difference " << e0);
        CHECK(e0 < tol);
    }
}

TEST_CASE("dynamic cells with dispersion: N and P close over changing forcing", "[dynamic_wq][dynamic][dispersion][balance]") {
    const Chain k = chain();
    for (const bool o2 : {false, true}) {
        INFO("oxygen effects " << o2);
        const DynamicResult d = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), changing(60), options(o2));
        const PerProcess& p = d.processed_g;
        auto imbalance = [&](std::initializer_list<int> species, double lost) {
            double in = 0.0, rest = lost;
            for (const int i : species) {
                in += d.input_g[i] + d.storage_start_g[i] + d.settled_g[i];
                rest += d.storage_end_g[i] + d.outlet_g[i];
            }
            CHECK(lost > 1e-3 * in);
            return std::abs(in - rest) / in;
        };
        const double n_err = imbalance({OrgN, NH3N, NO3N}, p[OrgNSettling] + p[Denitrification]);
        const double p_err = imbalance({OrgP, IP}, p[OrgPSettling] + p[IpSettling]);
        INFO("relative imbalance N " << n_err << ", P " << p_err);
        // the exchange across a reach end is booked once, as the upper reach's outflow and the lower one's inflow;
        // every piece is exact for its system (and each frozen sub-piece for its gates): 1e-12 of what came in
        CHECK(n_err < 1e-12);
        CHECK(p_err < 1e-12);
    }
}

TEST_CASE("dynamic cells with dispersion: the exact paths against Boost.Odeint dopri5", "[dynamic_wq][dynamic][dispersion]") {
    // the same system (each chain of reaches one system) by uniformization, CRAM and the block-tridiagonal solves, or
    // by the frozen gates, against dopri5 at 1e-12: 1e-9 without oxygen effects, 3e-7 with them (as the cells without
    // dispersion, tests/reaches/test_dynamic_wq.cpp). Twice: as it is, one piece a day, where uniformization would take
    // 200-260 terms on the chain's pieces and CRAM is used; and with B and D reaerating fast (150 and 400 1/d, shallow
    // riffles; D dispersing 600 m2/s) in pieces of 1/12 d, where DO is split off D's exchanging cells
    // (stiff_do_exchange) and integrated against the other species' series (about 9 terms: below CRAM's 10).
    for (const bool riffles : {false, true}) {
        Chain k = chain();
        if (riffles) {
            k.data.ka20_per_d.assign(k.net.size(), 0.0);
            k.data.ka20_per_d[k.net.topo.find("B")] = 150.0;
            k.data.ka20_per_d[k.net.topo.find("D")] = 400.0;
            k.data.dispersion_m2s[k.net.topo.find("D")] = 600.0;  // D's exchange well below its reaeration
        }
        for (const bool o2 : {false, true}) {
            INFO("riffles " << riffles << ", oxygen effects " << o2);
            DynamicOptions opt = options(o2);
            opt.start_steady = true;
            opt.exchange_step_d = riffles ? 1.0 / 12.0 : 1.0;
            const DynamicForcing f = changing(20);
            const DynamicResult exact = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt);
            opt.odeint = true;
            opt.abs_tol = opt.rel_tol = 1e-12;
            const DynamicResult ref = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt);
            REQUIRE(exact.steps == 0);
            REQUIRE(ref.steps > 0);
            if (!o2) REQUIRE(exact.exact_intervals > 0);
            if (o2) REQUIRE(exact.frozen_subpieces > 0);
            if (riffles && !o2) REQUIRE(exact.stiff_do_intervals > 0);
            if (!riffles && !o2) REQUIRE(exact.cram_intervals > 0);
            const double e = largest_difference(exact, ref);
            INFO("largest difference " << e << ", DO split off in " << exact.stiff_do_intervals << " reach-pieces, CRAM in "
                                        << exact.cram_intervals);
            CHECK(e < (o2 ? 3e-7 : 1e-9));
        }
    }
}

TEST_CASE("dynamic cells with dispersion: reach by reach against the whole network with the exchange exact",
          "[dynamic_wq][dynamic][dispersion]") {
    // A dispersive chain of reaches is solved as one system over each piece, so the exchange across its reaches' ends
    // is exact: on A -> B -> C alone, with one piece a day, the reaches agree with the whole network integrated as one
    // dopri5 system at 1e-10 to the integrators' tolerances (1e-7; the frozen gates at 1e-7). Where the chain ends at
    // a junction (C -> D <- T) D takes the piece means of its feeders' outflow, as without dispersion: the difference
    // then falls with the piece (measured 5.1e-6 at 1/24 d and 3.8e-7 at 1/96 d).
    DynamicOptions opt = options(true);
    const DynamicForcing f = changing(10);
    {
        const Chain k = chain(true, false);
        opt.monolithic = true;
        const DynamicResult ref = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt);
        opt.monolithic = false;
        opt.exchange_step_d = 1.0;
        const double e = largest_difference(solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt), ref, 1);
        INFO("the chain alone, one piece a day: largest difference " << e);
        CHECK(e < 1e-7);  // measured 4.4e-9
    }
    const Chain k = chain();
    opt.monolithic = true;
    const DynamicResult ref = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt);
    opt.monolithic = false;
    double e[2];
    for (int s = 0; s < 2; ++s) {
        opt.exchange_step_d = s == 0 ? 1.0 / 24.0 : 1.0 / 96.0;
        e[s] = largest_difference(solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt), ref, 1);
    }
    INFO("largest difference at 1/24 d " << e[0] << ", at 1/96 d " << e[1]);
    CHECK(e[1] < e[0] / 4.0);
    CHECK(e[1] < 1e-6);
}

TEST_CASE("exchanging cells with stiff reaeration: DO split off against the whole system uniformized",
          "[dynamic_wq][dynamic][dispersion][analytical]") {
    // Four exchanging cells (flushing 40 1/d, exchange 30 1/d each way), hydrolysis to NH3-N, nitrification to NO3-N
    // and CBOD oxidation drawing on DO, reaeration 3,000 1/d, over 0.05 d: the other species' transient is still
    // under way at the end (their rates 40-110 1/d: e^{-2} to e^{-5.5} of it left), DO far stiffer (e^{-150}). solve_linear_cells splits DO off
    // (stiff_do_exchange: DO integrated against the other species' series) where nothing draws on DO; without that
    // (do_last false) the whole system is solved at the reaeration's rate, by CRAM (uniformization would take 150
    // terms). The two agree within 1e-11 (relative above 1 mg/L) at the end and in the integrals.
    using namespace linear_cells;
    const double k[kNumSpecies] = {0.4, 1.5, 0.1, 2.0, 0.5, 0.3, 0.2, 0.1, 3000.0};  // reaeration 3,000 1/d
    const LinearReach L = cell_chain(4, 40.0, 30.0, k, true);
    std::vector<double> z0(4 * kNumSpecies);
    for (int j = 0; j < 4; ++j)
        for (int i = 0; i < kNumSpecies; ++i) z0[j * kNumSpecies + i] = i == DO ? 4.0 + j : 20.0 - 3.0 * i + j;
    std::vector<double> za = z0, zb = z0, ya(z0.size(), 0.0), yb(z0.size(), 0.0);
    const LinearPath split = solve_linear_cells(L, za.data(), ya.data(), 0.05, 1e-14, true, true);
    const LinearPath whole = solve_linear_cells(L, zb.data(), yb.data(), 0.05, 1e-14, false, true);
    REQUIRE(split == LinearPath::ExactStiffDo);
    REQUIRE(whole == LinearPath::ExactCram);
    double e = 0.0, moving = 0.0;
    for (std::size_t q = 0; q < za.size(); ++q) {
        e = std::max({e, rel_diff(za[q], zb[q]), rel_diff(ya[q], yb[q])});
        moving = std::max(moving, std::abs(za[q] - z0[q]));
    }
    INFO("largest difference " << e << ", moved " << moving);
    CHECK(e < 1e-11);
    CHECK(moving > 1.0);  // a transient under way
}

TEST_CASE("stiff exchanging cells by CRAM against Boost.Odeint dopri5", "[dynamic_wq][dynamic][dispersion][analytical]") {
    // Twelve cells flushed at 50 1/d and exchanging 4,000 1/d with each neighbour (a short element under strong
    // dispersion), with the kinetic couplings of cell_chain, over 1/8 d: uniformization would take about 1,000 terms,
    // so solve_linear_cells takes CRAM. Against dopri5 on z' = M z + c with the integrals y' = z (abs and rel 1e-13):
    // within 1e-10 (relative above 1 mg/L) at the end and in the integrals, while the slow mode (the chain as one
    // tank, 50 / 12 1/d) leaves much of the transient.
    using namespace linear_cells;
    namespace ode = boost::numeric::odeint;
    const double k[kNumSpecies] = {0.4, 1.5, 0.1, 2.0, 0.5, 0.3, 0.2, 0.1, 8.0};
    const int n = 12;
    const LinearReach L = cell_chain(n, 50.0, 4000.0, k, true);
    const std::size_t m = static_cast<std::size_t>(n) * kNumSpecies, np = L.pattern.size();
    std::vector<double> z0(m);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < kNumSpecies; ++i) z0[j * kNumSpecies + i] = i == DO ? 4.0 + 0.2 * j : 20.0 - 1.5 * i + 0.5 * j;
    const double h = 0.125;
    std::vector<double> z = z0, y(m, 0.0);
    REQUIRE(solve_linear_cells(L, z.data(), y.data(), h, 1e-14, true) == LinearPath::ExactCram);
    using W = std::vector<double>;
    const auto rhs = [&](const W& w, W& dw, double) {
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < kNumSpecies; ++i) {
                const std::size_t q = static_cast<std::size_t>(j) * kNumSpecies + i;
                double x = L.c[q] + L.diag[q] * w[q];
                if (j > 0) x += L.up[j] * w[q - kNumSpecies];
                if (j + 1 < n) x += L.down[j] * w[q + kNumSpecies];
                for (std::size_t e = 0; e < np; ++e)
                    if (L.pattern[e][0] == i) x += L.off[j * np + e] * w[j * kNumSpecies + L.pattern[e][1]];
                dw[q] = x;
                dw[m + q] = w[q];
            }
    };
    W w(2 * m, 0.0);
    std::copy(z0.begin(), z0.end(), w.begin());
    ode::integrate_adaptive(ode::make_controlled<ode::runge_kutta_dopri5<W>>(1e-13, 1e-13), rhs, w, 0.0, h, 1e-5);
    double e = 0.0, moving = 0.0;
    for (std::size_t q = 0; q < m; ++q) {
        e = std::max({e, rel_diff(z[q], w[q]), rel_diff(y[q], w[m + q])});
        moving = std::max(moving, std::abs(z[q] - z0[q]));
    }
    INFO("largest difference " << e << ", moved " << moving);
    CHECK(e < 1e-10);
    CHECK(moving > 1.0);
}

TEST_CASE("a piece that takes the set-up of the piece before (the same M, a new inflow) gives the same numbers",
          "[dynamic_wq][dynamic]") {
    // The pieces of an interval after its first keep M and h and change only the first cell's inflow (c); what
    // depends on M and h alone is then taken from the call before (solve_linear_cells' same_system). Each piece is
    // solved both ways, the second after a call on another system (nothing kept): bit for bit the same, for the
    // wide and the portable kernels, with and without exchange between the cells, relaxed pieces included (without
    // exchange).
    using namespace linear_cells;
    // With stiff exchange (2,000 1/d each way: 500 terms of uniformization a piece) by CRAM, its factors kept.
    for (const double exchange : {0.0, 5.0, 2000.0})
        for (const bool generic : {false, true}) {
            INFO("exchange " << exchange << " 1/d, portable loops " << generic);
            const double flush = 20.0;
            const double k[kNumSpecies] = {0.4, 1.5, 0.1, 2.0, 0.5, 0.3, 0.2, 0.1, 8.0};
            LinearReach L = cell_chain(3, flush, exchange, k, exchange > 0.0);
            LinearReach other = L;  // another system between the fresh solves
            for (double& d : other.diag) d *= 1.5;
            std::vector<double> z(3 * kNumSpecies, 1.0), y(z.size(), 0.0);
            solve_linear_cells(L, z.data(), y.data(), 0.125, 1e-12, true, generic);  // the interval's first piece
            int relaxed = 0;
            for (int piece = 1; piece < 24; ++piece) {
                for (int i = 0; i < kNumSpecies; ++i)  // a new inflow into the first cell; the last pieces steady
                    L.c[i] = (i == DO ? k[DO] * 9.0 : 0.0) + flush * (i == DO ? 9.0 : 2.0 + i) * (piece < 8 ? 1.0 + 0.1 * piece : 1.8);
                std::vector<double> za = z, ya(z.size(), 0.0), zb = z, yb(z.size(), 0.0), zo = z, yo(z.size(), 0.0);
                const LinearPath pa = solve_linear_cells(L, za.data(), ya.data(), 0.125, 1e-12, true, generic, true);
                solve_linear_cells(other, zo.data(), yo.data(), 0.125, 1e-12, true, generic);
                const LinearPath pb = solve_linear_cells(L, zb.data(), yb.data(), 0.125, 1e-12, true, generic, true);
                CHECK(pa == pb);
                CHECK((pa == LinearPath::ExactCram) == (exchange > 1000.0));
                relaxed += pa == LinearPath::Relaxed;
                for (std::size_t q = 0; q < z.size(); ++q) {
                    CHECK(za[q] == zb[q]);
                    CHECK(ya[q] == yb[q]);
                }
                z = za;
                // the next piece follows this one: its set-up is taken from the call just made on L (pb)
            }
            // steady inflow at the end: some pieces relaxed (with exchange the relaxed test bounds e^{Mh} by M's
            // logarithmic norm, here above 0: never)
            if (exchange == 0.0) CHECK(relaxed > 0);
        }
}

TEST_CASE("dynamic cells with QUAL2K's downstream boundary: the steady elements, budgets and dopri5",
          "[dynamic_wq][dynamic][dispersion][balance]") {
    // The outlet's last cell exchanges E' (c_b - c) with a water of fixed quality below it (QUAL2K's downstream
    // boundary: polluted water, half sewage, half river), E' of its own element (downstream_exchange_m3s). On
    // A -> B -> C (C the outlet, ending the chain) and on the network with the junction (D the outlet, its cells
    // exchanging among themselves): under constant forcing the cells reach the steady elements (1e-10; with oxygen
    // effects 1e-6, as above); over changing forcing N and P close to 1e-12 with the boundary's exchange booked as
    // the outlet's input; the pieces agree with dopri5 at 1e-12 (1e-9; 3e-7) and, on the chain alone, with the whole
    // network as one system (1e-7).
    for (const bool junction : {false, true}) {
        Chain k = chain(true, junction);
        const std::int32_t outlet = k.net.topo.find(junction ? "D" : "C");
        State below{};
        for (int i = 0; i < kNumSpecies; ++i) below[i] = 0.5 * (test::sewage()[i] + test::river(k.os)[i]);
        k.data.downstream_boundary.assign(k.net.size(), 0);
        k.data.downstream_conc_mgL.assign(k.net.size(), State{});
        k.data.downstream_boundary[outlet] = 1;
        k.data.downstream_conc_mgL[outlet] = below;
        const Chain plain = chain(true, junction);
        for (const bool o2 : {false, true}) {
            INFO("junction " << junction << ", oxygen effects " << o2);
            DynamicOptions opt = options(o2);
            DynamicForcing f;
            f.steps = 40;
            f.flow.scale.assign(40, 1.0);
            const DynamicResult dyn = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), f, opt);
            const Result st = solve_steady_wq(k.net, k.data, k.in, k.obs, opt.steady);
            const Result st0 = solve_steady_wq(plain.net, plain.data, plain.in, plain.obs, opt.steady);
            // the boundary raises the outlet's NH3-N by over 0.5 mg/L, and the budget closes with it
            CHECK(st.conc_out_mgL[outlet][NH3N] - st0.conc_out_mgL[outlet][NH3N] > 0.5);
            CHECK(st.max_reach_imbalance < 1e-10);
            const double e = from_steady(dyn, st);
            INFO("largest difference from the steady elements " << e);
            CHECK(e < (o2 ? 1e-6 : 1e-10));

            const DynamicResult d = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), changing(30), opt);
            double in = 0.0, rest = d.processed_g[OrgNSettling] + d.processed_g[Denitrification];
            for (const int i : {OrgN, NH3N, NO3N}) {
                in += d.input_g[i] + d.storage_start_g[i] + d.settled_g[i];
                rest += d.storage_end_g[i] + d.outlet_g[i];
            }
            INFO("relative N imbalance " << std::abs(in - rest) / in);
            CHECK(std::abs(in - rest) / in < 1e-12);

            opt.start_steady = true;
            const DynamicResult exact = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), changing(10), opt);
            DynamicOptions ref_opt = opt;
            ref_opt.odeint = true;
            ref_opt.abs_tol = ref_opt.rel_tol = 1e-12;
            const DynamicResult ref = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), changing(10), ref_opt);
            REQUIRE(exact.steps == 0);
            REQUIRE(ref.steps > 0);
            const double ed = largest_difference(exact, ref);
            INFO("against dopri5 " << ed);
            CHECK(ed < (o2 ? 3e-7 : 1e-9));
            if (junction || !o2) continue;
            DynamicOptions mono = options(true);
            mono.monolithic = true;
            const DynamicResult whole = solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), changing(10), mono);
            mono.monolithic = false;
            const double ew = largest_difference(solve_dynamic_wq(k.net, k.data, k.in, k.obs, test::river(k.os), changing(10), mono), whole, 1);
            INFO("against the whole network as one system " << ew);
            CHECK(ew < 1e-7);
        }
    }
}
