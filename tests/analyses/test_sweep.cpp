// The linear source-section response (reaches::steady_response) and fast scenario sweeps (scenarios::Sweep) against
// the full steady solve: an independent computation of the same numbers by a different route (a unit load carried
// down the network per source, then a weighted sum, versus routing all loads at once).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <tbb/global_control.h>

#include "bench/synthetic.hpp"
#include "common/error.hpp"
#include "io/case_reader.hpp"
#include "reaches/steady.hpp"
#include "analyses/sweep.hpp"

using namespace qingliu;

namespace {

// Superposition is exact in exact arithmetic; the two routes differ by rounding only (observed ~1e-14), so 1e-9
// relative leaves room for long networks without hiding a wrong coefficient (those differ at 1e-3 and above).
constexpr double kRel = 1e-9;

double rel_diff(const PerConstituent& a, const PerConstituent& b) {
    double d = 0.0;
    for (int c = 0; c < kNumConstituents; ++c) d = std::max(d, std::abs(a[c] - b[c]) / std::max(std::abs(b[c]), 1e-300));
    return d;
}

double u01(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

// Five reaches: A splits 30 % into side channel S that rejoins at J; B joins at J and sends 0.4 m3/s to C (another
// river); hydraulic geometry, lateral inflow, point and spread inputs, sections at inputs and in between.
struct Small {
    reaches::Network net;
    std::vector<reaches::PointInput> inputs;
    std::vector<reaches::Observation> obs;
};
Small small_network() {
    reaches::NetworkBuilder b;
    auto r = [](std::string id, std::string down, double km, double q_head, double q_lat) {
        reaches::NetworkBuilder::Reach x;
        x.id = id;
        x.river = "R";
        x.downstream = down;
        x.length_km = km;
        x.hydraulics = hydro::Hydraulics::geometry(0.3, 0.2);
        x.headwater_flow_m3s = q_head;
        x.headwater_conc_mgL = {8, 0.2, 0.05};
        x.lateral_flow_m3s = q_lat;
        x.lateral_conc_mgL = {10, 0.3, 0.08};
        return x;
    };
    auto a = r("A", "J", 6, 2.0, 0.1);
    a.split_to = "S";
    a.split_fraction = 0.3;
    b.add(a);
    b.add(r("S", "J", 5, 0.0, 0.02));
    b.add(r("B", "J", 4, 1.0, 0.05));
    b.add(r("J", "", 12, 0.0, 0.3));
    b.add(r("C", "", 7, 0.5, 0.0));
    b.transfer({"B", "C", 0.4});
    Small s;
    s.net = b.finish();
    auto at = [&](const char* id) { return s.net.topo.find(id); };
    s.inputs = {
        {at("A"), 1500, -1, 0.2, {20, 3, 0.5}, 0},
        {at("A"), 4000, 5500, 0.0, {2, 0.2, 0.05}, 1},   // spread over part of A
        {at("S"), 2500, -1, 0.05, {5, 1, 0.2}, 2},
        {at("B"), 0, -1, 0.1, {8, 1, 0.3}, 3},
        {at("J"), 3000, 9000, 0.3, {10, 0.5, 0.2}, 4},   // spread with water
        {at("J"), 6000, -1, 0.0, {4, 0.4, 0.1}, 5},      // mass only, inside the spread
        {at("C"), 3500, -1, 0.02, {1, 0.1, 0.02}, 6},
    };
    s.obs = {{at("A"), 1500, 0}, {at("A"), 6000, 1}, {at("S"), 5000, 2}, {at("J"), 0, 3},
             {at("J"), 6000, 4}, {at("J"), 12000, 5}, {at("C"), 7000, 6}, {at("B"), 2000, 7}};
    return s;
}

}  // namespace

TEST_CASE("linear response equals the full solve for any loads (splits, transfers, spread inputs)", "[sweep][steady]") {
    const Small s = small_network();
    reaches::SteadyOptions opt;
    opt.k_per_d = {0.8, 0.5, 0.1};
    const auto resp = reaches::steady_response(s.net, s.inputs, s.obs, opt);
    REQUIRE(resp.col_start.size() == s.inputs.size() + 1);
    // C's section sees the transferred load of every input upstream of B's outlet, but never the spread on J
    std::mt19937_64 g(42);
    for (int trial = 0; trial < 20; ++trial) {
        auto in = s.inputs;
        std::vector<PerConstituent> loads(in.size());
        for (std::size_t j = 0; j < in.size(); ++j) {
            for (int c = 0; c < kNumConstituents; ++c) in[j].load_gs[c] *= trial == 0 ? 1.0 : 2.0 * u01(g);
            loads[j] = in[j].load_gs;
        }
        const auto full = reaches::solve_steady(s.net, in, s.obs, opt);
        const auto fast = resp.concentrations(loads);
        for (std::size_t o = 0; o < s.obs.size(); ++o) {
            INFO("trial " << trial << " observation " << o);
            CHECK(rel_diff(fast[o], full.obs_conc_mgL[o]) <= kRel);
            CHECK(resp.obs_flow_m3s[o] == Approx(full.obs_flow_m3s[o]).epsilon(1e-12));  // same flows: rounding only
        }
    }
    // zero loads: the background alone (no inputs' load anywhere)
    const auto none = resp.concentrations(std::vector<PerConstituent>(s.inputs.size(), PerConstituent{}));
    for (std::size_t o = 0; o < s.obs.size(); ++o) CHECK(none[o] == resp.background_mgL[o]);
}

TEST_CASE("a unit load's coefficient is the closed form C = e^{-kx/u} / Q on one reach", "[sweep][analytical]") {
    reaches::NetworkBuilder b;
    reaches::NetworkBuilder::Reach x;
    x.id = "R";
    x.length_km = 10;
    x.hydraulics = hydro::Hydraulics::constant(0.4);
    x.headwater_flow_m3s = 5.0;
    b.add(x);
    const auto net = b.finish();
    reaches::SteadyOptions opt;
    opt.k_per_d = {0.3, 0.2, 0.1};
    const std::vector<reaches::PointInput> in = {{0, 2000, -1, 1.0, uniform(1.0), 0}};
    const std::vector<reaches::Observation> ob = {{0, 9000, 0}};
    const auto resp = reaches::steady_response(net, in, ob, opt);
    REQUIRE(resp.obs.size() == 1);
    for (int c = 0; c < kNumConstituents; ++c) {
        const double t_s = 7000.0 / 0.4;  // travel time from the input to the section
        const double want = std::exp(-opt.k_per_d[c] / 86400.0 * t_s) / 6.0;  // flow below the input: 5 + 1 m3/s
        CHECK(resp.coef[0][c] == Approx(want).epsilon(1e-12));  // exact exponential evaluated two ways: rounding only
    }
}

TEST_CASE("sweep equals apply-and-solve on a random synthetic network", "[sweep]") {
    bench::SyntheticSpec spec;
    spec.reaches = 3000;
    spec.sources = 800;
    spec.sections = 60;
    spec.side_channels = 30;
    spec.seed = 11;
    const scenarios::CaseModel m = bench::make_synthetic(spec);
    const scenarios::Sweep sweep(m);
    std::mt19937_64 g(5);
    std::vector<std::int32_t> outfalls;
    for (std::size_t i = 0; i < m.sources.size(); ++i)
        if (m.sources[i].type == "outfall") outfalls.push_back(static_cast<std::int32_t>(i));
    REQUIRE(!outfalls.empty());
    std::vector<scenarios::Scenario> scen;
    for (int k = 0; k < 24; ++k) {
        scenarios::Scenario s;
        s.id = "s" + std::to_string(k);
        scenarios::Measure cut;
        cut.kind = scenarios::MeasureKind::SourceReduction;
        cut.types = {k % 2 ? "cropland" : "industry"};
        cut.removal = {u01(g), u01(g), u01(g)};
        s.measures.push_back(cut);
        scenarios::Measure std4;
        std4.kind = scenarios::MeasureKind::PlantStandard;
        std4.standard = "GB3838-IV";
        std4.limit_mgL = {30, 1.5, 0.3};  // GB 3838-2002 class IV
        if (k % 3 == 0) s.measures.push_back(std4);
        scenarios::Measure out;
        out.kind = scenarios::MeasureKind::Outfall;
        out.sources = {outfalls[g() % outfalls.size()], outfalls[g() % outfalls.size()]};
        out.action = k % 4 == 1 ? "close" : "remediate";  // closing removes the outfall's water: flows change
        out.removal = {0.5, 0.6, 0.4};
        s.measures.push_back(out);
        scen.push_back(s);
    }
    const auto got = sweep.evaluate(scen);
    int linear = 0;
    for (std::size_t i = 0; i < scen.size(); ++i) {
        const auto want = scenarios::evaluate(scenarios::apply_scenario(m, scen[i]));
        CHECK(got[i].linear == (i % 4 != 1));
        linear += got[i].linear ? 1 : 0;
        for (std::size_t k = 0; k < m.sections.size(); ++k) {
            INFO("scenario " << i << " section " << k);
            CHECK(rel_diff(got[i].sections[k].conc_mgL, want.sections[k].conc_mgL) <= kRel);
            CHECK(got[i].sections[k].cls.overall == want.sections[k].cls.overall);
        }
    }
    CHECK(linear == 18);
}

TEST_CASE("sweep equals apply-and-solve on the mini case's scenarios", "[sweep]") {
    const auto lc = io::load_case(std::string(QINGLIU_SOURCE_DIR) + "/tests/data/mini");
    const scenarios::CaseModel& m = lc.model;
    std::vector<scenarios::Scenario> scen = lc.scenarios;
    // the plan's source-level measures alone (no outfall closure): the linear path
    for (const auto& s : lc.scenarios)
        if (s.id == "plan")
            for (const auto& x : s.measures)
                if (x.kind != scenarios::MeasureKind::Outfall) {
                    scenarios::Scenario one;
                    one.id = "only_" + x.id;
                    one.measures = {x};
                    scen.push_back(one);
                }
    REQUIRE(scen.size() >= lc.scenarios.size() + 2);
    const scenarios::Sweep sweep(m);
    const auto got = sweep.evaluate(scen);
    for (std::size_t i = 0; i < scen.size(); ++i) {
        const auto want = scenarios::evaluate(scenarios::apply_scenario(m, scen[i]));
        // shipped scenarios close an outfall, add a transfer or change conditions: all change flows
        CHECK(got[i].linear == (i >= lc.scenarios.size()));
        for (std::size_t k = 0; k < m.sections.size(); ++k) {
            INFO(scen[i].id << " section " << m.sections[k].id);
            CHECK(rel_diff(got[i].sections[k].conc_mgL, want.sections[k].conc_mgL) <= kRel);
            CHECK(got[i].sections[k].flow_m3s == Approx(want.sections[k].flow_m3s).epsilon(1e-12));
            CHECK(got[i].sections[k].cls.overall == want.sections[k].cls.overall);
        }
    }
}

TEST_CASE("a load left where there is no water is refused, not routed", "[sweep][guards]") {
    reaches::NetworkBuilder b;
    reaches::NetworkBuilder::Reach dry;
    dry.id = "D";
    dry.downstream = "M";
    dry.length_km = 3;  // no headwater, no lateral inflow: no water
    b.add(dry);
    reaches::NetworkBuilder::Reach main;
    main.id = "M";
    main.length_km = 5;
    main.headwater_flow_m3s = 2.0;
    b.add(main);
    scenarios::CaseModel m;
    m.net = b.finish();
    m.kinetics.k20_per_d = {0.2, 0.1, 0.05};
    loads::Source s;
    s.id = "X";
    s.type = "industry";
    s.reach = 0;
    s.position_m = 1000;
    s.load_gs = {1, 0.1, 0.01};  // mass without water on a dry reach
    m.sources = {s};
    reaches::Section sec;
    sec.id = "S1";
    sec.reach = 1;
    sec.position_m = 5000;
    m.sections = {sec};
    REQUIRE_THROWS_AS(scenarios::evaluate(m), ModelError);
    const scenarios::Sweep sweep(m);
    CHECK(sweep.response().dry_input[0] == 1);
    scenarios::Scenario half;
    scenarios::Measure cut;
    cut.kind = scenarios::MeasureKind::SourceReduction;
    cut.removal = {0.5, 0.5, 0.5};
    half.measures = {cut};
    CHECK_THROWS_AS(sweep.evaluate(half), ModelError);
    scenarios::Scenario gone;
    cut.removal = uniform(1.0);
    gone.measures = {cut};
    const auto r = sweep.evaluate(gone);  // no load left: the linear path is exact
    CHECK(r.linear);
    CHECK(r.sections[0].conc_mgL[0] == 0.0);  // M carries clean headwater (no background concentration given)
}

TEST_CASE("two threads give the same reach results as one on a large network with transfers", "[steady][parallel]") {
    // >= 32768 reaches: the solver splits the network into independent parts (see steady.cpp, Partition)
    bench::SyntheticSpec spec;
    spec.reaches = 40000;
    spec.sources = 4000;
    spec.sections = 100;
    spec.side_channels = 200;
    spec.seed = 3;
    scenarios::CaseModel m = bench::make_synthetic(spec);
    reaches::SteadyOptions opt;
    opt.k_per_d = m.kinetics.at(m.temperature_c);
    const auto base = reaches::solve_steady(m.net, scenarios::point_inputs(m), scenarios::observations(m), opt);
    // transfers between distant parts of the network join parts that would otherwise be independent
    std::mt19937_64 g(9);
    int added = 0;
    for (int tries = 0; added < 20 && tries < 1000; ++tries) {
        const auto from = static_cast<std::int32_t>(g() % m.net.size()), to = static_cast<std::int32_t>(g() % m.net.size());
        if (from == to || base.flow_out_m3s[from] < 1.0) continue;
        scenarios::Measure t;
        t.kind = scenarios::MeasureKind::Transfer;
        t.from = from;
        t.to = to;
        t.value = 0.1 * base.flow_out_m3s[from];
        scenarios::CaseModel next = m;
        try {
            scenarios::apply_measure(next, t);  // throws for a transfer that would close a cycle
        } catch (const ModelError&) {
            continue;
        }
        m = std::move(next);
        ++added;
    }
    REQUIRE(added == 20);
    const auto in = scenarios::point_inputs(m);
    const auto ob = scenarios::observations(m);
    const auto two = reaches::solve_steady(m.net, in, ob, opt);
    reaches::SteadyResult one;
    {
        tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
        one = reaches::solve_steady(m.net, in, ob, opt);
    }
    // each reach is routed by the same operations in the same order either way: identical, not just close
    CHECK(two.flow_out_m3s == one.flow_out_m3s);
    CHECK(two.conc_out_mgL == one.conc_out_mgL);
    CHECK(two.load_in_gs == one.load_in_gs);
    CHECK(two.decayed_gs == one.decayed_gs);
    CHECK(two.obs_conc_mgL == one.obs_conc_mgL);
    // totals are summed per part, in another order: rounding only
    for (int c = 0; c < kNumConstituents; ++c) {
        CHECK(two.total_input_gs[c] == Approx(one.total_input_gs[c]).epsilon(1e-12));
        CHECK(two.outlet_load_gs[c] == Approx(one.outlet_load_gs[c]).epsilon(1e-12));
        CHECK(two.total_decayed_gs[c] == Approx(one.total_decayed_gs[c]).epsilon(1e-12));
        // mass balance of the whole network: in = out + decayed (relative 1e-9, as the regression tests)
        CHECK(std::abs(two.total_input_gs[c] - two.outlet_load_gs[c] - two.total_decayed_gs[c]) <= 1e-9 * two.total_input_gs[c]);
    }
    CHECK(two.max_reach_imbalance < 1e-9);
}
