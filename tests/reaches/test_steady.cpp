// Analytical tests of the steady solver: each asserts against a closed form, with the tolerance stated.
#include <catch2/catch.hpp>

#include <cmath>

#include "common/error.hpp"
#include "reaches/steady.hpp"
#include "tests/common/case_builders.hpp"

using namespace qingliu;
using namespace qingliu::reaches;

namespace {
constexpr double kTight = 1e-12;  // closed forms evaluated the same way: only rounding differs

NetworkBuilder::Reach reach(const std::string& id, const std::string& down, double km, double u, double q_head = 0.0,
                            PerConstituent c_head = {}) {
    return test::reach(id, "R", down, km, hydro::Hydraulics::constant(u), q_head, c_head);
}
SteadyOptions rates(double cod, double nh3n, double tp) {
    SteadyOptions o;
    o.k_per_d = {cod, nh3n, tp};
    return o;
}
}  // namespace

TEST_CASE("single reach: C(x) = C0 exp(-k x / u) at a section and at the end", "[steady][analytical]") {
    NetworkBuilder b;
    b.add(reach("R1", "", 20.0, 0.5, 10.0, {20.0, 2.0, 0.3}));
    const Network net = b.finish();
    const std::vector<Observation> obs = {{0, 7300.0, 0}};
    const auto res = solve_steady(net, {}, obs, rates(0.3, 0.2, 0.05));
    const double k[3] = {0.3, 0.2, 0.05}, c0[3] = {20.0, 2.0, 0.3};
    for (int c = 0; c < 3; ++c) {
        const double t_mid = 7300.0 / 0.5 / 86400.0, t_end = 20000.0 / 0.5 / 86400.0;  // days
        CHECK(res.obs_conc_mgL[0][c] == Approx(c0[c] * std::exp(-k[c] * t_mid)).epsilon(kTight));
        CHECK(res.conc_out_mgL[0][c] == Approx(c0[c] * std::exp(-k[c] * t_end)).epsilon(kTight));
    }
    CHECK(res.travel_time_d[0] == Approx(20000.0 / 0.5 / 86400.0).epsilon(kTight));
}

TEST_CASE("two tributaries mix completely at the junction", "[steady][analytical]") {
    NetworkBuilder b;
    b.add(reach("T1", "M", 5.0, 0.4, 3.0, {10.0, 0.5, 0.1}));
    b.add(reach("T2", "M", 8.0, 0.6, 7.0, {30.0, 1.5, 0.4}));
    b.add(reach("M", "", 10.0, 0.5));
    const Network net = b.finish();
    const std::vector<Observation> obs = {{2, 0.0, 0}};
    SECTION("no decay: flow-weighted mean") {
        const auto res = solve_steady(net, {}, obs, rates(0, 0, 0));
        CHECK(res.obs_flow_m3s[0] == Approx(10.0).epsilon(kTight));
        CHECK(res.obs_conc_mgL[0][0] == Approx((3.0 * 10.0 + 7.0 * 30.0) / 10.0).epsilon(kTight));
        CHECK(res.obs_conc_mgL[0][2] == Approx((3.0 * 0.1 + 7.0 * 0.4) / 10.0).epsilon(kTight));
    }
    SECTION("with decay along each tributary before mixing") {
        const double k = 0.4;
        const auto res = solve_steady(net, {}, obs, rates(k, k, k));
        const double f1 = std::exp(-k * 5000.0 / 0.4 / 86400.0), f2 = std::exp(-k * 8000.0 / 0.6 / 86400.0);
        CHECK(res.obs_conc_mgL[0][0] == Approx((3.0 * 10.0 * f1 + 7.0 * 30.0 * f2) / 10.0).epsilon(kTight));
    }
}

TEST_CASE("temperature correction k_T = k20 theta^(T-20)", "[steady][analytical]") {
    Kinetics kin;
    kin.k20_per_d = {0.25, 0.15, 0.05};
    kin.theta = {1.047, 1.07, 1.024};
    const PerConstituent k10 = kin.at(10.0);
    CHECK(k10[0] == Approx(0.25 * std::pow(1.047, -10.0)).epsilon(kTight));
    CHECK(k10[1] == Approx(0.15 * std::pow(1.07, -10.0)).epsilon(kTight));
    CHECK(kin.at(20.0)[2] == Approx(0.05).epsilon(kTight));
    // and the solver uses it: 12 km at 0.3 m/s, 10 degC
    NetworkBuilder b;
    b.add(reach("R", "", 12.0, 0.3, 4.0, {25.0, 1.2, 0.2}));
    SteadyOptions o;
    o.k_per_d = k10;
    const auto res = solve_steady(b.finish(), {}, {}, o);
    const double t = 12000.0 / 0.3 / 86400.0;
    CHECK(res.conc_out_mgL[0][1] == Approx(1.2 * std::exp(-0.15 * std::pow(1.07, -10.0) * t)).epsilon(kTight));
}

TEST_CASE("a side channel splits by fraction and rejoins", "[steady][analytical]") {
    // A (Q=20, C0) -> 30% into side channel S (6 km at 0.3 m/s), 70% into main B (4 km at 0.8 m/s); both join C.
    NetworkBuilder b;
    auto a = reach("A", "B", 2.0, 0.5, 20.0, {20.0, 1.0, 0.2});
    a.split_to = "S";
    a.split_fraction = 0.3;
    b.add(a);
    b.add(reach("B", "C", 4.0, 0.8));
    b.add(reach("S", "C", 6.0, 0.3));
    b.add(reach("C", "", 1.0, 0.5));
    const Network net = b.finish();
    const double k = 0.5;
    const auto res = solve_steady(net, {}, {{3, 0.0, 0}}, rates(k, k, k));
    const double ca = 20.0 * std::exp(-k * 2000.0 / 0.5 / 86400.0);
    const double cb = ca * std::exp(-k * 4000.0 / 0.8 / 86400.0), cs = ca * std::exp(-k * 6000.0 / 0.3 / 86400.0);
    CHECK(res.flow_in_m3s[1] == Approx(14.0).epsilon(kTight));
    CHECK(res.flow_in_m3s[2] == Approx(6.0).epsilon(kTight));
    CHECK(res.obs_flow_m3s[0] == Approx(20.0).epsilon(kTight));
    CHECK(res.obs_conc_mgL[0][0] == Approx(0.7 * cb + 0.3 * cs).epsilon(kTight));
}

TEST_CASE("lateral inflow: L(x) = L0 e^{-ax} + (q C_L / a)(1 - e^{-ax})", "[steady][analytical]") {
    NetworkBuilder b;
    auto r = reach("R", "", 15.0, 0.4, 2.0, {12.0, 0.8, 0.1});
    r.lateral_flow_m3s = 1.5;
    r.lateral_conc_mgL = {18.0, 0.4, 0.15};
    b.add(r);
    const double k = 0.3;
    const auto res = solve_steady(b.finish(), {}, {}, rates(k, k, k));
    const double a = k / 86400.0 / 0.4, ql = 1.5 / 15000.0, x = 15000.0;
    const double l = 2.0 * 12.0 * std::exp(-a * x) + ql * 18.0 / a * (1.0 - std::exp(-a * x));
    CHECK(res.flow_out_m3s[0] == Approx(3.5).epsilon(kTight));
    CHECK(res.load_out_gs[0][0] == Approx(l).epsilon(1e-11));
    CHECK(res.conc_out_mgL[0][0] == Approx(l / 3.5).epsilon(1e-11));
    // audit: in - out - decayed = 0, decayed integrated independently
    CHECK(res.max_reach_imbalance < 1e-12);
}

TEST_CASE("an input spread along part of a reach equals the lateral-inflow closed form", "[steady][analytical]") {
    NetworkBuilder b;
    b.add(reach("R", "", 10.0, 0.5, 5.0, {10.0, 0.5, 0.05}));
    const Network net = b.finish();
    // 2 g/s of COD with no water, spread from 3 km to 7 km
    PointInput p;
    p.reach = 0;
    p.position_m = 3000.0;
    p.end_m = 7000.0;
    p.load_gs = {2.0, 0.0, 0.0};
    const double k = 0.8;
    const auto res = solve_steady(net, {p}, {{0, 7000.0, 0}, {0, 5000.0, 1}}, rates(k, 0, 0));
    const double a = k / 86400.0 / 0.5;
    const double l3 = 50.0 * std::exp(-a * 3000.0);
    auto l_at = [&](double x) { return l3 * std::exp(-a * (x - 3000.0)) + (2.0 / 4000.0) / a * (1.0 - std::exp(-a * (x - 3000.0))); };
    CHECK(res.obs_conc_mgL[1][0] * 5.0 == Approx(l_at(5000.0)).epsilon(1e-11));
    CHECK(res.obs_conc_mgL[0][0] * 5.0 == Approx(l_at(7000.0)).epsilon(1e-11));
    CHECK(res.load_out_gs[0][0] == Approx(l_at(7000.0) * std::exp(-a * 3000.0)).epsilon(1e-11));
}

TEST_CASE("point input mixes before a section at the same place", "[steady][analytical]") {
    NetworkBuilder b;
    b.add(reach("R", "", 4.0, 0.5, 9.0, {10.0, 0.5, 0.1}));
    PointInput p;
    p.reach = 0;
    p.position_m = 1000.0;
    p.flow_m3s = 1.0;
    p.load_gs = {1.0 * 60.0, 1.0 * 5.0, 1.0 * 0.5};
    const auto res = solve_steady(b.finish(), {p}, {{0, 1000.0, 0}}, rates(0, 0, 0));
    CHECK(res.obs_conc_mgL[0][0] == Approx((9.0 * 10.0 + 60.0) / 10.0).epsilon(kTight));
    CHECK(res.obs_conc_mgL[0][1] == Approx((9.0 * 0.5 + 5.0) / 10.0).epsilon(kTight));
}

TEST_CASE("hydraulic geometry: velocity u = a Q^b at the segment's mean flow", "[steady][analytical]") {
    NetworkBuilder b;
    auto r = reach("R", "", 10.0, 1.0, 8.0, {20.0, 1.0, 0.2});
    r.hydraulics = hydro::Hydraulics::geometry(0.25, 0.4, 0.3, 0.45);
    b.add(r);
    const double k = 0.3;
    const auto res = solve_steady(b.finish(), {}, {}, rates(k, k, k));
    const double u = 0.25 * std::pow(8.0, 0.4);
    CHECK(res.velocity_out_ms[0] == Approx(u).epsilon(kTight));
    CHECK(res.conc_out_mgL[0][0] == Approx(20.0 * std::exp(-k * 10000.0 / u / 86400.0)).epsilon(kTight));
    CHECK(r.hydraulics.depth(8.0) == Approx(0.3 * std::pow(8.0, 0.45)).epsilon(kTight));
}

TEST_CASE("Manning wide channel: H = (nQ/(B S^0.5))^0.6, u = Q/(BH)", "[hydro][analytical]") {
    const auto h = hydro::Hydraulics::manning(0.035, 0.0004, 40.0);
    const double q = 60.0, depth = std::pow(0.035 * q / (40.0 * 0.02), 0.6);
    CHECK(h.depth(q) == Approx(depth).epsilon(kTight));
    CHECK(h.velocity(q) == Approx(q / (40.0 * depth)).epsilon(kTight));
    // consistency with Manning's equation u = H^(2/3) S^(1/2) / n for a wide channel (R ~ H)
    CHECK(h.velocity(q) == Approx(std::pow(depth, 2.0 / 3.0) * 0.02 / 0.035).epsilon(1e-12));
}

TEST_CASE("Manning trapezoid as QUAL2K's reaches: its depth satisfies Manning's equation", "[hydro][analytical]") {
    // Q = S^0.5 / n A^(5/3) / P^(2/3), A = (B0 + (s1 + s2) H / 2) H, P = B0 + H (1 + s1^2)^0.5 + H (1 + s2^2)^0.5,
    // evaluated forward at the solved depth (an independent computation): 1e-12 relative over flows of 1e-6 to
    // 1e5 m3/s, bottoms of 0.5-500 m and side slopes 0-100 (rounding of the logs in the Newton iteration, ~1e-15)
    double worst = 0.0;
    for (double q : {1e-6, 1e-3, 0.5, 20.0, 3000.0, 1e5})
        for (double b0 : {0.5, 8.0, 500.0})
            for (double s1 : {0.0, 1.0, 100.0})
                for (double s2 : {0.0, 2.5}) {
                    const auto h = hydro::Hydraulics::trapezoid(0.035, 0.0004, b0, s1, s2);
                    const hydro::Section x = h.section(q);
                    const double A = (b0 + 0.5 * (s1 + s2) * x.depth_m) * x.depth_m;
                    const double P = b0 + x.depth_m * (std::sqrt(1 + s1 * s1) + std::sqrt(1 + s2 * s2));
                    const double back = 0.02 / 0.035 * std::pow(A, 5.0 / 3.0) / std::pow(P, 2.0 / 3.0);
                    worst = std::max(worst, std::abs(back / q - 1.0));
                    CHECK(x.area_m2 == Approx(A).epsilon(1e-14));
                    CHECK(x.wetted_perimeter_m == Approx(P).epsilon(1e-14));
                    CHECK(x.top_width_m == Approx(b0 + (s1 + s2) * x.depth_m).epsilon(1e-14));
                    CHECK(h.depth(q) == x.depth_m);
                    CHECK(h.velocity(q) == Approx(q / A).epsilon(1e-14));
                    CHECK(h.bottom_depth(x) == Approx(A / b0).epsilon(1e-14));
                }
    CHECK(worst < 1e-12);
    // a wide rectangle (s1 = s2 = 0, B0 = 1e5 H) tends to the wide channel: H (1 + 2H/B0)^(-0.4) = the wide H
    const auto wide = hydro::Hydraulics::manning(0.035, 0.0004, 4000.0);
    const auto rect = hydro::Hydraulics::trapezoid(0.035, 0.0004, 4000.0, 0.0, 0.0);
    const double H = rect.depth(60.0);
    CHECK(H * std::pow(1.0 + 2.0 * H / 4000.0, -0.4) == Approx(wide.depth(60.0)).epsilon(1e-13));
    CHECK(H > wide.depth(60.0));  // the walls' friction raises it
    // other kinds: the section is the rectangle of their mean depth
    const auto g = hydro::Hydraulics::geometry(0.3, 0.4, 0.5, 0.45);
    const hydro::Section gs = g.section(8.0);
    CHECK(gs.area_m2 == Approx(8.0 / g.velocity(8.0)).epsilon(1e-15));
    CHECK(gs.top_width_m * gs.depth_m == Approx(gs.area_m2).epsilon(1e-15));
    CHECK(g.bottom_depth(gs) == g.depth(8.0));
    CHECK(hydro::Hydraulics::trapezoid(0.03, 0.001, 5.0, -1.0, 0.0).check().find("side slope") != std::string::npos);
    CHECK(hydro::Hydraulics::trapezoid(0.03, 0.001, 5.0, 1.0, 0.0).check().empty());
}

TEST_CASE("a transfer moves flow and load from one reach to another", "[steady][analytical]") {
    // Minjiang-like reach M (100 m3/s) sends 5 m3/s to the head of tributary T (2 m3/s, dirtier).
    NetworkBuilder b;
    b.add(reach("M", "", 5.0, 1.0, 100.0, {10.0, 0.2, 0.05}));
    b.add(reach("T", "", 5.0, 0.3, 2.0, {40.0, 3.0, 0.5}));
    b.transfer({"M", "T", 5.0});
    const Network net = b.finish();
    const auto res = solve_steady(net, {}, {{1, 0.0, 0}}, rates(0, 0, 0));
    CHECK(res.obs_flow_m3s[0] == Approx(7.0).epsilon(kTight));
    CHECK(res.obs_conc_mgL[0][0] == Approx((2.0 * 40.0 + 5.0 * 10.0) / 7.0).epsilon(kTight));
    CHECK(res.outlet_load_gs[0] == Approx(100.0 * 10.0 + 2.0 * 40.0).epsilon(kTight));
    // a transfer larger than the supply is an error naming the reach
    NetworkBuilder b2;
    b2.add(reach("M", "", 5.0, 1.0, 3.0, {10.0, 0.2, 0.05}));
    b2.add(reach("T", "", 5.0, 0.3, 2.0, {40.0, 3.0, 0.5}));
    b2.transfer({"M", "T", 5.0});
    REQUIRE_THROWS_WITH(solve_steady(b2.finish(), {}, {}, rates(0, 0, 0)), Catch::Contains("reach M cannot supply"));
}

TEST_CASE("k = 0: every gram that enters leaves through the outlets", "[steady][massbalance]") {
    NetworkBuilder b;
    auto a = reach("A", "B", 3.0, 0.5, 4.0, {15.0, 0.7, 0.1});
    a.split_to = "S";
    a.split_fraction = 0.4;
    a.lateral_flow_m3s = 0.5;
    a.lateral_conc_mgL = {9.0, 0.3, 0.05};
    b.add(a);
    b.add(reach("B", "C", 2.0, 0.5));
    b.add(reach("S", "C", 5.0, 0.2));
    b.add(reach("D", "C", 7.0, 0.4, 1.0, {25.0, 2.0, 0.3}));
    b.add(reach("C", "", 4.0, 0.5));
    const Network net = b.finish();
    std::vector<PointInput> in = {{2, 1500.0, -1.0, 0.2, {10.0, 1.0, 0.1}, 0}, {4, 0.0, 4000.0, 0.0, {3.0, 0.2, 0.05}, 1}};
    const auto res = solve_steady(net, in, {}, rates(0, 0, 0));
    const double expected[3] = {4.0 * 15.0 + 0.5 * 9.0 + 1.0 * 25.0 + 10.0 + 3.0, 4.0 * 0.7 + 0.5 * 0.3 + 1.0 * 2.0 + 1.0 + 0.2,
                                4.0 * 0.1 + 0.5 * 0.05 + 1.0 * 0.3 + 0.1 + 0.05};
    for (int c = 0; c < 3; ++c) {
        CHECK(res.outlet_load_gs[c] == Approx(expected[c]).epsilon(1e-9));
        CHECK(res.total_input_gs[c] == Approx(expected[c]).epsilon(1e-9));
    }
}

TEST_CASE("cycles are rejected with the reaches on the cycle named", "[topology]") {
    NetworkBuilder b;
    b.add(reach("H", "X", 1.0, 0.5, 1.0));
    b.add(reach("X", "Y", 1.0, 0.5));
    b.add(reach("Y", "Z", 1.0, 0.5));
    b.add(reach("Z", "X", 1.0, 0.5));
    try {
        b.finish();
        FAIL("cycle not detected");
    } catch (const ModelError& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains("cycle"));
        CHECK_THAT(m, Catch::Contains("X") && Catch::Contains("Y") && Catch::Contains("Z"));
        CHECK_THAT(m, !Catch::Contains("H ->"));
    }
}

TEST_CASE("topological order puts every reach after its feeders", "[topology]") {
    NetworkBuilder b;
    b.add(reach("C", "", 1.0, 0.5));
    b.add(reach("B", "C", 1.0, 0.5));
    auto a = reach("A", "B", 1.0, 0.5, 1.0);
    a.split_to = "C";
    a.split_fraction = 0.5;
    b.add(a);
    const Network net = b.finish();
    std::vector<int> pos(3);
    for (std::size_t i = 0; i < net.topo.order().size(); ++i) pos[net.topo.order()[i]] = static_cast<int>(i);
    CHECK(pos[2] < pos[1]);
    CHECK(pos[1] < pos[0]);
    CHECK(net.topo.is_headwater(2));
    CHECK(net.topo.in_degree(0) == 2);
}

TEST_CASE("a reach with no water that receives load is an error naming it", "[steady]") {
    NetworkBuilder b;
    b.add(reach("DRY", "", 3.0, 0.5, 0.0));
    PointInput p;
    p.reach = 0;
    p.position_m = 1000.0;
    p.load_gs = {1.0, 0.0, 0.0};
    REQUIRE_THROWS_WITH(solve_steady(b.finish(), {p}, {{0, 2000.0, 0}}, rates(0.1, 0, 0)), Catch::Contains("reach DRY"));
    // without load it is a dry reach: concentrations are 0, flagged dry, no NaN
    NetworkBuilder b2;
    b2.add(reach("DRY", "", 3.0, 0.5, 0.0));
    const auto res = solve_steady(b2.finish(), {}, {}, rates(0.1, 0, 0));
    CHECK(res.dry[0] == 1);
    CHECK(res.conc_out_mgL[0][0] == 0.0);
}

TEST_CASE("profile points follow the closed form along the reach", "[steady][analytical]") {
    NetworkBuilder b;
    b.add(reach("R", "", 5.0, 0.5, 2.0, {10.0, 1.0, 0.1}));
    SteadyOptions o = rates(0.4, 0, 0);
    o.profile_step_m = 1000.0;
    const auto res = solve_steady(b.finish(), {}, {}, o);
    REQUIRE(res.profile.size() == 6);  // 0, 1, ..., 5 km
    for (const auto& p : res.profile)
        CHECK(p.conc_mgL[0] == Approx(10.0 * std::exp(-0.4 * p.position_m / 0.5 / 86400.0)).epsilon(kTight));
}

TEST_CASE("huge rates and tiny flows stay finite", "[steady][guards]") {
    NetworkBuilder b;
    auto r = reach("R", "", 50.0, 0.05, 1e-6, {30.0, 3.0, 0.5});
    r.lateral_flow_m3s = 1e-6;
    r.lateral_conc_mgL = {10.0, 1.0, 0.1};
    b.add(r);
    PointInput spread;
    spread.reach = 0;
    spread.position_m = 1000.0;
    spread.end_m = 40000.0;
    spread.load_gs = {5.0, 0.5, 0.05};
    spread.flow_m3s = 1e-7;
    const auto res = solve_steady(b.finish(), {spread}, {{0, 20000.0, 0}}, rates(1e6, 1e3, 10.0));
    for (int c = 0; c < 3; ++c) {
        CHECK(std::isfinite(res.conc_out_mgL[0][c]));
        CHECK(std::isfinite(res.obs_conc_mgL[0][c]));
        CHECK(std::isfinite(res.decayed_gs[0][c]));
        CHECK(res.conc_out_mgL[0][c] >= 0.0);
    }
    // nearly everything decays: input - decayed = outflow within rounding of the input
    CHECK(std::abs(res.total_input_gs[0] - res.total_decayed_gs[0] - res.outlet_load_gs[0]) <= 1e-9 * res.total_input_gs[0]);
}

TEST_CASE("hydraulic geometry at zero flow with load is an error, not a NaN", "[steady][guards]") {
    NetworkBuilder b;
    auto r = reach("HG", "", 5.0, 1.0, 0.0);
    r.hydraulics = hydro::Hydraulics::geometry(0.3, 0.4);
    b.add(r);
    PointInput p;
    p.reach = 0;
    p.position_m = 0.0;
    p.load_gs = {1.0, 0.0, 0.0};
    REQUIRE_THROWS_WITH(solve_steady(b.finish(), {p}, {}, rates(0.2, 0, 0)), Catch::Contains("reach HG"));
}

TEST_CASE("copy_for_solving copies every field of a network, on huge pages where large", "[steady]") {
    // 300,000 reaches (arrays of 2.4-26 MB, past reserve_huge's 4 MB) with values that differ from reach to reach:
    // every field equal to the original's, and the solve on the copy the same to the bit
    NetworkBuilder b;
    const std::size_t n = 300000;
    for (std::size_t i = 0; i < n; ++i) {
        NetworkBuilder::Reach r;
        r.id = "R" + std::to_string(i);
        r.downstream = i + 1 < n ? "R" + std::to_string(i + 1) : "";
        r.river = i % 2 ? "A" : "B";
        r.length_km = 0.5 + 1e-6 * static_cast<double>(i);
        r.hydraulics = hydro::Hydraulics::geometry(0.3 + 1e-7 * static_cast<double>(i), 0.4, 0.5, 0.35);
        r.headwater_flow_m3s = i == 0 ? 2.0 : 0.0;
        r.lateral_flow_m3s = 1e-5 * static_cast<double>(i % 7);
        r.headwater_conc_mgL[0] = 10.0 + static_cast<double>(i % 11);
        r.lateral_conc_mgL[1] = 0.1 * static_cast<double>(i % 13);
        b.add(r);
    }
    const Network net = b.finish();
    const Network c = copy_for_solving(net);
    CHECK(c.topo.ids() == net.topo.ids());
    CHECK(c.topo.order() == net.topo.order());
    CHECK(c.river == net.river);
    CHECK(c.name == net.name);
    CHECK(c.length_m == net.length_m);
    CHECK(c.headwater_flow_m3s == net.headwater_flow_m3s);
    CHECK(c.lateral_flow_m3s == net.lateral_flow_m3s);
    CHECK(c.headwater_conc_mgL == net.headwater_conc_mgL);
    CHECK(c.lateral_conc_mgL == net.lateral_conc_mgL);
    REQUIRE(c.hydraulics.size() == n);
    for (std::size_t i = 0; i < n; i += 997) CHECK(c.hydraulics[i].velocity(3.0) == net.hydraulics[i].velocity(3.0));
    const SteadyResult a = solve_steady(net, {}, {}, SteadyOptions{}), d = solve_steady(c, {}, {}, SteadyOptions{});
    CHECK(a.conc_out_mgL == d.conc_out_mgL);
}
