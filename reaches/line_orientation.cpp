// The planar graph oriented towards its outlet (steps 3 to 6 of reaches/line_network.hpp): the outlet chosen, the
// lines not connected to it reported, every edge oriented (declared direction or elevation, else from the higher to
// the lower distance to the outlet), split points cut in, declared directions checked, loops found.
#include <queue>
#include <tuple>

#include "common/error.hpp"
#include "reaches/line_network_stages.hpp"

namespace qingliu::reaches::line_stages {

namespace {

// +1 flows in digitised order, -1 against it, 0 unknown: the declared direction, else the elevations.
int declared_direction(const LineFeature& ft) {
    int dir = ft.direction;
    if (dir == 0 && ft.elevation_first && ft.elevation_last && *ft.elevation_first != *ft.elevation_last)
        dir = *ft.elevation_first > *ft.elevation_last ? 1 : -1;
    return dir;
}

std::string joined(const std::set<std::string>& ids) {
    std::string list;
    for (auto& s : ids) list += (list.empty() ? "" : ", ") + s;
    return list;
}

class Orienter {
public:
    Orienter(const std::vector<LineFeature>& features, PlanarGraph graph, const LineNetworkOptions& opt, const LineMetric& metric,
             std::vector<LineFinding>& F)
        : features_(features), pieces_(std::move(graph.pieces)), edges_(std::move(graph.edges)), opt_(opt), metric_(metric), F(F),
          tol_(std::max(opt.tolerance_m, kSame_m)) {}

    OrientedGraph run() {
        compact_nodes();
        if (opt_.outlet) outlet_at_point();
        else if (!opt_.outlet_feature.empty()) outlet_of_feature();
        else inferred_outlet();
        distances();
        report_disconnected();
        orient_edges();
        cut_split_points();
        const std::size_t nn2 = g_.npl.size();
        g_.outs.assign(nn2, {});
        g_.ins.assign(nn2, {});
        for (std::size_t k = 0; k < g_.de.size(); ++k) {
            g_.outs[g_.de[k].from].push_back(static_cast<std::int32_t>(k));
            g_.ins[g_.de[k].to].push_back(static_cast<std::int32_t>(k));
        }
        check_directions();
        find_loops();
        return std::move(g_);
    }

private:
    const std::string& fid(std::int32_t f) const { return features_[f].id; }
    std::int32_t other_end(std::int32_t k, std::int32_t n) const { return edges_[k].u == n ? edges_[k].v : edges_[k].u; }

    // Graph on compact node ids.
    void compact_nodes() {
        std::map<std::int32_t, std::int32_t> node_index;
        for (auto& e : edges_) {
            e.u = node_index.emplace(e.u, static_cast<std::int32_t>(node_index.size())).first->second;
            e.v = node_index.emplace(e.v, static_cast<std::int32_t>(node_index.size())).first->second;
        }
        nn_ = node_index.size();
        g_.npl.assign(nn_, {});
        g_.nnat.assign(nn_, {});
        for (auto& e : edges_) {
            g_.npl[e.u] = e.pl.front(), g_.nnat[e.u] = e.nat.front();
            g_.npl[e.v] = e.pl.back(), g_.nnat[e.v] = e.nat.back();
        }
        inc_.assign(nn_, {});
        for (std::size_t k = 0; k < edges_.size(); ++k) {
            inc_[edges_[k].u].push_back(static_cast<std::int32_t>(k));
            inc_[edges_[k].v].push_back(static_cast<std::int32_t>(k));
        }
    }

    // (3) the outlet: the free line end nearest the given point
    void outlet_at_point() {
        const XY p = metric_.to_plane(*opt_.outlet);
        double best = kInf;
        std::int32_t& outlet = g_.outlet;
        for (std::size_t n = 0; n < nn_; ++n)
            if (inc_[n].size() == 1 && dist(g_.npl[n], p) < best) best = dist(g_.npl[n], p), outlet = static_cast<std::int32_t>(n);
        if (outlet < 0) throw InputError("the lines have no free end to be the outlet", {});
        F.push_back({FindingKind::Outlet, {fid(pieces_[edges_[inc_[outlet][0]].piece].feature)}, g_.nnat[outlet], best,
                     "outlet: the line end nearest the given point (" + fmt(best, 1) + " m away)"});
    }

    // (3) the outlet: the free end of the named feature (its digitised last vertex where that is free)
    void outlet_of_feature() {
        std::int32_t last_end = -1;
        std::vector<std::int32_t> free_ends;
        for (std::size_t k = 0; k < edges_.size(); ++k) {
            if (fid(pieces_[edges_[k].piece].feature) != opt_.outlet_feature) continue;
            for (auto n : {edges_[k].u, edges_[k].v})
                if (inc_[n].size() == 1) free_ends.push_back(n);
            const auto& ft = features_[pieces_[edges_[k].piece].feature];
            if (!ft.parts.empty() && !ft.parts.back().empty() && dist(metric_.to_plane(ft.parts.back().back()), g_.npl[edges_[k].v]) <= tol_)
                last_end = edges_[k].v;
        }
        if (free_ends.empty())
            throw InputError("--outlet-feature " + opt_.outlet_feature + ": no such feature, or it has no free end", {});
        g_.outlet = std::find(free_ends.begin(), free_ends.end(), last_end) != free_ends.end()
                        ? last_end
                        : *std::min_element(free_ends.begin(), free_ends.end(), [&](auto a, auto b) { return g_.npl[a] < g_.npl[b]; });
        F.push_back({FindingKind::Outlet, {opt_.outlet_feature}, g_.nnat[g_.outlet], 0.0, "outlet: the free end of the named feature"});
    }

    // (3) the outlet from declared directions, else from the digitised direction: the free end where lines arrive and
    // none leave, in the largest connected set of lines
    void inferred_outlet() {
        std::vector<std::int32_t> in(nn_, 0), outd(nn_, 0);
        for (const auto& e : edges_) {
            int dir = declared_direction(features_[pieces_[e.piece].feature]);
            if (dir == 0) dir = 1;
            ++outd[dir > 0 ? e.u : e.v];
            ++in[dir > 0 ? e.v : e.u];
        }
        std::vector<std::int32_t> sinks;
        for (std::size_t n = 0; n < nn_; ++n)
            if (inc_[n].size() == 1 && outd[n] == 0) sinks.push_back(static_cast<std::int32_t>(n));
        UnionFind cu(nn_);
        for (const auto& e : edges_) cu.unite(e.u, e.v);
        std::unordered_map<std::int32_t, double> comp_len;
        for (const auto& e : edges_) comp_len[cu.find(e.u)] += e.plane_len;
        std::int32_t big = -1;
        for (auto& [c, l] : comp_len)
            if (big < 0 || l > comp_len[big] || (l == comp_len[big] && c < big)) big = c;
        std::vector<std::int32_t> cand;
        for (auto s : sinks)
            if (cu.find(s) == big) cand.push_back(s);
        if (cand.size() != 1) {
            std::string where;
            for (auto s : cand) where += (where.empty() ? "" : "; ") + fmt(g_.nnat[s].first, 6) + "," + fmt(g_.nnat[s].second, 6);
            throw InputError("cannot tell the outlet from the lines' digitised direction (" + std::to_string(cand.size()) +
                                 " candidate ends" + (where.empty() ? "" : ": " + where) + "): give --outlet X,Y or --outlet-feature ID",
                             {});
        }
        g_.outlet = cand[0];
        F.push_back({FindingKind::Outlet, {fid(pieces_[edges_[inc_[g_.outlet][0]].piece].feature)}, g_.nnat[g_.outlet], 0.0,
                     "outlet inferred: the only free end of the largest connected set of lines where lines arrive and none "
                     "leave (by digitised or declared direction); give --outlet to choose another"});
    }

    // Distances to the outlet along the lines (Dijkstra); infinite outside the outlet's component.
    void distances() {
        std::vector<double>& d = g_.d;
        d.assign(nn_, kInf);
        using QE = std::pair<double, std::int32_t>;
        std::priority_queue<QE, std::vector<QE>, std::greater<>> q;
        d[g_.outlet] = 0.0;
        q.push({0.0, g_.outlet});
        while (!q.empty()) {
            auto [dv, n] = q.top();
            q.pop();
            if (dv > d[n]) continue;
            for (auto k : inc_[n]) {
                const auto m = other_end(k, n);
                if (d[n] + edges_[k].plane_len < d[m]) {
                    d[m] = d[n] + edges_[k].plane_len;
                    q.push({d[m], m});
                }
            }
        }
    }

    void report_disconnected() {
        UnionFind cu(nn_);
        for (const auto& e : edges_) cu.unite(e.u, e.v);
        std::map<std::int32_t, std::set<std::string>> comps;
        std::map<std::int32_t, XY> at;
        for (const auto& e : edges_)
            if (!std::isfinite(g_.d[e.u])) {
                comps[cu.find(e.u)].insert(fid(pieces_[e.piece].feature));
                at.emplace(cu.find(e.u), e.nat.front());
            }
        for (auto& [c, ids] : comps)
            F.push_back({FindingKind::Disconnected, {ids.begin(), ids.end()}, at[c], 0.0,
                         std::to_string(ids.size()) + " feature(s) not connected to the outlet's network: left out"});
    }

    // (4) orientation: declared, else from the higher to the lower distance to the outlet
    void orient_edges() {
        std::set<std::int32_t> reversed_features;
        for (const auto& e : edges_) {
            if (!std::isfinite(g_.d[e.u])) continue;
            int dir = declared_direction(features_[pieces_[e.piece].feature]);
            const bool declared = dir != 0;
            if (!declared) dir = g_.d[e.u] > g_.d[e.v] ? 1 : g_.d[e.u] < g_.d[e.v] ? -1 : 1;
            DEdge x{dir > 0 ? e.u : e.v, dir > 0 ? e.v : e.u, e.nat, e.pl, e.plane_len, pieces_[e.piece].feature, dir < 0};
            if (dir < 0) {
                std::reverse(x.nat.begin(), x.nat.end());
                std::reverse(x.pl.begin(), x.pl.end());
                if (!declared) reversed_features.insert(x.feature);
            }
            g_.de.push_back(std::move(x));
        }
        for (auto f : reversed_features)
            F.push_back({FindingKind::Reversed, {features_[f].id},
                         features_[f].parts.empty() || features_[f].parts[0].empty() ? XY{} : features_[f].parts[0].front(), 0.0,
                         "digitised against the flow (its first vertex is downstream): reversed"});
    }

    // (6) split points cut the edge they snap to
    void cut_split_points() {
        for (std::size_t sp = 0; sp < opt_.split_points.size(); ++sp) {
            const XY p = metric_.to_plane(opt_.split_points[sp].xy);
            double best = kInf;
            std::int32_t be = -1, bs = -1;
            double bt = 0;
            for (std::size_t k = 0; k < g_.de.size(); ++k)
                for (std::size_t s = 0; s + 1 < g_.de[k].pl.size(); ++s) {
                    auto [t, dd] = nearest_on_segment(g_.de[k].pl[s], g_.de[k].pl[s + 1], p);
                    if (dd < best) best = dd, be = static_cast<std::int32_t>(k), bs = static_cast<std::int32_t>(s), bt = t;
                }
            if (be < 0 || best > opt_.split_max_m) {
                F.push_back({FindingKind::SplitPointFar, {opt_.split_points[sp].id}, opt_.split_points[sp].xy, best,
                             "split point " + fmt(best, 0) + " m from the nearest line (more than " + fmt(opt_.split_max_m, 0) + " m): not used"});
                continue;
            }
            const std::int32_t node = cut_edge(be, bs, bt);
            g_.forced.insert(node);
            g_.point_node.push_back({sp, node});
            g_.point_dist.push_back(best);
        }
    }

    // The node at parameter t of segment s of oriented edge k: its end when within the tolerance, else a new node
    // splitting the edge.
    std::int32_t cut_edge(std::int32_t k, std::int32_t bs, double bt) {
        DEdge& e = g_.de[k];
        const XY at_pl = lerp(e.pl[bs], e.pl[bs + 1], bt), at_nat = lerp(e.nat[bs], e.nat[bs + 1], bt);
        double s_along = 0.0;
        for (std::int32_t s = 0; s < bs; ++s) s_along += dist(e.pl[s], e.pl[s + 1]);
        s_along += dist(e.pl[bs], at_pl);
        if (s_along <= tol_) return e.from;
        if (e.plane_len - s_along <= tol_) return e.to;
        const auto node = static_cast<std::int32_t>(g_.npl.size());
        g_.npl.push_back(at_pl);
        g_.nnat.push_back(at_nat);
        g_.d.push_back(g_.d[e.to] + (e.plane_len - s_along));
        DEdge tail{node, e.to, {at_nat}, {at_pl}, e.plane_len - s_along, e.feature, e.reversed};
        for (std::size_t j = bs + 1; j < e.pl.size(); ++j) tail.nat.push_back(e.nat[j]), tail.pl.push_back(e.pl[j]);
        e.nat.resize(bs + 1);
        e.pl.resize(bs + 1);
        e.nat.push_back(at_nat);
        e.pl.push_back(at_pl);
        e.to = node;
        e.plane_len = s_along;
        g_.de.push_back(std::move(tail));
        return node;
    }

    // Declared directions must leave every node but the outlet an outflow, and no cycle.
    void check_directions() {
        const auto& de = g_.de;
        const std::size_t nn2 = g_.npl.size();
        Problems probs;
        for (std::size_t n = 0; n < nn2; ++n)
            if (static_cast<std::int32_t>(n) != g_.outlet && g_.outs[n].empty() && std::isfinite(g_.d[n])) {
                std::set<std::string> ids;
                for (auto k : g_.ins[n]) ids.insert(features_[de[k].feature].id);
                probs.add("", "node at " + fmt(g_.nnat[n].first, 6) + "," + fmt(g_.nnat[n].second, 6), "direction", "",
                          "features " + joined(ids) + " all flow into this point and nothing flows out (a flow-direction or "
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
            for (auto k : g_.outs[n])
                if (--indeg[de[k].to] == 0) q.push_back(de[k].to);
        }
        if (seen < nn2) {
            std::set<std::string> ids;
            for (const auto& e : de)
                if (indeg[e.to] > 0 && indeg[e.from] > 0) ids.insert(features_[e.feature].id);
            probs.add("", "", "direction", "", "the declared flow directions make a cycle through features " + joined(ids));
        }
        probs.throw_if_any("the line layer's flow directions contradict each other");
    }

    // Bridges of the undirected graph (iterative DFS, Tarjan's low-link): the edges on no cycle.
    std::vector<char> bridges() const {
        const auto& de = g_.de;
        const std::size_t nn2 = g_.npl.size();
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
            // (node, parent edge, next adjacency index)
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
        return bridge;
    }

    // (5) loops: edges on a cycle of the undirected graph (not bridges), grouped
    void find_loops() {
        const auto& de = g_.de;
        const std::vector<char> bridge = bridges();
        g_.loops = UnionFind(g_.npl.size());
        for (std::size_t k = 0; k < de.size(); ++k)
            if (!bridge[k]) g_.loops.unite(de[k].from, de[k].to);
        std::map<std::int32_t, std::set<std::string>> loops;
        std::map<std::int32_t, XY> at;
        for (std::size_t k = 0; k < de.size(); ++k)
            if (!bridge[k]) {
                loops[g_.loops.find(de[k].from)].insert(features_[de[k].feature].id);
                at.emplace(g_.loops.find(de[k].from), de[k].nat.front());
            }
        for (auto& [c, ids] : loops) {
            g_.loop_finding[c] = F.size();
            F.push_back({FindingKind::Loop, {ids.begin(), ids.end()}, at[c], 0.0,
                         "the lines form a loop (a braided or side channel): flow splits where two lines leave a node"});
        }
    }

    const std::vector<LineFeature>& features_;
    std::vector<Piece> pieces_;
    std::vector<Edge> edges_;
    const LineNetworkOptions& opt_;
    const LineMetric& metric_;
    std::vector<LineFinding>& F;
    const double tol_;
    std::size_t nn_ = 0;
    std::vector<std::vector<std::int32_t>> inc_;  // per node: edges touching it
    OrientedGraph g_;
};

}  // namespace

OrientedGraph orient(const std::vector<LineFeature>& features, PlanarGraph graph, const LineNetworkOptions& opt,
                     const LineMetric& metric, std::vector<LineFinding>& findings) {
    return Orienter(features, std::move(graph), opt, metric, findings).run();
}

}  // namespace qingliu::reaches::line_stages
