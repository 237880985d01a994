#include "report/water_quality_analyses.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "reaches/classes.hpp"
#include "reaches/wq_classes.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/montecarlo.hpp"
#include "report/names.hpp"
#include "report/report.hpp"

namespace qingliu::report {

namespace {

using html::bi;
using html::esc;

std::string pct(double p, int digits = 1) { return fixed(100.0 * p, digits) + " %"; }
std::string th(const std::string& zh, const std::string& en) { return "<th>" + bi(zh, en) + "</th>"; }
std::string td_n(const std::string& text) { return "<td class=\"n\">" + text + "</td>"; }
std::string item_bi(const std::string& key) {
    return bi(reaches::wq::item_label_zh(key), reaches::wq::item_label_en(key));
}
// Concentrations as the console prints them: three decimals in the apportionment, TP's three elsewhere.
std::string mgl3(double v) { return fixed(v, 3); }
std::string conc(const std::string& item, double v) { return fixed(v, item == "tp" ? 3 : 2); }

void add_once(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// A section by its names in the report's first scenario (else the row's name) and its id.
std::string section_cell(const ReportData& d, const std::string& id, const std::string& name) {
    if (!d.scenarios.empty())
        for (const auto& s : d.scenarios.front().sections)
            if (s.id == id)
                return bi(s.name, english_or(s.name_en, s.name)) + "<span class=\"sid\">" + esc(id) + "</span>";
    return (name.empty() ? std::string() : esc(name)) + "<span class=\"sid\">" + esc(id) + "</span>";
}

// A reach by its names in the report's network, and its id.
std::string reach_cell(const ReportData& d, const std::string& id) {
    for (const auto& r : d.network)
        if (r.id == id && !r.name.empty())
            return bi(r.name, english_or(r.name_en, r.name)) + "<span class=\"sid\">" + esc(id) + "</span>";
    return esc(id);
}

// A class cell coloured by class, with ✗ where the section misses its target class.
std::string class_td(int cls, bool meets) {
    std::string td = html::td_class(cls);
    if (!meets) td.insert(td.size() - 5, " ✗");
    return td;
}


// ---- apportionment -------------------------------------------------------------------------------------------------

std::string apportion_note(const WqApportionTable& t) {
    const std::string exact_zh = t.linear_exact
                                     ? "无氧效应：各源贡献为精确值。"
                                     : "氧效应 = 完整模型 − 线性响应（溶解氧对各速率的影响），不分摊到各源。";
    const std::string exact_en = t.linear_exact ? "No oxygen effects: the shares are exact. "
                                                : "O2 effects = full model − linear response (oxygen's effects on the "
                                                  "rates), not spread over the sources. ";
    return "<p class=\"note\">" +
           bi("基线，" + t.condition_zh + "；安全余量 " + pct(t.mos, 1) +
                  "（溶解氧：目标 = 限值 × (1 + 余量)；其他指标：目标 = 限值 × (1 − 余量)）。" + exact_zh +
                  "主要来源：各源使该指标升高的浓度 mg/L（溶解氧：使其降低的浓度）；"
                  "需削减：伤害该指标的全部污染源负荷的统一削减比例"
                  "（溶解氧：其耗氧负荷），经完整模型校核。下表仅列未达到目标（含安全余量）的断面与指标。",
              "Baseline, " + t.condition_en + "; margin of safety " + pct(t.mos, 1) +
                  " (DO: target = limit × (1 + margin); other items: limit × (1 − margin)). " + exact_en +
                  "Top sources: the mg/L each adds (DO: takes away); cut needed: one share of the pollutant loads of "
                  "every source harming the item there (DO: their oxygen demand), checked in the full model. Only the "
                  "sections and items missing the target with the margin are listed.") +
           "</p>";
}

// The cut of one failing item: share of its sources' load and t/a, the upstream share, out of reach.
std::string cut_cell(const WqReductionRow& r) {
    std::string zh = pct(r.cut_share) + " = " + fixed(r.cut_t_a, 2) + " t/a", en = zh;
    if (r.boundary_cut_share > 0.0) {
        zh += "；上游来水 " + pct(r.boundary_cut_share, 0);
        en += "; upstream " + pct(r.boundary_cut_share, 0);
    }
    if (!r.feasible) {
        zh += "；不可达";
        en += "; out of reach";
    }
    return std::string("<td class=\"cut") + (r.feasible ? "" : " over") + "\">" + bi(zh, en) + "</td>";
}

std::string reduction_row(const WqReductionRow& r, const ReportData& d) {
    const double o2 = std::abs(r.oxygen_effects_mgL) < 5e-5 ? 0.0 : r.oxygen_effects_mgL;  // no "-0.0000"
    return "<tr class=\"wq-cut\" data-section=\"" + esc(r.section_id) + "\" data-item=\"" + esc(r.item) + "\"><td>" +
           section_cell(d, r.section_id, r.section_name) + "</td><td class=\"item\">" + item_bi(r.item) + "</td>" +
           "<td class=\"n over\">" + mgl3(r.value_mgL) + "</td>" +
           td_n((r.minimum ? "≥ " : "≤ ") + mgl3(r.target_mgL)) + td_n(mgl3(r.background_mgL)) +
           td_n(mgl3(r.boundary_mgL)) + "<td class=\"tops\">" + esc(r.top_sources.empty() ? "-" : r.top_sources) +
           "</td>" + td_n(fixed(o2, 4)) + cut_cell(r) + "</tr>";
}

std::string capacity_html(const WqApportionTable& t, const ReportData& d) {
    if (t.capacity.empty()) return "";
    std::string h = "<p class=\"note\">" +
                    bi("须削减的河段与指标（负荷、削减量与允许负荷，t/a；控制断面为要求最严的断面）：",
                       "Reaches and items whose sources must cut (load, cut and allowed load, t/a; the binding section "
                       "asks for the most):") +
                    "</p><table class=\"wq wqa\"><thead><tr>" + th("河段", "Reach") + th("指标", "Item") +
                    th("负荷 t/a", "Load t/a") + th("削减 t/a", "Cut t/a") + th("允许负荷 t/a", "Allowed t/a") +
                    th("控制断面", "Binding section") + "</tr></thead><tbody>";
    for (const auto& c : t.capacity)
        h += "<tr class=\"wq-capacity\" data-reach=\"" + esc(c.reach_id) + "\"><td>" + reach_cell(d, c.reach_id) +
             "</td><td class=\"item\">" + item_bi(c.item) + "</td>" + td_n(fixed(c.load_t_a, 2)) +
             td_n(fixed(c.cut_t_a, 2)) + td_n(fixed(c.allowed_t_a, 2)) + "<td>" +
             esc(c.binding_section.empty() ? "-" : c.binding_section) + "</td></tr>";
    return h + "</tbody></table>";
}

std::string apportion_html(const WqApportionTable& t, const ReportData& d) {
    std::string h = "<h3>" + bi("来源解析与需削减量", "Apportionment and required cuts") + "</h3>" + apportion_note(t);
    std::string rows;
    for (const auto& r : t.rows)
        if (!r.meets_target) rows += reduction_row(r, d);
    if (rows.empty())
        h += "<p class=\"wq-all-meet\">" +
             bi("每个断面每项指标都达到目标（含安全余量），无需削减。",
                "Every section meets every item's target with the margin: no cut is needed.") +
             "</p>";
    else
        h += "<table class=\"wq wqa wq-reduction\"><thead><tr>" + th("断面", "Section") + th("指标", "Item") +
             th("浓度 mg/L", "Value mg/L") + th("目标 mg/L", "Target mg/L") + th("本底", "Background") +
             th("跨界来水", "Boundary inflow") + th("主要来源 mg/L", "Top sources mg/L") + th("氧效应", "O2 effects") +
             th("需削减", "Cut needed") + "</tr></thead><tbody>" + rows + "</tbody></table>";
    return h + capacity_html(t, d);
}

// ---- least-cost plan -----------------------------------------------------------------------------------------------

// The plan's measures: chosen, then dropped with the reason, then the other candidates.
std::string plan_measures_html(const WqPlanTable& t) {
    std::string chosen, dropped, others_zh, others_en;
    for (const auto& m : t.measures) {
        const std::string name =
            bi(m.name.empty() ? m.measure_id : m.name, english_or(m.name_en, m.name.empty() ? m.measure_id : m.name));
        if (m.chosen)
            chosen +=
                "<li class=\"wq-chosen\" data-measure=\"" + esc(m.measure_id) + "\">✓ " + name +
                "<span class=\"sid\">" + esc(m.measure_id) + "</span> — " +
                bi("投资 " + fixed(m.invest_wan, 1) + " 万元，年运行费 " + fixed(m.annual_wan, 1) + " 万元",
                   "investment " + fixed(m.invest_wan, 1) + ", annual " + fixed(m.annual_wan, 1) + " (10⁴ yuan)") +
                "</li>";
        else if (!m.note.empty() || !m.note_zh.empty())
            dropped += "<li class=\"wq-dropped\" data-measure=\"" + esc(m.measure_id) + "\">− " + name +
                       "<span class=\"sid\">" + esc(m.measure_id) +
                       "</span>: " + bi(m.note_zh.empty() ? m.note : m.note_zh, m.note.empty() ? m.note_zh : m.note) +
                       "</li>";
        else {
            others_zh += (others_zh.empty() ? "" : "、") + m.measure_id;
            others_en += (others_en.empty() ? "" : ", ") + m.measure_id;
        }
    }
    std::string h = "<p><b>" + bi("选用措施", "Measures chosen") + "</b></p>" +
                    (chosen.empty() ? "<p>" + bi("无需措施。", "No measure is needed.") + "</p>"
                                    : "<ul class=\"wq-measures\">" + chosen + "</ul>");
    if (!dropped.empty())
        h += "<p class=\"note\">" + bi("未纳入的措施：", "Measures left out:") + "</p><ul class=\"note\">" + dropped +
             "</ul>";
    if (!others_en.empty())
        h += "<p class=\"note\">" +
             bi("其余候选措施未选用（最低成本方案不需要）：" + others_zh,
                "Other candidates not chosen (the least-cost plan needs none of them): " + others_en) +
             "</p>";
    return h;
}

// The least margin over a section's items after the plan, (target − value) / limit (DO: value − target): "NH3-N 3.2 %".
std::string least_margin_cell(const std::vector<const WqPlanSectionRow*>& items) {
    const WqPlanSectionRow* least = nullptr;
    double worst = 0.0;
    for (const auto* r : items) {
        if (!(r->limit_mgL > 0.0)) continue;
        const double margin = (r->minimum ? r->plan_mgL - r->target_mgL : r->target_mgL - r->plan_mgL) / r->limit_mgL;
        if (!least || margin < worst) {
            worst = margin;
            least = r;
        }
    }
    if (!least) return td_n("-");
    return std::string("<td class=\"n") + (worst < 0.0 ? " over" : "") + "\">" + item_bi(least->item) + " " +
           pct(worst) + "</td>";
}

// One condition's sections: classes before and after the plan, exceeding items after it, the least margin; then the
// items out of reach with every measure.
std::string plan_condition_html(const WqPlanTable& t, const WqPlanCondition& c, const ReportData& d) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const WqPlanSectionRow*>> by_section;
    for (const auto& r : t.sections)
        if (r.condition == c.id) {
            add_once(order, r.section_id);
            by_section[r.section_id].push_back(&r);
        }
    std::string h = "<h4>" + esc(c.label.empty() ? c.id : c.label) +
                    "</h4><table class=\"wq wqa wq-plan\" data-condition=\"" + esc(c.id) + "\"><thead><tr>" +
                    th("断面", "Section") + th("目标", "Target") + th("基线", "Baseline") + th("方案", "Plan") +
                    th("达标", "Meets") + th("方案后超标因子", "Exceeding after the plan") +
                    th("最小余量", "Least margin") + "</tr></thead><tbody>";
    std::string unreachable;
    for (const auto& id : order) {
        const auto& items = by_section[id];
        const WqPlanSectionRow& f = *items.front();
        for (const auto* r : items)
            if (!r->reachable)
                unreachable += "<li class=\"wq-unreachable\" data-section=\"" + esc(id) + "\" data-item=\"" +
                               esc(r->item) + "\">" + section_cell(d, id, f.name) + " " + item_bi(r->item) +
                               bi("：方案后 ", ": ") + conc(r->item, r->plan_mgL) +
                               bi(" mg/L，目标 ", " mg/L after the plan, target ") + (r->minimum ? "≥ " : "≤ ") +
                               conc(r->item, r->target_mgL) + bi(" mg/L，剩余差距 ", " mg/L, gap left ") +
                               conc(r->item, r->gap_mgL) + " mg/L</li>";
        h += "<tr class=\"wq-plan " + std::string(f.plan_meets ? "pass" : "fail") + "\" data-section=\"" + esc(id) +
             "\"><td>" + section_cell(d, id, f.name) + "</td>" + html::td_class(f.target_class) +
             class_td(f.baseline_class, f.baseline_meets) + class_td(f.plan_class, f.plan_meets) +
             "<td class=\"meets\">" + (f.plan_meets ? bi("达标", "yes") : bi("未达标", "no")) +
             "</td><td class=\"exceeding\">" +
             (f.plan_exceeding_en.empty() ? std::string("-") : bi(f.plan_exceeding_zh, f.plan_exceeding_en)) + "</td>" +
             least_margin_cell(items) + "</tr>";
    }
    h += "</tbody></table>";
    if (!unreachable.empty())
        h += "<p class=\"note\"><b>" +
             bi("案例全部措施也无法达到目标（方案使剩余差距最小）：",
                "Out of reach with every measure of the case (the plan leaves the least gap):") +
             "</b></p><ul class=\"note\">" + unreachable + "</ul>";
    return h;
}

// The plan's status, each language on its own side of the page (the key itself where it is unknown).
std::string status_words(const WqPlanTable& t) {
    if (t.status == "optimal") return bi("最优：以最低成本满足全部目标", "optimal: every target met at least cost");
    if (t.status == "gap-minimised")
        return bi("差距最小：部分目标无法满足，先使差距最小，再使费用最低",
                  "gap minimised: some targets cannot be met; the least remaining gap at least cost");
    if (t.status == "not-solved") return bi("未求得最优：求解器中止，给出已知最好方案", "not solved: the best plan found");
    return esc(t.status);
}

std::string plan_html(const WqPlanTable& t, const ReportData& d) {
    std::string h =
        "<h3>" + bi("最低成本方案", "Least-cost plan") + "</h3><p class=\"note\">" +
        bi("从案例各情景的措施中选出在每个设计条件下以安全余量 " + pct(t.mos, 1) +
               " 满足全部评价指标目标、费用最低的组合（费用 = 投资 + " + fixed(t.annual_cost_factor, 2) +
               " × 年运行费），并以完整动力学模型在每个条件下复核。余量 =（目标 − 浓度）/ 限值"
               "（溶解氧：浓度 − 目标），为负即未达到含余量的目标。",
           "The least-cost set of the case's measures meeting every assessed item's target with a " + pct(t.mos, 1) +
               " margin of safety in every design condition (cost = investment + " + fixed(t.annual_cost_factor, 2) +
               " × annual cost), re-evaluated with the full kinetics in every condition. Margin = "
               "(target − value) / limit (DO: value − target); negative: the target with the margin is missed.") +
        "</p><p class=\"wq-status\" data-status=\"" + esc(t.status) + "\">" + bi("状态：", "Status: ") +
        status_words(t) + "<br>" +
        bi("费用 " + fixed(t.cost_wan, 1) + " 万元（投资 " + fixed(t.invest_wan, 1) + " 万元，年运行费 " +
               fixed(t.annual_wan, 1) + " 万元）",
           "Cost " + fixed(t.cost_wan, 1) + " (10⁴ yuan; investment " + fixed(t.invest_wan, 1) + ", annual " +
               fixed(t.annual_wan, 1) + ")") +
        "</p>";
    if (!t.verified_ok)
        h += "<p class=\"wq-unverified\" style=\"color:#b00020;font-weight:600;border:2px solid #b00020;"
             "padding:6px 10px\">⚠ " +
             bi("注意：以完整动力学模型复核，方案未满足其应满足的全部目标，见下表中未达标的断面。",
                "Warning: re-evaluated with the full kinetics, the plan misses targets it was meant to meet; see the "
                "sections marked ✗ below.") +
             "</p>";
    h += plan_measures_html(t);
    for (const auto& c : t.conditions) h += plan_condition_html(t, c, d);
    return h;
}

// ---- Monte Carlo ---------------------------------------------------------------------------------------------------

const WqMonteCarloRow* mc_row(const WqMonteCarloTable& t, const std::string& scenario, const std::string& section,
                              const std::string& item) {
    for (const auto& x : t.rows)
        if (x.scenario == scenario && x.section_id == section && x.item == item) return &x;
    return nullptr;
}

std::string mc_item_cell(const WqMonteCarloRow* r) {
    if (!r || !r->assessed) return td_n("-");
    const std::string& k = r->item;
    return "<td class=\"n\" style=\"box-shadow:inset 4px 0 0 " + std::string(p_meets_colour(r->p_meets)) + "\">" +
           pct(r->p_meets) + "<br><small>" + conc(k, r->p50_mgL) + " [" + conc(k, r->p5_mgL) + "–" +
           conc(k, r->p95_mgL) + "]</small></td>";
}

// One scenario's panel: per section P(meets) with its 95 % interval, per item P and the 5-50-95 % band.
std::string montecarlo_panel(const WqMonteCarloTable& t, const std::string& scenario,
                             const std::vector<std::string>& items, const ReportData& d) {
    std::vector<std::string> sections;
    const WqMonteCarloRow* head = nullptr;
    for (const auto& r : t.rows)
        if (r.scenario == scenario) {
            add_once(sections, r.section_id);
            if (!head) head = &r;
        }
    std::string zh = head && !head->scenario_name.empty() ? head->scenario_name : scenario;
    std::string en = head && !head->scenario_name_en.empty() ? head->scenario_name_en : zh;
    for (const auto& s : d.scenarios)
        if (s.id == scenario) {
            zh = html::scen_name_zh(s);
            en = html::scen_name_en(s);
        }
    std::string h = "<div class=\"scen-panel\" data-scen=\"" + esc(scenario) + "\"><h4>" + bi(zh, en) +
                    "</h4><table class=\"wq wqa wq-mc\"><thead><tr>" + th("断面", "Section") + th("目标", "Target") +
                    th("达标概率", "P(meets)");
    for (const auto& k : items) h += "<th>" + item_bi(k) + "</th>";
    h += "</tr></thead><tbody>";
    for (const auto& id : sections) {
        std::string cells;
        const WqMonteCarloRow* first = nullptr;
        for (const auto& k : items) {
            const WqMonteCarloRow* r = mc_row(t, scenario, id, k);
            if (r && !first) first = r;
            cells += mc_item_cell(r);
        }
        if (!first) continue;
        const double p = first->section_p_meets;
        h += "<tr class=\"wq-mc\" data-section=\"" + esc(id) + "\"><td>" + section_cell(d, id, first->name) + "</td>" +
             html::td_class(first->target_class) + "<td class=\"n p-meets\" style=\"background:" + p_meets_colour(p) + "\">" +
             pct(p) + " ± " + fixed(100.0 * p_meets_half_width(p, t.draws), 1) + "</td>" + cells + "</tr>";
    }
    return h + "</tbody></table></div>";
}

std::string montecarlo_html(const WqMonteCarloTable& t, const ReportData& d) {
    std::vector<std::string> scenarios, items;
    for (const auto& r : t.rows) {
        add_once(scenarios, r.scenario);
        add_once(items, r.item);
    }
    std::string h =
        "<h3>" + bi("蒙特卡洛：达标概率", "Monte Carlo: probability of meeting the target") +
        "</h3><p class=\"note\">" +
        bi("蒙特卡洛抽样 " + std::to_string(t.draws) + " 次（随机种子 " + std::to_string(t.seed) +
               "），基线与各情景使用相同的抽样（共同随机数），每次抽样以完整动力学模型计算。"
               "达标概率：断面全部评价指标达到目标类别的抽样比例（± 为 95 % 抽样误差，百分点）；"
               "各指标：该指标达标的比例，其下为中位数 [5 %–95 %]（mg/L）；“-”：该指标不参评。"
               "随上方情景按钮切换。",
           std::to_string(t.draws) + " Monte Carlo draws (seed " + std::to_string(t.seed) +
               "), the same draws for the baseline and every scenario (common random numbers), each evaluated with the "
               "full kinetics. P(meets): the share of draws in which every assessed item meets the target class (± the "
               "95 % sampling error, percentage points); per item: its share, below it the median [5 %–95 %] (mg/L); "
               "\"-\": not assessed. The scenario bar above switches the panel.") +
        "</p>";
    for (const auto& s : scenarios) h += montecarlo_panel(t, s, items, d);
    return h;
}

// The files beside the report holding every value of the parts shown.
std::string files_note(const WaterQualityAnalyses& a) {
    std::string files;
    auto add = [&](const char* f) { files += (files.empty() ? "" : ", ") + std::string(f); };
    if (a.apportion) {
        add("water_quality_reduction.csv");
        add("water_quality_capacity.csv");
    }
    if (a.plan) {
        add("water_quality_plan.csv");
        add("water_quality_plan_sections.csv");
    }
    if (a.montecarlo) add("water_quality_montecarlo.csv");
    return "<p class=\"note\">" +
           bi("全部数据见 " + files + "（及 report.xlsx 的同名工作表）。",
              "Every value: " + files + " (and their sheets in report.xlsx).") +
           "</p>";
}

}  // namespace

std::string water_quality_analyses_html(const WaterQualityAnalyses& a, const ReportData& d,
                                        const std::string& title_html) {
    std::string h =
        "<section class=\"part\" id=\"water-quality-analyses\"><style>table.wqa{font-size:12px}table.wqa th,"
        "table.wqa td.cls,table.wqa td.meets,table.wqa .item{white-space:nowrap}table.wqa td.over{color:#b00020;"
        "font-weight:600}table.wqa td:first-child{min-width:8em}</style><h2>" +
        title_html + "</h2>";
    if (a.apportion) h += apportion_html(*a.apportion, d);
    if (a.plan) h += plan_html(*a.plan, d);
    if (a.montecarlo) h += montecarlo_html(*a.montecarlo, d);
    return h + files_note(a) + "</section>\n";
}

}  // namespace qingliu::report
