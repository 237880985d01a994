// The case's own rates of the water-quality kinetics ([kinetics] in case.toml) and its compositions of source water
// ([water_quality] composition), read from files and used: a one-reach case against the Streeter-Phelps closed form
// with CBOD settling and sediment oxygen demand, and bad values reported all at once with file, line and key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "reaches/oxygen.hpp"
#include "scenarios/parameters.hpp"
#include "analyses/water_quality.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using namespace qingliu::test;
namespace wq = qingliu::reaches::wq;

namespace {

// One 30 km reach at 0.25 m/s and 2 m depth (7000 m3/s would not matter: no source, no lateral inflow), river water of
// COD 20 mg/L whose BOD5 and CODMn come from the case's river composition; a section at the reach's end.
fs::path one_reach_case(const std::string& tag, const std::string& kinetics, const std::string& water_quality,
                        const std::string& reach_extra_header = "", const std::string& reach_extra_value = "") {
    const fs::path dir = temp_dir(tag);
    write_file(dir / "reaches.csv", "reach_id,river,downstream_id,length_km,velocity_ms,headwater_flow_m3s,lateral_inflow_m3s,"
                                    "headwater_cod_mgL,headwater_nh3n_mgL,headwater_tp_mgL" + reach_extra_header + "\n"
                                    "R1,R,,30,0.25,5,0,20,0,0" + reach_extra_value + "\n");
    write_file(dir / "sections.csv", "section_id,name,river,reach_id,position_km,level,target_class,water_body\n"
                                     "X1,End,R,R1,30,municipal,III,river\n");
    write_file(dir / "case.toml", "[tables]\nreaches = \"reaches.csv\"\nsections = \"sections.csv\"\n"
                                  "[conditions]\ntemperature_c = 15.0\n"
                                  "[kinetics]\n" + kinetics +
                                  "[water_quality]\n" + water_quality);
    return dir;
}

// Rates chosen away from the library defaults, so that reading them is what makes the numbers agree; nitrification,
// hydrolysis and denitrification off (no NH3-N or organic N in the water anyway); the oxygen attenuation of CBOD
// oxidation 1 - exp(-10 DO) differs from 1 by < 1e-20 at DO > 5 mg/L.
const char* kRates = "cbod = { k20_per_d = 0.6, theta = 1.05, settling_m_d = 0.3, o2_k = 10.0 }\n"
                     "bod = { bottle_k_per_d = 0.3 }\n"
                     "codmn = { k20_per_d = 0.35, theta = 1.03 }\n"
                     "cod = { k20_per_d = 0.25, theta = 1.04 }\n"
                     "nitrification = { k20_per_d = 0.0 }\n"
                     "denitrification = { k20_per_d = 0.0 }\n"
                     "orgn = { hydrolysis_k20_per_d = 0.0 }\n"
                     "reaeration = { theta = 1.03 }\n"
                     "sod = { g_m2_d = 1.5, theta = 1.08 }\n";
const char* kSettings = "reaeration = \"oconnor-dobbins\"\n"
                        "default_depth_m = 2.0\n"
                        "river_do_share_of_saturation = 0.85\n"
                        "composition.river = { bod5_per_cod = 0.25, codmn_per_cod = 0.3 }\n";

struct Expected {
    double do_mgL, bod5_mgL, codmn_mgL, cod_mgL;
};

// Streeter-Phelps with CBOD settling and SOD (Chapra 1997, Surface Water-Quality Modeling, lectures 19-21), written
// out here from the rates of kRates at 15 degC: over travel time t = x / u,
//   L(t) = L0 e^(-kr t),  kr = kd + vs/H
//   D(t) = D0 e^(-ka t) + kd L0 / (ka - kr) (e^(-kr t) - e^(-ka t)) + (SOD/H) / ka (1 - e^(-ka t))
// and BOD5, CODMn, COD first-order; ka by O'Connor-Dobbins 3.93 U^0.5 / H^1.5 (SI units).
// ka20 > 0: the reach's own ka at 20 degC instead of the formula. A channel other than the 2 m deep one at 0.25 m/s
// gives its depth H for ka, its velocity and the depth Hb = volume / bottom area that settling and SOD act over.
struct Channel {
    double H = 2.0, U = 0.25, Hb = 2.0;
};
Expected streeter_phelps(double sod_g_m2_d, double ka20 = 0.0, Channel ch = {}) {
    const double T = 15.0, H = ch.H, U = ch.U, t = 30000.0 / U / 86400.0;
    const double kd = 0.6 * std::pow(1.05, T - 20.0);
    const double kr = kd + 0.3 / ch.Hb;
    const double ka = (ka20 > 0.0 ? ka20 : 3.93 * std::sqrt(U) / std::pow(H, 1.5)) * std::pow(1.03, T - 20.0);
    const double S = sod_g_m2_d * std::pow(1.08, T - 20.0) / ch.Hb;  // g/m2/d over m = mg/L/d
    const double os = reaches::do_saturation_mgL(T, 0.0);
    const double D0 = os * (1.0 - 0.85);
    const double bod5_0 = 0.25 * 20.0;
    const double L0 = bod5_0 / (1.0 - std::exp(-5.0 * 0.3));  // ultimate CBOD from BOD5 with the bottle rate 0.3 1/d
    const double D = D0 * std::exp(-ka * t) + kd * L0 / (ka - kr) * (std::exp(-kr * t) - std::exp(-ka * t)) +
                     S / ka * (1.0 - std::exp(-ka * t));
    return {os - D, bod5_0 * std::exp(-kr * t), 0.3 * 20.0 * std::exp(-0.35 * std::pow(1.03, T - 20.0) * t),
            20.0 * std::exp(-0.25 * std::pow(1.04, T - 20.0) * t)};
}

// A one-section case around the reaches table `reaches_csv` (R1, 30 km, its section at the end), kRates and kSettings.
void write_reach_case(const fs::path& dir, const std::string& reaches_csv) {
    write_file(dir / "reaches.csv", reaches_csv);
    write_file(dir / "sections.csv", "section_id,name,river,reach_id,position_km,level,target_class,water_body\n"
                                     "X1,End,R,R1,30,municipal,III,river\n");
    write_file(dir / "case.toml", std::string("[tables]\nreaches = \"reaches.csv\"\nsections = \"sections.csv\"\n"
                                              "[conditions]\ntemperature_c = 15.0\n[kinetics]\n") +
                                      kRates + "[water_quality]\n" + kSettings);
}

}  // namespace

TEST_CASE("water-quality: the case's [kinetics] rates give the Streeter-Phelps closed form", "[water-quality]") {
    const fs::path dir = one_reach_case("wq-rates", kRates, kSettings);
    const io::LoadedCase lc = io::load_case(dir.string());
    const wq::Parameters& p = lc.water_quality.options.steady.params;
    CHECK(p.cbod_k20_per_d == 0.6);
    CHECK(p.bod_bottle_k_per_d == 0.3);
    CHECK(p.sod_g_m2_d == 1.5);
    CHECK(lc.model.kinetics.k20_per_d[idx(*constituent_from_key("cod"))] == 0.25);  // one COD rate for both models
    CHECK(p.cod_k20_per_d == 0.25);
    const auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    const Expected x = streeter_phelps(1.5);
    const wq::State& c = e.sections.at(0).conc_mgL;
    const double k1 = p.bod_bottle_k_per_d;
    // the steady solver integrates exactly (matrix exponential, extrapolated where DO attenuates): 1e-9 relative
    CHECK(c[wq::DO] == Approx(x.do_mgL).epsilon(1e-9));
    CHECK(wq::bod5_from_cbodu(c[wq::CBOD], k1) == Approx(x.bod5_mgL).epsilon(1e-9));
    CHECK(c[wq::CODMn] == Approx(x.codmn_mgL).epsilon(1e-9));
    CHECK(c[wq::COD] == Approx(x.cod_mgL).epsilon(1e-9));
    // the sag is real: the deficit grew from its 15 % start (a test of plumbing that could pass with kd = 0 would not)
    CHECK(x.do_mgL < 0.8 * reaches::do_saturation_mgL(15.0));

    // a changed rate changes the answer the same way: CBOD oxidation 0.3 1/d instead of 0.6
    std::string slower = kRates;
    slower.replace(slower.find("k20_per_d = 0.6"), 15, "k20_per_d = 0.3");
    const io::LoadedCase lc2 = io::load_case(one_reach_case("wq-rates-slow", slower, kSettings).string());
    const auto e2 = scenarios::evaluate_water_quality(lc2.model, lc2.water_quality.options);
    CHECK(e2.sections.at(0).conc_mgL[wq::DO] > c[wq::DO] + 0.1);
    fs::remove_all(dir);

    // o2_effect = "none": CBOD oxidation exactly first order, the closed form holds without the o2_k device
    std::string plain = kRates;
    plain.replace(plain.find("o2_k = 10.0"), 11, "o2_effect = \"none\"");
    const io::LoadedCase lc3 = io::load_case(one_reach_case("wq-rates-none", plain, kSettings).string());
    CHECK(lc3.water_quality.options.steady.params.cbod_o2_effect == wq::O2Effect::None);
    const auto e3 = scenarios::evaluate_water_quality(lc3.model, lc3.water_quality.options);
    CHECK(e3.sections.at(0).conc_mgL[wq::DO] == Approx(x.do_mgL).epsilon(1e-9));
}

TEST_CASE("water-quality: the reach table's sod_g_m2_d is the reach's SOD, [water_quality] reach_sod_g_m2_d wins",
          "[water-quality]") {
    // every-reach SOD 1.5 in [kinetics]; the reach table gives 4.0 for R1: the closed form with 4.0
    fs::path dir = one_reach_case("wq-sod-col", kRates, kSettings, ",sod_g_m2_d", ",4.0");
    io::LoadedCase lc = io::load_case(dir.string());
    auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    CHECK(e.sections.at(0).conc_mgL[wq::DO] == Approx(streeter_phelps(4.0).do_mgL).epsilon(1e-9));
    fs::remove_all(dir);
    // and the inline table of [water_quality] overrides the column
    dir = one_reach_case("wq-sod-tab", kRates, std::string(kSettings) + "reach_sod_g_m2_d = { R1 = 0.5 }\n", ",sod_g_m2_d", ",4.0");
    lc = io::load_case(dir.string());
    e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    CHECK(e.sections.at(0).conc_mgL[wq::DO] == Approx(streeter_phelps(0.5).do_mgL).epsilon(1e-9));
    fs::remove_all(dir);
}

TEST_CASE("water-quality: a reach's own ka (the reaches table's ka20_per_d, [water_quality] reach_ka20_per_d) "
          "replaces the formula", "[water-quality]") {
    // O'Connor-Dobbins gives 3.93 x 0.25^0.5 / 2^1.5 = 0.695 1/d at 20 degC; the reach's own 2.5 (column) and 4.0
    // (inline table, which wins) give the closed form with those, corrected with kinetics.reaeration.theta
    for (const bool table : {false, true}) {
        const fs::path dir = one_reach_case(table ? "wq-ka-tab" : "wq-ka-col", kRates,
                                            std::string(kSettings) + (table ? "reach_ka20_per_d = { R1 = 4.0 }\n" : ""),
                                            ",ka20_per_d", ",2.5");
        const io::LoadedCase lc = io::load_case(dir.string());
        const auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
        const double ka = table ? 4.0 : 2.5;
        CHECK(e.steady.ka20_per_d.at(0) == ka);
        CHECK(e.sections.at(0).conc_mgL[wq::DO] == Approx(streeter_phelps(1.5, ka).do_mgL).epsilon(1e-9));
        CHECK(std::abs(e.sections.at(0).conc_mgL[wq::DO] - streeter_phelps(1.5).do_mgL) > 0.1);  // not the formula's
        fs::remove_all(dir);
    }
    // out of range in the column; an unknown reach in the table: each named with file, record and field (a bad reaches
    // table stops the network, so the table's reach ids are checked once the reaches read)
    for (const bool table : {false, true}) {
        const fs::path bad = one_reach_case(table ? "wq-ka-id" : "wq-ka-range", kRates,
                                            std::string(kSettings) + (table ? "reach_ka20_per_d = { R9 = 4.0 }\n" : ""),
                                            ",ka20_per_d", table ? ",2.5" : ",250");
        const InputError e = test::rejection(bad);
        REQUIRE(e.problems().size() == 1);
        const auto& pr = e.problems()[0];
        CHECK(pr.field == (table ? "water_quality.reach_ka20_per_d.R9" : "ka20_per_d"));
        CHECK(pr.file == (bad / (table ? "case.toml" : "reaches.csv")).string());
        CHECK(pr.message.find(table ? "unknown reach id" : "100") != std::string::npos);
        fs::remove_all(bad);
    }
}

TEST_CASE("water-quality: a trapezoidal Manning channel (底宽, 边坡系数) gives ka from its flow depth and SOD and "
          "settling over its bottom", "[water-quality]") {
    // R1 as a trapezoid of bottom width 8 m, side slopes 1 and 2, slope 0.0002, n 0.03 at 5 m3/s, by its Chinese
    // headers. Its flow depth by QUAL2K's own iteration (DepthManning), run here to convergence:
    //   H = (Q n)^0.6 (B0 + H (1 + s1^2)^0.5 + H (1 + s2^2)^0.5)^0.4 / ((B0 + (s1 + s2) H / 2) S^0.3)
    // then U = Q / A, ka by O'Connor-Dobbins from H and U, and CBOD settling and SOD over Hb = A / B0 (QUAL2K's
    // bottom area B0 dx): the closed form with them, 1e-9 as above.
    const double Q = 5.0, n = 0.03, S = 0.0002, B0 = 8.0, s1 = 1.0, s2 = 2.0;
    double H = 1.0;
    for (int i = 0; i < 200; ++i)
        H = std::pow(Q * n, 0.6) * std::pow(B0 + H * std::sqrt(1.0 + s1 * s1) + H * std::sqrt(1.0 + s2 * s2), 0.4) /
            ((B0 + 0.5 * (s1 + s2) * H) * std::pow(S, 0.3));
    const double A = (B0 + 0.5 * (s1 + s2) * H) * H;
    const Channel ch{H, Q / A, A / B0};
    const fs::path dir = temp_dir("wq-trapezoid");
    write_reach_case(dir, "reach_id,river,downstream_id,length_km,糙率,比降,底宽,边坡系数1,边坡系数2,headwater_flow_m3s,"
                          "lateral_inflow_m3s,headwater_cod_mgL,headwater_nh3n_mgL,headwater_tp_mgL\n"
                          "R1,R,,30,0.03,0.0002,8,1,2,5,0,20,0,0\n");
    const io::LoadedCase lc = io::load_case(dir.string());
    const hydro::Hydraulics& h = lc.model.net.hydraulics.at(0);
    REQUIRE(h.kind == hydro::Hydraulics::Kind::Trapezoid);
    CHECK(h.depth(Q) == Approx(H).epsilon(1e-12));
    const auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    const Expected x = streeter_phelps(1.5, 0.0, ch);
    const wq::State& c = e.sections.at(0).conc_mgL;
    CHECK(c[wq::DO] == Approx(x.do_mgL).epsilon(1e-9));
    CHECK(wq::bod5_from_cbodu(c[wq::CBOD], 0.3) == Approx(x.bod5_mgL).epsilon(1e-9));
    CHECK(e.steady.ka20_per_d.at(0) == Approx(3.93 * std::sqrt(ch.U) / std::pow(H, 1.5)).epsilon(1e-12));
    // and not the wide channel's: 8 m wide, H = (n Q / (B S^0.5))^0.6, everything per H
    const double Hw = std::pow(n * Q / (B0 * std::sqrt(S)), 0.6);
    CHECK(std::abs(c[wq::DO] - streeter_phelps(1.5, 0.0, {Hw, Q / (B0 * Hw), Hw}).do_mgL) > 0.02);  // 0.029 mg/L
    fs::remove_all(dir);

    // a negative side slope is named with file, record and field
    const fs::path bad = temp_dir("wq-trapezoid-bad");
    write_reach_case(bad, "reach_id,river,downstream_id,length_km,manning_n,slope,bottom_width_m,side_slope_1,"
                          "side_slope_2,headwater_flow_m3s,headwater_cod_mgL\nR1,R,,30,0.03,0.0002,8,-1,2,5,20\n");
    const InputError err = test::rejection(bad);
    REQUIRE(err.problems().size() == 1);
    CHECK(err.problems()[0].field == "side_slope_1");
    CHECK(err.problems()[0].file == (bad / "reaches.csv").string());
    // side slopes beside a wide channel's width_m are not dropped silently
    write_file(bad / "reaches.csv", "reach_id,river,downstream_id,length_km,manning_n,slope,width_m,side_slope_2,"
                                    "headwater_flow_m3s,headwater_cod_mgL\nR1,R,,30,0.03,0.0002,8,1.5,5,20\n");
    const InputError err2 = test::rejection(bad);
    REQUIRE(err2.problems().size() == 1);
    CHECK(err2.problems()[0].field == "side_slope_2");
    CHECK(err2.problems()[0].message.find("bottom_width_m") != std::string::npos);
    fs::remove_all(bad);
}

TEST_CASE("water-quality: elevation lowers the saturation the inflow DO is a share of", "[water-quality]") {
    // no kinetics that use oxygen, no reaeration deficit change: DO = share x os(T, elevation), with the pressure
    // factor 1 - 0.0001148 elev of QUAL2K restated: os(15 degC, 2000 m) = os(15, 0) (1 - 0.2296)
    const std::string still = "cbod = { k20_per_d = 0.0 }\nsod = { g_m2_d = 0.0 }\n";
    const fs::path dir = one_reach_case("wq-elev", still, std::string(kSettings) + "elevation_m = 2000\n");
    const io::LoadedCase lc = io::load_case(dir.string());
    const auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    const double os = reaches::do_saturation_mgL(15.0, 0.0) * (1.0 - 0.0001148 * 2000.0);
    // inflow at 85 % relaxes towards os at the reaeration rate: os - 0.15 os e^(-ka t); 1e-9 relative
    const double ka = 3.93 * std::sqrt(0.25) / std::pow(2.0, 1.5) * std::pow(1.024, 15.0 - 20.0);
    const double t = 30000.0 / 0.25 / 86400.0;
    CHECK(e.sections.at(0).conc_mgL[wq::DO] == Approx(os - 0.15 * os * std::exp(-ka * t)).epsilon(1e-9));
    fs::remove_all(dir);
}

TEST_CASE("water-quality: a source type's composition from the case", "[water-quality]") {
    // a sewage plant of 0.5 m3/s at COD 60 with BOD5/COD 1/3 and DO 4 (the case's), CODMn from the treated kind's
    // default; the plant sits at the reach start, so its mixed BOD5 is (5 x 5 + 0.5 x 20) / 5.5 at x = 0
    const fs::path dir = one_reach_case("wq-comp", kRates,
                                        std::string(kSettings) +
                                            "composition.sewage_plant = { bod5_per_cod = 0.3333333333333333, do_mgL = 4.0 }\n");
    write_file(dir / "sources.csv", "source_id,name,type,reach_id,position_km,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL\n"
                                    "P1,Plant,sewage_plant,R1,0,0.5,60,5,0.5\n");
    std::string toml = read_file(dir / "case.toml");
    toml.replace(toml.find("[conditions]"), 0, "sources = \"sources.csv\"\n");
    write_file(dir / "case.toml", toml);
    const io::LoadedCase lc = io::load_case(dir.string());
    const auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    REQUIRE(e.inputs.size() == 1);
    const double k1 = 0.3;
    // input loads in g/s = mg/L x m3/s; 1e-13 relative (one product and the BOD5 <-> CBODu conversion)
    CHECK(wq::bod5_from_cbodu(e.inputs[0].load_gs[wq::CBOD], k1) == Approx(0.5 * 20.0).epsilon(1e-13));
    CHECK(e.inputs[0].load_gs[wq::DO] == Approx(0.5 * 4.0).epsilon(1e-13));
    CHECK(e.inputs[0].load_gs[wq::CODMn] == Approx(0.5 * 60.0 * wq::composition_for_type("sewage_plant").codmn_per_cod).epsilon(1e-13));
    fs::remove_all(dir);
}

TEST_CASE("water-quality: bad rates and compositions are reported together with file, line and key", "[water-quality]") {
    const std::string rates = "cbod = { k20_per_d = -0.5, theta = 2.0, speed = 3, o2_effect = \"linear\" }\n"
                              "nitrification = { k20_per_d = \"fast\" }\n";
    const fs::path dir = one_reach_case("wq-bad-rates", rates,
                                        std::string(kSettings) +
                                            "composition.pigs = { bod5_per_cod = 0.3 }\n"
                                            "composition.outfall = { bod5_per_cod = 1.5, colour = 2 }\n");
    {
        const InputError e = test::rejection(dir);
        std::map<std::string, std::string> got;  // field -> message
        for (const auto& pr : e.problems()) {
            CHECK(pr.file == (dir / "case.toml").string());
            CHECK(pr.record.rfind("line ", 0) == 0);
            got[pr.field] = pr.message;
        }
        CHECK(got.count("kinetics.cbod.k20_per_d"));
        CHECK(got.count("kinetics.cbod.theta"));
        CHECK(got["kinetics.cbod.speed"] == "unknown parameter");
        CHECK(got.count("kinetics.nitrification.k20_per_d"));
        CHECK(got["kinetics.cbod.o2_effect"].find("half-saturation") != std::string::npos);
        CHECK(got["water_quality.composition.outfall.bod5_per_cod"].find("[0, 1]") != std::string::npos);
        CHECK(got["water_quality.composition.outfall.colour"].find("unknown key") != std::string::npos);
        // the [kinetics] and [water_quality] problems together; "pigs" may be the id of a source of the inventory,
        // which is resolved only once the other problems are gone, so it is judged then (below)
        CHECK(e.problems().size() == 7);
    }
    fs::remove_all(dir);
    // alone, the unknown entry is named
    const fs::path dir2 = one_reach_case("wq-bad-entry", kRates, std::string(kSettings) + "composition.pigs = { bod5_per_cod = 0.3 }\n");
    {
        const InputError e = test::rejection(dir2);
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].field == "water_quality.composition.pigs");
        CHECK(e.problems()[0].message.find("unknown source type") != std::string::npos);
    }
    fs::remove_all(dir2);
}

TEST_CASE("water-quality: every rate of the kinetics is a [kinetics] row of the parameter table", "[water-quality]") {
    // qingliu params prints case_parameters(): each kinetics row appears there with its unit, range and default, so
    // a case without [kinetics] entries runs the kinetics at exactly the library's defaults (COD shared with the
    // first-order model: its row must carry the same default, or sharing would change the kinetics' default)
    for (const auto& d : wq::parameter_table()) {
        const std::string key = scenarios::water_quality_kinetics_key(d.key);
        INFO(key);
        const scenarios::ParamDef* row = scenarios::find_parameter(key);
        REQUIRE(row);
        CHECK(row->unit == d.unit);
        CHECK(row->default_value == d.default_value);
        CHECK(row->min == d.min);
        CHECK(row->max == d.max);
        CHECK(!row->source.empty());
    }
}

TEST_CASE("water-quality: dispersion between elements from the case (dispersion, 纵向离散系数, reach_dispersion_m2s)",
          "[water-quality]") {
    // model = "elements" with QUAL2K's dispersion; the reaches table's 纵向离散系数 gives R1 its own, which the
    // inline table overrides; the numbers are the solver's (tests/reaches/test_wq_dispersion.cpp, test_qual2kw.cpp)
    const std::string elements = std::string(kSettings) + "model = \"elements\"\nelements_per_reach = 6\n";
    fs::path dir = one_reach_case("wq-disp", kRates, elements + "dispersion = \"qual2k\"\n", ",纵向离散系数", ",900");
    io::LoadedCase lc = io::load_case(dir.string());
    const auto& o = lc.water_quality.options.steady;
    CHECK(o.dispersion == wq::Dispersion::Qual2k);
    CHECK(lc.water_quality.options.reaches.dispersion_m2s.at(0) == 900.0);
    const auto with = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    dir = one_reach_case("wq-disp-tab", kRates, elements + "reach_dispersion_m2s = { R1 = 5000 }\n", ",dispersion_m2s", ",900");
    lc = io::load_case(dir.string());
    CHECK(lc.water_quality.options.reaches.dispersion_m2s.at(0) == 5000.0);
    CHECK(lc.water_quality.options.steady.dispersion == wq::Dispersion::None);
    const auto more = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    dir = one_reach_case("wq-disp-none", kRates, elements);
    lc = io::load_case(dir.string());
    const auto none = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    // more exchange, a flatter sag: the end of the reach is less depleted than without any (u dx / 2 = 625 m2/s here,
    // so 900 m2/s exchanges a little and 5000 m2/s much more)
    const double d0 = none.sections.at(0).conc_mgL[wq::DO], d1 = with.sections.at(0).conc_mgL[wq::DO],
                 d2 = more.sections.at(0).conc_mgL[wq::DO];
    CHECK(d1 != d0);
    CHECK(std::abs(d2 - d0) > std::abs(d1 - d0));
    // the exchange with the headwater (R1 a headwater reach): the 源头离散系数 column, which the inline table
    // overrides; at 0 none, which moves the reach's first elements (0.5 km element centres) towards no exchange there
    dir = one_reach_case("wq-disp-hw", kRates, elements + "reach_dispersion_m2s = { R1 = 5000 }\n", ",源头离散系数", ",0");
    lc = io::load_case(dir.string());
    CHECK(lc.water_quality.options.reaches.headwater_dispersion_m2s.at(0) == 0.0);
    const auto no_top = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    dir = one_reach_case("wq-disp-hw-tab", kRates,
                         elements + "reach_dispersion_m2s = { R1 = 5000 }\nreach_headwater_dispersion_m2s = { R1 = 5000 }\n",
                         ",headwater_dispersion_m2s", ",0");
    lc = io::load_case(dir.string());
    CHECK(lc.water_quality.options.reaches.headwater_dispersion_m2s.at(0) == 5000.0);
    const auto same_top = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    // the headwater's dispersion given as the reach's own: the default's numbers; without the exchange, others
    CHECK(same_top.sections.at(0).conc_mgL[wq::DO] == Approx(d2).epsilon(1e-13));
    CHECK(std::abs(no_top.sections.at(0).conc_mgL[wq::DO] - d2) > 1e-6);
    // dispersion with plug flow is a problem named with its key
    const fs::path bad = one_reach_case("wq-disp-plug", kRates, std::string(kSettings) + "dispersion = \"qual2k\"\n");
    const InputError e = test::rejection(bad);
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].field == "water_quality.dispersion");
    CHECK(e.problems()[0].message.find("elements") != std::string::npos);
    fs::remove_all(bad);
}

TEST_CASE("water-quality: QUAL2K's downstream boundary from the reaches table (下游边界, downstream_<item>_mgL)",
          "[water-quality]") {
    // R1 disperses (6 elements, 5000 m2/s) and is the outlet; the water below it gives COD 60 mg/L and DO 3 mg/L
    // (下游边界溶解氧; the other items as a headwater's: the river composition). Its last element, where the end
    // section lies, exchanges water with it: more COD and less DO there than without the boundary, and the reach's
    // budget closes with the exchange as its input. The numbers are the solver's (tests/reaches/test_qual2kw.cpp
    // against QUAL2Kw, test_dynamic_wq_dispersion.cpp). A reach that flows on cannot give one.
    const std::string elements = std::string(kSettings) + "model = \"elements\"\nelements_per_reach = 6\n" +
                                 "reach_dispersion_m2s = { R1 = 5000 }\n";
    fs::path dir = one_reach_case("wq-down", kRates, elements, ",downstream_cod_mgL,下游边界溶解氧", ",60,3");
    io::LoadedCase lc = io::load_case(dir.string());
    REQUIRE(lc.model.downstream_boundary.size() == 1);
    CHECK(lc.model.downstream_boundary[0].given);
    CHECK(lc.model.downstream_boundary[0].conc_mgL[idx(*constituent_from_key("cod"))] == 60.0);
    const auto with = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    const auto boundary_warnings = [](const io::LoadedCase& x) {
        return std::count_if(x.warnings.begin(), x.warnings.end(),
                             [](const std::string& w) { return w.find("downstream boundary") != std::string::npos; });
    };
    CHECK(boundary_warnings(lc) == 0);
    // where the outlet does not disperse the boundary has no effect: a warning says so
    dir = one_reach_case("wq-down-plug", kRates, kSettings, ",downstream_cod_mgL", ",60");
    lc = io::load_case(dir.string());
    CHECK(boundary_warnings(lc) == 1);
    fs::remove_all(dir);
    dir = one_reach_case("wq-down-none", kRates, elements);
    lc = io::load_case(dir.string());
    CHECK(lc.model.downstream_boundary.empty());
    const auto without = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    fs::remove_all(dir);
    const double cod_with = with.sections.at(0).conc_mgL[wq::COD], cod_without = without.sections.at(0).conc_mgL[wq::COD];
    INFO("COD " << cod_with << " against " << cod_without << ", DO " << with.sections.at(0).conc_mgL[wq::DO] << " against "
                << without.sections.at(0).conc_mgL[wq::DO]);
    CHECK(cod_with - cod_without > 1.0);
    CHECK(without.sections.at(0).conc_mgL[wq::DO] - with.sections.at(0).conc_mgL[wq::DO] > 0.1);
    CHECK(with.steady.max_reach_imbalance < 1e-10);
    // on a reach that flows on: a problem naming its downstream_id
    dir = temp_dir("wq-down-bad");
    write_reach_case(dir, "reach_id,river,downstream_id,length_km,velocity_ms,headwater_flow_m3s,headwater_cod_mgL,"
                          "downstream_do_mgL\nR1,R,R2,30,0.25,5,20,3\nR2,R,,10,0.25,0,20,\n");
    const InputError e = test::rejection(dir);
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].field == "downstream_id");
    CHECK(e.problems()[0].message.find("outlet") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("water-quality: a reach's slope beside a constant velocity reaches Tsivoglou-Neal", "[water-quality]") {
    // the reaches table's slope (比降) is read beside any hydraulics, not only Manning's: Tsivoglou-Neal at 5 m3/s
    // (above 15 cfs: 0.054 /ft) gives ka20 = 86400 x 0.054 x S x U x 3.281 with U = 0.25 m/s and S = 0.0004
    std::string settings = kSettings;
    settings.replace(settings.find("oconnor-dobbins"), 15, "tsivoglou-neal");
    const fs::path dir = one_reach_case("wq-slope", kRates, settings, ",比降", ",0.0004");
    const io::LoadedCase lc = io::load_case(dir.string());
    const auto e = scenarios::evaluate_water_quality(lc.model, lc.water_quality.options);
    CHECK(e.steady.ka20_per_d.at(0) == Approx(86400.0 * 0.054 * 0.0004 * 0.25 * 3.281).epsilon(1e-12));
    fs::remove_all(dir);
}

TEST_CASE("water-quality: QUAL2K's width rating curve (河宽系数, 河宽指数) gives the depth H = Q / (u B)", "[water-quality]") {
    // u = 0.3 Q^0.4 and B = 12 Q^0.35 at 5 m3/s: H = 5 / (0.3 5^0.4 x 12 5^0.35); both curves at once is a problem
    const fs::path dir = temp_dir("wq-width");
    write_reach_case(dir, "reach_id,river,downstream_id,length_km,hg_a,hg_b,河宽系数,河宽指数,headwater_flow_m3s,"
                          "headwater_cod_mgL\nR1,R,,30,0.3,0.4,12,0.35,5,20\n");
    const io::LoadedCase lc = io::load_case(dir.string());
    const hydro::Hydraulics& h = lc.model.net.hydraulics.at(0);
    CHECK(h.depth(5.0) == Approx(5.0 / (0.3 * std::pow(5.0, 0.4) * 12.0 * std::pow(5.0, 0.35))).epsilon(1e-14));
    CHECK(h.velocity(5.0) == Approx(0.3 * std::pow(5.0, 0.4)).epsilon(1e-15));
    write_file(dir / "reaches.csv", "reach_id,river,downstream_id,length_km,hg_a,hg_b,hg_c,hg_width_c,hg_width_d,"
                                    "headwater_flow_m3s,headwater_cod_mgL\nR1,R,,30,0.3,0.4,0.5,12,0.35,5,20\n");
    const InputError e = test::rejection(dir);
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].field == "hg_width_c");
    fs::remove_all(dir);
}
