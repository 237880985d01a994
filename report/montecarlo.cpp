#include "report/montecarlo.hpp"

#include <cmath>

#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/report.hpp"

namespace qingliu::report {

namespace {

using html::bi;
using html::esc;

std::string pct(double p) { return fixed(100.0 * p, 1) + " %"; }

}  // namespace

const char* p_meets_colour(double p) { return p >= 0.9 ? class_colour(3) : p >= 0.5 ? class_colour(4) : class_colour(6); }

double p_meets_half_width(double p, std::size_t draws) {
    return draws == 0 ? 0.0 : 1.96 * std::sqrt(p * (1.0 - p) / static_cast<double>(draws));
}

std::string montecarlo_section_html(const MonteCarloTable& t) {
    // scenarios in order of first appearance, sections in the order of the first scenario
    std::vector<const MonteCarloRow*> heads;
    std::vector<std::string> sections;
    for (const auto& r : t.rows) {
        bool seen = false;
        for (const auto* h : heads) seen = seen || h->scenario == r.scenario;
        if (!seen) heads.push_back(&r);
        if (r.scenario == t.rows.front().scenario) sections.push_back(r.section_id);
    }
    auto find = [&](const std::string& sc, const std::string& sec) -> const MonteCarloRow* {
        for (const auto& r : t.rows)
            if (r.scenario == sc && r.section_id == sec) return &r;
        return nullptr;
    };
    const double hw = p_meets_half_width(0.5, t.draws);
    std::string h = "<section class=\"part\" id=\"montecarlo\"><h2>" + bi("不确定性分析：达标概率", "Uncertainty: probability of meeting the target") +
                    "</h2><p class=\"note\">" +
                    bi("蒙特卡洛抽样 " + std::to_string(t.draws) + " 次（随机种子 " + std::to_string(t.seed) + "），抽样参数 " +
                           std::to_string(t.drawn.size()) + " 个；各方案使用相同的抽样（共同随机数）。表中为断面达到目标类别的抽样比例；"
                           "抽样误差（95 %）不超过 ±" + fixed(100.0 * hw, 1) + " 个百分点。✓/✗ 为确定性计算是否达标。",
                       std::to_string(t.draws) + " Monte Carlo draws (seed " + std::to_string(t.seed) + "), " +
                           std::to_string(t.drawn.size()) + " parameters drawn; every scenario gets the same draws (common "
                           "random numbers). Each cell is the share of draws in which the section meets its target class; the "
                           "sampling error (95 %) is at most ±" + fixed(100.0 * hw, 1) + " percentage points. ✓/✗: the "
                           "deterministic run meets / misses the target.") +
                    "</p><table class=\"montecarlo\"><tr><th>" + bi("断面", "Section") + "</th><th>" + bi("目标", "Target") + "</th>";
    for (const auto* s : heads)
        h += "<th>" + bi(s->scenario_name.empty() ? s->scenario : s->scenario_name,
                         s->scenario_name_en.empty() ? s->scenario : s->scenario_name_en) + "</th>";
    h += "</tr>";
    for (const auto& sec : sections) {
        const MonteCarloRow* first = find(heads.front()->scenario, sec);
        h += "<tr><td>" + esc(first->name.empty() ? sec : first->name) + " (" + esc(sec) + ")</td><td>" +
             esc(reaches::class_roman(first->target_class)) + "</td>";
        for (const auto* s : heads) {
            const MonteCarloRow* r = find(s->scenario, sec);
            if (!r) {
                h += "<td></td>";
                continue;
            }
            h += "<td class=\"num\" style=\"white-space:nowrap;background:" + std::string(p_meets_colour(r->p_meets)) + "\" title=\"±" +
                 fixed(100.0 * p_meets_half_width(r->p_meets, t.draws), 1) + " (95 %)\">" + pct(r->p_meets) + " " +
                 (r->det_meets ? "✓" : "✗") + "</td>";
        }
        h += "</tr>";
    }
    h += "</table><h3>" + bi("各指标 5–95 % 区间（mg/L）", "5–95 % band of each parameter (mg/L)") + "</h3><table class=\"montecarlo\"><tr><th>" +
         bi("方案", "Scenario") + "</th><th>" + bi("断面", "Section") + "</th>";
    for (auto c : kConstituents)
        h += "<th>" + bi(std::string(label_zh(c)) + " " + std::string(label_en(c)), std::string(label_en(c))) + "</th>";
    h += "</tr>";
    for (const auto& r : t.rows) {
        h += "<tr><td>" + esc(r.scenario) + "</td><td>" + esc(r.name.empty() ? r.section_id : r.name) + "</td>";
        for (int c = 0; c < kNumConstituents; ++c) {
            const int d = html::conc_digits(c);
            h += "<td class=\"num\">" + fixed(r.p5_mgL[c], d) + "–" + fixed(r.p50_mgL[c], d) + "–" + fixed(r.p95_mgL[c], d) +
                 " (" + pct(r.p_meets_c[c]) + ")</td>";
        }
        h += "</tr>";
    }
    h += "</table><p class=\"note\">" +
         bi("单元格：5 %–50 %–95 % 分位浓度（括号内为该指标达标概率）。", "Cells: 5 %–50 %–95 % quantiles (in brackets the parameter's probability of meeting its limit).") +
         "</p></section>\n";
    return h;
}

}  // namespace qingliu::report
