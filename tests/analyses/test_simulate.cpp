// scenarios::simulate, the library call of `qingliu dynamic`, on the dynamic test case (tests/data/dynamic-mini):
// the design-year scaling, the forcing, the section summaries and the mass balance, each against an independent
// computation in the test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../io/helpers.hpp"
#include "common/error.hpp"
#include "hydro/flow_series.hpp"
#include "io/case_reader.hpp"
#include "io/dynamic_inputs.hpp"
#include "reaches/steady.hpp"
#include "analyses/simulate.hpp"

using namespace qingliu;

TEST_CASE("simulate: design year, forcing, summaries and mass balance of every scenario", "[dynamic][simulate]") {
    io::LoadedCase lc = io::load_case((test::source_dir() / "tests/data/dynamic-mini").string());
    const scenarios::DynamicInputs in = io::read_dynamic_inputs(lc);
    REQUIRE(!in.gauge_m3s.empty());
    REQUIRE(!lc.scenarios.empty());
    std::vector<std::string> calls;
    scenarios::SimulateOptions opt;
    opt.solver.threads = 1;
    opt.before_scenario = [&](const scenarios::Simulation& sim, std::size_t k, const std::string& id, reaches::DynamicOptions&) {
        CHECK(sim.scenarios.size() == k);  // the earlier scenarios are done, this one not yet
        calls.push_back("before " + id);
    };
    opt.after_scenario = [&](const scenarios::Simulation& sim, std::size_t k) { calls.push_back("after " + sim.scenarios[k].id); };
    const scenarios::Simulation sim = scenarios::simulate(lc.model, lc.scenarios, in, opt);

    // the baseline first, then the case's scenarios in order, each announced before and after its run
    REQUIRE(sim.scenarios.size() == lc.scenarios.size() + 1);
    CHECK(sim.scenarios[0].id == "baseline");
    std::vector<std::string> want;
    for (std::size_t k = 0; k < sim.scenarios.size(); ++k) {
        if (k) CHECK(sim.scenarios[k].id == lc.scenarios[k - 1].id);
        want.push_back("before " + sim.scenarios[k].id);
        want.push_back("after " + sim.scenarios[k].id);
    }
    CHECK(calls == want);

    // Design year: factor = natural design flow at the gauge (design inflows routed without effluent) / the lowest
    // monthly mean of the recorded series, computed here from the dates. Same operations: 1e-12 relative.
    REQUIRE(sim.design_year);
    const double design = reaches::steady_flows(lc.model.net, {}).flow_out_m3s[in.gauge_reach];
    CHECK(sim.design_flow_m3s == design);
    double sum[12] = {}, n[12] = {};
    for (std::size_t d = 0; d < in.gauge_m3s.size(); ++d) {
        const int m = hydro::date_from_day(in.year, static_cast<int>(d)).month - 1;
        sum[m] += in.gauge_m3s[d];
        n[m] += 1.0;
    }
    double lowest = 1e300;
    for (int m = 0; m < 12; ++m)
        if (n[m] > 0) lowest = std::min(lowest, sum[m] / n[m]);
    CHECK(std::abs(sim.dry_year_factor / (design / lowest) - 1.0) < 1e-12);
    CHECK(sim.days == 365);

    // The baseline equals the solver run on the forcing built from the scaled series (the scaling applied once):
    // the same arithmetic, so the same numbers.
    scenarios::DynamicInputs scaled = in;
    for (double& q : scaled.gauge_m3s) q *= sim.dry_year_factor;
    const reaches::DynamicResult direct = reaches::solve_dynamic(lc.model.net, scenarios::point_inputs(lc.model), scenarios::observations(lc.model),
                                                                 scenarios::dynamic_forcing(lc.model, scaled), opt.solver);
    CHECK(direct.obs_conc_mgL == sim.scenarios[0].result.obs_conc_mgL);

    for (const auto& sr : sim.scenarios) {
        INFO(sr.id);
        const auto& r = sr.result;
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            // the days meeting the target counted from the daily classes; mean and lowest monthly flow recomputed
            int meeting = 0;
            double q = 0.0, mq[12] = {}, md[12] = {};
            for (int d = 0; d < sim.days; ++d) {
                meeting += sr.daily_class[s * sim.days + d] <= sec.target_class;
                q += r.obs_flow_m3s[d * r.nobs + s];
                mq[sim.month_of_day[d] - 1] += r.obs_flow_m3s[d * r.nobs + s];
                md[sim.month_of_day[d] - 1] += 1.0;
            }
            double low = 1e300;
            for (int m = 0; m < 12; ++m) low = std::min(low, mq[m] / md[m]);
            CHECK(meeting == sr.compliance[s].days_meeting);
            CHECK(std::abs(sr.mean_flow_m3s[s] / (q / sim.days) - 1.0) < 1e-12);       // same sum: rounding only
            CHECK(std::abs(sr.lowest_month_flow_m3s[s] / low - 1.0) < 1e-12);
            CHECK(sr.annual[s].overall == sr.compliance[s].annual_class);
            REQUIRE(sr.steady.size() == sr.model.sections.size());  // compare_steady is on by default
        }
        // Mass balance over the year: in - out - decayed - change in storage, relative to the input, below 1e-6 (the
        // audit of the solver; rounding of a year of intervals is far below). Daily means are totals / days / 1000.
        for (int c = 0; c < kNumConstituents; ++c) {
            const double bal = r.input_g[c] - r.outlet_g[c] - r.decayed_g[c] - (r.storage_end_g[c] - r.storage_start_g[c]);
            CHECK(std::abs(bal) < 1e-6 * r.input_g[c]);
            CHECK(std::abs(sr.input_kg_d[c] * sim.days * 1000.0 / r.input_g[c] - 1.0) < 1e-12);
        }
        CHECK(sr.wet_month.size() == 12);
    }

    // The recorded year: flows unscaled, factor 1; a design year asked for without a gauge series is an input
    // problem naming the flow table.
    scenarios::SimulateOptions recorded;
    recorded.year = scenarios::DynamicYear::Recorded;
    recorded.compare_steady = false;
    const scenarios::Simulation rec = scenarios::simulate(lc.model, {}, in, recorded);
    CHECK_FALSE(rec.design_year);
    CHECK(rec.dry_year_factor == 1.0);
    CHECK(rec.scenarios.size() == 1);
    CHECK(rec.scenarios[0].steady.empty());
    scenarios::DynamicInputs no_gauge = in;
    no_gauge.gauge_m3s.clear();
    scenarios::SimulateOptions design_year;
    design_year.year = scenarios::DynamicYear::Design;
    try {
        scenarios::simulate(lc.model, {}, no_gauge, design_year);
        FAIL("no error");
    } catch (const InputError& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].file == in.flows_file);
    }
}
