// Apportionment, required cuts and the least-cost plan for every item of the water-quality model, checked against
// full solves: the shares add up to the modelled value, the DO deficit responds linearly to the loads, a cut applied to
// the case and evaluated again in full meets its target, and the plan is the cheapest subset of the measures that meets
// every item in full (by enumeration).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <limits>
#include <map>

#include "common/csv_text.hpp"
#include "io/case_reader.hpp"
#include "optimize/montecarlo.hpp"
#include "analyses/water_quality_apportion.hpp"
#include "optimize/water_quality_montecarlo.hpp"
#include "optimize/water_quality_optimize.hpp"
#include "tests/common/junction_case.hpp"
#include "tests/common/plan_enumeration.hpp"
#include "tests/common/uncertain.hpp"
#include "tests/common/water_quality_plans.hpp"
#include "tests/io/helpers.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace fs = std::filesystem;
namespace wq = qingliu::reaches::wq;

namespace {

using test::cut_measure;
using test::meets_all;
using test::no_oxygen_effects;
int ci(const char* k) { return idx(*constituent_from_key(k)); }

// Two tributaries (A polluted from upstream of the case) joining into C; a plant, a raw-sewage outfall and diffuse
// livestock runoff; sections at 6 km and 15 km on C, class II targets (DO at least 6 mg/L).
CaseModel village() { return test::village_case(); }

// The case with the given sources' COD, NH3-N and TP scaled by (1 - share): species completion is proportional, the
// water and its DO stay, so this is the cut of the apportionment built independently of it.
CaseModel cut_case(CaseModel m, const std::vector<std::int32_t>& sources, double share) {
    for (std::int32_t j : sources)
        for (auto& l : m.sources[j].load_gs) l *= 1.0 - share;
    return m;
}

// The draws of a water-quality Monte Carlo evaluated one by one: draw i of the case (draw_case), the scenario's
// measures applied where one is given, evaluated with o. Per section and item the values (sorted) and the draws in which
// the item meets its target; per section the draws in which every item does.
struct OneByOne {
    std::vector<std::vector<std::vector<double>>> values;
    std::vector<std::vector<int>> ok;
    std::vector<int> section_ok;
};
OneByOne one_by_one(const CaseModel& m, const std::vector<UncertainParameter>& params, const MonteCarloOptions& mo,
                    const Scenario* scenario, const WaterQualityOptions& o, std::size_t ni) {
    const std::size_t ns = m.sections.size();
    OneByOne r{std::vector<std::vector<std::vector<double>>>(ns, std::vector<std::vector<double>>(ni)),
               std::vector<std::vector<int>>(ns, std::vector<int>(ni, 0)), std::vector<int>(ns, 0)};
    for (std::size_t i = 0; i < mo.draws; ++i) {
        CaseModel d = draw_case(m, params, mo, i);
        if (scenario) d = apply_scenario(d, *scenario);
        const WaterQualityEvaluation e = evaluate_water_quality(d, o);
        for (std::size_t s = 0; s < ns; ++s) {
            r.section_ok[s] += e.sections[s].evaluation.meets ? 1 : 0;
            for (std::size_t k = 0; k < ni; ++k) {
                r.values[s][k].push_back(e.sections[s].evaluation.items[k].value_mgL);
                r.ok[s][k] += e.sections[s].evaluation.items[k].exceeds ? 0 : 1;
            }
        }
    }
    for (auto& sec : r.values)
        for (auto& v : sec) std::sort(v.begin(), v.end());
    return r;
}

// Definition 7 of Hyndman & Fan on sorted values: h = (n - 1) p, between the order statistics floor(h) and the next.
double definition7(const std::vector<double>& v, double p) {
    const double h = static_cast<double>(v.size() - 1) * p;
    const std::size_t lo = static_cast<std::size_t>(h);
    return lo + 1 < v.size() ? v[lo] + (h - static_cast<double>(lo)) * (v[lo + 1] - v[lo]) : v[lo];
}

// r against the same draws evaluated one by one: the shares meeting exact, the 5 and 50 % quantiles to tol relative.
// Returns whether some assessed item meets its target in some draws but not all.
bool check_bands(const WqMonteCarloResult& r, const OneByOne& x, double tol) {
    const double n = static_cast<double>(r.draws);
    bool some_between = false;
    for (std::size_t s = 0; s < r.sections.size(); ++s) {
        CHECK(r.sections[s].p_meets == Approx(x.section_ok[s] / n).epsilon(1e-15));
        for (std::size_t k = 0; k < r.sections[s].items.size(); ++k) {
            const auto& b = r.sections[s].items[k];
            if (b.assessed) CHECK(b.p_meets == Approx(x.ok[s][k] / n).epsilon(1e-15));
            CHECK(b.p5 == Approx(definition7(x.values[s][k], 0.05)).epsilon(tol));
            CHECK(b.p50 == Approx(definition7(x.values[s][k], 0.50)).epsilon(tol));
            CHECK(b.p95 >= b.p50);
            some_between = some_between || (b.p_meets > 0.0 && b.p_meets < 1.0);
        }
    }
    return some_between;
}

double item_of(const WaterQualityEvaluation& e, std::size_t s, const std::string& key) {
    for (const auto& it : e.sections[s].evaluation.items)
        if (it.key == key) return it.value_mgL;
    return NAN;
}
}  // namespace

TEST_CASE("water-quality shares add up to the full model's value when oxygen effects are off", "[water_quality][apportion]") {
    const CaseModel m = village();
    const WaterQualityOptions o = no_oxygen_effects();
    const WqApportionment a = apportion_water_quality(m, o);
    const WaterQualityEvaluation full = evaluate_water_quality(m, o);
    CHECK(a.linear_exact);
    for (std::size_t s = 0; s < m.sections.size(); ++s)
        for (const auto& x : a.sections[s].items) {
            double sum = x.background_mgL + x.boundary_mgL;
            for (double v : x.by_source_mgL) sum += v;
            INFO(m.sections[s].id << " " << x.key);
            // superposition of separate solves against one solve with everything: 1e-9 mg/L
            CHECK(std::abs(sum - item_of(full, s, x.key)) < 1e-9);
            CHECK(std::abs(x.oxygen_effects_mgL) < 1e-9);
        }
    // the boundary inflow is A's 4 mg/L of COD above the natural 10: its COD share at X1 is positive and below the
    // mixed excess 4 x 0.8 / (0.8 + 0.4 + 0.2 + lateral) (decay only lowers it)
    const auto& cod = a.sections[0].items[2];
    REQUIRE(cod.key == "cod");
    CHECK(cod.boundary_mgL > 0.0);
    CHECK(cod.boundary_mgL < 4.0 * 0.8 / (0.8 + 0.4 + 0.2 + 0.1 + 0.1 + 0.1 * 6.0 / 15.0));
    // the outfall lowers DO at both sections: its share is the deficit it causes
    CHECK(a.sections[0].items[0].by_source_mgL[1] < 0.0);
    CHECK(a.sections[1].items[0].by_source_mgL[1] < 0.0);
}

TEST_CASE("the DO deficit a source causes is linear in its load (oxygen effects off)", "[water_quality][apportion]") {
    CaseModel m = village();
    const WaterQualityOptions o = no_oxygen_effects();
    const WqApportionment a1 = apportion_water_quality(m, o);
    for (auto& l : m.sources[1].load_gs) l *= 2.5;
    const WqApportionment a2 = apportion_water_quality(m, o);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        // 2.5 x the outfall's CBOD, NH3-N and organic N: 2.5 x its DO share, to 1e-9 relative
        CHECK(a2.sections[s].items[0].by_source_mgL[1] == Approx(2.5 * a1.sections[s].items[0].by_source_mgL[1]).epsilon(1e-9));
        // the other sources' shares and the background do not change (1e-12 mg/L)
        CHECK(std::abs(a2.sections[s].items[0].by_source_mgL[0] - a1.sections[s].items[0].by_source_mgL[0]) < 1e-12);
        CHECK(std::abs(a2.sections[s].items[0].background_mgL - a1.sections[s].items[0].background_mgL) < 1e-12);
    }
}

TEST_CASE("a cut from the linear response, applied and evaluated in full, meets every item's target with the margin",
          "[water_quality][apportion]") {
    const CaseModel m = village();
    for (const bool oxygen_effects : {false, true}) {
        const WaterQualityOptions o = oxygen_effects ? WaterQualityOptions{} : no_oxygen_effects();
        ReductionOptions r;
        r.mos_fraction = 0.1;
        const WqApportionment a = apportion_water_quality(m, o, r);
        CHECK(a.linear_exact == !oxygen_effects);
        int checked = 0, do_checked = 0;
        for (std::size_t s = 0; s < m.sections.size(); ++s)
            for (const auto& x : a.sections[s].items) {
                if (!x.assessed || x.meets_target) continue;
                INFO((oxygen_effects ? "oxygen effects on: " : "off: ") << m.sections[s].id << " " << x.key << " value "
                     << x.value_mgL << " target " << x.target_mgL << " sigma " << x.cut_share);
                REQUIRE(x.feasible);
                REQUIRE(x.boundary_cut_share == 0.0);
                CHECK(x.target_mgL == Approx(x.limit_mgL * (x.minimum ? 1.1 : 0.9)).epsilon(1e-15));
                // independent: the case's own COD, NH3-N and TP of the harming sources scaled, evaluated again
                const WaterQualityEvaluation e = evaluate_water_quality(cut_case(m, x.cut_sources, x.cut_share), o);
                const double v = item_of(e, s, x.key);
                // meets the target to 1e-9 of the limit (the tolerance of the check) and sits on it (nothing over-cut)
                CHECK(std::abs(v - x.target_mgL) <= 1e-9 * x.limit_mgL);
                CHECK(v == Approx(x.value_after_cut_mgL).epsilon(1e-12));
                if (!oxygen_effects) {
                    // exact linear response: the linear share is the answer, one full solve confirms it
                    CHECK(x.cut_share == Approx(x.cut_share_linear).epsilon(1e-9));
                    CHECK(x.full_solves == 1);
                }
                CHECK(x.cut_gs == Approx(x.cut_share * x.source_load_gs).epsilon(1e-15));
                ++checked;
                do_checked += x.key == "do" ? 1 : 0;
            }
        CHECK(checked >= 3);
        CHECK(do_checked >= 1);
    }
}

TEST_CASE("the least-cost water-quality plan meets every item with the margin in full and is the cheapest subset",
          "[water_quality][optimize]") {
    CaseModel m = village();
    for (auto& s : m.sections) s.target_class = 3;  // class III: DO >= 5, BOD5 <= 4, NH3-N <= 1, ...
    const std::vector<Measure> ms = {
        cut_measure("plant_half", 0, 0.5, 40),     // the plant to half its load
        cut_measure("outfall_half", 1, 0.5, 30),   // the outfall to half
        cut_measure("outfall_close", 1, 1.0, 90),  // or closed (a level of the same choice)
        cut_measure("farms", 2, 0.6, 15),
    };
    const std::vector<Candidate> cands = candidates_from(ms);
    REQUIRE(cands[1].group == cands[2].group);  // two levels of one outfall measure
    OptimizeOptions opt;
    opt.mos_fraction = 0.1;
    const WaterQualityOptions wqo;  // QUAL2K's oxygen effects on: DO is not exactly additive
    REQUIRE_FALSE(meets_all(evaluate_water_quality(m, wqo), opt.mos_fraction, 1e-9));
    const WqOptimizeResult r = optimize_water_quality(m, cands, wqo, opt);
    REQUIRE(r.status == PlanStatus::Optimal);
    // independent check: the plan's measures applied to the case and evaluated with the kinetics
    const WaterQualityEvaluation e = evaluate_water_quality(apply_plan(m, cands, r.chosen), wqo);
    CHECK(meets_all(e, opt.mos_fraction, 1e-9));
    CHECK(r.verified_ok);
    // every subset that takes at most one level per group, evaluated in full: the cheapest one meeting everything
    const double best = test::cheapest_combination(cands, 0.0, [&](const std::vector<std::size_t>& pick) {
                            return meets_all(evaluate_water_quality(apply_plan(m, cands, pick), wqo), opt.mos_fraction, 1e-9);
                        }).cost;
    INFO("plan cost " << r.cost_wan << ", cheapest by enumeration " << best);
    CHECK(r.cost_wan == Approx(best).epsilon(1e-12));
    // the plan's reported values are the full model's
    for (std::size_t s = 0; s < m.sections.size(); ++s)
        for (const auto& it : r.condition_sections[0][s].items)
            for (const auto& c : e.sections[s].evaluation.items)
                if (c.key == it.key) CHECK(it.verified_mgL == Approx(c.value_mgL).epsilon(1e-12));
}

namespace {
std::vector<std::map<std::string, std::string>> csv_rows(const fs::path& p) {
    std::string text = test::read_file(p);
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text = text.substr(3);
    const auto rows = parse_csv_text(text);
    std::vector<std::map<std::string, std::string>> out;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        std::map<std::string, std::string> r;
        for (std::size_t c = 0; c < rows[0].size() && c < rows[i].size(); ++c) r[rows[0][c]] = rows[i][c];
        out.push_back(r);
    }
    return out;
}
}  // namespace

TEST_CASE("water-quality --apportion --optimize on Leshan: files against the library and the full model", "[water_quality][cli]") {
    const fs::path work = test::temp_dir("wq-analyses");
    const fs::path leshan = test::source_dir() / "data/cases/leshan";
    std::string log;
    REQUIRE(test::run_cli("--quiet --store " + (work / "s.sqlite").string() + " water-quality " + leshan.string() +
                              " --apportion --optimize --out " + (work / "wq").string(),
                          &log) == 0);
    const io::LoadedCase lc = io::load_case(leshan.string());
    const WqApportionment a = apportion_water_quality(lc.model, lc.water_quality.options, {0.1});
    // every part of every section and item: the file holds the library's shares (12 significant digits), and the parts
    // add up to the modelled value (the remainder included) within 1e-9 mg/L
    std::map<std::pair<std::string, std::string>, double> sum;
    for (const auto& r : csv_rows(work / "wq" / "water_quality_apportionment.csv"))
        sum[{r.at("section_id"), r.at("item")}] += std::stod(r.at("contribution_mgL"));
    int cut_rows = 0;
    for (const auto& r : csv_rows(work / "wq" / "water_quality_reduction.csv")) {
        std::size_t s = 0;
        while (lc.model.sections[s].id != r.at("section_id")) ++s;
        const WqItemApportionment* x = nullptr;
        for (const auto& it : a.sections[s].items)
            if (it.key == r.at("item")) x = &it;
        REQUIRE(x);
        const double v = std::stod(r.at("value_mgL"));
        CHECK(v == Approx(x->value_mgL).epsilon(1e-11));
        CHECK(std::abs(sum[{r.at("section_id"), r.at("item")}] - v) < 1e-9);
        if (r.at("meets_target") == "no" && r.at("feasible") == "yes") {
            // the cut, applied in the full model, lands on the target within 1e-9 of the limit (and print precision)
            const double after = std::stod(r.at("value_after_cut_mgL")), target = std::stod(r.at("target_mgL"));
            CHECK(std::abs(after - target) <= 1e-9 * std::stod(r.at("limit_mgL")) + 1e-11 * target);
            ++cut_rows;
        }
    }
    CHECK(cut_rows > 0);
    // the plan: every item of every section meets its target with the margin in every condition (full model), or the
    // status says the gap was minimised and the rows say which target is out of reach
    const auto plan_rows = csv_rows(work / "wq" / "water_quality_plan_sections.csv");
    REQUIRE_FALSE(plan_rows.empty());
    for (const auto& r : plan_rows) {
        INFO(r.at("condition") << " " << r.at("section_id") << " " << r.at("item"));
        if (r.at("reachable") == "yes") CHECK(r.at("meets_with_margin") == "yes");
    }
    // an unknown design condition is named, and nothing is written
    std::string bad;
    CHECK(test::run_cli("--quiet water-quality " + leshan.string() + " --apportion --condition nosuch --out " + (work / "bad").string(),
                        &bad) == 1);
    CHECK(bad.find("--condition") != std::string::npos);
    CHECK(bad.find("nosuch") != std::string::npos);
    CHECK_FALSE(fs::exists(work / "bad" / "water_quality_sections.csv"));
    fs::remove_all(work);
}

TEST_CASE("where the sources cannot meet a target, the rest is cut from the boundary inflow upstream", "[water_quality][apportion]") {
    CaseModel m = village();
    m.net.headwater_conc_mgL[0][ci("cod")] = 60.0;  // A arrives with 50 mg/L COD above the natural 10
    const WaterQualityOptions o = no_oxygen_effects();
    const WqApportionment a = apportion_water_quality(m, o, {0.1});
    const auto& x = a.sections[0].items[2];
    REQUIRE(x.key == "cod");
    REQUIRE_FALSE(x.meets_target);
    // every harming source goes, and a share of the boundary excess in (0, 1)
    CHECK(x.cut_share == 1.0);
    REQUIRE(x.boundary_cut_share > 0.0);
    REQUIRE(x.boundary_cut_share < 1.0);
    CHECK(x.feasible);
    // independent: the case with those sources' loads removed and A's headwater COD, NH3-N and TP moved towards the
    // natural concentration by the boundary share, evaluated again: COD lands on the target (1e-9 of the limit)
    CaseModel c = cut_case(m, x.cut_sources, 1.0);
    for (const char* k : {"cod", "nh3n", "tp"}) {
        double& hw = c.net.headwater_conc_mgL[0][ci(k)];
        const double nat = (*m.natural_headwater_mgL)[ci(k)];
        if (hw > nat) hw = nat + (1.0 - x.boundary_cut_share) * (hw - nat);
    }
    const double v = item_of(evaluate_water_quality(c, o), 0, "cod");
    CHECK(std::abs(v - x.target_mgL) <= 1e-9 * x.limit_mgL);
    CHECK(v == Approx(x.value_after_cut_mgL).epsilon(1e-12));
}

TEST_CASE("water-quality Monte Carlo: P(meets) and bands per item from the same draws evaluated one by one",
          "[water_quality][montecarlo]") {
    const CaseModel m = village();
    const WaterQualityOptions o;
    const UncertainParameter u = test::uncertain("load.outfall", 0.05, 1.2);
    const MonteCarloOptions mo = test::draws(40, 11);
    const WqMonteCarloResult r = monte_carlo_water_quality(m, o, {u}, mo);
    REQUIRE(r.sections.size() == m.sections.size());
    // independent: the same draws (draw_case) evaluated sequentially; counts exact, quantiles to 1e-12 relative
    const std::size_t ni = r.sections[0].items.size();
    const OneByOne x = one_by_one(m, {u}, mo, nullptr, o, ni);
    // definition 7 at 40 draws: h = 39 x 0.05 = 1.95, between the second and third smallest
    CHECK(definition7({1.0, 2.0, 3.0, 4.0, 5.0}, 0.05) == Approx(1.2).epsilon(1e-15));
    CHECK(check_bands(r, x, 1e-12));  // the outfall's range straddles some item's class limit
}

TEST_CASE("water-quality Monte Carlo of scenarios: the same draws with each scenario's measures applied",
          "[water_quality][montecarlo]") {
    const CaseModel m = village();
    const WaterQualityOptions o;
    // a cut of a source's loads by half, and a dry condition (every flow halved: other depths, velocities and
    // reaeration); the reaeration multiplier drawn within 1e-9 of 1, so each model must take it on its own rates
    Scenario cut{"cut", "削减", "cut", "", {cut_measure("half", 1, 0.5, 100.0)}};
    Measure dry_m;
    dry_m.id = "dry";
    dry_m.kind = MeasureKind::Conditions;
    dry_m.value2 = 0.5;
    dry_m.has_value2 = true;
    Scenario dry{"dry", "枯水", "dry", "", {dry_m}};
    const std::vector<UncertainParameter> params = {test::uncertain("load.outfall", 0.05, 1.2),
                                                    test::uncertain(kReaerationScaleKey, 1.0 - 1e-9, 1.0 + 1e-9)};
    MonteCarloOptions mo = test::draws(30, 7);
    std::vector<double> shares;
    mo.progress = [&](double f) { shares.push_back(f); };
    const auto runs = monte_carlo_water_quality_scenarios(m, {cut, dry}, o, params, mo);
    REQUIRE(runs.size() == 3);
    CHECK(runs[0].scenario_id == "baseline");
    CHECK(runs[2].scenario_id == "dry");
    CHECK(shares.size() == 90);
    CHECK(shares.back() == 1.0);
    // the dry condition's reaeration differs from the base case's (so a model given the base case's would be wrong)
    const auto ka0 = evaluate_water_quality(m, o).steady.ka20_per_d;
    const auto ka_dry = evaluate_water_quality(apply_scenario(m, dry), o).steady.ka20_per_d;
    CHECK(std::abs(ka_dry[0] / ka0[0] - 1.0) > 0.05);

    // independent: draw i of the case (draw_case), the scenario applied, evaluated one by one with every reach's ka20
    // that of the model's own undrawn solve (what the multiplier scales: a value per reach, no longer per segment); per
    // section and item the share meeting exact, the quantiles to 1e-6 (the multiplier's 1e-9)
    const std::vector<const Scenario*> models = {nullptr, &cut, &dry};
    bool differ = false;
    for (std::size_t j = 0; j < models.size(); ++j) {
        INFO("model " << runs[j].scenario_id);
        WaterQualityOptions oj = o;
        oj.reaches.ka20_per_d = evaluate_water_quality(models[j] ? apply_scenario(m, *models[j]) : m, o).steady.ka20_per_d;
        const WqMonteCarloResult& r = runs[j].result;
        const std::size_t ni = r.sections[0].items.size();
        const OneByOne x = one_by_one(m, params, mo, models[j], oj, ni);
        check_bands(r, x, 1e-6);
        for (std::size_t s = 0; s < m.sections.size() && j > 0; ++s)
            for (std::size_t k = 0; k < ni; ++k)
                differ = differ || r.sections[s].items[k].p50 != runs[0].result.sections[s].items[k].p50;
    }
    CHECK(differ);   // the measures change the bands
    // the baseline of the scenarios' run is the baseline's own run
    const WqMonteCarloResult alone = monte_carlo_water_quality(m, o, params, test::draws(30, 7));
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        CHECK(alone.sections[s].p_meets == runs[0].result.sections[s].p_meets);
        for (std::size_t k = 0; k < alone.sections[s].items.size(); ++k)
            CHECK(alone.sections[s].items[k].p50 == runs[0].result.sections[s].items[k].p50);
    }
}
