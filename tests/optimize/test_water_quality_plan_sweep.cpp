// The least-cost water-quality plan without oxygen effects takes its candidate evaluations from the linear response
// (analyses/water_quality_sweep.hpp) when the candidates are many: the plan must still be the cheapest combination
// that meets every item in full, found here by enumerating every combination and evaluating it in full.
#include <catch2/catch.hpp>

#include <limits>

#include "analyses/water_quality_sweep.hpp"
#include "optimize/water_quality_optimize.hpp"
#include "tests/common/junction_case.hpp"
#include "tests/common/water_quality_plans.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {

constexpr auto cut = test::cut_measure;
using test::meets_all;

}  // namespace

TEST_CASE("least-cost water-quality plan from the linear response (no oxygen effects): the cheapest combination in full",
          "[water_quality][optimize][sweep]") {
    CaseModel m = test::junction_case({hydro::Hydraulics::geometry(0.2, 0.1, 1.5, 0.3), 14.0, 600.0, 45.0, 3});
    WaterQualityOptions wqo;
    wqo.steady.params.cbod_o2_effect = wq::O2Effect::None;
    wqo.steady.params.nitrification_o2_effect = wq::O2Effect::None;
    wqo.steady.params.denitrification_o2_effect = wq::O2Effect::None;
    const std::vector<Measure> ms = {
        cut("plant30", 0, 0.3, 20),   cut("plant60", 0, 0.6, 45),   cut("plant90", 0, 0.9, 80),
        cut("outfall30", 1, 0.3, 10), cut("outfall60", 1, 0.6, 25), cut("outfall90", 1, 0.9, 50), cut("outfall100", 1, 1.0, 70),
        cut("farms60", 2, 0.6, 15),
    };
    const std::vector<Candidate> cands = candidates_from(ms);
    REQUIRE(cands.size() == 8);
    // 8 candidates: 8 + 28 evaluations against 9 x 3 source places: the response is built and used
    REQUIRE(8 + 28 > 9 * WqSweep::count_places(m));
    OptimizeOptions opt;
    opt.mos_fraction = 0.1;
    REQUIRE_FALSE(meets_all(evaluate_water_quality(m, wqo), opt.mos_fraction, 1e-9));
    const WqOptimizeResult r = optimize_water_quality(m, cands, wqo, opt);
    REQUIRE(r.status == PlanStatus::Optimal);
    const WaterQualityEvaluation e = evaluate_water_quality(apply_plan(m, cands, r.chosen), wqo);
    CHECK(meets_all(e, opt.mos_fraction, 1e-9));
    // every combination of at most one level per source, evaluated in full
    double best = std::numeric_limits<double>::infinity();
    for (int p = -1; p < 3; ++p)
        for (int o = -1; o < 4; ++o)
            for (int f = -1; f < 1; ++f) {
                std::vector<std::size_t> pick;
                if (p >= 0) pick.push_back(static_cast<std::size_t>(p));
                if (o >= 0) pick.push_back(static_cast<std::size_t>(3 + o));
                if (f >= 0) pick.push_back(7);
                double cost = 0.0;
                for (std::size_t j : pick) cost += ms[j].invest_wan;
                if (cost < best && meets_all(evaluate_water_quality(apply_plan(m, cands, pick), wqo), opt.mos_fraction, 1e-9))
                    best = cost;
            }
    INFO("plan cost " << r.cost_wan << ", cheapest by enumeration " << best);
    REQUIRE(std::isfinite(best));
    CHECK(r.cost_wan == Approx(best).epsilon(1e-12));
    // the reported values are the full model's (the response is exact to rounding here: 1e-9 relative)
    for (std::size_t s = 0; s < m.sections.size(); ++s)
        for (const auto& it : r.condition_sections[0][s].items)
            for (const auto& c : e.sections[s].evaluation.items)
                if (c.key == it.key) CHECK(it.verified_mgL == Approx(c.value_mgL).epsilon(1e-9));
}
