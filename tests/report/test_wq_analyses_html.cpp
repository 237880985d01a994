// The report's part of the water-quality analyses (report/water_quality_analyses.hpp), from rows made here: what it
// shows and what it leaves out, and the CSVs written from the same rows.
#include <catch2/catch.hpp>

#include <string>

#include "common/csv_text.hpp"
#include "io/water_quality_csv.hpp"
#include "report/report.hpp"
#include "report/water_quality_analyses.hpp"

using namespace qingliu;

namespace {

report::WaterQualityAnalyses analyses(bool verified_ok) {
    auto ap = std::make_shared<report::WqApportionTable>();
    ap->condition = "design";
    ap->condition_zh = "design：设计条件";
    ap->condition_en = "design: design condition";
    ap->mos = 0.1;
    report::WqReductionRow fail;
    fail.condition = "design";
    fail.section_id = "S-FAIL";
    fail.section_name = "未达标断面";
    fail.target_class = 3;
    fail.item = "nh3n";
    fail.value_mgL = 1.5;
    fail.limit_mgL = 1.0;
    fail.target_mgL = 0.9;
    fail.meets_target = false;
    fail.cut_share = 0.456;
    fail.cut_t_a = 12.34;
    fail.top_sources = "SRC-A 0.812; SRC-B 0.101";
    fail.feasible = false;
    report::WqReductionRow ok = fail;
    ok.section_id = "S-OK";
    ok.meets_target = true;
    ap->rows = {ok, fail};
    ap->capacity.push_back({"design", "R7", "nh3n", 20.0, 12.34, 7.66, "S-FAIL"});

    auto plan = std::make_shared<report::WqPlanTable>();
    plan->status = "gap-minimised";
    plan->cost_wan = 4600;
    plan->verified_ok = verified_ok;
    plan->conditions.push_back({"design", "design: 设计条件 / design condition"});
    report::WqPlanMeasureRow m;
    m.measure_id = "upgrade";
    m.name = "提标";
    m.name_en = "Plants upgraded";
    m.chosen = true;
    report::WqPlanMeasureRow dropped = m;
    dropped.measure_id = "ponds";
    dropped.chosen = false;
    dropped.note = "not needed in the full model";
    dropped.note_zh = "完整模型下无需";
    plan->measures = {m, dropped};
    report::WqPlanSectionRow r;
    r.condition = "design";
    r.section_id = "S-FAIL";
    r.item = "nh3n";
    r.target_class = 3;
    r.limit_mgL = 1.0;
    r.target_mgL = 0.9;
    r.plan_mgL = 1.2;
    r.gap_mgL = 0.3;
    r.reachable = false;
    r.baseline_class = 5;
    r.plan_class = 4;
    r.plan_exceeding_en = "NH3-N 0.20";
    r.plan_exceeding_zh = "氨氮 0.20倍";
    plan->sections = {r};

    auto mc = std::make_shared<report::WqMonteCarloTable>();
    mc->draws = 400;
    mc->seed = 9;
    for (const char* sc : {"baseline", "upgrade"}) {
        report::WqMonteCarloRow x;
        x.scenario = sc;
        x.section_id = "S-FAIL";
        x.item = "nh3n";
        x.assessed = true;
        x.p_meets = std::string(sc) == "baseline" ? 0.25 : 0.75;
        x.section_p_meets = x.p_meets;
        x.target_class = 3;
        mc->rows.push_back(x);
    }
    return {ap, plan, mc};
}

}  // namespace

TEST_CASE("water-quality analyses part: failing items with their sources and cuts, the plan, P(meets) per scenario",
          "[report][wq-analyses-report]") {
    report::ReportData d;
    const std::string h = report::water_quality_analyses_html(analyses(true), d, "T");
    CHECK(h.find("id=\"water-quality-analyses\"") != std::string::npos);
    // the apportionment table lists the failing item only, with its cut (45.6 % = 12.34 t/a), out of reach, top sources
    CHECK(h.find("data-section=\"S-FAIL\" data-item=\"nh3n\"") != std::string::npos);
    CHECK(h.find("data-section=\"S-OK\"") == std::string::npos);
    CHECK(h.find("45.6 % = 12.34 t/a") != std::string::npos);
    CHECK(h.find("out of reach") != std::string::npos);
    CHECK(h.find("SRC-A 0.812; SRC-B 0.101") != std::string::npos);
    // the plan: status, chosen and dropped measures, the section's classes, the item out of reach with its gap
    CHECK(h.find("gap minimised") != std::string::npos);
    CHECK(h.find("data-measure=\"upgrade\"") != std::string::npos);
    CHECK(h.find("完整模型下无需") != std::string::npos);
    CHECK(h.find("wq-unreachable") != std::string::npos);
    CHECK(h.find("0.30 mg/L</li>") != std::string::npos);
    // the least margin: (0.9 - 1.2) / 1.0 = -30 %
    CHECK(h.find("-30.0 %") != std::string::npos);
    CHECK(h.find("misses targets it was meant to meet") == std::string::npos);
    // Monte Carlo: one panel per scenario; 25 % +- 1.96 sqrt(0.25 x 0.75 / 400) = 4.2 points
    CHECK(h.find("data-scen=\"baseline\"") != std::string::npos);
    CHECK(h.find("data-scen=\"upgrade\"") != std::string::npos);
    CHECK(h.find("25.0 % ± 4.2") != std::string::npos);
    CHECK(h.find("75.0 % ± 4.2") != std::string::npos);

    CHECK(report::water_quality_analyses_html(analyses(false), d, "T").find("misses targets it was meant to meet") != std::string::npos);
    // a plan alone: no apportionment or Monte Carlo heading
    report::WaterQualityAnalyses only_plan;
    only_plan.plan = analyses(true).plan;
    const std::string p = report::water_quality_analyses_html(only_plan, d, "T");
    CHECK(p.find("Least-cost plan") != std::string::npos);
    CHECK(p.find("Apportionment and required cuts") == std::string::npos);
    CHECK(p.find("data-scen=") == std::string::npos);
}

TEST_CASE("water-quality analyses CSVs from rows: one line per row, the report-only fields left out",
          "[report][wq-analyses-report]") {
    const auto a = analyses(true);
    const auto red = parse_csv_text(io::water_quality_reduction_csv(*a.apportion));
    REQUIRE(red.size() == 3);  // header + 2 rows
    CHECK(red[0].size() == 26);
    CHECK(red[2][1] == "S-FAIL");
    CHECK(red[2][12] == "no");   // meets_target
    CHECK(red[2][25] == "no");   // feasible
    CHECK(io::water_quality_reduction_csv(*a.apportion).find("SRC-A") == std::string::npos);  // top_sources: report only
    const auto mc = parse_csv_text(io::water_quality_montecarlo_csv(*a.montecarlo));
    REQUIRE(mc.size() == 3);
    CHECK(mc[1][9] == "0.25");
    CHECK(mc[2][15] == "400");
    CHECK(mc[2][16] == "9");
    const auto plan = parse_csv_text(io::water_quality_plan_csv(*a.plan));
    REQUIRE(plan.size() == 3);
    CHECK(plan[1][8] == "1");
    CHECK(plan[2][8] == "0");
    CHECK(plan[2][9] == "not needed in the full model");
}
