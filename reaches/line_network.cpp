#include "reaches/line_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <set>
#include <unordered_map>

#include "common/error.hpp"

namespace qingliu::reaches {

namespace {

using XY = LineXY;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kSame_m = 1e-6;  // two points closer than this (m) are the same point

double dist(XY a, XY b) { return std::hypot(a.first - b.first, a.second - b.second); }

std::string fmt(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

// Nearest point of segment a-b to p: parameter t in [0, 1] and distance.
std::pair<double, double> nearest_on_segment(XY a, XY b, XY p) {
    const double dx = b.first - a.first, dy = b.second - a.second;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0.0 ? ((p.first - a.first) * dx + (p.second - a.second) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return {t, std::hypot(a.first + t * dx - p.first, a.second + t * dy - p.second)};
}

// Proper intersection of segments p1-p2 and q1-q2: parameters (t, u) in [0, 1].
std::optional<std::pair<double, double>> intersect(XY p1, XY p2, XY q1, XY q2) {
    const double rx = p2.first - p1.first, ry = p2.second - p1.second;
    const double sx = q2.first - q1.first, sy = q2.second - q1.second;
    const double den = rx * sy - ry * sx;
    if (std::abs(den) < 1e-18) return std::nullopt;
    const double qpx = q1.first - p1.first, qpy = q1.second - p1.second;
    const double t = (qpx * sy - qpy * sx) / den, u = (qpx * ry - qpy * rx) / den;
    if (t < 0.0 || t > 1.0 || u < 0.0 || u > 1.0) return std::nullopt;
    return std::make_pair(t, u);
}

XY lerp(XY a, XY b, double t) { return {a.first + t * (b.first - a.first), a.second + t * (b.second - a.second)}; }

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

struct Piece {
    std::int32_t feature;
    std::vector<XY> nat, pl;
    std::vector<double> along;  // plane distance from the first vertex to each vertex
};

struct Cut {
    std::int32_t seg;
    double t;
    std::int32_t node;  // union-find id of the node at the cut
    XY pl, nat;
};

struct Edge {
    std::int32_t piece, u, v;  // u: node at the digitised start, v: at the end
    std::vector<XY> nat, pl;
    double plane_len;
    bool drop = false;
};

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace

const char* finding_key(FindingKind k) {
    switch (k) {
        case FindingKind::Snapped: return "snapped";
        case FindingKind::Junction: return "junction";
        case FindingKind::Gap: return "gap";
        case FindingKind::Dangle: return "dangle";
        case FindingKind::Crossing: return "crossing";
        case FindingKind::MultiPart: return "multipart";
        case FindingKind::Reversed: return "reversed";
        case FindingKind::Loop: return "loop";
        case FindingKind::Disconnected: return "disconnected";
        case FindingKind::Outlet: return "outlet";
        case FindingKind::SplitPointFar: return "split_point_far";
        case FindingKind::Degenerate: return "degenerate";
    }
    return "?";
}

LineMetric planar_metric() {
    LineMetric m;
    m.to_plane = [](XY p) { return p; };
    m.segment_m = [](XY a, XY b) { return dist(a, b); };
    m.id_grid = 1.0;
    return m;
}

LineNetwork build_line_network(const std::vector<LineFeature>& features, const LineNetworkOptions& opt, const LineMetric& metric) {
    LineNetwork out;
    auto& F = out.findings;
    const double tol = std::max(opt.tolerance_m, kSame_m);
    const double gap = opt.gap_m > 0.0 ? std::max(opt.gap_m, tol) : 20.0 * tol;
    auto fid = [&](std::int32_t f) { return features[f].id; };

    // ---- pieces: one per part with at least two distinct vertices; closed lines are loops
    std::vector<Piece> pieces;
    for (std::size_t f = 0; f < features.size(); ++f) {
        const auto& ft = features[f];
        std::size_t used = 0;
        for (const auto& part : ft.parts) {
            Piece p{static_cast<std::int32_t>(f), {}, {}, {}};
            for (const auto& v : part) {
                const XY q = metric.to_plane(v);
                if (!p.pl.empty() && dist(p.pl.back(), q) <= kSame_m) continue;
                p.nat.push_back(v);
                p.pl.push_back(q);
            }
            if (p.pl.size() < 2) {
                F.push_back({FindingKind::Degenerate, {ft.id}, part.empty() ? XY{} : part.front(), 0.0,
                             "a part with fewer than two distinct vertices: left out"});
                continue;
            }
            p.along.assign(p.pl.size(), 0.0);
            for (std::size_t i = 1; i < p.pl.size(); ++i) p.along[i] = p.along[i - 1] + dist(p.pl[i - 1], p.pl[i]);
            if (dist(p.pl.front(), p.pl.back()) <= tol) {
                F.push_back({FindingKind::Loop, {ft.id}, p.nat.front(), 0.0,
                             "closed line (its ends meet): it has no downstream end and is left out"});
                continue;
            }
            pieces.push_back(std::move(p));
            ++used;
        }
        if (ft.parts.size() > 1)
            F.push_back({FindingKind::MultiPart, {ft.id}, ft.parts.size() > 1 && !ft.parts[1].empty() ? ft.parts[1].front() : XY{}, 0.0,
                         std::to_string(ft.parts.size()) + " parts: each part is used as a line of its own and connected by "
                         "its ends"});
    }
    const std::size_t np = pieces.size();

    // ---- segment index
    double total = 0.0;
    std::size_t nseg = 0;
    for (const auto& p : pieces) total += p.along.back(), nseg += p.pl.size() - 1;
    const double cell = std::max(gap, nseg ? 2.0 * total / static_cast<double>(nseg) : 1.0);
    Grid grid(cell);
    auto seg_item = [](std::size_t piece, std::size_t seg) { return static_cast<std::int64_t>(piece) << 32 | static_cast<std::int64_t>(seg); };
    for (std::size_t i = 0; i < np; ++i)
        for (std::size_t s = 0; s + 1 < pieces[i].pl.size(); ++s) grid.insert_box(pieces[i].pl[s], pieces[i].pl[s + 1], seg_item(i, s));

    // Nearest point of each other piece to p within r: (piece, seg, t, distance).
    struct Near { std::int32_t piece, seg; double t, d; };
    auto near_pieces = [&](XY p, double r, std::int32_t skip) {
        std::map<std::int32_t, Near> best;
        for (auto item : grid.query(p, p, r)) {
            const auto pc = static_cast<std::int32_t>(item >> 32), sg = static_cast<std::int32_t>(item & 0xffffffff);
            if (pc == skip) continue;
            const auto [t, d] = nearest_on_segment(pieces[pc].pl[sg], pieces[pc].pl[sg + 1], p);
            if (d > r) continue;
            auto it = best.find(pc);
            if (it == best.end() || d < it->second.d) best[pc] = {pc, sg, t, d};
        }
        std::vector<Near> v;
        for (auto& [k, n] : best) v.push_back(n);
        return v;
    };
    auto along_at = [&](const Piece& p, std::int32_t seg, double t) { return p.along[seg] + t * (p.along[seg + 1] - p.along[seg]); };

    // ---- (1) line ends within the tolerance are one node
    UnionFind uf(2 * np);  // endpoint 2i: first vertex of piece i, 2i+1: last vertex
    auto end_pl = [&](std::int32_t e) { const auto& p = pieces[e / 2]; return e % 2 ? p.pl.back() : p.pl.front(); };
    auto end_nat = [&](std::int32_t e) { const auto& p = pieces[e / 2]; return e % 2 ? p.nat.back() : p.nat.front(); };
    {
        Grid pg(tol);
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) pg.insert_box(end_pl(e), end_pl(e), e);
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e)
            for (auto o : pg.query(end_pl(e), end_pl(e), tol))
                if (o != e && dist(end_pl(e), end_pl(static_cast<std::int32_t>(o))) <= tol) uf.unite(e, static_cast<std::int32_t>(o));
    }
    std::vector<std::vector<Cut>> cuts(np);
    std::vector<char> end_used(2 * np, 0);  // an end joined to a line's interior (junction or overshoot)
    std::vector<char> drop_first(np, 0), drop_last(np, 0);
    std::vector<std::pair<std::int32_t, double>> junction_moves;  // (endpoint, distance moved onto the line)

    // ---- (1b) a node on the interior of another line splits that line
    {
        std::map<std::int32_t, std::vector<std::int32_t>> members;
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) members[uf.find(e)].push_back(e);
        for (const auto& [root, ms] : members) {
            // the node's position: mean of its ends
            double sx = 0, sy = 0;
            std::vector<XY> pts;
            for (auto e : ms) pts.push_back(end_pl(e));
            std::sort(pts.begin(), pts.end());
            for (auto q : pts) sx += q.first, sy += q.second;
            const XY c{sx / pts.size(), sy / pts.size()};
            std::set<std::int32_t> member_pieces;
            for (auto e : ms) member_pieces.insert(e / 2);
            for (const auto& n : near_pieces(c, tol, -1)) {
                if (member_pieces.count(n.piece)) continue;
                const Piece& q = pieces[n.piece];
                const double s = along_at(q, n.seg, n.t);
                if (s <= tol) { uf.unite(root, 2 * n.piece); continue; }                    // at q's start after all
                if (q.along.back() - s <= tol) { uf.unite(root, 2 * n.piece + 1); continue; }  // at q's end
                const XY at_pl = lerp(q.pl[n.seg], q.pl[n.seg + 1], n.t), at_nat = lerp(q.nat[n.seg], q.nat[n.seg + 1], n.t);
                cuts[n.piece].push_back({n.seg, n.t, root, at_pl, at_nat});
                std::vector<std::string> ids;
                double moved = 0.0;
                for (auto e : ms) {
                    end_used[e] = 1;
                    ids.push_back(fid(pieces[e / 2].feature));
                    moved = std::max(moved, dist(end_pl(e), at_pl));
                }
                ids.push_back(fid(q.feature));
                F.push_back({FindingKind::Junction, ids, at_nat, moved,
                             "line end on the interior of feature " + fid(q.feature) + (moved > kSame_m ? " (" + fmt(moved, 2) + " m away)" : "") +
                                 ": that line is split there (a confluence)"});
            }
        }
    }
    std::vector<std::int32_t> end_count(2 * np, 0);
    auto recount = [&] {
        std::unordered_map<std::int32_t, std::int32_t> cnt;
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) ++cnt[uf.find(e)];
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) end_count[e] = cnt[uf.find(e)];
    };
    recount();
    auto is_free = [&](std::int32_t e) { return end_count[e] == 1 && !end_used[e]; };

    // ---- (2) crossings: overshoots are cut, other crossings reported
    std::map<std::pair<std::size_t, std::size_t>, std::vector<XY>> crossings;
    for (std::size_t i = 0; i < np; ++i) {
        const Piece& p = pieces[i];
        for (std::size_t s = 0; s + 1 < p.pl.size(); ++s) {
            for (auto item : grid.query(p.pl[s], p.pl[s + 1], 0.0)) {
                const auto j = static_cast<std::size_t>(item >> 32), sj = static_cast<std::size_t>(item & 0xffffffff);
                if (j <= i) continue;  // each pair once; a line crossing itself is left alone
                const Piece& q = pieces[j];
                auto x = intersect(p.pl[s], p.pl[s + 1], q.pl[sj], q.pl[sj + 1]);
                if (!x) continue;
                const double sp = along_at(p, static_cast<std::int32_t>(s), x->first), sq = along_at(q, static_cast<std::int32_t>(sj), x->second);
                const double lp = p.along.back(), lq = q.along.back();
                if (std::min(sp, lp - sp) <= tol || std::min(sq, lq - sq) <= tol) continue;  // at a line end: a node already
                const XY at_pl = lerp(p.pl[s], p.pl[s + 1], x->first), at_nat = lerp(p.nat[s], p.nat[s + 1], x->first);
                // the same crossing found again on the next segment (it lies on a vertex)
                auto& prev = crossings[{i, j}];
                if (std::any_of(prev.begin(), prev.end(), [&](XY c) { return dist(c, at_pl) <= tol; })) continue;
                prev.push_back(at_pl);
                // which end, if any, overshoots: the free end nearer the crossing, within the gap distance
                struct Over { std::size_t piece, seg; double t, run; bool last; };
                std::optional<Over> over;
                auto consider = [&](std::size_t k, std::size_t seg, double t, double sk, double lk) {
                    if (lk - sk <= gap && is_free(static_cast<std::int32_t>(2 * k + 1)) && (!over || lk - sk < over->run))
                        over = Over{k, seg, t, lk - sk, true};
                    if (sk <= gap && is_free(static_cast<std::int32_t>(2 * k)) && (!over || sk < over->run))
                        over = Over{k, seg, t, sk, false};
                };
                consider(i, s, x->first, sp, lp);
                consider(j, sj, x->second, sq, lq);
                if (!over) {
                    F.push_back({FindingKind::Crossing, {fid(p.feature), fid(q.feature)}, at_nat, 0.0,
                                 "the lines cross away from their ends: not connected (a bridge or aqueduct, or split "
                                 "them at the crossing if they meet)"});
                    continue;
                }
                const std::int32_t node = uf.add();
                end_used.push_back(0);
                end_count.push_back(0);
                cuts[i].push_back({static_cast<std::int32_t>(s), x->first, node, at_pl, at_nat});
                cuts[j].push_back({static_cast<std::int32_t>(sj), x->second, node, at_pl, at_nat});
                const std::size_t k = over->piece;
                (over->last ? drop_last : drop_first)[k] = 1;
                end_used[2 * k + (over->last ? 1 : 0)] = 1;
                const std::size_t other = k == i ? j : i;
                F.push_back({FindingKind::Dangle, {fid(pieces[k].feature), fid(pieces[other].feature)}, at_nat, over->run,
                             "feature " + fid(pieces[k].feature) + " runs " + fmt(over->run, 1) + " m past feature " +
                                 fid(pieces[other].feature) + " (an overshoot): cut at the crossing"});
            }
        }
    }

    // ---- gaps: free line ends near another line, beyond the tolerance
    for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) {
        if (!is_free(e)) continue;
        std::optional<Near> best;
        for (const auto& n : near_pieces(end_pl(e), gap, e / 2))
            if (!best || n.d < best->d) best = n;
        if (!best) continue;
        F.push_back({FindingKind::Gap, {fid(pieces[e / 2].feature), fid(pieces[best->piece].feature)}, end_nat(e), best->d,
                     "line end " + fmt(best->d, 1) + " m from feature " + fid(pieces[best->piece].feature) +
                         ": not connected (more than the tolerance; raise --tolerance-m or fix the line)"});
    }

    // ---- edges: pieces split at their cuts
    // node positions: a cut's point where there is one, else the mean of the ends (sorted: independent of order)
    std::unordered_map<std::int32_t, std::pair<XY, XY>> node_pos;  // root -> (plane, native)
    {
        std::map<std::int32_t, std::vector<std::pair<XY, XY>>> ends;
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) ends[uf.find(e)].push_back({end_pl(e), end_nat(e)});
        for (auto& [r, v] : ends) {
            std::sort(v.begin(), v.end());
            double a = 0, b = 0, c = 0, d = 0;
            for (auto& [pl, nat] : v) a += pl.first, b += pl.second, c += nat.first, d += nat.second;
            const double n = static_cast<double>(v.size());
            node_pos[r] = {{a / n, b / n}, {c / n, d / n}};
        }
        for (std::size_t i = 0; i < np; ++i)
            for (const auto& c : cuts[i]) node_pos[uf.find(c.node)] = {c.pl, c.nat};
        // report ends that moved
        std::map<std::int32_t, std::vector<std::int32_t>> members;
        for (std::int32_t e = 0; e < static_cast<std::int32_t>(2 * np); ++e) members[uf.find(e)].push_back(e);
        for (const auto& [r, ms] : members) {
            double moved = 0.0;
            std::set<std::string> ids;
            bool junction = false;
            for (auto e : ms) {
                moved = std::max(moved, dist(end_pl(e), node_pos[r].first));
                ids.insert(fid(pieces[e / 2].feature));
                junction = junction || end_used[e];
            }
            if (ms.size() >= 2 && moved > kSame_m && !junction)
                F.push_back({FindingKind::Snapped, {ids.begin(), ids.end()}, node_pos[r].second, moved,
                             "line ends up to " + fmt(moved, 2) + " m apart joined at one node"});
        }
    }
    std::vector<Edge> edges;
    for (std::size_t i = 0; i < np; ++i) {
        const Piece& p = pieces[i];
        auto cs = cuts[i];
        std::sort(cs.begin(), cs.end(), [](const Cut& a, const Cut& b) { return a.seg != b.seg ? a.seg < b.seg : a.t < b.t; });
        std::int32_t start_node = uf.find(static_cast<std::int32_t>(2 * i));
        std::vector<XY> nat{node_pos[start_node].second}, pl{node_pos[start_node].first};
        std::size_t first_edge = edges.size();
        std::size_t ci = 0;
        for (std::size_t s = 0; s + 1 < p.pl.size(); ++s) {
            while (ci < cs.size() && cs[ci].seg == static_cast<std::int32_t>(s)) {
                const std::int32_t node = uf.find(cs[ci].node);
                nat.push_back(node_pos[node].second);
                pl.push_back(node_pos[node].first);
                edges.push_back({static_cast<std::int32_t>(i), start_node, node, nat, pl, 0.0});
                start_node = node;
                nat = {node_pos[node].second};
                pl = {node_pos[node].first};
                ++ci;
            }
            if (s + 2 < p.pl.size()) {
                nat.push_back(p.nat[s + 1]);
                pl.push_back(p.pl[s + 1]);
            }
        }
        const std::int32_t end_node = uf.find(static_cast<std::int32_t>(2 * i + 1));
        nat.push_back(node_pos[end_node].second);
        pl.push_back(node_pos[end_node].first);
        edges.push_back({static_cast<std::int32_t>(i), start_node, end_node, nat, pl, 0.0});
        if (drop_first[i]) edges[first_edge].drop = true;
        if (drop_last[i]) edges.back().drop = true;
    }
    // remove dropped and zero-length edges, and duplicate vertices; self-loops are loops
    {
        std::vector<Edge> kept;
        for (auto& e : edges) {
            if (e.drop) continue;
            std::vector<XY> nat, pl;
            for (std::size_t k = 0; k < e.pl.size(); ++k) {
                if (!pl.empty() && dist(pl.back(), e.pl[k]) <= kSame_m) continue;
                nat.push_back(e.nat[k]);
                pl.push_back(e.pl[k]);
            }
            if (pl.size() < 2) continue;
            e.nat = std::move(nat);
            e.pl = std::move(pl);
            e.plane_len = 0.0;
            for (std::size_t k = 1; k < e.pl.size(); ++k) e.plane_len += dist(e.pl[k - 1], e.pl[k]);
            if (e.u == e.v) {
                F.push_back({FindingKind::Loop, {fid(pieces[e.piece].feature)}, e.nat.front(), 0.0,
                             "the line returns to the node it starts from: left out"});
                continue;
            }
            kept.push_back(std::move(e));
        }
        edges = std::move(kept);
    }
    if (edges.empty()) throw InputError("the line layer has no usable lines", {});

    // ---- graph on compact node ids
    std::map<std::int32_t, std::int32_t> node_index;
    for (auto& e : edges) {
        e.u = node_index.emplace(e.u, static_cast<std::int32_t>(node_index.size())).first->second;
        e.v = node_index.emplace(e.v, static_cast<std::int32_t>(node_index.size())).first->second;
    }
    const std::size_t nn = node_index.size();
    std::vector<XY> npl(nn), nnat(nn);
    for (auto& e : edges) {
        npl[e.u] = e.pl.front(), nnat[e.u] = e.nat.front();
        npl[e.v] = e.pl.back(), nnat[e.v] = e.nat.back();
    }
    std::vector<std::vector<std::int32_t>> inc(nn);
    for (std::size_t k = 0; k < edges.size(); ++k) {
        inc[edges[k].u].push_back(static_cast<std::int32_t>(k));
        inc[edges[k].v].push_back(static_cast<std::int32_t>(k));
    }
    auto other_end = [&](std::int32_t k, std::int32_t n) { return edges[k].u == n ? edges[k].v : edges[k].u; };

    // ---- (3) outlet
    std::int32_t outlet = -1;
    if (opt.outlet) {
        const XY p = metric.to_plane(*opt.outlet);
        double best = kInf;
        for (std::size_t n = 0; n < nn; ++n)
            if (inc[n].size() == 1 && dist(npl[n], p) < best) best = dist(npl[n], p), outlet = static_cast<std::int32_t>(n);
        if (outlet < 0) throw InputError("the lines have no free end to be the outlet", {});
        F.push_back({FindingKind::Outlet, {fid(pieces[edges[inc[outlet][0]].piece].feature)}, nnat[outlet], best,
                     "outlet: the line end nearest the given point (" + fmt(best, 1) + " m away)"});
    } else if (!opt.outlet_feature.empty()) {
        std::int32_t last_end = -1;
        std::vector<std::int32_t> free_ends;
        for (std::size_t k = 0; k < edges.size(); ++k) {
            if (fid(pieces[edges[k].piece].feature) != opt.outlet_feature) continue;
            for (auto n : {edges[k].u, edges[k].v})
                if (inc[n].size() == 1) free_ends.push_back(n);
            // the digitised last vertex of the feature's last part
            const auto& ft = features[pieces[edges[k].piece].feature];
            if (!ft.parts.empty() && !ft.parts.back().empty() && dist(metric.to_plane(ft.parts.back().back()), npl[edges[k].v]) <= tol)
                last_end = edges[k].v;
        }
        if (free_ends.empty())
            throw InputError("--outlet-feature " + opt.outlet_feature + ": no such feature, or it has no free end", {});
        outlet = std::find(free_ends.begin(), free_ends.end(), last_end) != free_ends.end() ? last_end : *std::min_element(free_ends.begin(), free_ends.end(), [&](auto a, auto b) { return npl[a] < npl[b]; });
        F.push_back({FindingKind::Outlet, {opt.outlet_feature}, nnat[outlet], 0.0, "outlet: the free end of the named feature"});
    } else {
        // from declared directions, else from the digitised direction: free ends where lines arrive and none leave
        std::vector<std::int32_t> in(nn, 0), outd(nn, 0);
        for (const auto& e : edges) {
            const auto& ft = features[pieces[e.piece].feature];
            int dir = ft.direction;
            if (dir == 0 && ft.elevation_first && ft.elevation_last && *ft.elevation_first != *ft.elevation_last)
                dir = *ft.elevation_first > *ft.elevation_last ? 1 : -1;
            if (dir == 0) dir = 1;
            ++outd[dir > 0 ? e.u : e.v];
            ++in[dir > 0 ? e.v : e.u];
        }
        std::vector<std::int32_t> sinks;
        for (std::size_t n = 0; n < nn; ++n)
            if (inc[n].size() == 1 && outd[n] == 0) sinks.push_back(static_cast<std::int32_t>(n));
        // the sink of the largest connected component
        UnionFind cu(nn);
        for (const auto& e : edges) cu.unite(e.u, e.v);
        std::unordered_map<std::int32_t, double> comp_len;
        for (const auto& e : edges) comp_len[cu.find(e.u)] += e.plane_len;
        std::int32_t big = -1;
        for (auto& [c, l] : comp_len)
            if (big < 0 || l > comp_len[big] || (l == comp_len[big] && c < big)) big = c;
        std::vector<std::int32_t> cand;
        for (auto s : sinks)
            if (cu.find(s) == big) cand.push_back(s);
        if (cand.size() != 1) {
            std::string where;
            for (auto s : cand) where += (where.empty() ? "" : "; ") + fmt(nnat[s].first, 6) + "," + fmt(nnat[s].second, 6);
            throw InputError("cannot tell the outlet from the lines' digitised direction (" + std::to_string(cand.size()) +
                                 " candidate ends" + (where.empty() ? "" : ": " + where) +
                                 "): give --outlet X,Y or --outlet-feature ID",
                             {});
        }
        outlet = cand[0];
        F.push_back({FindingKind::Outlet, {fid(pieces[edges[inc[outlet][0]].piece].feature)}, nnat[outlet], 0.0,
                     "outlet inferred: the only free end of the largest connected set of lines where lines arrive and none "
                     "leave (by digitised or declared direction); give --outlet to choose another"});
    }
    out.outlet = nnat[outlet];

    // ---- component of the outlet; distances to the outlet along the lines (Dijkstra)
    std::vector<double> d(nn, kInf);
    {
        using QE = std::pair<double, std::int32_t>;
        std::priority_queue<QE, std::vector<QE>, std::greater<>> q;
        d[outlet] = 0.0;
        q.push({0.0, outlet});
        while (!q.empty()) {
            auto [dv, n] = q.top();
            q.pop();
            if (dv > d[n]) continue;
            for (auto k : inc[n]) {
                const auto m = other_end(k, n);
                if (d[n] + edges[k].plane_len < d[m]) {
                    d[m] = d[n] + edges[k].plane_len;
                    q.push({d[m], m});
                }
            }
        }
    }
    {
        UnionFind cu(nn);
        for (const auto& e : edges) cu.unite(e.u, e.v);
        std::map<std::int32_t, std::set<std::string>> comps;
        std::map<std::int32_t, XY> at;
        for (const auto& e : edges)
            if (!std::isfinite(d[e.u])) {
                comps[cu.find(e.u)].insert(fid(pieces[e.piece].feature));
                at.emplace(cu.find(e.u), e.nat.front());
            }
        for (auto& [c, ids] : comps)
            F.push_back({FindingKind::Disconnected, {ids.begin(), ids.end()}, at[c], 0.0,
                         std::to_string(ids.size()) + " feature(s) not connected to the outlet's network: left out"});
    }

    // ---- (4) orientation
    struct DEdge { std::int32_t from, to; std::vector<XY> nat, pl; double plane_len; std::int32_t feature; bool reversed; };
    std::vector<DEdge> de;
    std::set<std::int32_t> reversed_features;
    for (const auto& e : edges) {
        if (!std::isfinite(d[e.u])) continue;
        const auto& ft = features[pieces[e.piece].feature];
        int dir = ft.direction;
        if (dir == 0 && ft.elevation_first && ft.elevation_last && *ft.elevation_first != *ft.elevation_last)
            dir = *ft.elevation_first > *ft.elevation_last ? 1 : -1;
        bool declared = dir != 0;
        if (!declared) dir = d[e.u] > d[e.v] ? 1 : d[e.u] < d[e.v] ? -1 : 1;
        DEdge x{dir > 0 ? e.u : e.v, dir > 0 ? e.v : e.u, e.nat, e.pl, e.plane_len, pieces[e.piece].feature, dir < 0};
        if (dir < 0) {
            std::reverse(x.nat.begin(), x.nat.end());
            std::reverse(x.pl.begin(), x.pl.end());
            if (!declared) reversed_features.insert(x.feature);
        }
        de.push_back(std::move(x));
    }
    for (auto f : reversed_features)
        F.push_back({FindingKind::Reversed, {features[f].id}, features[f].parts.empty() || features[f].parts[0].empty() ? XY{} : features[f].parts[0].front(), 0.0,
                     "digitised against the flow (its first vertex is downstream): reversed"});

    // ---- (6) split points cut the edge they snap to
    std::set<std::int32_t> forced;  // nodes where a reach must end
    std::vector<std::pair<std::size_t, std::int32_t>> point_node;  // (split point, node)
    std::vector<double> point_dist;
    for (std::size_t sp = 0; sp < opt.split_points.size(); ++sp) {
        const XY p = metric.to_plane(opt.split_points[sp].xy);
        double best = kInf;
        std::int32_t be = -1, bs = -1;
        double bt = 0;
        for (std::size_t k = 0; k < de.size(); ++k)
            for (std::size_t s = 0; s + 1 < de[k].pl.size(); ++s) {
                auto [t, dd] = nearest_on_segment(de[k].pl[s], de[k].pl[s + 1], p);
                if (dd < best) best = dd, be = static_cast<std::int32_t>(k), bs = static_cast<std::int32_t>(s), bt = t;
            }
        if (be < 0 || best > opt.split_max_m) {
            F.push_back({FindingKind::SplitPointFar, {opt.split_points[sp].id}, opt.split_points[sp].xy, best,
                         "split point " + fmt(best, 0) + " m from the nearest line (more than " + fmt(opt.split_max_m, 0) + " m): not used"});
            continue;
        }
        DEdge& e = de[be];
        const XY at_pl = lerp(e.pl[bs], e.pl[bs + 1], bt), at_nat = lerp(e.nat[bs], e.nat[bs + 1], bt);
        double s_along = 0.0;
        for (std::int32_t s = 0; s < bs; ++s) s_along += dist(e.pl[s], e.pl[s + 1]);
        s_along += dist(e.pl[bs], at_pl);
        std::int32_t node;
        if (s_along <= tol) node = e.from;
        else if (e.plane_len - s_along <= tol) node = e.to;
        else {
            node = static_cast<std::int32_t>(npl.size());
            npl.push_back(at_pl);
            nnat.push_back(at_nat);
            d.push_back(d[e.to] + (e.plane_len - s_along));
            DEdge tail{node, e.to, {at_nat}, {at_pl}, e.plane_len - s_along, e.feature, e.reversed};
            for (std::size_t k = bs + 1; k < e.pl.size(); ++k) tail.nat.push_back(e.nat[k]), tail.pl.push_back(e.pl[k]);
            e.nat.resize(bs + 1);
            e.pl.resize(bs + 1);
            e.nat.push_back(at_nat);
            e.pl.push_back(at_pl);
            e.to = node;
            e.plane_len = s_along;
            de.push_back(std::move(tail));
        }
        forced.insert(node);
        point_node.push_back({sp, node});
        point_dist.push_back(best);
    }
    const std::size_t nn2 = npl.size();
    std::vector<std::vector<std::int32_t>> outs(nn2), ins(nn2);
    for (std::size_t k = 0; k < de.size(); ++k) {
        outs[de[k].from].push_back(static_cast<std::int32_t>(k));
        ins[de[k].to].push_back(static_cast<std::int32_t>(k));
    }

    // declared directions must leave every node but the outlet an outflow, and no cycle
    {
        Problems probs;
        for (std::size_t n = 0; n < nn2; ++n)
            if (static_cast<std::int32_t>(n) != outlet && outs[n].empty() && std::isfinite(d[n])) {
                std::set<std::string> ids;
                for (auto k : ins[n]) ids.insert(features[de[k].feature].id);
                std::string list;
                for (auto& s : ids) list += (list.empty() ? "" : ", ") + s;
                probs.add("", "node at " + fmt(nnat[n].first, 6) + "," + fmt(nnat[n].second, 6), "direction", "",
                          "features " + list + " all flow into this point and nothing flows out (a flow-direction or "
                          "elevation value is wrong, or the outlet is elsewhere)");
            }
        std::vector<std::int32_t> indeg(nn2, 0);
        for (const auto& e : de) ++indeg[e.to];
        std::vector<std::int32_t> q;
        for (std::size_t n = 0; n < nn2; ++n)
            if (indeg[n] == 0) q.push_back(static_cast<std::int32_t>(n));
        std::size_t seen = 0;
        while (!q.empty()) {
            auto n = q.back();
            q.pop_back();
            ++seen;
            for (auto k : outs[n])
                if (--indeg[de[k].to] == 0) q.push_back(de[k].to);
        }
        if (seen < nn2) {
            std::set<std::string> ids;
            for (const auto& e : de)
                if (indeg[e.to] > 0 && indeg[e.from] > 0) ids.insert(features[e.feature].id);
            std::string list;
            for (auto& s : ids) list += (list.empty() ? "" : ", ") + s;
            probs.add("", "", "direction", "", "the declared flow directions make a cycle through features " + list);
        }
        probs.throw_if_any("the line layer's flow directions contradict each other");
    }

    // ---- (5) loops: edges on a cycle of the undirected graph (not bridges), grouped
    UnionFind lu;
    std::map<std::int32_t, std::size_t> loop_finding;  // loop group -> its finding
    {
        std::vector<std::int32_t> disc(nn2, -1), low(nn2, 0);
        std::vector<char> bridge(de.size(), 0);
        std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>> adj(nn2);  // (node, edge)
        for (std::size_t k = 0; k < de.size(); ++k) {
            adj[de[k].from].push_back({de[k].to, static_cast<std::int32_t>(k)});
            adj[de[k].to].push_back({de[k].from, static_cast<std::int32_t>(k)});
        }
        std::int32_t timer = 0;
        for (std::size_t s = 0; s < nn2; ++s) {
            if (disc[s] >= 0 || adj[s].empty()) continue;
            // iterative DFS: (node, parent edge, next adjacency index)
            std::vector<std::tuple<std::int32_t, std::int32_t, std::size_t>> st{{static_cast<std::int32_t>(s), -1, 0}};
            disc[s] = low[s] = timer++;
            while (!st.empty()) {
                auto& [n, pe, i] = st.back();
                if (i < adj[n].size()) {
                    auto [m, k] = adj[n][i++];
                    if (k == pe) continue;
                    if (disc[m] < 0) {
                        disc[m] = low[m] = timer++;
                        st.push_back({m, k, 0});
                    } else {
                        low[n] = std::min(low[n], disc[m]);
                    }
                } else {
                    const auto child = n, cpe = pe;
                    st.pop_back();
                    if (!st.empty()) {
                        auto& [pn, ppe, pi] = st.back();
                        low[pn] = std::min(low[pn], low[child]);
                        if (low[child] > disc[pn]) bridge[cpe] = 1;
                    }
                }
            }
        }
        lu = UnionFind(nn2);
        for (std::size_t k = 0; k < de.size(); ++k)
            if (!bridge[k]) lu.unite(de[k].from, de[k].to);
        std::map<std::int32_t, std::set<std::string>> loops;
        std::map<std::int32_t, XY> at;
        for (std::size_t k = 0; k < de.size(); ++k)
            if (!bridge[k]) {
                loops[lu.find(de[k].from)].insert(features[de[k].feature].id);
                at.emplace(lu.find(de[k].from), de[k].nat.front());
            }
        for (auto& [c, ids] : loops) {
            loop_finding[c] = F.size();
            F.push_back({FindingKind::Loop, {ids.begin(), ids.end()}, at[c], 0.0,
                         "the lines form a loop (a braided or side channel): flow splits where two lines leave a node"});
        }
    }

    // ---- (7) reaches: chains of edges between break nodes
    auto name_of = [&](std::int32_t k) -> const std::string& { return features[de[k].feature].name; };
    std::vector<char> brk(nn2, 0);
    for (std::size_t n = 0; n < nn2; ++n)
        brk[n] = ins[n].size() != 1 || outs[n].size() != 1 || static_cast<std::int32_t>(n) == outlet || forced.count(static_cast<std::int32_t>(n)) ||
                 name_of(ins[n][0]) != name_of(outs[n][0]);
    std::vector<std::vector<std::int32_t>> chains;
    std::vector<std::int32_t> chain_of_first(de.size(), -1);
    for (std::size_t k = 0; k < de.size(); ++k) {
        if (!brk[de[k].from]) continue;
        std::vector<std::int32_t> ch{static_cast<std::int32_t>(k)};
        while (!brk[de[ch.back()].to]) ch.push_back(outs[de[ch.back()].to][0]);
        chain_of_first[k] = static_cast<std::int32_t>(chains.size());
        chains.push_back(std::move(ch));
    }
    const std::size_t nr = chains.size();
    std::vector<LineReach> R(nr);
    std::vector<std::int32_t> down(nr, -1), split(nr, -1);
    std::vector<std::int32_t> reach_from(nr), reach_to(nr);
    for (std::size_t r = 0; r < nr; ++r) {
        auto& x = R[r];
        for (auto k : chains[r]) {
            for (std::size_t i = 0; i < de[k].nat.size(); ++i)
                if (x.line.empty() || i > 0) x.line.push_back(de[k].nat[i]);
            const auto& id = features[de[k].feature].id;
            if (x.features.empty() || x.features.back() != id) x.features.push_back(id);
        }
        for (std::size_t i = 1; i < x.line.size(); ++i) x.length_m += metric.segment_m(x.line[i - 1], x.line[i]);
        x.river = name_of(chains[r][0]);
        if (x.river.empty()) x.river = "unnamed " + x.features.front();
        reach_from[r] = de[chains[r].front()].from;
        reach_to[r] = de[chains[r].back()].to;
        x.headwater = ins[reach_from[r]].empty();
    }
    for (std::size_t r = 0; r < nr; ++r) {
        std::vector<std::int32_t> o = outs[reach_to[r]];
        // main outflow: the one on the shortest path to the outlet
        std::sort(o.begin(), o.end(), [&](auto a, auto b) {
            const double da = d[de[a].to] + de[a].plane_len, db = d[de[b].to] + de[b].plane_len;
            return da != db ? da < db : de[a].pl < de[b].pl;
        });
        if (!o.empty()) down[r] = chain_of_first[o[0]];
        if (o.size() >= 2) split[r] = chain_of_first[o[1]];
        if (o.size() >= 3) {
            std::vector<std::string> ids;
            for (auto k : o) ids.push_back(features[de[k].feature].id);
            F.push_back({FindingKind::Loop, ids, nnat[reach_to[r]], 0.0,
                         "more than two lines leave this node: the model splits flow in two; the others become headwaters"});
        }
    }

    // ---- ids: hash of the rounded end and middle coordinates
    auto key_of = [&](const LineReach& x) {
        auto rd = [&](XY p) {
            return std::to_string(std::llround(p.first / metric.id_grid)) + "," + std::to_string(std::llround(p.second / metric.id_grid));
        };
        return rd(x.line.front()) + ";" + rd(x.line[x.line.size() / 2]) + ";" + rd(x.line.back());
    };
    std::map<std::string, std::vector<std::int32_t>> by_id;
    for (std::size_t r = 0; r < nr; ++r) {
        const std::uint64_t h = fnv1a(key_of(R[r]));
        char b[16];
        std::snprintf(b, sizeof b, "R%08X", static_cast<unsigned>((h >> 32) ^ (h & 0xffffffffULL)));
        by_id[b].push_back(static_cast<std::int32_t>(r));
    }
    for (auto& [id, rs] : by_id) {
        std::sort(rs.begin(), rs.end(), [&](auto a, auto b) { return R[a].line < R[b].line; });
        for (std::size_t i = 0; i < rs.size(); ++i) R[rs[i]].id = i == 0 ? id : id + "-" + std::to_string(i + 1);
    }
    // distance from each reach's end to the outlet along main links (upstream first order not needed: memoised walk)
    std::vector<double> to_out(nr, -1.0);
    for (std::size_t r0 = 0; r0 < nr; ++r0) {  // walk down to a known reach, then back up (the links are acyclic)
        std::vector<std::int32_t> path;
        std::int32_t r = static_cast<std::int32_t>(r0);
        while (r >= 0 && to_out[r] < 0) path.push_back(r), r = down[r];
        double acc = r < 0 ? 0.0 : to_out[r] + R[r].length_m;
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            to_out[*it] = down[*it] < 0 ? 0.0 : acc;
            acc = to_out[*it] + R[*it].length_m;
        }
    }
    for (std::size_t r = 0; r < nr; ++r) {
        R[r].to_outlet_m = to_out[r];
        R[r].downstream = down[r] < 0 ? "" : R[down[r]].id;
        R[r].split_to = split[r] < 0 ? "" : R[split[r]].id;
    }
    // where a loop splits flow, the finding names the reach that needs a split fraction
    for (std::size_t r = 0; r < nr; ++r)
        if (split[r] >= 0)
            if (auto it = loop_finding.find(lu.find(reach_to[r])); it != loop_finding.end())
                F[it->second].message += "; reach " + R[r].id + " splits into " + R[down[r]].id + " and " + R[split[r]].id +
                                         ": give its split_fraction (the share into " + R[split[r]].id + ")";
    // split points: the reach starting at the point's node (ending there at the outlet)
    for (std::size_t i = 0; i < point_node.size(); ++i) {
        const auto [sp, node] = point_node[i];
        SnappedSplitPoint s{opt.split_points[sp].id, "", 0.0, point_dist[i]};
        for (std::size_t r = 0; r < nr; ++r)
            if (reach_from[r] == node && (s.reach.empty() || down[r] >= 0)) s.reach = R[r].id, s.position_m = 0.0;
        if (s.reach.empty())
            for (std::size_t r = 0; r < nr; ++r)
                if (reach_to[r] == node) s.reach = R[r].id, s.position_m = R[r].length_m;
        out.points.push_back(std::move(s));
    }
    std::sort(R.begin(), R.end(), [](const LineReach& a, const LineReach& b) { return a.id < b.id; });
    out.reaches = std::move(R);
    std::stable_sort(F.begin(), F.end(), [](const LineFinding& a, const LineFinding& b) {
        return a.kind != b.kind ? a.kind < b.kind : a.features < b.features;
    });
    return out;
}

}  // namespace qingliu::reaches
