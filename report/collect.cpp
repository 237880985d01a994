#include "report/collect.hpp"

#include <algorithm>
#include <map>

#include "loads/source.hpp"

namespace qingliu::report {

namespace {

std::vector<SectionApportionment> apportionment_of(const scenarios::CaseModel& m, const scenarios::Apportionment& a,
                                                   int top_sources) {
    std::vector<SectionApportionment> out;
    const auto* bg = loads::find_source_type("background");
    for (std::size_t k = 0; k < m.sections.size(); ++k) {
        const auto& x = a.sections[k];
        SectionApportionment r;
        r.section_id = m.sections[k].id;
        r.total_mgL = x.total_mgL;
        r.background_mgL = x.background_mgL;
        r.by_type.push_back({"background", bg ? bg->zh : "背景", bg ? bg->en : "Background", x.background_mgL});
        // the upstream boundary inflow (跨界来水) is its own share, apart from natural background
        if (const auto* bd = loads::find_source_type("boundary_inflow"); bd && !a.boundary_reaches.empty())
            r.by_type.push_back({"boundary_inflow", bd->zh, bd->en, x.boundary_mgL});
        std::map<std::string, PerConstituent> by_type;
        std::vector<std::pair<double, std::size_t>> rank;  // (largest share over the constituents, source)
        for (std::size_t j = 0; j < m.sources.size(); ++j) {
            const auto& c = x.by_source_mgL[j];
            double share = 0.0;
            for (int i = 0; i < kNumConstituents; ++i) {
                by_type[m.sources[j].type][i] += c[i];
                if (x.total_mgL[i] > 0.0) share = std::max(share, c[i] / x.total_mgL[i]);
            }
            if (share > 0.0) rank.emplace_back(share, j);
        }
        for (const auto& [t, c] : by_type) {
            if (std::all_of(c.begin(), c.end(), [](double v) { return v == 0.0; })) continue;
            const auto* st = loads::find_source_type(t);
            r.by_type.push_back({t, st ? st->zh : t, st ? st->en : t, c});
        }
        std::stable_sort(rank.begin(), rank.end(), [](const auto& p, const auto& q) { return p.first > q.first; });
        for (std::size_t n = 0; n < rank.size() && static_cast<int>(n) < top_sources; ++n) {
            const auto& so = m.sources[rank[n].second];
            r.top_sources.push_back({so.id, so.name, so.name + " (" + so.id + ")", x.by_source_mgL[rank[n].second]});
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

std::vector<Reach> network_of(const scenarios::CaseModel& m) {
    std::vector<Reach> out;
    const auto& net = m.net;
    for (std::size_t r = 0; r < net.size(); ++r) {
        Reach n;
        n.id = net.topo.id(r);
        n.name = net.name[r];
        n.river = net.river[r];
        n.downstream_id = net.topo.downstream(r) >= 0 ? net.topo.id(net.topo.downstream(r)) : "";
        n.split_to = net.topo.split_to(r) >= 0 ? net.topo.id(net.topo.split_to(r)) : "";
        n.split_fraction = net.topo.split_fraction(r);
        n.length_km = net.length_m[r] / 1000.0;
        if (r < m.reach_name_en.size()) n.name_en = m.reach_name_en[r];
        if (r < m.river_en.size()) n.river_en = m.river_en[r];
        if (r < m.reach_lines.size() && m.reach_lines[r].size() >= 2)
            for (const auto& [x, y] : m.reach_lines[r]) n.line.push_back({x, y});
        out.push_back(std::move(n));
    }
    return out;
}

double default_profile_step_m(const scenarios::CaseModel& m) {
    const auto network = network_of(m);
    double longest = 0.0, total = 0.0;
    for (const auto& a : river_axes(network)) longest = std::max(longest, a.length_km);
    for (const auto& r : network) total += r.length_km;
    return std::max({longest * 1000.0 / 300.0, 50.0, total * 1000.0 / 200000.0});
}

ReportExtras collect_extras(const scenarios::CaseModel& base, const std::vector<scenarios::SolvedScenario>& solved,
                            int top_sources) {
    ReportExtras x;
    x.network = network_of(base);
    x.classes = base.classes;
    if (std::any_of(x.network.begin(), x.network.end(), [](const Reach& r) { return !r.line.empty(); })) {
        x.srs_wkt = base.crs_wkt;
        x.geographic = base.geographic;
    }
    for (const auto& sv : solved) {
        const auto& m = sv.model;
        Scenario s{sv.id, sv.name, sv.name_en, sv.measures, sv.invest_wan, sv.annual_wan, {}, {}, {}, {}, {}};
        s.measures_en = sv.measures_en;
        for (const auto& so : m.sources)
            s.sources.push_back({so.id, so.name, so.type, so.town, so.reach >= 0 ? m.net.topo.id(so.reach) : std::string(),
                                 so.origin, so.position_m / 1000.0, so.flow_m3s, so.load_gs, so.diffuse});
        for (const auto& p : sv.evaluation.steady.profile)
            s.profile.push_back({m.net.topo.id(p.reach), p.position_m / 1000.0, p.flow_m3s, p.conc_mgL});
        if (sv.apportionment) s.apportionment = apportionment_of(m, *sv.apportionment, top_sources);
        else
            x.notes.push_back("情景 " + sv.id + "：污染源与河段过多，未做来源解析 / scenario " + sv.id +
                              ": too many sources x reaches, apportionment not computed (run `qingliu apportion`)");
        x.scenarios.push_back(std::move(s));
    }
    return x;
}

}  // namespace qingliu::report
