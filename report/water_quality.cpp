#include "report/water_quality.hpp"

#include <set>

#include "common/units.hpp"
#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/names.hpp"
#include "report/report.hpp"

namespace qingliu::report {

std::vector<WaterQualityRow> water_quality_rows(const scenarios::CaseModel& m, const std::vector<scenarios::WaterQualityRun>& runs) {
    std::vector<WaterQualityRow> out;
    for (const auto& run : runs)
        for (std::size_t i = 0; i < m.sections.size() && i < run.evaluation.sections.size(); ++i) {
            const reaches::Section& s = m.sections[i];
            WaterQualityRow r;
            r.scenario = run.scenario_id;
            r.section_id = s.id;
            r.name = s.name;
            r.name_en = s.name_en;
            r.river = s.river;
            r.reach_id = m.net.topo.id(s.reach);
            r.water_body = s.water_body == reaches::WaterBody::Lake ? "lake" : "river";
            r.position_km = s.position_m / kMetresPerKm;
            r.target_class = s.target_class;
            r.flow_m3s = run.evaluation.steady.obs_flow_m3s[i];
            r.evaluation = run.evaluation.sections[i].evaluation;
            for (const auto& c : r.evaluation.items)
                if (c.cls > 0 && c.cls == r.evaluation.overall) r.deciding.push_back(c.key);
            out.push_back(std::move(r));
        }
    return out;
}

std::string item_labels(const std::vector<std::string>& keys, bool chinese) {
    std::string s;
    for (const auto& k : keys) s += (s.empty() ? "" : chinese ? "、" : ", ") + std::string(chinese ? reaches::wq::item_label_zh(k)
                                                                                              : reaches::wq::item_label_en(k));
    return s;
}

namespace {
using html::bi;
using html::esc;

// The items of the rows, in their order (every row has the same items).
std::vector<std::string> item_keys(const WaterQualityTable& t) {
    std::vector<std::string> k;
    if (!t.rows.empty())
        for (const auto& it : t.rows.front().evaluation.items) k.push_back(it.key);
    return k;
}

// A value with its class as a bar at the left (grey: no GB 3838 limit for this water body, e.g. TN in rivers).
std::string item_cell(const reaches::wq::ItemClass* c) {
    if (!c) return "<td class=\"n\">-</td>";
    const std::string v = fixed(c->value_mgL, c->key == "tp" ? 3 : 2);
    return std::string("<td class=\"n") + (c->exceeds ? " over" : "") + "\" style=\"box-shadow:inset 4px 0 0 " +
           (c->cls > 0 ? class_colour(c->cls) : "#d5dbe1") + "\">" + v + "</td>";
}

// A list printed as text ("BOD5; NH3-N 0.08") with each entry kept on one line, entries joined by `joiner` (HTML).
std::string list_html(const std::string& text, const std::string& sep, const std::string& joiner) {
    std::string h;
    for (std::size_t a = 0; a <= text.size();) {
        std::size_t b = text.find(sep, a);
        if (b == std::string::npos) b = text.size();
        h += (h.empty() ? "" : joiner) + "<span class=\"item\">" + esc(text.substr(a, b - a)) + "</span>";
        a = b + sep.size();
    }
    return h;
}

// Both languages of two lists (html::bi, with entries kept whole).
std::string lists_bi(const std::string& zh, const std::string& en, const std::string& sep_zh, const std::string& sep_en,
                     const std::string& join_zh, const std::string& join_en) {
    return "<span class=\"zh\">" + list_html(zh, sep_zh, join_zh) + "</span><span class=\"en\">" + list_html(en, sep_en, join_en) +
           "</span>";
}

std::string rows_html(const WaterQualityTable& t, const std::string& scenario) {
    const std::vector<std::string> keys = item_keys(t);
    std::string h;
    for (const auto& r : t.rows) {
        if (r.scenario != scenario) continue;
        const auto& e = r.evaluation;
        std::string deciding;
        for (const auto& k : r.deciding) deciding += (deciding.empty() ? "" : ";") + k;
        h += "<tr class=\"wq-row " + std::string(e.meets ? "pass" : "fail") + "\" data-scen=\"" + esc(r.scenario) +
             "\" data-section=\"" + esc(r.section_id) + "\" data-deciding=\"" + esc(deciding) + "\"><td>" +
             bi(r.name, english_or(r.name_en, r.name)) + "<span class=\"sid\">" + esc(r.section_id) + "</span></td>" +
             html::td_class(r.target_class);
        for (const auto& k : keys) {
            const reaches::wq::ItemClass* c = nullptr;
            for (const auto& x : e.items)
                if (x.key == k) c = &x;
            h += item_cell(c);
        }
        std::string shortfall = "-";
        for (const auto& x : e.items)
            if (x.minimum && x.exceeds) shortfall = fixed(x.exceedance, 2);
        const std::string ex_zh = reaches::wq::exceeding_text(e, true), ex_en = reaches::wq::exceeding_text(e, false);
        h += html::td_class(e.overall) + "<td class=\"meets\">" + (e.meets ? bi("达标", "yes") : bi("未达标", "no")) +
             "</td><td class=\"deciding\">" +
             lists_bi(item_labels(r.deciding, true), item_labels(r.deciding, false), "、", ", ", "、", ", ") + "</td><td class=\"exceeding\">" +
             (ex_en.empty() ? std::string("-") : lists_bi(ex_zh, ex_en, "；", "; ", "<br>", "<br>")) + "</td><td class=\"n\">" +
             shortfall + "</td></tr>";
    }
    return h;
}

// The conditions the scenarios were judged in, each named once with the scenarios judged in it.
std::string conditions_html(const WaterQualityTable& t, const ReportData& d) {
    std::string h;
    std::set<std::string> seen;
    for (const auto& c : t.scenarios) {
        if (!seen.insert(c.condition_id).second) continue;
        std::string zh, en;
        for (const auto& s : t.scenarios)
            if (s.condition_id == c.condition_id) {
                const Scenario* sc = nullptr;
                for (const auto& x : d.scenarios)
                    if (x.id == s.id) sc = &x;
                zh += (zh.empty() ? "" : "、") + (sc ? html::scen_name_zh(*sc) : s.id);
                en += (en.empty() ? "" : ", ") + (sc ? html::scen_name_en(*sc) : s.id);
            }
        h += "<li>" + bi(c.condition_zh + "（" + zh + "）", c.condition_en + " (" + en + ")") + "</li>";
    }
    return h;
}

}  // namespace

std::string water_quality_section_html(const WaterQualityTable& t, const ReportData& d, const std::string& title_html) {
    const std::string model_zh = t.model == "elements" ? "完全混合单元串（每河段 " + std::to_string(t.elements_per_reach) + " 个，同 QUAL2K）"
                                                       : "推流（河段内解析解）";
    const std::string model_en = t.model == "elements" ? "chain of completely mixed elements (" + std::to_string(t.elements_per_reach) +
                                                             " per reach, as QUAL2K)"
                                                       : "plug flow (exact within reaches)";
    const bool internal = t.reaeration == "internal";
    const std::string rea_zh = internal ? "按水深与流速自动选择（QUAL2K internal）" : t.reaeration,
                      rea_en = internal ? "chosen by depth and velocity as QUAL2K does (internal)" : t.reaeration;
    std::string h = "<section class=\"part\" id=\"water-quality\"><style>table.wq{font-size:12px}table.wq th,table.wq td.cls,table.wq "
                    "td.meets,table.wq .item{white-space:nowrap}table.wq th.wrap{white-space:normal;min-width:5em}table.wq td:first-child{min-width:8em}"
                    "table.wq td.over{color:#b00020;font-weight:600}</style><h2>" +
                    title_html + "</h2><p class=\"note\">" +
                    bi("QUAL2K 类动力学水质模型（溶解氧、五日生化需氧量、高锰酸盐指数、化学需氧量、氮磷各形态）：" + model_zh +
                           "，复氧系数 " + rea_zh + "，来水溶解氧为饱和值的 " + fixed(100.0 * t.inflow_do_share, 0) +
                           " %。按GB 3838-2002单因子评价全部模拟指标，断面类别取最差者；定类因子为最差类别的指标；超标倍数 = "
                           "浓度/目标类别限值 − 1；溶解氧为下限指标，不计超标倍数，给出低于限值的缺口（mg/L）。总氮在河流中不参评（灰色）。",
                       "QUAL2K-class kinetics (DO, BOD5, CODMn, COD, the nitrogen and phosphorus species): " + model_en +
                           ", reaeration " + rea_en + ", inflow DO " + fixed(100.0 * t.inflow_do_share, 0) +
                           " % of saturation. Every modelled item is classed by GB 3838-2002 (single-factor evaluation); the "
                           "section's class is the worst item's, the deciding items are those of that class; exceedance multiple = "
                           "value / target-class limit − 1. DO is a minimum: no multiple, its shortfall below the limit (mg/L) "
                           "instead. TN is not assessed in rivers (grey).") +
                    "</p><p class=\"note\">" + bi("评价条件：", "Judged in: ") + "</p><ul class=\"note\">" + conditions_html(t, d) +
                    "</ul><p class=\"note\"><b>" +
                    bi("未模拟藻类（浮游植物）与昼夜热量收支：溶解氧不含光合产氧与夜间呼吸的日变化，水温取设计条件的定值。",
                       "Algae (phytoplankton) and the diel heat budget are not modelled: DO has no photosynthesis by day or "
                       "respiration by night, and the water temperature is the design condition's constant.") +
                    "</b></p>";
    std::string head = "<tr><th>" + bi("断面", "Section") + "</th><th>" + bi("目标", "Target") + "</th>";
    // items by their short names (as the parameters of the sections table), the Chinese name on hover
    for (const auto& k : item_keys(t))
        head += "<th title=\"" + esc(reaches::wq::item_label_zh(k)) + "\">" + esc(reaches::wq::item_label_en(k)) + "</th>";
    head += "<th>" + bi("类别", "Class") + "</th><th>" + bi("达标", "Meets") + "</th><th>" + bi("定类因子", "Deciding") + "</th><th class=\"wrap\">" +
            bi("超标因子（超标倍数）", "Exceeding items (multiple)") + "</th><th class=\"wrap\">" + bi("溶解氧缺口 mg/L", "DO shortfall mg/L") +
            "</th></tr>";
    for (const auto& s : t.scenarios) {
        const Scenario* sc = nullptr;
        for (const auto& x : d.scenarios)
            if (x.id == s.id) sc = &x;
        h += "<div class=\"scen-panel\" data-scen=\"" + esc(s.id) + "\"><h3>" +
             (sc ? bi(html::scen_name_zh(*sc), html::scen_name_en(*sc)) : esc(s.id)) + "</h3><table class=\"wq\"><thead>" + head +
             "</thead><tbody>" + rows_html(t, s.id) + "</tbody></table></div>";
    }
    h += "<p class=\"note\">" +
         bi("单位：mg/L；左侧色条为该指标类别，红色为超标指标；全部数据见 water_quality_sections.csv。",
            "Units: mg/L; the bar at the left of a value is its class, red values exceed the target; water_quality_sections.csv has every value.") +
         "</p></section>\n";
    return h;
}

}  // namespace qingliu::report
