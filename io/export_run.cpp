// Tables of a run, from its report data (io/export_tables.hpp): scenarios, sections, reaches, profile, sources,
// loads_by_type, apportionment; and loads_by_source from a case.
#include <algorithm>
#include <unordered_map>

#include "io/export_tables.hpp"
#include "io/results.hpp"
#include "io/water_quality_csv.hpp"
#include "loads/source.hpp"
#include "reaches/classes.hpp"
#include "report/names.hpp"

namespace qingliu::io {

namespace {

/// What every table of a run looks up: each reach's network entry, each reach's river and its upstream end's distance
/// from the river's head (report::river_axes), and the English name of each river.
struct RunIndex {
    std::unordered_map<std::string, const report::Reach*> reach;
    std::unordered_map<std::string, std::pair<std::string, double>> axis;  // reach -> (river, offset km)
    std::unordered_map<std::string, std::string> river_en;

    explicit RunIndex(const report::ReportData& d) {
        for (const auto& r : d.network) reach.emplace(r.id, &r);
        for (const auto& a : report::river_axes(d.network))
            for (std::size_t k = 0; k < a.reaches.size(); ++k) axis[d.network[a.reaches[k]].id] = {a.river, a.offset_km[k]};
        for (const auto& r : d.network) river_en.emplace(r.river, r.river_en);
    }
    /// The river's English name: the case's, else transliterated (report/names.hpp).
    std::string en_river(const std::string& river) const {
        auto it = river_en.find(river);
        return it != river_en.end() && !it->second.empty() ? it->second : report::transliterate(river);
    }
    /// Distance from the head of the reach's river (km) of a point `position_km` along the reach; "" off every axis.
    std::string river_km(const std::string& reach_id, double position_km) const {
        auto it = axis.find(reach_id);
        return it != axis.end() ? num(it->second.second + position_km) : "";
    }
};

/// Calls f(scenario, its quoted id) for the scenarios `rows` asks for, the baseline first.
template <class F>
void each_scenario(const report::ReportData& d, ScenarioRows rows, F f) {
    const std::size_t n = rows == ScenarioRows::Baseline ? std::min<std::size_t>(1, d.scenarios.size()) : d.scenarios.size();
    for (std::size_t i = 0; i < n; ++i) f(d.scenarios[i], csv_quote(d.scenarios[i].id));
}

std::string type_label(const std::string& t, bool zh) {
    if (auto* st = loads::find_source_type(t)) return zh ? st->zh : st->en;
    return t;
}

}  // namespace

std::string scenarios_csv(const report::ReportData& d) {
    std::string sc = "scenario,name,name_en,measures,invest_wan,annual_wan,sections_meeting,sections,measures_en\n";
    for (const auto& s : d.scenarios) {
        int meet = 0;
        for (const auto& x : s.sections) meet += x.meets ? 1 : 0;
        std::string ms, ms_en;
        for (const auto& m : s.measures) ms += (ms.empty() ? "" : ";") + m;
        for (std::size_t i = 0; i < s.measures.size(); ++i)
            ms_en += (i ? ";" : "") +
                     (i < s.measures_en.size() && !s.measures_en[i].empty() ? s.measures_en[i] : report::transliterate(s.measures[i]));
        sc += csv_quote(s.id) + "," + csv_quote(s.name) + "," + csv_quote(s.name_en) + "," + csv_quote(ms) + "," + num(s.invest_wan) + "," +
              num(s.annual_wan) + "," + std::to_string(meet) + "," + std::to_string(s.sections.size()) + "," + csv_quote(ms_en) + "\n";
    }
    return sc;
}

std::string sections_csv(const report::ReportData& d, ScenarioRows rows) {
    const RunIndex ix(d);
    std::string se = "scenario,section_id,name,name_en,river,reach_id,level,position_km,river_km,target_class,flow_m3s," + columns("_mgL") +
                     "," + columns("_class") + ",class,meets,exceedance,worst_parameter," + columns("_exceedance") + ",river_en\n";
    each_scenario(d, rows, [&](const report::Scenario& s, const std::string& sid) {
        for (const auto& x : s.sections)
            se += sid + "," + csv_quote(x.id) + "," + csv_quote(x.name) + "," + csv_quote(x.name_en) + "," + csv_quote(x.river) + "," +
                  csv_quote(x.reach_id) + "," + csv_quote(x.level) + "," + num(x.position_km) + "," + ix.river_km(x.reach_id, x.position_km) +
                  "," + reaches::class_roman(x.target_class) + "," + num(x.flow_m3s) + "," + nums(x.conc_mgL) + "," +
                  join_each([&](int c) { return reaches::class_roman(x.cls[c]); }) + "," + reaches::class_roman(x.overall) + "," +
                  (x.meets ? "yes" : "no") + "," + num(x.exceedance_max) + "," + std::string(key(kConstituents[x.worst])) + "," +
                  nums(x.exceedance) + "," + csv_quote(x.river_en.empty() ? ix.en_river(x.river) : x.river_en) + "\n";
    });
    return se;
}

std::string reaches_csv(const report::ReportData& d, ScenarioRows rows) {
    const RunIndex ix(d);
    std::string re = "scenario,reach_id,name,river,downstream_id,length_km,flow_in_m3s,flow_m3s,velocity_ms,travel_time_d," + columns("_mgL") +
                     "," + columns("_load_kg_d") + "," + columns("_decayed_kg_d") + ",class,dry,name_en,river_en\n";
    each_scenario(d, rows, [&](const report::Scenario& s, const std::string& sid) {
        for (const auto& r : s.reaches) {
            auto it = ix.reach.find(r.id);
            const report::Reach* n = it != ix.reach.end() ? it->second : nullptr;
            re += sid + "," + csv_quote(r.id) + "," + csv_quote(n ? n->name : "") + "," + csv_quote(n ? n->river : "") + "," +
                  csv_quote(n ? n->downstream_id : "") + "," + (n ? num(n->length_km) : "") + "," + num(r.flow_in_m3s) + "," +
                  num(r.flow_m3s) + "," + num(r.velocity_ms) + "," + num(r.travel_time_d) + "," + nums(r.conc_mgL) + "," +
                  nums(r.load_out_kg_d) + "," + nums(r.decayed_kg_d) + "," +
                  (r.dry ? "" : reaches::class_roman(report::reach_class(d.classes, r.conc_mgL))) + "," + (r.dry ? "yes" : "no") + "," +
                  csv_quote(n ? report::english_or(n->name_en, n->name) : "") + "," + csv_quote(n ? ix.en_river(n->river) : "") + "\n";
        }
    });
    return re;
}

std::string profile_csv(const report::ReportData& d, ScenarioRows rows) {
    const RunIndex ix(d);
    std::string pr = "scenario,river,reach_id,river_km,position_km,flow_m3s," + columns("_mgL") + ",river_en\n";
    each_scenario(d, rows, [&](const report::Scenario& s, const std::string& sid) {
        for (const auto& p : s.profile) {
            auto it = ix.axis.find(p.reach_id);
            const bool on = it != ix.axis.end();
            pr += sid + "," + csv_quote(on ? it->second.first : "") + "," + csv_quote(p.reach_id) + "," + ix.river_km(p.reach_id, p.position_km) +
                  "," + num(p.position_km) + "," + num(p.flow_m3s) + "," + nums(p.conc_mgL) + "," +
                  csv_quote(on ? ix.en_river(it->second.first) : "") + "\n";
        }
    });
    return pr;
}

std::string sources_csv(const report::ReportData& d) {
    std::string so = "scenario,source_id,name,type,type_zh,type_en,town,reach_id,position_km,flow_m3s," + columns("_t_a") +
                     ",diffuse,origin,name_en,town_en\n";
    each_scenario(d, ScenarioRows::All, [&](const report::Scenario& s, const std::string& sid) {
        for (const auto& x : s.sources)
            so += sid + "," + csv_quote(x.id) + "," + csv_quote(x.name) + "," + csv_quote(x.type) + "," + csv_quote(type_label(x.type, true)) +
                  "," + csv_quote(type_label(x.type, false)) + "," + csv_quote(x.town) + "," + csv_quote(x.reach_id) + "," + num(x.position_km) +
                  "," + num(x.flow_m3s) + "," + nums(x.load_gs, kTonnePerYearPerGramPerSecond) + "," + (x.diffuse ? "yes" : "no") + "," +
                  csv_quote(x.origin) + "," + csv_quote(report::english_or(x.name_en, x.name)) + "," +
                  csv_quote(report::english_or(x.town_en, x.town)) + "\n";
    });
    return so;
}

std::string apportionment_csv(const report::ReportData& d) {
    std::string ap = "scenario,section_id,part,key,label,label_en," + columns("_mgL") + "," + columns("_share") + "\n";
    each_scenario(d, ScenarioRows::All, [&](const report::Scenario& s, const std::string& sid) {
        for (const auto& a : s.apportionment) {
            auto row = [&](const char* part, const report::Contribution& c) {
                ap += sid + "," + csv_quote(a.section_id) + "," + part + "," + csv_quote(c.key) + "," + csv_quote(c.label) + "," +
                      csv_quote(c.label_en) + "," + nums(c.conc_mgL) + "," +
                      join_each([&](int k) { return a.total_mgL[k] > 0.0 ? num(c.conc_mgL[k] / a.total_mgL[k]) : std::string(); }) + "\n";
            };
            for (const auto& c : a.by_type) row("type", c);
            for (const auto& c : a.top_sources) row("source", c);
        }
    });
    return ap;
}

std::vector<TypeTotals> type_totals(const report::ReportData& d) {
    std::vector<TypeTotals> out;
    for (const auto& s : d.scenarios) {
        TypeTotals t;
        t.scenario = s.id;
        for (const auto& x : s.sources) {
            auto it = std::find_if(t.types.begin(), t.types.end(), [&](const loads::TypeTotal& y) { return y.type == x.type; });
            if (it == t.types.end()) {
                t.types.push_back({x.type, {}, 0});
                it = t.types.end() - 1;
            }
            for (int k = 0; k < kNumConstituents; ++k) it->t_a[k] += x.load_gs[k] * kTonnePerYearPerGramPerSecond;
            ++it->count;
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::string loads_by_type_csv(const std::vector<TypeTotals>& scenarios) {
    std::string s = "scenario,type,type_zh,type_en,count," + columns("_t_a") + "," + columns("_share") + "\n";
    for (const auto& sc : scenarios) {
        PerConstituent all{};
        for (const auto& t : sc.types)
            for (int c = 0; c < kNumConstituents; ++c) all[c] += t.t_a[c];
        for (const auto& t : sc.types)
            s += csv_quote(sc.scenario) + "," + csv_quote(t.type) + "," + csv_quote(type_label(t.type, true)) + "," +
                 csv_quote(type_label(t.type, false)) + "," + std::to_string(t.count) + "," + nums(t.t_a) + "," +
                 join_each([&](int c) { return num(all[c] > 0 ? t.t_a[c] / all[c] : 0.0); }) + "\n";
    }
    return s;
}

std::string loads_by_source_csv(const scenarios::CaseModel& m) {
    std::string s = "source_id,name,type,type_zh,type_en,town,reach_id,river,diffuse,flow_m3s," + columns("_t_a") + ",origin\n";
    for (const auto& x : m.sources)
        s += csv_quote(x.id) + "," + csv_quote(x.name) + "," + csv_quote(x.type) + "," + csv_quote(type_label(x.type, true)) + "," +
             csv_quote(type_label(x.type, false)) + "," + csv_quote(x.town) + "," + csv_quote(m.net.topo.id(x.reach)) + "," +
             csv_quote(m.net.river[x.reach]) + "," + (x.diffuse ? "yes" : "no") + "," + num(x.flow_m3s) + "," +
             nums(x.load_gs, kTonnePerYearPerGramPerSecond) + "," + csv_quote(x.origin) + "\n";
    return s;
}

Tables report_tables(const report::ReportData& d) {
    Tables out = {{"scenarios.csv", scenarios_csv(d)},
                  {"sections.csv", sections_csv(d)},
                  {"reaches.csv", reaches_csv(d)},
                  {"profile.csv", profile_csv(d)},
                  {"sources.csv", sources_csv(d)},
                  {"loads_by_type.csv", loads_by_type_csv(type_totals(d))},
                  {"apportionment.csv", apportionment_csv(d)}};
    if (d.montecarlo) out.emplace_back("montecarlo.csv", montecarlo_csv(*d.montecarlo));
    if (d.water_quality) out.emplace_back("water_quality_sections.csv", water_quality_sections_csv(d.water_quality->rows));
    if (const auto& a = d.wq_analyses) {  // what `qingliu water-quality` found, the command's own files
        if (a->apportion) {
            out.emplace_back("water_quality_reduction.csv", water_quality_reduction_csv(*a->apportion));
            out.emplace_back("water_quality_capacity.csv", water_quality_capacity_csv(*a->apportion));
        }
        if (a->plan) {
            out.emplace_back("water_quality_plan.csv", water_quality_plan_csv(*a->plan));
            out.emplace_back("water_quality_plan_sections.csv", water_quality_plan_sections_csv(*a->plan));
        }
        if (a->montecarlo)
            out.emplace_back("water_quality_montecarlo.csv", water_quality_montecarlo_csv(*a->montecarlo));
    }
    return out;
}

std::string montecarlo_parameters_csv(const std::vector<std::string>& drawn) {
    std::string s = "parameter\n";
    for (const auto& k : drawn) s += csv_quote(k) + "\n";
    return s;
}

}  // namespace qingliu::io
