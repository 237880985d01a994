// The eco_flow measure carries water-quality items: the released water's DO, BOD5, CODMn (given, or the defaults of
// river water) enter the water-quality model as its own water, checked by the mass balance where it joins the
// headwater inflow of the reach.
#include <catch2/catch.hpp>

#include <cmath>

#include "analyses/water_quality.hpp"
#include "reaches/oxygen.hpp"
#include "reaches/wq_sources.hpp"
#include "tests/common/junction_case.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {

Scenario eco_flow(const CaseModel& m, ParamMap params) {
    MeasureSpec s;
    s.id = "eco";
    s.kind = "eco_flow";
    s.params = std::move(params);
    s.file = "scenarios.toml";
    s.record = "line 1";
    Problems p;
    auto sc = compile_scenarios(m, {s}, {{"x", "", "", "", {s.id}, "scenarios.toml", "line 9"}}, p);
    INFO((p.empty() ? std::string() : format_problem(p.items()[0])));
    REQUIRE(p.empty());
    return sc.at(0);
}
ParamValue num(double v) { return {v, "line 2"}; }

// |a - b| / max(|b|, 1e-300), largest over the species
double rel(const wq::State& a, const wq::State& b) {
    double d = 0.0;
    for (int k = 0; k < wq::kNumSpecies; ++k) d = std::max(d, std::abs(a[k] - b[k]) / std::max(std::abs(b[k]), 1e-300));
    return d;
}

}  // namespace

TEST_CASE("eco_flow: the released water's items, given or by default, in a mass balance where it joins the river",
          "[water_quality][eco_flow]") {
    const CaseModel m = test::junction_case({hydro::Hydraulics::geometry(0.2, 0.1, 1.5, 0.3)});
    const WaterQualityOptions o;
    const std::int32_t b = m.net.topo.find("B");  // 0.4 m3/s of headwater, 0.1 m3/s lateral, no source
    const WaterQualityProblem p0 = water_quality_problem(m, o);
    const double k1 = p0.steady.params.bod_bottle_k_per_d;
    const wq::State head = p0.data.headwater_conc_mgL[b];
    const wq::State lateral = p0.data.lateral_conc_mgL[b];
    const auto& river = wq::river_composition(o.composition);
    PerConstituent c{};
    c[idx(*constituent_from_key("cod"))] = 6.0;
    c[idx(*constituent_from_key("nh3n"))] = 0.1;
    c[idx(*constituent_from_key("tp"))] = 0.02;

    SECTION("items given") {
        const Scenario s = eco_flow(m, {{"reach", {std::string("B"), "line 2"}}, {"min_flow_m3s", num(1.0)},
                                        {"cod_mgL", num(6.0)}, {"nh3n_mgL", num(0.1)}, {"tp_mgL", num(0.02)},
                                        {"do_mgL", num(9.0)}, {"bod5_mgL", num(1.5)}, {"codmn_mgL", num(2.5)}});
        const CaseModel a = apply_scenario(m, s);
        REQUIRE(a.releases.size() == 1);
        CHECK(a.releases[0].flow_m3s == Approx(0.6).epsilon(1e-12));  // 1.0 - the 0.4 m3/s already there
        GivenSpecies g;
        g[GivenItem::DO] = 9.0;
        g[GivenItem::BOD5] = 1.5;
        g[GivenItem::CODMn] = 2.5;
        const wq::State added = wq::complete_species(wq::given_quality(c, g), river, k1);
        // the items as given (exact: the completion keeps what is given)
        CHECK(added[wq::DO] == 9.0);
        CHECK(wq::bod5_from_cbodu(added[wq::CBOD], k1) == Approx(1.5).epsilon(1e-14));
        CHECK(added[wq::CODMn] == 2.5);
        const WaterQualityProblem p = water_quality_problem(a, o);
        const wq::Result r = solve_water_quality(p);
        wq::State expect{};
        for (int k = 0; k < wq::kNumSpecies; ++k) expect[k] = 0.4 * head[k] + 0.6 * added[k] + 0.1 * lateral[k];
        // mass balance at the head of B: the load entering (headwater, release and lateral inflow; B has no source
        // and no upstream reach) is the sum of the three waters' loads, 1e-12 relative
        CHECK(rel(r.load_in_gs[b], expect) < 1e-12);
        CHECK(r.flow_in_m3s[b] == Approx(1.0).epsilon(1e-12));
        // and the released DO raises DO at X1 against the release at the headwater's own quality
        const Scenario same = eco_flow(m, {{"reach", {std::string("B"), "line 2"}}, {"min_flow_m3s", num(1.0)}});
        const CaseModel a2 = apply_scenario(m, same);
        CHECK(a2.releases.empty());  // the headwater's own water: nothing kept apart, the mix as before
        CHECK(r.obs_conc_mgL[0][wq::DO] > solve_water_quality(water_quality_problem(a2, o)).obs_conc_mgL[0][wq::DO]);
    }

    SECTION("concentrations given, items by the defaults of river water") {
        const Scenario s = eco_flow(m, {{"reach", {std::string("B"), "line 2"}}, {"min_flow_m3s", num(1.0)},
                                        {"cod_mgL", num(6.0)}, {"nh3n_mgL", num(0.1)}, {"tp_mgL", num(0.02)}});
        const CaseModel a = apply_scenario(m, s);
        REQUIRE(a.releases.size() == 1);
        wq::GivenQuality q = wq::given_quality(c);
        q.do_ = o.river_do_share_of_saturation * reaches::do_saturation_mgL(a.temperature_c, 0.0);
        const wq::State added = wq::complete_species(q, river, k1);
        CHECK(added[wq::CODMn] == Approx(river.codmn_per_cod * 6.0).epsilon(1e-14));
        const wq::Result r = solve_water_quality(water_quality_problem(a, o));
        wq::State expect{};
        for (int k = 0; k < wq::kNumSpecies; ++k) expect[k] = 0.4 * head[k] + 0.6 * added[k] + 0.1 * lateral[k];
        CHECK(rel(r.load_in_gs[b], expect) < 1e-12);  // as above
    }

    SECTION("items only: the headwater's concentrations and items, the given ones replaced") {
        const Scenario s = eco_flow(m, {{"reach", {std::string("B"), "line 2"}}, {"min_flow_m3s", num(1.0)}, {"do_mgL", num(10.0)}});
        const CaseModel a = apply_scenario(m, s);
        REQUIRE(a.releases.size() == 1);
        wq::State added = head;
        added[wq::DO] = 10.0;  // the headwater's water (river completion of its own concentrations) at 10 mg/L DO
        const wq::Result r = solve_water_quality(water_quality_problem(a, o));
        wq::State expect{};
        for (int k = 0; k < wq::kNumSpecies; ++k) expect[k] = 0.4 * head[k] + 0.6 * added[k] + 0.1 * lateral[k];
        CHECK(rel(r.load_in_gs[b], expect) < 1e-12);  // as above
    }
}
