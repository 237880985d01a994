// The reach lines of a case: oriented upstream to downstream, measured, and kept in the case model.
#include <algorithm>

#include <cpl_conv.h>
#include <ogr_spatialref.h>

#include "io/case_parts.hpp"

namespace qingliu::io {

ReachGeometry reach_geometry(const std::vector<ReachLine>& rows, bool geographic) {
    ReachGeometry g;
    g.geographic = geographic;
    std::size_t with = 0;
    double sx = 0, sy = 0, nv = 0;
    for (const auto& r : rows)
        if (!r.line->empty()) {
            ++with;
            for (auto [x, y] : *r.line) { sx += x; sy += y; nv += 1; }
        }
    if (with == 0) return g;
    g.usable = true;
    g.proj = {sx / nv, sy / nv};
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t i = 0; i < rows.size(); ++i) index.emplace(rows[i].id, i);
    for (const auto& r : rows) {
        std::vector<XY> l = *r.line;
        if (g.geographic)
            for (auto& v : l) v = g.proj(v);
        g.lines.push_back(std::move(l));
    }
    g.reversed.assign(rows.size(), false);
    std::vector<std::int32_t> upstream(rows.size(), -1);  // one reach flowing in, if any
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (auto it = index.find(rows[i].downstream); it != index.end()) upstream[it->second] = static_cast<std::int32_t>(i);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto& l = g.lines[i];
        auto dist_to = [&](std::size_t other, XY p) { return snap_to_lines({g.lines[other]}, p).distance; };
        auto it = index.find(rows[i].downstream);
        if (l.size() >= 2 && it != index.end() && g.lines[it->second].size() >= 2) {
            // the downstream end is the one nearer the downstream reach
            g.reversed[i] = dist_to(it->second, l.front()) < dist_to(it->second, l.back());
        } else if (l.size() >= 2 && upstream[i] >= 0 && g.lines[upstream[i]].size() >= 2) {
            // an outlet reach: the upstream end is the one nearer the reach flowing in
            g.reversed[i] = dist_to(upstream[i], l.back()) < dist_to(upstream[i], l.front());
        }
        if (g.reversed[i]) std::reverse(l.begin(), l.end());
        g.length.push_back(polyline_length(l));
    }
    return g;
}

void keep_reach_lines(scenarios::CaseModel& m, const std::vector<ReachLine>& rows,
                      const std::unordered_map<std::string, std::int32_t>& rindex, const ReachGeometry& geo, const Table& t) {
    m.reach_lines.assign(m.net.size(), {});
    for (std::size_t r = 0; r < m.net.size(); ++r) {
        auto it = rindex.find(m.net.topo.id(r));
        if (it == rindex.end()) continue;
        auto& line = m.reach_lines[r] = *rows[it->second].line;
        if (geo.reversed[it->second]) std::reverse(line.begin(), line.end());
    }
    m.crs_wkt = t.crs_wkt;
    m.geographic = t.geographic;
    if (m.crs_wkt.empty() && m.geographic) {
        // a CSV wkt column has no CRS of its own: coordinates that look like degrees are WGS 84 longitude/latitude
        OGRSpatialReference wgs84;
        wgs84.SetWellKnownGeogCS("WGS84");
        char* wkt = nullptr;
        if (wgs84.exportToWkt(&wkt) == OGRERR_NONE && wkt) m.crs_wkt = wkt;
        CPLFree(wkt);
    }
}

}  // namespace qingliu::io
