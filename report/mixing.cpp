#include "report/mixing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"

namespace qingliu::report {

namespace {

using html::bi;
using html::esc;

std::string sig3(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
}

const char* kind_zh(const std::string& k) {
    if (k == "section") return "断面";
    if (k == "intake") return "取水口";
    if (k == "protected") return "保护区";
    if (k == "reach_end") return "河段末端";
    return "敏感点";
}

}  // namespace

std::string reached_text(const std::vector<mixing::Reached>& v, bool zh) {
    std::string s;
    for (const auto& r : v) {
        if (!s.empty()) s += "; ";
        if (zh) s += std::string(kind_zh(r.kind)) + " " + r.id + (r.name.empty() || r.name == r.id ? "" : " " + r.name);
        else s += r.kind + " " + r.id + (r.name.empty() || r.name == r.id ? "" : " " + r.name);
        s += " (" + fixed(r.distance_m, 0) + " m)";
    }
    return s;
}

namespace {

// --- map placement -------------------------------------------------------------------------------------------------

struct Frame {
    std::vector<XY> line;  ///< in metric units (projected or local frame)
    double unit = 1.0;     ///< map units per metre (schematic: km)
    bool geographic = false;
    double lat0 = 0.0;
    double total = 0.0;
    XY to_map(XY p) const {
        if (!geographic) return p;
        return {p.x / (111320.0 * std::cos(lat0)), p.y / 110540.0};
    }
};

XY direction_at(const std::vector<XY>& line, double target) {
    double run = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double dx = line[i].x - line[i - 1].x, dy = line[i].y - line[i - 1].y, seg = std::hypot(dx, dy);
        if ((run + seg >= target || i + 1 == line.size()) && seg > 0.0) return {dx / seg, dy / seg};
        run += seg;
    }
    return {1.0, 0.0};
}

}  // namespace

MixingMap mixing_map(const MixingSection& s, const ReportData& d, const Layout& L) {
    MixingMap out;
    std::unordered_map<std::string, std::size_t> reach_index;
    for (std::size_t i = 0; i < d.network.size(); ++i) reach_index.emplace(d.network[i].id, i);
    for (const auto& o : s.result.outfalls) {
        MixingMap::Outfall m;
        auto it = reach_index.find(o.reach_id);
        if (it == reach_index.end() || it->second >= L.reach_lines.size() || L.reach_lines[it->second].size() < 2) {
            out.outfalls.push_back(std::move(m));
            continue;
        }
        Frame f;
        f.geographic = L.geographic && !L.schematic;
        f.unit = L.schematic ? 0.001 : 1.0;
        f.line = L.reach_lines[it->second];
        if (f.geographic) {
            double lat = 0.0;
            for (const auto& p : f.line) lat += p.y;
            f.lat0 = lat / static_cast<double>(f.line.size()) * 3.14159265358979323846 / 180.0;
            for (auto& p : f.line) p = {p.x * 111320.0 * std::cos(f.lat0), p.y * 110540.0};
        }
        f.total = polyline_length(f.line);
        const double reach_m = d.network[it->second].length_km * 1000.0;
        const double B = o.channel.width_m;
        const bool left = o.bank == mixing::Bank::Left;
        auto place = [&](double x, double y) {
            const double frac = reach_m > 0.0 ? std::clamp((o.position_m + x) / reach_m, 0.0, 1.0) : 0.0;
            const XY c = point_along(f.line, frac);
            const XY t = direction_at(f.line, frac * f.total);
            const XY n{-t.y, t.x};  // left of the flow
            const double off = (left ? 0.5 * B - y : y - 0.5 * B) * f.unit;
            return f.to_map({c.x + n.x * off, c.y + n.y * off});
        };
        m.placed = true;
        m.point = place(0.0, o.source_y_m);
        for (const auto& p : o.params) {
            std::vector<XY> ring;
            if (p.zone.exists && !p.zone.edge.empty()) {
                for (const auto& e : p.zone.edge) ring.push_back(place(e.x_m, e.y_lo_m));
                for (auto e = p.zone.edge.rbegin(); e != p.zone.edge.rend(); ++e) ring.push_back(place(e->x_m, e->y_hi_m));
                ring.push_back(ring.front());
            }
            m.zones.push_back(std::move(ring));
        }
        const double dx = o.nx > 0 ? o.grid_length_m / o.nx : 0.0, dy = o.ny > 0 ? B / o.ny : 0.0;
        for (int i = 0; i < o.nx; ++i)
            for (int j = 0; j < o.ny; ++j)
                m.cells.push_back({place(i * dx, j * dy), place((i + 1) * dx, j * dy), place((i + 1) * dx, (j + 1) * dy),
                                   place(i * dx, (j + 1) * dy)});
        out.outfalls.push_back(std::move(m));
    }
    return out;
}

// --- HTML ----------------------------------------------------------------------------------------------------------

namespace {

/// Colour of C/limit: blue (clean) through green (0.8) and yellow (1.0, at the limit) to red (3 x the limit).
std::string ratio_colour(double r) {
    struct Stop {
        double r;
        int c[3];
    };
    static const Stop stops[] = {{0.0, {219, 234, 254}}, {0.5, {147, 197, 253}}, {0.8, {134, 239, 172}}, {1.0, {253, 224, 71}},
                                 {1.5, {251, 146, 60}},  {3.0, {220, 38, 38}}};
    if (!std::isfinite(r)) return "#e5e7eb";
    // 24 steps per unit of r, so that neighbouring cells of one colour merge
    r = std::round(std::clamp(r, 0.0, 3.0) * 24.0) / 24.0;
    std::size_t k = 1;
    while (k + 1 < std::size(stops) && r > stops[k].r) ++k;
    const double f = std::clamp((r - stops[k - 1].r) / (stops[k].r - stops[k - 1].r), 0.0, 1.0);
    char b[16];
    std::snprintf(b, sizeof b, "#%02x%02x%02x", static_cast<int>(std::lround(stops[k - 1].c[0] + f * (stops[k].c[0] - stops[k - 1].c[0]))),
                  static_cast<int>(std::lround(stops[k - 1].c[1] + f * (stops[k].c[1] - stops[k - 1].c[1]))),
                  static_cast<int>(std::lround(stops[k - 1].c[2] + f * (stops[k].c[2] - stops[k - 1].c[2]))));
    return b;
}

const char* kDash[] = {"", "7 4", "2 3"};

std::string plume_svg(const mixing::OutfallResult& o) {
    if (o.nx <= 0 || o.ny <= 0) return "";
    const double W = 900, left = 60, right = 20, top = 24, ch = 170, H = top + ch + 56;
    const double pw = W - left - right, G = o.grid_length_m, B = o.channel.width_m;
    auto SX = [&](double x) { return left + x / G * pw; };
    // y from the outfall's bank drawn from the bottom (the outfall's bank) upwards
    auto SY = [&](double y) { return top + ch - y / B * ch; };
    std::string s = "<svg class=\"chart plume\" viewBox=\"0 0 " + num(W) + " " + num(H) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">";
    // cells coloured by the largest C/limit over the parameters; runs of one colour along x merged
    const double cw = pw / o.nx, chh = ch / o.ny;
    for (int j = 0; j < o.ny; ++j) {
        int i0 = 0;
        std::string col0;
        for (int i = 0; i <= o.nx; ++i) {
            std::string col;
            if (i < o.nx) {
                double r = -1.0;
                const auto& cell = o.grid_mgL[static_cast<std::size_t>(i) * o.ny + j];
                for (const auto& p : o.params)
                    if (std::isfinite(p.limit_mgL) && p.limit_mgL > 0.0) r = std::max(r, cell[p.constituent] / p.limit_mgL);
                col = ratio_colour(r < 0.0 ? NAN : r);
            }
            if (i == o.nx || (i > 0 && col != col0)) {
                s += "<rect x=\"" + fixed(left + i0 * cw, 1) + "\" y=\"" + fixed(top + ch - (j + 1) * chh, 1) + "\" width=\"" +
                     fixed((i - i0) * cw + 0.4, 1) + "\" height=\"" + fixed(chh + 0.4, 1) + "\" fill=\"" + col0 + "\"/>";
                i0 = i;
            }
            if (i == 0 || col != col0) col0 = col;
        }
    }
    // banks
    s += "<line x1=\"" + num(left) + "\" y1=\"" + num(top) + "\" x2=\"" + num(left + pw) + "\" y2=\"" + num(top) +
         "\" stroke=\"#5b4636\" stroke-width=\"3\"/><line x1=\"" + num(left) + "\" y1=\"" + num(top + ch) + "\" x2=\"" + num(left + pw) +
         "\" y2=\"" + num(top + ch) + "\" stroke=\"#5b4636\" stroke-width=\"3\"/>";
    // zones
    for (const auto& p : o.params) {
        if (!p.zone.exists || p.zone.edge.empty()) continue;
        std::string d;
        for (const auto& e : p.zone.edge)
            if (e.x_m <= G) d += (d.empty() ? "M" : "L") + fixed(SX(e.x_m), 1) + " " + fixed(SY(e.y_lo_m), 1);
        for (auto e = p.zone.edge.rbegin(); e != p.zone.edge.rend(); ++e)
            if (e->x_m <= G) d += "L" + fixed(SX(e->x_m), 1) + " " + fixed(SY(e->y_hi_m), 1);
        if (d.empty()) continue;
        s += "<path d=\"" + d + "Z\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.6\"" +
             (kDash[p.constituent % 3][0] ? std::string(" stroke-dasharray=\"") + kDash[p.constituent % 3] + "\"" : std::string()) +
             "><title>" + esc(std::string(label_en(kConstituents[p.constituent])) + " > " + num(p.limit_mgL) + " mg/L") + "</title></path>";
    }
    // outfall
    s += "<circle cx=\"" + fixed(SX(0.0), 1) + "\" cy=\"" + fixed(SY(o.source_y_m), 1) +
         "\" r=\"5\" fill=\"#7c2d12\" stroke=\"#fff\" stroke-width=\"1.5\"><title>" + esc(o.source_id + " " + o.name) + "</title></circle>";
    // places reached within the drawing
    for (const auto& p : o.params)
        for (const auto& r : p.reached)
            if (r.distance_m <= G && r.kind != "reach_end")
                s += "<line x1=\"" + fixed(SX(r.distance_m), 1) + "\" y1=\"" + num(top - 6) + "\" x2=\"" + fixed(SX(r.distance_m), 1) +
                     "\" y2=\"" + num(top + ch + 6) + "\" stroke=\"#b00020\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/><text x=\"" +
                     fixed(SX(r.distance_m) + 3, 1) + "\" y=\"" + num(top - 8) + "\" font-size=\"11\" fill=\"#b00020\">" +
                     esc(r.name.empty() ? r.id : r.name) + "</text>";
    // axis
    const double step = std::pow(10.0, std::floor(std::log10(std::max(G, 1.0) / 5.0)));
    const double tick = G / step > 10 ? (G / step > 25 ? 5 * step : 2 * step) : step;
    for (double x = 0.0; x <= G * (1 + 1e-9); x += tick)
        s += "<text x=\"" + fixed(SX(x), 1) + "\" y=\"" + num(top + ch + 18) + "\" font-size=\"11\" text-anchor=\"middle\">" +
             fixed(x, x < 10 ? 1 : 0) + "</text>";
    s += "<text x=\"" + num(left + pw / 2) + "\" y=\"" + num(top + ch + 36) + "\" font-size=\"12\" text-anchor=\"middle\">" +
         esc("距排污口 distance below the outfall (m)") + "</text>";
    s += "<text x=\"14\" y=\"" + num(top + ch / 2) + "\" font-size=\"12\" transform=\"rotate(-90 14 " + num(top + ch / 2) +
         ")\" text-anchor=\"middle\">" + esc("横向 across, B = " + fixed(B, 0) + " m") + "</text>";
    return s + "</svg>";
}

std::string legend() {
    std::string s = "<div class=\"legend\">";
    for (double r : {0.25, 0.5, 0.8, 1.0, 1.5, 3.0})
        s += "<span><i style=\"background:" + ratio_colour(r) + "\"></i>C/C<sub>s</sub> " + fixed(r, 2) + "</span>";
    s += "<span>" + bi("实线 COD、虚线 NH3-N、点线 TP：超过目标类别限值的混合区边界", "solid COD, dashed NH3-N, dotted TP: edge of the zone above the target-class limit") + "</span>";
    return s + "</div>";
}

}  // namespace

std::string mixing_section_html(const MixingSection& s) {
    std::string h = "<section class=\"part\" id=\"mixing\"><h2>" + bi("八、排污口混合区（排污口设置论证）", "8. Outfall mixing zones") + "</h2>";
    h += "<p class=\"note\">" +
         bi("二维稳态混合模式（HJ 2.3-2018）：C(x,y) = C_h·e^{−kx/u} + m·e^{−kx/u}/(h√(4πE_y·u·x))·Σ[两岸镜像]，"
            "m = W − Q_p·C_h；E_y = α·h·u*，u* = √(g·h·S)；混合过程段长度 L_m = {0.11 + 0.7[0.5 − a/B − 1.1(0.5 − a/B)²]^½}·uB²/E_y；"
            "完全混合距离：断面各点与断面平均浓度之差不超过 5%。混合区：浓度超过河段目标类别（下游第一个断面）GB 3838-2002 限值的范围。"
            "背景浓度 C_h 取一维模型在排污口处（不计该排污口）的浓度。情景：" + (s.scenario_name.empty() ? s.scenario : s.scenario_name) + "。",
            "Steady two-dimensional mixing (HJ 2.3-2018): C(x,y) = C_h·e^{−kx/u} + m·e^{−kx/u}/(h√(4πE_y·u·x))·Σ[images in both "
            "banks], m = W − Q_p·C_h; E_y = α·h·u*, u* = √(g·h·S); mixing length L_m = {0.11 + 0.7[0.5 − a/B − 1.1(0.5 − a/B)²]^½}·uB²/E_y; "
            "complete mixing where every point is within 5 % of the section mean. Mixing zone: where the concentration exceeds the "
            "GB 3838-2002 limit of the reach's target class (first section downstream). Background C_h: the one-dimensional model at the "
            "outfall without it. Scenario: " + s.scenario + ".") +
         "</p>";
    // summary of every outfall
    h += "<table><tr><th>" + bi("排污口", "Outfall") + "</th><th>" + bi("河段", "Reach") + "</th><th>" + bi("排放方式", "Discharge") +
         "</th><th>Q<sub>h</sub> m³/s</th><th>Q<sub>p</sub> m³/s</th><th>u m/s</th><th>B m</th><th>h m</th><th>S</th><th>α</th><th>E<sub>y</sub> m²/s</th><th>L<sub>m</sub> " +
         bi("(导则) m", "(HJ) m") + "</th><th>" + bi("完全混合距离 m", "complete mixing m") + "</th><th>" + bi("目标", "Target") +
         "</th><th>" + bi("最长混合区 m", "longest zone m") + "</th></tr>";
    for (const auto& o : s.result.outfalls) {
        double longest = 0.0;
        for (const auto& p : o.params) longest = std::max(longest, p.zone.exists ? p.zone.length_m : 0.0);
        h += "<tr><td><a href=\"#mix-" + esc(o.source_id) + "\">" + esc(o.name.empty() ? o.source_id : o.name) + "</a> (" + esc(o.source_id) +
             ")</td><td>" + esc(o.reach_id) + " " + fixed(o.position_m / 1000.0, 2) + " km</td><td>" +
             (o.discharge == mixing::Discharge::Bank ? bi("岸边", "bank") : bi("江心", "mid-channel")) + " " +
             (o.bank == mixing::Bank::Left ? bi("左岸", "left") : bi("右岸", "right")) + "</td><td class=\"n\">" + fixed(o.river_flow_m3s, 2) +
             "</td><td class=\"n\">" + fixed(o.effluent_flow_m3s, 3) + "</td><td class=\"n\">" + fixed(o.channel.velocity_ms, 3) +
             "</td><td class=\"n\">" + fixed(o.channel.width_m, 1) + (o.channel.width_origin == mixing::Origin::Default ? "*" : "") +
             "</td><td class=\"n\">" + fixed(o.channel.depth_m, 2) + "</td><td class=\"n\">" + sig3(o.channel.slope) +
             (o.channel.slope_origin == mixing::Origin::Default ? "*" : "") + "</td><td class=\"n\">" + num(o.channel.alpha) +
             "</td><td class=\"n\">" + sig3(o.channel.ey_m2s) + "</td><td class=\"n\">" + fixed(o.mixing_length_hj_m, 0) +
             "</td><td class=\"n\">" + (std::isfinite(o.mixing_distance_m) ? fixed(o.mixing_distance_m, 0) : bi("超出河段", "beyond the reach")) +
             "</td><td>" + (o.target_class > 0 ? esc(reaches::class_roman(o.target_class)) : "-") + "</td><td class=\"n\">" + fixed(longest, 0) +
             "</td></tr>";
    }
    h += "</table><p class=\"note\">" + bi("* 缺省值（河宽按 Lacey 公式 4.75√Q，坡降按曼宁公式 n = 0.030 反算）；请在 mixing 表中给出实测值。",
                                           "* default (width by Lacey's 4.75√Q, slope from Manning with n = 0.030); give measured values in the mixing table.") +
         "</p>";
    for (const auto& n : s.result.notes) h += "<p class=\"note\">" + esc(n) + "</p>";
    h += legend();
    for (const auto& o : s.result.outfalls) {
        h += "<h3 id=\"mix-" + esc(o.source_id) + "\">" + esc(o.name.empty() ? o.source_id : o.name) + " (" + esc(o.source_id) + ") — " +
             bi("河段 ", "reach ") + esc(o.reach_id) + "</h3>" + plume_svg(o);
        h += "<table><tr><th>" + bi("指标", "Parameter") + "</th><th>" + bi("限值", "Limit") + " mg/L</th><th>" + bi("背景", "Background") +
             " mg/L</th><th>" + bi("排放", "Effluent") + " mg/L</th><th>" + bi("完全混合", "Mixed") + " mg/L</th><th>" +
             bi("混合区长度 m", "Zone length m") + "</th><th>" + bi("最大宽度 m", "Max width m") + "</th><th>" + bi("面积 m²", "Area m²") +
             "</th><th>" + bi("到达", "Reaches") + "</th></tr>";
        for (const auto& p : o.params) {
            const auto c = kConstituents[p.constituent];
            const auto& z = p.zone;
            std::string reach_zh = reached_text(p.reached, true), reach_en = reached_text(p.reached, false);
            if (z.background_exceeds) {
                reach_zh = "背景浓度已超标; " + reach_zh;
                reach_en = "background already above the limit; " + reach_en;
            }
            h += "<tr class=\"" + std::string(p.reached.empty() ? "pass" : "fail") + "\"><td>" + bi(std::string(label_zh(c)), std::string(label_en(c))) +
                 "</td><td class=\"n\">" + fixed(p.limit_mgL, variable(c).conc_digits) + "</td><td class=\"n\">" +
                 fixed(p.background_mgL, variable(c).conc_digits + (variable(c).conc_digits < 3 ? 1 : 0)) + "</td><td class=\"n\">" + fixed(p.effluent_mgL, 2) +
                 "</td><td class=\"n\">" + fixed(p.mixed_mgL, variable(c).conc_digits + (variable(c).conc_digits < 3 ? 1 : 0)) + "</td><td class=\"n\">" +
                 (z.exists ? fixed(z.length_m, 1) + (z.open_at_end ? "+" : "") : "0") + "</td><td class=\"n\">" + (z.exists ? fixed(z.max_width_m, 1) : "0") +
                 "</td><td class=\"n\">" + (z.exists ? fixed(z.area_m2, 0) : "0") + "</td><td>" + bi(reach_zh, reach_en) + "</td></tr>";
        }
        h += "</table>";
        for (const auto& n : o.notes) h += "<p class=\"note\">" + esc(n) + "</p>";
    }
    return h + "</section>\n";
}

}  // namespace qingliu::report
