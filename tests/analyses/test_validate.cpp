// Modelled against observed section status (analyses/validate.hpp), against a hand count and a closed form.
#include <catch2/catch.hpp>

#include <cmath>

#include "common/error.hpp"
#include "analyses/validate.hpp"
#include "tests/common/case_builders.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;

namespace {

// One reach, 10 km at 0.5 m/s, 10 m3/s of headwater with no decay (k = 0), so every section carries the headwater
// concentration exactly: COD 18, NH3-N 1.2, TP 0.15 mg/L. By GB 3838-2002 (rivers): COD 18 -> III (15 < 18 <= 20),
// NH3-N 1.2 -> IV (1.0 < 1.2 <= 1.5), TP 0.15 -> III (0.1 < 0.15 <= 0.2): every section is class IV, set by NH3-N.
CaseModel one_reach_case() {
    CaseModel m;
    m.net = test::one_reach(10.0, 0.5, 10.0, {18.0, 1.2, 0.15});
    m.kinetics.k20_per_d = {0.0, 0.0, 0.0};
    m.kinetics.theta = {1.0, 1.0, 1.0};
    for (const char* id : {"S1", "S2", "S3"}) {
        m.sections.push_back(test::section(id, 0, 5000.0));
        m.sections.back().name = id;
    }
    return m;
}

ObservedStatus obs(std::int32_t section, int cls) {
    ObservedStatus o;
    o.section = section;
    o.observed_class = cls;
    o.source = "test";
    return o;
}

}  // namespace

TEST_CASE("validate: classes compared and agreement counted by hand", "[validate]") {
    const CaseModel m = one_reach_case();
    // modelled class is IV (4) everywhere (see one_reach_case). Observed: IV, III, V, II, 劣V, and a statement only.
    std::vector<ObservedStatus> o = {obs(0, 4), obs(1, 3), obs(2, 5), obs(0, 2), obs(1, 6), obs(2, 0)};
    o[5].statement = "好转";
    const Validation v = validate(m, o);
    REQUIRE(v.rows.size() == 6);
    for (const auto& r : v.rows) {
        CHECK(r.modelled_class == 4);
        CHECK(r.modelled_worst == idx(*constituent_from_key("nh3n")));
        // no decay: the modelled concentration is the headwater's (1e-12: rounding of the mixing arithmetic)
        CHECK(r.modelled_mgL[1] == Approx(1.2).margin(1e-12));
    }
    // differences modelled - observed: 0, +1, -1, +2, -2, and none for the statement
    CHECK(v.rows[0].difference == 0);
    CHECK(v.rows[1].difference == 1);
    CHECK(v.rows[2].difference == -1);
    CHECK(v.rows[3].difference == 2);
    CHECK(v.rows[4].difference == -2);
    CHECK(v.rows[5].difference == 0);
    // hand count over the 5 rows with a class: agree 1; within one class 3 (0, +1, -1); worse 2 (+1, +2);
    // better 2 (-1, -2)
    const auto& s = v.summary;
    CHECK(s.rows == 6);
    CHECK(s.compared == 5);
    CHECK(s.agree == 1);
    CHECK(s.within_one == 3);
    CHECK(s.model_worse == 2);
    CHECK(s.model_better == 2);
    for (int k = 0; k < kNumConstituents; ++k) CHECK(s.conc_n[k] == 0);
}

TEST_CASE("validate: concentration ratios are a geometric mean of modelled over observed", "[validate]") {
    const CaseModel m = one_reach_case();
    // observed NH3-N 0.6 and 2.4 against the modelled 1.2: ratios 2 and 0.5, geometric mean sqrt(2 x 0.5) = 1 exactly;
    // observed TP 0.3 alone: ratio 0.15 / 0.3 = 0.5
    ObservedStatus a = obs(0, 0), b = obs(1, 0);
    a.conc_mgL[1] = 0.6;
    a.has[1] = true;
    a.conc_mgL[2] = 0.3;
    a.has[2] = true;
    b.conc_mgL[1] = 2.4;
    b.has[1] = true;
    const Validation v = validate(m, {a, b});
    CHECK(v.summary.compared == 0);
    CHECK(v.summary.conc_n[0] == 0);
    CHECK(v.summary.conc_n[1] == 2);
    CHECK(v.summary.conc_n[2] == 1);
    // 1e-12: exp/log rounding
    CHECK(v.summary.conc_ratio_geomean[1] == Approx(1.0).margin(1e-12));
    CHECK(v.summary.conc_ratio_geomean[2] == Approx(0.5).margin(1e-12));
}

TEST_CASE("validate: the modelled class follows the model (a decaying reach)", "[validate]") {
    CaseModel m = one_reach_case();
    // k = 2.0 /d at 20 C over 5 km at 0.5 m/s (t = 10000 s = 0.115741 d): factor exp(-0.231481) = 0.79336;
    // NH3-N 1.2 x 0.79336 = 0.952 -> III, COD 14.28 -> II, TP 0.119 -> III: class III, set by NH3-N or TP
    m.temperature_c = 20.0;
    m.kinetics.k20_per_d = {2.0, 2.0, 2.0};
    m.kinetics.theta = {1.047, 1.07, 1.024};
    const Validation v = validate(m, {obs(0, 3)});
    REQUIRE(v.rows.size() == 1);
    CHECK(v.rows[0].modelled_mgL[1] == Approx(1.2 * std::exp(-2.0 * 5000.0 / 0.5 / 86400.0)).epsilon(1e-9));
    CHECK(v.rows[0].modelled_class == 3);
    CHECK(v.summary.agree == 1);
}

TEST_CASE("validate: an observation of no section of the case is a model error", "[validate]") {
    const CaseModel m = one_reach_case();
    CHECK_THROWS_AS(validate(m, {obs(7, 3)}), ModelError);
}
