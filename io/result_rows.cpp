#include "io/result_rows.hpp"

#include "common/units.hpp"

namespace qingliu::io {

SectionRow section_row(const scenarios::CaseModel& m, std::size_t i, double flow_m3s, const PerConstituent& conc_mgL,
                       const reaches::SectionClass& cls) {
    const auto& s = m.sections[i];
    SectionRow row;
    row.section_id = s.id;
    row.name = s.name;
    row.name_en = s.name_en;
    row.river = s.river;
    row.reach_id = m.net.topo.id(s.reach);
    row.level = s.level;
    row.position_km = s.position_m / kMetresPerKm;
    row.target_class = s.target_class;
    row.flow_m3s = flow_m3s;
    for (int c = 0; c < kNumConstituents; ++c) {
        row.conc_mgL[c] = conc_mgL[c];
        row.cls[c] = cls.cls[c];
        row.exceedance[c] = cls.exceedance[c];
    }
    row.overall = cls.overall;
    row.worst = cls.worst;
    row.meets = cls.meets;
    row.exceedance_max = cls.exceedance_max;
    return row;
}

ScenarioResult make_result(const scenarios::CaseModel& m, const scenarios::Evaluation& e, const std::string& scenario) {
    ScenarioResult r;
    r.scenario = scenario;
    const auto& topo = m.net.topo;
    for (std::size_t i = 0; i < m.sections.size(); ++i)
        r.sections.push_back(section_row(m, i, e.sections[i].flow_m3s, e.sections[i].conc_mgL, e.sections[i].cls));
    const auto& st = e.steady;
    for (std::size_t i = 0; i < m.net.size(); ++i) {
        ReachRow row;
        row.reach_id = topo.id(i);
        row.river = m.net.river[i];
        row.downstream_id = topo.downstream(i) == kNone ? "" : topo.id(topo.downstream(i));
        row.length_km = m.net.length_m[i] / kMetresPerKm;
        row.flow_in_m3s = st.flow_in_m3s[i];
        row.flow_m3s = st.flow_out_m3s[i];
        row.velocity_ms = st.velocity_out_ms[i];
        row.travel_time_d = st.travel_time_d[i];
        row.dry = st.dry[i] != 0;
        for (int c = 0; c < kNumConstituents; ++c) {
            row.conc_mgL[c] = st.conc_out_mgL[i][c];
            row.load_out_kg_d[c] = st.load_out_gs[i][c] * kKgPerDayPerGramPerSecond;
            row.decayed_kg_d[c] = st.decayed_gs[i][c] * kKgPerDayPerGramPerSecond;
        }
        r.reaches.push_back(std::move(row));
    }
    for (int c = 0; c < kNumConstituents; ++c) {
        r.input_kg_d[c] = st.total_input_gs[c] * kKgPerDayPerGramPerSecond;
        r.outlet_kg_d[c] = st.outlet_load_gs[c] * kKgPerDayPerGramPerSecond;
        r.decayed_kg_d[c] = st.total_decayed_gs[c] * kKgPerDayPerGramPerSecond;
    }
    r.max_reach_imbalance = st.max_reach_imbalance;
    return r;
}

std::vector<ScenarioResult> make_results(const std::vector<scenarios::SolvedScenario>& solved) {
    std::vector<ScenarioResult> out;
    for (const auto& s : solved) out.push_back(make_result(s.model, s.evaluation, s.id));
    return out;
}

}  // namespace qingliu::io
