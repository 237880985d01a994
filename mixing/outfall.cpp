#include "mixing/outfall.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "common/error.hpp"

namespace qingliu::mixing {

namespace {

std::string fmt(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.4g", v);
    return b;
}

/// The first section at or below (reach, position), walking the main downstream links.
std::int32_t section_below(const scenarios::CaseModel& m, std::int32_t reach, double position_m) {
    for (std::int32_t r = reach; r != kNone; r = m.net.topo.downstream(r)) {
        std::int32_t best = kNone;
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            const auto& S = m.sections[s];
            if (S.reach != r || (r == reach && S.position_m < position_m)) continue;
            if (best == kNone || S.position_m < m.sections[best].position_m) best = static_cast<std::int32_t>(s);
        }
        if (best != kNone) return best;
    }
    return kNone;
}

}  // namespace

const char* point_kind_key(PointKind k) {
    switch (k) {
        case PointKind::Intake: return "intake";
        case PointKind::Protected: return "protected";
        case PointKind::Other: return "other";
    }
    return "other";
}

bool is_point_discharge(const loads::Source& s) {
    return !s.diffuse && s.end_m <= s.position_m && (s.type == "outfall" || s.type == "sewage_plant" || s.type == "industry");
}

namespace {

// The outfalls asked for (every point discharge when none is named), as source indices.
std::vector<std::size_t> chosen_outfalls(const scenarios::CaseModel& m, const MixingOptions& o, Problems& probs) {
    std::vector<std::size_t> chosen;
    if (o.outfalls.empty()) {
        for (std::size_t j = 0; j < m.sources.size(); ++j)
            if (is_point_discharge(m.sources[j])) chosen.push_back(j);
        return chosen;
    }
    for (const auto& id : o.outfalls) {
        std::size_t found = m.sources.size();
        for (std::size_t j = 0; j < m.sources.size(); ++j)
            if (m.sources[j].id == id) { found = j; break; }
        if (found == m.sources.size()) probs.add("", "--outfall", "outfall", id, "no source with this id in the case");
        else if (m.sources[found].diffuse || m.sources[found].end_m > m.sources[found].position_m)
            probs.add("", "--outfall", "outfall", id, "a diffuse source spread along its reach has no mixing zone");
        else chosen.push_back(found);
    }
    return chosen;
}

// The settings rows by outfall and by reach; rows must name a known outfall or reach.
struct SettingsIndex {
    std::unordered_map<std::string, const OutfallSettings*> by_outfall, by_reach;
    // the outfall's row, else its reach's row
    const OutfallSettings* find(const std::string& outfall, const std::string& reach) const {
        if (auto it = by_outfall.find(outfall); it != by_outfall.end()) return it->second;
        if (auto it = by_reach.find(reach); it != by_reach.end()) return it->second;
        return nullptr;
    }
};

SettingsIndex index_settings(const scenarios::CaseModel& m, const MixingOptions& o, Problems& probs) {
    SettingsIndex x;
    for (const auto& s : o.settings) {
        if (!s.outfall_id.empty()) {
            bool known = false;
            for (const auto& src : m.sources) known = known || src.id == s.outfall_id;
            if (!known) probs.add(s.origin, "", "outfall_id", s.outfall_id, "no source with this id in the case");
            x.by_outfall[s.outfall_id] = &s;
        } else if (!s.reach_id.empty()) {
            if (m.net.topo.find(s.reach_id) == kNone) probs.add(s.origin, "", "reach_id", s.reach_id, "unknown reach id");
            x.by_reach[s.reach_id] = &s;
        } else {
            probs.add(s.origin, "", "outfall_id", "", "give outfall_id or reach_id");
        }
    }
    return x;
}

// The channel below the outfall: the reach hydraulics at flow q, overridden by the settings row.
ChannelInput channel_input(const hydro::Hydraulics& hyd, double q, const OutfallSettings* set) {
    ChannelInput ci;
    ci.flow_m3s = q;
    ci.velocity_ms = hyd.velocity(q);
    if (hyd.manning_kind()) {
        ci.width_m = hyd.width_m;
        ci.width_from_hydraulics = true;
        ci.slope = hyd.slope;
        ci.slope_from_hydraulics = true;
    }
    if (hyd.kind == hydro::Hydraulics::Kind::Trapezoid) {  // the rectangle of its top width and area: u d B = Q
        const hydro::Section sec = hyd.section(q);
        ci.width_m = sec.top_width_m;
        ci.depth_m = sec.area_m2 / sec.top_width_m;
        ci.depth_from_hydraulics = true;
    } else if (hyd.depth(q) > 0.0) {
        ci.depth_m = hyd.depth(q);
        ci.depth_from_hydraulics = true;
    }
    if (set) {
        if (set->width_m > 0.0) { ci.width_m = set->width_m; ci.width_from_hydraulics = false; }
        if (set->depth_m > 0.0) { ci.depth_m = set->depth_m; ci.depth_from_hydraulics = false; }
        if (set->slope > 0.0) { ci.slope = set->slope; ci.slope_from_hydraulics = false; }
        ci.alpha = set->alpha;
        ci.type = set->type;
    }
    return ci;
}

// Where across the river the outfall discharges, and its target class (the settings row, else the first section
// at or below it).
void place_outfall(const scenarios::CaseModel& m, std::int32_t reach, const OutfallSettings* set, OutfallResult& r) {
    const double B = r.channel.width_m;
    r.discharge = set && set->discharge ? *set->discharge : Discharge::Bank;
    r.bank = set && set->bank ? *set->bank : Bank::Left;
    r.source_y_m = set && set->distance_m ? *set->distance_m : (r.discharge == Discharge::Mid ? 0.5 * B : 0.0);
    if (r.source_y_m > B) {
        r.notes.push_back("the outfall's distance from the bank " + fmt(r.source_y_m) + " m exceeds the width " + fmt(B) +
                          " m: placed at the far bank");
        r.source_y_m = B;
    }
    if (!set || !set->discharge) r.notes.push_back("discharge position not given: bank discharge assumed (岸边排放)");
    r.mixing_length_hj_m = mixing_length_hj(r.channel.velocity_ms, B, r.source_y_m, r.channel.ey_m2s);
    if (set && set->target_class > 0) {
        r.target_class = set->target_class;
    } else if (const std::int32_t s = section_below(m, reach, r.position_m); s != kNone) {
        r.target_class = m.sections[s].target_class;
        r.target_section = m.sections[s].id;
        r.water_body = m.sections[s].water_body;
    } else {
        r.notes.push_back("no section at or below the outfall and no target_class in the mixing table: no limit, no zone");
    }
}

// What each zone reaches: sections and points below the outfall on its reach, and the reach's end.
void zone_reaches(const scenarios::CaseModel& m, const MixingOptions& o, std::int32_t reach, const std::vector<Plume>& plumes,
                  OutfallResult& r) {
    const double B = r.channel.width_m;
    for (auto& p : r.params) {
        if (!p.zone.exists) continue;
        const double L = p.zone.length_m;
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            const auto& S = m.sections[s];
            const double d = S.position_m - r.position_m;
            if (S.reach == reach && d >= 0.0 && d <= L) p.reached.push_back({"section", S.id, S.name, d});
        }
        for (const auto& pt : o.points) {
            const double d = pt.position_m - r.position_m;
            if (pt.reach != reach || d < 0.0 || d > L) continue;
            if (pt.distance_m) {
                double y = std::clamp(*pt.distance_m, 0.0, B);
                if (pt.bank && *pt.bank != r.bank) y = B - y;
                if (!(d > 0.0 ? plumes[p.constituent].conc(d, y) > p.limit_mgL : std::abs(y - r.source_y_m) < 1e-9)) continue;
            }
            p.reached.push_back({point_kind_key(pt.kind), pt.id, pt.name, d});
        }
        if (p.zone.open_at_end) p.reached.push_back({"reach_end", m.net.topo.id(reach), "", r.domain_m});
        std::stable_sort(p.reached.begin(), p.reached.end(), [](const Reached& a, const Reached& b) { return a.distance_m < b.distance_m; });
    }
}

// Concentration grid: three times the longest zone, at least two widths, at most the domain.
void concentration_grid(const MixingOptions& o, const std::vector<Plume>& plumes, OutfallResult& r) {
    const double B = r.channel.width_m;
    double longest = 0.0;
    for (const auto& p : r.params) longest = std::max(longest, p.zone.length_m);
    double G = longest > 0.0 ? 3.0 * longest : std::min(r.mixing_distance_m, r.mixing_length_hj_m);
    G = std::min(std::max(G, 2.0 * B), r.domain_m);
    if (!(G > 0.0)) return;
    r.nx = o.grid_nx;
    r.ny = o.grid_ny;
    r.grid_length_m = G;
    r.grid_mgL.resize(static_cast<std::size_t>(r.nx) * r.ny);
    for (int i = 0; i < r.nx; ++i)
        for (int jy = 0; jy < r.ny; ++jy) {
            const double x = (i + 0.5) * G / r.nx, y = (jy + 0.5) * B / r.ny;
            auto& cell = r.grid_mgL[static_cast<std::size_t>(i) * r.ny + jy];
            for (int c = 0; c < kNumConstituents; ++c) cell[c] = plumes[c].conc(x, y);
        }
}

// One plume per constituent: background c_h, the excess load over it, the fully mixed and the 1-D values, the
// limit of the target class and the zone exceeding it.
std::vector<Plume> plumes_of(const scenarios::CaseModel& m, const loads::Source& src, const PerConstituent& c_h, double q,
                             const PerConstituent& one_d_mgL, const PerConstituent& k_per_d, OutfallResult& r) {
    std::vector<Plume> plumes;
    for (int c = 0; c < kNumConstituents; ++c) {
        ParameterResult p;
        p.constituent = c;
        p.background_mgL = c_h[c];
        p.effluent_mgL = src.flow_m3s > 0.0 ? src.load_gs[c] / src.flow_m3s : std::numeric_limits<double>::quiet_NaN();
        p.excess_load_gs = src.load_gs[c] - src.flow_m3s * c_h[c];
        p.mixed_mgL = c_h[c] + p.excess_load_gs / q;
        p.one_d_mgL = one_d_mgL[c];
        Plume::Params pp;
        pp.width_m = r.channel.width_m;
        pp.depth_m = r.channel.depth_m;
        pp.velocity_ms = r.channel.velocity_ms;
        pp.ey_m2s = r.channel.ey_m2s;
        pp.k_per_s = k_per_d[c] / kSecondsPerDay;
        pp.source_y_m = r.source_y_m;
        pp.excess_load_gs = p.excess_load_gs;
        pp.background_mgL = c_h[c];
        plumes.emplace_back(pp);
        const auto* lim = r.target_class > 0 ? m.classes.find(key(kConstituents[c]), r.water_body) : nullptr;
        p.limit_mgL = lim ? lim->limit[r.target_class - 1] : std::numeric_limits<double>::quiet_NaN();
        if (lim && !lim->minimum) p.zone = exceedance_zone(plumes.back(), p.limit_mgL, r.domain_m);
        r.params.push_back(std::move(p));
    }
    return plumes;
}

}  // namespace

CaseMixing analyse_mixing(const scenarios::CaseModel& m, const MixingOptions& o) {
    const auto& topo = m.net.topo;
    Problems probs;
    const std::vector<std::size_t> chosen = chosen_outfalls(m, o, probs);
    const SettingsIndex settings = index_settings(m, o, probs);
    probs.throw_if_any("mixing zones: bad outfall settings");

    CaseMixing out;
    const auto so = scenarios::steady_options(m);
    // the network model with every source, for the value just below each outfall
    std::vector<reaches::Observation> below;
    for (const std::size_t j : chosen) below.push_back({m.sources[j].reach, m.sources[j].position_m, kNone});
    const auto inputs = scenarios::point_inputs(m);
    const auto full = reaches::solve_steady(m.net, inputs, below, so);

    for (std::size_t n = 0; n < chosen.size(); ++n) {
        const std::size_t j = chosen[n];
        const auto& src = m.sources[j];
        OutfallResult r;
        r.source_id = src.id;
        r.name = src.name;
        r.type = src.type;
        r.reach = src.reach;
        r.position_m = std::clamp(src.position_m, 0.0, m.net.length_m[src.reach]);
        r.effluent_flow_m3s = src.flow_m3s;
        bool any_load = false;
        for (int c = 0; c < kNumConstituents; ++c) any_load = any_load || src.load_gs[c] > 0.0;
        if (!any_load && !(src.flow_m3s > 0.0)) {
            out.notes.push_back("outfall " + src.id + ": no flow and no load in this scenario (closed or connected): no mixing zone");
            continue;
        }
        // background: the network model without this outfall, at its position
        std::vector<reaches::PointInput> without = inputs;
        without[j].flow_m3s = 0.0;
        without[j].load_gs = {0.0, 0.0, 0.0};
        const auto bg = reaches::solve_steady(m.net, without, {{src.reach, r.position_m, kNone}}, so);
        const PerConstituent c_h = bg.obs_conc_mgL[0];
        r.river_flow_m3s = bg.obs_flow_m3s[0];
        const double q = r.river_flow_m3s + r.effluent_flow_m3s;
        // the field's domain: to the reach's end; an outfall at the very end discharges at the head of the next reach
        r.domain_m = m.net.length_m[src.reach] - r.position_m;
        std::int32_t reach = src.reach;
        if (r.domain_m < 1.0 && topo.downstream(reach) != kNone) {
            reach = topo.downstream(reach);
            r.notes.push_back("the outfall is at the end of reach " + topo.id(src.reach) + ": its plume is computed in reach " +
                              topo.id(reach) + " from its head");
            r.reach = reach;
            r.position_m = 0.0;
            r.domain_m = m.net.length_m[reach];
        }
        const OutfallSettings* set = settings.find(src.id, topo.id(src.reach));
        if (!(q > 0.0)) {
            out.notes.push_back("outfall " + src.id + ": the river carries no water there: no mixing zone");
            continue;
        }
        try {
            r.channel = resolve_channel(channel_input(m.net.hydraulics[reach], q, set));
        } catch (const ModelError& e) {
            throw ModelError("outfall " + src.id + " (reach " + topo.id(reach) + "): " + e.what());
        }
        for (const auto& note : r.channel.notes) r.notes.push_back(note);
        place_outfall(m, reach, set, r);
        const std::vector<Plume> plumes = plumes_of(m, src, c_h, q, full.obs_conc_mgL[n], so.k_per_d, r);
        // distance to complete mixing: the shape does not depend on the constituent
        r.mixing_distance_m = r.domain_m > 0.0 ? plumes.front().complete_mixing_distance(o.tolerance, r.domain_m)
                                               : std::numeric_limits<double>::infinity();
        zone_reaches(m, o, reach, plumes, r);
        concentration_grid(o, plumes, r);
        r.reach_id = topo.id(r.reach);
        out.outfalls.push_back(std::move(r));
    }
    return out;
}

}  // namespace qingliu::mixing
