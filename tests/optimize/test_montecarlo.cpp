// Monte Carlo: reproducible for a seed, independent of the thread count, equal to the deterministic run when the
// ranges have zero width, and its probability of meeting a target against the closed form for a uniform k.
#include <catch2/catch.hpp>

#include <cmath>

#include <tbb/global_control.h>

#include "optimize/montecarlo.hpp"
#include "tests/common/case_builders.hpp"
#include "tests/common/uncertain.hpp"
#include "village_case.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

// Headwater only: C(L) = C0 exp(-k L / u). Reach 20 km, u = 0.25 m/s (travel time 80000 s = 0.9259 d).
CaseModel headwater_reach(PerConstituent c0, PerConstituent k) {
    CaseModel m;
    m.net = test::one_reach(20.0, 0.25, 5.0, c0);
    m.kinetics.k20_per_d = k;
    m.temperature_c = 20.0;
    m.sources = {test::source("P", "sewage_plant", 0, 5000.0, 0.5, {10.0, 1.0, 0.1})};
    m.sections = {test::section("mid", 0, 10000.0), test::section("end", 0, 20000.0)};
    return m;
}

using test::uncertain;

void require_identical(const MonteCarloResult& a, const MonteCarloResult& b) {
    REQUIRE(a.sections.size() == b.sections.size());
    for (std::size_t s = 0; s < a.sections.size(); ++s) {
        CHECK(a.sections[s].p_meets == b.sections[s].p_meets);
        for (int c = 0; c < kNumConstituents; ++c) {
            CHECK(a.sections[s].p5[c] == b.sections[s].p5[c]);  // bit for bit
            CHECK(a.sections[s].p50[c] == b.sections[s].p50[c]);
            CHECK(a.sections[s].p95[c] == b.sections[s].p95[c]);
            CHECK(a.sections[s].mean[c] == b.sections[s].mean[c]);
        }
    }
}

}  // namespace

TEST_CASE("Monte Carlo: same seed, same result, whatever the thread count", "[montecarlo]") {
    const CaseModel m = headwater_reach({18, 0.8, 0.15}, {0.2, 0.15, 0.05});
    const std::vector<UncertainParameter> ps = {uncertain("kinetics.cod.k20_per_d", 0.1, 0.4, Distribution::Triangular),
                                                uncertain("kinetics.nh3n.k20_per_d", 0.05, 0.3),
                                                uncertain("kinetics.tp.theta", 1.0, 1.05), uncertain("load.sewage_plant", 0.8, 1.3)};
    Problems probs;
    check_uncertainty(m, ps, probs);
    REQUIRE(probs.empty());
    MonteCarloOptions o;
    o.draws = 400;
    o.seed = 7;
    MonteCarloResult one, many, again;
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
        one = monte_carlo(m, ps, o);
    }
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 4);
        many = monte_carlo(m, ps, o);
    }
    again = monte_carlo(m, ps, o);
    require_identical(one, many);
    require_identical(one, again);
    o.seed = 8;
    const MonteCarloResult other = monte_carlo(m, ps, o);
    CHECK(other.sections[1].p50[0] != one.sections[1].p50[0]);  // another seed, other draws
    // bands are ordered
    for (const auto& b : one.sections)
        for (int c = 0; c < kNumConstituents; ++c) {
            CHECK(b.p5[c] <= b.p50[c]);
            CHECK(b.p50[c] <= b.p95[c]);
        }
}

TEST_CASE("Monte Carlo: zero-width ranges give the deterministic run", "[montecarlo]") {
    const CaseModel m = headwater_reach({18, 0.8, 0.15}, {0.2, 0.15, 0.05});
    std::vector<UncertainParameter> ps;
    for (auto c : kConstituents) {
        ps.push_back(uncertain("kinetics." + std::string(key(c)) + ".k20_per_d", m.kinetics.k20_per_d[idx(c)],
                           m.kinetics.k20_per_d[idx(c)], Distribution::Triangular));
        ps.push_back(uncertain("kinetics." + std::string(key(c)) + ".theta", m.kinetics.theta[idx(c)], m.kinetics.theta[idx(c)]));
    }
    ps.push_back(uncertain("load.sewage_plant", 1.0, 1.0));
    MonteCarloOptions o;
    o.draws = 50;
    const MonteCarloResult r = monte_carlo(m, ps, o);
    const Evaluation e = evaluate(m);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        CHECK(r.sections[s].p_meets == (e.sections[s].cls.meets ? 1.0 : 0.0));
        for (int c = 0; c < kNumConstituents; ++c) {
            // same inputs, same arithmetic: equal to rounding (1e-14 relative)
            CHECK(r.sections[s].p5[c] == Approx(e.sections[s].conc_mgL[c]).epsilon(1e-14));
            CHECK(r.sections[s].p95[c] == Approx(e.sections[s].conc_mgL[c]).epsilon(1e-14));
            CHECK(r.sections[s].mean[c] == Approx(e.sections[s].conc_mgL[c]).epsilon(1e-14));
        }
    }
}

TEST_CASE("Monte Carlo: probability of meeting the target against the closed form for a uniform k", "[montecarlo]") {
    // Headwater COD 30 mg/L, no sources reaching the first section... use the whole reach with the plant removed:
    // C(L) = 30 exp(-k t), t = 80000 s = 0.925926 d. Class III (20 mg/L) is met when k >= k* = ln(30/20) / t.
    // k ~ U(0.2, 0.8) 1/d: P = (0.8 - k*) / 0.6 with k* = 0.437906 -> P = 0.603490.
    CaseModel m = headwater_reach({30, 0.2, 0.05}, {0.5, 0.0, 0.0});
    m.sources.clear();
    const double t_d = 20000.0 / 0.25 / 86400.0;
    const double kstar = std::log(30.0 / 20.0) / t_d;
    const double p_exact = (0.8 - kstar) / 0.6;
    MonteCarloOptions o;
    o.draws = 20000;
    o.seed = 12345;
    const MonteCarloResult r = monte_carlo(m, {uncertain("kinetics.cod.k20_per_d", 0.2, 0.8)}, o);
    // binomial standard error sqrt(p (1 - p) / N) = 0.00346; tolerance 4 standard errors
    const double se = std::sqrt(p_exact * (1 - p_exact) / 20000.0);
    CHECK(std::abs(r.sections[1].p_meets - p_exact) < 4.0 * se);
    CHECK(r.sections[1].p_meets_c[0] == r.sections[1].p_meets);  // NH3-N and TP always meet here
    // quantiles map through the monotone C(k): p95 of C is C at the 5 % quantile of k, 30 exp(-(0.2 + 0.03) t).
    // The sample 5 % quantile of U(0.2, 0.8) has standard error 0.6 sqrt(0.05 * 0.95 / N) = 0.00092 1/d, which moves
    // C by about 0.00092 t C = 0.0195 mg/L; tolerance 0.08 mg/L (4 standard errors).
    CHECK(r.sections[1].p95[0] == Approx(30.0 * std::exp(-0.23 * t_d)).margin(0.08));
    CHECK(r.sections[1].p50[0] == Approx(30.0 * std::exp(-0.5 * t_d)).margin(0.08));
    // first section (10 km, t/2): P(k >= 2 k*) = (0.8 - 0.875812) / 0.6 < 0 -> never meets
    CHECK(r.sections[0].p_meets == 0.0);
}

TEST_CASE("Monte Carlo: triangular draws have the triangular mean", "[montecarlo]") {
    // mean of a triangular (a, c, b) is (a + b + c) / 3; mode = the case value 0.2 on [0.1, 0.5] -> 0.26667.
    // Standard deviation sqrt((a^2+b^2+c^2-ab-ac-bc)/18) = 0.08498; over 20000 draws the mean's standard error is
    // 0.00060; tolerance 4 standard errors.
    const CaseModel m = headwater_reach({18, 0.8, 0.15}, {0.2, 0.15, 0.05});
    const std::vector<UncertainParameter> ps = {uncertain("kinetics.cod.k20_per_d", 0.1, 0.5, Distribution::Triangular)};
    MonteCarloOptions o;
    double sum = 0.0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) sum += draw_case(m, ps, o, static_cast<std::size_t>(i)).kinetics.k20_per_d[0];
    CHECK(sum / n == Approx((0.1 + 0.5 + 0.2) / 3.0).margin(4 * 0.08498 / std::sqrt(double(n))));
}

TEST_CASE("Monte Carlo: bad ranges are reported with their record", "[montecarlo]") {
    const CaseModel m = headwater_reach({18, 0.8, 0.15}, {0.2, 0.15, 0.05});
    std::vector<UncertainParameter> ps = {uncertain("kinetics.cod.k20_per_d", 0.5, 0.1), uncertain("kinetics.tp.theta", 0.5, 1.1),
                                          uncertain("load.no_such_type", 0.5, 1.5), uncertain("kinetics.do.k20_per_d", 0, 1)};
    for (std::size_t i = 0; i < ps.size(); ++i) {
        ps[i].file = "uncertainty.csv";
        ps[i].record = "row " + std::to_string(i + 2);
    }
    Problems probs;
    check_uncertainty(m, ps, probs);
    REQUIRE(probs.size() == 4);
    CHECK(probs.items()[0].record == "row 2");
    CHECK(probs.items()[1].record == "row 3");  // theta below the table's minimum 1.0
    CHECK(probs.items()[3].field == "parameter");
}


TEST_CASE("Monte Carlo: inventory coefficients drawn from their low/high, against the triangular CDF", "[montecarlo]") {
    // Q = 1 m3/s, COD background 10 mg/L, 40 g COD per person per day: C = 10 + 40 entry mg/L.
    const CaseModel m = test::village_case(5.0, 1.0, {10.0, 0.1, 0.02}, {40.0, 0.0, 0.0});
    REQUIRE(evaluate(m).sections[0].conc_mgL[0] == Approx(10.0 + 40.0 * 0.2).epsilon(1e-12));  // the setup, by hand
    // class III (20 mg/L) is met when entry <= 0.25; entry ~ triangular(0.1, mode 0.2, 0.4):
    // P = 1 - (0.4 - 0.25)^2 / ((0.4 - 0.1)(0.4 - 0.2)) = 0.625
    MonteCarloOptions o;
    o.draws = 20000;
    o.seed = 99;
    const MonteCarloResult r = monte_carlo(m, {}, o);
    REQUIRE(r.drawn == std::vector<std::string>{"coefficient.rural_entry.default.entry"});
    const double se = std::sqrt(0.625 * 0.375 / 20000.0);  // binomial standard error; tolerance 4 of them
    CHECK(std::abs(r.sections[0].p_meets - 0.625) < 4.0 * se);
    // mean of C = 10 + 40 x mean entry = 10 + 40 x 0.7 / 3 = 19.3333; sd of entry 0.06236 -> standard error of the mean
    // of C 40 x 0.06236 / sqrt(20000) = 0.0176 mg/L; tolerance 4 of them
    CHECK(r.sections[0].mean[0] == Approx(10.0 + 40.0 * 0.7 / 3.0).margin(4 * 0.0176));
    // without coefficient draws nothing varies
    o.draw_coefficients = false;
    o.draws = 10;
    const MonteCarloResult fixed = monte_carlo(m, {}, o);
    CHECK(fixed.sections[0].p5[0] == Approx(18.0).epsilon(1e-12));
    CHECK(fixed.sections[0].p95[0] == Approx(18.0).epsilon(1e-12));
}
