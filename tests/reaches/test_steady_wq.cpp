// Steady water quality on networks: against the plug-flow segment, against the first-order steady solver where the
// two models coincide, N and P balances over a network, weirs, and QUAL2K elements. Tolerances stated per check.
#include <catch2/catch.hpp>

#include <cmath>

#include "common/error.hpp"
#include "reaches/steady.hpp"
#include "reaches/levels.hpp"
#include "reaches/steady_wq.hpp"
#include "tests/common/wq_waters.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

// u = 0.3 m/s, H = 1.2 m at every flow
const hydro::Hydraulics kHydraulics = hydro::Hydraulics::geometry(0.3, 0.0, 1.2, 0.0);
NetworkBuilder::Reach reach(const std::string& id, const std::string& down, double km, double q_head = 0.0) {
    return test::wq_reach(id, down, km, kHydraulics, q_head);
}
using test::loads;
using test::river;
using test::sewage;
int ci(const char* k) { return idx(*constituent_from_key(k)); }

}  // namespace

TEST_CASE("steady water quality on one reach is the plug-flow segment", "[steady_wq][analytical]") {
    NetworkBuilder b;
    b.add(reach("R1", "", 15.0, 4.0));
    const Network net = b.finish();
    Options opt;
    opt.temperature_c = 21.0;
    ReachData data = ReachData::sized(1);
    const double os = do_saturation_mgL(21.0);
    data.headwater_conc_mgL[0] = river(os);
    data.headwater_conc_mgL[0][NH3N] = 3.0;
    data.headwater_conc_mgL[0][CBOD] = 15.0;
    data.sod_g_m2_d = {1.2};
    const std::vector<Observation> obs = {{0, 6000.0, 0}};
    const Result r = solve_steady_wq(net, data, {}, obs, opt);
    Environment env;
    env.temperature_c = 21.0;
    env.depth_m = 1.2;
    env.os_mgL = os;
    env.sod_g_m2_d = 1.2;
    ChannelState ch;
    ch.velocity_ms = 0.3;
    ch.depth_m = 1.2;
    env.ka20_per_d = reaeration_ka20_per_d(ReaerationMethod::Internal, ch);
    PlugSegment seg;
    seg.flow_in_m3s = 4.0;
    seg.velocity_ms = 0.3;
    seg.length_m = 6000.0;
    const State l0 = loads(data.headwater_conc_mgL[0], 4.0);
    const auto at_obs = solve_plug_segment(opt.params, env, seg, l0, 1e-12);
    seg.length_m = 15000.0;
    const auto at_end = solve_plug_segment(opt.params, env, seg, l0, 1e-12);
    // the solver splits the reach at the section; both converge to the same ODE at 1e-11: 1e-9 relative
    for (int i = 0; i < kNumSpecies; ++i) {
        CHECK(r.obs_conc_mgL[0][i] == Approx(at_obs.y[i] / 4.0).epsilon(1e-9));
        CHECK(r.conc_out_mgL[0][i] == Approx(at_end.y[i] / 4.0).epsilon(1e-9));
    }
    CHECK(r.ka20_per_d[0] == Approx(env.ka20_per_d).epsilon(1e-14));
    CHECK(r.max_reach_imbalance < 1e-12);   // bookkeeping: in - out + transformations, rounding only
}

TEST_CASE("where the models coincide, steady water quality equals the first-order steady solver", "[steady_wq][analytical]") {
    // COD first order, NH3-N nitrified without oxygen effects and no organic N, inorganic P settling at v/H with a
    // constant depth: the three are then independent first-order decays, k_TP = v/H.
    NetworkBuilder b;
    b.add(reach("T1", "M1", 6.0, 2.0));
    b.add(reach("T2", "M1", 9.0, 3.5));
    auto m1 = reach("M1", "M2", 12.0);
    m1.lateral_flow_m3s = 0.8;
    m1.split_to = "S1";
    m1.split_fraction = 0.3;
    b.add(m1);
    b.add(reach("S1", "M3", 4.0));
    b.add(reach("M2", "M3", 7.0));
    auto m3 = reach("M3", "", 10.0);
    m3.lateral_flow_m3s = 0.5;
    b.add(m3);
    b.add(reach("X", "", 3.0, 1.0));
    b.transfer({"M2", "X", 0.6});
    Network net = b.finish();
    const std::size_t n = net.size();
    const double os = do_saturation_mgL(16.0);
    ReachData data = ReachData::sized(n);
    for (std::size_t r = 0; r < n; ++r) {
        State hw = river(os), lat = river(os);
        hw[OrgN] = lat[OrgN] = hw[OrgP] = lat[OrgP] = 0.0;
        hw[COD] = 12.0 + r;
        hw[NH3N] = 0.4 + 0.1 * r;
        hw[IP] = 0.05 + 0.01 * r;
        lat[COD] = 9.0;
        lat[NH3N] = 0.3;
        lat[IP] = 0.04;
        data.headwater_conc_mgL[r] = hw;
        data.lateral_conc_mgL[r] = lat;
        net.headwater_conc_mgL[r] = {};
        net.lateral_conc_mgL[r] = {};
        net.headwater_conc_mgL[r][ci("cod")] = hw[COD];
        net.headwater_conc_mgL[r][ci("nh3n")] = hw[NH3N];
        net.headwater_conc_mgL[r][ci("tp")] = hw[IP];
        net.lateral_conc_mgL[r][ci("cod")] = lat[COD];
        net.lateral_conc_mgL[r][ci("nh3n")] = lat[NH3N];
        net.lateral_conc_mgL[r][ci("tp")] = lat[IP];
    }
    State plant = sewage();
    plant[OrgN] = plant[OrgP] = 0.0;
    const std::int32_t m1i = net.topo.find("M1"), m3i = net.topo.find("M3");
    std::vector<Input> wq_in = {{m1i, 2500.0, -1.0, 0.4, loads(plant, 0.4), 0},
                                {m3i, 1000.0, 8000.0, 0.2, loads(plant, 0.2), 1},  // spread along 7 km
                                {m1i, 9000.0, -1.0, 0.0, loads(plant, 0.05), 2}};  // mass only
    std::vector<PointInput> fo_in;
    for (const auto& in : wq_in) {
        PointInput p;
        p.reach = in.reach;
        p.position_m = in.position_m;
        p.end_m = in.end_m;
        p.flow_m3s = in.flow_m3s;
        p.load_gs[ci("cod")] = in.load_gs[COD];
        p.load_gs[ci("nh3n")] = in.load_gs[NH3N];
        p.load_gs[ci("tp")] = in.load_gs[IP];
        p.source = in.source;
        fo_in.push_back(p);
    }
    const std::vector<Observation> obs = {{m1i, 2500.0, 0}, {m1i, 11000.0, 1}, {m3i, 5000.0, 2}, {m3i, 10000.0, 3}};
    Options opt;
    opt.temperature_c = 16.0;
    Parameters& p = opt.params;
    p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::None;
    p.denitrification_k20_per_d = 0.0;
    p.ip_settling_m_d = 0.09;
    const Result wq = solve_steady_wq(net, data, wq_in, obs, opt);
    SteadyOptions so;
    so.k_per_d[ci("cod")] = arrhenius(p.cod_k20_per_d, p.cod_theta, 16.0);
    so.k_per_d[ci("nh3n")] = arrhenius(p.nitrification_k20_per_d, p.nitrification_theta, 16.0);
    so.k_per_d[ci("tp")] = 0.09 / 1.2;
    const SteadyResult fo = solve_steady(net, fo_in, obs, so);
    // one exact solve per segment in both: 1e-11 relative
    for (std::size_t r = 0; r < n; ++r) {
        CHECK(wq.flow_out_m3s[r] == Approx(fo.flow_out_m3s[r]).epsilon(1e-13));
        CHECK(wq.conc_out_mgL[r][COD] == Approx(fo.conc_out_mgL[r][ci("cod")]).epsilon(1e-11));
        CHECK(wq.conc_out_mgL[r][NH3N] == Approx(fo.conc_out_mgL[r][ci("nh3n")]).epsilon(1e-11));
        CHECK(wq.conc_out_mgL[r][IP] == Approx(fo.conc_out_mgL[r][ci("tp")]).epsilon(1e-11));
    }
    for (std::size_t o = 0; o < obs.size(); ++o) {
        CHECK(wq.obs_flow_m3s[o] == Approx(fo.obs_flow_m3s[o]).epsilon(1e-13));
        CHECK(wq.obs_conc_mgL[o][COD] == Approx(fo.obs_conc_mgL[o][ci("cod")]).epsilon(1e-11));
        CHECK(wq.obs_conc_mgL[o][NH3N] == Approx(fo.obs_conc_mgL[o][ci("nh3n")]).epsilon(1e-11));
        CHECK(wq.obs_conc_mgL[o][IP] == Approx(fo.obs_conc_mgL[o][ci("tp")]).epsilon(1e-11));
    }
}

TEST_CASE("network N, P and O2 balances with the full default kinetics, a weir and QUAL2K elements", "[steady_wq][analytical]") {
    NetworkBuilder b;
    b.add(reach("A", "C", 8.0, 3.0));
    b.add(reach("B", "C", 5.0, 1.5));
    auto c = reach("C", "D", 14.0);
    c.lateral_flow_m3s = 0.6;
    b.add(c);
    b.add(reach("D", "", 9.0));
    const Network net = b.finish();
    const double os = do_saturation_mgL(25.0, 500.0);
    ReachData data = ReachData::sized(4);
    for (int r = 0; r < 4; ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
    data.elevation_m.assign(4, 500.0);
    data.sod_g_m2_d = {0.5, 0.5, 2.0, 1.0};
    data.dam_drop_m = {0.0, 0.0, 2.5, 0.0};
    data.dam_water_quality_factor = {1.0, 1.0, 0.65, 1.0};
    data.dam_structure_coefficient = {0.8, 0.8, 0.8, 0.8};
    const std::int32_t ci_ = net.topo.find("C"), di = net.topo.find("D");
    const std::vector<Input> in = {{ci_, 1000.0, -1.0, 0.5, loads(sewage(), 0.5), 0},
                                   {di, 2000.0, 6000.0, 0.1, loads(sewage(), 0.1), 1}};
    const std::vector<Observation> obs = {{di, 9000.0, 0}};
    Options opt;
    opt.temperature_c = 25.0;
    opt.params.cbod_settling_m_d = 0.3;
    opt.params.ip_settling_m_d = 0.02;
    for (int elements : {0, 4}) {
        ReachData d = data;
        if (elements) d.elements.assign(4, elements);
        const Result r = solve_steady_wq(net, d, in, obs, opt);
        CHECK(r.max_reach_imbalance < 1e-12);   // per reach and species: in - out + transformations (+ weir), rounding
        const double n_in = total_n(r.total_input_gs), p_in = total_p(r.total_input_gs);
        const PerProcess& t = r.total_processed_gs;
        // network: inputs - outlet = settled + denitrified (N), settled (P); 1e-12 of the input
        CHECK(n_in - total_n(r.outlet_load_gs) == Approx(t[OrgNSettling] + t[Denitrification]).margin(1e-12 * n_in));
        CHECK(p_in - total_p(r.outlet_load_gs) == Approx(t[OrgPSettling] + t[IpSettling]).margin(1e-12 * p_in));
        const double o2 = r.total_input_gs[DO] + t[Reaeration] + r.dam_do_gain_total_gs - t[CbodOxidation] -
                          4.57 * t[Nitrification] - t[SedimentO2Demand];
        CHECK(r.outlet_load_gs[DO] == Approx(o2).margin(1e-12 * r.total_input_gs[DO]));
        CHECK(r.dam_do_gain_gs[ci_] > 0.0);
        // the weir: DO below = os - (os - DO above)/r, r = 1 + 0.38 x 0.65 x 0.8 x 2.5 x (1 - 0.275) x (1 + 1.15)
        const double ratio = dam_deficit_ratio(2.5, 0.65, 0.8, 25.0);
        CHECK(ratio == Approx(1.0 + 0.38 * 0.65 * 0.8 * 2.5 * 0.725 * 2.15).epsilon(1e-14));
        const double below = r.conc_out_mgL[ci_][DO], above = (r.load_out_gs[ci_][DO] - r.dam_do_gain_gs[ci_]) / r.flow_out_m3s[ci_];
        CHECK(os - below == Approx((os - above) / ratio).epsilon(1e-12));
    }
}

TEST_CASE("water quality needs depth and water; GB 3838 items from a state", "[steady_wq]") {
    NetworkBuilder b;
    auto r = reach("R1", "", 5.0, 1.0);
    r.hydraulics = hydro::Hydraulics::constant(0.4);
    b.add(r);
    const Network net = b.finish();
    ReachData data = ReachData::sized(1);
    data.headwater_conc_mgL[0] = river(9.0);
    CHECK_THROWS_WITH(solve_steady_wq(net, data, {}, {}, Options{}), Catch::Contains("R1") && Catch::Contains("depth"));
    State c = river(9.0);
    const auto items = gb3838_items(c, 0.23);
    REQUIRE(items.size() == 7);
    CHECK(std::string(items[3].key) == "bod5");
    CHECK(items[3].value_mgL == Approx(2.0 * (1.0 - std::exp(-1.15))).epsilon(1e-14));
    CHECK(items[5].value_mgL == Approx(0.05).epsilon(1e-14));   // TP = 0.03 + 0.02
    CHECK(items[6].value_mgL == Approx(1.5).epsilon(1e-14));    // TN = 0.3 + 0.2 + 1.0
}

#include "reaches/wq_classes.hpp"

TEST_CASE("classes over every modelled item: worst decides, every exceeding item with its multiple or shortfall", "[steady_wq][classes]") {
    const ClassTable& t = ClassTable::gb3838();
    // by hand from GB 3838-2002 table 1 (river), target class III:
    //   DO 4.2 >= 3 -> IV, short of 5 by 0.8 mg/L; CODMn 7 <= 10 -> IV, 7/6 - 1 = 0.1667; COD 18 <= 20 -> III;
    //   BOD5 3.5 <= 4 -> III; NH3-N 1.2 <= 1.5 -> IV, 0.2; TP 0.25 <= 0.3 -> IV, 0.25; TN: no river limit
    const std::vector<Item> items = {{"do", 4.2}, {"codmn", 7.0}, {"cod", 18.0}, {"bod5", 3.5},
                                     {"nh3n", 1.2}, {"tp", 0.25}, {"tn", 3.0}};
    const ItemsEvaluation e = evaluate_items(t, items, WaterBody::River, 3);
    const int expected_cls[] = {4, 4, 3, 3, 4, 4, 0};
    for (int i = 0; i < 7; ++i) CHECK(e.items[i].cls == expected_cls[i]);
    CHECK(e.overall == 4);
    CHECK_FALSE(e.meets);
    CHECK(e.items[0].exceedance == Approx(0.8).epsilon(1e-14));
    CHECK(e.items[1].exceedance == Approx(7.0 / 6.0 - 1.0).epsilon(1e-14));
    // worst first within class IV: TP 0.25, NH3-N 0.20, CODMn 0.167, DO 0.8/5 = 0.16
    REQUIRE(e.exceeding.size() == 4);
    CHECK(e.exceeding == std::vector<int>{5, 4, 1, 0});
    CHECK(exceeding_text(e, false) == "TP 0.25; NH3-N 0.20; CODMn 0.17; DO short by 0.80 mg/L");
    CHECK(exceeding_text(e, true) == "总磷 0.25倍；氨氮 0.20倍；高锰酸盐指数 0.17倍；溶解氧 低于限值 0.80 mg/L");
    // DO below the class V limit (2 mg/L) is worse than V and leads
    const ItemsEvaluation f = evaluate_items(t, {{"do", 1.5}, {"tp", 0.25}}, WaterBody::River, 3);
    CHECK(f.overall == kWorseThanV);
    CHECK(f.exceeding.front() == 0);
    // the same classes as the three-parameter evaluation for COD, NH3-N and TP
    PerConstituent c{};
    c[ci("cod")] = 18.0;
    c[ci("nh3n")] = 1.2;
    c[ci("tp")] = 0.25;
    const SectionClass s = evaluate_section(t, c, WaterBody::River, 3);
    CHECK(s.cls[ci("cod")] == e.items[2].cls);
    CHECK(s.cls[ci("nh3n")] == e.items[4].cls);
    CHECK(s.cls[ci("tp")] == e.items[5].cls);
    // lakes assess TN: 3.0 > 2.0 -> worse than V
    CHECK(evaluate_items(t, {{"tn", 3.0}}, WaterBody::Lake, 3).overall == kWorseThanV);
}

TEST_CASE("DO in the linear response: at fixed flows the deficit is linear in the CBOD and NH3-N loads", "[steady_wq][analytical]") {
    // Without oxygen effects every process is first order or zero order, so with flows fixed each species, DO
    // included, is background + sum over sources of a response x load: superposition must hold to rounding.
    NetworkBuilder b;
    b.add(reach("A", "C", 6.0, 2.0));
    b.add(reach("B", "C", 4.0, 1.0));
    b.add(reach("C", "", 12.0));
    const Network net = b.finish();
    ReachData data = ReachData::sized(3);
    for (int r = 0; r < 3; ++r) data.headwater_conc_mgL[r] = river(8.5);
    data.sod_g_m2_d = {1.0, 1.0, 1.5};
    Options opt;
    opt.temperature_c = 24.0;
    opt.params.cbod_o2_effect = opt.params.nitrification_o2_effect = opt.params.denitrification_o2_effect = O2Effect::None;
    const std::vector<Observation> obs = {{2, 6000.0, 0}, {2, 12000.0, 1}};
    State cb{}, nh{};
    cb[CBOD] = 30.0;   // g/s of CBODu (water-free mass inputs: flows stay fixed)
    nh[NH3N] = 4.0;
    const std::vector<Input> none = {{0, 1000.0, -1.0, 0.0, State{}, 0}, {1, 500.0, -1.0, 0.0, State{}, 1}};
    auto with = [&](const State& l0, const State& l1) {
        std::vector<Input> in = none;
        in[0].load_gs = l0;
        in[1].load_gs = l1;
        return solve_steady_wq(net, data, in, obs, opt);
    };
    const Result base = with({}, {}), only_c = with(cb, {}), only_n = with({}, nh), both = with(cb, nh);
    for (int o = 0; o < 2; ++o) {
        const double d_c = base.obs_conc_mgL[o][DO] - only_c.obs_conc_mgL[o][DO];
        const double d_n = base.obs_conc_mgL[o][DO] - only_n.obs_conc_mgL[o][DO];
        CHECK(d_c > 0.0);
        CHECK(d_n > 0.0);
        // deficit added by both sources = sum of the deficits each adds alone (1e-12 of the DO)
        CHECK(base.obs_conc_mgL[o][DO] - both.obs_conc_mgL[o][DO] == Approx(d_c + d_n).margin(1e-12 * 8.5));
        // and scales with the load: twice the CBOD load, twice its deficit
        State cb2 = cb;
        cb2[CBOD] *= 2.0;
        CHECK(base.obs_conc_mgL[o][DO] - with(cb2, {}).obs_conc_mgL[o][DO] == Approx(2.0 * d_c).epsilon(1e-11));
    }
    // with QUAL2K's oxygen effects the response is no longer linear: superposition misses by more than rounding
    opt.params = Parameters::defaults();
    State big{};
    big[CBOD] = 150.0;
    const Result b0 = with({}, {}), b1 = with(big, {}), b2 = with({}, nh), b12 = with(big, nh);
    const double lin = (b0.obs_conc_mgL[0][DO] - b1.obs_conc_mgL[0][DO]) + (b0.obs_conc_mgL[0][DO] - b2.obs_conc_mgL[0][DO]);
    CHECK(std::abs((b0.obs_conc_mgL[0][DO] - b12.obs_conc_mgL[0][DO]) - lin) > 1e-6);
}

#include "reaches/wq_sources.hpp"

TEST_CASE("source water completed from its kind's composition", "[steady_wq][sources]") {
    const double k1 = 0.23, f5 = 1.0 - std::exp(-5.0 * k1);
    // Metcalf & Eddy medium-strength sewage given only as COD 430, NH3-N 25, TP 7: the table's own species come back
    const Composition& raw = composition_for_type("outfall");
    CHECK(std::string(raw.kind) == "raw_sewage");
    GivenQuality g;
    g.cod = 430.0;
    g.nh3n = 25.0;
    g.tp = 7.0;
    const State s = complete_species(g, raw, k1);
    CHECK(s[OrgN] == Approx(15.0).epsilon(1e-14));
    CHECK(s[NO3N] == 0.0);
    CHECK(s[OrgP] == Approx(2.0).epsilon(1e-14));
    CHECK(s[IP] == Approx(5.0).epsilon(1e-14));
    CHECK(s[CBOD] * f5 == Approx(190.0).epsilon(1e-14));   // BOD5 190 as CBODu with the bottle rate
    // GB 18918 grade 1A effluent: TN 15 given, NH3-N 5 -> 10 mg/L split 2 : 8
    const Composition& plant = composition_for_type("sewage_plant");
    GivenQuality e;
    e.cod = 50.0;
    e.nh3n = 5.0;
    e.tp = 0.5;
    e.tn = 15.0;
    e.do_ = 4.0;
    e.bod5 = 8.0;
    const State t = complete_species(e, plant, k1);
    CHECK(total_n(t) == Approx(15.0).epsilon(1e-14));
    CHECK(t[OrgN] == Approx(2.0).epsilon(1e-14));
    CHECK(t[DO] == 4.0);
    CHECK(t[CBOD] * f5 == Approx(8.0).epsilon(1e-14));
    CHECK(total_p(t) == Approx(0.5).epsilon(1e-14));
    // without TN the kind's ratios: BOD5 = 0.2 COD = 10 (GB 18918 1A), organic N 0.4 NH3-N, NO3-N 1.6 NH3-N
    e.tn.reset();
    e.bod5.reset();
    const State u = complete_species(e, plant, k1);
    CHECK(u[CBOD] * f5 == Approx(10.0).epsilon(1e-14));
    CHECK(total_n(u) == Approx(15.0).epsilon(1e-14));
    CHECK(composition_for_type("livestock").kind == std::string("manure_runoff"));
    e.tn = 3.0;   // less than NH3-N
    CHECK_THROWS_AS(complete_species(e, plant, k1), ModelError);
}

#include "reaches/dynamic_wq.hpp"

TEST_CASE("dynamic water quality converges to the steady state of the same elements for every species", "[steady_wq][dynamic]") {
    // the case of the dynamic water-quality tests with this file's constant hydraulics (tests/common/wq_waters.hpp)
    const test::JunctionSplitCase k = test::junction_split_case(kHydraulics);
    DynamicOptions opt;
    opt.steady.temperature_c = 19.0;
    opt.cells_per_reach = 3;
    opt.days = 20.0;
    opt.output_every_d = 5.0;
    const DynamicResult dyn = solve_dynamic_wq(k.net, k.data, k.in, k.obs, river(k.os), opt);
    ReachData cells = k.data;
    cells.elements.assign(5, 3);
    const Result st = solve_steady_wq(k.net, cells, k.in, k.obs, opt.steady);
    REQUIRE(dyn.time_d.back() == 20.0);
    // after 20 days (the network flushes in under a day) every species at every reach end and section equals the
    // steady elements: 1e-7 relative, 1e-9 mg/L (odeint tolerances 1e-10)
    for (std::size_t r = 0; r < 5; ++r)
        for (int i = 0; i < kNumSpecies; ++i)
            CHECK(dyn.reach_end_mgL.back()[r][i] == Approx(st.conc_out_mgL[r][i]).epsilon(1e-7).margin(1e-9));
    for (std::size_t o = 0; o < k.obs.size(); ++o)
        for (int i = 0; i < kNumSpecies; ++i)
            CHECK(dyn.obs_mgL.back()[o][i] == Approx(st.obs_conc_mgL[o][i]).epsilon(1e-7).margin(1e-9));
    // and it was not there at the start
    const std::int32_t c = k.net.topo.find("C");
    CHECK(std::abs(dyn.reach_end_mgL.front()[c][NH3N] - st.conc_out_mgL[c][NH3N]) > 0.1);
}

TEST_CASE("steady water quality on all cores equals one thread on a large network", "[steady_wq]") {
    // 6,000 reaches: a binary tree of tributaries with a side channel, a transfer and sources, oxygen effects on
    NetworkBuilder b;
    const int n = 6000;
    for (int i = 0; i < n; ++i) {
        auto r = reach("R" + std::to_string(i), i == 0 ? "" : "R" + std::to_string((i - 1) / 2), 2.0 + (i % 7), i >= n / 2 ? 0.2 : 0.0);
        r.lateral_flow_m3s = 0.01;
        if (i == 5) {
            r.split_to = "R1";
            r.split_fraction = 0.2;
        }
        b.add(r);
    }
    b.transfer({"R40", "R3", 0.05});
    const Network net = b.finish();
    const double os = do_saturation_mgL(22.0);
    ReachData data = ReachData::sized(net.size());
    for (std::size_t r = 0; r < net.size(); ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
    std::vector<Input> in;
    for (int k = 0; k < 400; ++k)
        in.push_back({static_cast<std::int32_t>((k * 37) % n), 500.0, -1.0, 0.02, loads(sewage(), 0.02), k});
    Options opt;
    opt.temperature_c = 22.0;
    const Result par = solve_steady_wq(net, data, in, {}, opt);
    opt.parallel = false;
    const Result one = solve_steady_wq(net, data, in, {}, opt);
    // per reach the same operations in the same order: equal to the last bit; totals summed in another order: 1e-13
    for (std::size_t r = 0; r < net.size(); ++r)
        for (int i = 0; i < kNumSpecies; ++i) REQUIRE(par.conc_out_mgL[r][i] == one.conc_out_mgL[r][i]);
    for (int i = 0; i < kNumSpecies; ++i)
        CHECK(par.outlet_load_gs[i] == Approx(one.outlet_load_gs[i]).epsilon(1e-13));
    CHECK(par.max_reach_imbalance < 1e-12);
}

TEST_CASE("steady water quality routes by level, each reach gathering what its feeders send", "[steady_wq]") {
    // Three headwaters join at J (three feeders); H1 also transfers 0.1 m3/s to M; J splits 30 % to the side channel
    // S, which rejoins the main channel M at M2. Added out of order, so that indices and levels differ.
    NetworkBuilder b;
    b.add(reach("M2", "", 4.0));
    b.add(reach("S", "M2", 2.0));
    b.add(reach("H3", "J", 3.0, 0.7));
    b.add(reach("M", "M2", 6.0));
    auto j = reach("J", "M", 5.0);
    j.split_to = "S";
    j.split_fraction = 0.3;
    b.add(j);
    b.add(reach("H1", "J", 4.0, 1.5));
    b.add(reach("H2", "J", 2.5, 0.9));
    b.transfer({"H1", "M", 0.1});
    const Network net = b.finish();
    const Topology& topo = net.topo;
    auto at = [&](const char* id) { return topo.find(id); };

    const reaches::detail::LevelPlan plan = reaches::detail::level_plan(topo);
    // levels: headwaters 0, J 1, M (fed by J and H1) and S 2, M2 3; by index within a level
    const std::vector<std::size_t> starts = {0, 3, 4, 6, 7};
    REQUIRE(plan.level_start == starts);
    const std::vector<std::vector<std::string>> by_level = {{"H3", "H1", "H2"}, {"J"}, {"S", "M"}, {"M2"}};
    for (std::size_t l = 0; l < by_level.size(); ++l)
        for (std::size_t k = 0; k < by_level[l].size(); ++k)
            CHECK(topo.id(plan.order[plan.level_start[l] + k]) == by_level[l][k]);
    // feeders by feeder index; H1 (a transfer) and J (a split) send through slots, in pass_on's order
    auto feeders = [&](const char* id) {  // by the reach's position in order
        const auto k = std::find(plan.order.begin(), plan.order.end(), at(id)) - plan.order.begin();
        return std::vector<std::int32_t>(plan.feed.begin() + plan.feed_start[k], plan.feed.begin() + plan.feed_start[k + 1]);
    };
    const std::int32_t h1 = plan.first_slot[at("H1")], js = plan.first_slot[at("J")];
    CHECK(plan.slots == 4);
    CHECK(plan.first_slot[at("H2")] == kNone);
    CHECK(feeders("J") == std::vector<std::int32_t>{at("H3"), -1 - (h1 + 1), at("H2")});  // H1: transfer, then main
    CHECK(feeders("M") == std::vector<std::int32_t>{-1 - (js + 1), -1 - h1});              // J's main; H1's transfer
    CHECK(feeders("S") == std::vector<std::int32_t>{-1 - js});                             // J's split
    CHECK(feeders("M2") == std::vector<std::int32_t>{at("S"), at("M")});
    CHECK(feeders("H1").empty());

    // the solve: each reach's inflow is what its feeders sent (the junction of three to 1e-15), and the network's
    // budget closes (1e-12)
    const double os = do_saturation_mgL(20.0);
    ReachData data = ReachData::sized(net.size());
    for (std::size_t r = 0; r < net.size(); ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
    data.headwater_conc_mgL[at("H2")] = sewage();
    Options opt;
    opt.temperature_c = 20.0;
    const Result res = solve_steady_wq(net, data, {}, {}, opt);
    const auto H1 = at("H1"), H2 = at("H2"), H3 = at("H3"), J = at("J"), M = at("M"), S = at("S"), M2 = at("M2");
    const double h1_main = res.flow_out_m3s[H1] - 0.1, h1_share = h1_main / res.flow_out_m3s[H1];
    CHECK(res.flow_in_m3s[J] == Approx(h1_main + res.flow_out_m3s[H2] + res.flow_out_m3s[H3]).epsilon(1e-15));
    CHECK(res.flow_in_m3s[S] == Approx(0.3 * res.flow_out_m3s[J]).epsilon(1e-15));
    CHECK(res.flow_in_m3s[M] == Approx(0.7 * res.flow_out_m3s[J] + 0.1).epsilon(1e-15));
    CHECK(res.flow_in_m3s[M2] == Approx(res.flow_out_m3s[S] + res.flow_out_m3s[M]).epsilon(1e-15));
    for (int i = 0; i < kNumSpecies; ++i) {
        const double into_j = h1_share * res.load_out_gs[H1][i] + res.load_out_gs[H2][i] + res.load_out_gs[H3][i];
        CHECK(res.conc_out_mgL[J][i] > 0.0);
        if (i != DO) CHECK(res.load_in_gs[J][i] == Approx(into_j).epsilon(1e-15));  // no lateral inflow or sources
        double made = 0.0;
        for (int q = 0; q < kNumProcesses; ++q) made += process_table(opt.params, Environment{}, 0.0)[q].yield[i] * res.total_processed_gs[q];
        const double scale = std::abs(res.total_input_gs[i]) + std::abs(res.outlet_load_gs[i]);
        CHECK(std::abs(res.total_input_gs[i] + made - res.outlet_load_gs[i]) <= 1e-12 * scale);
    }
    CHECK(res.max_reach_imbalance < 1e-12);
}

TEST_CASE("steady water quality keeps a network's levels with its links, and makes them again for new links",
          "[steady_wq]") {
    // H1 and H2 join at J, which flows to M; the levels are kept with the topology after the first solve
    NetworkBuilder b;
    b.add(reach("M", "", 4.0));
    b.add(reach("J", "M", 5.0));
    b.add(reach("H1", "J", 4.0, 1.5));
    b.add(reach("H2", "J", 2.5, 0.9));
    const Network net = b.finish();
    const Topology& topo = net.topo;
    const double os = do_saturation_mgL(20.0);
    ReachData data = ReachData::sized(net.size());
    for (std::size_t r = 0; r < net.size(); ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
    data.headwater_conc_mgL[topo.find("H2")] = sewage();
    Options opt;
    opt.temperature_c = 20.0;
    const Result first = solve_steady_wq(net, data, {}, {}, opt);
    const Result again = solve_steady_wq(net, data, {}, {}, opt);
    const Network copy = net;  // shares what the first solve kept
    const Result of_copy = solve_steady_wq(copy, data, {}, {}, opt);
    for (std::size_t r = 0; r < net.size(); ++r)
        for (int i = 0; i < kNumSpecies; ++i) {
            CHECK(again.load_out_gs[r][i] == first.load_out_gs[r][i]);   // bit for bit
            CHECK(of_copy.load_out_gs[r][i] == first.load_out_gs[r][i]);
        }

    // the same reaches with H2 moved below J (as a scenario that changes links builds a new topology): routed by its
    // own levels, so H2's sewage no longer passes J, and the same numbers as a network built with those links
    Network moved = net;
    std::vector<std::int32_t> down(net.size()), split(net.size(), kNone);
    for (std::size_t r = 0; r < net.size(); ++r) down[r] = topo.downstream(r);
    down[topo.find("H2")] = topo.find("M");
    moved.topo = Topology(topo.ids(), down, split, std::vector<double>(net.size(), 0.0));
    const Result m = solve_steady_wq(moved, data, {}, {}, opt);
    NetworkBuilder b2;
    b2.add(reach("M", "", 4.0));
    b2.add(reach("J", "M", 5.0));
    b2.add(reach("H1", "J", 4.0, 1.5));
    b2.add(reach("H2", "M", 2.5, 0.9));
    const Result fresh = solve_steady_wq(b2.finish(), data, {}, {}, opt);
    const auto J = topo.find("J"), M = topo.find("M"), H1 = topo.find("H1"), H2 = topo.find("H2");
    CHECK(m.flow_in_m3s[J] == Approx(first.flow_out_m3s[H1]).epsilon(1e-15));
    CHECK(m.flow_in_m3s[M] == Approx(m.flow_out_m3s[J] + m.flow_out_m3s[H2]).epsilon(1e-15));
    CHECK(m.conc_out_mgL[J][NH3N] < 0.5 * first.conc_out_mgL[J][NH3N]);   // river water only
    for (std::size_t r = 0; r < net.size(); ++r)
        for (int i = 0; i < kNumSpecies; ++i) CHECK(m.load_out_gs[r][i] == fresh.load_out_gs[r][i]);
}

TEST_CASE("dynamic water quality: the exchange of interval means between reaches is second order in the interval",
          "[steady_wq][dynamic]") {
    // A transient (cells start at clean river water, a sewage outfall runs from t = 0) on the network of the
    // convergence test: reach by reach with exchange intervals h against the whole network as one Odeint system.
    const Network net = test::junction_split_case(kHydraulics).net;
    const double os = do_saturation_mgL(19.0);
    ReachData data = ReachData::sized(5);
    for (int r = 0; r < 5; ++r) data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
    data.headwater_conc_mgL[0] = sewage();   // reach A carries sewage-strength water from t = 0
    const std::vector<Input> in = {{2, 2000.0, -1.0, 0.3, loads(sewage(), 0.3), 0}};
    DynamicOptions opt;
    opt.steady.temperature_c = 19.0;
    opt.cells_per_reach = 3;
    opt.days = 0.5;
    opt.output_every_d = 0.125;
    opt.monolithic = true;
    const DynamicResult ref = solve_dynamic_wq(net, data, in, {}, river(os), opt);
    opt.monolithic = false;
    auto error = [&](double h) {
        opt.exchange_step_d = h;
        const DynamicResult d = solve_dynamic_wq(net, data, in, {}, river(os), opt);
        double e = 0.0;
        for (std::size_t t = 0; t < d.time_d.size(); ++t)
            for (std::size_t r = 0; r < 5; ++r)
                for (int i = 0; i < kNumSpecies; ++i)
                    e = std::max(e, std::abs(d.reach_end_mgL[t][r][i] - ref.reach_end_mgL[t][r][i]) /
                                        std::max(1.0, std::abs(ref.reach_end_mgL[t][r][i])));
        return e;
    };
    const double e1 = error(0.125 / 4), e2 = error(0.125 / 8), e3 = error(0.125 / 16);
    INFO("largest difference from the whole-network system: " << e1 << ", " << e2 << ", " << e3);
    // second order (the interval mean is centred in the interval, as a midpoint rule): halving h quarters the
    // difference (measured 0.239, 0.246; ratio 0.25 +- 0.06)
    CHECK(e2 / e1 == Approx(0.25).margin(0.06));
    CHECK(e3 / e2 == Approx(0.25).margin(0.06));
    // with h = 1/32 d (45 min) the reach ends differ by at most 0.02 mg/L (2 % below 1 mg/L) while the outfall's
    // front passes (measured 0.0145); at a steady state the exchange is exact (the convergence test, 1e-7)
    CHECK(e1 < 0.02);
}

#include <random>

TEST_CASE("steady water quality on random networks equals the general solve, oxygen effects on and off",
          "[steady_wq][analytical]") {
    // Five random trees of 60 reaches (random lengths, hydraulic geometry, lateral inflow, SOD, elevation) with 30
    // point and spread sewage inputs and a section per 6 reaches, random kinetics: the solver's fast paths (the
    // Taylor series with oxygen effects, the exact linear solve without) against Options::general_solve (every
    // segment by the extrapolated frozen substeps at 1e-13, or the exponential of the augmented matrix), every
    // reach's outflow concentration and process totals and every section; N and P balances of the fast solve.
    std::mt19937_64 rng(20261202);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u01(rng)); };
    double worst_c = 0.0, worst_p = 0.0, worst_obs = 0.0, worst_n = 0.0, worst_pb = 0.0, do_min = 1e300;
    for (int net_i = 0; net_i < 5; ++net_i) {
        const int n = 60;
        std::vector<int> down(n, -1), feeders(n, 0);
        for (int i = 1; i < n; ++i) ++feeders[down[i] = static_cast<int>(u01(rng) * i)];
        NetworkBuilder b;
        for (int i = 0; i < n; ++i) {
            NetworkBuilder::Reach r;
            r.id = "R" + std::to_string(i);
            r.river = "R";
            r.downstream = down[i] < 0 ? "" : "R" + std::to_string(down[i]);
            r.length_km = log_uniform(0.5, 12.0);
            r.hydraulics = hydro::Hydraulics::geometry(log_uniform(0.15, 0.5), 0.2 + 0.3 * u01(rng),
                                                       log_uniform(0.2, 0.8), 0.2 + 0.3 * u01(rng));
            r.headwater_flow_m3s = feeders[i] == 0 ? log_uniform(0.05, 2.0) : 0.0;
            r.lateral_flow_m3s = u01(rng) < 0.7 ? log_uniform(0.001, 0.3) : 0.0;
            b.add(r);
        }
        const Network net = b.finish();
        Options opt;
        opt.temperature_c = 8.0 + 20.0 * u01(rng);
        for (double* k : {&opt.params.cbod_k20_per_d, &opt.params.nitrification_k20_per_d,
                          &opt.params.denitrification_k20_per_d, &opt.params.orgn_hydrolysis_k20_per_d})
            *k = log_uniform(0.05, 1.0);
        opt.params.cbod_settling_m_d = log_uniform(0.01, 0.3);
        opt.params.ip_settling_m_d = log_uniform(0.001, 0.05);
        if (net_i == 3) opt.params.cbod_o2_effect = O2Effect::HalfSaturation;
        const double os = do_saturation_mgL(opt.temperature_c, 300.0);
        ReachData data = ReachData::sized(net.size());
        data.elevation_m.assign(net.size(), 300.0);
        data.sod_g_m2_d.assign(net.size(), 0.0);
        for (std::size_t r = 0; r < net.size(); ++r) {
            data.headwater_conc_mgL[r] = data.lateral_conc_mgL[r] = river(os);
            data.sod_g_m2_d[r] = 1.5 * u01(rng);
        }
        std::vector<Input> in;
        for (int k = 0; k < 30; ++k) {
            const auto r = static_cast<std::int32_t>(u01(rng) * n);
            const double len = net.length_m[r], at = len * u01(rng), q = log_uniform(0.005, 0.3);
            const double end = u01(rng) < 0.3 ? at + (len - at) * u01(rng) : -1.0;
            in.push_back({r, at, end, q, loads(sewage(), q), k});
        }
        std::vector<Observation> obs;
        for (int i = 0; i < n; i += 6)
            obs.push_back({static_cast<std::int32_t>(i), net.length_m[i] * u01(rng), static_cast<std::int32_t>(i)});
        for (const bool o2 : {true, false}) {
            Options o = opt;
            if (!o2) o.params.cbod_o2_effect = o.params.nitrification_o2_effect = o.params.denitrification_o2_effect = O2Effect::None;
            const Result fast = solve_steady_wq(net, data, in, obs, o);
            o.general_solve = true;
            o.rel_tol = 1e-13;
            const Result ref = solve_steady_wq(net, data, in, obs, o);
            for (std::size_t r = 0; r < net.size(); ++r) {
                double scale = 0.0, tot = 0.0;
                for (int i = 0; i < kNumSpecies; ++i) scale = std::max(scale, std::abs(ref.conc_out_mgL[r][i]));
                for (int q = 0; q < kNumProcesses; ++q) tot = std::max(tot, std::abs(ref.processed_gs[r][q]));
                do_min = std::min(do_min, ref.conc_out_mgL[r][DO]);
                for (int i = 0; i < kNumSpecies; ++i) {
                    const double d = std::abs(fast.conc_out_mgL[r][i] - ref.conc_out_mgL[r][i]) /
                                     (std::abs(ref.conc_out_mgL[r][i]) + 1e-6 * scale);
                    worst_c = std::max(worst_c, d);
                    INFO("network " << net_i << " o2 " << o2 << " reach " << r << " species " << i);
                    CHECK(d <= 1e-9);
                }
                for (int q = 0; q < kNumProcesses; ++q) {
                    const double d = std::abs(fast.processed_gs[r][q] - ref.processed_gs[r][q]) /
                                     (std::abs(ref.processed_gs[r][q]) + 1e-3 * tot);
                    worst_p = std::max(worst_p, d);
                    INFO("network " << net_i << " o2 " << o2 << " reach " << r << " process " << q);
                    CHECK(d <= 1e-9);
                }
            }
            for (std::size_t k = 0; k < obs.size(); ++k)
                for (int i = 0; i < kNumSpecies; ++i) {
                    const double d = std::abs(fast.obs_conc_mgL[k][i] - ref.obs_conc_mgL[k][i]) /
                                     (std::abs(ref.obs_conc_mgL[k][i]) + 1e-9);
                    worst_obs = std::max(worst_obs, d);
                    CHECK(d <= 1e-9);
                }
            // inputs - outlet = settled + denitrified (N), settled (P), of the fast solve
            const PerProcess& t = fast.total_processed_gs;
            const double n_in = total_n(fast.total_input_gs), p_in = total_p(fast.total_input_gs);
            const double n_gap = std::abs(n_in - total_n(fast.outlet_load_gs) - t[OrgNSettling] - t[Denitrification]);
            const double p_gap = std::abs(p_in - total_p(fast.outlet_load_gs) - t[OrgPSettling] - t[IpSettling]);
            worst_n = std::max(worst_n, n_gap / n_in);
            worst_pb = std::max(worst_pb, p_gap / p_in);
            CHECK(n_gap <= 1e-9 * n_in);
            CHECK(p_gap <= 1e-9 * p_in);
            CHECK(fast.max_reach_imbalance < 1e-12);
        }
    }
    // tolerances: 1e-9 relative, the analytical accuracy required of the steady solve (per reach and species, or
    // 1e-6 of the reach's largest species; per process, or 1e-3 of the reach's largest process total: a process
    // that hardly acts is a difference of rounded sums), sections the same; balances 1e-9 of the N and P input
    // (both solves conserve them to rounding by construction). DO stays clear of 0 (checked) where the general
    // solve's extrapolation keeps its order.
    CHECK(do_min > 0.5);
    WARN("random networks, fast vs general solve: worst " << worst_c << " (reach outflow), " << worst_p
         << " (process totals), " << worst_obs << " (sections); N balance " << worst_n << ", P " << worst_pb
         << "; lowest DO " << do_min << " mg/L");
}
