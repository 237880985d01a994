// Mixing zones of a case's outfalls (mixing/outfall.hpp) on a network built in code: the background and the mixed
// value agree with the one-dimensional model, the width average far downstream is the one-dimensional section value,
// the zone length is the root of the bank-discharge closed form, and the zone reaches what lies inside it.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "common/error.hpp"
#include "mixing/outfall.hpp"
#include "tests/common/case_builders.hpp"

using namespace qingliu;
using namespace qingliu::mixing;

namespace {

scenarios::CaseModel river_with_outfall() {
    scenarios::CaseModel m;
    reaches::NetworkBuilder b;
    b.add(test::reach("R1", "R", "", 20.0, hydro::Hydraulics::manning(0.03, 3e-4, 40.0), 12.0, {12.0, 0.4, 0.08}));
    m.net = b.finish();
    m.kinetics.k20_per_d = {0.3, 0.2, 0.05};
    m.temperature_c = 20.0;
    loads::Source s = test::source("OF1", "outfall", 0, 2000.0, 0.4, test::load_of(0.4, {60.0, 8.0, 1.0}));  // 60, 8, 1 mg/L
    s.name = "outfall 1";
    m.table_sources = {s};
    m.sources = m.table_sources;
    for (const auto& [id, km] : {std::pair{"S_near", 2.5}, std::pair{"S_far", 19.0}}) {
        m.sections.push_back(test::section(id, 0, km * 1000.0));
        m.sections.back().name = id;
    }
    return m;
}

Plume plume_of(const OutfallResult& o, const ParameterResult& p, const scenarios::CaseModel& m) {
    Plume::Params pp;
    pp.width_m = o.channel.width_m;
    pp.depth_m = o.channel.depth_m;
    pp.velocity_ms = o.channel.velocity_ms;
    pp.ey_m2s = o.channel.ey_m2s;
    pp.k_per_s = m.kinetics.at(m.temperature_c)[p.constituent] / 86400.0;
    pp.source_y_m = o.source_y_m;
    pp.excess_load_gs = p.excess_load_gs;
    pp.background_mgL = p.background_mgL;
    return Plume(pp);
}

}  // namespace

TEST_CASE("outfall mixing: background, mixed value and far field agree with the one-dimensional model", "[mixing][analytical]") {
    const auto m = river_with_outfall();
    const auto res = analyse_mixing(m, {});
    REQUIRE(res.outfalls.size() == 1);
    const auto& o = res.outfalls[0];
    const auto ev = scenarios::evaluate(m);
    // the channel: Manning width, depth and slope of the reach, u = Q/(B h) as the one-dimensional model has it
    CHECK(o.channel.width_m == 40.0);
    CHECK(o.channel.width_origin == Origin::Hydraulics);
    CHECK(o.channel.slope == 3e-4);
    CHECK(o.channel.velocity_ms == Approx(m.net.hydraulics[0].velocity(12.4)).epsilon(1e-14));
    CHECK(o.river_flow_m3s == Approx(12.0).epsilon(1e-14));
    CHECK(o.domain_m == Approx(18000.0).epsilon(1e-14));
    // HJ 2.3-2018 L_m of a bank discharge: (0.11 + 0.7√0.225) u B²/E_y
    CHECK(o.mixing_length_hj_m ==
          Approx((0.11 + 0.7 * std::sqrt(0.225)) * o.channel.velocity_ms * 1600.0 / o.channel.ey_m2s).epsilon(1e-14));
    for (const auto& p : o.params) {
        const int c = p.constituent;
        // background: the headwater decayed over 2 km at the upstream velocity
        const double u_up = m.net.hydraulics[0].velocity(12.0), k = m.kinetics.at(20.0)[c] / 86400.0;
        CHECK(p.background_mgL == Approx(m.net.headwater_conc_mgL[0][c] * std::exp(-k * 2000.0 / u_up)).epsilon(1e-12));
        // complete mixing just below the outfall, C_h + m/Q, is the network model's value there
        CHECK(p.mixed_mgL == Approx(p.one_d_mgL).epsilon(1e-12));
        // far downstream (S_far, 17 km below) the width average is the one-dimensional section value
        const Plume pl = plume_of(o, p, m);
        const double d = 17000.0, B = o.channel.width_m;
        double avg = 0.0;
        const int n = 2000;
        for (int i = 0; i <= n; ++i) avg += (i == 0 || i == n ? 1.0 : (i % 2 ? 4.0 : 2.0)) * pl.conc(d, B * i / n);
        avg /= 3.0 * n;
        CHECK(avg == Approx(ev.sections[1].conc_mgL[c]).epsilon(1e-9));  // Simpson of a smooth field; the model is exact
        // and beyond the complete-mixing distance the field is uniform across to 5 % of the plume's excess
        REQUIRE(o.mixing_distance_m < d);
        for (double y : {0.0, B}) CHECK(std::abs(pl.conc(d, y) - pl.mixed(d)) <= 0.05 * (pl.mixed(d) - pl.background(d)));
    }
}

TEST_CASE("outfall mixing: zone length is the root of the bank-discharge closed form; sections and points reached",
          "[mixing][analytical]") {
    const auto m = river_with_outfall();
    MixingOptions opt;
    ProtectedPoint near_left{"P1", "intake left", PointKind::Intake, 0, 2500.0, Bank::Left, 1.0, "test"};
    ProtectedPoint near_right{"P2", "intake right", PointKind::Intake, 0, 2500.0, Bank::Right, 1.0, "test"};
    ProtectedPoint far{"P3", "reserve", PointKind::Protected, 0, 6000.0, std::nullopt, std::nullopt, "test"};
    ProtectedPoint upstream{"P4", "above", PointKind::Intake, 0, 1500.0, std::nullopt, std::nullopt, "test"};
    opt.points = {near_left, near_right, far, upstream};
    const auto res = analyse_mixing(m, opt);
    const auto& o = res.outfalls[0];
    const double h = o.channel.depth_m, u = o.channel.velocity_ms, E = o.channel.ey_m2s;
    for (const auto& p : o.params) {
        INFO("parameter " << p.constituent);
        REQUIRE(p.zone.exists);
        CHECK_FALSE(p.zone.open_at_end);
        CHECK(p.limit_mgL == m.classes.limit(key(kConstituents[p.constituent]), reaches::WaterBody::River, 3));
        // C at the bank = [C_h + m/(h√(πE u x))·(1 + 2e^{−uB²/(E x)})] e^{−kx/u}: the source, its image in the near
        // bank and the first images in the far bank (the next are below e^{−4uB²/(E x)} < e^{−70} here); its root
        const double k = m.kinetics.at(20.0)[p.constituent] / 86400.0, B = o.channel.width_m;
        auto bank = [&](double x) {
            const double far = 1.0 + 2.0 * std::exp(-u * B * B / (E * x));
            return (p.background_mgL + p.excess_load_gs / (h * std::sqrt(std::numbers::pi * E * u * x)) * far) * std::exp(-k * x / u) -
                   p.limit_mgL;
        };
        double lo = 1e-3, hi = 18000.0;
        for (int i = 0; i < 200; ++i) (bank(0.5 * (lo + hi)) > 0.0 ? lo : hi) = 0.5 * (lo + hi);
        CHECK(p.zone.length_m == Approx(lo).epsilon(1e-8));  // both bisections to ~1e-12
    }
    // NH3-N (8 mg/L against 1.0) reaches 2 km down the left bank: the section 500 m below and the left-bank intake,
    // not the right-bank intake 39 m across, not the point 4 km below, not the one upstream
    const auto& nh3n = o.params[1];
    REQUIRE(nh3n.zone.length_m > 500.0);
    REQUIRE(nh3n.zone.length_m < 4000.0);
    std::vector<std::string> ids;
    for (const auto& r : nh3n.reached) ids.push_back(r.id);
    CHECK(ids == std::vector<std::string>{"S_near", "P1"});
    CHECK(nh3n.reached[1].kind == "intake");
    CHECK(nh3n.reached[0].distance_m == Approx(500.0));
    // the grid holds the field
    REQUIRE(o.nx > 0);
    const Plume pl = plume_of(o, nh3n, m);
    const double x = (3 + 0.5) * o.grid_length_m / o.nx, y = (1 + 0.5) * o.channel.width_m / o.ny;
    CHECK(o.grid_mgL[3 * o.ny + 1][1] == Approx(pl.conc(x, y)).epsilon(1e-14));
}

TEST_CASE("outfall mixing: settings place a mid-channel outfall; bad names are all reported", "[mixing]") {
    const auto m = river_with_outfall();
    MixingOptions opt;
    OutfallSettings s;
    s.outfall_id = "OF1";
    s.discharge = Discharge::Mid;
    s.width_m = 50.0;
    s.slope = 5e-4;
    s.type = find_channel_type("straight");
    opt.settings = {s};
    const auto res = analyse_mixing(m, opt);
    const auto& o = res.outfalls[0];
    CHECK(o.source_y_m == 25.0);
    CHECK(o.channel.width_m == 50.0);
    CHECK(o.channel.depth_m == Approx(12.4 / (o.channel.velocity_ms * 50.0)).epsilon(1e-14));  // Q = u B h
    CHECK(o.channel.alpha == 0.15);
    CHECK(o.mixing_length_hj_m == Approx(0.11 * o.channel.velocity_ms * 2500.0 / o.channel.ey_m2s).epsilon(1e-14));
    for (const auto& p : o.params)
        for (const auto& e : p.zone.edge) CHECK(std::abs(e.y_lo_m + e.y_hi_m - 50.0) <= 1e-6);  // symmetric about the centre

    MixingOptions bad;
    bad.outfalls = {"NOPE"};
    OutfallSettings b1;
    b1.outfall_id = "GHOST";
    b1.origin = "mixing.csv row 2";
    OutfallSettings b2;
    b2.reach_id = "R9";
    b2.origin = "mixing.csv row 3";
    bad.settings = {b1, b2};
    try {
        analyse_mixing(m, bad);
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(e.problems().size() == 3);
    }
}

TEST_CASE("outfall mixing: a trapezoidal reach gives the channel of its top width and area", "[mixing][analytical]") {
    // QUAL2K's trapezoid (bottom 30 m, side slopes 2 and 3) below the outfall at 12.4 m3/s: the plume's rectangle is
    // the top width B0 + (s1 + s2) H and the depth A / top width, so that u d B = Q as in the one-dimensional model
    auto m = river_with_outfall();
    m.net.hydraulics[0] = hydro::Hydraulics::trapezoid(0.03, 3e-4, 30.0, 2.0, 3.0);
    const auto res = analyse_mixing(m, {});
    REQUIRE(res.outfalls.size() == 1);
    const auto& o = res.outfalls[0];
    const hydro::Section sec = m.net.hydraulics[0].section(12.4);
    CHECK(o.channel.width_m == Approx(30.0 + 5.0 * sec.depth_m).epsilon(1e-14));
    CHECK(o.channel.width_origin == Origin::Hydraulics);
    CHECK(o.channel.depth_m == Approx(sec.area_m2 / o.channel.width_m).epsilon(1e-14));
    CHECK(o.channel.slope == 3e-4);
    CHECK(o.channel.velocity_ms * o.channel.depth_m * o.channel.width_m == Approx(12.4).epsilon(1e-13));
    for (const auto& p : o.params) CHECK(p.mixed_mgL == Approx(p.one_d_mgL).epsilon(1e-12));
}
