#include "report/layout.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace qingliu::report {

namespace {

constexpr double kPi = 3.14159265358979323846;

XY rotate(XY v, double deg) {
    const double a = deg * kPi / 180.0;
    return {v.x * std::cos(a) - v.y * std::sin(a), v.x * std::sin(a) + v.y * std::cos(a)};
}

XY unit(XY v) {
    const double n = std::hypot(v.x, v.y);
    return n > 0.0 ? XY{v.x / n, v.y / n} : XY{1.0, 0.0};
}

/// Direction of a polyline at a fraction of its length (downstream).
XY direction_at(const std::vector<XY>& line, double fraction) {
    const double total = polyline_length(line);
    double target = std::clamp(fraction, 0.0, 1.0) * total, run = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double seg = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        if (run + seg >= target || i + 1 == line.size()) return unit({line[i].x - line[i - 1].x, line[i].y - line[i - 1].y});
        run += seg;
    }
    return {1.0, 0.0};
}

/// The part of a polyline between two fractions of its length, with the vertices in between.
std::vector<XY> sub_line(const std::vector<XY>& line, double f0, double f1) {
    std::vector<XY> out{point_along(line, f0)};
    const double total = polyline_length(line);
    double run = 0.0;
    for (std::size_t i = 1; i + 1 < line.size(); ++i) {
        run += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        const double f = total > 0.0 ? run / total : 0.0;
        if (f > f0 && f < f1) out.push_back(line[i]);
    }
    out.push_back(point_along(line, f1));
    return out;
}

}  // namespace

double polyline_length(const std::vector<XY>& line) {
    double s = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) s += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    return s;
}

XY point_along(const std::vector<XY>& line, double fraction) {
    if (line.empty()) return {};
    if (line.size() == 1) return line.front();
    const double total = polyline_length(line);
    const double target = std::clamp(fraction, 0.0, 1.0) * total;
    double run = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double seg = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        if (run + seg >= target && seg > 0.0) {
            const double t = (target - run) / seg;
            return {line[i - 1].x + t * (line[i].x - line[i - 1].x), line[i - 1].y + t * (line[i].y - line[i - 1].y)};
        }
        run += seg;
    }
    return line.back();
}

Layout make_layout(const ReportData& d) {
    Layout L;
    const auto& net = d.network;
    std::unordered_map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < net.size(); ++i) index.emplace(net[i].id, static_cast<std::int32_t>(i));

    if (d.has_geometry()) {
        L.schematic = false;
        L.geographic = d.geographic;
        L.srs_wkt = d.srs_wkt;
        for (const auto& r : net) L.reach_lines.push_back(r.line);
    } else {
        const auto axes = river_axes(net);
        std::vector<std::int32_t> axis_of(net.size(), -1);
        std::vector<double> offset(net.size(), 0.0);
        for (std::size_t a = 0; a < axes.size(); ++a)
            for (std::size_t k = 0; k < axes[a].reaches.size(); ++k) {
                axis_of[axes[a].reaches[k]] = static_cast<std::int32_t>(a);
                offset[axes[a].reaches[k]] = axes[a].offset_km[k];
            }
        std::vector<std::vector<XY>> path(axes.size());  // each river's drawn line, parametrised by fraction of length
        std::vector<int> side_count(axes.size(), 0);
        auto placed = [&](std::int32_t a) { return a >= 0 && !path[a].empty(); };
        auto at = [&](std::int32_t a, double km) {  // point of river a at km from its head
            return point_along(path[a], axes[a].length_km > 0.0 ? km / axes[a].length_km : 0.0);
        };
        auto dir = [&](std::int32_t a, double km) {
            return direction_at(path[a], axes[a].length_km > 0.0 ? km / axes[a].length_km : 0.0);
        };
        double y_next = 0.0, max_len = 1.0;
        for (const auto& a : axes) max_len = std::max(max_len, a.length_km);
        auto place_straight = [&](std::size_t a) {
            path[a] = {{0.0, y_next}, {std::max(axes[a].length_km, 1e-3), y_next}};
            y_next -= 0.9 * max_len;
        };
        std::size_t done = 0;
        while (done < axes.size()) {
            bool progress = false;
            for (std::size_t a = 0; a < axes.size(); ++a) {
                if (!path[a].empty()) continue;
                const auto& ax = axes[a];
                // where the river ends: the downstream reach of its last reach, on another (placed) river
                const std::int32_t last = ax.reaches.back();
                std::int32_t join_axis = -1;
                double join_km = 0.0;
                if (auto it = index.find(net[last].downstream_id); it != index.end() && placed(axis_of[it->second]) &&
                                                                   axis_of[it->second] != static_cast<std::int32_t>(a)) {
                    join_axis = axis_of[it->second];
                    join_km = offset[it->second];
                }
                // where it starts: a split from a reach of a placed river
                const std::int32_t first = ax.reaches.front();
                std::int32_t split_axis = -1;
                double split_km = 0.0;
                for (std::size_t u = 0; u < net.size(); ++u)
                    if ((net[u].split_to == net[first].id || net[u].downstream_id == net[first].id) && placed(axis_of[u]) &&
                        axis_of[u] != static_cast<std::int32_t>(a)) {
                        split_axis = axis_of[u];
                        split_km = offset[u] + net[u].length_km;
                        break;
                    }
                if (join_axis < 0 && split_axis < 0) continue;
                const double len = std::max(ax.length_km, 1e-3);
                if (join_axis >= 0 && split_axis >= 0) {  // a side channel: a bow between split and rejoin
                    const XY s = at(split_axis, split_km), j = at(join_axis, join_km);
                    const XY t = unit({j.x - s.x, j.y - s.y});
                    const double side = side_count[join_axis]++ % 2 == 0 ? 1.0 : -1.0;
                    const double chord = std::hypot(j.x - s.x, j.y - s.y);
                    const double h = 0.5 * std::sqrt(std::max(len * len - chord * chord, 0.0)) + 0.08 * max_len;
                    const XY n{-t.y * side * h, t.x * side * h};
                    path[a] = {s, {s.x + 0.2 * (j.x - s.x) + n.x, s.y + 0.2 * (j.y - s.y) + n.y},
                               {s.x + 0.8 * (j.x - s.x) + n.x, s.y + 0.8 * (j.y - s.y) + n.y}, j};
                } else if (join_axis >= 0) {  // a tributary ending at its confluence
                    const XY j = at(join_axis, join_km), t = dir(join_axis, join_km);
                    const double side = side_count[join_axis]++ % 2 == 0 ? 50.0 : -50.0;
                    const XY up = rotate({-t.x, -t.y}, side);
                    path[a] = {{j.x + up.x * len, j.y + up.y * len}, j};
                } else {  // a distributary leaving a placed river and not returning
                    const XY s = at(split_axis, split_km), t = dir(split_axis, split_km);
                    const double side = side_count[split_axis]++ % 2 == 0 ? 40.0 : -40.0;
                    const XY down = rotate(t, side);
                    path[a] = {s, {s.x + down.x * len, s.y + down.y * len}};
                }
                ++done;
                progress = true;
            }
            if (!progress) {  // start a new network: the longest unplaced river, preferring ones reaching an outlet
                std::size_t best = axes.size();
                for (std::size_t a = 0; a < axes.size(); ++a) {
                    if (!path[a].empty()) continue;
                    const bool outlet = net[axes[a].reaches.back()].downstream_id.empty();
                    const bool best_outlet = best < axes.size() && net[axes[best].reaches.back()].downstream_id.empty();
                    if (best == axes.size() || (outlet && !best_outlet) ||
                        (outlet == best_outlet && axes[a].length_km > axes[best].length_km))
                        best = a;
                }
                place_straight(best);
                ++done;
            }
        }
        L.reach_lines.resize(net.size());
        for (std::size_t r = 0; r < net.size(); ++r) {
            const auto a = axis_of[r];
            const double total = std::max(axes[a].length_km, 1e-3);
            L.reach_lines[r] = sub_line(path[a], offset[r] / total, (offset[r] + net[r].length_km) / total);
        }
    }
    if (!d.scenarios.empty())
        for (const auto& s : d.scenarios.front().sections) {
            auto it = index.find(s.reach_id);
            if (it == index.end()) {
                L.section_points.push_back({});
                continue;
            }
            const double len = net[it->second].length_km;
            L.section_points.push_back(point_along(L.reach_lines[it->second], len > 0.0 ? s.position_km / len : 0.0));
        }
    return L;
}

}  // namespace qingliu::report
