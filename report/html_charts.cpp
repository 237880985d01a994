// The report's inline SVG charts: longitudinal profiles with class bands, apportionment bars, the network map.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/montecarlo.hpp"
#include "report/names.hpp"

namespace qingliu::report::html {

namespace {

// The opening tag of a chart: its class, its view box, the name of its downloads (`file`) and the titles written above
// it in its downloads.
std::string svg_open(const std::string& cls, const std::string& width, const std::string& height, const std::string& file,
                     const std::string& title_zh, const std::string& title_en) {
    return "<svg class=\"chart " + cls + "\" viewBox=\"0 0 " + width + " " + height +
           "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" data-file=\"" + esc(file) + "\" data-title-zh=\"" + esc(title_zh) +
           "\" data-title-en=\"" + esc(title_en) + "\">";
}

// ------------------------------------------------------------------------------------------------ profile charts

// The frame of a profile chart: the plot area inside the margins and the scales of river km and mg/L.
struct ProfileFrame {
    static constexpr double W = 720, H = 296, ml = 58, mr = 44, mt = 42, mb = 42;
    static constexpr double pw = W - ml - mr, ph = H - mt - mb;
    double xmax = 1e-3, ymax = 0.0;
    double X(double x) const { return ml + pw * x / xmax; }
    double Y(double y) const { return mt + ph * (1.0 - std::min(y, ymax) / ymax); }
};

// A Monte Carlo 5-95 % band at a section, for one scenario that has them (report/montecarlo.hpp).
struct Band {
    std::size_t scen;
    double x;
    const MonteCarloRow* row;
};

std::vector<Band> profile_bands(const ReportData& d, const std::vector<std::pair<double, const SectionResult*>>& secs) {
    std::vector<Band> bands;
    if (d.montecarlo)
        for (std::size_t i = 0; i < d.scenarios.size(); ++i)
            for (const auto& [x, s] : secs)
                for (const auto& r : d.montecarlo->rows)
                    if (r.scenario == d.scenarios[i].id && r.section_id == s->id) bands.push_back({i, x, &r});
    return bands;
}

// Class bands (GB 3838-2002 limits) behind the plot, with their numerals at the right.
std::string profile_class_bands(const ProfileFrame& f, const ReportData& d, int k) {
    std::string o;
    double lo = 0.0;
    for (int c = 1; c <= 6; ++c) {
        const double hi = c <= 5 ? limit_of(d, k, c) : f.ymax;
        if (hi > lo && lo < f.ymax) {
            const double y0 = f.Y(std::min(hi, f.ymax)), y1 = f.Y(lo);
            o += "<rect x=\"" + fixed(f.ml, 1) + "\" y=\"" + fixed(y0, 1) + "\" width=\"" + fixed(f.pw, 1) + "\" height=\"" +
                 fixed(y1 - y0, 1) + "\" fill=\"" + class_colour(c) + "\" fill-opacity=\"0.17\"><title>" +
                 esc(reaches::class_label_zh(c) + " " + reaches::class_label_en(c)) + "</title></rect>";
            if (y1 - y0 > 11)
                o += "<text class=\"band\" x=\"" + fixed(f.W - f.mr + 4, 1) + "\" y=\"" + fixed((y0 + y1) / 2 + 4, 1) + "\" fill=\"" +
                     class_colour(c) + "\">" + esc(reaches::class_roman(c)) + "</text>";
        }
        lo = hi;
    }
    return o;
}

// Grid, ticks, frame and axis titles.
std::string profile_axes(const ProfileFrame& f, int k) {
    std::string o;
    const double ys = nice_step(f.ymax, 5), xs = nice_step(f.xmax, 8);
    for (double y = 0.0; y <= f.ymax + 1e-12; y += ys)
        o += "<line class=\"grid\" x1=\"" + fixed(f.ml, 1) + "\" x2=\"" + fixed(f.ml + f.pw, 1) + "\" y1=\"" + fixed(f.Y(y), 1) + "\" y2=\"" +
             fixed(f.Y(y), 1) + "\"/><text class=\"tick\" x=\"" + fixed(f.ml - 5, 1) + "\" y=\"" + fixed(f.Y(y) + 4, 1) +
             "\" text-anchor=\"end\">" + tick_text(y, ys) + "</text>";
    for (double x = 0.0; x <= f.xmax + 1e-9; x += xs)
        o += "<text class=\"tick\" x=\"" + fixed(f.X(x), 1) + "\" y=\"" + fixed(f.mt + f.ph + 15, 1) + "\" text-anchor=\"middle\">" +
             tick_text(x, xs) + "</text>";
    o += "<rect class=\"frame\" x=\"" + fixed(f.ml, 1) + "\" y=\"" + fixed(f.mt, 1) + "\" width=\"" + fixed(f.pw, 1) + "\" height=\"" +
         fixed(f.ph, 1) + "\"/>";
    o += "<text class=\"axis\" x=\"" + fixed(f.ml + f.pw / 2, 1) + "\" y=\"" + fixed(f.H - 6, 1) +
         "\" text-anchor=\"middle\"><tspan class=\"zh\">距河源 km</tspan><tspan class=\"en\">distance from source, km</tspan></text>";
    o += "<text class=\"axis\" x=\"12\" y=\"" + fixed(f.mt + f.ph / 2, 1) + "\" text-anchor=\"middle\" transform=\"rotate(-90 12 " +
         fixed(f.mt + f.ph / 2, 1) + ")\">" + std::string(label_en(kConstituents[k])) + " mg/L</text>";
    return o;
}

// Sections: a dashed line, the name above the plot, the target limit as a short red bar and the value as a dot.
std::string profile_sections(const ProfileFrame& f, const ReportData& d, int k,
                             const std::vector<std::pair<double, const SectionResult*>>& secs) {
    // labels centred on their line but kept inside the chart, on two rows so that neighbours do not overlap (a label
    // that fits neither row goes to the emptier one)
    std::vector<std::size_t> by_x(secs.size());
    for (std::size_t i = 0; i < secs.size(); ++i) by_x[i] = i;
    std::stable_sort(by_x.begin(), by_x.end(), [&](std::size_t a, std::size_t b) { return secs[a].first < secs[b].first; });
    std::array<double, 2> row_end{-1e9, -1e9};
    std::vector<std::string> labels(secs.size());
    for (std::size_t i : by_x) {
        const auto& [x, s] = secs[i];
        double w = 0.0;
        const std::string t = label_tspans(s->name, english_or(s->name_en, s->name), 11.0, &w);
        const double left = std::clamp(f.X(x) - w / 2, 2.0, f.W - 2.0 - w);
        const int row = left >= row_end[0] + 4 ? 0 : left >= row_end[1] + 4 ? 1 : row_end[0] <= row_end[1] ? 0 : 1;
        row_end[row] = left + w;
        labels[i] = "<text class=\"seclabel\" x=\"" + fixed(left, 1) + "\" y=\"" + fixed(row == 0 ? f.mt - 22 : f.mt - 7, 1) + "\">" + t + "</text>";
    }
    std::string o;
    for (std::size_t i = 0; i < secs.size(); ++i) {
        const auto& [x, s] = secs[i];
        o += "<line class=\"secline\" x1=\"" + fixed(f.X(x), 1) + "\" x2=\"" + fixed(f.X(x), 1) + "\" y1=\"" + fixed(f.mt, 1) + "\" y2=\"" +
             fixed(f.mt + f.ph, 1) + "\"/>";
        o += labels[i];
        const double lim = limit_of(d, k, s->target_class);
        if (lim < f.ymax)
            o += "<line class=\"target\" x1=\"" + fixed(f.X(x) - 9, 1) + "\" x2=\"" + fixed(f.X(x) + 9, 1) + "\" y1=\"" + fixed(f.Y(lim), 1) +
                 "\" y2=\"" + fixed(f.Y(lim), 1) + "\"><title>" + esc("目标 target " + reaches::class_roman(s->target_class) + " " +
                                                                       fixed(lim, conc_digits(k)) + " mg/L") + "</title></line>";
        o += "<circle cx=\"" + fixed(f.X(x), 1) + "\" cy=\"" + fixed(f.Y(s->conc_mgL[k]), 1) + "\" r=\"5\" fill=\"" +
             class_colour(s->cls[k]) + "\" stroke=\"#222\"><title>" +
             esc(s->name + ": " + fixed(s->conc_mgL[k], conc_digits(k)) + " mg/L, " + reaches::class_label_zh(s->cls[k])) +
             "</title></circle>";
    }
    return o;
}

// The bands: a bar from the 5 % to the 95 % quantile in the scenario's colour beside the section's dot (left of it
// near the right end); the page's script sets them side by side, 7 px apart, for the scenarios shown (data-side is
// the direction). The exact values in data-p5 / data-p95 (mg/L). Then the chart's own legend entry (kept when the
// chart is downloaded alone).
std::string profile_bands_svg(const ProfileFrame& f, const ReportData& d, int k, const std::vector<Band>& bands) {
    std::string o;
    for (const auto& b : bands) {
        const int side = f.X(b.x) > f.ml + f.pw - 40.0 ? -1 : 1;
        const double cx = f.X(b.x);
        const double y5 = f.Y(b.row->p5_mgL[k]), y95 = f.Y(b.row->p95_mgL[k]);
        const std::string col = scen_colour(b.scen);
        o += "<g class=\"mcband\" data-scen=\"" + esc(d.scenarios[b.scen].id) + "\" data-section=\"" + esc(b.row->section_id) +
             "\" data-p5=\"" + num(b.row->p5_mgL[k]) + "\" data-p95=\"" + num(b.row->p95_mgL[k]) + "\" data-side=\"" + std::to_string(side) +
             "\" transform=\"translate(" + std::to_string(9 * side) + ",0)\"><title>" +
             esc(scen_name_zh(d.scenarios[b.scen]) + " / " + scen_name_en(d.scenarios[b.scen]) + " — " + b.row->name + ": 5–95 % " +
                 fixed(b.row->p5_mgL[k], conc_digits(k)) + "–" + fixed(b.row->p95_mgL[k], conc_digits(k)) + " mg/L (蒙特卡洛 Monte Carlo)") +
             "</title><rect x=\"" + fixed(cx - 3.0, 1) + "\" y=\"" + fixed(y95, 1) + "\" width=\"6\" height=\"" +
             fixed(std::max(y5 - y95, 0.5), 1) + "\" fill=\"" + col + "\" fill-opacity=\"0.28\"/><line x1=\"" + fixed(cx, 1) + "\" x2=\"" +
             fixed(cx, 1) + "\" y1=\"" + fixed(y95, 1) + "\" y2=\"" + fixed(y5, 1) + "\" stroke=\"" + col + "\"/><line x1=\"" +
             fixed(cx - 4.0, 1) + "\" x2=\"" + fixed(cx + 4.0, 1) + "\" y1=\"" + fixed(y95, 1) + "\" y2=\"" + fixed(y95, 1) + "\" stroke=\"" +
             col + "\"/><line x1=\"" + fixed(cx - 4.0, 1) + "\" x2=\"" + fixed(cx + 4.0, 1) + "\" y1=\"" + fixed(y5, 1) + "\" y2=\"" +
             fixed(y5, 1) + "\" stroke=\"" + col + "\"/></g>";
    }
    if (!bands.empty()) {
        const double W = f.W, H = f.H, mr = f.mr;
        o += "<g class=\"mclegend\"><rect x=\"" + fixed(W - mr - 198, 1) + "\" y=\"" + fixed(H - 16, 1) +
             "\" width=\"6\" height=\"12\" fill=\"#111\" fill-opacity=\"0.28\"/><path d=\"M" + fixed(W - mr - 199, 1) + " " +
             fixed(H - 16, 1) + "h8M" + fixed(W - mr - 195, 1) + " " + fixed(H - 16, 1) + "v12M" + fixed(W - mr - 199, 1) + " " +
             fixed(H - 4, 1) + "h8\" stroke=\"#111\" fill=\"none\"/><text class=\"tick\" x=\"" + fixed(W - mr - 186, 1) + "\" y=\"" +
             fixed(H - 6, 1) + "\"><tspan class=\"zh\">蒙特卡洛 5–95 % 区间</tspan><tspan class=\"en\">Monte Carlo 5–95 % band</tspan></text></g>";
    }
    return o;
}

// One line per scenario.
std::string profile_lines(const ProfileFrame& f, const ReportData& d, const std::vector<Series>& series) {
    std::string o;
    for (std::size_t i = 0; i < series.size(); ++i) {
        if (series[i].xy.empty()) continue;
        std::string p;
        for (std::size_t j = 0; j < series[i].xy.size(); ++j)
            p += (j ? "L" : "M") + fixed(f.X(series[i].xy[j].first), 1) + " " + fixed(f.Y(series[i].xy[j].second), 1);
        o += "<path class=\"series\" data-scen=\"" + esc(d.scenarios[i].id) + "\" data-name-zh=\"" + esc(scen_name_zh(d.scenarios[i])) +
             "\" data-name-en=\"" + esc(scen_name_en(d.scenarios[i])) + "\" d=\"" + p + "\" stroke=\"" + scen_colour(i) + "\"" +
             (i == 0 ? " stroke-width=\"2.6\"" : "") +
             (*scen_dash(i) ? std::string(" stroke-dasharray=\"") + scen_dash(i) + "\"" : std::string()) + "><title>" +
             esc(scen_name_zh(d.scenarios[i]) + " " + scen_name_en(d.scenarios[i])) + "</title></path>";
    }
    return o;
}

}  // namespace

std::string profile_chart(const RiverAxis& ax, int k, const ReportData& d, const std::vector<Series>& series,
                          const std::vector<std::pair<double, const SectionResult*>>& secs) {
    ProfileFrame f;
    for (const auto& s : series)
        for (auto [x, y] : s.xy) f.ymax = std::max(f.ymax, y);
    for (const auto& [x, s] : secs) f.ymax = std::max(f.ymax, s->conc_mgL[k]);
    const std::vector<Band> bands = profile_bands(d, secs);
    for (const auto& b : bands) f.ymax = std::max(f.ymax, b.row->p95_mgL[k]);
    f.ymax = std::max(f.ymax * 1.12, limit_of(d, k, 3) * 1.15);
    f.xmax = std::max(ax.length_km, 1e-3);
    const std::string pk(key(kConstituents[k])), river_en = english_or(ax.reaches.empty() ? "" : d.network[ax.reaches.front()].river_en, ax.river);
    return svg_open("profile", num(f.W), num(f.H), "profile_" + ax.river + "_" + pk,
                    ax.river + " " + std::string(label_zh(kConstituents[k])) + " " + std::string(label_en(kConstituents[k])) + " mg/L",
                    river_en + ": " + std::string(label_en(kConstituents[k])) + ", mg/L") +
           profile_class_bands(f, d, k) + profile_axes(f, k) + profile_sections(f, d, k, secs) + profile_bands_svg(f, d, k, bands) +
           profile_lines(f, d, series) + "</svg>";
}


// ------------------------------------------------------------------------------------------ apportionment charts

std::string apportion_chart(const SectionApportionment& a, const std::string& file, const std::string& title_zh,
                            const std::string& title_en) {
    const double W = 720, barh = 20, gap = 10, ml = 64, mr = 130, mt = 6;
    const double H = mt + 3 * (barh + gap) + 4, pw = W - ml - mr;
    std::string o = svg_open("apportion", num(W), num(H), file, title_zh, title_en);
    for (int k = 0; k < kNumConstituents; ++k) {
        const double y = mt + k * (barh + gap);
        o += "<text class=\"tick\" x=\"" + fixed(ml - 6, 1) + "\" y=\"" + fixed(y + barh * 0.7, 1) + "\" text-anchor=\"end\">" +
             std::string(label_en(kConstituents[k])) + "</text>";
        double sum = 0.0;
        for (const auto& c : a.by_type) sum += std::max(c.conc_mgL[k], 0.0);
        double x = ml;
        for (const auto& c : a.by_type) {
            const double v = std::max(c.conc_mgL[k], 0.0);
            if (!(sum > 0.0) || v <= 0.0) continue;
            const double w = pw * v / sum;
            o += "<path d=\"M" + fixed(x, 2) + " " + fixed(y, 1) + "h" + fixed(w, 2) + "v" + fixed(barh, 1) + "h" + fixed(-w, 2) +
                 "Z\" fill=\"" + type_colour(c.key) + "\"><title>" +
                 esc(c.label + " " + c.label_en + ": " + fixed(v, conc_digits(k)) + " mg/L (" + fixed(100.0 * v / sum, 1) + "%)") +
                 "</title></path>";
            if (w > 34)
                o += "<text class=\"inbar\" x=\"" + fixed(x + w / 2, 1) + "\" y=\"" + fixed(y + barh * 0.7, 1) +
                     "\" text-anchor=\"middle\">" + fixed(100.0 * v / sum, 0) + "%</text>";
            x += w;
        }
        o += "<text class=\"tick\" x=\"" + fixed(ml + pw + 6, 1) + "\" y=\"" + fixed(y + barh * 0.7, 1) + "\">" +
             fixed(a.total_mgL[k], conc_digits(k)) + " mg/L</text>";
    }
    return o + "</svg>";
}

// ------------------------------------------------------------------------------------------------------- map

std::string crs_name(const std::string& wkt) {
    const auto q0 = wkt.find('"');
    if (q0 == std::string::npos) return "";
    const auto q1 = wkt.find('"', q0 + 1);
    return q1 == std::string::npos ? "" : wkt.substr(q0 + 1, q1 - q0 - 1);
}

// Scale bar (bottom left), north arrow (top right, real geometry only) and the coordinate frame named (bottom).
// Drawing units: km (schematic), metres (projected CRS) or degrees of latitude (geographic, x scaled by cos(lat0)
// so that one unit is one degree of latitude = 111.195 km on the sphere of mean radius 6371.0088 km).
std::string map_furniture(const Layout& L, double W, double H, double pad, double px_per_unit) {
    const double km_per_unit = L.schematic ? 1.0 : L.geographic ? 6371.0088 * 3.14159265358979 / 180.0 : 0.001;
    const double px_per_km = px_per_unit / km_per_unit;
    std::string o;
    if (px_per_km > 0.0 && std::isfinite(px_per_km)) {
        // the longest 1-2-5 length that fits in a fifth of the map width
        const double want_km = 0.2 * (W - 2 * pad) / px_per_km;
        double len = std::pow(10.0, std::floor(std::log10(want_km)));
        for (double f : {5.0, 2.0, 1.0})
            if (f * len <= want_km) {
                len *= f;
                break;
            }
        const double bw = len * px_per_km, bx = pad, by = H - 22;
        const std::string lab = len >= 1.0 ? fixed(len, 0) + " km" : fixed(len * 1000.0, 0) + " m";
        o += "<g class=\"scalebar\"><path d=\"M" + fixed(bx, 1) + " " + fixed(by - 5, 1) + "v5h" + fixed(bw, 1) + "v-5\" fill=\"none\" "
             "stroke=\"#222\" stroke-width=\"1.5\"/><text class=\"tick\" x=\"" + fixed(bx, 1) + "\" y=\"" + fixed(by - 8, 1) +
             "\">0</text><text class=\"tick\" x=\"" + fixed(bx + bw, 1) + "\" y=\"" + fixed(by - 8, 1) + "\" text-anchor=\"middle\">" + lab +
             "</text></g>";
    }
    if (!L.schematic) {  // north is up in both geographic and projected frames as drawn
        const double nx = W - 30, ny = 18;
        o += "<g class=\"north\"><path d=\"M" + fixed(nx, 1) + " " + fixed(ny, 1) + "l8 24l-8 -6l-8 6Z\" fill=\"#222\"/>"
             "<text class=\"tick\" x=\"" + fixed(nx, 1) + "\" y=\"" + fixed(ny + 38, 1) + "\" text-anchor=\"middle\">N 北</text></g>";
    }
    std::string crs;
    if (L.schematic) crs = "示意图（km，非地理坐标，无方位） schematic frame in km, not geographic, no north";
    else {
        std::string name = crs_name(L.srs_wkt);
        if (name.empty()) name = L.geographic ? "经纬度 longitude/latitude (CRS not named)" : "CRS not named";
        crs = "坐标系 CRS: " + name + (L.geographic ? "（经纬度，绘图按 cos φ 缩放经度 longitude scaled by cos φ）" : "");
    }
    o += "<text class=\"crs\" x=\"" + fixed(W - 10, 1) + "\" y=\"" + fixed(H - 8, 1) + "\" text-anchor=\"end\">" + esc(crs) + "</text>";
    return o;
}

std::string map_svg(const ReportData& d, const Layout& L, const Scenario& s) {
    const auto& net = d.network;
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300, lat0 = 0.0, nlat = 0.0;
    for (const auto& l : L.reach_lines)
        for (const auto& p : l) {
            lat0 += p.y;
            nlat += 1;
        }
    const double kx = L.geographic && nlat > 0 ? std::cos(lat0 / nlat * 3.14159265358979 / 180.0) : 1.0;
    auto fx = [&](XY p) { return p.x * kx; };
    for (const auto& l : L.reach_lines)
        for (const auto& p : l) {
            x0 = std::min(x0, fx(p)); x1 = std::max(x1, fx(p));
            y0 = std::min(y0, p.y); y1 = std::max(y1, p.y);
        }
    if (!(x1 >= x0)) return "";
    const double W = 900, pad = 50, label_room = 150;  // section names are written to the right of their dots
    const double span = std::max({x1 - x0, y1 - y0, 1e-9});
    const double scale = (W - 2 * pad - label_room) / span;
    const double H = std::max(260.0, std::min(900.0, (y1 - y0) * scale + 2 * pad));
    const double cx = (W - label_room - (x1 - x0) * scale) / 2, cy = (H - (y1 - y0) * scale) / 2;
    auto SX = [&](XY p) { return cx + (fx(p) - x0) * scale; };
    auto SY = [&](XY p) { return H - cy - (p.y - y0) * scale; };
    std::unordered_map<std::string, const ReachResult*> res;
    double qmax = 0.0;
    for (const auto& r : s.reaches) {
        res.emplace(r.id, &r);
        qmax = std::max(qmax, r.flow_m3s);
    }
    std::string o = svg_open("map", num(W), fixed(H, 0), "map_" + s.id, d.case_name + " " + scen_name_zh(s),
                             english_or(d.case_name_en, d.case_name) + ": " + scen_name_en(s)) +
                    "<rect class=\"mapbg\" x=\"0\" y=\"0\" width=\"" + num(W) + "\" height=\"" + fixed(H, 0) + "\"/>";
    for (std::size_t r = 0; r < net.size() && r < L.reach_lines.size(); ++r) {
        const auto& line = L.reach_lines[r];
        if (line.size() < 2) continue;
        auto it = res.find(net[r].id);
        const int cls = it != res.end() && !it->second->dry ? reach_class(d.classes, it->second->conc_mgL) : 0;
        const double q = it != res.end() ? it->second->flow_m3s : 0.0;
        const double w = 2.5 + (qmax > 0.0 ? 5.0 * std::log1p(q) / std::log1p(qmax) : 0.0);
        std::string p;
        for (std::size_t j = 0; j < line.size(); ++j) p += (j ? "L" : "M") + fixed(SX(line[j]), 1) + " " + fixed(SY(line[j]), 1);
        std::string tip = net[r].id + " " + net[r].name + " (" + net[r].river + ")";
        if (it != res.end())
            tip += ": Q " + fixed(q, 2) + " m3/s, " +
                   join_each([&](int k) { return std::string(label_en(kConstituents[k])) + " " + fixed(it->second->conc_mgL[k], conc_digits(k)); },
                             ", ") +
                   " mg/L, " +
                   reaches::class_label_zh(cls) + " " + reaches::class_label_en(cls);
        o += "<path class=\"reach\" d=\"" + p + "\" stroke=\"" + class_colour(cls) + "\" stroke-width=\"" + fixed(w, 1) + "\"><title>" +
             esc(tip) + "</title></path>";
    }
    // Boxes already taken on the map (px): river names, section dots, the north arrow and the bottom strip of the scale
    // bar and the coordinate frame. Section names are placed so as not to overlap them (below).
    struct Box {
        double x0, y0, x1, y1;
        bool overlaps(const Box& b) const { return x0 < b.x1 && b.x0 < x1 && y0 < b.y1 && b.y0 < y1; }
    };
    std::vector<Box> taken{{0.0, H - 34.0, W, H}};
    if (!L.schematic) taken.push_back({W - 42.0, 14.0, W - 18.0, 60.0});
    // river names at the middle of each river's middle reach
    for (const auto& ax : river_axes(net)) {
        const auto r = ax.reaches[ax.reaches.size() / 2];
        if (L.reach_lines[r].size() < 2) continue;
        const XY m = point_along(L.reach_lines[r], 0.5);
        double w = 0.0;
        const std::string t = label_tspans(ax.river, english_or(net[ax.reaches.front()].river_en, ax.river), 12.0, &w);
        const double x = std::clamp(SX(m) + 6, 2.0, W - 2.0 - w);
        o += "<text class=\"river\" x=\"" + fixed(x, 1) + "\" y=\"" + fixed(SY(m) + 16, 1) + "\">" + t + "</text>";
        taken.push_back({x, SY(m) + 16 - 12.0, x + w, SY(m) + 16 + 3.0});
    }
    for (std::size_t k = 0; k < s.sections.size() && k < L.section_points.size(); ++k) {
        const XY p = L.section_points[k];
        taken.push_back({SX(p) - 8.0, SY(p) - 8.0, SX(p) + 8.0, SY(p) + 8.0});
    }
    for (std::size_t k = 0; k < s.sections.size() && k < L.section_points.size(); ++k) {
        const auto& x = s.sections[k];
        const XY p = L.section_points[k];
        o += "<g class=\"sec\"><circle cx=\"" + fixed(SX(p), 1) + "\" cy=\"" + fixed(SY(p), 1) + "\" r=\"7\" fill=\"" +
             class_colour(x.overall) + "\" stroke=\"" + (x.meets ? "#222" : "#b00020") + "\" stroke-width=\"" + (x.meets ? "1.5" : "3") +
             "\"><title>" +
             esc(x.name + " " + x.name_en + ": " + reaches::class_label_zh(x.overall) + " / 目标 target " +
                 reaches::class_roman(x.target_class) + (x.meets ? " 达标 meets" : " 未达标 misses")) +
             "</title></circle>";
        // The name right of the dot and a little above it, or left of it where it would leave the map; where that
        // box (11 px text: baseline - 11 to baseline + 3) overlaps a box already taken, the first free one of: left
        // above, right or left below, right or left higher, right or left lower; if none is free, the first choice.
        double w = 0.0;
        const std::string t = label_tspans(x.name, english_or(x.name_en, x.name), 11.0, &w);
        auto box_of = [&](bool right, double dy) {
            const double bx = right ? SX(p) + 10 : SX(p) - 10, by = SY(p) + dy;
            return right ? Box{bx, by - 11.0, bx + w, by + 3.0} : Box{bx - w, by - 11.0, bx, by + 3.0};
        };
        auto inside = [&](const Box& b) { return b.x0 >= 2.0 && b.x1 <= W - 2.0 && b.y0 >= 0.0 && b.y1 <= H; };
        bool right = SX(p) + 10 + w <= W - 2;
        double dy = -8.0;
        bool placed = false;
        for (double cdy : {-8.0, 16.0, -22.0, 30.0}) {
            for (bool cr : {true, false}) {
                const Box b = box_of(cr, cdy);
                if (!inside(b) || std::any_of(taken.begin(), taken.end(), [&](const Box& t2) { return b.overlaps(t2); }))
                    continue;
                right = cr;
                dy = cdy;
                placed = true;
                break;
            }
            if (placed) break;
        }
        taken.push_back(box_of(right, dy));
        o += "<text class=\"seclabel\" x=\"" + fixed(right ? SX(p) + 10 : SX(p) - 10, 1) + "\" y=\"" + fixed(SY(p) + dy, 1) + "\"" +
             (right ? "" : " text-anchor=\"end\"") + ">" + t + "</text></g>";
    }
    o += map_furniture(L, W, H, pad, scale);
    return o + "</svg>";
}

std::string class_legend() {
    std::string o = "<div class=\"legend\">";
    for (int c = 1; c <= 6; ++c)
        o += "<span><i style=\"background:" + std::string(class_colour(c)) + "\"></i>" + class_bi(c) + "</span>";
    return o + "</div>";
}

}  // namespace qingliu::report::html
