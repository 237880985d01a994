#include "report/html.hpp"

#include "report/allocation.hpp"
#include "report/html_page.hpp"
#include "report/mixing.hpp"
#include "report/montecarlo.hpp"
#include "report/names.hpp"
#include "report/verdicts.hpp"
#include "report/water_quality.hpp"
#include "report/water_quality_analyses.hpp"

namespace qingliu::report {

namespace html {

std::string Page::part_title(const std::string& zh, const std::string& en) {
    static const char* numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    const int n = ++parts;
    const std::string zh_n = n <= 10 ? numerals[n - 1] : std::to_string(n);
    return bi(zh_n + "、" + zh, std::to_string(n) + ". " + en);
}

Page::Page(const ReportData& data, const Layout& layout) : d(data), L(layout), axes(river_axes(data.network)) {
    for (const auto& r : d.network) len_of[r.id] = r.length_km;
    for (std::size_t a = 0; a < axes.size(); ++a)
        for (std::size_t k = 0; k < axes[a].reaches.size(); ++k)
            axis_of[d.network[axes[a].reaches[k]].id] = {a, axes[a].offset_km[k]};
}

void Page::head(Lang lang) {
    const std::string lang_key = lang == Lang::Zh ? "zh" : "en";
    const std::string title_zh = "水质模拟与污染负荷削减报告", title_en = "Water-quality and load-reduction report";
    h += "<!DOCTYPE html>\n<html lang=\"" + std::string(lang == Lang::Zh ? "zh-CN" : "en") +
         "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
    h += "<title>" + esc(d.case_name + " — " + title_zh + " " + title_en) + "</title><style>" + kCss + print_css(d) + "</style><script>" + kHeadScript +
         "</script></head>\n";
    h += "<body class=\"lang-" + lang_key + "\" data-lang=\"" + lang_key + "\" data-rendered=\"pending\" data-errors=\"0\">\n";
    h += "<header><h1>" + bi(title_zh, title_en) + "</h1><div class=\"sub\">" + bi(d.case_name, english_or(d.case_name_en, d.case_name)) +
         " · " + bi("运行", "run") + " " + std::to_string(d.run_id) +
         " · " + esc(d.created_utc) + " · qingliu " + esc(d.version) + "</div>" + cover_html(d) + "</header>\n";
    // language and scenario bar
    h += "<div class=\"bar\"><span>" + bi("情景", "Scenario") + ":</span>";
    for (const auto& s : d.scenarios)
        h += "<button data-scen-btn=\"" + esc(s.id) + "\">" + bi(scen_name_zh(s), scen_name_en(s)) + "</button>";
    h += "<span class=\"sep\"></span><button data-lang-btn=\"zh\">中文</button><button data-lang-btn=\"en\">English</button></div>\n<main>\n";
}

void Page::map() {
    h += "<section class=\"part\" id=\"map\"><h2>" + part_title("水系水质示意图", "Network map by class") + "</h2>" + class_legend() +
         "<p class=\"note\">" +
         (L.schematic ? bi("示意图：干流按长度水平绘制，支流在汇入点以实际长度斜向汇入，汊河为弓形；不代表地理位置。河段颜色为河段末端水质类别，线宽随流量；红圈为未达标断面。",
                           "Schematic: the main river is drawn to length from left to right, tributaries join at their "
                           "confluences at their true lengths, side channels as bows; not geographic. Reach colour is the "
                           "class at the reach end, width grows with flow; a red ring marks a section missing its target.")
                      : bi("按案例中的河段线绘制。河段颜色为河段末端水质类别，线宽随流量；红圈为未达标断面。",
                           "Drawn from the case's reach lines. Reach colour is the class at the reach end, width grows with "
                           "flow; a red ring marks a section missing its target.")) +
         "</p>";
    for (const auto& s : d.scenarios)
        h += "<div class=\"scen-panel\" data-scen=\"" + esc(s.id) + "\"><h3>" + bi(scen_name_zh(s), scen_name_en(s)) + "</h3>" +
             map_svg(d, L, s) + "</div>";
    h += "</section>\n";
}

void Page::water_quality() {
    if (d.water_quality)
        h += water_quality_section_html(*d.water_quality, d, part_title("全部指标断面评价（水质模型）", "Sections over every GB 3838 item (water-quality model)"));
}

void Page::water_quality_analyses() {
    if (d.wq_analyses)
        h += water_quality_analyses_html(*d.wq_analyses, d,
                                         part_title("水质模型来源解析、方案与不确定性",
                                                    "Water-quality model: apportionment, plan and uncertainty"));
}

void Page::verdicts() {
    if (d.verdicts) h += verdicts_section_html(*d.verdicts, part_title("稳态与动态结论对照", "Steady and dynamic verdicts"));
}

void Page::allocation() {
    if (!d.allocation) return;
    AllocationNames names;
    if (!d.scenarios.empty())
        for (const auto& x : d.scenarios.front().sources)
            if (!x.town.empty()) names.town_en.emplace_back(x.town, english_or(x.town_en, x.town));
    if (!d.scenarios.empty())
        for (const auto& x : d.scenarios.front().sections) names.section_en.emplace_back(x.id, english_or(x.name_en, x.name));
    h += allocation_section_html(*d.allocation, names, part_title("总量分配", "Load allocation"));
}

void Page::method() {
    h += "<section class=\"part\" id=\"method\"><h2>" + part_title("方法与输入", "Method and inputs") + "</h2><p>" +
         bi("稳态一维模型：河段内 dL/dx = q_l·C_L − (k/u)·L 的解析解，交汇处完全混合；k_T = k20·θ^(T−20)。",
            "Steady one-dimensional model: exact solution of dL/dx = q_l·C_L − (k/u)·L within reaches, complete mixing at "
            "junctions; k_T = k20·θ^(T−20).") +
         "</p><table class=\"kv\">";
    for (const auto& [k, v] : d.parameters) h += "<tr><td>" + esc(k) + "</td><td>" + esc(num(v)) + "</td></tr>";
    h += "</table><h3>" + bi("输入文件（SHA-256）", "Input files (SHA-256)") + "</h3><table>";
    for (const auto& [p, sha] : d.inputs) h += "<tr><td>" + esc(p) + "</td><td><code>" + esc(sha) + "</code></td></tr>";
    h += "</table></section>\n";
    if (d.mixing) h += mixing_section_html(*d.mixing);
    if (d.montecarlo) h += montecarlo_section_html(*d.montecarlo);
    h += "</main>\n<script>" + std::string(kChartScript) + "</script>\n<script>" + std::string(kScript) + "</script>\n</body></html>\n";
}

}  // namespace html

std::string render_html(const ReportData& d, const Layout& L, Lang lang) {
    html::Page page(d, L);
    page.h.reserve(1 << 20);
    page.head(lang);
    page.summary();
    page.sections();
    page.water_quality();
    page.water_quality_analyses();
    page.verdicts();
    page.profiles();
    page.apportionment();
    page.allocation();
    page.inventory();
    page.map();
    page.method();
    return std::move(page.h);
}

}  // namespace qingliu::report
