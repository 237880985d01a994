#include "bench/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "common/error.hpp"
#include "analyses/simulate.hpp"

namespace qingliu::bench {
namespace {

// Distributions written out (std:: distributions are implementation-defined, so results would differ by library).
struct Rng {
    std::mt19937_64 g;
    explicit Rng(std::uint64_t seed) : g(seed) {}
    double u01() { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * u01(); }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(u01() * static_cast<double>(n)) % n; }
};

}  // namespace

scenarios::CaseModel make_synthetic(const SyntheticSpec& spec) {
    if (spec.reaches < 1) throw ModelError("synthetic network: at least one reach is needed");
    Rng rng(spec.seed);
    const std::size_t sides = std::min(spec.side_channels, spec.reaches / 4);
    std::size_t tree = std::max<std::size_t>(1, spec.reaches - sides);
    if (tree % 2 == 0) ++tree;

    // Rémy's algorithm: a uniformly random binary tree with (tree-1)/2 junctions. parent = downstream reach.
    std::vector<std::int32_t> parent(tree, kNone), left(tree, kNone), right(tree, kNone);
    std::int32_t root = 0;
    for (std::size_t used = 1; used < tree; used += 2) {
        const auto x = static_cast<std::int32_t>(rng.below(used));
        const auto y = static_cast<std::int32_t>(used), z = static_cast<std::int32_t>(used + 1);
        const std::int32_t p = parent[x];
        if (p == kNone) root = y;
        else (left[p] == x ? left[p] : right[p]) = y;
        parent[y] = p;
        if (rng.u01() < 0.5) { left[y] = x; right[y] = z; }
        else { left[y] = z; right[y] = x; }
        parent[x] = parent[z] = y;
    }

    // Downstream-first order (breadth first from the outlet), then Shreve magnitude and river names upstream-first.
    std::vector<std::int32_t> down_first;
    down_first.reserve(tree);
    down_first.push_back(root);
    for (std::size_t i = 0; i < down_first.size(); ++i) {
        const std::int32_t r = down_first[i];
        if (left[r] != kNone) down_first.push_back(left[r]);
        if (right[r] != kNone) down_first.push_back(right[r]);
    }
    std::vector<std::int64_t> magnitude(tree, 1);
    for (auto it = down_first.rbegin(); it != down_first.rend(); ++it)
        if (left[*it] != kNone) magnitude[*it] = magnitude[left[*it]] + magnitude[right[*it]];
    // a river continues up the branch of larger magnitude; the other branch starts a new river
    std::vector<std::int32_t> river(tree, kNone);
    std::int32_t rivers = 0;
    for (const std::int32_t r : down_first) {
        if (river[r] == kNone) river[r] = rivers++;
        if (left[r] == kNone) continue;
        const bool left_main = magnitude[left[r]] >= magnitude[right[r]];
        river[left_main ? left[r] : right[r]] = river[r];
    }

    reaches::NetworkBuilder b;
    auto rid = [](std::size_t i) { return "R" + std::to_string(i); };
    const PerConstituent head_c{8.0, 0.20, 0.05}, lat_c{10.0, 0.30, 0.08};
    std::vector<reaches::NetworkBuilder::Reach> rs(tree);
    for (std::size_t i = 0; i < tree; ++i) {
        auto& r = rs[i];
        r.id = rid(i);
        r.river = "river" + std::to_string(river[i]);
        r.downstream = parent[i] == kNone ? "" : rid(parent[i]);
        r.length_km = rng.uniform(1.0, 10.0);
        r.hydraulics = hydro::Hydraulics::geometry(rng.uniform(0.25, 0.45), rng.uniform(0.10, 0.25), rng.uniform(0.25, 0.45),
                                                   rng.uniform(0.35, 0.45));
        if (left[i] == kNone) {
            r.headwater_flow_m3s = rng.uniform(0.01, 0.1);
            r.headwater_conc_mgL = head_c;
        }
        r.lateral_flow_m3s = r.length_km * rng.uniform(0.002, 0.008);
        r.lateral_conc_mgL = lat_c;
    }
    // side channels: reach i (not the outlet) sends a fraction to a new reach that rejoins at i's downstream junction
    for (std::size_t k = 0; k < sides; ++k) {
        std::size_t i = rng.below(tree);
        for (std::size_t tries = 0; tries < tree && (parent[i] == kNone || !rs[i].split_to.empty()); ++tries) i = (i + 1) % tree;
        if (parent[i] == kNone || !rs[i].split_to.empty()) break;
        reaches::NetworkBuilder::Reach s;
        s.id = rid(rs.size());
        s.river = rs[i].river + "-side";
        s.downstream = rs[i].downstream;
        s.length_km = rs[i].length_km * rng.uniform(0.8, 1.2);
        const auto& h = rs[i].hydraulics;
        s.hydraulics = hydro::Hydraulics::geometry(h.a * 0.8, h.b, h.c * 0.8, h.d);
        s.lateral_flow_m3s = 0.5 * rs[i].lateral_flow_m3s;
        s.lateral_conc_mgL = lat_c;
        rs[i].split_to = s.id;
        rs[i].split_fraction = rng.uniform(0.1, 0.4);
        rs.push_back(std::move(s));
    }
    for (auto& r : rs) b.add(std::move(r));

    scenarios::CaseModel m;
    m.name = "合成河网 " + std::to_string(tree + sides) + " 河段 (seed " + std::to_string(spec.seed) + ")";
    m.name_en = "Synthetic network, " + std::to_string(tree + sides) + " reaches (seed " + std::to_string(spec.seed) + ")";
    m.net = b.finish();
    m.kinetics.k20_per_d = {0.20, 0.15, 0.05};
    m.kinetics.theta = {1.047, 1.07, 1.024};
    m.temperature_c = spec.temperature_c;

    const std::size_t n = m.net.size();
    m.sources.reserve(spec.sources);
    for (std::size_t j = 0; j < spec.sources; ++j) {
        loads::Source s;
        s.id = "S" + std::to_string(j);
        s.reach = static_cast<std::int32_t>(rng.below(n));
        const double len = m.net.length_m[s.reach];
        const double kind = rng.u01();
        PerConstituent c{};
        if (kind < 0.35) {
            s.type = "sewage_plant";
            s.flow_m3s = rng.uniform(0.01, 0.5);
            c = rng.u01() < 0.5 ? PerConstituent{50, 5, 0.5} : PerConstituent{60, 8, 1.0};  // GB 18918-2002 1A / 1B
        } else if (kind < 0.60) {
            s.type = "outfall";
            s.flow_m3s = rng.uniform(0.001, 0.05);
            c = {rng.uniform(80, 250), rng.uniform(8, 30), rng.uniform(1, 4)};
        } else if (kind < 0.70) {
            s.type = "industry";
            s.flow_m3s = rng.uniform(0.005, 0.1);
            const double f = rng.uniform(0.5, 1.0);
            c = {100 * f, 25 * f, 3 * f};
        } else {
            static const char* diffuse[] = {"livestock", "cropland", "rural_domestic"};
            s.type = diffuse[rng.below(3)];
            s.diffuse = true;
            s.position_m = 0.0;
            s.end_m = len;
            s.load_gs = {rng.uniform(5, 50) / kKgPerDayPerGramPerSecond, rng.uniform(0.2, 3) / kKgPerDayPerGramPerSecond,
                         rng.uniform(0.05, 0.5) / kKgPerDayPerGramPerSecond};
        }
        if (!s.diffuse) {
            s.position_m = rng.uniform(0.0, len);
            for (int i = 0; i < kNumConstituents; ++i) s.load_gs[i] = s.flow_m3s * c[i];
        }
        s.name = s.type + " " + s.id;
        s.origin = "synthetic";
        m.sources.push_back(std::move(s));
    }
    m.table_sources = m.sources;

    static const char* levels[] = {"national", "provincial", "municipal"};
    for (std::size_t k = 0; k < spec.sections; ++k) {
        reaches::Section x;
        x.id = "X" + std::to_string(k);
        x.reach = static_cast<std::int32_t>(rng.below(n));
        x.position_m = rng.uniform(0.0, m.net.length_m[x.reach]);
        x.river = m.net.river[x.reach];
        x.name = x.name_en = x.river + " section " + x.id;
        x.level = levels[k % 3];
        x.target_class = rng.u01() < 0.6 ? 3 : 4;
        m.sections.push_back(std::move(x));
    }
    return m;
}

std::size_t case_bytes(const scenarios::CaseModel& m) {
    auto str = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };  // heap part (SSO)
    auto strs = [&](const std::vector<std::string>& v) {
        std::size_t b = v.capacity() * sizeof(std::string);
        for (const auto& s : v) b += str(s);
        return b;
    };
    const auto& n = m.net;
    std::size_t b = strs(n.river) + strs(n.name) + strs(n.topo.ids());
    b += n.length_m.capacity() * sizeof(double) + n.hydraulics.capacity() * sizeof(hydro::Hydraulics);
    b += (n.headwater_flow_m3s.capacity() + n.lateral_flow_m3s.capacity()) * sizeof(double);
    b += (n.headwater_conc_mgL.capacity() + n.lateral_conc_mgL.capacity()) * sizeof(PerConstituent);
    // topology: downstream, split_to, in_degree, order (int32), split fraction (double), transfers_from (vector each)
    b += n.size() * (4 * sizeof(std::int32_t) + sizeof(double) + sizeof(std::vector<std::int32_t>));
    b += m.sources.capacity() * sizeof(loads::Source);
    for (const auto& s : m.sources) b += str(s.id) + str(s.name) + str(s.type) + str(s.origin) + str(s.town);
    b += m.sections.capacity() * sizeof(reaches::Section);
    return b;
}

long peak_rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

std::vector<double> synthetic_gauge(int days, double design, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> q(days);
    double storm = 0.0;
    for (int d = 0; d < days; ++d) {
        const double season = 1.0 + 3.0 * std::exp(-std::pow((d - 190.0) / 45.0, 2.0));
        if (u(rng) < 0.08) storm += 2.0 * u(rng) * season;
        storm *= 0.8;
        q[d] = design * (season + storm);
    }
    return q;
}

scenarios::DynamicInputs synthetic_dynamic_inputs(const scenarios::CaseModel& m, int days, std::uint64_t seed) {
    const reaches::SteadyFlows design = reaches::steady_flows(m.net, scenarios::point_inputs(m));
    std::int32_t gauge = 0;
    for (std::size_t r = 0; r < m.net.size(); ++r)
        if (m.net.topo.downstream(r) == kNone && design.flow_out_m3s[r] > design.flow_out_m3s[gauge]) gauge = static_cast<std::int32_t>(r);
    scenarios::DynamicInputs in;
    in.year = 2023;
    in.days = days;
    in.gauge_reach = gauge;
    in.gauge_m3s = synthetic_gauge(days, design.flow_out_m3s[gauge], seed);
    return in;
}

}  // namespace qingliu::bench
