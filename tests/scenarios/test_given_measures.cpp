// What measures do to the water-quality items a source or headwater gives (DO, BOD5, CODMn, TN, N and P species),
// as docs/case-format.md states: a cut by a share cuts each item by its family's share (DO stays), an upgrade to a
// standard caps the items the standard limits and keeps the others consistent, closing or connecting an outfall
// removes them, an eco-flow release of its own concentrations replaces the headwater's. Figures are hand computed;
// equalities are exact products or minima, checked to 1e-12 relative.
#include <catch2/catch.hpp>

#include <cmath>

#include "scenarios/measures.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

constexpr double kTight = 1e-12;

GivenSpecies items(std::initializer_list<std::pair<GivenItem, double>> v) {
    GivenSpecies g;
    for (const auto& [i, x] : v) g[i] = x;
    return g;
}

// One reach (10 km, 0.5 m/s, 5 m3/s); a plant P (0.5 m3/s, COD 60, NH3-N 8, TP 1 mg/L: GB 18918-2002 grade 1B as
// measured) and an outfall O (0.1 m3/s, COD 200, NH3-N 25, TP 3 mg/L), both giving items; the headwater gives DO
// and BOD5.
CaseModel given_case() {
    reaches::NetworkBuilder b;
    b.add({.id = "R", .river = "R", .downstream = "", .length_km = 10.0, .hydraulics = hydro::Hydraulics::constant(0.5),
           .headwater_flow_m3s = 5.0, .headwater_conc_mgL = {10.0, 0.3, 0.05}, .split_to = "", .name = "R"});
    CaseModel m;
    m.net = b.finish();
    const auto water = [](double q, PerConstituent c) {
        for (double& x : c) x *= q;
        return c;
    };
    m.sources = {{.id = "P", .name = "P", .type = "sewage_plant", .reach = 0, .position_m = 2000.0, .flow_m3s = 0.5,
                  .load_gs = water(0.5, {60.0, 8.0, 1.0}), .origin = "test", .town = "",
                  .given = items({{GivenItem::DO, 4.0}, {GivenItem::BOD5, 25.0}, {GivenItem::CODMn, 18.0},
                                  {GivenItem::TN, 30.0}, {GivenItem::OrgN, 14.0}, {GivenItem::OrgP, 0.4}})},
                 {.id = "O", .name = "O", .type = "outfall", .reach = 0, .position_m = 2000.0, .flow_m3s = 0.1,
                  .load_gs = water(0.1, {200.0, 25.0, 3.0}), .origin = "test", .town = "",
                  .given = items({{GivenItem::DO, 1.0}, {GivenItem::BOD5, 90.0}, {GivenItem::TN, 40.0}, {GivenItem::IP, 2.0}})}};
    set_given_inflow(m, 0, items({{GivenItem::DO, 8.5}, {GivenItem::BOD5, 1.5}}), {});
    return m;
}

// A parameter as scenarios.toml gives it.
template <class T>
ParamValue v(T x) {
    return {x, "line 2"};
}
using Names = std::vector<std::string>;

// The case with one measure of `kind` applied (its parameters must be accepted).
CaseModel applied(const CaseModel& m, const std::string& kind, ParamMap params) {
    const MeasureSpec s{.id = "m", .name = "m", .name_en = "m", .kind = kind, .deadline = "", .params = std::move(params),
                        .file = "scenarios.toml", .record = "line 1"};
    Problems p;
    auto sc = compile_scenarios(m, {s}, {{"x", "", "", "", {s.id}, "scenarios.toml", "line 9"}}, p);
    INFO((p.empty() ? std::string() : format_problem(p.items()[0])));
    REQUIRE(p.empty());
    return apply_scenario(m, sc.at(0));
}

double at(const GivenSpecies& g, GivenItem i) {
    REQUIRE(g[i].has_value());
    return *g[i];
}

}  // namespace

TEST_CASE("a cut by a share cuts each given item by its family's share; DO stays", "[scenarios][given]") {
    const CaseModel m = given_case();
    SECTION("one share for all: 40 %") {
        const CaseModel c = applied(m, "source_reduction", {{"sources", v(Names{"P"})}, {"reduction_pct", v(40.0)}});
        const GivenSpecies& g = c.sources[0].given;
        CHECK(at(g, GivenItem::BOD5) == Approx(25.0 * 0.6).epsilon(kTight));
        CHECK(at(g, GivenItem::CODMn) == Approx(18.0 * 0.6).epsilon(kTight));
        CHECK(at(g, GivenItem::TN) == Approx(30.0 * 0.6).epsilon(kTight));
        CHECK(at(g, GivenItem::OrgN) == Approx(14.0 * 0.6).epsilon(kTight));
        CHECK(at(g, GivenItem::OrgP) == Approx(0.4 * 0.6).epsilon(kTight));
        CHECK(at(g, GivenItem::DO) == 4.0);  // DO is no load
        CHECK(c.sources[1].given == m.sources[1].given);  // not selected
    }
    SECTION("shares per state variable: BOD5 and CODMn follow COD, the N items NH3-N, the P items TP") {
        const CaseModel c = applied(m, "wetland", {{"types", v(Names{"outfall"})}, {"cod_pct", v(50.0)}, {"nh3n_pct", v(20.0)},
                                                {"tp_pct", v(10.0)}});
        const GivenSpecies& g = c.sources[1].given;
        CHECK(at(g, GivenItem::BOD5) == Approx(90.0 * 0.5).epsilon(kTight));
        CHECK(at(g, GivenItem::TN) == Approx(40.0 * 0.8).epsilon(kTight));
        CHECK(at(g, GivenItem::IP) == Approx(2.0 * 0.9).epsilon(kTight));
        CHECK(at(g, GivenItem::DO) == 1.0);
        // TN stays at least NH3-N: both cut by the same share
        CHECK(at(g, GivenItem::TN) >= c.sources[1].load_gs[1] / c.sources[1].flow_m3s);
        CHECK(c.sources[0].given == m.sources[0].given);
    }
}

TEST_CASE("an upgrade to a standard caps the given items it limits and keeps the rest consistent", "[scenarios][given]") {
    const CaseModel m = given_case();
    SECTION("GB 18918-2002 grade 1A: BOD5 10, TN 15 (shipped table), COD 50, NH3-N 5, TP 0.5") {
        const CaseModel c = applied(m, "plant_standard", {{"plants", v(Names{"P"})}, {"standard", v(std::string("GB18918-1A"))}});
        const loads::Source& p = c.sources[0];
        CHECK(p.load_gs[0] / p.flow_m3s == Approx(50.0).epsilon(kTight));
        CHECK(at(p.given, GivenItem::BOD5) == 10.0);  // min(25, 10)
        CHECK(at(p.given, GivenItem::TN) == 15.0);    // min(30, 15)
        // organic N given 14 > TN - NH3-N = 15 - 5: capped to 10
        CHECK(at(p.given, GivenItem::OrgN) == Approx(10.0).epsilon(kTight));
        CHECK(at(p.given, GivenItem::CODMn) == 18.0);  // no CODMn limit in GB 18918, 18 <= COD 50
        CHECK(at(p.given, GivenItem::OrgP) == Approx(0.4).epsilon(kTight));  // <= TP 0.5
        CHECK(at(p.given, GivenItem::DO) == 4.0);
        CHECK_FALSE(p.given[GivenItem::NO3N].has_value());  // not given stays not given (the composition's)
    }
    SECTION("surface-water class IV as effluent target: BOD5 6, CODMn 10 from the class table, TP 0.3") {
        const CaseModel c = applied(m, "plant_standard", {{"plants", v(Names{"P"})}, {"standard", v(std::string("GB3838-IV"))}});
        const loads::Source& p = c.sources[0];
        CHECK(at(p.given, GivenItem::BOD5) == 6.0);
        CHECK(at(p.given, GivenItem::CODMn) == 10.0);
        CHECK(at(p.given, GivenItem::TN) == 30.0);   // TN is a lake item: no river limit
        CHECK(at(p.given, GivenItem::OrgP) == Approx(0.3).epsilon(kTight));  // capped at TP 0.3
        CHECK(at(p.given, GivenItem::OrgN) == 14.0);  // 14 <= TN 30 - NH3-N 1.5
    }
    SECTION("an outfall remediated to a standard, and by a share") {
        const CaseModel c = applied(m, "outfall", {{"outfalls", v(Names{"O"})}, {"action", v(std::string("remediate"))},
                                                {"standard", v(std::string("GB18918-1B"))}});
        CHECK(at(c.sources[1].given, GivenItem::BOD5) == 20.0);
        CHECK(at(c.sources[1].given, GivenItem::TN) == 20.0);
        CHECK(at(c.sources[1].given, GivenItem::IP) == 1.0);  // min(2, TP 1)
        const CaseModel d = applied(m, "outfall", {{"outfalls", v(Names{"O"})}, {"action", v(std::string("remediate"))},
                                                {"reduction_pct", v(30.0)}});
        CHECK(at(d.sources[1].given, GivenItem::BOD5) == Approx(90.0 * 0.7).epsilon(kTight));
        CHECK(at(d.sources[1].given, GivenItem::DO) == 1.0);
    }
}

TEST_CASE("closing or connecting an outfall removes its given items; an eco-flow release replaces the headwater's",
          "[scenarios][given]") {
    const CaseModel m = given_case();
    const CaseModel closed = applied(m, "outfall", {{"outfalls", v(Names{"O"})}, {"action", v(std::string("close"))}});
    CHECK_FALSE(closed.sources[1].given.any());
    const CaseModel connected =
        applied(m, "outfall", {{"outfalls", v(Names{"O"})}, {"action", v(std::string("connect"))},
                           {"plant", v(std::string("P"))}});
    CHECK_FALSE(connected.sources[1].given.any());
    CHECK(connected.sources[0].given == m.sources[0].given);  // the plant's effluent keeps its concentrations
    CHECK(connected.sources[0].flow_m3s == Approx(0.6).epsilon(kTight));

    const CaseModel same = applied(m, "eco_flow", {{"reach", v(std::string("R"))}, {"min_flow_m3s", v(8.0)}});
    CHECK(same.net.headwater_flow_m3s[0] == Approx(8.0).epsilon(kTight));
    CHECK(same.headwater_given[0] == m.headwater_given[0]);  // the release is the headwater's water
    const CaseModel other = applied(m, "eco_flow", {{"reach", v(std::string("R"))}, {"min_flow_m3s", v(8.0)}, {"cod_mgL", v(6.0)},
                                                 {"nh3n_mgL", v(0.2)}, {"tp_mgL", v(0.04)}});
    CHECK_FALSE(other.headwater_given[0].any());
}
