// Parts of the HTML report: source apportionment at each section and the load inventory.
#include "report/html_page.hpp"

#include <algorithm>
#include <set>

#include "common/units.hpp"
#include "loads/source.hpp"
#include "report/names.hpp"

namespace qingliu::report::html {

void Page::apportionment() {
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

void Page::inventory() {
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

}  // namespace qingliu::report::html
