#include "scenarios/case.hpp"

namespace qingliu::scenarios {

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

Evaluation evaluate(const CaseModel& m, const EvaluateOptions& opt) {
    reaches::SteadyOptions so;
    so.k_per_d = m.kinetics.at(m.temperature_c);
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
