// QUAL2K elements against QUAL2Kw itself: the steady element concentrations of 17-element rivers with two point
// sources, as the compiled QUAL2Kw v5.1 prints them (tests/data/kinetics/qual2kw_*.csv, from the .q2k inputs beside
// them), and the same rivers as ReachData::elements computes them.
//
// Both inputs leave out what this project does not model: algae (zero rates and biomass), slow CBOD and detritus
// (zero), denitrification (zero rate: QUAL2Kw v5 scales it by CBODf / (0.1 + CBODf)), sediment diagenesis (off),
// hyporheic exchange (off) and dispersion beyond the elements' own (prescribed 1e-6 m2/s, below the numerical
// dispersion, so QUAL2Kw adds none). The water temperature is held ("All except temperature"), the headwater and the
// sources are constant, and QUAL2Kw's Euler steps (1 minute, 20 days) end at the steady state of the element
// equations. Two QUAL2Kw v5 terms remain:
//  - its exchange of NH3 gas with the air, entered here as its formulas give it (gas_exchange below);
//  - nitrification of the ionised ammonia only, Fi = 1 / (1 + Kamm / [H+]), Kamm = 10^-(0.09018 + 2729.92/Ta): the
//    inputs' acid water (pH 5.5 above the plant, 4.1-4.4 below; alkalinity -5 mg/L at the headwater) keeps 1 - Fi
//    below 2.1e-4 where 0.2-0.3 mg/L of NH3-N nitrifies by about 0.01 mg/L per element (E1-E3: QUAL2Kw nitrifies
//    2e-6 mg/L less per element, 6e-6 of 0.28 mg/L by E3) and below 1e-5 below the plant.
// So 3e-5 relative (and 2e-6 mg/L for the six printed decimals).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reaches/oxygen.hpp"
#include "reaches/steady_wq.hpp"
#include "reaches/steady_wq_chain.hpp"
#include "tests/common/wq_waters.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

constexpr int kElements = 17;

struct Q2kRow {
    std::string element;
    double x_km = 0, ka20 = 0, do_mgL = 0, cbodf = 0, orgn = 0, nh4 = 0, no3 = 0, orgp = 0, inp = 0, ph = 0;
    double h_m = 0, u_ms = 0;  ///< QUAL2Kw's flow depth and velocity, where the file gives them (0: not given)
};

std::vector<Q2kRow> read_rows(const std::string& name) {
    std::ifstream in(std::string(QINGLIU_SOURCE_DIR) + "/tests/data/kinetics/" + name);
    std::vector<Q2kRow> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("element", 0) == 0) continue;
        std::istringstream s(line);
        Q2kRow r;
        std::getline(s, r.element, ',');
        char c = 0;
        s >> r.x_km >> c >> r.ka20 >> c >> r.do_mgL >> c >> r.cbodf >> c >> r.orgn >> c >> r.nh4 >> c >> r.no3 >> c >>
            r.orgp >> c >> r.inp >> c >> r.ph;
        if (s >> c) s >> r.h_m >> c >> r.u_ms;
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

// A QUAL2Kw input as this project's case: elements E1..E17 of 1 km (one per reach), U = a Q^b, H = c Q^d or each
// element's own channel (`channels`), elevation 500 m falling 1 m per km, headwater 2 m3/s, a plant at 13.5 km (E4)
// and a town at 6.5 km (E11).
struct Q2kCase {
    double a, b, c, d;
    double temperature_c, sod;
    double ka20 = 0.0;   ///< > 0: given per element; 0: QUAL2K's internal choice
    State headwater, plant, town;
    double plant_m3s, town_m3s;
    Parameters params;
    std::vector<hydro::Hydraulics> channels = {};  ///< per element E1..E17; empty: the rating curves a, b, c, d
    double headwater_m3s = 2.0;
    bool dispersion = false;  ///< QUAL2K's dispersion between the elements (else none, as the inputs prescribe 1e-6)
    std::optional<State> downstream = {};  ///< QUAL2K's downstream boundary below E17 (else none)
    hydro::Hydraulics channel(int element) const {
        return channels.empty() ? hydro::Hydraulics::geometry(a, b, c, d) : channels[element - 1];
    }
};

struct Built {
    Network net;
    ReachData data;
    std::vector<Input> in;
    Options opt;
};

Built build(const Q2kCase& k) {
    Built b;
    NetworkBuilder nb;
    for (int i = 1; i <= kElements; ++i)
        nb.add(test::wq_reach("E" + std::to_string(i), i < kElements ? "E" + std::to_string(i + 1) : "", 1.0,
                              k.channel(i), i == 1 ? k.headwater_m3s : 0.0));
    b.net = nb.finish();
    b.data = ReachData::sized(kElements);
    b.data.elevation_m.assign(kElements, 0.0);
    for (int i = 1; i <= kElements; ++i) b.data.elevation_m[b.net.topo.find("E" + std::to_string(i))] = 500.5 - i;
    b.data.headwater_conc_mgL[b.net.topo.find("E1")] = k.headwater;
    b.data.sod_g_m2_d.assign(kElements, k.sod);
    if (k.ka20 > 0.0) b.data.ka20_per_d.assign(kElements, k.ka20);
    b.data.elements.assign(kElements, 1);
    b.in = {{b.net.topo.find("E4"), 500.0, -1.0, k.plant_m3s, test::loads(k.plant, k.plant_m3s), 0},
            {b.net.topo.find("E11"), 500.0, -1.0, k.town_m3s, test::loads(k.town, k.town_m3s), 1}};
    b.opt.temperature_c = k.temperature_c;
    b.opt.reaeration = k.ka20 > 0.0 ? ReaerationMethod::Specified : ReaerationMethod::Internal;
    b.opt.params = k.params;
    if (k.dispersion) b.opt.dispersion = Dispersion::Qual2k;
    if (k.downstream) {
        b.data.downstream_boundary.assign(kElements, 0);
        b.data.downstream_conc_mgL.assign(kElements, State{});
        b.data.downstream_boundary[b.net.topo.find("E17")] = 1;
        b.data.downstream_conc_mgL[b.net.topo.find("E17")] = *k.downstream;
    }
    return b;
}

// QUAL2Kw v5's exchange of NH3 gas with the air (its Derivs), as NH3-N spread over each element:
// vnh3 Ast (naus - (1 - Fi) NH4) mgN/d, with the liquid film K1 = 1.171 ka(T) H, the gas film
// Kg = 175.287 Uw10 + 262.9305 m/d (wind 1 m/s at 7 m in the inputs, Uw10 = (10/7)^0.15 Uw), Henry's constant
// He = 1.36785e-5 1.052^(T-20), vnh3 = K1 He / (He + 8.206e-5 Ta K1 / Kg), the air's NH3 naus = 2e-9 atm / He x 14000
// mgN/m3, Ast = top width x 1 km, and the un-ionised share 1 - Fi at QUAL2Kw's printed pH and NH3-N. A gain of 0.01-0.02 ug/L
// per element.
void gas_exchange(Built& b, const Q2kCase& k, const std::vector<Q2kRow>& rows, const std::vector<double>& ka20) {
    const double ta = k.temperature_c + 273.15, theta = std::pow(k.params.ka_theta, k.temperature_c - 20.0);
    const double he = 1.36785e-5 * std::pow(1.052, k.temperature_c - 20.0), naus = 2e-9 / he * 14000.0;
    const double kg = 175.287 * std::pow(10.0 / 7.0, 0.15) * 1.0 + 262.9305;
    const double kamm = std::pow(10.0, -(0.09018 + 2729.92 / ta));
    double q = k.headwater_m3s;
    const std::size_t points = b.in.size();
    for (const Q2kRow& row : rows) {
        const std::int32_t e = b.net.topo.find(row.element);
        for (std::size_t j = 0; j < points; ++j)
            if (b.in[j].reach == e) q += b.in[j].flow_m3s;
        const hydro::Section sec = k.channel(std::stoi(row.element.substr(1))).section(q);
        const double h = sec.depth_m, ast = sec.top_width_m * 1000.0;
        const double k1 = 1.171 * ka20[e] * theta * h, vnh3 = k1 * he / (he + 8.206e-5 * ta * k1 / kg);
        const double fi = 1.0 / (1.0 + kamm / std::pow(10.0, -row.ph));
        Input gas{e, 0.0, 1000.0, 0.0, State{}, 2};
        gas.load_gs[NH3N] = vnh3 * ast * (naus - (1.0 - fi) * row.nh4) / 1000.0 / 86400.0;
        b.in.push_back(gas);
    }
}

// QUAL2Kw's rows against the solve, 3e-5 relative and 2e-6 mg/L (see the file comment); ka20 to its printed 5 decimals.
void compare(const Built& b, const Result& r, const std::vector<Q2kRow>& rows, const char* what) {
    double worst[7] = {};
    for (const Q2kRow& q : rows) {
        const std::int32_t e = b.net.topo.find(q.element);
        REQUIRE(e >= 0);
        CHECK(r.ka20_per_d[e] == Approx(q.ka20).margin(5e-6));
        if (q.h_m > 0.0) {  // QUAL2Kw's depth iteration stops at 0.001 % of a step; its 5 printed decimals
            const double flow = r.flow_out_m3s[e];
            CHECK(b.net.hydraulics[e].depth(flow) == Approx(q.h_m).margin(5e-6));
            CHECK(b.net.hydraulics[e].velocity(flow) == Approx(q.u_ms).margin(5e-6));
        }
        const State& c = r.conc_out_mgL[e];
        const State want = mgL(q.do_mgL, q.cbodf, q.orgn, q.nh4, q.no3, q.orgp, q.inp);
        const int sp[7] = {DO, CBOD, OrgN, NH3N, NO3N, OrgP, IP};
        for (int k = 0; k < 7; ++k) {
            worst[k] = std::max(worst[k], std::abs(c[sp[k]] - want[sp[k]]) / want[sp[k]]);
            INFO(q.element << " species " << sp[k] << ": " << c[sp[k]] << " against QUAL2Kw " << want[sp[k]]);
            CHECK(c[sp[k]] == Approx(want[sp[k]]).epsilon(3e-5).margin(2e-6));
        }
    }
    WARN(what << ": largest relative differences from QUAL2Kw: DO " << worst[0] << ", CBOD " << worst[1]
              << ", organic N " << worst[2] << ", NH3-N " << worst[3] << ", NO3-N " << worst[4] << ", organic P "
              << worst[5] << ", inorganic P " << worst[6]);
}

// The kinetics of an input (rates at 20 degC /d, settling m/d), with what both inputs share: organic N and P
// hydrolysis theta 1.07, CBOD oxidation theta 1.047, ka theta 1.024, 4.57 g O2/g N; no CBOD settling (QUAL2Kw's fast
// CBOD does not settle), no COD or CODMn decay (not QUAL2Kw's), no denitrification; the prescribed SOD not
// temperature-corrected (QUAL2Kw applies it as given: sod_theta 1).
struct Rates {
    double cbod, orgn_hydrolysis, orgn_settling, nitrification, nitrification_theta, orgp_hydrolysis, orgp_settling,
        ip_settling;
    O2Effect cbod_gate;
    double cbod_gate_k;
    O2Effect nitrification_gate;
    double nitrification_gate_k;
};

Parameters params(const Rates& r) {
    Parameters p = Parameters::defaults();
    const std::pair<double Parameters::*, double> set[] = {
        {&Parameters::cbod_k20_per_d, r.cbod}, {&Parameters::cbod_theta, 1.047}, {&Parameters::cbod_settling_m_d, 0.0},
        {&Parameters::codmn_k20_per_d, 0.0}, {&Parameters::cod_k20_per_d, 0.0},
        {&Parameters::orgn_hydrolysis_k20_per_d, r.orgn_hydrolysis}, {&Parameters::orgn_hydrolysis_theta, 1.07},
        {&Parameters::orgn_settling_m_d, r.orgn_settling}, {&Parameters::nitrification_k20_per_d, r.nitrification},
        {&Parameters::nitrification_theta, r.nitrification_theta}, {&Parameters::o2_per_n_nitrified, 4.57},
        {&Parameters::denitrification_k20_per_d, 0.0}, {&Parameters::orgp_hydrolysis_k20_per_d, r.orgp_hydrolysis},
        {&Parameters::orgp_hydrolysis_theta, 1.07}, {&Parameters::orgp_settling_m_d, r.orgp_settling},
        {&Parameters::ip_settling_m_d, r.ip_settling}, {&Parameters::ka_theta, 1.024}, {&Parameters::sod_theta, 1.0},
        {&Parameters::cbod_o2_k, r.cbod_gate_k}, {&Parameters::nitrification_o2_k, r.nitrification_gate_k},
        {&Parameters::denitrification_o2_k, 0.6}};
    for (const auto& [field, value] : set) p.*field = value;
    p.cbod_o2_effect = r.cbod_gate;
    p.nitrification_o2_effect = r.nitrification_gate;
    p.denitrification_o2_effect = O2Effect::Exponential;
    return p;
}

// The case solved as QUAL2Kw's input describes it, its gas exchange added (ka as given, or as the first solve found
// it by the internal choice), against QUAL2Kw's printed rows; returns the case with the gas exchange.
Built against_qual2kw(const Q2kCase& k, const std::string& csv, const char* what) {
    const std::vector<Q2kRow> rows = read_rows(csv);
    REQUIRE(rows.size() == kElements);
    Built b = build(k);
    const std::vector<double> ka = k.ka20 > 0.0 ? std::vector<double>(kElements, k.ka20)
                                                : solve_steady_wq(b.net, b.data, b.in, {}, b.opt).ka20_per_d;
    gas_exchange(b, k, rows, ka);
    compare(b, solve_steady_wq(b.net, b.data, b.in, {}, b.opt), rows, what);
    return b;
}

// The low-DO river (qual2kw_low_do.q2k): 15 degC, SOD 5 g/m2/d, ka by the internal choice; CBOD oxidation 0.8/d with a
// half-saturation oxygen gate (0.5 mg/L), nitrification 1.5/d (theta 1.08) with a second-order gate (0.8 mg2/L2),
// organic N hydrolysis 0.25/d and settling 0.05 m/d, organic P hydrolysis 0.2/d and settling 0.1 m/d, inorganic P
// settling 0.05 m/d; plant 0.8 m3/s and town 0.3 m3/s, times `flows`. Its channels are U = 0.35 Q^0.45 and
// H = 0.45 Q^0.4 until a test gives others.
Q2kCase low_do_river(double flows = 1.0) {
    const Rates rates{0.8,  0.25, 0.05, 1.5, 1.08, 0.2, 0.1, 0.05, O2Effect::HalfSaturation, 0.5, O2Effect::SecondOrder,
                      0.8};
    Q2kCase k{0.35, 0.45, 0.45, 0.4, 15.0, 5.0, 0.0,
              mgL(8.5, 2.0, 400.0, 200.0, 800.0, 40.0, 20.0),
              mgL(1.0, 150.0, 8000.0, 25000.0, 500.0, 1500.0, 3000.0),
              mgL(0.5, 80.0, 6000.0, 15000.0, 200.0, 800.0, 1500.0), 0.8 * flows, 0.3 * flows, params(rates)};
    k.headwater_m3s = 2.0 * flows;
    return k;
}

// Trapezoids E1..E17 of the given bottom widths, as the .q2k inputs have them: side slopes 0-3 (E1 a rectangle with
// its walls), slopes 0.0005-0.004 and roughness 0.03-0.05.
std::vector<hydro::Hydraulics> trapezoids(const double (&b0)[kElements]) {
    const double s1[kElements] = {0, 0.5, 1, 2, 0, 0.5, 1, 2, 0, 0.5, 1, 2, 0, 0.5, 1, 2, 1.5};
    const double s2[kElements] = {0, 1.5, 0.5, 3, 1.5, 0.5, 3, 0, 0.5, 3, 0, 1.5, 3, 0, 1.5, 0.5, 2.5};
    const double slope[kElements] = {0.001,  0.002, 0.004, 0.0005, 0.001,  0.002, 0.004, 0.0005, 0.001,
                                     0.002,  0.004, 0.0005, 0.001, 0.002, 0.004, 0.0005, 0.0015};
    const double n[kElements] = {0.03, 0.04, 0.05, 0.03, 0.04, 0.05, 0.03, 0.04, 0.05,
                                 0.03, 0.04, 0.05, 0.03, 0.04, 0.05, 0.03, 0.035};
    std::vector<hydro::Hydraulics> out;
    for (int i = 0; i < kElements; ++i) out.push_back(hydro::Hydraulics::trapezoid(n[i], slope[i], b0[i], s1[i], s2[i]));
    return out;
}

// The low-DO river 60-120 m wide with 15 times the flows (headwater 40 m3/s), QUAL2K's dispersion on
// (qual2kw_dispersion.q2k, qual2kw_downstream.q2k).
Q2kCase wide_river() {
    const double b0[kElements] = {60, 80, 100, 120, 60, 80, 100, 120, 60, 80, 100, 120, 60, 80, 100, 120, 90};
    Q2kCase k = low_do_river(15.0);
    k.channels = trapezoids(b0);
    k.headwater_m3s = 40.0;
    k.dispersion = true;
    return k;
}

}  // namespace

TEST_CASE("QUAL2K elements reproduce QUAL2Kw v5.1's steady element concentrations", "[steady_wq][qual2k]") {
    // qual2kw_elements.q2k: U = 0.3 Q^0.4, H = 0.4 Q^0.45, ka20 3.0/d given per element, SOD 1.5 g/m2/d, 24 degC;
    // plant 0.5 m3/s, town 0.2 m3/s. CBOD oxidation 0.5/d, organic N hydrolysis 0.2/d and settling 0.1 m/d,
    // nitrification 1.0/d (theta 1.07), organic P hydrolysis 0.3/d and settling 0.05 m/d, inorganic P settling
    // 0.02 m/d; QUAL2K's exponential oxygen gates, 0.6 L/mg.
    const Rates rates{0.5, 0.2, 0.1, 1.0, 1.07, 0.3, 0.05, 0.02, O2Effect::Exponential, 0.6, O2Effect::Exponential, 0.6};
    const Q2kCase k{0.3, 0.4, 0.4, 0.45, 24.0, 1.5, 3.0,
                    mgL(7.0, 3.0, 500.0, 300.0, 1000.0, 50.0, 30.0),
                    mgL(2.0, 40.0, 5000.0, 10000.0, 2000.0, 1000.0, 2000.0),
                    mgL(4.0, 20.0, 3000.0, 4000.0, 500.0, 500.0, 800.0), 0.5, 0.2, params(rates)};
    // measured: NH3-N 2.0e-5 (E3, the ionised share above), DO 4.4e-6, NO3-N 5.3e-6, CBOD 1.8e-7, organic N 7e-10,
    // organic P 6e-9, inorganic P 1.5e-8
    const Built b = against_qual2kw(k, "qual2kw_elements.csv", "ka given, exponential gates");

    // The same river as one reach of 17 km in 17 elements (inputs by position; each section reports its element):
    // the same equations, element by element. A reach has one elevation (492 m), so against the 17 reaches at 492 m.
    Built flat = b;
    flat.data.elevation_m.assign(kElements, 492.0);
    const Result r17 = solve_steady_wq(flat.net, flat.data, flat.in, {}, flat.opt);
    NetworkBuilder nb;
    nb.add(test::wq_reach("R", "", 17.0, hydro::Hydraulics::geometry(k.a, k.b, k.c, k.d), 2.0));
    const Network one = nb.finish();
    ReachData d1 = ReachData::sized(1);
    d1.headwater_conc_mgL[0] = k.headwater;
    d1.elevation_m = {492.0};
    d1.sod_g_m2_d = {k.sod};
    d1.ka20_per_d = {k.ka20};
    d1.elements = {kElements};
    std::vector<Input> in1;
    for (Input x : b.in) {
        const double top = 1000.0 * (std::stoi(b.net.topo.id(x.reach).substr(1)) - 1);
        x.reach = 0;
        x.position_m += top;
        if (x.end_m >= 0.0) x.end_m += top;
        in1.push_back(x);
    }
    std::vector<Observation> obs1;
    for (int i = 0; i < kElements; ++i) obs1.push_back({0, 1000.0 * i + 500.0, i});
    const Result r1 = solve_steady_wq(one, d1, in1, obs1, b.opt);
    for (int i = 0; i < kElements; ++i) {
        const State& a = r17.conc_out_mgL[b.net.topo.find("E" + std::to_string(i + 1))];
        for (int s : {DO, CBOD, OrgN, NH3N, NO3N, OrgP, IP}) {
            INFO("element " << i + 1 << " species " << s);
            CHECK(r1.obs_conc_mgL[i][s] == Approx(a[s]).epsilon(1e-12));
        }
    }
}

TEST_CASE("QUAL2K elements reproduce QUAL2Kw v5.1 at low DO with its internal reaeration and other gate forms",
          "[steady_wq][qual2k]") {
    // qual2kw_low_do.q2k (low_do_river): U = 0.35 Q^0.45, H = 0.45 Q^0.4, ka by QUAL2K's internal choice (Owens-Gibbs
    // in E1-E3 at H 0.59 m, Churchill below at H 0.68-0.71 m and U 0.56-0.58 m/s), DO falling to 0.92 mg/L.
    const Q2kCase k = low_do_river();
    // measured: DO 6.0e-6, NH3-N 6.9e-6, NO3-N 2.4e-6, CBOD 1.4e-7, organic N 8e-10, organic P 1.2e-8, inorganic P
    // 1.3e-8; ka within QUAL2Kw's printed decimals
    against_qual2kw(k, "qual2kw_low_do.csv", "internal reaeration, half-saturation and second-order gates, low DO");
}

TEST_CASE("QUAL2K's trapezoidal Manning channels reproduce QUAL2Kw v5.1", "[steady_wq][qual2k]") {
    // qual2kw_trapezoid.q2k: the low-DO river above with each element a Manning channel of its own bottom width
    // (4-10 m), side slopes (0-3, E1 a rectangle with its walls), slope (0.0005-0.004) and roughness (0.03-0.05).
    // The flow depths 0.34-1.20 m and velocities 0.35-0.96 m/s take QUAL2K's internal reaeration through all three of
    // its formulas (Owens-Gibbs in 8 elements, Churchill in 5, O'Connor-Dobbins in 4), and SOD and settling act over
    // the bottom width only (QUAL2K's Asd = B0 dx over the volume A dx).
    const double b0[kElements] = {4, 6, 8, 10, 4, 6, 8, 10, 4, 6, 8, 10, 4, 6, 8, 10, 5};
    Q2kCase k = low_do_river();
    k.channels = trapezoids(b0);
    const Built b = against_qual2kw(k, "qual2kw_trapezoid.csv", "trapezoidal Manning channels, internal reaeration");

    // the bottom area decides SOD: the same river with SOD per flow depth H (SOD / H instead of SOD B0 / A) ends
    // with DO lower by WARN's figure, far outside the tolerance above, so the comparison can tell the two
    Built wrong = b;
    for (int i = 0; i < kElements; ++i) {
        const std::int32_t e = wrong.net.topo.find("E" + std::to_string(i + 1));
        const double q = i < 3 ? 2.0 : (i < 10 ? 2.8 : 3.1);
        const hydro::Section sec = k.channels[i].section(q);
        wrong.data.sod_g_m2_d[e] = k.sod * sec.area_m2 / (sec.depth_m * k.channels[i].width_m);
    }
    const Result rw = solve_steady_wq(wrong.net, wrong.data, wrong.in, {}, wrong.opt);
    const Result rb = solve_steady_wq(b.net, b.data, b.in, {}, b.opt);
    const std::int32_t last = b.net.topo.find("E17");
    WARN("DO at E17 with SOD per flow depth: " << rw.conc_out_mgL[last][DO] << " against " << rb.conc_out_mgL[last][DO]);
    CHECK(rb.conc_out_mgL[last][DO] - rw.conc_out_mgL[last][DO] > 1e-2);
}

TEST_CASE("QUAL2K's dispersion between elements reproduces QUAL2Kw v5.1", "[steady_wq][qual2k]") {
    // qual2kw_dispersion.q2k: the trapezoid river above made wide (bottom widths 60-120 m) and carrying 15-20 times the
    // flows (headwater 40 m3/s, plant 12, town 4.5), with no prescribed dispersion in the elements, so that QUAL2Kw
    // computes each element's by Fischer's formula and adds what exceeds the elements' numerical dispersion U dx / 2
    // as bulk exchange with the next element: up to 96 m3/s against flows of 40-57 m3/s, and 0 where Fischer's is the
    // smaller (E5, E8, E12). The plant's load then reaches two elements upstream (E2 and E3 carry 0.77 and 2.5 mg/L of
    // NH3-N above the plant's 5.7). The headwater row has E1's channel and Fischer's dispersion, so that QUAL2Kw's
    // made-up headwater element (E1's length, the headwater row's hydraulics at the headwater flow) exchanges 0.67
    // m3/s with E1, as headwater_exchange_m3s takes it from the top reach: E1's NH3-N 207.47 ug/L against 207.59
    // with the headwater's dispersion at 1e-6 m2/s (no exchange).
    Q2kCase k = wide_river();
    const Built b = against_qual2kw(k, "qual2kw_dispersion.csv", "QUAL2K's dispersion between elements");

    // without the exchange the river is another: E3 (above the plant) keeps the headwater's NH3-N
    Built plain = b;
    plain.opt.dispersion = Dispersion::None;
    const Result r0 = solve_steady_wq(plain.net, plain.data, plain.in, {}, plain.opt);
    CHECK(r0.conc_out_mgL[b.net.topo.find("E3")][NH3N] < 0.25);
    // and the budget closes over the reaches the exchange crosses, the headwater's included
    const Result r1 = solve_steady_wq(b.net, b.data, b.in, {}, b.opt);
    CHECK(r1.max_reach_imbalance < 1e-10);
    // the headwater's exchange: 0.6688 m3/s as QUAL2Kw prints it (its Hydraulics Summary, E' of the headwater row)
    const std::int32_t e1 = b.net.topo.find("E1");
    CHECK(headwater_exchange_m3s(b.net, b.data, e1, b.net.headwater_flow_m3s[e1], b.net.length_m[e1]) ==
          Approx(0.66880).margin(5e-6));
}

TEST_CASE("QUAL2K's downstream boundary reproduces QUAL2Kw v5.1", "[steady_wq][qual2k]") {
    // qual2kw_downstream.q2k: qual2kw_dispersion.q2k with QUAL2Kw's downstream boundary switched on, below E17: DO
    // 3 mg/L, fast CBOD 12 mg/L, organic N 1,500, NH4-N 4,000, NO3-N 2,500, organic P 150 and inorganic P 300 ug/L
    // (the rest the headwater's). QUAL2Kw exchanges E17 with it at E17's own E' (Fischer's dispersion less U dx / 2,
    // times E17's area over its length: 32.029 m3/s as it computes it), so that E17's NH3-N falls from 5.57 to 5.01
    // mg/L and the change reaches up to E14 (E13's E' is 0: above it nothing changes).
    Q2kCase k = wide_river();
    const Built plain = build(k);
    k.downstream = mgL(3.0, 12.0, 1500.0, 4000.0, 2500.0, 150.0, 300.0);
    const Built b = against_qual2kw(k, "qual2kw_downstream.csv", "QUAL2K's downstream boundary");
    const std::int32_t e17 = b.net.topo.find("E17");
    const Result r = solve_steady_wq(b.net, b.data, b.in, {}, b.opt);
    // E17's exchange with the boundary as QUAL2Kw computes it (E_Fischer 928.04 m2/s less U dx / 2 = 434.93, times Ac
    // 64.953 m2 over 1 km; QUAL2Kw prints 32.02948)
    const double q = r.flow_out_m3s[e17], u = b.net.hydraulics[e17].velocity(q);
    const double e = element_dispersion_m2s(b.net, b.data, e17, q);
    CHECK(downstream_exchange_m3s(b.net, b.data, e17, e, u, q / u, 1000.0) == Approx(32.02948).margin(5e-5));
    // none where the reach does not give a boundary
    CHECK(downstream_exchange_m3s(plain.net, plain.data, e17, e, u, q / u, 1000.0) == 0.0);
    // the budget closes with the boundary's exchange as E17's input
    CHECK(r.max_reach_imbalance < 1e-10);
}

TEST_CASE("QUAL2K's width rating curves reproduce QUAL2Kw v5.1", "[steady_wq][qual2k]") {
    // qual2kw_width.q2k: the low-DO river with QUAL2K's "Width" option, U = 0.35 Q^0.45 and B = 8 Q^0.3, so that
    // H = Q / (U B) = Q^0.25 / 2.8 (Hydraulics::geometry_width): depths 0.42-0.47 m, Owens-Gibbs throughout
    Q2kCase k = low_do_river();
    k.channels.assign(kElements, hydro::Hydraulics::geometry_width(0.35, 0.45, 8.0, 0.3));
    against_qual2kw(k, "qual2kw_width.csv", "velocity and width rating curves");
}
