// Measures, apportionment, required reductions and capacity, against hand computations and closed forms.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>

#include "analyses/apportion.hpp"
#include "scenarios/measures.hpp"
#include "tests/common/case_builders.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

constexpr double kTight = 1e-12;

// Main stem R (20 km, 0.5 m/s, 10 m3/s) and tributary T (4 km, 0.3 m/s, 1 m3/s) join into R2 (10 km, 0.5 m/s);
// a plant P on R at 5 km, an outfall O on T at 1 km, a section S at the end of R2.
CaseModel small_case(double k_per_d = 0.2) {
    auto reach = [](const char* id, const char* river, const char* down, double km, double u, double q, PerConstituent c) {
        return test::reach(id, river, down, km, hydro::Hydraulics::constant(u), q, c);
    };
    reaches::NetworkBuilder b;
    b.add(reach("R", "干流", "R2", 20.0, 0.5, 10.0, {10.0, 0.3, 0.05}));
    b.add(reach("T", "支流", "R2", 4.0, 0.3, 1.0, {12.0, 0.5, 0.1}));
    b.add(reach("R2", "干流", "", 10.0, 0.5, 0.0, {}));
    CaseModel m;
    m.net = b.finish();
    m.kinetics.k20_per_d = {k_per_d, k_per_d, k_per_d};
    m.kinetics.theta = {1.047, 1.07, 1.024};
    m.temperature_c = 20.0;
    m.sources = {test::source("P", "sewage_plant", 0, 5000.0, 0.5, test::load_of(0.5, {40.0, 4.0, 0.8})),
                 test::source("O", "outfall", 1, 1000.0, 0.2, test::load_of(0.2, {150.0, 20.0, 2.0}))};
    m.sources[0].name = "污水厂";
    m.sources[1].name = "排口";
    m.sections = {test::section("S", 2, 10000.0)};
    m.sections[0].name = "出境断面";
    return m;
}

MeasureSpec spec(const std::string& id, const std::string& kind, ParamMap params) {
    MeasureSpec s;
    s.id = id;
    s.kind = kind;
    s.params = std::move(params);
    s.file = "scenarios.toml";
    s.record = "line 1";
    return s;
}
ParamValue num(double v) { return {v, "line 2"}; }
ParamValue txt(const std::string& v) { return {v, "line 2"}; }
ParamValue lst(std::vector<std::string> v) { return {v, "line 2"}; }

Scenario one(const CaseModel& m, MeasureSpec s) {
    Problems p;
    auto sc = compile_scenarios(m, {s}, {{"x", "", "", "", {s.id}, "scenarios.toml", "line 9"}}, p);
    INFO((p.empty() ? std::string() : format_problem(p.items()[0])));
    REQUIRE(p.empty());
    return sc.at(0);
}

double section_cod(const CaseModel& m) { return evaluate(m).sections[0].conc_mgL[0]; }

// Hand computation for small_case's section S (k in 1/d, all constant velocities):
//   R: 10 m3/s at C0 for 5 km, + plant, 15 km more; T: 1 m3/s for 1 km, + outfall, 3 km; mix; R2 10 km.
double hand_cod(double c0, double plant_q, double plant_c, double out_q, double out_c, double k) {
    const auto f = [k](double m, double u) { return std::exp(-k * m / u / 86400.0); };
    const double lr = (10.0 * c0 * f(5000, 0.5) + plant_q * plant_c) * f(15000, 0.5);
    const double lt = (1.0 * 12.0 * f(1000, 0.3) + out_q * out_c) * f(3000, 0.3);
    const double q = 10.0 + plant_q + 1.0 + out_q;
    return (lr + lt) * f(10000, 0.5) / q;
}

}  // namespace

TEST_CASE("baseline of the small case matches the hand computation", "[scenarios][analytical]") {
    const CaseModel m = small_case();
    CHECK(section_cod(m) == Approx(hand_cod(10.0, 0.5, 40.0, 0.2, 150.0, 0.2)).epsilon(kTight));
}

TEST_CASE("measure effects equal hand computations", "[scenarios][analytical]") {
    const CaseModel m = small_case();
    SECTION("plant to surface-water class IV: COD 40 -> 30 mg/L") {
        const auto s = one(m, spec("up", "plant_standard", {{"plants", lst({"P"})}, {"standard", txt("GB3838-IV")}}));
        const CaseModel x = apply_scenario(m, s);
        CHECK(x.sources[0].load_gs[0] == Approx(0.5 * 30.0).epsilon(kTight));
        CHECK(x.sources[0].load_gs[2] == Approx(0.5 * 0.3).epsilon(kTight));
        CHECK(x.sources[1].load_gs[0] == m.sources[1].load_gs[0]);  // the outfall is not a plant
        CHECK(section_cod(x) == Approx(hand_cod(10.0, 0.5, 30.0, 0.2, 150.0, 0.2)).epsilon(kTight));
    }
    SECTION("close the outfall: its water and load are gone") {
        const auto s = one(m, spec("c", "outfall", {{"outfalls", lst({"O"})}, {"action", txt("close")}}));
        CHECK(section_cod(apply_scenario(m, s)) == Approx(hand_cod(10.0, 0.5, 40.0, 0.0, 0.0, 0.2)).epsilon(kTight));
    }
    SECTION("connect the outfall to the plant: its water leaves at the plant's effluent concentration") {
        const auto s = one(m, spec("c", "outfall", {{"outfalls", lst({"O"})}, {"action", txt("connect")}, {"plant", txt("P")}}));
        const CaseModel x = apply_scenario(m, s);
        CHECK(x.sources[0].flow_m3s == Approx(0.7).epsilon(kTight));
        CHECK(section_cod(x) == Approx(hand_cod(10.0, 0.7, 40.0, 0.0, 0.0, 0.2)).epsilon(kTight));
    }
    SECTION("remediate an outfall by 60% of COD") {
        const auto s = one(m, spec("r", "outfall", {{"outfalls", lst({"O"})}, {"action", txt("remediate")}, {"cod_pct", num(60)}}));
        CHECK(section_cod(apply_scenario(m, s)) == Approx(hand_cod(10.0, 0.5, 40.0, 0.2, 60.0, 0.2)).epsilon(kTight));
    }
    SECTION("source reduction by type") {
        const auto s = one(m, spec("r", "source_reduction", {{"types", lst({"sewage_plant"})}, {"reduction_pct", num(25)}}));
        CHECK(section_cod(apply_scenario(m, s)) == Approx(hand_cod(10.0, 0.5, 30.0, 0.2, 150.0, 0.2)).epsilon(kTight));
    }
    SECTION("tail-water wetland on the plant removing 20% of COD") {
        const auto s = one(m, spec("w", "wetland", {{"sources", lst({"P"})}, {"cod_pct", num(20)}}));
        CHECK(section_cod(apply_scenario(m, s)) == Approx(hand_cod(10.0, 0.5, 32.0, 0.2, 150.0, 0.2)).epsilon(kTight));
    }
    SECTION("ecological flow: the release tops R up to 14 m3/s at its background concentration") {
        const auto s = one(m, spec("e", "eco_flow", {{"reach", txt("R")}, {"min_flow_m3s", num(14)}}));
        const CaseModel x = apply_scenario(m, s);
        CHECK(x.net.headwater_flow_m3s[0] == Approx(14.0).epsilon(kTight));
        // hand: R carries 14 m3/s of 10 mg/L water
        const auto f = [](double mm, double u) { return std::exp(-0.2 * mm / u / 86400.0); };
        const double lr = (14.0 * 10.0 * f(5000, 0.5) + 0.5 * 40.0) * f(15000, 0.5);
        const double lt = (12.0 * f(1000, 0.3) + 0.2 * 150.0) * f(3000, 0.3);
        CHECK(section_cod(x) == Approx((lr + lt) * f(10000, 0.5) / 15.7).epsilon(kTight));
    }
    SECTION("conditions: 12 degC and flows x 0.5") {
        const auto s = one(m, spec("d", "conditions", {{"temperature_c", num(12)}, {"flow_factor", num(0.5)}}));
        const CaseModel x = apply_scenario(m, s);
        CHECK(x.temperature_c == 12.0);
        CHECK(x.net.headwater_flow_m3s[0] == Approx(5.0).epsilon(kTight));
        const double k = 0.2 * std::pow(1.047, -8.0);
        const auto f = [k](double mm, double u) { return std::exp(-k * mm / u / 86400.0); };
        const double lr = (5.0 * 10.0 * f(5000, 0.5) + 0.5 * 40.0) * f(15000, 0.5);
        const double lt = (0.5 * 12.0 * f(1000, 0.3) + 0.2 * 150.0) * f(3000, 0.3);
        CHECK(section_cod(x) == Approx((lr + lt) * f(10000, 0.5) / 6.2).epsilon(kTight));
    }
}

TEST_CASE("a transfer dilutes the receiving tributary", "[scenarios][analytical]") {
    const CaseModel m = small_case(0.0);
    const auto s = one(m, spec("t", "transfer", {{"from", txt("R")}, {"to", txt("T")}, {"flow_m3s", num(2.0)}}));
    const CaseModel x = apply_scenario(m, s);
    const auto e = evaluate(x);
    // k = 0: R's outflow concentration, 2 m3/s of it enter T at the top
    const double cr = (10.0 * 10.0 + 20.0) / 10.5;
    CHECK(e.steady.flow_in_m3s[1] == Approx(3.0).epsilon(kTight));
    CHECK(e.steady.conc_out_mgL[1][0] == Approx((12.0 + 2.0 * cr + 30.0) / 3.2).epsilon(kTight));
    // the section downstream sees all water again: total mass over total flow
    CHECK(e.sections[0].conc_mgL[0] == Approx((100.0 + 20.0 + 12.0 + 30.0) / 11.7).epsilon(kTight));
}

TEST_CASE("apportionment: source shares sum to the concentration minus background", "[scenarios][apportion]") {
    const CaseModel m = small_case();
    const auto a = apportion(m);
    const auto& x = a.sections[0];
    for (int c = 0; c < 3; ++c) {
        const double sum = x.by_source_mgL[0][c] + x.by_source_mgL[1][c];
        CHECK(std::abs(sum - (x.total_mgL[c] - x.background_mgL[c])) <= 1e-9 * x.total_mgL[c]);
    }
    // the plant's share by hand: its load decays over 15 km of R and 10 km of R2, diluted by all the water
    const double f = std::exp(-0.2 * 25000.0 / 0.5 / 86400.0);
    CHECK(x.by_source_mgL[0][0] == Approx(20.0 * f / 11.7).epsilon(kTight));
}

TEST_CASE("required cut: cutting every upstream source by the share puts the section exactly at its limit", "[scenarios][apportion]") {
    CaseModel m = small_case(0.1);
    // make the outfall bad enough that NH3-N exceeds class III
    m.sources[1].load_gs = {0.2 * 400.0, 0.2 * 60.0, 0.2 * 8.0};
    const auto a = apportion(m);
    const auto& x = a.sections[0];
    REQUIRE(x.total_mgL[1] > x.limit_mgL[1]);
    REQUIRE(x.feasible[1]);
    CaseModel cut = m;
    for (auto& s : cut.sources) s.load_gs[1] *= 1.0 - x.required_cut_share[1];
    CHECK(evaluate(cut).sections[0].conc_mgL[1] == Approx(x.limit_mgL[1]).epsilon(1e-9));
    CHECK(x.required_cut_gs[1] == Approx(x.required_cut_share[1] * (0.5 * 4.0 + 0.2 * 60.0)).epsilon(kTight));
}

TEST_CASE("capacity: the capacity load at the discharge point gives exactly the limit at the reach end", "[scenarios][capacity]") {
    // single reach, no sources: the closed forms
    CaseModel m = small_case(0.3);
    m.sources.clear();
    const double k = 0.3, u = 0.5, L = 10000.0, q = 11.0;
    for (auto at : {DischargePoint::Midpoint, DischargePoint::End}) {
        const auto caps = reach_capacity(m, at);
        const auto& rc = caps[2];  // R2, controlled by S at its end, inflow as modelled
        REQUIRE(rc.target_class == 3);
        const double c0 = rc.inflow_conc_mgL[0], cs = 20.0, e = std::exp(-k * L / u / 86400.0);
        const double closed = at == DischargePoint::Midpoint ? (cs - c0 * e) * q / std::exp(-k * L / 2 / u / 86400.0) : (cs - c0 * e) * q;
        CHECK(rc.capacity_gs[0] == Approx(closed).epsilon(1e-9));
        // put it there and the section is at the limit
        CaseModel with = m;
        loads::Source w;
        w.id = "W";
        w.type = "outfall";
        w.reach = 2;
        w.position_m = at == DischargePoint::Midpoint ? L / 2 : L;
        w.load_gs = {rc.capacity_gs[0], 0.0, 0.0};
        with.sources = {w};
        CHECK(evaluate(with).sections[0].conc_mgL[0] == Approx(cs).epsilon(1e-9));
    }
}

TEST_CASE("scenario input errors name file, record and field", "[scenarios][bad-input]") {
    const CaseModel m = small_case();
    Problems p;
    compile_scenarios(m,
                      {spec("a", "plant_standard", {{"plants", lst({"NOPE"})}, {"standard", txt("GB99999")}}),
                       spec("b", "teleport", {}), spec("c", "transfer", {{"from", txt("R")}, {"to", txt("R")}, {"flow_m3s", num(-1)}}),
                       spec("d", "source_reduction", {{"reduction_pct", num(30)}, {"colour", txt("blue")}})},
                      {{"s", "", "", "", {"a", "zzz"}, "scenarios.toml", "line 40"}}, p);
    std::string all;
    for (const auto& x : p.items()) all += format_problem(x) + "\n";
    INFO(all);
    CHECK_THAT(all, Catch::Contains("scenarios.toml: line 1 (measure a): field 'plants' = 'NOPE': unknown source id"));
    CHECK_THAT(all, Catch::Contains("field 'standard' = 'GB99999': unknown discharge standard"));
    CHECK_THAT(all, Catch::Contains("(measure b): field 'kind' = 'teleport': unknown measure kind"));
    CHECK_THAT(all, Catch::Contains("(measure c): field 'flow_m3s'"));
    CHECK_THAT(all, Catch::Contains("(measure c): field 'to'"));
    CHECK_THAT(all, Catch::Contains("(measure d): field 'colour'"));
    CHECK_THAT(all, Catch::Contains("scenarios.toml: line 40 (scenario s): field 'measures' = 'zzz': unknown measure id"));
}

TEST_CASE("two scenarios evaluated at once on two threads give the sequential results", "[scenarios][threads]") {
    const CaseModel m = small_case();
    const auto s1 = one(m, spec("a", "source_reduction", {{"reduction_pct", num(50)}}));
    const auto s2 = one(m, spec("b", "conditions", {{"temperature_c", num(10)}}));
    const double seq1 = section_cod(apply_scenario(m, s1)), seq2 = section_cod(apply_scenario(m, s2));
    double par1 = 0, par2 = 0;
    std::thread t1([&] { for (int i = 0; i < 50; ++i) par1 = section_cod(apply_scenario(m, s1)); });
    std::thread t2([&] { for (int i = 0; i < 50; ++i) par2 = section_cod(apply_scenario(m, s2)); });
    t1.join();
    t2.join();
    CHECK(par1 == seq1);
    CHECK(par2 == seq2);
}
