#include "report/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "loads/source.hpp"
#include "reaches/classes.hpp"
#include "reaches/sections.hpp"
#include "report/allocation.hpp"
#include "report/html_parts.hpp"
#include "report/mixing.hpp"
#include "report/montecarlo.hpp"
#include "report/names.hpp"
#include "report/verdicts.hpp"
#include "report/water_quality.hpp"

namespace qingliu::report {

std::string fixed(double v, int digits) {
    if (!std::isfinite(v)) return "";
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string num(double v) {
    if (!std::isfinite(v)) return "";
    char b[64];
    // whole numbers (counts, seeds, ids, years) print whole; everything else with 6 significant digits
    if (v == std::trunc(v) && std::abs(v) < 1e15)
        std::snprintf(b, sizeof b, "%.0f", v == 0.0 ? 0.0 : v);
    else
        std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

namespace html {

std::string esc(const std::string& s) {
    std::string o;
    o.reserve(s.size());
    for (char c : s) switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    return o;
}

/// Both languages; CSS shows one.
std::string bi(const std::string& zh, const std::string& en) {
    return "<span class=\"zh\">" + esc(zh) + "</span><span class=\"en\">" + esc(en) + "</span>";
}

std::string class_bi(int cls) { return bi(reaches::class_label_zh(cls), reaches::class_label_en(cls)); }

const std::string& or_if_empty(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

std::string scen_name_zh(const Scenario& s) {
    if (s.id == "baseline" && s.name.empty()) return "基准（现状）";
    return or_if_empty(s.name, s.id);
}
std::string scen_name_en(const Scenario& s) {
    if (s.id == "baseline" && s.name_en.empty()) return "Baseline (current)";
    return or_if_empty(s.name_en, or_if_empty(s.name, s.id));
}

std::string type_zh(const std::string& t) {
    if (auto* st = loads::find_source_type(t)) return st->zh;
    return t;
}
std::string type_en(const std::string& t) {
    if (auto* st = loads::find_source_type(t)) return st->en;
    return t;
}

const char* type_colour(const std::string& t) {
    static const std::map<std::string, const char*> c = {
        {"background", "#bab0ac"}, {"boundary_inflow", "#79706e"}, {"sewage_plant", "#4e79a7"}, {"outfall", "#f28e2b"},
        {"industry", "#e15759"},   {"livestock", "#76b7b2"},    {"cropland", "#59a14f"},
        {"rural_domestic", "#edc948"}, {"urban_uncollected", "#b07aa1"}, {"aquaculture", "#ff9da7"}};
    auto it = c.find(t);
    return it == c.end() ? "#9c755f" : it->second;
}

// scenario line styles in profile charts
// The baseline is the one black solid line. The others cycle through 10 colours (Okabe-Ito's colour-blind-safe set
// and darker tones, all distinct from the pale class bands) and, independently, 7 dash patterns: as 10 and 7 are
// coprime, the first 70 scenarios after the baseline each get their own (colour, dash) pair, and neighbours in the
// list differ in both, so lines stay apart in greyscale print too.
const char* scen_colour(std::size_t i) {
    static const char* c[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6a3d9a", "#8c564b", "#b15928", "#4d4d4d"};
    return i == 0 ? "#111111" : c[(i - 1) % 10];
}
const char* scen_dash(std::size_t i) {
    static const char* d[] = {"9 4", "2 3", "12 3 3 3", "5 3", "1 4", "14 4 4 4 4 4", "7 2 2 2"};
    return i == 0 ? "" : d[(i - 1) % 7];
}

std::string param_key(int k) { return std::string(key(kConstituents[k])); }

int conc_digits(int k) { return variable(k).conc_digits; }

double limit_of(const ReportData& d, int k, int cls) {
    return d.classes.limit(key(kConstituents[k]), reaches::WaterBody::River, cls);
}

double nice_step(double range, int n) {
    if (!(range > 0.0)) return 1.0;
    const double raw = range / n, p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * p) return m * p;
    return 10.0 * p;
}

std::string tick_text(double v, double step) {
    const int digits = step >= 1.0 ? 0 : std::min(4, static_cast<int>(std::ceil(-std::log10(step))));
    return fixed(v, digits);
}

const char* kCss = R"CSS(
:root{--ink:#1d2630;--muted:#5b6570;--line:#d5dbe1;--head:#0d4a7a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;color:var(--ink);background:#f4f6f8}
.lang-zh .en,.lang-en .zh{display:none}
header{background:var(--head);color:#fff;padding:18px 28px 14px}
header h1{margin:0;font-size:22px;font-weight:600}
header .sub{opacity:.85;margin-top:4px}
.bar{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.bar button{border:1px solid var(--line);background:#fff;border-radius:4px;padding:3px 10px;cursor:pointer;font:inherit}
.bar button.active{background:var(--head);color:#fff;border-color:var(--head)}
.bar .sep{flex:1}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}
section.part{background:#fff;border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:14px 18px}
h2{font-size:18px;margin:0 0 10px;color:var(--head)}
h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:4px 7px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.cls{font-weight:600;text-align:center}
table.scen td:first-child{min-width:9em}
tr.fail td.meets{color:#b00020;font-weight:600}
table.verdicts tr.differ td{background:#fff4e5}
tr.pass td.meets{color:#1b5e20}
.kv td:first-child{width:28%;color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0;font-size:13px}
.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;border:1px solid rgba(0,0,0,.25)}
.legend i.line{height:0;border:0;border-top:2px solid #222;width:26px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#000;stroke-opacity:.08}
svg .frame{fill:none;stroke:#8894a0}
svg .tick{font-size:11px;fill:#444}
svg .axis{font-size:12px;fill:#333}
svg .band{font-size:11px;font-weight:600}
svg .series{fill:none;stroke-width:2}
svg .secline{stroke:#444;stroke-dasharray:3 3;stroke-opacity:.6}
svg .seclabel{font-size:11px;fill:#222}
svg .target{stroke:#b00020;stroke-width:2}
svg .inbar{font-size:10px;fill:#fff}
svg .reach{fill:none;stroke-linecap:round;stroke-linejoin:round}
svg .river{font-size:12px;fill:#37474f;font-style:italic}
svg .mapbg{fill:#fbfcfd}
svg .crs{font-size:11px;fill:#5b6570}
.charts{display:grid;grid-template-columns:1fr;gap:4px}
.note{color:var(--muted);font-size:13px}
.card{display:inline-block;min-width:150px;border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:4px 8px 4px 0}
.card b{font-size:20px;display:block}
.sid{color:var(--muted);font-size:11px;white-space:nowrap;margin-left:4px}
.chart-tools{display:flex;justify-content:flex-end;gap:4px;margin:4px 0 -2px}
.chart-tools button,.picker button{border:1px solid var(--line);background:#fff;border-radius:4px;padding:1px 8px;cursor:pointer;font:12px inherit;color:var(--ink)}
.chart-tools button:hover,.picker button:hover{border-color:var(--head)}
.picker{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:6px 0;background:#fafbfc}
.picker .params{display:flex;gap:6px;align-items:center;margin-bottom:4px}
.picker button.active{background:var(--head);color:#fff;border-color:var(--head)}
.picker .scens{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}
.picker label{cursor:pointer;white-space:nowrap}
.picker label.off{opacity:.45}
svg .series.off{display:none}
svg .mcband.off{display:none}
svg .mcband line{stroke-width:2.2}
table.allocation tr.total td{font-weight:600;border-top:2px solid var(--line)}
)CSS";

const char* kHeadScript = R"JS(window.__qlErrors=[];window.addEventListener('error',function(e){window.__qlErrors.push(String(e.message||e));if(document.body)document.body.setAttribute('data-errors',String(window.__qlErrors.length));});)JS";

const char* kScript = R"JS((function(){
var b=document.body;
function setLang(l){b.classList.remove('lang-zh','lang-en');b.classList.add('lang-'+l);document.documentElement.lang=(l==='zh'?'zh-CN':'en');
 document.querySelectorAll('[data-lang-btn]').forEach(function(x){x.classList.toggle('active',x.getAttribute('data-lang-btn')===l);});}
function showScen(id){document.querySelectorAll('.scen-panel').forEach(function(p){p.style.display=(p.getAttribute('data-scen')===id?'':'none');});
 document.querySelectorAll('[data-scen-btn]').forEach(function(x){x.classList.toggle('active',x.getAttribute('data-scen-btn')===id);});}
document.querySelectorAll('[data-lang-btn]').forEach(function(x){x.addEventListener('click',function(){setLang(x.getAttribute('data-lang-btn'));});});
document.querySelectorAll('[data-scen-btn]').forEach(function(x){x.addEventListener('click',function(){showScen(x.getAttribute('data-scen-btn'));});});
setLang(b.getAttribute('data-lang')||'zh');
var first=document.querySelector('[data-scen-btn]');if(first)showScen(first.getAttribute('data-scen-btn'));
var charts=document.querySelectorAll('svg.chart'),drawn=0;
charts.forEach(function(c){var ps=c.querySelectorAll('path,rect,circle');var ok=false;ps.forEach(function(p){if(p.tagName!=='path'||(p.getAttribute('d')||'').length>2)ok=true;});if(ok)drawn++;});
b.setAttribute('data-charts',String(drawn));
b.setAttribute('data-errors',String(window.__qlErrors.length));
b.setAttribute('data-rendered',(charts.length>0&&drawn===charts.length&&window.__qlErrors.length===0)?'ok':'incomplete');
})();)JS";

std::string td_num(double v, int digits) { return "<td class=\"n\">" + fixed(v, digits) + "</td>"; }

std::string td_class(int cls) {
    const bool dark = cls == 1 || cls == 6 || cls == 3;
    return std::string("<td class=\"cls\" style=\"background:") + class_colour(cls) + ";color:" + (dark ? "#fff" : "#222") + "\">" +
           class_cell_bi(cls) + "</td>";
}

std::string class_cell_bi(int cls) { return bi(reaches::class_roman(cls), class_roman_en(cls)); }

std::string label_tspans(const std::string& zh, const std::string& en, double font_px, double* width_px) {
    auto width = [&](const std::string& s) {  // CJK characters about one em, others about 0.58 em
        double w = 0.0;
        for (std::size_t i = 0; i < s.size();) {
            const unsigned char c = static_cast<unsigned char>(s[i]);
            const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            w += (n >= 3 ? 1.0 : 0.58) * font_px;
            i += static_cast<std::size_t>(n);
        }
        return w;
    };
    if (width_px) *width_px = std::max(width(zh), width(en));
    return "<tspan class=\"zh\">" + esc(zh) + "</tspan><tspan class=\"en\">" + esc(en) + "</tspan>";
}

/// label_en of every state variable between open and close: "<th>COD</th><th>NH3-N</th>...".
std::string label_cells(const std::string& open, const std::string& close) {
    return join_each([&](int k) { return open + esc(std::string(label_en(kConstituents[k]))) + close; }, "");
}

/// Cells of v * scale with each variable's decimals for loads (load_digits + extra_digits).
std::string load_cells(const PerConstituent& v, int extra_digits, double scale = 1.0) {
    return join_each([&](int k) { return td_num(v[k] * scale, variable(k).load_digits + extra_digits); }, "");
}

std::string td_conc(double v, int cls, int k) {
    return std::string("<td class=\"n\" style=\"box-shadow:inset 4px 0 0 ") + class_colour(cls) + "\">" + fixed(v, conc_digits(k)) + "</td>";
}

}  // namespace html

namespace {
using namespace html;

// The parts of the page, in order; each appends to h.
struct Page {
    const ReportData& d;
    const Layout& L;
    std::vector<RiverAxis> axes;
    std::unordered_map<std::string, std::pair<std::size_t, double>> axis_of;  // reach -> (axis, offset)
    std::unordered_map<std::string, double> len_of;
    std::string h;
    int parts = 0;  // parts headed so far: numbered in order, the load allocation one only when the run has it

    /// "五、…" / "5. …": the next part's number and title.
    std::string part_title(const std::string& zh, const std::string& en) {
        static const char* numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
        const int n = ++parts;
        const std::string zh_n = n <= 10 ? numerals[n - 1] : std::to_string(n);
        return bi(zh_n + "、" + zh, std::to_string(n) + ". " + en);
    }

    Page(const ReportData& data, const Layout& layout) : d(data), L(layout), axes(river_axes(data.network)) {
        for (const auto& r : d.network) len_of[r.id] = r.length_km;
        for (std::size_t a = 0; a < axes.size(); ++a)
            for (std::size_t k = 0; k < axes[a].reaches.size(); ++k)
                axis_of[d.network[axes[a].reaches[k]].id] = {a, axes[a].offset_km[k]};
    }

    void head(Lang lang) {
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

    void summary() {
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

    void sections() {
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

    void profiles() {
        h += "<section class=\"part\" id=\"profiles\"><h2>" + part_title("沿程浓度剖面", "Longitudinal profiles") + "</h2>";
        // the picker: which parameters' charts, which scenarios' lines (its labels are the legend). Shown at first: every
        // scenario when there are at most 4, else the baseline and the plan (the scenario "plan", or else the first one)
        std::size_t plan = d.scenarios.size() > 1 ? 1 : 0;
        for (std::size_t i = 0; i < d.scenarios.size(); ++i)
            if (d.scenarios[i].id == "plan") plan = i;
        h += "<div class=\"picker\"><div class=\"params\"><span>" + bi("指标：", "Parameter:") + "</span><button type=\"button\" data-param-btn=\"all\">" +
             bi("全部", "All") + "</button>" +
             join_each([&](int k) { return "<button type=\"button\" data-param-btn=\"" + esc(param_key(k)) + "\">" +
                                          esc(std::string(label_en(kConstituents[k]))) + "</button>"; }, "") +
             "</div><div class=\"scens\">";
        for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
            const bool shown = d.scenarios.size() <= 4 || i == 0 || i == plan;
            h += std::string("<label><input type=\"checkbox\" data-scen-check=\"") + esc(d.scenarios[i].id) + "\"" + (shown ? " checked" : "") +
                 "> <svg width=\"34\" height=\"10\"><path d=\"M0 5H34\" stroke=\"" + scen_colour(i) + "\" stroke-width=\"" +
                 (i == 0 ? "2.6" : "2.2") + "\" stroke-dasharray=\"" + scen_dash(i) + "\" fill=\"none\"/></svg> " +
                 bi(scen_name_zh(d.scenarios[i]), scen_name_en(d.scenarios[i])) + "</label>";
        }
        h += "</div></div>" + class_legend() +
             "<p class=\"note\">" +
             bi("底色为GB 3838-2002各类别浓度区间；虚线为断面位置，圆点为现状模拟值（颜色为类别），红色短线为断面目标限值。",
                "Background bands are the GB 3838-2002 class ranges; dashed lines mark sections, dots the baseline value (coloured "
                "by class), short red bars the section's target limit.") +
             "</p>";
        if (d.montecarlo)
            h += "<div class=\"legend\"><span><svg width=\"12\" height=\"14\"><rect x=\"3\" y=\"1\" width=\"6\" height=\"12\" "
                 "fill=\"#111\" fill-opacity=\"0.28\"/><path d=\"M2 1h8M6 1v12M2 13h8\" stroke=\"#111\" fill=\"none\"/></svg> " +
                 bi("断面处蒙特卡洛 5–95 % 区间（" + std::to_string(d.montecarlo->draws) + " 次抽样，颜色同情景线）",
                    "Monte Carlo 5–95 % band at each section (" + std::to_string(d.montecarlo->draws) +
                        " draws, in the colour of its scenario's line)") +
                 "</span></div>";
        // rivers with the most sections and length first; at most 12 rivers drawn (the CSV has all)
        std::vector<std::size_t> order(axes.size());
        for (std::size_t a = 0; a < axes.size(); ++a) order[a] = a;
        std::vector<int> nsec(axes.size(), 0);
        if (!d.scenarios.empty())
            for (const auto& x : d.scenarios.front().sections)
                if (auto it = axis_of.find(x.reach_id); it != axis_of.end()) ++nsec[it->second.first];
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return nsec[a] != nsec[b] ? nsec[a] > nsec[b] : axes[a].length_km > axes[b].length_km;
        });
        if (order.size() > 12) {
            h += "<p class=\"note\">" + bi("河流较多，仅绘制前12条（断面最多、最长者），全部数据见 profile.csv。",
                                           "Many rivers: the 12 with most sections and length are drawn; profile.csv has all.") +
                 "</p>";
            order.resize(12);
        }
        for (std::size_t a : order) {
            const auto& ax = axes[a];
            std::vector<std::pair<double, const SectionResult*>> secs;
            if (!d.scenarios.empty())
                for (const auto& x : d.scenarios.front().sections)
                    if (auto it = axis_of.find(x.reach_id); it != axis_of.end() && it->second.first == a)
                        secs.emplace_back(it->second.second + x.position_km, &x);
            const std::string river_en = english_or(ax.reaches.empty() ? "" : d.network[ax.reaches.front()].river_en, ax.river);
            h += "<h3>" + bi(ax.river, river_en) + " <span class=\"note\">" + fixed(ax.length_km, 1) + " km</span></h3><div class=\"charts\">";
            for (int k = 0; k < kNumConstituents; ++k) {
                std::vector<Series> sk(d.scenarios.size());
                for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
                    const auto& s = d.scenarios[i];
                    std::vector<std::pair<double, double>> pts;
                    for (const auto& p : s.profile)
                        if (auto it = axis_of.find(p.reach_id); it != axis_of.end() && it->second.first == a)
                            pts.emplace_back(it->second.second + p.position_km, p.conc_mgL[k]);
                    if (pts.empty())
                        for (const auto& r : s.reaches)
                            if (auto it = axis_of.find(r.id); it != axis_of.end() && it->second.first == a)
                                pts.emplace_back(it->second.second + len_of[r.id], r.conc_mgL[k]);
                    std::stable_sort(pts.begin(), pts.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
                    const std::size_t stride = pts.size() > 1500 ? pts.size() / 1500 + 1 : 1;
                    for (std::size_t j = 0; j < pts.size(); j += stride) sk[i].xy.push_back(pts[j]);
                    if (!pts.empty() && (pts.size() - 1) % stride != 0) sk[i].xy.push_back(pts.back());
                }
                h += "<figure data-param=\"" + esc(param_key(k)) + "\">" + profile_chart(ax, k, d, sk, secs) + "</figure>";
            }
            h += "</div>";
        }
        h += "</section>\n";
    }

    void apportionment() {
        h += "<section class=\"part\" id=\"apportionment\"><h2>" + part_title("断面污染来源解析", "Source apportionment at each section") +
             "</h2><p class=\"note\">" +
             bi("稳态模型对负荷是线性的：逐一单独演算各污染源，得到其在断面的浓度贡献；本底为上游来水与区间入流。",
                "The steady model is linear in the loads: each source is routed alone to give its share at the section; background "
                "is headwater and lateral inflow.") +
             "</p>";
        {
            std::set<std::string> types;
            for (const auto& s : d.scenarios)
                for (const auto& a : s.apportionment)
                    for (const auto& c : a.by_type) types.insert(c.key);
            h += "<div class=\"legend\">";
            for (const auto& t : types)
                h += "<span><i style=\"background:" + std::string(type_colour(t)) + "\"></i>" + bi(type_zh(t), type_en(t)) + "</span>";
            h += "</div>";
        }
        for (const auto& s : d.scenarios) {
            h += "<div class=\"scen-panel\" data-scen=\"" + esc(s.id) + "\"><h3>" + bi(scen_name_zh(s), scen_name_en(s)) + "</h3>";
            if (s.apportionment.empty())
                h += "<p class=\"note\">" + bi("本次运行未保存来源解析。", "No apportionment stored for this run.") + "</p>";
            for (const auto& a : s.apportionment) {
                const SectionResult* x = nullptr;
                for (const auto& y : s.sections)
                    if (y.id == a.section_id) x = &y;
                h += "<h3>" + (x ? bi(x->name, english_or(x->name_en, x->name)) : esc(a.section_id));
                if (x) h += " <span class=\"note\">" + class_bi(x->overall) + " / " + bi("目标", "target") + " " + class_cell_bi(x->target_class) + "</span>";
                const std::string sec_zh = x ? x->name : a.section_id, sec_en = x ? english_or(x->name_en, x->name) : a.section_id;
                h += "</h3><figure>" +
                     apportion_chart(a, "apportionment_" + s.id + "_" + a.section_id, sec_zh + " 来源解析（" + scen_name_zh(s) + "）",
                                     sec_en + ": source apportionment (" + scen_name_en(s) + ")") +
                     "</figure>";
                if (!a.top_sources.empty()) {
                    h += "<table><tr><th>" + bi("主要污染源", "Largest sources") + "</th>" + label_cells("<th>", " mg/L</th>") + "<th>" +
                         bi("占比 " + labels_en("/"), "Share " + labels_en("/")) + "</th></tr>";
                    for (std::size_t j = 0; j < a.top_sources.size() && j < 5; ++j) {
                        const auto& c = a.top_sources[j];
                        std::string sh;
                        for (int k = 0; k < kNumConstituents; ++k)
                            sh += (k ? " / " : "") + (a.total_mgL[k] > 0 ? fixed(100.0 * c.conc_mgL[k] / a.total_mgL[k], 1) + "%" : "-");
                        h += "<tr><td>" + bi(c.label, c.label_en) + "</td>" +
                             join_each([&](int k) { return td_num(c.conc_mgL[k], conc_digits(k) + 1); }, "") + "<td class=\"n\">" + sh +
                             "</td></tr>";
                    }
                    h += "</table>";
                }
            }
            h += "</div>";
        }
        h += "</section>\n";
    }

    void inventory() {
        constexpr double t_a = kTonnePerYearPerGramPerSecond;
        h += "<section class=\"part\" id=\"inventory\"><h2>" + part_title("污染负荷清单", "Load inventory") + "</h2><p class=\"note\">" +
             bi("入河负荷，t/a = g/s × 31.536。", "Loads entering the rivers, t/a = g/s × 31.536.") + "</p>";
        {
            // totals by type, per scenario
            std::vector<std::string> types;
            for (const auto& s : d.scenarios)
                for (const auto& x : s.sources)
                    if (std::find(types.begin(), types.end(), x.type) == types.end()) types.push_back(x.type);
            // one table per state variable: a row per scenario, a column per source type, so that any number of
            // scenarios fits the page width (rows break across pages, columns would not)
            h += "<h3>" + bi("按类型汇总（t/a）", "Totals by type (t/a)") + "</h3>";
            for (int k = 0; k < kNumConstituents; ++k) {
                h += "<table class=\"loads\"><thead><tr><th>" + esc(std::string(label_en(kConstituents[k]))) + " t/a</th>";
                for (const auto& t : types) h += "<th>" + bi(type_zh(t), type_en(t)) + "</th>";
                h += "<th>" + bi("合计", "Total") + "</th></tr></thead><tbody>";
                for (const auto& s : d.scenarios) {
                    h += "<tr><td>" + bi(scen_name_zh(s), scen_name_en(s)) + "<span class=\"sid\">[" + esc(s.id) + "]</span></td>";
                    double total = 0.0;
                    for (const auto& t : types) {
                        double sum = 0.0;
                        for (const auto& x : s.sources)
                            if (x.type == t) sum += x.load_gs[k] * t_a;
                        total += sum;
                        h += td_num(sum, variable(k).load_digits);
                    }
                    h += td_num(total, variable(k).load_digits) + "</tr>";
                }
                h += "</tbody></table>";
            }
            if (!d.scenarios.empty()) {
                const auto& srcs = d.scenarios.front().sources;
                std::vector<const Source*> sorted;
                for (const auto& x : srcs) sorted.push_back(&x);
                std::stable_sort(sorted.begin(), sorted.end(), [](const Source* a, const Source* b) {
                    // by type, then largest load of the first state variable first
                    return a->type != b->type ? a->type < b->type : a->load_gs[0] > b->load_gs[0];
                });
                h += "<h3>" + bi("污染源清单（现状）", "Sources (baseline)") + "</h3>";
                if (sorted.size() > 400) {
                    h += "<p class=\"note\">" + bi("仅列出前400项，全部见 sources.csv。", "The first 400 are listed; sources.csv has all.") + "</p>";
                    sorted.resize(400);
                }
                h += "<table class=\"inventory\"><thead><tr><th>" + bi("编号", "ID") + "</th><th>" + bi("名称", "Name") + "</th><th>" +
                     bi("类型", "Type") + "</th><th>" + bi("乡镇", "Town") + "</th><th>" + bi("河段", "Reach") +
                     "</th>" + label_cells("<th>", " t/a</th>") + "<th>" + bi("来源记录", "Origin") + "</th></tr></thead><tbody>";
                for (const Source* x : sorted)
                    h += "<tr class=\"src-row\"><td>" + esc(x->id) + "</td><td>" + bi(x->name, english_or(x->name_en, x->name)) + "</td><td>" +
                         bi(type_zh(x->type), type_en(x->type)) + (x->diffuse ? bi("（面源）", " (diffuse)") : std::string()) + "</td><td>" +
                         bi(x->town, english_or(x->town_en, x->town)) + "</td><td>" +
                         esc(x->reach_id) + "</td>" + load_cells(x->load_gs, 1, t_a) + "<td>" + esc(x->origin) + "</td></tr>";
                h += "</tbody></table>";
            }
        }
        h += "</section>\n";
    }

    void map() {
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

    void water_quality() {
        if (d.water_quality)
            h += water_quality_section_html(*d.water_quality, d, part_title("全部指标断面评价（水质模型）", "Sections over every GB 3838 item (water-quality model)"));
    }

    void verdicts() {
        if (d.verdicts) h += verdicts_section_html(*d.verdicts, part_title("稳态与动态结论对照", "Steady and dynamic verdicts"));
    }

    void allocation() {
        if (!d.allocation) return;
        AllocationNames names;
        if (!d.scenarios.empty())
            for (const auto& x : d.scenarios.front().sources)
                if (!x.town.empty()) names.town_en.emplace_back(x.town, english_or(x.town_en, x.town));
        if (!d.scenarios.empty())
            for (const auto& x : d.scenarios.front().sections) names.section_en.emplace_back(x.id, english_or(x.name_en, x.name));
        h += allocation_section_html(*d.allocation, names, part_title("总量分配", "Load allocation"));
    }

    void method() {
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
};

}  // namespace

std::string render_html(const ReportData& d, const Layout& L, Lang lang) {
    Page page(d, L);
    page.h.reserve(1 << 20);
    page.head(lang);
    page.summary();
    page.sections();
    page.water_quality();
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
