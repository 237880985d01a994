// The water-quality analyses of `qingliu water-quality` (apportionment, least-cost plan, Monte Carlo) come back from
// the run store field for field: every field a value of its own, so that two columns swapped or one left out shows;
// reals bit for bit, the seed above 2^63 too; parts not saved come back null.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <memory>
#include <string>

#include "../io/helpers.hpp"
#include "io/case_reader.hpp"
#include "io/result_rows.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "io/store_wq_analyses.hpp"
#include "report/report.hpp"
#include "report/water_quality_analyses.hpp"
#include "scenarios/case.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

/// Values of their own for every field: reals, integers and texts never repeat within a test.
struct Gen {
    int n = 0;      // texts and integers
    int reals = 0;  // reals: the first few are the hard ones
    double real() {
        switch (++reals) {
            case 1: return 0.1 + 0.2;  // 0.30000000000000004: not the nearest double to 0.3
            case 2: return 1e-300;
            case 3: return -2.5e300;
            case 4: return 5e-324;  // the smallest subnormal
            case 5: return 3000.0;  // whole: SQLite may keep it as an integer on disk
            default: return 1.0 / 3.0 * reals + 1e-7 * reals * reals;
        }
    }
    int integer() { return 3 + 11 * ++n; }
    std::string text(const std::string& field) {
        ++n;
        return field + "-" + std::to_string(n) + (n % 2 ? " 断面·茫溪河" : " “引号”, 逗号");
    }
};

report::WqApportionTable make_apportion(Gen& g) {
    report::WqApportionTable t;
    t.condition = g.text("condition");
    t.condition_zh = "枯水期 90% 保证率最枯月";
    t.condition_en = g.text("condition_en");
    t.mos = g.real();
    t.linear_exact = false;
    for (int k = 0; k < 2; ++k) {
        report::WqReductionRow x;
        x.condition = g.text("condition");
        x.section_id = g.text("section_id");
        x.section_name = g.text("section_name");
        x.target_class = g.integer();
        x.item = g.text("item");
        x.minimum = k == 0;
        x.value_mgL = g.real();
        x.limit_mgL = g.real();
        x.mos = g.real();
        x.target_mgL = g.real();
        x.meets_target = k == 1;
        x.background_mgL = g.real();
        x.boundary_mgL = g.real();
        x.sources_mgL = g.real();
        x.oxygen_effects_mgL = g.real();
        x.cut_sources = g.text("cut_sources");
        x.source_load_t_a = g.real();
        x.cut_share_linear = g.real();
        x.cut_share = g.real();
        x.cut_t_a = g.real();
        x.allowed_t_a = g.real();
        x.boundary_cut_share = g.real();
        x.value_after_cut_mgL = g.real();
        x.feasible = k == 1;
        x.top_sources = g.text("top_sources");
        t.rows.push_back(x);
    }
    for (int k = 0; k < 3; ++k) {
        report::WqCapacityRow x;
        x.condition = g.text("condition");
        x.reach_id = g.text("reach_id");
        x.item = g.text("item");
        x.load_t_a = g.real();
        x.cut_t_a = g.real();
        x.allowed_t_a = g.real();
        x.binding_section = g.text("binding_section");
        t.capacity.push_back(x);
    }
    return t;
}

report::WqPlanTable make_plan(Gen& g) {
    report::WqPlanTable t;
    t.status = g.text("status");
    t.cost_wan = g.real();
    t.invest_wan = g.real();
    t.annual_wan = g.real();
    t.annual_cost_factor = g.real();
    t.mos = g.real();
    t.verified_ok = false;
    t.conditions = {{g.text("id"), g.text("label")}, {g.text("id"), "丰水期 high flow"}};
    for (int k = 0; k < 2; ++k) {
        report::WqPlanMeasureRow x;
        x.measure_id = g.text("measure_id");
        x.name = g.text("name");
        x.name_en = g.text("name_en");
        x.kind = g.text("kind");
        x.group = g.text("group");
        x.invest_wan = g.real();
        x.annual_wan = g.real();
        x.cost_wan = g.real();
        x.chosen = k == 0;
        x.note = g.text("note");
        x.note_zh = g.text("note_zh");
        t.measures.push_back(x);
    }
    for (int k = 0; k < 2; ++k) {
        report::WqPlanSectionRow x;
        x.condition = g.text("condition");
        x.section_id = g.text("section_id");
        x.name = g.text("name");
        x.item = g.text("item");
        x.minimum = k == 0;
        x.target_class = g.integer();
        x.limit_mgL = g.real();
        x.mos = g.real();
        x.target_mgL = g.real();
        x.baseline_mgL = g.real();
        x.predicted_mgL = g.real();
        x.plan_mgL = g.real();
        x.gap_mgL = g.real();
        x.reachable = k == 1;
        x.baseline_class = g.integer();
        x.plan_class = g.integer();
        x.baseline_meets = k == 0;
        x.plan_meets = k == 1;
        x.plan_exceeding_en = g.text("plan_exceeding_en");
        x.plan_exceeding_zh = g.text("plan_exceeding_zh");
        t.sections.push_back(x);
    }
    return t;
}

report::WqMonteCarloTable make_montecarlo(Gen& g) {
    report::WqMonteCarloTable t;
    t.draws = 123457;
    t.seed = 0xFFFFFFFFFFFFFFF0ull;  // above 2^63: does not fit SQLite's signed INTEGER as a plain number
    for (int k = 0; k < 2; ++k) {
        report::WqMonteCarloRow x;
        x.scenario = g.text("scenario");
        x.scenario_name = g.text("scenario_name");
        x.scenario_name_en = g.text("scenario_name_en");
        x.section_id = g.text("section_id");
        x.name = g.text("name");
        x.item = g.text("item");
        x.assessed = k == 0;
        x.p_meets = g.real();
        x.p5_mgL = g.real();
        x.p50_mgL = g.real();
        x.p95_mgL = g.real();
        x.mean_mgL = g.real();
        x.section_p_meets = g.real();
        x.target_class = g.integer();
        t.rows.push_back(x);
    }
    return t;
}

/// A double's bit pattern: equal bits, the same double (0.0 and -0.0 differ, as they should).
std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

void require_same(const report::WqApportionTable& x, const report::WqApportionTable& y) {
    REQUIRE(y.condition == x.condition);
    REQUIRE(y.condition_zh == x.condition_zh);
    REQUIRE(y.condition_en == x.condition_en);
    REQUIRE(bits(y.mos) == bits(x.mos));
    REQUIRE(y.linear_exact == x.linear_exact);
    REQUIRE(y.rows.size() == x.rows.size());
    for (std::size_t k = 0; k < x.rows.size(); ++k) {
        INFO("reduction row " << k);
        const auto &a = x.rows[k], &b = y.rows[k];
        REQUIRE(b.condition == a.condition);
        REQUIRE(b.section_id == a.section_id);
        REQUIRE(b.section_name == a.section_name);
        REQUIRE(b.target_class == a.target_class);
        REQUIRE(b.item == a.item);
        REQUIRE(b.minimum == a.minimum);
        REQUIRE(bits(b.value_mgL) == bits(a.value_mgL));
        REQUIRE(bits(b.limit_mgL) == bits(a.limit_mgL));
        REQUIRE(bits(b.mos) == bits(a.mos));
        REQUIRE(bits(b.target_mgL) == bits(a.target_mgL));
        REQUIRE(b.meets_target == a.meets_target);
        REQUIRE(bits(b.background_mgL) == bits(a.background_mgL));
        REQUIRE(bits(b.boundary_mgL) == bits(a.boundary_mgL));
        REQUIRE(bits(b.sources_mgL) == bits(a.sources_mgL));
        REQUIRE(bits(b.oxygen_effects_mgL) == bits(a.oxygen_effects_mgL));
        REQUIRE(b.cut_sources == a.cut_sources);
        REQUIRE(bits(b.source_load_t_a) == bits(a.source_load_t_a));
        REQUIRE(bits(b.cut_share_linear) == bits(a.cut_share_linear));
        REQUIRE(bits(b.cut_share) == bits(a.cut_share));
        REQUIRE(bits(b.cut_t_a) == bits(a.cut_t_a));
        REQUIRE(bits(b.allowed_t_a) == bits(a.allowed_t_a));
        REQUIRE(bits(b.boundary_cut_share) == bits(a.boundary_cut_share));
        REQUIRE(bits(b.value_after_cut_mgL) == bits(a.value_after_cut_mgL));
        REQUIRE(b.feasible == a.feasible);
        REQUIRE(b.top_sources == a.top_sources);
    }
    REQUIRE(y.capacity.size() == x.capacity.size());
    for (std::size_t k = 0; k < x.capacity.size(); ++k) {
        INFO("capacity row " << k);
        const auto &a = x.capacity[k], &b = y.capacity[k];
        REQUIRE(b.condition == a.condition);
        REQUIRE(b.reach_id == a.reach_id);
        REQUIRE(b.item == a.item);
        REQUIRE(bits(b.load_t_a) == bits(a.load_t_a));
        REQUIRE(bits(b.cut_t_a) == bits(a.cut_t_a));
        REQUIRE(bits(b.allowed_t_a) == bits(a.allowed_t_a));
        REQUIRE(b.binding_section == a.binding_section);
    }
}

void require_same(const report::WqPlanTable& x, const report::WqPlanTable& y) {
    REQUIRE(y.status == x.status);
    REQUIRE(bits(y.cost_wan) == bits(x.cost_wan));
    REQUIRE(bits(y.invest_wan) == bits(x.invest_wan));
    REQUIRE(bits(y.annual_wan) == bits(x.annual_wan));
    REQUIRE(bits(y.annual_cost_factor) == bits(x.annual_cost_factor));
    REQUIRE(bits(y.mos) == bits(x.mos));
    REQUIRE(y.verified_ok == x.verified_ok);
    REQUIRE(y.conditions.size() == x.conditions.size());
    for (std::size_t k = 0; k < x.conditions.size(); ++k) {
        REQUIRE(y.conditions[k].id == x.conditions[k].id);
        REQUIRE(y.conditions[k].label == x.conditions[k].label);
    }
    REQUIRE(y.measures.size() == x.measures.size());
    for (std::size_t k = 0; k < x.measures.size(); ++k) {
        INFO("measure row " << k);
        const auto &a = x.measures[k], &b = y.measures[k];
        REQUIRE(b.measure_id == a.measure_id);
        REQUIRE(b.name == a.name);
        REQUIRE(b.name_en == a.name_en);
        REQUIRE(b.kind == a.kind);
        REQUIRE(b.group == a.group);
        REQUIRE(bits(b.invest_wan) == bits(a.invest_wan));
        REQUIRE(bits(b.annual_wan) == bits(a.annual_wan));
        REQUIRE(bits(b.cost_wan) == bits(a.cost_wan));
        REQUIRE(b.chosen == a.chosen);
        REQUIRE(b.note == a.note);
        REQUIRE(b.note_zh == a.note_zh);
    }
    REQUIRE(y.sections.size() == x.sections.size());
    for (std::size_t k = 0; k < x.sections.size(); ++k) {
        INFO("plan section row " << k);
        const auto &a = x.sections[k], &b = y.sections[k];
        REQUIRE(b.condition == a.condition);
        REQUIRE(b.section_id == a.section_id);
        REQUIRE(b.name == a.name);
        REQUIRE(b.item == a.item);
        REQUIRE(b.minimum == a.minimum);
        REQUIRE(b.target_class == a.target_class);
        REQUIRE(bits(b.limit_mgL) == bits(a.limit_mgL));
        REQUIRE(bits(b.mos) == bits(a.mos));
        REQUIRE(bits(b.target_mgL) == bits(a.target_mgL));
        REQUIRE(bits(b.baseline_mgL) == bits(a.baseline_mgL));
        REQUIRE(bits(b.predicted_mgL) == bits(a.predicted_mgL));
        REQUIRE(bits(b.plan_mgL) == bits(a.plan_mgL));
        REQUIRE(bits(b.gap_mgL) == bits(a.gap_mgL));
        REQUIRE(b.reachable == a.reachable);
        REQUIRE(b.baseline_class == a.baseline_class);
        REQUIRE(b.plan_class == a.plan_class);
        REQUIRE(b.baseline_meets == a.baseline_meets);
        REQUIRE(b.plan_meets == a.plan_meets);
        REQUIRE(b.plan_exceeding_en == a.plan_exceeding_en);
        REQUIRE(b.plan_exceeding_zh == a.plan_exceeding_zh);
    }
}

void require_same(const report::WqMonteCarloTable& x, const report::WqMonteCarloTable& y) {
    REQUIRE(y.draws == x.draws);
    REQUIRE(y.seed == x.seed);
    REQUIRE(y.rows.size() == x.rows.size());
    for (std::size_t k = 0; k < x.rows.size(); ++k) {
        INFO("Monte Carlo row " << k);
        const auto &a = x.rows[k], &b = y.rows[k];
        REQUIRE(b.scenario == a.scenario);
        REQUIRE(b.scenario_name == a.scenario_name);
        REQUIRE(b.scenario_name_en == a.scenario_name_en);
        REQUIRE(b.section_id == a.section_id);
        REQUIRE(b.name == a.name);
        REQUIRE(b.item == a.item);
        REQUIRE(b.assessed == a.assessed);
        REQUIRE(bits(b.p_meets) == bits(a.p_meets));
        REQUIRE(bits(b.p5_mgL) == bits(a.p5_mgL));
        REQUIRE(bits(b.p50_mgL) == bits(a.p50_mgL));
        REQUIRE(bits(b.p95_mgL) == bits(a.p95_mgL));
        REQUIRE(bits(b.mean_mgL) == bits(a.mean_mgL));
        REQUIRE(bits(b.section_p_meets) == bits(a.section_p_meets));
        REQUIRE(b.target_class == a.target_class);
    }
}

/// Saves a minimal run (the mini case's baseline) with `wq` as its only report extra; returns the run's id.
std::int64_t save_with(io::RunStore& store, std::shared_ptr<const report::WaterQualityAnalyses> wq) {
    const auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    io::ReportExtras x;
    x.wq_analyses = std::move(wq);
    return io::save_run_with_report(
        store, io::make_run_data(lc, "water-quality", {io::make_result(lc.model, scenarios::evaluate(lc.model), "baseline")}), x);
}

}  // namespace

TEST_CASE("water-quality analyses come back from the run store field for field", "[report][store][wq-store]") {
    Gen g;
    const auto apportion = make_apportion(g);
    const auto plan = make_plan(g);
    const auto montecarlo = make_montecarlo(g);
    auto a = std::make_shared<report::WaterQualityAnalyses>();
    a->apportion = std::make_shared<report::WqApportionTable>(apportion);
    a->plan = std::make_shared<report::WqPlanTable>(plan);
    a->montecarlo = std::make_shared<report::WqMonteCarloTable>(montecarlo);
    io::RunStore store((temp_dir("wq-analyses-store") / "runs.sqlite").string());
    const auto id = save_with(store, a);
    const auto d = io::load_report_data(store, id);
    REQUIRE(d.wq_analyses);
    REQUIRE(d.wq_analyses->apportion);
    REQUIRE(d.wq_analyses->plan);
    REQUIRE(d.wq_analyses->montecarlo);
    require_same(apportion, *d.wq_analyses->apportion);
    require_same(plan, *d.wq_analyses->plan);
    require_same(montecarlo, *d.wq_analyses->montecarlo);
    // the test's own values are what they claim to be
    CHECK(apportion.mos == 0.1 + 0.2);
    CHECK(apportion.rows[0].value_mgL == 1e-300);
    CHECK(apportion.rows[0].target_mgL == 3000.0);
    CHECK(d.wq_analyses->montecarlo->seed == 0xFFFFFFFFFFFFFFF0ull);
}

TEST_CASE("runs stored without water-quality analyses, or with only some parts, load what they have", "[report][store][wq-store]") {
    io::RunStore store((temp_dir("wq-analyses-parts") / "runs.sqlite").string());
    Gen g;
    auto full = std::make_shared<report::WaterQualityAnalyses>();
    full->apportion = std::make_shared<report::WqApportionTable>(make_apportion(g));
    full->plan = std::make_shared<report::WqPlanTable>(make_plan(g));
    full->montecarlo = std::make_shared<report::WqMonteCarloTable>(make_montecarlo(g));
    const auto plan = make_plan(g);
    auto plan_only = std::make_shared<report::WaterQualityAnalyses>();
    plan_only->plan = std::make_shared<report::WqPlanTable>(plan);
    // a run with all three parts first: the others must not see its rows
    const auto id_full = save_with(store, full);
    const auto id_none = save_with(store, nullptr);
    const auto id_plan = save_with(store, plan_only);
    const auto id_empty = save_with(store, std::make_shared<report::WaterQualityAnalyses>());

    CHECK_FALSE(io::load_report_data(store, id_none).wq_analyses);
    CHECK_FALSE(io::load_report_data(store, id_empty).wq_analyses);  // no part saved: as if none
    const auto d = io::load_report_data(store, id_plan);
    REQUIRE(d.wq_analyses);
    CHECK_FALSE(d.wq_analyses->apportion);
    CHECK_FALSE(d.wq_analyses->montecarlo);
    REQUIRE(d.wq_analyses->plan);
    require_same(plan, *d.wq_analyses->plan);
    const auto f = io::load_wq_analyses(store, id_full);
    REQUIRE(f);
    REQUIRE(f->apportion);
    REQUIRE(f->plan);
    REQUIRE(f->montecarlo);
    require_same(*full->apportion, *f->apportion);
    require_same(*full->plan, *f->plan);
    require_same(*full->montecarlo, *f->montecarlo);
}
