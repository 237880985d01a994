// Monte Carlo per scenario: P(meets) of the baseline and a scenario against the closed form of a one-reach case with
// a uniformly distributed load; the same numbers whatever the split of the work into blocks (the property MPI runs
// rely on); zero-width ranges give each scenario's deterministic verdict; the progress line's ETA.
#include <catch2/catch.hpp>

#include <cmath>

#include "app/draw_progress.hpp"
#include "optimize/montecarlo.hpp"
#include "tests/common/case_builders.hpp"
#include "tests/common/uncertain.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

// One reach of 20 km at a constant 0.25 m/s, headwater 5 m3/s at (10, 0.2, 0.05) mg/L, a sewage plant at 5 km
// (0.5 m3/s, 30 g/s COD), a class III section at the end. Plug flow with complete mixing at the plant:
//   C_end = (Q_h c0 exp(-k T) + L exp(-k t2)) / (Q_h + q) = A + f B   for a load multiplier f,
// T = 20 km / 0.25 m/s = 80000 s, t2 = 15 km / 0.25 m/s = 60000 s.
constexpr double kQh = 5.0, kC0 = 10.0, kQp = 0.5, kLcod = 30.0, kK = 0.2;

CaseModel plant_reach() {
    CaseModel m;
    m.net = test::one_reach(20.0, 0.25, kQh, {kC0, 0.2, 0.05});
    m.kinetics.k20_per_d = {kK, 0.1, 0.02};
    m.temperature_c = 20.0;
    m.sources = {test::source("P", "sewage_plant", 0, 5000.0, kQp, {kLcod, 0.5, 0.05})};
    m.sections = {test::section("end", 0, 20000.0)};
    return m;
}

Scenario cut_plant(double share) {
    Measure me;
    me.id = "cut";
    me.kind = MeasureKind::SourceReduction;
    me.sources = {0};
    me.removal = {share, share, share};
    Scenario sc;
    sc.id = "cut";
    sc.name = "削减";
    sc.measures = {me};
    return sc;
}

using test::uncertain;

}  // namespace

TEST_CASE("Monte Carlo per scenario: P(meets) against the closed form of a uniform load", "[montecarlo]") {
    const CaseModel m = plant_reach();
    const Scenario cut = cut_plant(0.5);
    const double T = 20000.0 / 0.25 / 86400.0, t2 = 15000.0 / 0.25 / 86400.0;  // d
    const double A = kQh * kC0 * std::exp(-kK * T) / (kQh + kQp), B = kLcod * std::exp(-kK * t2) / (kQh + kQp);
    REQUIRE(evaluate(m).sections[0].conc_mgL[0] == Approx(A + B).epsilon(1e-9));  // the setup, by hand
    // load.sewage_plant f ~ U(1.5, 6): class III COD (20 mg/L) is met when f <= f* = (20 - A) / B, so
    //   P = (f* - 1.5) / 4.5 = 0.24927 for the baseline; with half the plant's load cut, f* doubles: P = 0.83188.
    const double lo = 1.5, hi = 6.0;
    const double p_base = std::clamp(((20.0 - A) / B - lo) / (hi - lo), 0.0, 1.0);
    const double p_cut = std::clamp((2.0 * (20.0 - A) / B - lo) / (hi - lo), 0.0, 1.0);
    REQUIRE(p_base == Approx(0.24927).margin(1e-4));
    REQUIRE(p_cut == Approx(0.83188).margin(1e-4));
    MonteCarloOptions o;
    o.draws = 20000;
    o.seed = 2024;
    const auto r = monte_carlo_scenarios(m, {cut}, {uncertain("load.sewage_plant", lo, hi)}, o);
    REQUIRE(r.size() == 2);
    CHECK(r[0].id == "baseline");
    CHECK(r[1].id == "cut");
    // binomial standard error sqrt(p (1 - p) / N): 0.00306 (baseline), 0.00265 (cut); tolerance 4 standard errors
    for (const auto& [res, p] : {std::pair{&r[0], p_base}, std::pair{&r[1], p_cut}}) {
        const double se = std::sqrt(p * (1.0 - p) / static_cast<double>(o.draws));
        INFO(res->id << ": P = " << res->result.sections[0].p_meets << ", closed form " << p << ", se " << se);
        CHECK(std::abs(res->result.sections[0].p_meets - p) < 4.0 * se);
        // NH3-N and TP stay far below their class III limits: only COD decides
        CHECK(res->result.sections[0].p_meets_c[1] == 1.0);
        CHECK(res->result.sections[0].p_meets_c[2] == 1.0);
        CHECK(res->result.sections[0].p_meets_c[0] == res->result.sections[0].p_meets);
    }
    // common random numbers: draw i has the same f in both models, so every draw meeting under the baseline meets
    // under the cut, and the mean COD differs by exactly mean(f) B / 2 (to rounding, 1e-9 relative)
    CHECK(r[1].result.sections[0].p_meets >= r[0].result.sections[0].p_meets);
    CHECK(r[0].result.sections[0].mean[0] - r[1].result.sections[0].mean[0] ==
          Approx((r[0].result.sections[0].mean[0] - A) / 2.0).epsilon(1e-9));
}

TEST_CASE("Monte Carlo per scenario: the same numbers however the work is split into blocks", "[montecarlo]") {
    const CaseModel m = plant_reach();
    const std::vector<Scenario> chosen = {cut_plant(0.5), cut_plant(0.2)};
    const std::vector<UncertainParameter> ps = {uncertain("load.sewage_plant", 0.5, 4.0), uncertain("kinetics.cod.k20_per_d", 0.1, 0.5),
                                                uncertain("kinetics.nh3n.k20_per_d", 0.05, 0.3)};
    MonteCarloOptions o;
    o.draws = 301;
    o.seed = 11;
    const auto whole = monte_carlo_scenarios(m, chosen, ps, o);
    const std::size_t items = ensemble_items(chosen.size(), o.draws);
    REQUIRE(items == 903);
    for (int parts : {2, 3, 7}) {
        // blocks as ranks would take them, concatenated in rank order
        DrawBlock all;
        all.sections = m.sections.size();
        std::size_t next = 0;
        for (int p = 0; p < parts; ++p) {
            const auto [first, count] = ensemble_share(items, p, parts);
            CHECK(first == next);  // contiguous, in order
            next = first + count;
            const DrawBlock b = sample_ensemble(m, chosen, ps, o, first, count);
            all.conc_mgL.insert(all.conc_mgL.end(), b.conc_mgL.begin(), b.conc_mgL.end());
            all.meets.insert(all.meets.end(), b.meets.begin(), b.meets.end());
        }
        CHECK(next == items);
        all.count = items;
        const auto split = summarise_ensemble(m, chosen, ps, o, all);
        REQUIRE(split.size() == whole.size());
        for (std::size_t j = 0; j < whole.size(); ++j)
            for (std::size_t s = 0; s < m.sections.size(); ++s) {
                const auto &a = whole[j].result.sections[s], &b = split[j].result.sections[s];
                CHECK(a.p_meets == b.p_meets);  // bit for bit
                for (int c = 0; c < kNumConstituents; ++c) {
                    CHECK(a.p5[c] == b.p5[c]);
                    CHECK(a.p50[c] == b.p50[c]);
                    CHECK(a.p95[c] == b.p95[c]);
                    CHECK(a.mean[c] == b.mean[c]);
                }
            }
    }
    // shares differ by at most one item
    for (int p = 0; p < 7; ++p) CHECK(ensemble_share(items, p, 7).second >= items / 7);
    CHECK_THROWS(ensemble_share(items, 7, 7));
}

TEST_CASE("Monte Carlo per scenario: zero-width ranges give each scenario's deterministic verdict", "[montecarlo]") {
    const CaseModel m = plant_reach();
    const std::vector<Scenario> chosen = {cut_plant(0.5), cut_plant(0.0)};
    // f = 3: C = A + 3B > 20 (misses); with half cut A + 1.5 B < 20 (meets)
    const auto r = monte_carlo_scenarios(m, chosen, {uncertain("load.sewage_plant", 3.0, 3.0)}, [] {
        MonteCarloOptions o;
        o.draws = 20;
        return o;
    }());
    for (std::size_t j = 0; j < r.size(); ++j) {
        CaseModel d = m;
        for (auto& l : d.sources[0].load_gs) l *= 3.0;
        if (j > 0) d = apply_scenario(d, chosen[j - 1]);
        const Evaluation e = evaluate(d);
        CHECK(r[j].result.sections[0].p_meets == (e.sections[0].cls.meets ? 1.0 : 0.0));
        CHECK(r[j].result.sections[0].p50[0] == Approx(e.sections[0].conc_mgL[0]).epsilon(1e-14));
    }
    CHECK(r[0].result.sections[0].p_meets == 0.0);
    CHECK(r[1].result.sections[0].p_meets == 1.0);
}

TEST_CASE("Monte Carlo progress line: draws done of the total and the time left at the rate so far", "[montecarlo]") {
    // 1200 of 6000 in 12 s: 100 draws/s, 4800 left -> 48 s
    CHECK(app::draw_progress_text("monte carlo", 1200, 6000, 12.0) == "[monte carlo] 1200/6000 draws (20.0 %), 0:12 elapsed, ETA 0:48");
    // 1 of 3 in 1000 s -> 2000 s left = 33:20; an hour and more as h:mm:ss
    CHECK(app::draw_progress_text("mc", 1, 3, 1000.0) == "[mc] 1/3 draws (33.3 %), 16:40 elapsed, ETA 33:20");
    CHECK(app::draw_progress_text("mc", 1, 4, 1800.0) == "[mc] 1/4 draws (25.0 %), 30:00 elapsed, ETA 1:30:00");
    CHECK(app::draw_progress_text("mc", 0, 4, 1.0) == "[mc] 0/4 draws (0.0 %), 0:01 elapsed");  // no rate yet, no ETA
    CHECK(app::draw_progress_text("mc", 4, 4, 2.0) == "[mc] 4/4 draws (100.0 %), 0:02 elapsed");
}
