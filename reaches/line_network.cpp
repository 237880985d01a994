// Reaches from the oriented graph (step 7 of reaches/line_network.hpp): maximal chains of edges between
// confluences, splits, split points and river-name changes; their ids, links and distances to the outlet; and the
// stages put together (reaches/line_network_stages.hpp).
#include "reaches/line_network.hpp"

#include "reaches/line_network_stages.hpp"

namespace qingliu::reaches {

using namespace line_stages;

namespace {

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

struct Reaches {
    std::vector<LineReach> R;
    std::vector<std::int32_t> down, split;            // per reach: main and split downstream reach, or -1
    std::vector<std::int32_t> reach_from, reach_to;   // per reach: its upstream and downstream node
};

// Chains of oriented edges between break nodes, as reaches with their lines, features and links.
Reaches chain_reaches(const std::vector<LineFeature>& features, const OrientedGraph& g, const LineMetric& metric,
                      std::vector<LineFinding>& F) {
    const auto& de = g.de;
    const auto& outs = g.outs;
    const auto& ins = g.ins;
    const std::size_t nn2 = g.npl.size();
    auto name_of = [&](std::int32_t k) -> const std::string& { return features[de[k].feature].name; };
    std::vector<char> brk(nn2, 0);
    for (std::size_t n = 0; n < nn2; ++n)
        brk[n] = ins[n].size() != 1 || outs[n].size() != 1 || static_cast<std::int32_t>(n) == g.outlet || g.forced.count(static_cast<std::int32_t>(n)) ||
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
    Reaches out{std::vector<LineReach>(nr), std::vector<std::int32_t>(nr, -1), std::vector<std::int32_t>(nr, -1),
                std::vector<std::int32_t>(nr), std::vector<std::int32_t>(nr)};
    for (std::size_t r = 0; r < nr; ++r) {
        auto& x = out.R[r];
        for (auto k : chains[r]) {
            for (std::size_t i = 0; i < de[k].nat.size(); ++i)
                if (x.line.empty() || i > 0) x.line.push_back(de[k].nat[i]);
            const auto& id = features[de[k].feature].id;
            if (x.features.empty() || x.features.back() != id) x.features.push_back(id);
        }
        for (std::size_t i = 1; i < x.line.size(); ++i) x.length_m += metric.segment_m(x.line[i - 1], x.line[i]);
        x.river = name_of(chains[r][0]);
        if (x.river.empty()) x.river = "unnamed " + x.features.front();
        out.reach_from[r] = de[chains[r].front()].from;
        out.reach_to[r] = de[chains[r].back()].to;
        x.headwater = ins[out.reach_from[r]].empty();
    }
    for (std::size_t r = 0; r < nr; ++r) {
        std::vector<std::int32_t> o = outs[out.reach_to[r]];
        // main outflow: the one on the shortest path to the outlet
        std::sort(o.begin(), o.end(), [&](auto a, auto b) {
            const double da = g.d[de[a].to] + de[a].plane_len, db = g.d[de[b].to] + de[b].plane_len;
            return da != db ? da < db : de[a].pl < de[b].pl;
        });
        if (!o.empty()) out.down[r] = chain_of_first[o[0]];
        if (o.size() >= 2) out.split[r] = chain_of_first[o[1]];
        if (o.size() >= 3) {
            std::vector<std::string> ids;
            for (auto k : o) ids.push_back(features[de[k].feature].id);
            F.push_back({FindingKind::Loop, ids, g.nnat[out.reach_to[r]], 0.0,
                         "more than two lines leave this node: the model splits flow in two; the others become headwaters"});
        }
    }
    return out;
}

// Ids: a hash of the rounded end and middle coordinates; equal hashes numbered in the order of their lines.
void assign_ids(std::vector<LineReach>& R, const LineMetric& metric) {
    auto key_of = [&](const LineReach& x) {
        auto rd = [&](XY p) {
            return std::to_string(std::llround(p.first / metric.id_grid)) + "," + std::to_string(std::llround(p.second / metric.id_grid));
        };
        return rd(x.line.front()) + ";" + rd(x.line[x.line.size() / 2]) + ";" + rd(x.line.back());
    };
    std::map<std::string, std::vector<std::int32_t>> by_id;
    for (std::size_t r = 0; r < R.size(); ++r) {
        const std::uint64_t h = fnv1a(key_of(R[r]));
        char b[16];
        std::snprintf(b, sizeof b, "R%08X", static_cast<unsigned>((h >> 32) ^ (h & 0xffffffffULL)));
        by_id[b].push_back(static_cast<std::int32_t>(r));
    }
    for (auto& [id, rs] : by_id) {
        std::sort(rs.begin(), rs.end(), [&](auto a, auto b) { return R[a].line < R[b].line; });
        for (std::size_t i = 0; i < rs.size(); ++i) R[rs[i]].id = i == 0 ? id : id + "-" + std::to_string(i + 1);
    }
}

// Distance from each reach's end to the outlet along main links, links by id, and the split fractions to give.
void link_reaches(Reaches& x, OrientedGraph& g, std::vector<LineFinding>& F) {
    auto& R = x.R;
    const std::size_t nr = R.size();
    std::vector<double> to_out(nr, -1.0);
    for (std::size_t r0 = 0; r0 < nr; ++r0) {  // walk down to a known reach, then back up (the links are acyclic)
        std::vector<std::int32_t> path;
        std::int32_t r = static_cast<std::int32_t>(r0);
        while (r >= 0 && to_out[r] < 0) path.push_back(r), r = x.down[r];
        double acc = r < 0 ? 0.0 : to_out[r] + R[r].length_m;
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            to_out[*it] = x.down[*it] < 0 ? 0.0 : acc;
            acc = to_out[*it] + R[*it].length_m;
        }
    }
    for (std::size_t r = 0; r < nr; ++r) {
        R[r].to_outlet_m = to_out[r];
        R[r].downstream = x.down[r] < 0 ? "" : R[x.down[r]].id;
        R[r].split_to = x.split[r] < 0 ? "" : R[x.split[r]].id;
    }
    // where a loop splits flow, the finding names the reach that needs a split fraction
    for (std::size_t r = 0; r < nr; ++r)
        if (x.split[r] >= 0)
            if (auto it = g.loop_finding.find(g.loops.find(x.reach_to[r])); it != g.loop_finding.end())
                F[it->second].message += "; reach " + R[r].id + " splits into " + R[x.down[r]].id + " and " + R[x.split[r]].id +
                                         ": give its split_fraction (the share into " + R[x.split[r]].id + ")";
}

// Split points: the reach starting at the point's node (ending there at the outlet).
std::vector<SnappedSplitPoint> snapped_points(const Reaches& x, const OrientedGraph& g, const LineNetworkOptions& opt) {
    std::vector<SnappedSplitPoint> out;
    const std::size_t nr = x.R.size();
    for (std::size_t i = 0; i < g.point_node.size(); ++i) {
        const auto [sp, node] = g.point_node[i];
        SnappedSplitPoint s{opt.split_points[sp].id, "", 0.0, g.point_dist[i]};
        for (std::size_t r = 0; r < nr; ++r)
            if (x.reach_from[r] == node && (s.reach.empty() || x.down[r] >= 0)) s.reach = x.R[r].id, s.position_m = 0.0;
        if (s.reach.empty())
            for (std::size_t r = 0; r < nr; ++r)
                if (x.reach_to[r] == node) s.reach = x.R[r].id, s.position_m = x.R[r].length_m;
        out.push_back(std::move(s));
    }
    return out;
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
    m.segment_m = [](XY a, XY b) { return line_stages::dist(a, b); };
    m.id_grid = 1.0;
    return m;
}

LineNetwork build_line_network(const std::vector<LineFeature>& features, const LineNetworkOptions& opt, const LineMetric& metric) {
    LineNetwork out;
    auto& F = out.findings;
    OrientedGraph g = orient(features, planar_graph(features, opt, metric, F), opt, metric, F);
    out.outlet = g.nnat[g.outlet];
    Reaches x = chain_reaches(features, g, metric, F);
    assign_ids(x.R, metric);
    link_reaches(x, g, F);
    out.points = snapped_points(x, g, opt);
    std::sort(x.R.begin(), x.R.end(), [](const LineReach& a, const LineReach& b) { return a.id < b.id; });
    out.reaches = std::move(x.R);
    std::stable_sort(F.begin(), F.end(), [](const LineFinding& a, const LineFinding& b) {
        return a.kind != b.kind ? a.kind < b.kind : a.features < b.features;
    });
    return out;
}

}  // namespace qingliu::reaches
