// Parts of the HTML report: the summary (cards, scenarios compared) and the monitoring sections' classes.
#include "report/html_page.hpp"

#include <algorithm>
#include <array>

#include "reaches/classes.hpp"
#include "reaches/sections.hpp"
#include "report/names.hpp"

namespace qingliu::report::html {

void Page::summary() {
    h += "<section class=\"part\" id=\"summary\"><h2>" + part_title("概况", "Summary") + "</h2>";
    if (!d.scenarios.empty()) {
        const auto& b = d.scenarios.front();
        int meet = 0, worse_v = 0;
        for (const auto& s : b.sections) {
            meet += s.meets ? 1 : 0;
            worse_v += s.overall >= 6 ? 1 : 0;
        }
        double len = 0.0;
        for (const auto& r : d.network) len += r.length_km;
        h += "<div class=\"card\">" + bi("河段", "Reaches") + "<b>" + std::to_string(d.network.size()) + "</b>" + fixed(len, 1) +
             " km</div><div class=\"card\">" + bi("污染源", "Sources") + "<b>" + std::to_string(b.sources.size()) +
             "</b></div><div class=\"card\">" + bi("现状达标断面", "Sections meeting target (baseline)") + "<b>" +
             std::to_string(meet) + " / " + std::to_string(b.sections.size()) + "</b>" + bi("劣Ⅴ类", "worse than V") + " " +
             std::to_string(worse_v) + "</div><div class=\"card\">" + bi("情景", "Scenarios") + "<b>" +
             std::to_string(d.scenarios.size()) + "</b></div>";
    }
    h += "<h3>" + bi("情景比较", "Scenarios compared") + "</h3><table class=\"scen\"><thead><tr><th>" + bi("情景", "Scenario") + "</th><th>" +
         bi("措施", "Measures") + "</th><th>" + bi("投资（万元）", "Investment (10⁴ yuan)") + "</th><th>" +
         bi("运行费（万元/年）", "Running cost (10⁴ yuan/a)") + "</th><th>" + bi("达标断面", "Sections meeting") + "</th>";
    for (int c = 1; c <= 6; ++c) h += "<th>" + class_cell_bi(c) + "</th>";
    h += "</tr></thead><tbody>";
    for (const auto& s : d.scenarios) {
        int meet = 0;
        std::array<int, 7> count{};
        for (const auto& x : s.sections) {
            meet += x.meets ? 1 : 0;
            if (x.overall >= 1 && x.overall <= 6) ++count[x.overall];
        }
        std::string ms, ms_en;
        for (const auto& m : s.measures) ms += (ms.empty() ? "" : "；") + m;
        for (std::size_t i = 0; i < s.measures.size(); ++i)
            ms_en += (i ? "; " : "") + (i < s.measures_en.size() && !s.measures_en[i].empty() ? s.measures_en[i] : transliterate(s.measures[i]));
        h += "<tr><td>" + bi(scen_name_zh(s), scen_name_en(s)) + "<span class=\"sid\">[" + esc(s.id) + "]</span></td><td>" +
             (ms.empty() ? "-" : bi(ms, ms_en)) + "</td>" +
             td_num(s.invest_wan, 0) + td_num(s.annual_wan, 0) + "<td class=\"n\">" + std::to_string(meet) + " / " +
             std::to_string(s.sections.size()) + "</td>";
        for (int c = 1; c <= 6; ++c) h += "<td class=\"n\">" + (count[c] ? std::to_string(count[c]) : std::string()) + "</td>";
        h += "</tr>";
    }
    h += "</tbody></table>";
    for (const auto& n : d.notes) h += "<p class=\"note\">" + esc(n) + "</p>";
    h += "</section>\n";
}

void Page::sections() {
    h += "<section class=\"part\" id=\"sections\"><h2>" + part_title("断面水质与达标情况", "Monitoring sections: class and compliance") +
         "</h2>" + class_legend() +
         "<p class=\"note\">" +
         bi("按GB 3838-2002单因子评价，断面类别取各指标最差者；超标倍数 = 浓度/目标类别限值 − 1，列出全部超标指标（大者在前）。"
               "评价条件：设计条件，即案例给出的设计流量（GB/T 25173-2010：90%保证率最枯月平均流量或近10年最枯月平均流量）和案例水温；"
               "含“设计条件”类措施的情景（如特枯条件）在该条件下评价。",
            "Single-factor evaluation by GB 3838-2002; a section's class is its worst parameter's; exceedance multiple = "
            "value / target-class limit − 1, for every parameter over its limit (largest first). Judged in the design "
            "condition: the case's design flows (GB/T 25173-2010: driest-month mean flow at 90 % assurance or driest month "
            "of the last ten years) at the case's water temperature; a scenario with a `conditions` measure (e.g. very dry) "
            "is judged in that condition.") +
         "</p>";
    for (const auto& s : d.scenarios) {
        h += "<div class=\"scen-panel\" data-scen=\"" + esc(s.id) + "\"><h3>" + bi(scen_name_zh(s), scen_name_en(s)) +
             "</h3><table class=\"sections\"><thead><tr><th>" + bi("断面", "Section") + "</th><th>" + bi("河流", "River") + "</th><th>" +
             bi("级别", "Level") + "</th><th>" + bi("目标", "Target") + "</th>" + label_cells("<th>", "</th>") + "<th>" +
             bi("类别", "Class") + "</th><th>" + bi("达标", "Meets") + "</th><th>" + bi("超标倍数", "Exceedance") + "</th><th>" +
             bi("流量 m³/s", "Flow m³/s") + "</th></tr></thead><tbody>";
        for (const auto& x : s.sections) {
            h += "<tr class=\"sec-row " + std::string(x.meets ? "pass" : "fail") + "\" data-section=\"" + esc(x.id) + "\"><td>" +
                 bi(x.name, english_or(x.name_en, x.name)) + "<span class=\"sid\">" + esc(x.id) + "</span></td><td>" +
                 bi(x.river, english_or(x.river_en, x.river)) + "</td><td>" +
                 bi(reaches::level_label_zh(x.level), x.level) + "</td>" + td_class(x.target_class);
            for (int k = 0; k < kNumConstituents; ++k) h += td_conc(x.conc_mgL[k], x.cls[k], k);
            // every exceeding parameter (超标因子) with its multiple, the largest first
            std::vector<int> over;
            for (int k = 0; k < kNumConstituents; ++k)
                if (x.exceedance[k] > 0.0) over.push_back(k);
            std::stable_sort(over.begin(), over.end(), [&](int a, int b) { return x.exceedance[a] > x.exceedance[b]; });
            std::string ex;
            for (int k : over) ex += (ex.empty() ? "" : "<br>") + esc(std::string(label_en(kConstituents[k]))) + " " + fixed(x.exceedance[k], 2);
            if (over.empty() && x.exceedance_max > 0.0)  // a run stored without per-parameter multiples
                ex = esc(std::string(label_en(kConstituents[x.worst]))) + " " + fixed(x.exceedance_max, 2);
            h += td_class(x.overall) + "<td class=\"meets\">" + (x.meets ? bi("达标", "yes") : bi("未达标", "no")) + "</td><td class=\"n\">" +
                 (ex.empty() ? std::string("-") : ex) + "</td>" + td_num(x.flow_m3s, 2) + "</tr>";
        }
        h += "</tbody></table><p class=\"note\">" + bi("单位：mg/L；左侧色条为该指标类别。", "Units: mg/L; the bar at the left of a value is its class.") +
             "</p></div>";
    }
    h += "</section>\n";
}

}  // namespace qingliu::report::html
