// Least-cost plan with sampled chance constraints (optimize/chance.hpp), on the one-reach village case whose
// section concentration has a closed form (village_case.hpp): with no decay,
//     NH3-N = 0.2 + 4 g/(person d) / 1 m3/s x entry x (1 - cut) = 0.2 + 4 e (1 - cut)  mg/L,
// the class III limit 1.0 mg/L is met iff e (1 - cut) <= 0.2, and the entry share e is triangular on [0.1, 0.4] with
// mode 0.2 (its coefficient row's low, high and value), CDF F(x) = (x - 0.1)^2 / 0.03 below the mode and
// 1 - (0.4 - x)^2 / 0.06 above. COD (10 + 1 x e) and TP (0.02 + 0.1 x e) never reach their limits (20, 0.2).
//   no measure:  P(meets) = F(0.2)        = 1/3
//   cut 30 %:    P(meets) = F(0.2 / 0.7)  = 1 - (0.4 - 2/7)^2 / 0.06 = 0.78231...
//   cut 50 %:    P(meets) = F(0.4)        = 1
#include <catch2/catch.hpp>

#include <cmath>

#include "optimize/chance.hpp"
#include "village_case.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

Candidate cut(const std::string& id, double share, double invest) {
    Candidate c;
    c.measure.id = id;
    c.measure.name = id;
    c.measure.kind = MeasureKind::SourceReduction;
    c.measure.sources = {0};
    c.measure.removal = uniform(share);
    c.measure.invest_wan = invest;
    c.group = "village";
    return c;
}

double tri_cdf(double x) {
    if (x <= 0.1) return 0.0;
    if (x >= 0.4) return 1.0;
    return x <= 0.2 ? (x - 0.1) * (x - 0.1) / 0.03 : 1.0 - (0.4 - x) * (0.4 - x) / 0.06;
}

}  // namespace

TEST_CASE("sampled chance constraints: the plan meets every design draw and its probability out of sample", "[optimize][chance]") {
    const CaseModel m = test::village_case(5.0, 1.0, {10.0, 0.2, 0.02}, {1.0, 4.0, 0.1});
    const std::vector<Candidate> cands = {cut("cut30", 0.3, 10.0), cut("cut50", 0.5, 30.0)};
    const std::vector<UncertainParameter> params;  // the entry coefficient's own low/high are drawn
    OptimizeOptions opt;
    opt.mos_fraction = 0.0;

    // Deterministic plan: at the coefficient's value (0.2) the section meets exactly, so nothing is needed.
    const OptimizeResult det = optimize(m, cands, opt);
    CHECK(det.chosen.empty());

    // Out-of-sample shares of each plan against the closed form: 4000 draws, binomial standard error
    // sqrt(P (1 - P) / 4000) <= 0.0079; 4 standard errors allowed.
    MonteCarloOptions mc;
    mc.seed = 7;
    const std::size_t V = 4000;
    for (const auto& [chosen, expected] : std::vector<std::pair<std::vector<std::size_t>, double>>{
             {{}, tri_cdf(0.2)}, {{0}, tri_cdf(0.2 / 0.7)}, {{1}, 1.0}}) {
        const double share = plan_meets_share(m, cands, chosen, params, mc, V)[0];
        INFO("plan of " << chosen.size() << " measure(s): " << share << " against " << expected);
        CHECK(std::abs(share - expected) <= 4.0 * std::sqrt(expected * (1.0 - expected) / V) + 1e-12);
    }
    CHECK(std::abs(tri_cdf(0.2) - 1.0 / 3.0) < 1e-12);
    CHECK(std::abs(tri_cdf(0.2 / 0.7) - (1.0 - std::pow(0.4 - 2.0 / 7.0, 2) / 0.06)) < 1e-12);

    // With p = 0.9 the 30 % cut (P = 0.782) cannot hold: the plan is the 50 % cut, it meets in every design draw
    // (full re-evaluation) and out of sample in every check draw (P = 1).
    ChanceOptions ch;
    ch.p = 0.9;
    ch.design_draws = 30;
    ch.check_draws = 2000;
    ch.mc = mc;
    const ChanceResult r = optimize_chance(m, cands, opt, {}, params, ch);
    REQUIRE(r.plan.chosen == std::vector<std::size_t>{1});
    CHECK(r.holds);
    CHECK(r.rounds == 1);
    CHECK(r.declared == 1);
    CHECK(r.conditions.size() == 1 + r.design_draws);
    CHECK(r.sections[0].p_meets == 1.0);
    for (std::size_t i = 0; i < r.design_draws; ++i)
        CHECK(evaluate(apply_plan(draw_case(m, params, mc, i), cands, r.plan.chosen)).sections[0].cls.meets);
    // the check draws are not the design draws
    CHECK(r.check_seed != mc.seed);
    const auto [lo, hi] = wilson95(2000, 2000);
    CHECK(r.sections[0].low95 == Approx(lo));
    CHECK(hi == 1.0);
}

TEST_CASE("Wilson score interval against a hand computation", "[optimize][chance]") {
    // k = 80 of n = 100, z = 1.96: centre (0.8 + 1.9208/100) / 1.038416 = 0.78890, half-width
    // 1.96 sqrt(0.0016 + 0.000096040) / 1.038416 = 0.077734 (computed by hand to 5 digits)
    const auto [lo, hi] = wilson95(80, 100);
    CHECK(lo == Approx(0.78890 - 0.077734).margin(2e-5));
    CHECK(hi == Approx(0.78890 + 0.077734).margin(2e-5));
}
