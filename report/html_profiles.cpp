// Part of the HTML report: longitudinal profiles per river (picker, legend, one chart per state variable).
#include "report/html_page.hpp"

#include <algorithm>

#include "report/montecarlo.hpp"
#include "report/names.hpp"

namespace qingliu::report::html {

void Page::profiles() {
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

}  // namespace qingliu::report::html
