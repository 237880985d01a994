// The report's part for what `qingliu water-quality --apportion / --optimize / --monte-carlo` found
// (report/water_quality_analyses.hpp), rendered from rows built in code: the apportionment lists the failing items
// only, with their top sources and cuts; the plan names its measures, classes and the items out of reach; each
// scenario's Monte Carlo panel carries its id and probabilities. The report's tables and workbook sheets get the
// analyses' five CSVs.
#include <catch2/catch.hpp>

#include <memory>

#include "io/export_tables.hpp"
#include "io/xlsx_report.hpp"
#include "report/html.hpp"
#include "report/layout.hpp"
#include "report/report.hpp"
#include "report/water_quality_analyses.hpp"

using namespace qingliu;
using namespace qingliu::report;

namespace {

ReportData two_sections() {
    ReportData d;
    d.case_name = "测试";
    d.network = {{"R1", "上段", "河", "R2", "", 0.0, 10.0, {}}, {"R2", "下段", "河", "", "", 0.0, 12.0, {}}};
    for (const char* id : {"baseline", "plan"}) {
        Scenario s;
        s.id = id;
        if (s.id == "plan") {
            s.name = "规划";
            s.name_en = "Plan";
        }
        SectionResult a, b;
        a.id = "S1";
        a.name = "上游断面";
        a.name_en = "Upper section";
        a.reach_id = "R1";
        a.target_class = 3;
        b.id = "S2";
        b.name = "下游断面";
        b.name_en = "Lower section";
        b.reach_id = "R2";
        b.target_class = 3;
        s.sections = {a, b};
        d.scenarios.push_back(s);
    }
    return d;
}

WqReductionRow reduction(const std::string& section, const std::string& item, bool meets) {
    WqReductionRow r;
    r.condition = "design";
    r.section_id = section;
    r.section_name = section == "S1" ? "上游断面" : "下游断面";
    r.target_class = 3;
    r.item = item;
    r.value_mgL = meets ? 0.15 : 1.234;
    r.limit_mgL = item == "tp" ? 0.2 : 1.0;
    r.mos = 0.1;
    r.target_mgL = 0.9 * r.limit_mgL;
    r.meets_target = meets;
    if (!meets) {
        r.top_sources = "P1 0.412; P2 0.101";
        r.cut_share = 0.375;
        r.cut_t_a = 12.5;
        r.boundary_cut_share = 0.2;
    }
    return r;
}

WqPlanSectionRow plan_row(const std::string& cond, const std::string& section, const std::string& item,
                          bool reachable) {
    WqPlanSectionRow r;
    r.condition = cond;
    r.section_id = section;
    r.name = section;
    r.item = item;
    r.target_class = 3;
    r.limit_mgL = item == "tp" ? 0.2 : 1.0;
    r.mos = 0.1;
    r.target_mgL = 0.9 * r.limit_mgL;
    r.baseline_mgL = 1.1 * r.limit_mgL;
    r.plan_mgL = reachable ? 0.8 * r.limit_mgL : 1.05 * r.limit_mgL;
    r.gap_mgL = reachable ? 0.0 : r.plan_mgL - r.target_mgL;
    r.reachable = reachable;
    // the section's classes (every row of a section holds them): S2 stays IV, its TP out of reach
    r.baseline_class = 4;
    r.plan_class = section == "S2" ? 4 : 3;
    r.plan_meets = section != "S2";
    if (section == "S2") {
        r.plan_exceeding_en = "TP 0.05";
        r.plan_exceeding_zh = "总磷 0.05倍";
    }
    return r;
}

WaterQualityAnalyses analyses(bool failing = true) {
    auto ap = std::make_shared<WqApportionTable>();
    ap->condition = "design";
    ap->condition_zh = "design：设计条件（90%保证率）";
    ap->condition_en = "design: design condition (90 % flow)";
    ap->mos = 0.1;
    ap->linear_exact = false;
    ap->rows = {reduction("S1", "nh3n", !failing), reduction("S2", "tp", true)};
    if (failing) ap->capacity.push_back({"design", "R1", "nh3n", 40.0, 15.0, 25.0, "S1"});

    auto plan = std::make_shared<WqPlanTable>();
    plan->status = "gap-minimised";
    plan->cost_wan = 3200.0;
    plan->invest_wan = 3000.0;
    plan->annual_wan = 20.0;
    plan->annual_cost_factor = 10.0;
    plan->mos = 0.1;
    plan->verified_ok = false;
    plan->conditions = {{"design", "design 设计条件 design condition"}};
    WqPlanMeasureRow m1, m2;
    m1.measure_id = "upgrade_p1";
    m1.name = "污水厂提标";
    m1.name_en = "WWTP upgrade";
    m1.invest_wan = 3000.0;
    m1.annual_wan = 20.0;
    m1.chosen = true;
    m2.measure_id = "close_p3";
    m2.name = "关停P3";
    m2.note = "dominated by upgrade_p1";
    m2.note_zh = "劣于 upgrade_p1";
    plan->measures = {m1, m2};
    plan->sections = {plan_row("design", "S1", "nh3n", true), plan_row("design", "S1", "tp", true),
                      plan_row("design", "S2", "nh3n", true), plan_row("design", "S2", "tp", false)};

    auto mc = std::make_shared<WqMonteCarloTable>();
    mc->draws = 200;
    mc->seed = 7;
    for (const char* scen : {"baseline", "plan"})
        for (const char* item : {"nh3n", "tp", "tn"}) {
            WqMonteCarloRow r;
            r.scenario = scen;
            r.section_id = "S1";
            r.name = "上游断面";
            r.item = item;
            r.assessed = std::string(item) != "tn";
            r.p_meets = 0.9;
            r.p5_mgL = 0.5;
            r.p50_mgL = 0.7;
            r.p95_mgL = 1.1;
            r.section_p_meets = std::string(scen) == "baseline" ? 0.875 : 0.96;
            r.target_class = 3;
            mc->rows.push_back(r);
        }
    WaterQualityAnalyses a;
    a.apportion = ap;
    a.plan = plan;
    a.montecarlo = mc;
    return a;
}

// The text from the first `from` after `start` up to the next `to` ("" when absent).
std::string between(const std::string& h, const std::string& from, const std::string& to, std::size_t start = 0) {
    const std::size_t a = h.find(from, start);
    if (a == std::string::npos) return "";
    const std::size_t b = h.find(to, a);
    return h.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

bool has(const std::string& h, const std::string& s) { return h.find(s) != std::string::npos; }

}  // namespace

TEST_CASE("wq analyses report: apportionment lists the failing items with top sources and cuts",
          "[wq-analyses-report]") {
    ReportData d = two_sections();
    d.wq_analyses = std::make_shared<const WaterQualityAnalyses>(analyses());
    const std::string h = render_html(d, make_layout(d));
    const std::string part = between(h, "<section class=\"part\" id=\"water-quality-analyses\">", "</section>");
    REQUIRE(!part.empty());
    CHECK(has(part, "水质模型来源解析、方案与不确定性"));
    CHECK(has(part, "Water-quality model: apportionment, plan and uncertainty"));
    // the note: condition, margin, oxygen effects
    CHECK(has(part, "design：设计条件（90%保证率）"));
    CHECK(has(part, "10.0 %"));
    CHECK(has(part, "O2 effects = full model − linear response"));

    const std::string table = between(part, "wq-reduction", "</table>");
    REQUIRE(!table.empty());
    CHECK(has(table, "data-section=\"S1\" data-item=\"nh3n\""));
    CHECK(has(table, "上游断面"));
    CHECK(has(table, "37.5 % = 12.50 t/a"));
    CHECK(has(table, "upstream 20 %"));
    CHECK(has(table, "P1 0.412"));
    CHECK(has(table, "P2 0.101"));
    CHECK(has(table, "≤ 0.900"));
    CHECK(!has(table, "data-section=\"S2\""));  // S2 meets its target: not listed
    CHECK(!has(table, "下游断面"));
    // the capacity table: reach, item, loads, the binding section
    const std::string cap = between(part, "wq-capacity", "</table>");
    CHECK(has(cap, "data-reach=\"R1\""));
    CHECK(has(cap, "40.00"));
    CHECK(has(cap, "25.00"));
}

TEST_CASE("wq analyses report: every item meeting its target gives one sentence", "[wq-analyses-report]") {
    ReportData d = two_sections();
    WaterQualityAnalyses a;
    a.apportion = analyses(false).apportion;
    d.wq_analyses = std::make_shared<const WaterQualityAnalyses>(a);
    const std::string h = render_html(d, make_layout(d));
    const std::string part = between(h, "id=\"water-quality-analyses\"", "</section>");
    REQUIRE(!part.empty());
    CHECK(has(part, "Every section meets every item's target with the margin"));
    CHECK(!has(part, "wq-reduction"));
    CHECK(!has(part, "Least-cost plan"));  // no plan, no Monte Carlo: their sub-parts are left out
    CHECK(!has(part, "scen-panel"));
}

TEST_CASE("wq analyses report: the plan names its measures, classes and the items out of reach",
          "[wq-analyses-report]") {
    ReportData d = two_sections();
    d.wq_analyses = std::make_shared<const WaterQualityAnalyses>(analyses());
    const std::string h = render_html(d, make_layout(d));
    const std::string part = between(h, "id=\"water-quality-analyses\"", "</section>");
    REQUIRE(!part.empty());
    // the status by its key, each language on its side
    CHECK(has(part, "<span class=\"zh\">差距最小：部分目标无法满足"));
    CHECK(has(part, "<span class=\"en\">gap minimised: some targets cannot be met"));
    CHECK(has(part, "3200.0"));
    CHECK(has(part, "wq-unverified"));  // verified_ok false: a warning
    const std::string chosen = between(part, "<li class=\"wq-chosen\"", "</li>");
    CHECK(has(chosen, "data-measure=\"upgrade_p1\""));
    CHECK(has(chosen, "污水厂提标"));
    CHECK(has(chosen, "WWTP upgrade"));
    CHECK(has(between(part, "<li class=\"wq-dropped\"", "</li>"), "劣于 upgrade_p1"));
    // S1: baseline IV (✗), plan III; S2 stays IV and misses its target after the plan
    const std::string s1 = between(part, "<tr class=\"wq-plan pass\" data-section=\"S1\"", "</tr>");
    REQUIRE(!s1.empty());
    CHECK(has(s1, "<span class=\"zh\">IV</span><span class=\"en\">IV</span> ✗</td>"));
    CHECK(has(s1, "<span class=\"zh\">III</span><span class=\"en\">III</span></td>"));
    const std::string s2 = between(part, "<tr class=\"wq-plan fail\" data-section=\"S2\"", "</tr>");
    REQUIRE(!s2.empty());
    CHECK(has(s2, "TP 0.05"));
    CHECK(has(s2, "-15.0 %"));  // least margin: TP (0.18 - 0.21) / 0.2
    // the unreachable item
    const std::string out = between(part, "<li class=\"wq-unreachable\"", "</li>");
    CHECK(has(out, "data-section=\"S2\" data-item=\"tp\""));
    CHECK(has(part, "Out of reach with every measure of the case"));
}

TEST_CASE("wq analyses report: each scenario's Monte Carlo panel carries its id and P(meets)", "[wq-analyses-report]") {
    ReportData d = two_sections();
    d.wq_analyses = std::make_shared<const WaterQualityAnalyses>(analyses());
    const std::string h = render_html(d, make_layout(d));
    const std::size_t at = h.find("id=\"water-quality-analyses\"");
    REQUIRE(at != std::string::npos);
    CHECK(has(h.substr(at), "200 Monte Carlo draws (seed 7)"));
    const std::string base = between(h, "<div class=\"scen-panel\" data-scen=\"baseline\"><h4>", "</div>", at);
    const std::string plan = between(h, "<div class=\"scen-panel\" data-scen=\"plan\"><h4>", "</div>", at);
    REQUIRE(!base.empty());
    REQUIRE(!plan.empty());
    CHECK(has(base, "87.5 % ± 4.6"));  // 1.96 sqrt(0.875 x 0.125 / 200) = 4.58 points
    CHECK(has(plan, "96.0 %"));
    CHECK(has(plan, "Plan"));
    // per item: P and the band; TN not assessed
    CHECK(has(base, "90.0 %<br><small>0.70 [0.50–1.10]</small>"));
    CHECK(has(base, "0.700 [0.500–1.100]"));  // TP with three decimals
    CHECK(has(base, "<td class=\"n\">-</td>"));
}

TEST_CASE("wq analyses report: no analyses, no part; the tables and sheets of the five CSVs", "[wq-analyses-report]") {
    ReportData d = two_sections();
    CHECK(!has(render_html(d, make_layout(d)), "water-quality-analyses"));
    for (const auto& [name, text] : io::report_tables(d)) CHECK(name.rfind("water_quality_", 0) != 0);

    d.wq_analyses = std::make_shared<const WaterQualityAnalyses>(analyses());
    std::vector<std::string> names;
    for (const auto& [name, text] : io::report_tables(d))
        if (name.rfind("water_quality_", 0) == 0) {
            names.push_back(name);
            CHECK(!text.empty());
            const std::string sheet = io::xlsx_sheet_name(name);
            INFO(name << " -> " << sheet);
            CHECK(sheet != name.substr(0, name.size() - 4));  // a named sheet, not the file's stem
            std::size_t chars = 0;  // Excel: at most 31 characters
            for (unsigned char c : sheet) chars += (c & 0xC0) != 0x80 ? 1 : 0;
            CHECK(chars <= 31);
        }
    CHECK(names == std::vector<std::string>{"water_quality_reduction.csv", "water_quality_capacity.csv",
                                            "water_quality_plan.csv", "water_quality_plan_sections.csv",
                                            "water_quality_montecarlo.csv"});
}
