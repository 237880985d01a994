// A case evaluated with the water-quality kinetics: source totals kept through the species completion, the
// first-order solver reproduced with all kinetics off, and a DO-decided section.
#include <catch2/catch.hpp>

#include <cmath>

#include "analyses/water_quality.hpp"
#include "tests/common/junction_case.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {
int ci(const char* k) { return idx(*constituent_from_key(k)); }

CaseModel small_case() { return test::junction_case({hydro::Hydraulics::geometry(0.25, 0.1, 0.4, 0.4)}); }
}  // namespace

TEST_CASE("a case under the water-quality kinetics keeps each source's COD, NH3-N and TP", "[water_quality]") {
    const CaseModel m = small_case();
    const WaterQualityEvaluation e = evaluate_water_quality(m, {});
    REQUIRE(e.inputs.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& s = m.sources[i];
        CHECK(e.inputs[i].load_gs[wq::COD] == Approx(s.load_gs[ci("cod")]).epsilon(1e-14));
        CHECK(e.inputs[i].load_gs[wq::NH3N] == Approx(s.load_gs[ci("nh3n")]).epsilon(1e-14));
        CHECK(wq::total_p(e.inputs[i].load_gs) == Approx(s.load_gs[ci("tp")]).epsilon(1e-14));
    }
    // the outfall is raw sewage: its BOD5 is 190/430 of its COD (Metcalf & Eddy medium strength), no DO
    const double f5 = 1.0 - std::exp(-5.0 * 0.23);
    CHECK(e.inputs[1].load_gs[wq::CBOD] * f5 == Approx(0.08 * 400 * 190.0 / 430.0).epsilon(1e-13));
    CHECK(e.inputs[1].load_gs[wq::DO] == 0.0);
    CHECK(e.steady.max_reach_imbalance < 1e-12);
}

TEST_CASE("with every rate zero the water-quality case mixes COD, NH3-N and TP as the first-order model does", "[water_quality]") {
    CaseModel m = small_case();
    m.kinetics.k20_per_d = {};   // first-order model without decay
    WaterQualityOptions o;
    wq::Parameters& p = o.steady.params;
    for (const auto& row : wq::parameter_table())
        if (std::string(row.key).find("k20") != std::string::npos || std::string(row.key).find("settling") != std::string::npos)
            p.*(row.field) = 0.0;
    o.steady.reaeration = reaches::ReaerationMethod::Specified;   // ka 0
    const WaterQualityEvaluation e = evaluate_water_quality(m, o);
    const Evaluation f = evaluate(m);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        // pure mixing in both: 1e-12 relative
        CHECK(e.sections[s].conc_mgL[wq::COD] == Approx(f.sections[s].conc_mgL[ci("cod")]).epsilon(1e-12));
        CHECK(e.sections[s].conc_mgL[wq::NH3N] == Approx(f.sections[s].conc_mgL[ci("nh3n")]).epsilon(1e-12));
        CHECK(wq::total_p(e.sections[s].conc_mgL) == Approx(f.sections[s].conc_mgL[ci("tp")]).epsilon(1e-12));
    }
}

TEST_CASE("a section's class over every item: the outfall's BOD5 decides it", "[water_quality]") {
    CaseModel m = small_case();
    m.sources[1].load_gs[ci("cod")] *= 1.5;   // a stronger outfall
    const WaterQualityEvaluation e = evaluate_water_quality(m, {});
    const auto& ev = e.sections[0].evaluation;
    // every item classified by the class table at its value (TN not, in a river)
    for (const auto& it : ev.items) {
        if (it.key == "tn") {
            CHECK(it.cls == 0);
            continue;
        }
        CHECK(it.cls == m.classes.classify(it.key, reaches::WaterBody::River, it.value_mgL));
        CHECK(it.cls <= ev.overall);
    }
    INFO("exceeding: " << reaches::wq::exceeding_text(ev, false));
    // below the raw-sewage outfall BOD5 (limit 4 mg/L for class III) is the worst item: multiple = BOD5/4 - 1
    REQUIRE_FALSE(ev.exceeding.empty());
    const auto& worst = ev.items[ev.exceeding.front()];
    CHECK(worst.key == "bod5");
    CHECK(worst.exceedance == Approx(worst.value_mgL / 4.0 - 1.0).epsilon(1e-14));
    CHECK(ev.overall == worst.cls);
    CHECK_FALSE(ev.meets);
}
