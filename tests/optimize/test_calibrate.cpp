// Calibration recovers the rates used to make synthetic observations; goodness-of-fit statistics against hand values.
#include <catch2/catch.hpp>

#include <cmath>

#include <filesystem>
#include <fstream>

#include "../io/helpers.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "optimize/calibrate.hpp"
#include "tests/common/case_builders.hpp"
#include "village_case.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

// Main stem (30 km, u = 0.3 m/s) with a tributary joining at 15 km and two plants; four sections along it.
CaseModel basin(PerConstituent k20, double temperature_c) {
    reaches::NetworkBuilder b;
    auto reach = [](const char* id, const char* down, double km, double u, double q, PerConstituent c) {
        return test::reach(id, id, down, km, hydro::Hydraulics::constant(u), q, c);
    };
    b.add(reach("M1", "M2", 15.0, 0.3, 6.0, {8.0, 0.2, 0.04}));
    b.add(reach("T", "M2", 8.0, 0.2, 1.5, {12.0, 0.4, 0.08}));
    b.add(reach("M2", "", 15.0, 0.35, 0.0, {}));
    CaseModel m;
    m.net = b.finish();
    m.kinetics.k20_per_d = k20;
    m.kinetics.theta = {1.047, 1.07, 1.024};
    m.temperature_c = temperature_c;
    m.sources = {test::source("P1", "sewage_plant", 0, 2000.0, 0.4, test::load_of(0.4, {50, 5, 0.5})),
                 test::source("P2", "sewage_plant", 2, 1000.0, 0.3, test::load_of(0.3, {60, 8, 1.0}))};
    m.sections = {test::section("A", 0, 8000.0), test::section("B", 0, 15000.0), test::section("C", 2, 6000.0),
                  test::section("D", 2, 15000.0)};
    return m;
}

// Every section's modelled concentrations as observations of the constituents `has` marks.
std::vector<ObservedValue> observed(const Evaluation& e, const std::array<bool, kNumConstituents>& has) {
    std::vector<ObservedValue> obs;
    for (std::size_t s = 0; s < e.sections.size(); ++s) {
        ObservedValue o;
        o.section = static_cast<std::int32_t>(s);
        o.conc_mgL = e.sections[s].conc_mgL;
        o.has = has;
        obs.push_back(o);
    }
    return obs;
}

}  // namespace

TEST_CASE("calibration recovers the rates that made the observations", "[calibrate]") {
    // synthetic observations from k20 = (0.35, 0.25, 0.08) at 15 degC; the case starts from (0.2, 0.15, 0.05)
    const PerConstituent k_true{0.35, 0.25, 0.08};
    const CaseModel truth = basin(k_true, 15.0);
    const Evaluation e = evaluate(truth);
    std::vector<ObservedValue> obs = observed(e, uniform(true));
    obs[0].has[2] = false;  // a missing TP value is skipped, not read as 0

    const CaseModel start = basin({0.2, 0.15, 0.05}, 15.0);
    const CalibrationResult r = calibrate(start, obs);
    REQUIRE(r.parameters.size() == 3);
    for (int c = 0; c < kNumConstituents; ++c) {
        // the model is exact and the observations noise-free: BOBYQA stops at its tolerance; 1e-6 relative asked
        CHECK(r.parameters[c].fitted == Approx(k_true[c]).epsilon(1e-6));
        CHECK(r.parameters[c].initial == Approx(start.kinetics.k20_per_d[c]));
        CHECK_FALSE(r.parameters[c].at_bound);
        CHECK(r.after[c].rmse_mgL < 1e-6 * e.sections[3].conc_mgL[c]);
        CHECK(r.after[c].nse == Approx(1.0).margin(1e-9));
        CHECK(r.before[c].rmse_mgL > 100.0 * r.after[c].rmse_mgL);
    }
    CHECK(r.after[2].n == 3);
    CHECK(r.after[0].n == 4);
    CHECK(r.residuals.size() == 11);
    CHECK(r.objective_after < 1e-10 * r.objective_before);
    CHECK(r.fitted.kinetics.k20_per_d[1] == r.parameters[1].fitted);
}

TEST_CASE("calibration: bounds hold and are reported", "[calibrate]") {
    // observations made with k_COD = 0.6 but the range allowed is [0.05, 0.4]: the fit stops at 0.4
    const CaseModel truth = basin({0.6, 0.15, 0.05}, 20.0);
    const Evaluation e = evaluate(truth);
    const std::vector<ObservedValue> obs = observed(e, {true, false, false});
    CalibrationOptions opt;
    opt.fit_k = {true, false, false};
    opt.k_low[0] = 0.05;
    opt.k_high[0] = 0.4;
    const CalibrationResult r = calibrate(basin({0.2, 0.15, 0.05}, 20.0), obs, opt);
    REQUIRE(r.parameters.size() == 1);
    CHECK(r.parameters[0].fitted == Approx(0.4).margin(1e-9));
    CHECK(r.parameters[0].at_bound);
}

TEST_CASE("calibration: nothing to fit is an input error", "[calibrate]") {
    const CaseModel m = basin({0.2, 0.15, 0.05}, 20.0);
    ObservedValue o;
    o.section = 0;
    o.conc_mgL = {10, 0, 0};
    o.has = {true, false, false};
    CalibrationOptions opt;
    opt.fit_k = {false, true, false};  // NH3-N asked, only COD observed
    CHECK_THROWS_AS(calibrate(m, {o}, opt), InputError);
    ObservedValue bad = o;
    bad.section = 9;
    CHECK_THROWS_AS(calibrate(m, {bad}, {}), InputError);
}

TEST_CASE("goodness of fit: RMSE, bias, NSE and R2 by hand", "[calibrate]") {
    // o = (1, 2, 3, 4), m = (1.5, 2, 2.5, 5): errors (0.5, 0, -0.5, 1)
    // SSE = 1.5, RMSE = sqrt(1.5/4) = 0.612372, bias = 1/4 = 0.25, sum (o - 2.5)^2 = 5 -> NSE = 1 - 1.5/5 = 0.7
    // Pearson: mean m = 2.75; cov = sum (o-2.5)(m-2.75) = (-1.5)(-1.25) + (-0.5)(-0.75) + (0.5)(-0.25) + (1.5)(2.25) = 5.5
    // sum (m - 2.75)^2 = 1.5625 + 0.5625 + 0.0625 + 5.0625 = 7.25 -> R2 = 5.5^2 / (5 * 7.25) = 0.834483
    const FitStats s = fit_stats({1, 2, 3, 4}, {1.5, 2, 2.5, 5});
    CHECK(s.n == 4);
    CHECK(s.rmse_mgL == Approx(std::sqrt(1.5 / 4.0)).epsilon(1e-14));
    CHECK(s.bias_mgL == Approx(0.25).epsilon(1e-14));
    CHECK(s.nse == Approx(0.7).epsilon(1e-14));
    CHECK(s.r2 == Approx(30.25 / 36.25).epsilon(1e-14));
    const FitStats one = fit_stats({2}, {3});
    CHECK(std::isnan(one.nse));  // a single value has no variance to explain
    CHECK(one.rmse_mgL == Approx(1.0));
}

TEST_CASE("calibration of an entry coefficient recovers the value behind the observations", "[calibrate]") {
    // One reach (Q = 2 m3/s, k = 0) with a village: C_end = Cb + 86400 x 40 / 1000 / 86.4 / 2 x entry = Cb + 20 entry.
    // Observations made with entry = 0.3 (within the row's range 0.1-0.4); the case starts from 0.2.
    const CaseModel m = test::village_case(6.0, 2.0, {8.0, 0.1, 0.02}, {40.0, 4.0, 0.5});
    REQUIRE(evaluate(m).sections[0].conc_mgL[0] == Approx(8.0 + 20.0 * 0.2).epsilon(1e-12));  // the setup, by hand

    ObservedValue o;
    o.section = 0;
    o.conc_mgL = {8.0 + 20.0 * 0.3, 0.1 + 2.0 * 0.3, 0.02 + 0.25 * 0.3};  // NH3-N 4 g, TP 0.5 g per person per day
    o.has = uniform(true);
    CalibrationOptions opt;
    opt.fit_k = {};
    opt.fit_entry = true;
    const CalibrationResult r = calibrate(m, {o}, opt);
    REQUIRE(r.parameters.size() == 1);
    CHECK(r.parameters[0].key == "coefficient.rural_entry.default.entry");
    CHECK(r.parameters[0].fitted == Approx(0.3).epsilon(1e-6));  // noise-free observations; 1e-6 relative asked
    CHECK(r.after[0].rmse_mgL < 1e-5);
}

TEST_CASE("an observations table named under [tables] is the one read", "[calibrate][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = qingliu::test::temp_dir("obs-named");
    fs::copy(std::string(QINGLIU_SOURCE_DIR) + "/tests/data/mini", dir);
    std::ofstream(dir / "monitoring_2023.csv") << "section_id,date,cod_mgL,nh3n_mgL,tp_mgL\nS03,2023-01-15,12.5,,0.11\n";
    {
        std::ifstream in(dir / "case.toml");
        std::string text((std::istreambuf_iterator<char>(in)), {});
        text.replace(text.find("[tables]"), 8, "[tables]\nobservations = \"monitoring_2023.csv\"");
        std::ofstream(dir / "case.toml") << text;
    }
    const auto lc = qingliu::io::load_case(dir.string());
    REQUIRE(lc.observations);
    const auto t = qingliu::io::read_observations(lc);
    CHECK(t.file.find("monitoring_2023.csv") != std::string::npos);
    REQUIRE(t.values.size() == 1);  // one record: COD and TP observed, NH3-N empty
    CHECK(t.values[0].has == std::array<bool, 3>{true, false, true});
    CHECK(t.values[0].conc_mgL[0] == 12.5);
    fs::remove_all(dir);
}
