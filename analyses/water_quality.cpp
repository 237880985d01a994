#include "analyses/water_quality.hpp"

#include <algorithm>

#include "reaches/wq_sources.hpp"

namespace qingliu::scenarios {

namespace wq = reaches::wq;

namespace {
const GivenSpecies& given_at(const std::vector<GivenSpecies>& v, std::size_t r) {
    static const GivenSpecies none;
    return r < v.size() ? v[r] : none;
}
}  // namespace

std::vector<wq::Input> water_quality_inputs(const std::vector<loads::Source>& sources,
                                           const wq::CompositionOverrides& composition, double k1) {
    std::vector<wq::Input> inputs;
    inputs.reserve(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const loads::Source& s = sources[i];
        const wq::Composition& c = wq::composition_for_source(s.id, s.type, composition);
        wq::Input in;
        in.reach = s.reach;
        in.position_m = s.position_m;
        in.end_m = s.end_m;
        in.flow_m3s = s.flow_m3s;
        in.source = static_cast<std::int32_t>(i);
        if (s.flow_m3s > 0.0) {  // concentrations of its water with the items it gives, completed, times its flow
            PerConstituent conc{};
            for (int k = 0; k < kNumConstituents; ++k) conc[k] = s.load_gs[k] / s.flow_m3s;
            const wq::State sp = wq::complete_species(wq::given_quality(conc, s.given), c, k1);
            for (int k = 0; k < wq::kNumSpecies; ++k) in.load_gs[k] = sp[k] * s.flow_m3s;
        } else {  // mass without water: the same ratios on the loads, no oxygen
            wq::GivenQuality g = wq::given_quality(s.load_gs);
            g.do_ = 0.0;
            in.load_gs = wq::complete_species(g, c, k1);
        }
        inputs.push_back(in);
    }
    return inputs;
}

WaterQualityProblem water_quality_problem(const CaseModel& m, WaterQualityOptions opt) {
    if (opt.case_temperature) opt.steady.temperature_c = m.temperature_c;
    const double k1 = opt.steady.params.bod_bottle_k_per_d;
    const std::size_t n = m.net.size();
    WaterQualityProblem p;
    p.net = reaches::copy_for_solving(m.net);
    p.steady = opt.steady;
    p.observations = observations(m);
    // reaches without a depth get the case's estimate (WaterQualityOptions::default_depth_m), the velocity unchanged:
    // u = a Q^b (a constant velocity u is a = u, b = 0) and, with a width W, H = Q / (u W) = Q^(1-b) / (a W)
    for (std::size_t r = 0; r < n; ++r) {
        const hydro::Hydraulics& h = m.net.hydraulics[r];
        if (h.gives_depth()) continue;
        const double w = r < opt.reach_width_m.size() && opt.reach_width_m[r] > 0.0 ? opt.reach_width_m[r] : opt.default_width_m;
        if (!(w > 0.0) && !(opt.default_depth_m > 0.0)) continue;  // the solver names the reach
        const bool constant = h.kind == hydro::Hydraulics::Kind::Constant;
        const double a = constant ? h.velocity_ms : h.a, b = constant ? 0.0 : h.b;
        p.net.hydraulics[r] = w > 0.0 ? hydro::Hydraulics::geometry(a, b, 1.0 / (a * w), 1.0 - b)
                                      : hydro::Hydraulics::geometry(a, b, opt.default_depth_m, 0.0);
        p.estimated_depth_reaches.push_back(static_cast<std::int32_t>(r));
    }
    p.data = std::move(opt.reaches);
    wq::ReachData& d = p.data;
    {  // on huge pages where large (ReachData::sized)
        wq::ReachData sized = wq::ReachData::sized(n);
        d.headwater_conc_mgL = std::move(sized.headwater_conc_mgL);
        d.lateral_conc_mgL = std::move(sized.lateral_conc_mgL);
    }
    p.natural_headwater_mgL.assign(n, wq::State{});
    // headwater and lateral inflow: what the reach table gives, the river composition for the rest, DO a share of
    // saturation where not given
    const wq::Composition& river = wq::river_composition(opt.composition);
    const auto os_at = [&](std::size_t r) {
        return reaches::do_saturation_mgL(p.steady.temperature_c, r < d.elevation_m.size() ? d.elevation_m[r] : 0.0);
    };
    // a water completed by its own items, the river composition for the rest, DO a share of saturation os
    const auto completed = [&](const PerConstituent& c, const GivenSpecies& g, double os) {
        wq::GivenQuality q = wq::given_quality(c, g);
        if (!q.do_) q.do_ = opt.river_do_share_of_saturation * os;
        return wq::complete_species(q, river, k1);
    };
    for (std::size_t r = 0; r < n; ++r) {
        const double os = os_at(r);
        wq::GivenQuality h = wq::given_quality(m.net.headwater_conc_mgL[r], given_at(m.headwater_given, r));
        if (!h.do_) h.do_ = opt.river_do_share_of_saturation * os;
        d.headwater_conc_mgL[r] = wq::complete_species(h, river, k1);
        // water released by an ecological-flow measure with its own quality: each water completed by its own
        // items, the species mixed by flow (the headwater inflow's load is the sum of theirs)
        bool first = true;
        for (const CaseModel::Release& rel : m.releases) {
            if (rel.reach != static_cast<std::int32_t>(r)) continue;
            if (first) d.headwater_conc_mgL[r] = completed(rel.before_conc_mgL, rel.before_given, os);
            first = false;
            const wq::State added = completed(rel.conc_mgL, rel.given, os);
            const double q = rel.before_flow_m3s + rel.flow_m3s;
            for (int k = 0; k < wq::kNumSpecies; ++k)
                d.headwater_conc_mgL[r][k] = (rel.before_flow_m3s * d.headwater_conc_mgL[r][k] + rel.flow_m3s * added[k]) / q;
        }
        d.lateral_conc_mgL[r] = completed(m.net.lateral_conc_mgL[r], given_at(m.lateral_given, r), os);
        // natural background (when the case gives one): COD, NH3-N and TP capped at the case's natural values, the
        // other items from the river composition (DO as the headwater's), and no species above the headwater's own
        p.natural_headwater_mgL[r] = d.headwater_conc_mgL[r];
        if (!m.natural_headwater_mgL) continue;
        const PerConstituent& b = *m.natural_headwater_mgL;
        wq::GivenQuality nat = wq::given_quality(m.net.headwater_conc_mgL[r]);
        nat.do_ = h.do_;
        nat.cod = std::min(nat.cod, b[idx(*constituent_from_key("cod"))]);
        nat.nh3n = std::min(nat.nh3n, b[idx(*constituent_from_key("nh3n"))]);
        nat.tp = std::min(nat.tp, b[idx(*constituent_from_key("tp"))]);
        const wq::State natural = wq::complete_species(nat, river, k1);
        for (int k = 0; k < wq::kNumSpecies; ++k)
            p.natural_headwater_mgL[r][k] = std::min(natural[k], d.headwater_conc_mgL[r][k]);
    }
    // QUAL2K's downstream boundary below an outlet: completed as a headwater's water
    if (!m.downstream_boundary.empty()) {
        d.downstream_boundary.assign(n, 0);
        d.downstream_conc_mgL.assign(n, wq::State{});
    }
    for (std::size_t r = 0; r < m.downstream_boundary.size(); ++r) {
        const CaseModel::Boundary& bd = m.downstream_boundary[r];
        if (!bd.given) continue;
        d.downstream_conc_mgL[r] = completed(bd.conc_mgL, bd.items, os_at(r));
        d.downstream_boundary[r] = 1;
    }
    p.inputs = water_quality_inputs(m.sources, opt.composition, k1);
    return p;
}

std::vector<wq::Item> chosen_items(const wq::State& c, double k1, const ItemSet& items) {
    std::vector<wq::Item> v = wq::gb3838_items(c, k1);
    if (items == ItemSet::all()) return v;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const wq::Item& it) { return !items.has(it.key); }), v.end());
    return v;
}

wq::Result solve_water_quality(const WaterQualityProblem& p) {
    return wq::solve_steady_wq(p.net, p.data, p.inputs, p.observations, p.steady);
}

WaterQualityEvaluation evaluate_water_quality(const CaseModel& m, WaterQualityOptions opt) {
    const ItemSet items = opt.items;
    const WaterQualityProblem p = water_quality_problem(m, std::move(opt));
    const double k1 = p.steady.params.bod_bottle_k_per_d;
    WaterQualityEvaluation e;
    e.inputs = p.inputs;
    e.estimated_depth_reaches = p.estimated_depth_reaches;
    e.steady = solve_water_quality(p);
    for (std::int32_t r : e.estimated_depth_reaches)
        e.estimated_depth_m.push_back(p.net.hydraulics[r].depth(0.5 * (e.steady.flow_in_m3s[r] + e.steady.flow_out_m3s[r])));
    e.sections.resize(m.sections.size());
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        const reaches::Section& sec = m.sections[i];
        e.sections[i].conc_mgL = e.steady.obs_conc_mgL[i];
        e.sections[i].evaluation = wq::evaluate_items(m.classes, chosen_items(e.steady.obs_conc_mgL[i], k1, items),
                                                      sec.water_body, sec.target_class);
    }
    return e;
}

std::vector<WaterQualityRun> evaluate_water_quality_scenarios(const CaseModel& base, const std::vector<Scenario>& chosen,
                                                              const WaterQualityOptions& opt) {
    std::vector<WaterQualityRun> out;
    out.push_back({kBaselineId, kBaselineZh, kBaselineEn, evaluate_water_quality(base, opt)});
    for (const Scenario& s : chosen) out.push_back({s.id, s.name, s.name_en, evaluate_water_quality(apply_scenario(base, s), opt)});
    return out;
}

}  // namespace qingliu::scenarios
