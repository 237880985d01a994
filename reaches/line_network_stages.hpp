// The stages of build_line_network (reaches/line_network.hpp), for its own source files only:
//   line_noding.cpp       lines -> a planar graph: ends snapped into nodes, lines split at junctions and overshoots,
//                         gaps and crossings reported (steps 1 and 2 of the header comment);
//   line_orientation.cpp  the outlet, the outlet's component, every edge oriented towards it, split points cut in,
//                         declared directions checked, loops found (steps 3 to 6);
//   line_network.cpp      reaches as chains of oriented edges, their ids and links (step 7).
// Plane geometry, a grid index of segments and a union-find are shared by the stages.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "reaches/line_network.hpp"

namespace qingliu::reaches::line_stages {

using XY = LineXY;
inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kSame_m = 1e-6;  // two points closer than this (m) are the same point

inline double dist(XY a, XY b) { return std::hypot(a.first - b.first, a.second - b.second); }

inline std::string fmt(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

// Nearest point of segment a-b to p: parameter t in [0, 1] and distance.
inline std::pair<double, double> nearest_on_segment(XY a, XY b, XY p) {
    const double dx = b.first - a.first, dy = b.second - a.second;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0.0 ? ((p.first - a.first) * dx + (p.second - a.second) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return {t, std::hypot(a.first + t * dx - p.first, a.second + t * dy - p.second)};
}

// Proper intersection of segments p1-p2 and q1-q2: parameters (t, u) in [0, 1].
inline std::optional<std::pair<double, double>> intersect(XY p1, XY p2, XY q1, XY q2) {
    const double rx = p2.first - p1.first, ry = p2.second - p1.second;
    const double sx = q2.first - q1.first, sy = q2.second - q1.second;
    const double den = rx * sy - ry * sx;
    if (std::abs(den) < 1e-18) return std::nullopt;
    const double qpx = q1.first - p1.first, qpy = q1.second - p1.second;
    const double t = (qpx * sy - qpy * sx) / den, u = (qpx * ry - qpy * rx) / den;
    if (t < 0.0 || t > 1.0 || u < 0.0 || u > 1.0) return std::nullopt;
    return std::make_pair(t, u);
}

inline XY lerp(XY a, XY b, double t) { return {a.first + t * (b.first - a.first), a.second + t * (b.second - a.second)}; }

struct UnionFind {
    std::vector<std::int32_t> p;
    explicit UnionFind(std::size_t n = 0) : p(n) { std::iota(p.begin(), p.end(), 0); }
    std::int32_t add() {
        p.push_back(static_cast<std::int32_t>(p.size()));
        return p.back();
    }
    std::int32_t find(std::int32_t x) {
        while (p[x] != x) x = p[x] = p[p[x]];
        return x;
    }
    void unite(std::int32_t a, std::int32_t b) {
        a = find(a), b = find(b);
        if (a != b) p[std::max(a, b)] = std::min(a, b);
    }
};

// Uniform grid over the plane for segment and point queries.
class Grid {
public:
    explicit Grid(double cell) : cell_(cell > 0 ? cell : 1.0) {}
    void insert_box(XY a, XY b, std::int64_t item) {
        const auto [x0, y0] = key(std::min(a.first, b.first), std::min(a.second, b.second));
        const auto [x1, y1] = key(std::max(a.first, b.first), std::max(a.second, b.second));
        if ((x1 - x0 + 1) * (y1 - y0 + 1) > 4096) {  // a very long segment: kept aside, checked every time
            big_.push_back(item);
            return;
        }
        for (std::int64_t x = x0; x <= x1; ++x)
            for (std::int64_t y = y0; y <= y1; ++y) cells_[pack(x, y)].push_back(item);
    }
    // Items whose boxes may lie within r of the box a-b.
    std::vector<std::int64_t> query(XY a, XY b, double r) const {
        const auto [x0, y0] = key(std::min(a.first, b.first) - r, std::min(a.second, b.second) - r);
        const auto [x1, y1] = key(std::max(a.first, b.first) + r, std::max(a.second, b.second) + r);
        std::vector<std::int64_t> out(big_);
        for (std::int64_t x = x0; x <= x1; ++x)
            for (std::int64_t y = y0; y <= y1; ++y)
                if (auto it = cells_.find(pack(x, y)); it != cells_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

private:
    std::pair<std::int64_t, std::int64_t> key(double x, double y) const {
        return {static_cast<std::int64_t>(std::floor(x / cell_)), static_cast<std::int64_t>(std::floor(y / cell_))};
    }
    static std::uint64_t pack(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(x) << 32) ^ (static_cast<std::uint64_t>(y) & 0xffffffffULL);
    }
    double cell_;
    std::unordered_map<std::uint64_t, std::vector<std::int64_t>> cells_;
    std::vector<std::int64_t> big_;
};

// One part of a feature with at least two distinct vertices, in native and plane coordinates.
struct Piece {
    std::int32_t feature;
    std::vector<XY> nat, pl;
    std::vector<double> along;  // plane distance from the first vertex to each vertex
};

// An undirected edge of the planar graph: a piece or part of one between two nodes.
struct Edge {
    std::int32_t piece, u, v;  // u: node at the digitised start, v: at the end
    std::vector<XY> nat, pl;
    double plane_len;
    bool drop = false;
};

// An edge oriented downstream.
struct DEdge {
    std::int32_t from, to;
    std::vector<XY> nat, pl;
    double plane_len;
    std::int32_t feature;
    bool reversed;
};

struct PlanarGraph {
    std::vector<Piece> pieces;
    std::vector<Edge> edges;  // none dropped, none of zero length, no self-loops
};

struct OrientedGraph {
    std::vector<DEdge> de;
    std::vector<XY> npl, nnat;  // node positions: plane and native
    std::vector<double> d;      // distance of each node to the outlet along the lines (plane metres; inf: elsewhere)
    std::int32_t outlet = -1;
    std::set<std::int32_t> forced;  // nodes where a reach must end (split points)
    std::vector<std::pair<std::size_t, std::int32_t>> point_node;  // (split point, node)
    std::vector<double> point_dist;                                 // per used split point: distance to the line
    std::vector<std::vector<std::int32_t>> outs, ins;               // per node: edges leaving, arriving
    UnionFind loops;                                                // nodes joined through edges on a cycle
    std::map<std::int32_t, std::size_t> loop_finding;               // loop group -> its finding
};

/// Steps 1 and 2. Throws InputError when no usable line remains.
PlanarGraph planar_graph(const std::vector<LineFeature>& features, const LineNetworkOptions& opt, const LineMetric& metric,
                         std::vector<LineFinding>& findings);

/// Steps 3 to 6. Throws InputError as build_line_network does.
OrientedGraph orient(const std::vector<LineFeature>& features, PlanarGraph graph, const LineNetworkOptions& opt,
                     const LineMetric& metric, std::vector<LineFinding>& findings);

}  // namespace qingliu::reaches::line_stages
