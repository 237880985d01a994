// Snapping points (sources, sections) to the nearest reach line.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace qingliu::io {

using XY = std::pair<double, double>;

struct SnapResult {
    std::int32_t line = -1;  ///< index into the lines, -1 if none
    double along = 0.0;      ///< distance along the line from its first vertex (same units as input)
    double distance = 0.0;   ///< from the point to the line
};

/// Nearest line to p; `lines` are polylines in a planar metric system.
SnapResult snap_to_lines(const std::vector<std::vector<XY>>& lines, XY p);
double polyline_length(const std::vector<XY>& line);

/// Local equirectangular projection (metres) around a reference latitude/longitude; adequate for a basin.
struct LocalProjection {
    double lon0 = 0.0, lat0 = 0.0;
    XY operator()(XY lonlat) const;
};

}  // namespace qingliu::io
