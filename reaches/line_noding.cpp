// Lines to a planar graph (steps 1 and 2 of reaches/line_network.hpp): line ends within the tolerance become one
// node, a node on another line's interior splits it (a confluence digitised as a T), a line running on past a line it
// crosses by no more than the gap distance is cut there (an overshoot); other crossings and gaps are reported.
#include "common/error.hpp"
#include "reaches/line_network_stages.hpp"

namespace qingliu::reaches::line_stages {

namespace {

struct Cut {
    std::int32_t seg;
    double t;
    std::int32_t node;  // union-find id of the node at the cut
    XY pl, nat;
};

// Nearest point of another piece: (piece, seg, t, distance).
struct Near {
    std::int32_t piece, seg;
    double t, d;
};

class Noder {
public:
    Noder(const std::vector<LineFeature>& features, const LineNetworkOptions& opt, const LineMetric& metric, std::vector<LineFinding>& F)
        : features_(features), metric_(metric), F(F), tol_(std::max(opt.tolerance_m, kSame_m)),
          gap_(opt.gap_m > 0.0 ? std::max(opt.gap_m, tol_) : 20.0 * tol_) {}

    PlanarGraph run() {
        make_pieces();
        index_segments();
        join_ends();
        split_at_nodes();
        recount();
        cut_crossings();
        report_gaps();
        place_nodes();
        make_edges();
        drop_edges();
        if (edges_.empty()) throw InputError("the line layer has no usable lines", {});
        return {std::move(pieces_), std::move(edges_)};
    }

private:
    const std::string& fid(std::int32_t f) const { return features_[f].id; }
    std::int32_t ends() const { return static_cast<std::int32_t>(2 * np_); }
    // endpoint 2i: first vertex of piece i, 2i+1: last vertex
    XY end_pl(std::int32_t e) const { const auto& p = pieces_[e / 2]; return e % 2 ? p.pl.back() : p.pl.front(); }
    XY end_nat(std::int32_t e) const { const auto& p = pieces_[e / 2]; return e % 2 ? p.nat.back() : p.nat.front(); }
    bool is_free(std::int32_t e) const { return end_count_[e] == 1 && !end_used_[e]; }
    static double along_at(const Piece& p, std::int32_t seg, double t) { return p.along[seg] + t * (p.along[seg + 1] - p.along[seg]); }

    // Pieces: one per part with at least two distinct vertices; closed lines are loops.
    void make_pieces() {
        for (std::size_t f = 0; f < features_.size(); ++f) {
            const auto& ft = features_[f];
            for (const auto& part : ft.parts) {
                Piece p{static_cast<std::int32_t>(f), {}, {}, {}};
                for (const auto& v : part) {
                    const XY q = metric_.to_plane(v);
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
                if (dist(p.pl.front(), p.pl.back()) <= tol_) {
                    F.push_back({FindingKind::Loop, {ft.id}, p.nat.front(), 0.0,
                                 "closed line (its ends meet): it has no downstream end and is left out"});
                    continue;
                }
                pieces_.push_back(std::move(p));
            }
            if (ft.parts.size() > 1)
                F.push_back({FindingKind::MultiPart, {ft.id}, ft.parts.size() > 1 && !ft.parts[1].empty() ? ft.parts[1].front() : XY{}, 0.0,
                             std::to_string(ft.parts.size()) + " parts: each part is used as a line of its own and connected by "
                             "its ends"});
        }
        np_ = pieces_.size();
    }

    // Segment index: a grid of cells about twice the mean segment length (at least the gap distance).
    void index_segments() {
        double total = 0.0;
        std::size_t nseg = 0;
        for (const auto& p : pieces_) total += p.along.back(), nseg += p.pl.size() - 1;
        grid_ = Grid(std::max(gap_, nseg ? 2.0 * total / static_cast<double>(nseg) : 1.0));
        for (std::size_t i = 0; i < np_; ++i)
            for (std::size_t s = 0; s + 1 < pieces_[i].pl.size(); ++s)
                grid_.insert_box(pieces_[i].pl[s], pieces_[i].pl[s + 1], static_cast<std::int64_t>(i) << 32 | static_cast<std::int64_t>(s));
    }

    // Nearest point of each other piece to p within r.
    std::vector<Near> near_pieces(XY p, double r, std::int32_t skip) const {
        std::map<std::int32_t, Near> best;
        for (auto item : grid_.query(p, p, r)) {
            const auto pc = static_cast<std::int32_t>(item >> 32), sg = static_cast<std::int32_t>(item & 0xffffffff);
            if (pc == skip) continue;
            const auto [t, d] = nearest_on_segment(pieces_[pc].pl[sg], pieces_[pc].pl[sg + 1], p);
            if (d > r) continue;
            auto it = best.find(pc);
            if (it == best.end() || d < it->second.d) best[pc] = {pc, sg, t, d};
        }
        std::vector<Near> v;
        for (auto& [k, n] : best) v.push_back(n);
        return v;
    }

    // (1) line ends within the tolerance are one node
    void join_ends() {
        uf_ = UnionFind(2 * np_);
        Grid pg(tol_);
        for (std::int32_t e = 0; e < ends(); ++e) pg.insert_box(end_pl(e), end_pl(e), e);
        for (std::int32_t e = 0; e < ends(); ++e)
            for (auto o : pg.query(end_pl(e), end_pl(e), tol_))
                if (o != e && dist(end_pl(e), end_pl(static_cast<std::int32_t>(o))) <= tol_) uf_.unite(e, static_cast<std::int32_t>(o));
        cuts_.assign(np_, {});
        end_used_.assign(2 * np_, 0);
        drop_first_.assign(np_, 0);
        drop_last_.assign(np_, 0);
    }

    // (1b) a node on the interior of another line splits that line
    void split_at_nodes() {
        std::map<std::int32_t, std::vector<std::int32_t>> members;
        for (std::int32_t e = 0; e < ends(); ++e) members[uf_.find(e)].push_back(e);
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
            for (const auto& n : near_pieces(c, tol_, -1)) {
                if (member_pieces.count(n.piece)) continue;
                const Piece& q = pieces_[n.piece];
                const double s = along_at(q, n.seg, n.t);
                if (s <= tol_) { uf_.unite(root, 2 * n.piece); continue; }                    // at q's start after all
                if (q.along.back() - s <= tol_) { uf_.unite(root, 2 * n.piece + 1); continue; }  // at q's end
                const XY at_pl = lerp(q.pl[n.seg], q.pl[n.seg + 1], n.t), at_nat = lerp(q.nat[n.seg], q.nat[n.seg + 1], n.t);
                cuts_[n.piece].push_back({n.seg, n.t, root, at_pl, at_nat});
                std::vector<std::string> ids;
                double moved = 0.0;
                for (auto e : ms) {
                    end_used_[e] = 1;
                    ids.push_back(fid(pieces_[e / 2].feature));
                    moved = std::max(moved, dist(end_pl(e), at_pl));
                }
                ids.push_back(fid(q.feature));
                F.push_back({FindingKind::Junction, ids, at_nat, moved,
                             "line end on the interior of feature " + fid(q.feature) + (moved > kSame_m ? " (" + fmt(moved, 2) + " m away)" : "") +
                                 ": that line is split there (a confluence)"});
            }
        }
    }

    void recount() {
        end_count_.assign(2 * np_, 0);
        std::unordered_map<std::int32_t, std::int32_t> cnt;
        for (std::int32_t e = 0; e < ends(); ++e) ++cnt[uf_.find(e)];
        for (std::int32_t e = 0; e < ends(); ++e) end_count_[e] = cnt[uf_.find(e)];
    }

    // (2) crossings: overshoots are cut, other crossings reported
    void cut_crossings() {
        std::map<std::pair<std::size_t, std::size_t>, std::vector<XY>> crossings;
        for (std::size_t i = 0; i < np_; ++i) {
            const Piece& p = pieces_[i];
            for (std::size_t s = 0; s + 1 < p.pl.size(); ++s)
                for (auto item : grid_.query(p.pl[s], p.pl[s + 1], 0.0)) {
                    const auto j = static_cast<std::size_t>(item >> 32), sj = static_cast<std::size_t>(item & 0xffffffff);
                    if (j <= i) continue;  // each pair once; a line crossing itself is left alone
                    const Piece& q = pieces_[j];
                    auto x = intersect(p.pl[s], p.pl[s + 1], q.pl[sj], q.pl[sj + 1]);
                    if (!x) continue;
                    const double sp = along_at(p, static_cast<std::int32_t>(s), x->first), sq = along_at(q, static_cast<std::int32_t>(sj), x->second);
                    const double lp = p.along.back(), lq = q.along.back();
                    if (std::min(sp, lp - sp) <= tol_ || std::min(sq, lq - sq) <= tol_) continue;  // at a line end: a node already
                    const XY at_pl = lerp(p.pl[s], p.pl[s + 1], x->first);
                    // the same crossing found again on the next segment (it lies on a vertex)
                    auto& prev = crossings[{i, j}];
                    if (std::any_of(prev.begin(), prev.end(), [&](XY c) { return dist(c, at_pl) <= tol_; })) continue;
                    prev.push_back(at_pl);
                    crossing(i, s, x->first, sp, j, sj, x->second, sq);
                }
        }
    }

    // One crossing of pieces i (segment s, parameter t, at sp along it) and j: an overshoot is cut, else reported.
    void crossing(std::size_t i, std::size_t s, double t, double sp, std::size_t j, std::size_t sj, double u, double sq) {
        const Piece& p = pieces_[i];
        const Piece& q = pieces_[j];
        const double lp = p.along.back(), lq = q.along.back();
        const XY at_pl = lerp(p.pl[s], p.pl[s + 1], t), at_nat = lerp(p.nat[s], p.nat[s + 1], t);
        // which end, if any, overshoots: the free end nearer the crossing, within the gap distance
        struct Over { std::size_t piece; double run; bool last; };
        std::optional<Over> over;
        auto consider = [&](std::size_t k, double sk, double lk) {
            if (lk - sk <= gap_ && is_free(static_cast<std::int32_t>(2 * k + 1)) && (!over || lk - sk < over->run))
                over = Over{k, lk - sk, true};
            if (sk <= gap_ && is_free(static_cast<std::int32_t>(2 * k)) && (!over || sk < over->run))
                over = Over{k, sk, false};
        };
        consider(i, sp, lp);
        consider(j, sq, lq);
        if (!over) {
            F.push_back({FindingKind::Crossing, {fid(p.feature), fid(q.feature)}, at_nat, 0.0,
                         "the lines cross away from their ends: not connected (a bridge or aqueduct, or split "
                         "them at the crossing if they meet)"});
            return;
        }
        const std::int32_t node = uf_.add();
        end_used_.push_back(0);
        end_count_.push_back(0);
        cuts_[i].push_back({static_cast<std::int32_t>(s), t, node, at_pl, at_nat});
        cuts_[j].push_back({static_cast<std::int32_t>(sj), u, node, at_pl, at_nat});
        const std::size_t k = over->piece;
        (over->last ? drop_last_ : drop_first_)[k] = 1;
        end_used_[2 * k + (over->last ? 1 : 0)] = 1;
        const std::size_t other = k == i ? j : i;
        F.push_back({FindingKind::Dangle, {fid(pieces_[k].feature), fid(pieces_[other].feature)}, at_nat, over->run,
                     "feature " + fid(pieces_[k].feature) + " runs " + fmt(over->run, 1) + " m past feature " +
                         fid(pieces_[other].feature) + " (an overshoot): cut at the crossing"});
    }

    // gaps: free line ends near another line, beyond the tolerance
    void report_gaps() {
        for (std::int32_t e = 0; e < ends(); ++e) {
            if (!is_free(e)) continue;
            std::optional<Near> best;
            for (const auto& n : near_pieces(end_pl(e), gap_, e / 2))
                if (!best || n.d < best->d) best = n;
            if (!best) continue;
            F.push_back({FindingKind::Gap, {fid(pieces_[e / 2].feature), fid(pieces_[best->piece].feature)}, end_nat(e), best->d,
                         "line end " + fmt(best->d, 1) + " m from feature " + fid(pieces_[best->piece].feature) +
                             ": not connected (more than the tolerance; raise --tolerance-m or fix the line)"});
        }
    }

    // Node positions: a cut's point where there is one, else the mean of the ends (sorted: independent of order);
    // ends that moved are reported.
    void place_nodes() {
        std::map<std::int32_t, std::vector<std::pair<XY, XY>>> at_ends;
        for (std::int32_t e = 0; e < ends(); ++e) at_ends[uf_.find(e)].push_back({end_pl(e), end_nat(e)});
        for (auto& [r, v] : at_ends) {
            std::sort(v.begin(), v.end());
            double a = 0, b = 0, c = 0, d = 0;
            for (auto& [pl, nat] : v) a += pl.first, b += pl.second, c += nat.first, d += nat.second;
            const double n = static_cast<double>(v.size());
            node_pos_[r] = {{a / n, b / n}, {c / n, d / n}};
        }
        for (std::size_t i = 0; i < np_; ++i)
            for (const auto& c : cuts_[i]) node_pos_[uf_.find(c.node)] = {c.pl, c.nat};
        std::map<std::int32_t, std::vector<std::int32_t>> members;
        for (std::int32_t e = 0; e < ends(); ++e) members[uf_.find(e)].push_back(e);
        for (const auto& [r, ms] : members) {
            double moved = 0.0;
            std::set<std::string> ids;
            bool junction = false;
            for (auto e : ms) {
                moved = std::max(moved, dist(end_pl(e), node_pos_[r].first));
                ids.insert(fid(pieces_[e / 2].feature));
                junction = junction || end_used_[e];
            }
            if (ms.size() >= 2 && moved > kSame_m && !junction)
                F.push_back({FindingKind::Snapped, {ids.begin(), ids.end()}, node_pos_[r].second, moved,
                             "line ends up to " + fmt(moved, 2) + " m apart joined at one node"});
        }
    }

    // Edges: pieces split at their cuts.
    void make_edges() {
        for (std::size_t i = 0; i < np_; ++i) {
            const Piece& p = pieces_[i];
            auto cs = cuts_[i];
            std::sort(cs.begin(), cs.end(), [](const Cut& a, const Cut& b) { return a.seg != b.seg ? a.seg < b.seg : a.t < b.t; });
            std::int32_t start_node = uf_.find(static_cast<std::int32_t>(2 * i));
            std::vector<XY> nat{node_pos_[start_node].second}, pl{node_pos_[start_node].first};
            const std::size_t first_edge = edges_.size();
            std::size_t ci = 0;
            for (std::size_t s = 0; s + 1 < p.pl.size(); ++s) {
                while (ci < cs.size() && cs[ci].seg == static_cast<std::int32_t>(s)) {
                    const std::int32_t node = uf_.find(cs[ci].node);
                    nat.push_back(node_pos_[node].second);
                    pl.push_back(node_pos_[node].first);
                    edges_.push_back({static_cast<std::int32_t>(i), start_node, node, nat, pl, 0.0});
                    start_node = node;
                    nat = {node_pos_[node].second};
                    pl = {node_pos_[node].first};
                    ++ci;
                }
                if (s + 2 < p.pl.size()) {
                    nat.push_back(p.nat[s + 1]);
                    pl.push_back(p.pl[s + 1]);
                }
            }
            const std::int32_t end_node = uf_.find(static_cast<std::int32_t>(2 * i + 1));
            nat.push_back(node_pos_[end_node].second);
            pl.push_back(node_pos_[end_node].first);
            edges_.push_back({static_cast<std::int32_t>(i), start_node, end_node, nat, pl, 0.0});
            if (drop_first_[i]) edges_[first_edge].drop = true;
            if (drop_last_[i]) edges_.back().drop = true;
        }
    }

    // Removes dropped and zero-length edges and duplicate vertices; self-loops are loops.
    void drop_edges() {
        std::vector<Edge> kept;
        for (auto& e : edges_) {
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
                F.push_back({FindingKind::Loop, {fid(pieces_[e.piece].feature)}, e.nat.front(), 0.0,
                             "the line returns to the node it starts from: left out"});
                continue;
            }
            kept.push_back(std::move(e));
        }
        edges_ = std::move(kept);
    }

    const std::vector<LineFeature>& features_;
    const LineMetric& metric_;
    std::vector<LineFinding>& F;
    const double tol_, gap_;
    std::vector<Piece> pieces_;
    std::size_t np_ = 0;
    Grid grid_{1.0};
    UnionFind uf_;
    std::vector<std::vector<Cut>> cuts_;
    std::vector<char> end_used_;  // an end joined to a line's interior (junction or overshoot)
    std::vector<char> drop_first_, drop_last_;
    std::vector<std::int32_t> end_count_;
    std::unordered_map<std::int32_t, std::pair<XY, XY>> node_pos_;  // root -> (plane, native)
    std::vector<Edge> edges_;
};

}  // namespace

PlanarGraph planar_graph(const std::vector<LineFeature>& features, const LineNetworkOptions& opt, const LineMetric& metric,
                         std::vector<LineFinding>& findings) {
    return Noder(features, opt, metric, findings).run();
}

}  // namespace qingliu::reaches::line_stages
