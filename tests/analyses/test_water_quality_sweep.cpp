// The water-quality scenario sweep (analyses/water_quality_sweep.hpp) against full solves of the same scenarios
// (evaluate_water_quality of the case with the measures applied): random source cuts and plant upgrades on the
// junction case, every GB 3838 item at every section, with and without oxygen effects on the rates.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "analyses/water_quality_sweep.hpp"
#include "tests/common/junction_case.hpp"
#include "tests/common/water_quality_plans.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {

using test::no_oxygen_effects;

int ci(const char* k) { return idx(*constituent_from_key(k)); }

CaseModel village() {  // deep and slow reaches: ka near 1 /d, so the outfall pulls DO down at both sections
    return test::junction_case({hydro::Hydraulics::geometry(0.2, 0.1, 1.5, 0.3), 14.0, 600.0, 45.0, 2});
}

double u01(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

// Random scenarios of source-level measures: each source cut with probability 0.6 by its own random share per
// constituent, and the plant upgraded to random limits with probability 0.3.
std::vector<Scenario> random_scenarios(const CaseModel& m, std::size_t n, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<Scenario> out;
    for (std::size_t i = 0; i < n; ++i) {
        Scenario s;
        s.id = "r" + std::to_string(i);
        for (std::size_t j = 0; j < m.sources.size(); ++j) {
            if (u01(g) > 0.6) continue;
            Measure x;
            x.id = s.id + "-cut" + std::to_string(j);
            x.kind = MeasureKind::SourceReduction;
            x.sources = {static_cast<std::int32_t>(j)};
            for (auto& r : x.removal) r = 0.9 * u01(g);
            s.measures.push_back(x);
        }
        if (u01(g) < 0.3) {
            Measure x;
            x.id = s.id + "-plant";
            x.kind = MeasureKind::PlantStandard;
            x.sources = {0};
            x.limit_mgL[ci("cod")] = 20.0 + 30.0 * u01(g);
            x.limit_mgL[ci("nh3n")] = 1.0 + 4.0 * u01(g);
            x.limit_mgL[ci("tp")] = 0.2 + 0.3 * u01(g);
            s.measures.push_back(x);
        }
        out.push_back(std::move(s));
    }
    return out;
}

// Largest |a - b| / max(|b|, 1e-6) over the sections' items (mg/L).
double max_rel_diff(const std::vector<WaterQualitySection>& a, const std::vector<WaterQualitySection>& b) {
    double d = 0.0;
    for (std::size_t s = 0; s < b.size(); ++s)
        for (std::size_t i = 0; i < b[s].evaluation.items.size(); ++i) {
            const double x = a[s].evaluation.items[i].value_mgL, y = b[s].evaluation.items[i].value_mgL;
            d = std::max(d, std::abs(x - y) / std::max(std::abs(y), 1e-6));
        }
    return d;
}

bool same_classes(const std::vector<WaterQualitySection>& a, const std::vector<WaterQualitySection>& b) {
    for (std::size_t s = 0; s < b.size(); ++s) {
        if (a[s].evaluation.overall != b[s].evaluation.overall || a[s].evaluation.meets != b[s].evaluation.meets ||
            a[s].evaluation.exceeding != b[s].evaluation.exceeding)
            return false;
        for (std::size_t i = 0; i < b[s].evaluation.items.size(); ++i)
            if (a[s].evaluation.items[i].cls != b[s].evaluation.items[i].cls) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("water-quality sweep without oxygen effects: the linear response equals full solves over random scenarios",
          "[water_quality][sweep]") {
    const CaseModel m = village();
    const WaterQualityOptions o = no_oxygen_effects();
    const WqSweep sweep(m, o);
    REQUIRE(sweep.exact());
    CHECK(sweep.places() == 3);
    const auto scen = random_scenarios(m, 40, 20261130);
    const auto got = sweep.evaluate(scen);
    double worst = 0.0, do_change = 0.0;
    const auto base = evaluate_water_quality(m, o);
    for (std::size_t i = 0; i < scen.size(); ++i) {
        INFO("scenario " << scen[i].id);
        CHECK(got[i].linear);
        const auto full = evaluate_water_quality(apply_scenario(m, scen[i]), o);
        worst = std::max(worst, max_rel_diff(got[i].sections, full.sections));
        CHECK(same_classes(got[i].sections, full.sections));
        for (std::size_t s = 0; s < m.sections.size(); ++s)
            do_change = std::max(do_change, full.sections[s].conc_mgL[wq::DO] - base.sections[s].conc_mgL[wq::DO]);
    }
    // superposition of unit-load solves against one solve with every load: rounding only (observed ~1e-13), so
    // 1e-9 relative, as scenarios::Sweep; a wrong coefficient differs at 1e-3 and above
    CHECK(worst < 1e-9);
    // the scenarios move DO (the deficit responds to the CBOD and NH3-N cuts): at least 0.05 mg/L somewhere
    CHECK(do_change > 0.05);
}

TEST_CASE("water-quality sweep with oxygen effects: mode Full solves in full, mode Checked agrees in class with full "
          "solves",
          "[water_quality][sweep]") {
    const CaseModel m = village();
    const WaterQualityOptions o;  // QUAL2K's exponential attenuation on CBOD oxidation, nitrification, denitrification
    const auto scen = random_scenarios(m, 40, 7);
    {
        const WqSweep sweep(m, o);
        REQUIRE_FALSE(sweep.exact());
        CHECK(sweep.places() == 0);
        const auto got = sweep.evaluate(scen);
        for (std::size_t i = 0; i < scen.size(); ++i) {
            CHECK_FALSE(got[i].linear);
            const auto full = evaluate_water_quality(apply_scenario(m, scen[i]), o);
            // the same solve, limited to the reaches downstream of the changed sources: rounding only (1e-12 relative)
            CHECK(max_rel_diff(got[i].sections, full.sections) < 1e-12);
        }
    }
    // the tangent alone (band 0: every scenario linear): its error over the random scenarios (cuts up to 90 %)
    WqSweep::Options so;
    so.oxygen = WqSweep::OxygenMode::Checked;
    so.band = 0.0;
    std::vector<WaterQualityEvaluation> full;
    for (const auto& sc : scen) full.push_back(evaluate_water_quality(apply_scenario(m, sc), o));
    double worst_tangent = 0.0;
    {
        const auto got = WqSweep(m, o, so).evaluate(scen);
        for (std::size_t i = 0; i < scen.size(); ++i) {
            CHECK(got[i].linear);
            worst_tangent = std::max(worst_tangent, max_rel_diff(got[i].sections, full[i].sections));
        }
    }
    // the default band (5 %) must exceed the tangent's error for the class argument to hold: observed 3.2 % here
    INFO("largest relative difference of the tangent " << worst_tangent);
    CHECK(worst_tangent < WqSweep::Options{}.band);
    CHECK(worst_tangent > 1e-6);  // the oxygen effects are there: the tangent is not exact
    // with the band: the full model's classes in every scenario, values in full where near a limit
    so.band = WqSweep::Options{}.band;
    const auto got = WqSweep(m, o, so).evaluate(scen);
    int linear = 0;
    for (std::size_t i = 0; i < scen.size(); ++i) {
        INFO("scenario " << scen[i].id);
        CHECK(same_classes(got[i].sections, full[i].sections));
        if (got[i].linear) ++linear;
        else CHECK(max_rel_diff(got[i].sections, full[i].sections) < 1e-12);  // limited full solve: rounding
    }
    INFO("linear scenarios " << linear);
    CHECK(linear > 0);  // observed 2 of 40: the DO of this case lies near its class limits in most scenarios
}

TEST_CASE("water-quality sweep: a measure that changes flows is solved in full", "[water_quality][sweep]") {
    const CaseModel m = village();
    const WaterQualityOptions o = no_oxygen_effects();
    const WqSweep sweep(m, o);
    Scenario s;
    s.id = "close";
    Measure x;
    x.kind = MeasureKind::Outfall;
    x.action = "close";  // the outfall's 0.08 m3/s leaves the river
    x.sources = {1};
    s.measures = {x};
    const auto r = sweep.evaluate(s);
    CHECK_FALSE(r.linear);
    const auto full = evaluate_water_quality(apply_scenario(m, s), o);
    CHECK(max_rel_diff(r.sections, full.sections) < 1e-12);  // solved downstream of the outfall only: rounding
    // a candidate plan given as a case: the response where only loads change, in full where the flows change
    CaseModel cut = m;
    for (auto& l : cut.sources[2].load_gs) l *= 0.5;
    const auto rc = sweep.evaluate_case(cut);
    CHECK(rc.linear);
    CHECK(max_rel_diff(rc.sections, evaluate_water_quality(cut, o).sections) < 1e-9);  // as above
    CaseModel wetter = m;
    wetter.net.headwater_flow_m3s[0] *= 1.5;
    const auto rw = sweep.evaluate_case(wetter);
    CHECK_FALSE(rw.linear);
    CHECK(max_rel_diff(rw.sections, evaluate_water_quality(wetter, o).sections) == 0.0);
}
