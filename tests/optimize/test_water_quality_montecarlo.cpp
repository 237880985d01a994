// Monte Carlo of the water-quality kinetic rates (wq.* keys of scenarios/uncertainty.hpp): on one reach where BOD5 at
// the section is a closed form of the drawn CBOD oxidation rate, the ensemble's quantiles and mean against those of
// the analytic distribution; the same seed gives the same numbers on one thread and on all; the keys are checked.
#include <catch2/catch.hpp>

#include <cmath>

#include <tbb/global_control.h>

#include "analyses/water_quality.hpp"
#include "optimize/water_quality_montecarlo.hpp"
#include "tests/common/case_builders.hpp"
#include "tests/common/uncertain.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {

// One reach, 0.2 m/s and 1 m deep at every flow, 1 m3/s of headwater, 34.56 km: t = 2 d to the section at its end;
// 20 degC, so k = k20.
constexpr double kU = 0.2, kLengthKm = 34.56, kTravelD = kLengthKm * 1000.0 / kU / 86400.0;

CaseModel one_reach_case() {
    PerConstituent c{};
    c[idx(*constituent_from_key("cod"))] = 20.0;
    c[idx(*constituent_from_key("nh3n"))] = 0.5;
    c[idx(*constituent_from_key("tp"))] = 0.1;
    reaches::NetworkBuilder b;
    b.add(test::reach("R", "河", "", kLengthKm, hydro::Hydraulics::geometry(kU, 0.0, 1.0, 0.0), 1.0, c));
    CaseModel m;
    m.net = b.finish();
    m.temperature_c = 20.0;
    m.sections = {test::section("S", 0, kLengthKm * 1000.0, 3)};
    return m;
}

// CBOD changes by oxidation alone: no oxygen effects, no denitrification (which would consume CBOD), no settling.
WaterQualityOptions only_oxidation() {
    WaterQualityOptions o;
    o.steady.params.cbod_o2_effect = wq::O2Effect::None;
    o.steady.params.nitrification_o2_effect = wq::O2Effect::None;
    o.steady.params.denitrification_o2_effect = wq::O2Effect::None;
    o.steady.params.denitrification_k20_per_d = 0.0;
    o.steady.params.cbod_settling_m_d = 0.0;
    return o;
}

using test::uncertain;

}  // namespace

TEST_CASE("water-quality Monte Carlo of the CBOD rate: BOD5 quantiles against the closed form's", "[water_quality][montecarlo]") {
    const CaseModel m = one_reach_case();
    const WaterQualityOptions o = only_oxidation();
    const double a = 0.1, b = 0.5;  // k20 of CBOD oxidation uniform on [a, b] (1/d)
    const std::vector<UncertainParameter> params = {uncertain("wq.cbod.k20_per_d", a, b), uncertain("wq.reaeration.scale", 0.5, 2.0)};
    Problems probs;
    check_uncertainty(m, params, probs);
    REQUIRE(probs.empty());
    MonteCarloOptions mo;
    mo.draws = 4000;
    mo.seed = 42;
    const WqMonteCarloResult r = monte_carlo_water_quality(m, o, params, mo);
    // BOD5 at the section: B0 exp(-k t), B0 the headwater's BOD5, t = 2 d; decreasing in k, so its p-quantile is at
    // k's (1 - p)-quantile a + (1 - p)(b - a)
    const WaterQualityProblem p = water_quality_problem(m, o);
    const double k1 = p.steady.params.bod_bottle_k_per_d;
    const double b0 = wq::bod5_from_cbodu(p.data.headwater_conc_mgL[0][wq::CBOD], k1);
    const WqItemBand* bod5 = nullptr;
    for (const auto& it : r.sections[0].items)
        if (it.key == "bod5") bod5 = &it;
    REQUIRE(bod5 != nullptr);
    const double t = kTravelD, n = static_cast<double>(mo.draws);
    for (const auto& [q, got] : {std::pair{0.05, bod5->p5}, std::pair{0.50, bod5->p50}, std::pair{0.95, bod5->p95}}) {
        const double k = a + (1.0 - q) * (b - a);
        const double exact = b0 * std::exp(-k * t);
        // Monte Carlo tolerance: 4 standard errors of the sample quantile of k, sqrt(q (1 - q) / n) / f_k with
        // f_k = 1 / (b - a), carried to BOD5 by d ln BOD5 / dk = -t
        const double tol = t * 4.0 * std::sqrt(q * (1.0 - q) / n) * (b - a);
        INFO("q " << q << " exact " << exact << " Monte Carlo " << got << " tolerance " << tol);
        CHECK(std::abs(got / exact - 1.0) < tol);
    }
    // mean: E[B0 e^{-kt}] = B0 (e^{-at} - e^{-bt}) / ((b - a) t); tolerance 4 standard errors sd / sqrt(n), with
    // E[e^{-2kt}] = (e^{-2at} - e^{-2bt}) / (2 (b - a) t)
    const double m1 = (std::exp(-a * t) - std::exp(-b * t)) / ((b - a) * t);
    const double m2 = (std::exp(-2 * a * t) - std::exp(-2 * b * t)) / (2 * (b - a) * t);
    const double sd = b0 * std::sqrt(m2 - m1 * m1);
    CHECK(std::abs(bod5->mean - b0 * m1) < 4.0 * sd / std::sqrt(n));
    // the drawn reaeration moves DO: its 5-95 % band is open (the rates are drawn, not fixed)
    for (const auto& it : r.sections[0].items)
        if (it.key == "do") CHECK(it.p95 - it.p5 > 0.01);

    // same seed, one thread: the same numbers
    WqMonteCarloResult one;
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
        one = monte_carlo_water_quality(m, o, params, mo);
    }
    for (std::size_t i = 0; i < r.sections[0].items.size(); ++i) {
        CHECK(one.sections[0].items[i].p5 == r.sections[0].items[i].p5);
        CHECK(one.sections[0].items[i].p50 == r.sections[0].items[i].p50);
        CHECK(one.sections[0].items[i].mean == r.sections[0].items[i].mean);
    }
}

TEST_CASE("water-quality uncertain parameters: keys and ranges checked against the parameter table", "[water_quality][montecarlo]") {
    const CaseModel m = one_reach_case();
    Problems probs;
    check_uncertainty(m,
                      {uncertain("wq.nitrification.k20_per_d", 0.05, 0.5), uncertain("wq.sod.g_m2_d", 0.0, 4.0),
                       uncertain("wq.cbod.k20_per_d", 0.1, 20.0),       // above the table's 10 /d
                       uncertain("wq.reaeration.scale", 0.01, 2.0),     // below 0.1
                       uncertain("wq.no_such_rate", 0.0, 1.0)},
                      probs);
    REQUIRE(probs.items().size() == 3);
    CHECK(probs.items()[0].message.find("range") != std::string::npos);
    CHECK(probs.items()[1].message.find("[0.1, 10]") != std::string::npos);
    CHECK(probs.items()[2].message.find("unknown parameter") != std::string::npos);
    CHECK(is_water_quality_key("wq.orgn.hydrolysis_k20_per_d"));
    CHECK_FALSE(is_water_quality_key("kinetics.cod.k20_per_d"));
}
