// Water-quality items given by a source or a headwater (DO, BOD5, TN ...) through the case model into the kinetics:
// DO downstream of a source giving BOD5 and DO against the closed-form Streeter-Phelps deficit (Chapra 1997, ch. 21),
// TN given split into species with nitrogen conserved, and items given at the composition's own values changing
// nothing. Tolerances are stated per check.
#include <catch2/catch.hpp>

#include <cmath>

#include "analyses/water_quality.hpp"
#include "reaches/oxygen.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {
int ci(const char* k) { return idx(*constituent_from_key(k)); }

GivenSpecies items(std::initializer_list<std::pair<GivenItem, double>> v) {
    GivenSpecies g;
    for (const auto& [i, x] : v) g[i] = x;
    return g;
}

// One reach of 30 km, u = 0.2 m/s and H = 2 m at every flow (hydraulic geometry with b = d = 0), headwater 1 m3/s of
// water with no COD, NH3-N or TP and DO 8 mg/L given; a plant of 0.25 m3/s at the top with COD 40 mg/L; sections at
// 5, 12 and 30 km.
constexpr double kU = 0.2, kQh = 1.0, kQs = 0.25, kDoHead = 8.0, kCod = 40.0;
CaseModel one_reach(const GivenSpecies& plant) {
    reaches::NetworkBuilder b;
    b.add({.id = "A", .river = "R", .downstream = "", .length_km = 30.0,
           .hydraulics = hydro::Hydraulics::geometry(kU, 0.0, 2.0, 0.0), .headwater_flow_m3s = kQh, .split_to = "",
           .name = "A"});
    CaseModel m;
    m.net = b.finish();
    m.temperature_c = 20.0;
    set_given_inflow(m, 0, items({{GivenItem::DO, kDoHead}}), {});
    PerConstituent load{};
    load[ci("cod")] = kQs * kCod;
    m.sources = {{.id = "P", .name = "P", .type = "sewage_plant", .reach = 0, .flow_m3s = kQs, .load_gs = load,
                  .origin = "test", .town = "", .given = plant}};
    for (const char* km : {"5", "12", "30"})
        m.sections.push_back({.id = std::string("X") + km, .name = km, .name_en = km, .river = "R", .level = "municipal",
                              .reach = 0, .position_m = std::stod(km) * 1000.0, .target_class = 3});
    return m;
}

// CBOD oxidation kd = 0.3/d without oxygen attenuation and reaeration ka = 1.1/d (the reach's own) at 20 degC; every
// other process off, so DO follows Streeter-Phelps exactly.
constexpr double kKd = 0.3, kKa = 1.1, kBottle = 0.23;
WaterQualityOptions streeter_phelps() {
    WaterQualityOptions o;
    wq::Parameters& p = o.steady.params;
    p = wq::Parameters{};
    p.cbod_theta = p.codmn_theta = p.cod_theta = p.orgn_hydrolysis_theta = p.nitrification_theta =
        p.denitrification_theta = p.orgp_hydrolysis_theta = p.ka_theta = p.sod_theta = 1.0;
    p.cbod_k20_per_d = kKd;
    p.bod_bottle_k_per_d = kBottle;
    p.o2_per_n_nitrified = 4.57;
    p.cbod_per_n_denitrified = 2.86;
    p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = wq::O2Effect::None;
    o.reaches.ka20_per_d = {kKa};
    return o;
}

// Streeter-Phelps DO (mg/L) at x km below the mixing of the headwater with the plant giving CBODu l_s and DO o_s:
// D(t) = D0 e^(-ka t) + kd L0 / (ka - kd) (e^(-kd t) - e^(-ka t)), t = x / u.
double sp_do(double l_s, double o_s, double x_km) {
    const double os = reaches::do_saturation_mgL(20.0);
    const double q = kQh + kQs, l0 = kQs * l_s / q, d0 = os - (kQh * kDoHead + kQs * o_s) / q;
    const double t = x_km * 1000.0 / kU / 86400.0;
    return os - (d0 * std::exp(-kKa * t) + kKd * l0 / (kKa - kKd) * (std::exp(-kKd * t) - std::exp(-kKa * t)));
}
double cbodu(double bod5) { return bod5 / (1.0 - std::exp(-5.0 * kBottle)); }
}  // namespace

TEST_CASE("a source giving BOD5 and DO changes the DO downstream as Streeter-Phelps says", "[water_quality][given][analytical]") {
    const auto given = evaluate_water_quality(one_reach(items({{GivenItem::BOD5, 18.0}, {GivenItem::DO, 5.0}})), streeter_phelps());
    const auto plain = evaluate_water_quality(one_reach({}), streeter_phelps());
    // without items the plant is treated effluent by composition: BOD5 = 0.2 COD, DO 2 mg/L (reaches/wq_sources.cpp)
    const wq::Composition& treated = wq::composition_for_type("sewage_plant");
    REQUIRE(std::string(treated.kind) == "treated");
    const double xs_km[] = {5.0, 12.0, 30.0};
    REQUIRE(given.sections.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const double x = xs_km[i];
        const double with = given.sections[i].conc_mgL[wq::DO], without = plain.sections[i].conc_mgL[wq::DO];
        const double sp_with = sp_do(cbodu(18.0), 5.0, x), sp_without = sp_do(cbodu(treated.bod5_per_cod * kCod), treated.do_mgL, x);
        // the exact plug-flow solve against the closed form: 1e-9 relative
        CHECK(with == Approx(sp_with).epsilon(1e-9));
        CHECK(without == Approx(sp_without).epsilon(1e-9));
        // the change the given items make, against the change of the closed form: 1e-9 relative of the change
        INFO("x = " << x << " km, change " << with - without);
        CHECK(std::abs((with - without) - (sp_with - sp_without)) <= 1e-9 * std::abs(sp_with - sp_without));
        // the BOD5 given reaches the section as CBODu decaying at kd: 1e-12 relative
        const double l = kQs * cbodu(18.0) / (kQh + kQs) * std::exp(-kKd * x * 1000.0 / kU / 86400.0);
        CHECK(given.sections[i].conc_mgL[wq::CBOD] == Approx(l).epsilon(1e-12));
    }
    CHECK(given.sections[2].conc_mgL[wq::DO] != Approx(plain.sections[2].conc_mgL[wq::DO]).epsilon(1e-3));
}

TEST_CASE("TN given splits into species with nitrogen conserved", "[water_quality][given][analytical]") {
    // NH3-N 8 mg/L in the source's water (a load of 0.25 x 8 g/s), TN 21 mg/L given
    CaseModel m = one_reach(items({{GivenItem::TN, 21.0}}));
    m.sources[0].load_gs[ci("nh3n")] = kQs * 8.0;
    WaterQualityOptions o = streeter_phelps();
    o.steady.params.orgn_hydrolysis_k20_per_d = 0.2;  // N moves between species, none leaves the water
    o.steady.params.nitrification_k20_per_d = 0.4;
    const auto e = evaluate_water_quality(m, o);
    const wq::State& in = e.inputs[0].load_gs;
    // the species of the input: TN - NH3-N = 13 mg/L split organic N : NO3-N as the treated composition (0.4 : 1.6)
    CHECK(wq::total_n(in) == Approx(kQs * 21.0).epsilon(1e-12));
    CHECK(in[wq::NH3N] == Approx(kQs * 8.0).epsilon(1e-12));
    CHECK(in[wq::OrgN] == Approx(kQs * 13.0 * 0.4 / 2.0).epsilon(1e-12));
    // N leaving the reach = N entering it (no settling, no denitrification): 1e-12 relative
    const double n_in = kQs * 21.0;  // the headwater carries no N
    CHECK(wq::total_n(e.steady.load_out_gs[0]) == Approx(n_in).epsilon(1e-12));
    CHECK(wq::total_n(e.sections[2].conc_mgL) * (kQh + kQs) == Approx(n_in).epsilon(1e-12));
    // with NO3-N given too, organic N is the rest exactly
    m.sources[0].given[GivenItem::NO3N] = 9.0;
    const wq::State in2 = evaluate_water_quality(m, o).inputs[0].load_gs;
    CHECK(in2[wq::NO3N] == Approx(kQs * 9.0).epsilon(1e-12));
    CHECK(in2[wq::OrgN] == Approx(kQs * (21.0 - 8.0 - 9.0)).epsilon(1e-12));
    CHECK(wq::total_n(in2) == Approx(kQs * 21.0).epsilon(1e-12));
}

TEST_CASE("items given at the composition's own values give the numbers of a source giving none", "[water_quality][given]") {
    const wq::Composition& c = wq::composition_for_type("sewage_plant");
    // NH3-N 5, TP 0.5 mg/L; the composition's BOD5, CODMn, organic N, NO3-N, organic P and DO given explicitly
    CaseModel plain = one_reach({});
    plain.sources[0].load_gs[ci("nh3n")] = kQs * 5.0;
    plain.sources[0].load_gs[ci("tp")] = kQs * 0.5;
    CaseModel given = plain;
    given.sources[0].given = items({{GivenItem::BOD5, c.bod5_per_cod * kCod}, {GivenItem::CODMn, c.codmn_per_cod * kCod},
                                    {GivenItem::TN, 5.0 * (1.0 + c.orgn_per_nh3n + c.no3n_per_nh3n)},
                                    {GivenItem::OrgP, c.orgp_share_of_tp * 0.5}, {GivenItem::DO, c.do_mgL}});
    WaterQualityOptions o;  // the default kinetics, every process on
    o.default_depth_m = 2.0;
    const auto a = evaluate_water_quality(plain, o), b = evaluate_water_quality(given, o);
    for (std::size_t i = 0; i < a.sections.size(); ++i)
        for (int k = 0; k < wq::kNumSpecies; ++k)  // the same inputs up to the rounding of the products: 1e-12
            CHECK(b.sections[i].conc_mgL[k] == Approx(a.sections[i].conc_mgL[k]).epsilon(1e-12).margin(1e-15));
}
