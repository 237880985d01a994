#include "io/snap.hpp"

#include <cmath>
#include <limits>

namespace qingliu::io {

double polyline_length(const std::vector<XY>& l) {
    double s = 0.0;
    for (std::size_t i = 1; i < l.size(); ++i) s += std::hypot(l[i].first - l[i - 1].first, l[i].second - l[i - 1].second);
    return s;
}

SnapResult snap_to_lines(const std::vector<std::vector<XY>>& lines, XY p) {
    SnapResult best;
    best.distance = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < lines.size(); ++k) {
        const auto& l = lines[k];
        double along = 0.0;
        for (std::size_t i = 1; i < l.size(); ++i) {
            const double ax = l[i - 1].first, ay = l[i - 1].second;
            const double dx = l[i].first - ax, dy = l[i].second - ay;
            const double len2 = dx * dx + dy * dy;
            double t = len2 > 0.0 ? ((p.first - ax) * dx + (p.second - ay) * dy) / len2 : 0.0;
            t = std::fmax(0.0, std::fmin(1.0, t));
            const double d = std::hypot(ax + t * dx - p.first, ay + t * dy - p.second);
            if (d < best.distance) {
                best = {static_cast<std::int32_t>(k), along + t * std::sqrt(len2), d};
            }
            along += std::sqrt(len2);
        }
        if (l.size() == 1) {
            const double d = std::hypot(l[0].first - p.first, l[0].second - p.second);
            if (d < best.distance) best = {static_cast<std::int32_t>(k), 0.0, d};
        }
    }
    return best;
}

XY LocalProjection::operator()(XY ll) const {
    constexpr double kR = 6371008.8;  // mean Earth radius (m), IUGG
    constexpr double kDeg = M_PI / 180.0;
    return {kR * std::cos(lat0 * kDeg) * (ll.first - lon0) * kDeg, kR * (ll.second - lat0) * kDeg};
}

}  // namespace qingliu::io
