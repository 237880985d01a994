// QUAL2K elements against QUAL2Kw itself: the steady element concentrations of a 17-element river with two point
// sources, as the compiled QUAL2Kw v5.1 prints them (tests/data/kinetics/qual2kw_elements.csv, from
// qual2kw_elements.q2k), and the same river as ReachData::elements computes it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reaches/oxygen.hpp"
#include "reaches/steady_wq.hpp"
#include "tests/common/wq_waters.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

struct Q2kRow {
    std::string element;
    double x_km = 0, do_mgL = 0, cbodf = 0, orgn = 0, nh4 = 0, no3 = 0, orgp = 0, inp = 0, ph = 0;
};

std::vector<Q2kRow> read_rows() {
    std::ifstream in(std::string(QINGLIU_SOURCE_DIR) + "/tests/data/kinetics/qual2kw_elements.csv");
    std::vector<Q2kRow> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("element", 0) == 0) continue;
        std::istringstream s(line);
        Q2kRow r;
        std::getline(s, r.element, ',');
        char c = 0;
        s >> r.x_km >> c >> r.do_mgL >> c >> r.cbodf >> c >> r.orgn >> c >> r.nh4 >> c >> r.no3 >> c >> r.orgp >> c >>
            r.inp >> c >> r.ph;
        rows.push_back(r);
    }
    return rows;
}

// mg/L from QUAL2Kw's concentrations (N and P in ug/L); CODMn and COD are not QUAL2Kw's and stay 0
State mgL(double do_mgL, double cbod, double orgn_ug, double nh4_ug, double no3_ug, double orgp_ug, double inp_ug) {
    State c{};
    c[DO] = do_mgL;
    c[CBOD] = cbod;
    c[OrgN] = orgn_ug / 1000.0;
    c[NH3N] = nh4_ug / 1000.0;
    c[NO3N] = no3_ug / 1000.0;
    c[OrgP] = orgp_ug / 1000.0;
    c[IP] = inp_ug / 1000.0;
    return c;
}

}  // namespace

TEST_CASE("QUAL2K elements reproduce QUAL2Kw v5.1's steady element concentrations", "[steady_wq][qual2k]") {
    // qual2kw_elements.q2k: 17 elements of 1 km (one per reach, E1..E17), U = 0.3 Q^0.4, H = 0.4 Q^0.45, ka20 3.0/d
    // given per element, SOD 1.5 g/m2/d, elevation 500 m falling 1 m per km, water held at 24 degC; headwater
    // 2 m3/s; a plant of 0.5 m3/s at 13.5 km (E4) and a town of 0.2 m3/s at 6.5 km (E11). Kinetics (20 degC rate,
    // theta): CBOD oxidation 0.5, 1.047; organic N hydrolysis 0.2, 1.07, settling 0.1 m/d; nitrification 1.0, 1.07,
    // 4.57 g O2/g N; organic P hydrolysis 0.3, 1.07, settling 0.05 m/d; inorganic P settling 0.02 m/d; ka theta
    // 1.024; QUAL2K's exponential oxygen gates, 0.6 L/mg. Set aside in the input because this project does not model
    // them: algae (zero rates and biomass), slow CBOD and detritus (zero), denitrification (zero rate, since QUAL2Kw v5
    // scales it by CBODf / (0.1 + CBODf)), sediment diagenesis (off), hyporheic exchange (off), dispersion beyond the
    // elements' own (prescribed 1e-6 m2/s, below the numerical dispersion, so QUAL2Kw adds none).
    const std::vector<Q2kRow> rows = read_rows();
    REQUIRE(rows.size() == 17);
    constexpr int n = 17;
    NetworkBuilder b;
    for (int i = 1; i <= n; ++i) {
        const std::string down = i < n ? "E" + std::to_string(i + 1) : "";
        b.add(test::wq_reach("E" + std::to_string(i), down, 1.0, hydro::Hydraulics::geometry(0.3, 0.4, 0.4, 0.45),
                             i == 1 ? 2.0 : 0.0));
    }
    const Network net = b.finish();
    ReachData data = ReachData::sized(n);
    const std::int32_t e1 = net.topo.find("E1");
    data.headwater_conc_mgL[e1] = mgL(7.0, 3.0, 500.0, 300.0, 1000.0, 50.0, 30.0);
    data.elevation_m.assign(n, 0.0);
    data.sod_g_m2_d.assign(n, 1.5);
    data.ka20_per_d.assign(n, 3.0);
    data.elements.assign(n, 1);
    for (int i = 1; i <= n; ++i) data.elevation_m[net.topo.find("E" + std::to_string(i))] = 500.5 - i;  // mean of its ends
    const State plant = mgL(2.0, 40.0, 5000.0, 10000.0, 2000.0, 1000.0, 2000.0);
    const State town = mgL(4.0, 20.0, 3000.0, 4000.0, 500.0, 500.0, 800.0);
    std::vector<Input> in = {{net.topo.find("E4"), 500.0, -1.0, 0.5, test::loads(plant, 0.5), 0},
                             {net.topo.find("E11"), 500.0, -1.0, 0.2, test::loads(town, 0.2), 1}};
    // QUAL2Kw v5's exchange of NH3 gas with the air (its Derivs; not part of this project's model), entered as NH3-N
    // spread over each element: vnh3 Ast (naus - (1 - Fi) NH4) mgN/d with the liquid film K1 = 1.171 ka(T) H, the
    // gas film Kg = 175.287 Uw10 + 262.9305 m/d (wind 1 m/s at 7 m in the input), Henry's He = 1.36785e-5
    // 1.052^(T-20), vnh3 = K1 He / (He + 8.206e-5 Ta K1 / Kg), the air's NH3 naus = 2e-9 atm / He x 14000 mgN/m3,
    // and the un-ionised share 1 - Fi at QUAL2Kw's printed pH and NH3-N. A gain of 0.01-0.02 ug/L per element.
    const double ta = 24.0 + 273.15, ka_t = 3.0 * std::pow(1.024, 4.0);
    const double he = 1.36785e-5 * std::pow(1.052, 4.0), naus = 2e-9 / he * 14000.0;
    const double kg = 175.287 * std::pow(10.0 / 7.0, 0.15) * 1.0 + 262.9305;
    const double kamm = std::pow(10.0, -(0.09018 + 2729.92 / ta));
    double q = 2.0;
    for (const Q2kRow& row : rows) {
        const std::int32_t e = net.topo.find(row.element);
        for (const Input& x : in) if (x.reach == e) q += x.flow_m3s;
        const double u = 0.3 * std::pow(q, 0.4), h = 0.4 * std::pow(q, 0.45), ast = q / (u * h) * 1000.0;
        const double k1 = 1.171 * ka_t * h, vnh3 = k1 * he / (he + 8.206e-5 * ta * k1 / kg);
        const double fi = 1.0 / (1.0 + kamm / std::pow(10.0, -row.ph));
        Input gas{e, 0.0, 1000.0, 0.0, State{}, 2};
        gas.load_gs[NH3N] = vnh3 * ast * (naus - (1.0 - fi) * row.nh4) / 1000.0 / 86400.0;
        in.push_back(gas);
    }
    Options opt;
    opt.temperature_c = 24.0;
    Parameters& p = opt.params;
    p.cbod_k20_per_d = 0.5;
    p.cbod_theta = 1.047;
    p.cbod_settling_m_d = 0.0;
    p.codmn_k20_per_d = p.cod_k20_per_d = 0.0;
    p.orgn_hydrolysis_k20_per_d = 0.2;
    p.orgn_hydrolysis_theta = 1.07;
    p.orgn_settling_m_d = 0.1;
    p.nitrification_k20_per_d = 1.0;
    p.nitrification_theta = 1.07;
    p.o2_per_n_nitrified = 4.57;
    p.denitrification_k20_per_d = 0.0;
    p.orgp_hydrolysis_k20_per_d = 0.3;
    p.orgp_hydrolysis_theta = 1.07;
    p.orgp_settling_m_d = 0.05;
    p.ip_settling_m_d = 0.02;
    p.ka_theta = 1.024;
    p.sod_theta = 1.0;   // QUAL2Kw applies its prescribed SOD as given, without a temperature correction
    p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::Exponential;
    p.cbod_o2_k = p.nitrification_o2_k = p.denitrification_o2_k = 0.6;
    const Result r = solve_steady_wq(net, data, in, {}, opt);
    // Tolerances. QUAL2Kw prints 6 decimals (1e-6 mg/L, 1e-6 ug/L) and its Euler steps stop at the steady state of
    // the same element equations. One QUAL2Kw term remains that this project does not model: nitrification of the
    // ionised fraction only, Fi = 1 / (1 + Kamm / [H+]), Kamm = 10^-(0.09018 + 2729.92/Ta) = 5.3e-10 at 24 degC. The
    // input's acid water (pH 5.5 in E1-E3, 4.1-4.4 below the plant) keeps 1 - Fi below 1.9e-4 where 0.3 mg/L of
    // NH3-N nitrifies by 0.011 mg/L per element (E1-E3: QUAL2Kw nitrifies 2e-6 mg/L less per element, 6e-6 of
    // 0.279 mg/L by E3, 2.2e-5) and below 7e-6 below the plant. So 3e-5 relative (and 2e-6 mg/L for the printing);
    // measured: NH3-N 2.0e-5 (E3), DO 4.4e-6, NO3-N 5.3e-6, CBOD 1.8e-7, organic N 7e-10, organic P 6e-9,
    // inorganic P 1.5e-8.
    double worst[8] = {};
    for (const Q2kRow& q : rows) {
        const std::int32_t e = net.topo.find(q.element);
        REQUIRE(e >= 0);
        const State& c = r.conc_out_mgL[e];
        const State want = mgL(q.do_mgL, q.cbodf, q.orgn, q.nh4, q.no3, q.orgp, q.inp);
        const int sp[7] = {DO, CBOD, OrgN, NH3N, NO3N, OrgP, IP};
        for (int k = 0; k < 7; ++k) {
            const double rel = std::abs(c[sp[k]] - want[sp[k]]) / want[sp[k]];
            worst[k] = std::max(worst[k], rel);
            INFO(q.element << " species " << sp[k] << ": " << c[sp[k]] << " against QUAL2Kw " << want[sp[k]]);
            CHECK(c[sp[k]] == Approx(want[sp[k]]).epsilon(3e-5).margin(2e-6));
        }
    }
    // The same river as one reach of 17 km in 17 elements (inputs by position; each section reports its element):
    // the same equations, element by element, with one elevation for the reach (492 m: a reach has one), so against
    // the 17 reaches at 492 m
    ReachData flat = data;
    flat.elevation_m.assign(n, 492.0);
    const Result r17 = solve_steady_wq(net, flat, in, {}, opt);
    NetworkBuilder b1;
    b1.add(test::wq_reach("R", "", 17.0, hydro::Hydraulics::geometry(0.3, 0.4, 0.4, 0.45), 2.0));
    const Network one = b1.finish();
    ReachData d1 = ReachData::sized(1);
    d1.headwater_conc_mgL[0] = data.headwater_conc_mgL[e1];
    d1.elevation_m = {492.0};
    d1.sod_g_m2_d = {1.5};
    d1.ka20_per_d = {3.0};
    d1.elements = {17};
    std::vector<Input> in1;
    for (Input x : in) {
        int k = 0;
        for (int i = 1; i <= n; ++i) if (net.topo.find("E" + std::to_string(i)) == x.reach) k = i - 1;
        x.reach = 0;
        x.position_m += 1000.0 * k;
        if (x.end_m >= 0.0) x.end_m += 1000.0 * k;
        in1.push_back(x);
    }
    std::vector<Observation> obs1;
    for (int i = 0; i < n; ++i) obs1.push_back({0, 1000.0 * i + 500.0, i});
    const Result r1 = solve_steady_wq(one, d1, in1, obs1, opt);
    for (int i = 0; i < n; ++i) {
        const State& a = r17.conc_out_mgL[net.topo.find("E" + std::to_string(i + 1))];
        for (int k : {DO, CBOD, OrgN, NH3N, NO3N, OrgP, IP}) {
            INFO("element " << i + 1 << " species " << k);
            CHECK(r1.obs_conc_mgL[i][k] == Approx(a[k]).epsilon(1e-12));
        }
    }
    WARN("largest relative differences from QUAL2Kw: DO " << worst[0] << ", CBOD " << worst[1] << ", organic N "
         << worst[2] << ", NH3-N " << worst[3] << ", NO3-N " << worst[4] << ", organic P " << worst[5]
         << ", inorganic P " << worst[6]);
}
