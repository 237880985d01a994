#include "io/results.hpp"

#include <cmath>
#include <cstdio>

namespace qingliu::io {

std::string num(double v) {
    if (!std::isfinite(v)) return "";
    char b[64];
    // whole numbers (counts, seeds, ids, years) print whole; everything else with 6 significant digits
    if (v == std::trunc(v) && std::abs(v) < 1e15)
        std::snprintf(b, sizeof b, "%.0f", v == 0.0 ? 0.0 : v);
    else
        std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

std::string nums(const PerConstituent& v, double scale) {
    return join_each([&](int c) { return num(v[c] * scale); });
}

ScenarioResult make_result(const scenarios::CaseModel& m, const scenarios::Evaluation& e, const std::string& scenario) {
    ScenarioResult r;
    r.scenario = scenario;
    const auto& topo = m.net.topo;
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        const auto& s = m.sections[i];
        const auto& x = e.sections[i];
        SectionRow row;
        row.section_id = s.id;
        row.name = s.name;
        row.name_en = s.name_en;
        row.river = s.river;
        row.reach_id = topo.id(s.reach);
        row.level = s.level;
        row.position_km = s.position_m / kMetresPerKm;
        row.target_class = s.target_class;
        row.flow_m3s = x.flow_m3s;
        for (int c = 0; c < kNumConstituents; ++c) {
            row.conc_mgL[c] = x.conc_mgL[c];
            row.cls[c] = x.cls.cls[c];
            row.exceedance[c] = x.cls.exceedance[c];
        }
        row.overall = x.cls.overall;
        row.worst = x.cls.worst;
        row.meets = x.cls.meets;
        row.exceedance_max = x.cls.exceedance_max;
        r.sections.push_back(std::move(row));
    }
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

std::string csv_quote(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

std::string sections_csv(const std::vector<SectionRow>& rows, bool with_scenario, const std::string& scenario) {
    std::string s;
    if (with_scenario) s += "scenario,";
    s += "section_id,name,river," + columns("_mgL") + ",class,target_class,meets,exceedance,name_en,reach_id,position_km,level,flow_m3s," +
         columns("_class") + ",worst_parameter," + columns("_exceedance") + "\n";
    for (const auto& r : rows) {
        if (with_scenario) s += csv_quote(scenario) + ",";
        s += csv_quote(r.section_id) + "," + csv_quote(r.name) + "," + csv_quote(r.river) + "," + nums(r.conc_mgL) + "," +
             reaches::class_roman(r.overall) + "," + reaches::class_roman(r.target_class) + "," + (r.meets ? "yes" : "no") + "," +
             num(r.exceedance_max) + "," + csv_quote(r.name_en) + "," + csv_quote(r.reach_id) + "," + num(r.position_km) + "," +
             r.level + "," + num(r.flow_m3s) + "," + join_each([&](int c) { return reaches::class_roman(r.cls[c]); }) + "," +
             std::string(key(static_cast<Constituent>(r.worst))) + "," + nums(r.exceedance) + "\n";
    }
    return s;
}

std::string reaches_csv(const std::vector<ReachRow>& rows) {
    std::string s = "reach_id,flow_m3s,velocity_ms," + columns("_mgL") + ",river,downstream_id,length_km,flow_in_m3s,travel_time_d," +
                    columns("_load_kg_d") + "," + columns("_decayed_kg_d") + ",dry\n";
    for (const auto& r : rows) {
        s += csv_quote(r.reach_id) + "," + num(r.flow_m3s) + "," + num(r.velocity_ms) + "," + nums(r.conc_mgL) + "," +
             csv_quote(r.river) + "," + csv_quote(r.downstream_id) + "," + num(r.length_km) + "," + num(r.flow_in_m3s) + "," +
             num(r.travel_time_d) + "," + nums(r.load_out_kg_d) + "," + nums(r.decayed_kg_d) + "," + (r.dry ? "yes" : "no") + "\n";
    }
    return s;
}

std::string loads_by_source_csv(const scenarios::CaseModel& m) {
    std::string s = "source_id,name,type,type_zh,type_en,town,reach_id,river,diffuse,flow_m3s," + columns("_t_a") + ",origin\n";
    for (const auto& x : m.sources) {
        const loads::SourceType* t = loads::find_source_type(x.type);
        s += csv_quote(x.id) + "," + csv_quote(x.name) + "," + csv_quote(x.type) + "," + csv_quote(t ? t->zh : x.type) + "," + csv_quote(t ? t->en : x.type) + "," +
             csv_quote(x.town) + "," + csv_quote(m.net.topo.id(x.reach)) + "," + csv_quote(m.net.river[x.reach]) + "," + (x.diffuse ? "yes" : "no") +
             "," + num(x.flow_m3s);
        s += "," + nums(x.load_gs, kTonnePerYearPerGramPerSecond);
        s += "," + csv_quote(x.origin) + "\n";
    }
    return s;
}

std::string loads_by_type_csv(const scenarios::CaseModel& m) {
    const auto tot = loads::totals_by_type(m.sources);
    PerConstituent all{};
    for (const auto& t : tot)
        for (int c = 0; c < kNumConstituents; ++c) all[c] += t.t_a[c];
    std::string s = "type,type_zh,type_en,count," + columns("_t_a") + "," + columns("_share") + "\n";
    for (const auto& t : tot) {
        const loads::SourceType* d = loads::find_source_type(t.type);
        s += csv_quote(t.type) + "," + csv_quote(d ? d->zh : t.type) + "," + csv_quote(d ? d->en : t.type) + "," + std::to_string(t.count);
        s += "," + nums(t.t_a) + "," + join_each([&](int c) { return num(all[c] > 0 ? t.t_a[c] / all[c] : 0.0); });
        s += "\n";
    }
    return s;
}

}  // namespace qingliu::io
