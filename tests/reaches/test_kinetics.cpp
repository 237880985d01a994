// Water-quality kinetics: DO saturation and reaeration against published values, the exact linear solve against
// closed forms (Streeter-Phelps with settling and SOD, nitrification), and against an independent Boost.Odeint
// integration with process accumulators (N and P mass balances, oxygen inhibition). Tolerances are stated per check.
#include <catch2/catch.hpp>

#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "reaches/kinetics.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/oxygen.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

// Every rate zero, no oxygen effects: tests switch on what they need.
Parameters nothing() {
    Parameters p{};
    p.cbod_theta = p.codmn_theta = p.cod_theta = p.orgn_hydrolysis_theta = p.nitrification_theta =
        p.denitrification_theta = p.orgp_hydrolysis_theta = p.ka_theta = p.sod_theta = 1.0;
    p.bod_bottle_k_per_d = 0.23;
    p.o2_per_n_nitrified = 4.57;
    p.cbod_per_n_denitrified = 2.86;
    p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::None;
    return p;
}

// Independent integration of the full nonlinear kinetics with Boost.Odeint (dopri5, tolerances 1e-14 / 1e-13),
// state extended by the integral of every process rate.
struct Reference {
    State y{};
    PerProcess processed{};
};
Reference integrate(const Parameters& p, const Environment& env, const State& y0, double t_d) {
    using V = std::vector<double>;
    V w(kNumSpecies + kNumProcesses, 0.0);
    for (int i = 0; i < kNumSpecies; ++i) w[i] = y0[i];
    auto rhs = [&](const V& x, V& dxdt, double) {
        State y;
        for (int i = 0; i < kNumSpecies; ++i) y[i] = x[i];
        const State d = derivative(p, env, y);
        const PerProcess r = process_rates(p, env, y);
        for (int i = 0; i < kNumSpecies; ++i) dxdt[i] = d[i];
        for (int q = 0; q < kNumProcesses; ++q) dxdt[kNumSpecies + q] = r[q];
    };
    namespace ode = boost::numeric::odeint;
    ode::integrate_adaptive(ode::make_controlled<ode::runge_kutta_dopri5<V>>(1e-14, 1e-13), rhs, w, 0.0, t_d, 1e-3);
    Reference r;
    for (int i = 0; i < kNumSpecies; ++i) r.y[i] = w[i];
    for (int q = 0; q < kNumProcesses; ++q) r.processed[q] = w[kNumSpecies + q];
    return r;
}

/// A random environment of the randomized tests, drawn in this order: temperature uniform on 5-30 degC (DO saturation
/// there), depth log-uniform on [0.1, depth_max] m, ka20 log-uniform on [ka_lo, ka_hi] 1/d, SOD uniform on
/// [0, sod_max] g/m2/d; u() draws uniform on [0, 1).
template <class U>
Environment random_environment(U&& u, double depth_max, double ka_lo, double ka_hi, double sod_max) {
    const auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u()); };
    Environment env;
    env.temperature_c = 5.0 + 25.0 * u();
    env.depth_m = log_uniform(0.1, depth_max);
    env.ka20_per_d = log_uniform(ka_lo, ka_hi);
    env.os_mgL = do_saturation_mgL(env.temperature_c);
    env.sod_g_m2_d = sod_max * u();
    return env;
}

/// Every species and every process total of a solve against a reference (Reference, or a solve of the same kind):
/// got / scale == want to `rel` relative or `abs` absolute; scale turns loads (g/s) into the reference's mg/L.
template <class Got, class Want>
void check_same(const Got& got, const Want& want, double rel, double abs, double scale = 1.0) {
    for (int i = 0; i < kNumSpecies; ++i) {
        INFO("species " << i);
        CHECK(got.y[i] / scale == Approx(want.y[i]).epsilon(rel).margin(abs));
    }
    for (int q = 0; q < kNumProcesses; ++q) {
        INFO("process " << kProcessKeys[q]);
        CHECK(got.processed[q] / scale == Approx(want.processed[q]).epsilon(rel).margin(abs));
    }
}

}  // namespace

TEST_CASE("DO saturation matches the values printed by QUAL2Kw's own oxsat function", "[kinetics][oxygen]") {
    std::ifstream in(std::string(QINGLIU_SOURCE_DIR) + "/tests/data/kinetics/oxsat_qual2kw.csv");
    REQUIRE(in);
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line[0] == 'T') continue;
        std::istringstream s(line);
        double t, elev, os;
        char c1, c2;
        s >> t >> c1 >> elev >> c2 >> os;
        // the file prints 6 decimals; the reference notes a transcription of the formula matches it to < 2e-6
        CHECK(do_saturation_mgL(t, elev) == Approx(os).margin(2e-6));
        ++rows;
    }
    CHECK(rows == 15);
}

TEST_CASE("DO saturation at sea level matches the APHA Standard Methods table (Benson & Krause)", "[kinetics][oxygen]") {
    // APHA, Standard Methods for the Examination of Water and Wastewater, 4500-O, Table 4500-O:I (chloride 0):
    // printed to 3 decimals, so each row holds to half a unit in the last place plus 1e-4 of formula rounding.
    struct Row { double t, os; };
    const Row rows[] = {{0.0, 14.621}, {10.0, 11.288}, {20.0, 9.092}, {25.0, 8.263}, {30.0, 7.559}};
    for (const auto& r : rows) CHECK(do_saturation_mgL(r.t) == Approx(r.os).margin(6e-4));
    // elevation: QUAL2K's linear pressure factor, 1676 m (Boulder, Colorado) at 20 degC: 9.092426 x (1 - 0.1924048)
    CHECK(do_saturation_mgL(20.0, 1676.0) / do_saturation_mgL(20.0) == Approx(1.0 - 0.0001148 * 1676.0).epsilon(1e-14));
}

TEST_CASE("reaeration formulas in SI units reproduce the published English-unit originals", "[kinetics][oxygen]") {
    constexpr double ft = 3.281;  // ft per m
    ChannelState ch;
    ch.velocity_ms = 0.4;
    ch.depth_m = 1.5;
    // O'Connor & Dobbins (1958): ka = 12.9 U^0.5 / H^1.5 (ft/s, ft, 1/d). Same exponents: the coefficient 3.93 is
    // 12.9 / 3.281 = 3.9317 rounded to three digits, so 1.3e-3 relative.
    CHECK(reaeration_ka20_per_d(ReaerationMethod::OConnorDobbins, ch) ==
          Approx(12.9 * std::sqrt(0.4 * ft) / std::pow(1.5 * ft, 1.5)).epsilon(1.3e-3));
    // Owens, Edwards & Gibbs (1964): ka = 21.6 U^0.67 / H^1.85 (ft/s, ft): 21.6 x 3.281^-1.18 = 5.3158 -> 5.32, 1e-3
    CHECK(reaeration_ka20_per_d(ReaerationMethod::OwensGibbs, ch) ==
          Approx(21.6 * std::pow(0.4 * ft, 0.67) / std::pow(1.5 * ft, 1.85)).epsilon(1e-3));
    // Churchill, Elmore & Buckingham (1962): ka = 11.6 U^0.969 / H^1.673 (ft/s, ft). QUAL2K rounds the exponents
    // to 1 and 1.67 and keeps the coefficient at U = 1 m/s, H = 1 m, where it must agree to 1e-3 (5.0256 -> 5.026)
    ch.velocity_ms = 1.0;
    ch.depth_m = 1.0;
    CHECK(reaeration_ka20_per_d(ReaerationMethod::Churchill, ch) ==
          Approx(11.6 * std::pow(ft, 0.969) / std::pow(ft, 1.673)).epsilon(1e-3));
}

TEST_CASE("Tsivoglou-Neal and Thackston-Dawson against their original forms", "[kinetics][oxygen]") {
    // Tsivoglou & Neal (1976): K2 (1/h) = c dH/t with the drop dH in ft over the travel time t in h;
    // c = 0.054 1/ft for 15-3000 cfs, 0.110 1/ft for 1-15 cfs. Here a 2 km reach at slope 5e-4 and 0.3 m/s.
    ChannelState ch;
    ch.velocity_ms = 0.3;
    ch.depth_m = 0.8;
    ch.slope = 5e-4;
    const double drop_ft = 2000.0 * 5e-4 * 3.281, t_h = 2000.0 / 0.3 / 3600.0;
    ch.flow_m3s = 5.0;   // 176 cfs
    CHECK(reaeration_ka20_per_d(ReaerationMethod::TsivoglouNeal, ch) == Approx(24.0 * 0.054 * drop_ft / t_h).epsilon(1e-12));
    ch.flow_m3s = 0.2;   // 7 cfs
    CHECK(reaeration_ka20_per_d(ReaerationMethod::TsivoglouNeal, ch) == Approx(24.0 * 0.110 * drop_ft / t_h).epsilon(1e-12));
    // Thackston & Dawson (2001): K2 (1/s) = 2.5e-5 (1 + 9 F^0.25) u*/H, u* = sqrt(g Rh S), F = U / sqrt(g Hd)
    ch.hydraulic_radius_m = 0.7;
    ch.hydraulic_depth_m = 0.75;
    const double ustar = std::sqrt(9.81 * 0.7 * 5e-4), fr = 0.3 / std::sqrt(9.81 * 0.75);
    CHECK(reaeration_ka20_per_d(ReaerationMethod::ThackstonDawson, ch) ==
          Approx(86400.0 * 2.5e-5 * (1.0 + 9.0 * std::pow(fr, 0.25)) * ustar / 0.8).epsilon(1e-12));
    ch.slope = 0.0;
    CHECK_THROWS_AS(reaeration_ka20_per_d(ReaerationMethod::TsivoglouNeal, ch), ModelError);
    CHECK(reaeration_ka20_per_d(ReaerationMethod::Specified, ch, 2.5) == 2.5);
}

TEST_CASE("QUAL2K's automatic reaeration choice by depth and velocity", "[kinetics][oxygen]") {
    // QUAL2K documentation (after Covar 1976): H < 0.61 m Owens-Gibbs; H > 3.45 U^2.5 O'Connor-Dobbins; else Churchill
    CHECK(internal_reaeration_choice(0.5, 0.5) == ReaerationMethod::OwensGibbs);
    CHECK(internal_reaeration_choice(0.3, 2.0) == ReaerationMethod::OConnorDobbins);  // 3.45 x 0.3^2.5 = 0.17 m
    CHECK(internal_reaeration_choice(1.5, 2.0) == ReaerationMethod::Churchill);       // 3.45 x 1.5^2.5 = 9.5 m
    ChannelState ch;
    ch.velocity_ms = 0.3;
    ch.depth_m = 2.0;
    CHECK(reaeration_ka20_per_d(ReaerationMethod::Internal, ch) ==
          reaeration_ka20_per_d(ReaerationMethod::OConnorDobbins, ch));
    ch.depth_m = 0.0;
    CHECK_THROWS_AS(reaeration_ka20_per_d(ReaerationMethod::Internal, ch), ModelError);
    ReaerationMethod m{};
    CHECK(reaeration_method_from_key("thackston-dawson", m));
    CHECK(m == ReaerationMethod::ThackstonDawson);
    CHECK_FALSE(reaeration_method_from_key("bogus", m));
}

TEST_CASE("weir and dam reaeration (Butts & Evans 1983)", "[kinetics][oxygen]") {
    // clean water a = 1.80, sharp-crested weir with vertical face b = 0.80, drop 2 m, 20 degC, by hand:
    // r = 1 + 0.38 x 1.8 x 0.8 x 2 x (1 - 0.22) x (1 + 0.92) = 1 + 1.63897344 = 2.63897344
    CHECK(dam_deficit_ratio(2.0, 1.8, 0.8, 20.0) == Approx(2.63897344).epsilon(1e-14));
    const double os = do_saturation_mgL(20.0);
    const double below = do_below_dam(4.0, os, 2.0, 1.8, 0.8, 20.0);
    CHECK(os - below == Approx((os - 4.0) / 2.63897344).epsilon(1e-14));  // the deficit falls by the ratio
    CHECK(do_below_dam(4.0, os, 0.0, 1.8, 0.8, 20.0) == 4.0);            // no drop, no change
}

TEST_CASE("temperature correction and the BOD5 bottle rate", "[kinetics]") {
    // 1.047^10 = exp(10 ln 1.047) = 1.5829486 (hand, 8 digits)
    CHECK(arrhenius(0.3, 1.047, 30.0) == Approx(0.3 * 1.5829486).epsilon(1e-7));
    CHECK(arrhenius(0.3, 1.047, 20.0) == 0.3);
    // k1 = 0.23 1/d: BOD5 / BODu = 1 - e^-1.15 = 0.683363 (hand, 6 digits)
    CHECK(bod5_from_cbodu(10.0, 0.23) == Approx(6.83363).epsilon(1e-6));
    CHECK(cbodu_from_bod5(bod5_from_cbodu(10.0, 0.23), 0.23) == Approx(10.0).epsilon(1e-14));
    // the parameter table fills every field and the defaults lie in their ranges
    const Parameters d = Parameters::defaults();
    for (const auto& row : parameter_table()) {
        CHECK(d.*(row.field) == row.default_value);
        CHECK(row.default_value >= row.min);
        CHECK(row.default_value <= row.max);
    }
    CHECK(d.o2_per_n_nitrified == 4.57);
}

TEST_CASE("the oxygen attenuation's slope against its central difference and closed forms", "[kinetics][oxygen]") {
    // f(o) at o = 2 mg/L, K = 0.6: half saturation 2/2.6 = 0.769230769 (slope 0.6/2.6^2 = 0.0887573964), exponential
    // 1 - e^-1.2 = 0.698805788 (slope 0.6 e^-1.2 = 0.180716527), second order 4/4.6 = 0.869565217 (slope
    // 2 x 2 x 0.6/4.6^2 = 0.113421550), the closed forms to 9 digits
    const double want_f[3] = {0.769230769, 0.698805788, 0.869565217};
    const double want_s[3] = {0.0887573964, 0.180716527, 0.113421550};
    const O2Effect forms[3] = {O2Effect::HalfSaturation, O2Effect::Exponential, O2Effect::SecondOrder};
    for (int k = 0; k < 3; ++k) {
        INFO("form " << k);
        double s = -1.0;
        CHECK(o2_attenuation(forms[k], 0.6, 2.0, &s) == Approx(want_f[k]).epsilon(1e-8));
        CHECK(s == Approx(want_s[k]).epsilon(1e-8));
        // against the central difference of f itself: h = 1e-4, error h^2 f'''/6 < 5e-8 (f''' <= 6 K/K^4 at o -> 0
        // for half saturation), rounding 1e-12: 1e-7 relative
        for (const double o : {0.05, 0.7, 3.0, 9.0}) {
            o2_attenuation(forms[k], 0.6, o, &s);
            const double h = 1e-4;
            const double fd = (o2_attenuation(forms[k], 0.6, o + h) - o2_attenuation(forms[k], 0.6, o - h)) / (2.0 * h);
            CHECK(s == Approx(fd).epsilon(1e-7).margin(1e-10));
        }
        // below o = 0 f is held at f(0) = 0: no slope
        CHECK(o2_attenuation(forms[k], 0.6, -0.5, &s) == 0.0);
        CHECK(s == 0.0);
    }
    double s = -1.0;
    CHECK(o2_attenuation(O2Effect::None, 0.6, 2.0, &s) == 1.0);
    CHECK(s == 0.0);
}

TEST_CASE("the exact affine solve against y' = -a y + c0 + c1 s in closed form", "[kinetics][analytical]") {
    LinearForm f;
    f.process[CodDecay].from = COD;
    f.process[CodDecay].k = 0.8;
    f.process[CodDecay].yield[COD] = -1.0;
    f.inflow0[COD] = 3.0;
    f.inflow1[COD] = 0.5;
    const double a = 0.8, y0 = 12.0, c0 = 3.0, c1 = 0.5;
    for (double h : {0.01, 0.7, 3.0, 40.0}) {
        const double e = std::exp(-a * h);
        const double exact = y0 * e + c0 / a * (1.0 - e) + c1 * (h / a - (1.0 - e) / (a * a));
        State s0{};
        s0[COD] = y0;
        const auto r = solve_affine(f, s0, h);
        CHECK(r.y[COD] == Approx(exact).epsilon(1e-12));  // truncation < 1e-17, rounding over <= 64 substeps
        // decayed = inflow - change: a int y ds
        CHECK(r.processed[CodDecay] == Approx(c0 * h + c1 * h * h / 2.0 - (exact - y0)).epsilon(1e-11));
    }
}

TEST_CASE("Streeter-Phelps with CBOD settling and SOD: deficit, critical time and critical deficit", "[kinetics][analytical]") {
    Parameters p = nothing();
    p.cbod_k20_per_d = 0.5;       // kd
    p.cbod_settling_m_d = 0.3;    // ks = vs/H = 0.15 1/d at H = 2 m
    // SOD 1.6 g/m2/d over 2 m: S = SOD/H = 0.8 mg/L/d
    Environment env{.depth_m = 2.0, .ka20_per_d = 1.2, .os_mgL = do_saturation_mgL(20.0), .sod_g_m2_d = 1.6};
    const double kd = 0.5, kr = 0.5 + 0.15, ka = 1.2, s = 0.8, l0 = 25.0, d0 = 1.5;
    State y0{};
    y0[CBOD] = l0;
    y0[DO] = env.os_mgL - d0;
    // D(t) = D0 e^-ka t + kd L0/(ka - kr) (e^-kr t - e^-ka t) + S/ka (1 - e^-ka t)   (Chapra 1997, ch. 21)
    auto deficit = [&](double t) {
        return d0 * std::exp(-ka * t) + kd * l0 / (ka - kr) * (std::exp(-kr * t) - std::exp(-ka * t)) +
               s / ka * (1.0 - std::exp(-ka * t));
    };
    for (double t : {0.25, 1.0, 2.5, 6.0}) {
        const auto r = advance(p, env, y0, t);
        CHECK(env.os_mgL - r.y[DO] == Approx(deficit(t)).epsilon(1e-10));     // exact solve: 1e-10 relative
        CHECK(r.y[CBOD] == Approx(l0 * std::exp(-kr * t)).epsilon(1e-12));
    }
    // critical time: dD/dt = 0 at tc = ln[(ka/kr)(1 - (ka - kr)(D0 - S/ka)/(kd L0))] / (ka - kr)
    const double tc = std::log(ka / kr * (1.0 - (ka - kr) * (d0 - s / ka) / (kd * l0))) / (ka - kr);
    REQUIRE(tc > 0.0);
    const auto at_tc = advance(p, env, y0, tc);
    const double dc = env.os_mgL - at_tc.y[DO];
    // critical deficit from the ODE at its extremum: ka Dc = kd L(tc) + S (independent of the closed form above)
    CHECK(dc == Approx((kd * l0 * std::exp(-kr * tc) + s) / ka).epsilon(1e-10));
    CHECK(dc == Approx(deficit(tc)).epsilon(1e-10));
    // the minimum: DO a little before and after tc is higher
    CHECK(advance(p, env, y0, tc * 0.99).y[DO] > at_tc.y[DO]);
    CHECK(advance(p, env, y0, tc * 1.01).y[DO] > at_tc.y[DO]);
    // oxygen bookkeeping: change in DO = reaeration - oxidation - SOD (integrals from the solver), 1e-10 of os
    CHECK(at_tc.y[DO] - y0[DO] ==
          Approx(at_tc.processed[Reaeration] - at_tc.processed[CbodOxidation] - at_tc.processed[SedimentO2Demand])
              .margin(1e-10 * env.os_mgL));
    // settled CBOD: ks int L dt = ks L0 (1 - e^-kr tc) / kr
    CHECK(at_tc.processed[CbodSettling] == Approx(0.15 * l0 * (1.0 - std::exp(-kr * tc)) / kr).epsilon(1e-10));
}

TEST_CASE("Streeter-Phelps with kd = ka (repeated eigenvalue) stays exact", "[kinetics][analytical]") {
    Parameters p = nothing();
    p.cbod_k20_per_d = 0.9;
    Environment env;
    env.ka20_per_d = 0.9;
    env.os_mgL = 9.0;
    State y0{};
    y0[CBOD] = 18.0;
    y0[DO] = 8.0;
    for (double t : {0.5, 2.0, 8.0}) {
        // D(t) = (D0 + kd L0 t) e^-k t
        const double d = (1.0 + 0.9 * 18.0 * t) * std::exp(-0.9 * t);
        CHECK(9.0 - advance(p, env, y0, t).y[DO] == Approx(d).epsilon(1e-10));
    }
}

TEST_CASE("a nitrifying reach uses 4.57 g O2 per g NH3-N", "[kinetics][analytical]") {
    Parameters p = nothing();
    p.nitrification_k20_per_d = 0.6;
    p.nitrification_theta = 1.07;
    Environment env;
    env.temperature_c = 14.0;   // kn = 0.6 x 1.07^-6
    env.os_mgL = do_saturation_mgL(14.0);
    const double kn = 0.6 * std::pow(1.07, -6.0), n0 = 4.0;
    State y0{};
    y0[NH3N] = n0;
    y0[DO] = env.os_mgL;
    SECTION("no reaeration: DO falls by 4.57 x the nitrate formed") {
        for (double t : {0.5, 3.0}) {
            const auto r = advance(p, env, y0, t);
            CHECK(r.y[NH3N] == Approx(n0 * std::exp(-kn * t)).epsilon(1e-12));
            CHECK(r.y[NO3N] == Approx(n0 * -std::expm1(-kn * t)).epsilon(1e-12));
            CHECK(y0[DO] - r.y[DO] == Approx(4.57 * r.y[NO3N]).epsilon(1e-12));
        }
    }
    SECTION("with reaeration: the deficit is Streeter-Phelps with L = 4.57 NH3-N") {
        env.ka20_per_d = 2.0;
        p.ka_theta = 1.024;
        const double ka = 2.0 * std::pow(1.024, -6.0);
        for (double t : {0.5, 1.5, 4.0}) {
            const double d = 4.57 * kn * n0 / (ka - kn) * (std::exp(-kn * t) - std::exp(-ka * t));
            CHECK(env.os_mgL - advance(p, env, y0, t).y[DO] == Approx(d).epsilon(1e-10));
        }
    }
}

TEST_CASE("N and P mass balances and every process against an independent Odeint integration", "[kinetics][analytical]") {
    Parameters p = Parameters::defaults();   // QUAL2K's exponential oxygen effects on
    p.cbod_settling_m_d = 0.2;
    p.ip_settling_m_d = 0.02;
    p.codmn_o2_ratio = 1.0;
    Environment env{.temperature_c = 24.0, .depth_m = 1.2, .ka20_per_d = 0.4, .os_mgL = do_saturation_mgL(24.0, 400.0),
                    .sod_g_m2_d = 1.5};
    State y0{};
    y0[OrgN] = 2.0;
    y0[NH3N] = 6.0;
    y0[NO3N] = 3.0;
    y0[CBOD] = 30.0;
    y0[CODMn] = 12.0;
    y0[COD] = 40.0;
    y0[OrgP] = 0.4;
    y0[IP] = 0.3;
    y0[DO] = 3.0;    // low enough that the oxygen effects are far from 1
    const double t = 3.0;
    const auto r = advance(p, env, y0, t, 1e-12);
    const Reference ref = integrate(p, env, y0, t);
    INFO("DO " << r.y[DO] << " reference " << ref.y[DO]);
    REQUIRE(r.y[DO] < 2.0);   // the test exercises the attenuated range
    // the substepped frozen solve (tolerance 1e-12) converges to the nonlinear ODE: 1e-9 relative, or 1e-9 mg/L
    // where a species is near zero (DO ends at 0.16 mg/L; its budget moves about 40 mg/L over the 3 days)
    check_same(r, ref, 1e-9, 1e-9);
    // total N changes only by organic N settling and denitrification; total P only by settling (1e-9 relative),
    // both sides from the independent integration
    CHECK(total_n(ref.y) == Approx(total_n(y0) - ref.processed[OrgNSettling] - ref.processed[Denitrification]).epsilon(1e-9));
    CHECK(total_p(ref.y) == Approx(total_p(y0) - ref.processed[OrgPSettling] - ref.processed[IpSettling]).epsilon(1e-9));
    // and the same balances from the kinetics solve
    CHECK(total_n(r.y) == Approx(total_n(y0) - r.processed[OrgNSettling] - r.processed[Denitrification]).epsilon(1e-9));
    CHECK(total_p(r.y) == Approx(total_p(y0) - r.processed[OrgPSettling] - r.processed[IpSettling]).epsilon(1e-9));
    // oxygen: reaeration - CBOD oxidation - 4.57 nitrification - CODMn decay - SOD
    CHECK(r.y[DO] - y0[DO] == Approx(ref.processed[Reaeration] - ref.processed[CbodOxidation] -
                                     4.57 * ref.processed[Nitrification] - ref.processed[CodmnDecay] -
                                     ref.processed[SedimentO2Demand])
                                  .margin(1e-9 * env.os_mgL));
}

TEST_CASE("without oxygen effects one exact solve equals the Odeint integration", "[kinetics][analytical]") {
    Parameters p = Parameters::defaults();
    p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::None;
    REQUIRE_FALSE(depends_on_oxygen(p));
    // fast reaeration: many Taylor substeps
    Environment env{.temperature_c = 8.0, .depth_m = 0.5, .ka20_per_d = 6.0, .os_mgL = do_saturation_mgL(8.0)};
    State y0{};
    for (int i = 0; i < kNumSpecies; ++i) y0[i] = 1.0 + i;
    const auto r = advance(p, env, y0, 5.0);
    const Reference ref = integrate(p, env, y0, 5.0);
    check_same(r, ref, 1e-10, 1e-12);
}

namespace {
// dL/dx of a plug-flow segment integrated directly (Boost.Odeint, 1e-14 / 1e-13), rates at C = L / Q(x)
Reference integrate_plug(const Parameters& p, const Environment& env, const PlugSegment& seg, const State& l0) {
    using V = std::vector<double>;
    V w(kNumSpecies + kNumProcesses, 0.0);
    for (int i = 0; i < kNumSpecies; ++i) w[i] = l0[i];
    auto rhs = [&](const V& x, V& dxdt, double pos) {
        const double q = seg.flow_in_m3s + seg.lateral_m3s_per_m * pos, area = q / seg.velocity_ms;
        State c;
        for (int i = 0; i < kNumSpecies; ++i) c[i] = x[i] / q;
        const State d = derivative(p, env, c);
        const PerProcess r = process_rates(p, env, c);
        for (int i = 0; i < kNumSpecies; ++i) dxdt[i] = d[i] * area / 86400.0 + seg.lateral_load_gs_per_m[i];
        for (int k = 0; k < kNumProcesses; ++k) dxdt[kNumSpecies + k] = r[k] * area / 86400.0;
    };
    namespace ode = boost::numeric::odeint;
    ode::integrate_adaptive(ode::make_controlled<ode::runge_kutta_dopri5<V>>(1e-14, 1e-13), rhs, w, 0.0,
                            seg.length_m, 1.0);
    Reference r;
    for (int i = 0; i < kNumSpecies; ++i) r.y[i] = w[i];
    for (int k = 0; k < kNumProcesses; ++k) r.processed[k] = w[kNumSpecies + k];
    return r;
}
State mixed_inflow() {
    State c{};
    c[OrgN] = 1.5; c[NH3N] = 4.0; c[NO3N] = 2.0; c[CBOD] = 20.0; c[CODMn] = 8.0; c[COD] = 30.0;
    c[OrgP] = 0.3; c[IP] = 0.2; c[DO] = 5.0;
    return c;
}
}  // namespace

TEST_CASE("plug-flow segment: without lateral inflow it is the parcel's travel in time x/u", "[kinetics][analytical]") {
    const Parameters p = Parameters::defaults();
    Environment env{.temperature_c = 18.0, .depth_m = 1.4, .ka20_per_d = 1.1, .os_mgL = do_saturation_mgL(18.0, 350.0),
                    .sod_g_m2_d = 1.0};
    PlugSegment seg;
    seg.flow_in_m3s = 6.0;
    seg.velocity_ms = 0.35;
    seg.length_m = 12000.0;
    const State c0 = mixed_inflow();
    State l0;
    for (int i = 0; i < kNumSpecies; ++i) l0[i] = c0[i] * 6.0;
    const auto plug = solve_plug_segment(p, env, seg, l0, 1e-12);
    const auto parcel = advance(p, env, c0, 12000.0 / 0.35 / 86400.0, 1e-12);
    // two substepped solves of the same ODE at tolerance 1e-12: 1e-9 relative (1e-10 mg/L near zero); the segment's
    // loads and process totals (g/s) over Q = 6 m3/s are the parcel's mg/L
    check_same(plug, parcel, 1e-9, 1e-10, 6.0);
}

TEST_CASE("plug-flow segment with lateral inflow against direct integration; N and P balances", "[kinetics][analytical]") {
    const Parameters p = Parameters::defaults();
    Environment env{.temperature_c = 26.0, .depth_m = 0.9, .ka20_per_d = 3.0, .os_mgL = do_saturation_mgL(26.0),
                    .sod_g_m2_d = 2.0};
    PlugSegment seg;
    seg.flow_in_m3s = 2.0;
    seg.lateral_m3s_per_m = 1.0 / 8000.0;  // 1 m3/s gained over the 8 km
    seg.velocity_ms = 0.25;
    seg.length_m = 8000.0;
    State cl = mixed_inflow();
    cl[DO] = 7.0;
    for (int i = 0; i < kNumSpecies; ++i) seg.lateral_load_gs_per_m[i] = seg.lateral_m3s_per_m * cl[i];
    State l0 = mixed_inflow();
    for (auto& v : l0) v *= 2.0;
    l0[DO] = 2.0 * 2.5;  // 2.5 mg/L entering: the oxygen effects act
    const auto r = solve_plug_segment(p, env, seg, l0, 1e-12);
    const Reference ref = integrate_plug(p, env, seg, l0);
    check_same(r, ref, 1e-9, 1e-9);
    // in + lateral - out = settled + denitrified (N), settled (P): 1e-9 relative to the load in
    const double lat = seg.lateral_m3s_per_m * seg.length_m;
    const double n_in = total_n(l0) + lat * total_n(cl), p_in = total_p(l0) + lat * total_p(cl);
    CHECK(n_in - total_n(r.y) == Approx(r.processed[OrgNSettling] + r.processed[Denitrification]).margin(1e-9 * n_in));
    CHECK(p_in - total_p(r.y) == Approx(r.processed[OrgPSettling] + r.processed[IpSettling]).margin(1e-9 * p_in));
    CHECK(n_in - total_n(ref.y) == Approx(ref.processed[OrgNSettling] + ref.processed[Denitrification]).margin(1e-9 * n_in));
}

TEST_CASE("completely mixed element: closed forms and the steady residual", "[kinetics][analytical]") {
    Parameters p = nothing();
    p.cbod_k20_per_d = 0.4;
    p.cbod_settling_m_d = 0.2;
    Environment env{.depth_m = 2.0, .ka20_per_d = 1.5, .os_mgL = 9.0, .sod_g_m2_d = 1.0};
    const double q = 3.0, vol = 3.0 * 86400.0 * 0.8;  // residence time tau = 0.8 d
    State w{};
    w[CBOD] = q * 15.0;
    w[DO] = q * 7.0;
    const auto e = solve_mixed_element(p, env, w, q, vol);
    // CSTR: L = L_in / (1 + kr tau); D = (D_in + (kd L + S) tau) / (1 + ka tau)   (Chapra 1997, ch. 6 and 21)
    const double tau = 0.8, kr = 0.4 + 0.1, l = 15.0 / (1.0 + kr * tau);
    CHECK(e.conc_mgL[CBOD] == Approx(l).epsilon(1e-13));
    CHECK(9.0 - e.conc_mgL[DO] == Approx((2.0 + (0.4 * l + 0.5) * tau) / (1.0 + 1.5 * tau)).epsilon(1e-13));
    // full default kinetics with oxygen effects: the steady equation 0 = W - Q C + V dC/dt holds (1e-10 of W)
    const Parameters d = Parameters::defaults();
    State win = mixed_inflow();
    for (auto& v : win) v *= q;
    win[DO] = q * 1.0;
    env.ka20_per_d = 0.3;
    const auto f = solve_mixed_element(d, env, win, q, vol);
    const State rate = derivative(d, env, f.conc_mgL);
    for (int i = 0; i < kNumSpecies; ++i)
        CHECK(win[i] - q * f.conc_mgL[i] + vol / 86400.0 * rate[i] == Approx(0.0).margin(1e-10 * std::max(1.0, win[i])));
    CHECK(f.conc_mgL[DO] < 1.0);   // low-oxygen regime reached
}

TEST_CASE("a chain of completely mixed elements converges to plug flow", "[kinetics][analytical]") {
    // the documented difference between QUAL2K elements and plug flow: a fast-reaerating 10 km reach at 0.3 m/s
    const Parameters p = Parameters::defaults();
    Environment env{.temperature_c = 22.0, .depth_m = 0.5,
                    .ka20_per_d = reaeration_ka20_per_d(ReaerationMethod::OwensGibbs, {0.3, 0.5}), .os_mgL = do_saturation_mgL(22.0)};
    const double q = 1.5, length = 10000.0, u = 0.3;
    State l0 = mixed_inflow();
    for (auto& v : l0) v *= q;
    PlugSegment seg;
    seg.flow_in_m3s = q;
    seg.velocity_ms = u;
    seg.length_m = length;
    const double plug_do = solve_plug_segment(p, env, seg, l0, 1e-12).y[DO] / q;
    auto chain = [&](int n) {
        State w = l0;
        MixedElement e;
        for (int k = 0; k < n; ++k) {
            e = solve_mixed_element(p, env, w, q, q / u * length / n);
            for (int i = 0; i < kNumSpecies; ++i) w[i] = e.conc_mgL[i] * q;
        }
        return e.conc_mgL[DO];
    };
    const double e1 = std::abs(chain(1) - plug_do), e10 = std::abs(chain(10) - plug_do), e100 = std::abs(chain(100) - plug_do);
    INFO("plug " << plug_do << " one element " << chain(1) << " ten " << chain(10));
    CHECK(e1 / plug_do > 0.02);     // one element per reach: several percent off
    CHECK(e10 < e1);
    CHECK(e100 < e10);
    // n elements are a first-order approximation of plug flow: error x n roughly constant (factor 2 band)
    CHECK(e100 * 100.0 == Approx(e10 * 10.0).epsilon(0.5));
}

namespace {
// The extrapolated frozen substeps (solve_frozen, tolerance 1e-13) of a plug-flow segment: the independent reference
// for the Taylor series.
AffineSolution frozen_plug(const Parameters& p, const Environment& env, const PlugSegment& seg, const State& l0) {
    StepOptions opt;
    opt.state_dependent = depends_on_oxygen(p);
    opt.rel_tol = 1e-13;
    opt.abs_tol = 1e-14;
    const double inv_u = 1.0 / seg.velocity_ms, per_s = 1.0 / 86400.0;
    const FormAt form_at = [&](const State& l_ref, double x_ref, double x_origin) {
        const double q_ref = seg.flow_in_m3s + seg.lateral_m3s_per_m * x_ref;
        const double q_origin = seg.flow_in_m3s + seg.lateral_m3s_per_m * x_origin;
        LinearForm f;
        f.process = process_table(p, env, l_ref[DO] / q_ref);
        for (int q = 0; q < kNumProcesses; ++q) {
            ProcessTerm& t = f.process[q];
            const double r0 = t.r0 * per_s;
            t.k *= per_s * inv_u;
            t.r0 = r0 * q_origin * inv_u;
            f.r1[q] = r0 * seg.lateral_m3s_per_m * inv_u;
        }
        for (int i = 0; i < kNumSpecies; ++i) f.inflow0[i] = seg.lateral_load_gs_per_m[i];
        return f;
    };
    return solve_frozen(form_at, l0, seg.length_m, opt);
}
}  // namespace

TEST_CASE("the Taylor series of the kinetics: every oxygen form, stiff reaeration, against Odeint and frozen substeps",
          "[kinetics][analytical]") {
    for (const O2Effect form : {O2Effect::Exponential, O2Effect::HalfSaturation, O2Effect::SecondOrder}) {
        for (const double ka : {0.5, 4.0, 40.0}) {   // 40 1/d over 0.37 d: 15 e-foldings of the DO deficit
            Parameters p = Parameters::defaults();
            p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = form;
            p.cbod_o2_k = p.nitrification_o2_k = p.denitrification_o2_k = form == O2Effect::Exponential ? 0.6 : 1.5;
            p.cbod_settling_m_d = 0.25;
            p.codmn_o2_ratio = 0.5;
            Environment env{.temperature_c = 23.0, .depth_m = 0.8, .ka20_per_d = ka, .os_mgL = do_saturation_mgL(23.0),
                            .sod_g_m2_d = 1.8};
            PlugSegment seg;
            seg.flow_in_m3s = 3.0;
            seg.lateral_m3s_per_m = 0.6 / 9000.0;
            seg.velocity_ms = 0.28;
            seg.length_m = 9000.0;
            State cl = mixed_inflow();
            for (int i = 0; i < kNumSpecies; ++i) seg.lateral_load_gs_per_m[i] = seg.lateral_m3s_per_m * cl[i];
            State l0 = mixed_inflow();
            l0[CBOD] = 45.0;   // polluted: DO falls to where the forms are far from 1
            l0[DO] = 2.0;
            for (auto& v : l0) v *= 3.0;
            INFO("form " << static_cast<int>(form) << " ka " << ka);
            const auto r = solve_plug_segment(p, env, seg, l0, 1e-12);   // the series (DO stays positive)
            const auto fz = frozen_plug(p, env, seg, l0);
            const Reference ref = integrate_plug(p, env, seg, l0);
            // series to rounding against the frozen substeps at 1e-13: 1e-10 relative (1e-11 g/s near zero)
            check_same(r, fz, 1e-10, 1e-11);
            // against Odeint (dopri5 at 1e-14 / 1e-13): 1e-9 relative
            for (int i = 0; i < kNumSpecies; ++i) CHECK(r.y[i] == Approx(ref.y[i]).epsilon(1e-9).margin(1e-9));
            // bookkeeping of the series: in + lateral - out = settled + denitrified (N), to 1e-13 of the input
            const double lat = seg.lateral_m3s_per_m * seg.length_m, n_in = total_n(l0) + lat * total_n(cl);
            CHECK(n_in - total_n(r.y) ==
                  Approx(r.processed[OrgNSettling] + r.processed[Denitrification]).margin(1e-13 * n_in));
            // P, which no oxygen-dependent rate reaches, solved apart from the series (solve_linear): the same
            // bookkeeping to 1e-13 of the input
            const double p_in = total_p(l0) + lat * total_p(cl);
            CHECK(p_in - total_p(r.y) ==
                  Approx(r.processed[OrgPSettling] + r.processed[IpSettling]).margin(1e-13 * p_in));
        }
    }
}

TEST_CASE("the series carries the species oxygen reaches; the others are solved apart", "[kinetics]") {
    Environment env{.temperature_c = 20.0, .depth_m = 1.0, .ka20_per_d = 3.0, .os_mgL = 9.0, .sod_g_m2_d = 1.0};
    auto carried = [&](const Parameters& p) {
        const SeriesSplit sp = split_species(p, KineticsAt(p, env.temperature_c).table(env));
        std::vector<int> v(sp.idx, sp.idx + sp.n);
        return v;
    };
    Parameters p = Parameters::defaults();   // QUAL2K's gates on CBOD oxidation, nitrification, denitrification
    CHECK(carried(p) == std::vector<int>{OrgN, NH3N, NO3N, CBOD, DO});
    p.codmn_o2_ratio = 0.5;                   // CODMn's decay now uses oxygen
    CHECK(carried(p) == std::vector<int>{OrgN, NH3N, NO3N, CBOD, CODMn, DO});
    p = Parameters::defaults();
    p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::None;
    CHECK(carried(p).size() == kNumSpecies);  // nothing depends on DO: the series carries all
}

TEST_CASE("DO falling through zero: the series cuts its substeps at the crossing and stays the ODE's solution",
          "[kinetics][analytical]") {
    // SOD and oxidation outrun reaeration: DO crosses 0 (where the gates are clamped, f = 0 below) and stays below
    const Parameters p = Parameters::defaults();
    Environment env{.temperature_c = 28.0, .depth_m = 1.5, .ka20_per_d = 0.2, .os_mgL = do_saturation_mgL(28.0),
                    .sod_g_m2_d = 4.0};
    State y0 = mixed_inflow();
    y0[CBOD] = 80.0;
    y0[NH3N] = 15.0;
    y0[DO] = 1.0;
    const ProcessTable t = KineticsAt(p, 28.0).table(env);
    SeriesSegment seg;
    seg.table = &t;
    seg.length = 4.0;
    AffineSolution s;
    REQUIRE(solve_series(p, seg, y0, s));
    const Reference ref = integrate(p, env, y0, 4.0);
    REQUIRE(ref.y[DO] < -1.0);
    // the kink at DO = 0 is located to 1e-15 of a substep: 1e-9 relative (1e-9 mg/L) against Odeint
    check_same(s, ref, 1e-9, 1e-9);
    // and back up through zero: reaeration wins once the oxygen demand is spent (30 days, ka 2 1/d)
    env.ka20_per_d = 2.0;
    const ProcessTable t2 = KineticsAt(p, 28.0).table(env);
    seg.table = &t2;
    seg.length = 30.0;
    y0[DO] = 0.5;
    REQUIRE(solve_series(p, seg, y0, s));
    const Reference back = integrate(p, env, y0, 30.0);
    CHECK(back.y[DO] > 1.0);
    for (int i = 0; i < kNumSpecies; ++i) CHECK(s.y[i] == Approx(back.y[i]).epsilon(1e-9).margin(1e-9));
}

TEST_CASE("the Taylor series with oxygen effects equals the general solve over random rate sets",
          "[kinetics][analytical]") {
    // solve_plug_segment (the series, what the steady solver uses) against solve_plug_frozen (the extrapolated
    // frozen substeps at 1e-13, the general solve): 300 random kinetics with every oxygen form and constant,
    // depths, reaeration from sluggish to 15 e-foldings per segment, SOD, lateral inflow and loads from river water
    // to raw sewage (DO from 0.3 mg/L to saturation at the start).
    std::mt19937_64 rng(20261201);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u01(rng)); };
    const O2Effect forms[3] = {O2Effect::Exponential, O2Effect::HalfSaturation, O2Effect::SecondOrder};
    double worst_y = 0.0, worst_p = 0.0, worst_n = 0.0;
    int low_do = 0, near_zero = 0, shared = 0;
    for (int trial = 0; trial < 300; ++trial) {
        Parameters p = Parameters::defaults();
        for (double* k : {&p.cbod_k20_per_d, &p.codmn_k20_per_d, &p.cod_k20_per_d, &p.orgn_hydrolysis_k20_per_d,
                          &p.nitrification_k20_per_d, &p.denitrification_k20_per_d, &p.orgp_hydrolysis_k20_per_d})
            *k = log_uniform(0.02, 2.0);
        p.cbod_o2_effect = forms[trial % 3];
        p.nitrification_o2_effect = forms[(trial / 3) % 3];
        p.denitrification_o2_effect = trial % 7 == 0 ? O2Effect::None : forms[(trial / 9) % 3];
        for (double* k : {&p.cbod_o2_k, &p.nitrification_o2_k, &p.denitrification_o2_k}) *k = log_uniform(0.1, 3.0);
        if (trial % 2) p.nitrification_o2_k = p.cbod_o2_k;   // shared gate series where the forms agree too
        if (trial % 4 == 3) {   // QUAL2K's defaults: one exponential gate for all three (its 4-lane products)
            p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::Exponential;
            p.nitrification_o2_k = p.denitrification_o2_k = p.cbod_o2_k;
            ++shared;
        }
        p.cbod_settling_m_d = u01(rng) < 0.5 ? 0.0 : log_uniform(0.01, 0.5);
        p.codmn_o2_ratio = u01(rng) < 0.5 ? 0.0 : u01(rng);
        const Environment env = random_environment([&] { return u01(rng); }, 5.0, 0.2, 60.0, 2.0);
        PlugSegment seg;
        seg.flow_in_m3s = log_uniform(0.01, 20.0);
        seg.velocity_ms = log_uniform(0.05, 1.0);
        seg.length_m = log_uniform(200.0, 20000.0);
        seg.lateral_m3s_per_m = u01(rng) < 0.3 ? 0.0 : seg.flow_in_m3s * log_uniform(0.01, 3.0) / seg.length_m;
        State cl = mixed_inflow();
        for (int i = 0; i < kNumSpecies; ++i) seg.lateral_load_gs_per_m[i] = seg.lateral_m3s_per_m * cl[i];
        State c0{};
        const double dirt = log_uniform(0.05, 1.0);   // share of sewage in the water at the segment's start
        c0[OrgN] = 8.0 * dirt; c0[NH3N] = 20.0 * dirt; c0[NO3N] = 1.0 + 3.0 * u01(rng); c0[CBOD] = 2.0 + 60.0 * dirt;
        c0[CODMn] = 2.0 + 25.0 * dirt; c0[COD] = 10.0 + 80.0 * dirt; c0[OrgP] = 1.5 * dirt; c0[IP] = 0.02 + 2.0 * dirt;
        c0[DO] = 0.3 + (env.os_mgL - 0.3) * u01(rng);
        if (c0[DO] < 2.0) ++low_do;
        State l0;
        for (int i = 0; i < kNumSpecies; ++i) l0[i] = c0[i] * seg.flow_in_m3s;
        const AffineSolution fast = solve_plug_segment(p, env, seg, l0, 1e-12);
        // the general solve is the reference while DO stays clear of 0; where it comes within 0.5 mg/L of it, the
        // clamp of the gates at 0 (not smooth) costs the extrapolation its order, and Odeint's dopri5 at 1e-14 /
        // 1e-13 is the reference instead (DO along the segment: the series at 16 points)
        double do_min = c0[DO];
        for (int j = 1; j <= 16; ++j) {
            PlugSegment part = seg;
            part.length_m = seg.length_m * j / 16.0;
            const double q = seg.flow_in_m3s + seg.lateral_m3s_per_m * part.length_m;
            do_min = std::min(do_min, solve_plug_segment(p, env, part, l0, 1e-12).y[DO] / q);
        }
        AffineSolution ref;
        if (do_min > 0.5) {
            ref = solve_plug_frozen(p, env, seg, l0, 1e-13);
        } else {
            const Reference ode = integrate_plug(p, env, seg, l0);
            ref.y = ode.y;
            ref.processed = ode.processed;
            ++near_zero;
        }
        double scale = 0.0, q_end = seg.flow_in_m3s + seg.lateral_m3s_per_m * seg.length_m;
        for (int i = 0; i < kNumSpecies; ++i) scale = std::max({scale, std::abs(ref.y[i]), std::abs(l0[i])});
        INFO("trial " << trial << ": DO at the end " << ref.y[DO] / q_end << " mg/L");
        for (int i = 0; i < kNumSpecies; ++i) {
            const double d = std::abs(fast.y[i] - ref.y[i]) / (std::abs(ref.y[i]) + 1e-6 * scale);
            worst_y = std::max(worst_y, d);
            INFO("species " << i << ": " << fast.y[i] << " vs " << ref.y[i]);
            CHECK(d <= 1e-9);
        }
        double tot = 0.0;
        for (int q = 0; q < kNumProcesses; ++q) tot = std::max(tot, std::abs(ref.processed[q]));
        for (int q = 0; q < kNumProcesses; ++q) {
            const double d = std::abs(fast.processed[q] - ref.processed[q]) / (std::abs(ref.processed[q]) + 1e-3 * tot);
            worst_p = std::max(worst_p, d);
            INFO("process " << q << ": " << fast.processed[q] << " vs " << ref.processed[q]);
            CHECK(d <= 1e-9);
        }
        // N: in + lateral - out = settled + denitrified, each solve to rounding of the input
        const double lat = seg.lateral_m3s_per_m * seg.length_m, n_in = total_n(l0) + lat * total_n(cl);
        const double n_gap = std::abs(n_in - total_n(fast.y) - fast.processed[OrgNSettling] - fast.processed[Denitrification]);
        worst_n = std::max(worst_n, n_gap / n_in);
        CHECK(n_gap <= 1e-12 * n_in);
    }
    // tolerances: analytical accuracy, 1e-9 relative for the state (to the species, or 1e-6 of the largest where
    // it is nearly 0) and every process integral (to the process, or 1e-3 of the largest: a process that hardly
    // acts, denitrification at high DO, is a difference of rounded sums); the series is exact to rounding, the
    // references converged to 1e-13 per step. N bookkeeping of the series: 1e-12 of the N input.
    INFO("worst state " << worst_y << ", process integrals " << worst_p << ", N balance " << worst_n);
    CHECK(low_do > 20);
    CHECK(near_zero >= 3);
    CHECK(shared == 75);
    WARN("series vs general solve with oxygen effects, 300 random rate sets (" << shared
         << " with one exponential gate for all three): worst relative difference " << worst_y
         << " (state), " << worst_p << " (process integrals); N balance " << worst_n << "; "
         << near_zero << " segments with DO near 0 against Odeint");
}

TEST_CASE("the series' generic build and the one this processor runs agree, with QUAL2K's default gates",
          "[kinetics][analytical]") {
    // The series' terms are computed by one source built twice (generic, and for AVX2 and FMA where the processor has
    // them: fused multiply-adds round once), and with QUAL2K's default gates regrouped (expand_shared) or as for any
    // gates (each gate's own series and products). 120 random segments with those gates (one exponential,
    // K = 0.6 L/mg, for CBOD oxidation, nitrification and denitrification), reaeration to 40 e-foldings: the two
    // builds, and the regrouped and general terms, agree to 1e-11 relative in the state and the process integrals
    // (different rounding of terms summed to 1e-13 of their scale, which may move a substep's end), and the generic
    // build equals the general solve (frozen substeps at 1e-13) to 1e-9 relative, the series' stated accuracy.
    std::mt19937_64 rng(20261202);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u01(rng)); };
    double worst_builds = 0.0, worst_general = 0.0, worst_grouping = 0.0;
    int compared = 0;
    for (int trial = 0; trial < 120; ++trial) {
        Parameters p = Parameters::defaults();
        for (double* k : {&p.cbod_k20_per_d, &p.orgn_hydrolysis_k20_per_d, &p.nitrification_k20_per_d,
                          &p.denitrification_k20_per_d})
            *k = log_uniform(0.05, 2.0);
        const Environment env = random_environment([&] { return u01(rng); }, 4.0, 0.5, 40.0, 2.0);
        PlugSegment seg;
        seg.flow_in_m3s = log_uniform(0.05, 20.0);
        seg.velocity_ms = log_uniform(0.05, 1.0);
        seg.length_m = log_uniform(500.0, 10000.0);
        seg.lateral_m3s_per_m = u01(rng) < 0.5 ? 0.0 : seg.flow_in_m3s * log_uniform(0.01, 1.0) / seg.length_m;
        const State cl = mixed_inflow();
        for (int i = 0; i < kNumSpecies; ++i) seg.lateral_load_gs_per_m[i] = seg.lateral_m3s_per_m * cl[i];
        const double dirt = log_uniform(0.02, 0.5);
        State c0{};
        c0[OrgN] = 8.0 * dirt; c0[NH3N] = 20.0 * dirt; c0[NO3N] = 1.0 + 3.0 * u01(rng); c0[CBOD] = 2.0 + 60.0 * dirt;
        c0[CODMn] = 2.0 + 25.0 * dirt; c0[COD] = 10.0 + 80.0 * dirt; c0[OrgP] = 1.5 * dirt; c0[IP] = 0.02 + 2.0 * dirt;
        c0[DO] = 1.0 + (env.os_mgL - 1.0) * u01(rng);
        State l0;
        for (int i = 0; i < kNumSpecies; ++i) l0[i] = c0[i] * seg.flow_in_m3s;
        const ProcessTable table = KineticsAt(p, env.temperature_c).table(env);
        const SeriesSegment ss = plug_series_segment(table, seg);
        AffineSolution generic, native, ungrouped;
        REQUIRE(solve_series_as(p, ss, l0, generic, SeriesKernel::Generic));
        REQUIRE(solve_series_as(p, ss, l0, native, SeriesKernel::Native));
        REQUIRE(solve_series_as(p, ss, l0, ungrouped, SeriesKernel::Ungrouped));
        const double q_end = seg.flow_in_m3s + seg.lateral_m3s_per_m * seg.length_m;
        double scale = 0.0, pscale = 0.0;
        for (int i = 0; i < kNumSpecies; ++i) scale = std::max({scale, std::abs(generic.y[i]), std::abs(l0[i])});
        for (int q = 0; q < kNumProcesses; ++q) pscale = std::max(pscale, std::abs(ungrouped.processed[q]));
        for (int i = 0; i < kNumSpecies; ++i) {
            const double d = std::abs(generic.y[i] - native.y[i]) / (std::abs(generic.y[i]) + 1e-6 * scale);
            worst_builds = std::max(worst_builds, d);
            CHECK(d <= 1e-11);
            const double g = std::abs(generic.y[i] - ungrouped.y[i]) / (std::abs(ungrouped.y[i]) + 1e-6 * scale);
            worst_grouping = std::max(worst_grouping, g);
            CHECK(g <= 1e-11);
        }
        for (int q = 0; q < kNumProcesses; ++q) {
            const double g = std::abs(generic.processed[q] - ungrouped.processed[q]) /
                             (std::abs(ungrouped.processed[q]) + 1e-6 * pscale);
            worst_grouping = std::max(worst_grouping, g);
            CHECK(g <= 1e-11);
        }
        if (generic.y[DO] / q_end < 0.5) continue;   // the general solve loses its order near the clamp at DO = 0
        ++compared;
        const AffineSolution ref = solve_plug_frozen(p, env, seg, l0, 1e-13);
        for (int i = 0; i < kNumSpecies; ++i) {
            const double d = std::abs(generic.y[i] - ref.y[i]) / (std::abs(ref.y[i]) + 1e-6 * scale);
            worst_general = std::max(worst_general, d);
            CHECK(d <= 1e-9);
        }
    }
    CHECK(compared >= 100);
    WARN("series, generic build against this processor's: worst relative difference " << worst_builds
         << "; regrouped terms against the general ones: " << worst_grouping
         << "; generic build against the general solve: " << worst_general << " (" << compared << " segments)");
}

TEST_CASE("a segment's series does not depend on what the thread solved before it", "[kinetics]") {
    // The split and the shape of the series (which processes, gates and terms) are kept per thread from one segment
    // to the next while the table's pattern, the oxygen effects and their constants stay the same. Six parameter
    // sets that differ in exactly these (a gate's constant, a gate's form, a process off, no gates), solved in turn
    // twice on one thread, each give bit for bit what a new thread gives (one with nothing kept).
    std::vector<Parameters> sets(6, Parameters::defaults());
    sets[1].cbod_o2_k = 0.3;
    sets[2].nitrification_o2_effect = O2Effect::HalfSaturation;
    sets[2].nitrification_o2_k = 0.6;
    sets[3].nitrification_k20_per_d = 0.0;
    sets[4].cbod_o2_effect = sets[4].nitrification_o2_effect = sets[4].denitrification_o2_effect = O2Effect::None;
    sets[5].denitrification_o2_k = 0.9;
    const Environment env{.temperature_c = 17.0, .depth_m = 1.2, .ka20_per_d = 3.0, .os_mgL = 9.6, .sod_g_m2_d = 1.0};
    PlugSegment seg;
    seg.flow_in_m3s = 2.0;
    seg.velocity_ms = 0.3;
    seg.length_m = 6000.0;
    seg.lateral_m3s_per_m = 1e-4;
    const State cl = mixed_inflow();
    for (int i = 0; i < kNumSpecies; ++i) seg.lateral_load_gs_per_m[i] = seg.lateral_m3s_per_m * cl[i];
    State l0{};
    const State c0 = {4.0, 3.0, 2.0, 20.0, 8.0, 30.0, 0.5, 0.6, 6.0};   // OrgN .. IP, DO (reaches/kinetics.hpp)
    for (int i = 0; i < kNumSpecies; ++i) l0[i] = c0[i] * seg.flow_in_m3s;
    auto solve = [&](const Parameters& p) {
        const ProcessTable table = KineticsAt(p, env.temperature_c).table(env);
        AffineSolution out;
        REQUIRE(solve_series(p, plug_series_segment(table, seg), l0, out));
        return out;
    };
    std::vector<AffineSolution> fresh(sets.size());
    for (std::size_t k = 0; k < sets.size(); ++k) std::thread([&] { fresh[k] = solve(sets[k]); }).join();
    for (int round = 0; round < 2; ++round)
        for (std::size_t k = 0; k < sets.size(); ++k) {
            const AffineSolution a = solve(sets[k]);
            INFO("set " << k << ", round " << round);
            for (int i = 0; i < kNumSpecies; ++i) CHECK(a.y[i] == fresh[k].y[i]);
            for (int q = 0; q < kNumProcesses; ++q) CHECK(a.processed[q] == fresh[k].processed[q]);
        }
    // the sets differ in their results (each changes the series), so a shape kept for the wrong set would show
    for (std::size_t k = 1; k < sets.size(); ++k) CHECK(fresh[k].y[DO] != fresh[0].y[DO]);
}

TEST_CASE("the kinetics at one temperature equal process_table without oxygen effects", "[kinetics]") {
    Parameters p = Parameters::defaults();
    p.cbod_settling_m_d = 0.3;
    Environment env{.temperature_c = 13.0, .depth_m = 0.7, .ka20_per_d = 2.5, .os_mgL = 10.1, .sod_g_m2_d = 1.3};
    Parameters off = p;
    off.cbod_o2_effect = off.nitrification_o2_effect = off.denitrification_o2_effect = O2Effect::None;
    const ProcessTable a = KineticsAt(p, 13.0).table(env), b = process_table(off, env, 5.0);
    for (int q = 0; q < kNumProcesses; ++q) {   // the same products in another order: 1e-15 relative
        CHECK(a[q].from == b[q].from);
        CHECK(a[q].k == Approx(b[q].k).epsilon(1e-15));
        CHECK(a[q].r0 == Approx(b[q].r0).epsilon(1e-15));
    }
    env.sod_g_m2_d = -1.0;  // the parameter default
    CHECK(KineticsAt(p, 13.0).table(env)[SedimentO2Demand].r0 ==
          Approx(process_table(off, env, 5.0)[SedimentO2Demand].r0).epsilon(1e-15));
}

TEST_CASE("the fast linear solve equals the general one over random rate sets, equal rates included",
          "[kinetics][analytical]") {
    // solve_linear (Taylor series of the moderate species, psi functions for stiff DO) against solve_affine (the
    // exponential of the augmented matrix), the reference kept for this check: 2,000 random kinetics, depths,
    // reaeration, lateral loads and lengths, a third of them with rates made equal (CBOD loss = ka, the N chain
    // hydrolysis = nitrification = denitrification, organic P loss = inorganic P settling) or equal to 1e-9.
    std::mt19937_64 rng(20261130);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u01(rng)); };
    double worst_y = 0.0, worst_p = 0.0;
    int stiff_cases = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        Parameters p = Parameters::defaults();
        p.cbod_o2_effect = p.nitrification_o2_effect = p.denitrification_o2_effect = O2Effect::None;
        for (double* k : {&p.cbod_k20_per_d, &p.codmn_k20_per_d, &p.cod_k20_per_d, &p.orgn_hydrolysis_k20_per_d,
                          &p.nitrification_k20_per_d, &p.denitrification_k20_per_d, &p.orgp_hydrolysis_k20_per_d})
            *k = log_uniform(0.01, 3.0);
        p.cbod_settling_m_d = u01(rng) < 0.5 ? 0.0 : log_uniform(0.01, 1.0);
        p.ip_settling_m_d = u01(rng) < 0.5 ? 0.0 : log_uniform(0.01, 0.5);
        p.codmn_o2_ratio = u01(rng) < 0.5 ? 0.0 : u01(rng);
        p.cod_o2_ratio = u01(rng) < 0.5 ? 0.0 : u01(rng);
        Environment env = random_environment([&] { return u01(rng); }, 8.0, 0.05, 200.0, 3.0);
        const int kind = trial % 6;
        if (kind >= 3) {  // equal rates at the run's temperature (theta 1 for the ones made equal)
            const double eps = kind == 5 ? 1e-9 : 0.0;
            p.cbod_theta = p.ka_theta = p.orgn_hydrolysis_theta = p.nitrification_theta = p.denitrification_theta =
                p.orgp_hydrolysis_theta = 1.0;
            p.orgn_settling_m_d = p.orgp_settling_m_d = 0.0;
            p.nitrification_k20_per_d = p.orgn_hydrolysis_k20_per_d * (1.0 + eps);
            p.denitrification_k20_per_d = p.orgn_hydrolysis_k20_per_d * (1.0 - eps);
            env.ka20_per_d = (p.cbod_k20_per_d + p.cbod_settling_m_d / env.depth_m) * (1.0 + eps);
            p.ip_settling_m_d = p.orgp_hydrolysis_k20_per_d * env.depth_m;
            if (kind == 4) env.ka20_per_d = p.orgn_hydrolysis_k20_per_d;  // DO's rate equal to the N chain's
        }
        LinearForm f;
        f.process = process_table(p, env, 0.0);
        const double h = log_uniform(0.01, 5.0);  // days
        State y0{};
        for (int i = 0; i < kNumSpecies; ++i) y0[i] = log_uniform(0.01, 30.0);
        if (u01(rng) < 0.5)
            for (int i = 0; i < kNumSpecies; ++i) {
                f.inflow0[i] = log_uniform(1e-3, 5.0);
                f.inflow1[i] = (u01(rng) - 0.5) * f.inflow0[i] / h;
            }
        if (u01(rng) < 0.5)
            for (int q = 0; q < kNumProcesses; ++q) f.r1[q] = (u01(rng) - 0.5) * f.process[q].r0 / h;
        const double ka = -f.process[Reaeration].k;  // 1/d at the temperature
        if (ka * h > 4.0) ++stiff_cases;
        const AffineSolution fast = solve_linear(f, y0, h), ref = solve_affine(f, y0, h);
        double scale = 0.0;
        for (int i = 0; i < kNumSpecies; ++i) scale = std::max({scale, std::abs(ref.y[i]), std::abs(y0[i])});
        for (int i = 0; i < kNumSpecies; ++i) {
            const double d = std::abs(fast.y[i] - ref.y[i]) / (std::abs(ref.y[i]) + 1e-3 * scale);
            worst_y = std::max(worst_y, d);
            INFO("trial " << trial << " species " << i << ": " << fast.y[i] << " vs " << ref.y[i]);
            CHECK(d <= 1e-11);
        }
        for (int q = 0; q < kNumProcesses; ++q) {
            const double d = std::abs(fast.processed[q] - ref.processed[q]) /
                             (std::abs(ref.processed[q]) + 1e-3 * scale * std::max(h, 1.0));
            worst_p = std::max(worst_p, d);
            INFO("trial " << trial << " process " << q << ": " << fast.processed[q] << " vs " << ref.processed[q]);
            CHECK(d <= 1e-10);
        }
    }
    // the tolerances: both solutions are exact to rounding; the reference's scaling and squaring of stiff
    // segments (up to 2^9 squarings) and the forward substitution of the integrals (divided by a_ii, small where a
    // rate is small) lose more digits than the series, hence 1e-11 for the state (relative to the species, or to
    // 1e-3 of the largest species where it is nearly 0) and 1e-10 for the process integrals (measured: 1.3e-12, 6.8e-12).
    INFO("worst state difference " << worst_y << ", process integrals " << worst_p << ", stiff cases " << stiff_cases);
    CHECK(stiff_cases > 100);
    WARN("fast vs general linear solve: worst relative difference " << worst_y << " (state), " << worst_p
                                                                    << " (process integrals)");
}
