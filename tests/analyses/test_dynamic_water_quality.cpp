// scenarios::simulate_water_quality, the dynamic water-quality model of `qingliu dynamic`, on a shipped case with
// [dynamic] and [water_quality] (Ledu): the N and P budgets over the year, and the daily and annual judgements
// recounted independently from the daily items.
#include <catch2/catch.hpp>

#include <cmath>

#include "../common/case_dynamic_wq.hpp"
#include "../io/helpers.hpp"
#include "analyses/dynamic_water_quality.hpp"
#include "io/case_reader.hpp"
#include "io/dynamic_inputs.hpp"

using namespace qingliu;
namespace wq = reaches::wq;

TEST_CASE("dynamic water quality of a case: budgets close, daily classes and shares of days recount", "[dynamic][water_quality]") {
    const auto ledu = test::case_dynamic_wq("ledu");
    const scenarios::Simulation& sim = ledu->sim;
    const scenarios::DynamicWaterQuality& dq = ledu->dq;
    const auto& w = dq.scenarios[0];
    const auto& m = sim.scenarios[0].model;
    const int days = sim.days;
    REQUIRE(w.result.obs_mgL.size() == static_cast<std::size_t>(days) + 1);

    // N and P: inflow + stored at the start + moved by the settle check = stored at the end + outflow + settled +
    // denitrified; the case's kinetics have oxygen effects (frozen-gate sub-pieces, each closing its budget): 1e-12
    // of the inflow
    auto imbalance = [&](std::initializer_list<int> species, double lost) {
        double in_g = 0.0, rest = lost;
        for (const int i : species) {
            in_g += w.input_g[i] + w.storage_start_g[i] + w.result.settled_g[i];
            rest += w.storage_end_g[i] + w.outlet_g[i];
        }
        return std::abs(in_g - rest) / in_g;
    };
    const auto& p = w.processed_g;
    CHECK(imbalance({wq::OrgN, wq::NH3N, wq::NO3N}, p[wq::OrgNSettling] + p[wq::Denitrification]) < 1e-12);
    CHECK(imbalance({wq::OrgP, wq::IP}, p[wq::OrgPSettling] + p[wq::IpSettling]) < 1e-12);

    // recount: each day's class is the worst assessed item's, the shares are the days whose item meets the target
    const std::size_t ni = w.items.size();
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const int target = m.sections[s].target_class;
        std::vector<int> met(ni, 0), assessed(ni, 0);
        int days_met = 0;
        for (int d = 0; d < days; ++d) {
            const std::size_t at = s * days + d;
            int worst = 0;
            for (std::size_t i = 0; i < ni; ++i) {
                const int c = w.daily_item_class[at * ni + i];
                if (c == 0) continue;
                worst = std::max(worst, c);
                ++assessed[i];
                met[i] += c <= target ? 1 : 0;
            }
            CHECK(w.daily_class[at] == worst);
            days_met += worst <= target ? 1 : 0;
            // the day's values are the model's: NH3-N, TP (organic + inorganic) from the section's cell
            const wq::State& c = w.result.obs_mgL[d + 1][s];
            CHECK(w.daily_mgL[at * ni + 4] == c[wq::NH3N]);
            CHECK(w.daily_mgL[at * ni + 5] == Approx(c[wq::OrgP] + c[wq::IP]).epsilon(1e-15));
        }
        CHECK(w.share_days[s] == Approx(double(days_met) / days).epsilon(1e-15));
        for (std::size_t i = 0; i < ni; ++i)
            if (assessed[i]) CHECK(w.share_days_item[s * ni + i] == Approx(double(met[i]) / assessed[i]).epsilon(1e-15));
            else CHECK(std::isnan(w.share_days_item[s * ni + i]));
        CHECK(w.steady.size() == m.sections.size());
    }
    CHECK(w.items[4] == "nh3n");
    CHECK(w.items[5] == "tp");
}

TEST_CASE("dynamic water quality of a case at a looser oxygen tolerance (qingliu dynamic --oxygen-tolerance)",
          "[dynamic][water_quality]") {
    // The frozen-gate sub-pieces' tolerance passed through to the solver: on Leshan (oxygen effects on) the year at
    // 1e-5 takes fewer solves and every section's every species on every day stays within 3e-5 of the default 1e-7
    // (relative above 1 mg/L, absolute below; the solver's own test holds 1e-5 to 1.2e-5 of dopri5 at 1e-12).
    const auto leshan = test::case_dynamic_wq("leshan");
    const scenarios::DynamicWaterQuality loose =
        scenarios::simulate_water_quality(leshan->sim, leshan->in, leshan->lc.water_quality.options, 3, {}, 1e-5);
    const auto& a = leshan->dq.scenarios[0].result;
    const auto& b = loose.scenarios[0].result;
    CHECK(leshan->dq.oxygen_effects);
    CHECK(loose.oxygen_tolerance == 1e-5);
    REQUIRE(a.frozen_solves > 0);
    CHECK(b.frozen_solves < 0.8 * a.frozen_solves);  // measured 21,309 against 34,592
    REQUIRE(a.obs_mgL.size() == b.obs_mgL.size());
    double worst = 0.0, moved = 0.0;
    for (std::size_t t = 0; t < a.obs_mgL.size(); ++t)
        for (std::size_t o = 0; o < a.obs_mgL[t].size(); ++o)
            for (int i = 0; i < wq::kNumSpecies; ++i) {
                const double x = a.obs_mgL[t][o][i], y = b.obs_mgL[t][o][i];
                worst = std::max(worst, std::abs(x - y) / std::max(1.0, std::abs(x)));
                moved = std::max(moved, std::abs(x - y));
            }
    INFO("largest difference " << worst << "; solves " << b.frozen_solves << " against " << a.frozen_solves);
    CHECK(worst < 3e-5);  // measured 7.7e-7
    CHECK(moved > 0.0);  // the tolerance reached the solver
}

TEST_CASE("dynamic water quality of a case: the exchange pieces (qingliu dynamic --exchange-step)", "[dynamic][water_quality]") {
    // Each reach takes its feeders' mean outflow over a piece, so it lags their transients within the piece. On
    // Leshan's baseline year, against pieces of 1/24 d (relative above 1 mg/L, absolute below): one piece a day leaves
    // the sections' values up to 0.021 off (about 0.2 mg/L of DO), the default 1/8 d 5.6e-4 (asserted 5e-3).
    const auto leshan = test::case_dynamic_wq("leshan");
    CHECK(leshan->dq.exchange_step_d == 0.125);  // the default
    auto run = [&](double step) {
        return scenarios::simulate_water_quality(leshan->sim, leshan->in, leshan->lc.water_quality.options, 3, {}, 0.0, step);
    };
    const scenarios::DynamicWaterQuality day = run(1.0), fine = run(1.0 / 24.0);
    CHECK(day.exchange_step_d == 1.0);
    auto largest = [&](const scenarios::DynamicWaterQuality& x) {
        const auto& a = x.scenarios[0].result.obs_mgL;
        const auto& b = fine.scenarios[0].result.obs_mgL;
        double e = 0.0;
        for (std::size_t t = 0; t < a.size(); ++t)
            for (std::size_t o = 0; o < a[t].size(); ++o)
                for (int i = 0; i < wq::kNumSpecies; ++i) e = std::max(e, std::abs(a[t][o][i] - b[t][o][i]) / std::max(1.0, std::abs(b[t][o][i])));
        return e;
    };
    const double e_day = largest(day), e_default = largest(leshan->dq);
    INFO("largest difference from pieces of 1/24 d: one a day " << e_day << ", 1/8 d " << e_default);
    CHECK(e_default < 5e-3);
    CHECK(e_day > 5e-3);  // the lag is real at one piece a day
    CHECK(e_default < e_day / 4.0);
}

TEST_CASE("qingliu dynamic --oxygen-tolerance: a value out of range or not a number is refused, nothing written",
          "[dynamic][cli]") {
    for (const std::string v : {"0", "abc", "1e-5x", "2e-3"}) {
        INFO(v);
        const auto out = test::temp_dir("dynamic_tolerance") / "out";
        std::string log;
        const int rc = test::run_cli("dynamic " + (test::source_dir() / "data/cases/yibin").string() + " --out " +
                                         out.string() + " --oxygen-tolerance " + v, &log);
        CHECK(rc != 0);
        CHECK(log.find("--oxygen-tolerance: a tolerance from 1e-10 to 1e-3 (mg/L) expected, not " + v) != std::string::npos);
        CHECK(!std::filesystem::exists(out));
    }
}

TEST_CASE("qingliu dynamic --exchange-step: a value out of range is refused, nothing written", "[dynamic][cli]") {
    for (const std::string v : {"0", "2", "abc"}) {
        INFO(v);
        const auto out = test::temp_dir("dynamic_exchange") / "out";
        std::string log;
        const int rc = test::run_cli("dynamic " + (test::source_dir() / "data/cases/yibin").string() + " --out " +
                                         out.string() + " --exchange-step " + v, &log);
        CHECK(rc != 0);
        CHECK(log.find("--exchange-step") != std::string::npos);
        CHECK(!std::filesystem::exists(out));
    }
}
