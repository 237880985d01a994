#include "report/verdicts.hpp"

#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/names.hpp"

namespace qingliu::report {

std::string verdicts_section_html(const VerdictTable& t, const std::string& title_html) {
    using html::bi;
    using html::esc;
    const std::string year = std::to_string(t.year);
    std::string h = "<section class=\"part\" id=\"verdicts\"><h2>" + title_html + "</h2><p class=\"note\">" +
                    bi("稳态：设计条件（设计枯水流量）下的断面类别；动态：" + year + " 年逐日模拟" +
                           (t.design_year ? "（设计枯水年：实测流量 × " + fixed(t.dry_factor, 3) + "，最枯月为设计流量）" : "（实测年）") +
                           "的年均类别及达标天数、月份比例。两者不一致时说明原因。",
                       "Steady: the section's class in the design condition (design low flow); dynamic: the annual class of the daily "
                       "run of " + year + (t.design_year ? " (design year: recorded flows × " + fixed(t.dry_factor, 3) +
                                                               ", driest month at the design flow)" : " (recorded year)") +
                           " and the shares of days and months meeting the target. Where they differ, the reason is given.") +
                    "</p><table class=\"verdicts\"><thead><tr><th>" + bi("情景", "Scenario") + "</th><th>" + bi("断面", "Section") + "</th><th>" +
                    bi("目标", "Target") + "</th><th>" + bi("稳态类别", "Steady class") + "</th><th>" + bi("超标因子", "Exceeding") +
                    "</th><th>" + bi("动态年均类别", "Dynamic annual class") + "</th><th>" + bi("达标天数", "Days meeting") + "</th><th>" +
                    bi("达标月份", "Months meeting") + "</th><th>" + bi("结论", "Verdicts") + "</th></tr></thead><tbody>";
    int differ = 0;
    for (const auto& r : t.rows) {
        differ += r.agree ? 0 : 1;
        h += "<tr class=\"" + std::string(r.agree ? "agree" : "differ") + "\" data-scen=\"" + esc(r.scenario) + "\" data-section=\"" +
             esc(r.section_id) + "\"><td>" + esc(r.scenario) + "</td><td>" + bi(r.name, english_or(r.name_en, r.name)) +
             "<span class=\"sid\">" + esc(r.section_id) + "</span></td><td>" + esc(reaches::class_roman(r.target_class)) + "</td><td>" +
             bi(reaches::class_roman(r.steady_class) + (r.steady_meets ? " 达标" : " 未达标"),
                reaches::class_roman(r.steady_class) + (r.steady_meets ? " meets" : " misses")) +
             "</td><td>" + esc(r.steady_exceeding.empty() ? "-" : r.steady_exceeding) + "</td><td>" + esc(reaches::class_roman(r.dynamic_class)) +
             "</td><td class=\"n\">" + fixed(100.0 * r.share_days, 1) + " %</td><td class=\"n\">" + fixed(100.0 * r.share_months, 1) +
             " %</td><td>" + (r.agree ? bi("一致", "agree") : "<b>" + bi("不一致：", "differ: ") + "</b>" + bi(r.why_zh, r.why_en)) + "</td></tr>";
    }
    h += "</tbody></table><p class=\"note\">" +
         bi(std::to_string(differ) + " 处结论不一致。", std::to_string(differ) + " verdict(s) differ.") + "</p></section>\n";
    return h;
}

}  // namespace qingliu::report
