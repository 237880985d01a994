#include "scenarios/case.hpp"

#include <algorithm>

namespace qingliu::scenarios {

namespace {
std::vector<loads::Source> resolve_or_throw(const CaseModel& m) {
    Problems p;
    auto out = loads::resolve(m.inventory, m.net.length_m, p);
    if (!p.empty()) {
        std::string msg = "the source inventory cannot be turned into loads:";
        for (const auto& x : p.items()) msg += "\n  " + format_problem(x);
        throw ModelError(msg);
    }
    return out;
}
}  // namespace

void refresh_sources(CaseModel& m) {
    m.resolved = resolve_or_throw(m);
    m.sources = m.table_sources;
    m.sources.insert(m.sources.end(), m.resolved.begin(), m.resolved.end());
}

void rescale_inventory_sources(CaseModel& m) {
    std::vector<loads::Source> fresh = resolve_or_throw(m);
    const std::size_t n0 = m.table_sources.size();
    if (fresh.size() != m.resolved.size() || m.sources.size() != n0 + fresh.size())
        throw ModelError("inventory sources changed in number under a measure (internal inconsistency)");
    for (std::size_t j = 0; j < fresh.size(); ++j) {
        auto& s = m.sources[n0 + j];
        const auto& o = m.resolved[j];
        const auto& n = fresh[j];
        for (int c = 0; c < kNumConstituents; ++c)
            s.load_gs[c] = o.load_gs[c] > 0.0 ? s.load_gs[c] * (n.load_gs[c] / o.load_gs[c]) : n.load_gs[c];
        s.flow_m3s = std::max(0.0, s.flow_m3s + (n.flow_m3s - o.flow_m3s));
    }
    m.resolved = std::move(fresh);
}

void set_given_inflow(CaseModel& m, std::size_t r, const GivenSpecies& headwater, const GivenSpecies& lateral) {
    if (!headwater.any() && !lateral.any()) return;
    m.headwater_given.resize(m.net.size());
    m.lateral_given.resize(m.net.size());
    m.headwater_given[r] = headwater;
    m.lateral_given[r] = lateral;
}

std::vector<reaches::PointInput> point_inputs(const CaseModel& m) {
    std::vector<reaches::PointInput> in;
    in.reserve(m.sources.size());
    for (std::size_t i = 0; i < m.sources.size(); ++i) {
        const auto& s = m.sources[i];
        in.push_back({s.reach, s.position_m, s.end_m, s.flow_m3s, s.load_gs, static_cast<std::int32_t>(i)});
    }
    return in;
}

std::vector<reaches::Observation> observations(const CaseModel& m) {
    std::vector<reaches::Observation> ob;
    ob.reserve(m.sections.size());
    for (std::size_t i = 0; i < m.sections.size(); ++i)
        ob.push_back({m.sections[i].reach, m.sections[i].position_m, static_cast<std::int32_t>(i)});
    return ob;
}

reaches::SteadyOptions steady_options(const CaseModel& m) {
    reaches::SteadyOptions so;
    so.k_per_d = m.kinetics.at(m.temperature_c);
    return so;
}

Evaluation evaluate(const CaseModel& m, const EvaluateOptions& opt) {
    reaches::SteadyOptions so = steady_options(m);
    so.profile_step_m = opt.profile_step_m;
    so.progress = opt.progress;
    Evaluation e;
    e.steady = reaches::solve_steady(m.net, point_inputs(m), observations(m), so);
    e.sections.resize(m.sections.size());
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        auto& r = e.sections[i];
        r.conc_mgL = e.steady.obs_conc_mgL[i];
        r.flow_m3s = e.steady.obs_flow_m3s[i];
        r.cls = reaches::evaluate_section(m.classes, r.conc_mgL, m.sections[i].water_body, m.sections[i].target_class);
    }
    return e;
}

}  // namespace qingliu::scenarios
