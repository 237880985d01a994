// Apportionment, capacity, the least-cost plan and the Monte Carlo of the water-quality model over a case's chosen
// GB 3838 items (WaterQualityOptions::items, [water_quality] items): each chosen item's numbers are those of the run
// over every item (1e-12), the items not chosen appear nowhere, and where the choice changes a verdict (a plan that
// no longer pays for an item left out, a section's probability of meeting its target) the new number is checked
// against the run over every item recombined independently.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <set>

#include "analyses/water_quality_apportion.hpp"
#include "io/case_reader.hpp"
#include "optimize/montecarlo.hpp"
#include "optimize/water_quality_montecarlo.hpp"
#include "optimize/water_quality_optimize.hpp"
#include "reaches/wq_classes.hpp"
#include "tests/common/junction_case.hpp"
#include "tests/common/plan_enumeration.hpp"
#include "tests/common/uncertain.hpp"
#include "tests/common/water_quality_plans.hpp"
#include "tests/io/helpers.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace fs = std::filesystem;

namespace {

using test::cut_measure;
using test::no_oxygen_effects;

// The village case of test_water_quality_analyses.cpp: tributaries A (polluted from upstream) and B joining into C, a
// plant, a raw-sewage outfall and livestock runoff, sections at 6 and 15 km on C.
CaseModel village() { return test::village_case(); }

// The village with an outfall of 150 mg/L COD and 45 mg/L NH3-N (TP 6) and class III targets: halving the outfall
// and the plant meets DO, CODMn and COD with the margin, NH3-N and BOD5 need the outfall closed.
CaseModel ammonia_village() { return test::village_case(150.0, 45.0, 3); }

ItemSet item_set(std::initializer_list<Var> v) {
    ItemSet s = ItemSet::none();
    for (Var x : v) s.add(x);
    return s;
}

WaterQualityOptions with_items(WaterQualityOptions o, const ItemSet& items) {
    o.items = items;
    return o;
}

// 1e-12 relative, or 1e-12 mg/L near zero: the same solves with fewer items reported
bool same(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); }

const WqItemApportionment* item_in(const WqSectionApportionment& s, const std::string& key) {
    for (const auto& x : s.items)
        if (x.key == key) return &x;
    return nullptr;
}

// The section's class and verdict over `items` recombined from an evaluation over every item: the worst class of the
// chosen assessed items, met when none exceeds.
std::pair<int, bool> recombined(const reaches::wq::ItemsEvaluation& full, const ItemSet& items) {
    int worst = 0;
    bool meets = true;
    for (const auto& it : full.items) {
        if (!items.has(it.key) || it.cls == 0) continue;
        worst = std::max(worst, it.cls);
        meets = meets && !it.exceeds;
    }
    return {worst, meets};
}

// Every chosen, assessed item of every section meets its target with the margin, judged on an evaluation over every
// item (test::meets_all restricted to the chosen items).
bool meets_chosen(const WaterQualityEvaluation& full, const ItemSet& items, double mos, double tol_rel) {
    for (const auto& s : full.sections)
        for (const auto& it : s.evaluation.items) {
            if (it.cls == 0 || !items.has(it.key)) continue;
            const double L = it.target_limit_mgL;
            if (it.minimum ? it.value_mgL < L * (1.0 + mos) - tol_rel * L : it.value_mgL > L * (1.0 - mos) + tol_rel * L)
                return false;
        }
    return true;
}

}  // namespace

TEST_CASE("water-quality apportionment and capacity over chosen items: the full set's numbers, no other item",
          "[water_quality][apportion][items]") {
    const CaseModel m = village();
    const ItemSet chosen = item_set({Var::DO, Var::BOD5, Var::NH3N});
    for (const bool oxygen_effects : {false, true}) {
        INFO((oxygen_effects ? "oxygen effects on" : "oxygen effects off"));
        const WaterQualityOptions o = oxygen_effects ? WaterQualityOptions{} : no_oxygen_effects();
        const WqApportionment full = apportion_water_quality(m, o, {0.1});
        const WqApportionment sub = apportion_water_quality(m, with_items(o, chosen), {0.1});
        REQUIRE(full.item_keys.size() == 7);
        REQUIRE(sub.item_keys == chosen.keys());
        CHECK(sub.items == chosen);
        int cuts = 0;
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            REQUIRE(sub.sections[s].items.size() == 3);
            for (std::size_t i = 0; i < sub.item_keys.size(); ++i) {
                const WqItemApportionment& x = sub.sections[s].items[i];
                REQUIRE(x.key == sub.item_keys[i]);
                const WqItemApportionment* f = item_in(full.sections[s], x.key);
                REQUIRE(f);
                INFO(m.sections[s].id << " " << x.key);
                CHECK(same(x.value_mgL, f->value_mgL));
                CHECK(same(x.background_mgL, f->background_mgL));
                CHECK(same(x.boundary_mgL, f->boundary_mgL));
                CHECK(same(x.oxygen_effects_mgL, f->oxygen_effects_mgL));
                for (std::size_t j = 0; j < m.sources.size(); ++j) CHECK(same(x.by_source_mgL[j], f->by_source_mgL[j]));
                CHECK(x.assessed == f->assessed);
                CHECK(same(x.target_mgL, f->target_mgL));
                CHECK(x.meets_target == f->meets_target);
                CHECK(x.cut_sources == f->cut_sources);
                CHECK(same(x.cut_share_linear, f->cut_share_linear));
                CHECK(same(x.cut_share, f->cut_share));
                CHECK(same(x.cut_gs, f->cut_gs));
                CHECK(same(x.allowed_gs, f->allowed_gs));
                CHECK(same(x.boundary_cut_share, f->boundary_cut_share));
                CHECK(same(x.value_after_cut_mgL, f->value_after_cut_mgL));
                CHECK(x.feasible == f->feasible);
                cuts += x.assessed && !x.meets_target ? 1 : 0;
            }
        }
        CHECK(cuts >= 2);  // DO and NH3-N miss class II at X1 (the cut is compared, not only the shares)
        // each source's cut per chosen item, and the capacity rows: the full set's rows of the chosen items
        for (std::size_t j = 0; j < m.sources.size(); ++j)
            for (std::size_t i = 0; i < sub.item_keys.size(); ++i) {
                const auto fi = std::find(full.item_keys.begin(), full.item_keys.end(), sub.item_keys[i]) - full.item_keys.begin();
                CHECK(same(sub.source_cut_share[j][i], full.source_cut_share[j][fi]));
                CHECK(same(sub.item_load_gs[j][i], full.item_load_gs[j][fi]));
            }
        std::vector<const WqReachCut*> kept;
        for (const auto& c : full.reaches)
            if (chosen.has(c.item)) kept.push_back(&c);
        REQUIRE(sub.reaches.size() == kept.size());
        CHECK(kept.size() < full.reaches.size());  // the full set also cuts for items not chosen here
        for (std::size_t k = 0; k < kept.size(); ++k) {
            CHECK(sub.reaches[k].reach == kept[k]->reach);
            CHECK(sub.reaches[k].item == kept[k]->item);
            CHECK(same(sub.reaches[k].load_gs, kept[k]->load_gs));
            CHECK(same(sub.reaches[k].cut_gs, kept[k]->cut_gs));
            CHECK(same(sub.reaches[k].allowed_gs, kept[k]->allowed_gs));
            CHECK(sub.reaches[k].binding_section == kept[k]->binding_section);
        }
    }
}

TEST_CASE("the least-cost water-quality plan over chosen items: no measure for an item left out",
          "[water_quality][optimize][items]") {
    const CaseModel m = ammonia_village();
    const std::vector<Measure> ms = {
        cut_measure("plant_half", 0, 0.5, 40),
        cut_measure("outfall_half", 1, 0.5, 30),
        cut_measure("outfall_close", 1, 1.0, 90),
        cut_measure("farms", 2, 0.6, 15),
    };
    const std::vector<Candidate> cands = candidates_from(ms);
    OptimizeOptions opt;
    opt.mos_fraction = 0.1;
    const WaterQualityOptions wqo;  // oxygen effects on
    const ItemSet chosen = item_set({Var::DO, Var::CODMn, Var::COD});
    const WqOptimizeResult full = optimize_water_quality(m, cands, wqo, opt);
    const WqOptimizeResult sub = optimize_water_quality(m, cands, with_items(wqo, chosen), opt);
    REQUIRE(full.status == PlanStatus::Optimal);
    REQUIRE(sub.status == PlanStatus::Optimal);
    // independent: every subset of the measures (at most one level of the outfall) evaluated in full over every item,
    // judged on the chosen items only; the cheapest one that meets them
    const double best = test::cheapest_combination(cands, 0.0, [&](const std::vector<std::size_t>& pick) {
                            return meets_chosen(evaluate_water_quality(apply_plan(m, cands, pick), wqo), chosen, opt.mos_fraction, 1e-9);
                        }).cost;
    INFO("plan over every item " << full.cost_wan << ", over do, codmn, cod " << sub.cost_wan << ", cheapest by enumeration " << best);
    CHECK(sub.cost_wan == Approx(best).epsilon(1e-12));
    // the verdict changes: the full set pays for items left out here (BOD5, NH3-N, TP)
    CHECK(sub.cost_wan < full.cost_wan);
    // the plan applied and evaluated over every item: the chosen items meet their targets, and the plan's reported
    // values are that evaluation's (1e-12); the classes are the worst of the chosen items
    const WaterQualityEvaluation e0 = evaluate_water_quality(m, wqo);
    const WaterQualityEvaluation e = evaluate_water_quality(apply_plan(m, cands, sub.chosen), wqo);
    CHECK(meets_chosen(e, chosen, opt.mos_fraction, 1e-9));
    int rows = 0;
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const WqPlanSection& x = sub.condition_sections[0][s];
        for (const auto& it : x.items) {
            INFO(m.sections[s].id << " " << it.key);
            CHECK(chosen.has(it.key));
            for (const auto& c : e.sections[s].evaluation.items)
                if (c.key == it.key) CHECK(same(it.verified_mgL, c.value_mgL));
            for (const auto& c : e0.sections[s].evaluation.items)
                if (c.key == it.key) CHECK(same(it.baseline_mgL, c.value_mgL));
            ++rows;
        }
        for (const auto* ev : {&x.baseline, &x.plan})
            for (const auto& c : ev->items) CHECK(chosen.has(c.key));
        CHECK(x.baseline.overall == recombined(e0.sections[s].evaluation, chosen).first);
        CHECK(x.plan.overall == recombined(e.sections[s].evaluation, chosen).first);
    }
    CHECK(rows == 2 * 3);  // three chosen items, each assessed in rivers, at two sections
}

TEST_CASE("water-quality Monte Carlo over chosen items: the full set's bands, a section's probability recombined",
          "[water_quality][montecarlo][items]") {
    const CaseModel m = ammonia_village();
    const WaterQualityOptions o;
    const UncertainParameter u = test::uncertain("load.outfall", 0.05, 1.2);
    const MonteCarloOptions mo = test::draws(40, 11);
    const ItemSet chosen = item_set({Var::DO, Var::CODMn, Var::COD});
    const WqMonteCarloResult full = monte_carlo_water_quality(m, o, {u}, mo);
    const WqMonteCarloResult sub = monte_carlo_water_quality(m, with_items(o, chosen), {u}, mo);
    REQUIRE(sub.sections.size() == m.sections.size());
    // independent: the same draws evaluated one by one over every item, the section meeting its target where every
    // chosen assessed item does; counts exact
    std::vector<int> met(m.sections.size(), 0);
    for (std::size_t i = 0; i < mo.draws; ++i) {
        const WaterQualityEvaluation e = evaluate_water_quality(draw_case(m, {u}, mo, i), o);
        for (std::size_t s = 0; s < m.sections.size(); ++s) met[s] += recombined(e.sections[s].evaluation, chosen).second ? 1 : 0;
    }
    bool rose = false;
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        INFO(m.sections[s].id);
        REQUIRE(sub.sections[s].items.size() == 3);
        CHECK(sub.sections[s].p_meets == Approx(met[s] / 40.0).epsilon(1e-15));
        CHECK(sub.sections[s].p_meets >= full.sections[s].p_meets);
        rose = rose || sub.sections[s].p_meets > full.sections[s].p_meets;
        for (std::size_t k = 0; k < sub.sections[s].items.size(); ++k) {
            const WqItemBand& b = sub.sections[s].items[k];
            REQUIRE(b.key == chosen.keys()[k]);
            const WqItemBand* f = nullptr;
            for (const auto& x : full.sections[s].items)
                if (x.key == b.key) f = &x;
            REQUIRE(f);
            CHECK(b.assessed == f->assessed);
            CHECK(same(b.p_meets, f->p_meets));
            CHECK(same(b.p5, f->p5));
            CHECK(same(b.p50, f->p50));
            CHECK(same(b.p95, f->p95));
            CHECK(same(b.mean, f->mean));
        }
    }
    CHECK(rose);  // NH3-N meets class III in 5 % of the draws, CODMn and COD in more than half
}

namespace {

// The file's lines other than the header (BOM removed).
std::vector<std::string> lines(const fs::path& p) {
    const std::string text = test::strip_bom(test::read_file(p));
    std::vector<std::string> v;
    std::size_t at = text.find('\n') + 1;
    while (at < text.size()) {
        const std::size_t end = text.find('\n', at);
        v.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return v;
}

}  // namespace

TEST_CASE("water-quality --apportion --optimize --monte-carlo on Leshan with chosen items: the full run's rows of those "
          "items, no other item",
          "[water_quality][cli][items]") {
    const fs::path work = test::temp_dir("wq-items-analyses");
    const fs::path dir = test::copy_case(test::source_dir() / "data/cases/leshan", "wq-items-analyses-case");
    // DO, CODMn and COD: BOD5, NH3-N and TP, which also fail at LS06 and LS07, left out
    test::write_file(dir / "case.toml", test::read_file(dir / "case.toml") + "items = [\"do\", \"codmn\", \"cod\"]\n");
    const std::set<std::string> keys = {"do", "codmn", "cod"};
    std::string full_log, sub_log;
    const std::string args = " --apportion --optimize --monte-carlo 100 --seed 7 --out ";
    const std::string store = "--store " + (work / "runs.sqlite").string() + " ";
    REQUIRE(test::run_cli(store + "water-quality " + (test::source_dir() / "data/cases/leshan").string() + args + (work / "full").string(),
                          &full_log) == 0);
    REQUIRE(test::run_cli(store + "water-quality " + dir.string() + args + (work / "sub").string(), &sub_log) == 0);
    // apportionment, reduction and capacity: exactly the full run's lines whose item is chosen (same text: 12
    // significant digits), and no other item
    for (const char* file : {"water_quality_apportionment.csv", "water_quality_reduction.csv", "water_quality_capacity.csv"}) {
        INFO(file);
        const auto fr = test::read_csv(work / "full" / file), sr = test::read_csv(work / "sub" / file);
        const auto fl = lines(work / "full" / file), sl = lines(work / "sub" / file);
        REQUIRE(fr.size() == fl.size());
        std::vector<std::string> kept;
        for (std::size_t i = 0; i < fr.size(); ++i)
            if (keys.count(fr[i].at("item"))) kept.push_back(fl[i]);
        CHECK(sl == kept);
        CHECK(kept.size() < fl.size());  // the full run has rows of the other items
        for (const auto& r : sr) CHECK(keys.count(r.at("item")) == 1);
    }
    // Monte Carlo, every scenario (the same draws): every item column the full run's; the section's probability is at
    // least the full run's and rises at LS06 in the baseline, where only CODMn (15 %) and COD (26 %) of the chosen
    // items ever fail
    {
        const auto fr = test::read_csv(work / "full" / "water_quality_montecarlo.csv");
        const auto sr = test::read_csv(work / "sub" / "water_quality_montecarlo.csv");
        using Key = std::tuple<std::string, std::string, std::string>;   // scenario, section, item
        std::map<Key, const std::map<std::string, std::string>*> by;
        std::set<std::string> scenarios;
        for (const auto& r : fr) {
            by[{r.at("scenario"), r.at("section_id"), r.at("item")}] = &r;
            scenarios.insert(r.at("scenario"));
        }
        REQUIRE(scenarios.size() > 1);
        REQUIRE(scenarios.count("baseline") == 1);
        REQUIRE(sr.size() == 9 * 3 * scenarios.size());
        bool rose = false;
        for (const auto& r : sr) {
            INFO(r.at("scenario") << " " << r.at("section_id") << " " << r.at("item"));
            REQUIRE(keys.count(r.at("item")) == 1);
            const auto& f = *by.at({r.at("scenario"), r.at("section_id"), r.at("item")});
            for (const char* c : {"assessed", "p_meets", "p5_mgL", "p50_mgL", "p95_mgL", "mean_mgL", "draws", "seed"}) CHECK(r.at(c) == f.at(c));
            CHECK(std::stod(r.at("section_p_meets")) >= std::stod(f.at("section_p_meets")));
            if (r.at("scenario") == "baseline")
                rose = rose || std::stod(r.at("section_p_meets")) > std::stod(f.at("section_p_meets"));
        }
        CHECK(rose);
    }
    // the plan: rows of the chosen items only, each meeting its target where reachable, the exceeding items after the
    // plan chosen ones
    for (const auto& r : test::read_csv(work / "sub" / "water_quality_plan_sections.csv")) {
        INFO(r.at("condition") << " " << r.at("section_id") << " " << r.at("item"));
        CHECK(keys.count(r.at("item")) == 1);
        if (r.at("reachable") == "yes") CHECK(r.at("meets_with_margin") == "yes");
        for (const char* other : {"BOD5", "NH3-N", "TP", "TN"}) CHECK(r.at("plan_exceeding_en").find(other) == std::string::npos);
    }
    // the console: the items left out are named nowhere (their English and Chinese labels), in any table or line (the
    // settings line names the species computed, by key)
    for (const std::string key : {"bod5", "nh3n", "tp", "tn"})
        for (const char* label : {reaches::wq::item_label_zh(key), reaches::wq::item_label_en(key)}) {
            INFO(label);
            CHECK(full_log.find(label) != std::string::npos);
            CHECK(sub_log.find(label) == std::string::npos);
        }
    CHECK(sub_log.find("Least-cost plan for the items assessed (do, codmn, cod)") != std::string::npos);
    fs::remove_all(work);
    fs::remove_all(dir);
}
