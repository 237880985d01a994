// CSV tables of the report's numbers (UTF-8; the writer adds a byte-order mark for Excel).
#include <algorithm>
#include <unordered_map>

#include "loads/source.hpp"
#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/montecarlo.hpp"

namespace qingliu::report {

namespace {

std::string q(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

/// Every constituent's value (times scale), comma-separated in table order.
std::string nums(const PerConstituent& v, double scale = 1.0) {
    return join_each([&](int c) { return num(v[c] * scale); });
}

std::string type_label(const std::string& t, bool zh) {
    if (auto* st = loads::find_source_type(t)) return zh ? st->zh : st->en;
    return t;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> report_csvs(const ReportData& d) {
    constexpr double t_a = kTonnePerYearPerGramPerSecond;
    std::unordered_map<std::string, const Reach*> reach;
    for (const auto& r : d.network) reach.emplace(r.id, &r);
    std::unordered_map<std::string, std::pair<std::string, double>> axis;  // reach -> (river, offset km)
    for (const auto& a : river_axes(d.network))
        for (std::size_t k = 0; k < a.reaches.size(); ++k) axis[d.network[a.reaches[k]].id] = {a.river, a.offset_km[k]};

    std::string sc = "scenario,name,name_en,measures,invest_wan,annual_wan,sections_meeting,sections\n";
    const std::string conc = columns("_mgL");
    std::string se = "scenario,section_id,name,name_en,river,reach_id,level,position_km,river_km,target_class,flow_m3s," + conc + "," +
                     columns("_class") + ",class,meets,exceedance,worst\n";
    std::string re = "scenario,reach_id,name,river,downstream_id,length_km,flow_m3s,velocity_ms,travel_time_d," + conc + "," +
                     columns("_load_kg_d") + ",class,dry\n";
    std::string pr = "scenario,river,reach_id,river_km,position_km,flow_m3s," + conc + "\n";
    std::string so = "scenario,source_id,name,type,type_zh,type_en,town,reach_id,position_km,flow_m3s," + columns("_t_a") + ",diffuse,origin\n";
    std::string ty = "scenario,type,type_zh,type_en,sources," + columns("_t_a") + "\n";
    std::string ap = "scenario,section_id,part,key,label,label_en," + conc + "," + columns("_share") + "\n";
    for (const auto& s : d.scenarios) {
        const std::string sid = q(s.id);
        int meet = 0;
        for (const auto& x : s.sections) meet += x.meets ? 1 : 0;
        std::string ms;
        for (const auto& m : s.measures) ms += (ms.empty() ? "" : ";") + m;
        sc += sid + "," + q(s.name) + "," + q(s.name_en) + "," + q(ms) + "," + num(s.invest_wan) + "," + num(s.annual_wan) + "," +
              std::to_string(meet) + "," + std::to_string(s.sections.size()) + "\n";
        for (const auto& x : s.sections) {
            auto it = axis.find(x.reach_id);
            se += sid + "," + q(x.id) + "," + q(x.name) + "," + q(x.name_en) + "," + q(x.river) + "," + q(x.reach_id) + "," + q(x.level) +
                  "," + num(x.position_km) + "," + (it != axis.end() ? num(it->second.second + x.position_km) : "") + "," +
                  reaches::class_roman(x.target_class) + "," + num(x.flow_m3s) + "," + nums(x.conc_mgL) + "," +
                  join_each([&](int c) { return reaches::class_roman(x.cls[c]); }) + "," + reaches::class_roman(x.overall) + "," +
                  (x.meets ? "yes" : "no") + "," +
                  num(x.exceedance_max) + "," + std::string(key(kConstituents[x.worst])) + "\n";
        }
        for (const auto& r : s.reaches) {
            auto it = reach.find(r.id);
            const Reach* n = it != reach.end() ? it->second : nullptr;
            re += sid + "," + q(r.id) + "," + q(n ? n->name : "") + "," + q(n ? n->river : "") + "," + q(n ? n->downstream_id : "") + "," +
                  (n ? num(n->length_km) : "") + "," + num(r.flow_m3s) + "," + num(r.velocity_ms) + "," + num(r.travel_time_d) + "," +
                  nums(r.conc_mgL) + "," + nums(r.load_out_kg_d) + "," +
                  (r.dry ? "" : reaches::class_roman(reach_class(d.classes, r.conc_mgL))) + "," + (r.dry ? "yes" : "no") + "\n";
        }
        for (const auto& p : s.profile) {
            auto it = axis.find(p.reach_id);
            pr += sid + "," + q(it != axis.end() ? it->second.first : "") + "," + q(p.reach_id) + "," +
                  (it != axis.end() ? num(it->second.second + p.position_km) : "") + "," + num(p.position_km) + "," + num(p.flow_m3s) +
                  "," + nums(p.conc_mgL) + "\n";
        }
        std::vector<std::string> types;
        for (const auto& x : s.sources) {
            so += sid + "," + q(x.id) + "," + q(x.name) + "," + q(x.type) + "," + q(type_label(x.type, true)) + "," +
                  q(type_label(x.type, false)) + "," + q(x.town) + "," + q(x.reach_id) + "," + num(x.position_km) + "," + num(x.flow_m3s) +
                  "," + nums(x.load_gs, t_a) + "," +
                  (x.diffuse ? "yes" : "no") + "," + q(x.origin) + "\n";
            if (std::find(types.begin(), types.end(), x.type) == types.end()) types.push_back(x.type);
        }
        for (const auto& t : types) {
            PerConstituent sum{};
            int n = 0;
            for (const auto& x : s.sources)
                if (x.type == t) {
                    ++n;
                    for (int k = 0; k < kNumConstituents; ++k) sum[k] += x.load_gs[k] * t_a;
                }
            ty += sid + "," + q(t) + "," + q(type_label(t, true)) + "," + q(type_label(t, false)) + "," + std::to_string(n) + "," +
                  nums(sum) + "\n";
        }
        for (const auto& a : s.apportionment) {
            auto row = [&](const char* part, const Contribution& c) {
                ap += sid + "," + q(a.section_id) + "," + part + "," + q(c.key) + "," + q(c.label) + "," + q(c.label_en);
                ap += "," + nums(c.conc_mgL) + "," +
                      join_each([&](int k) { return a.total_mgL[k] > 0.0 ? num(c.conc_mgL[k] / a.total_mgL[k]) : std::string(); });
                ap += "\n";
            };
            for (const auto& c : a.by_type) row("type", c);
            for (const auto& c : a.top_sources) row("source", c);
        }
    }
    std::vector<std::pair<std::string, std::string>> out = {{"scenarios.csv", sc},  {"sections.csv", se},      {"reaches.csv", re},       {"profile.csv", pr},
            {"sources.csv", so},    {"loads_by_type.csv", ty}, {"apportionment.csv", ap}};
    if (d.montecarlo) out.emplace_back("montecarlo.csv", montecarlo_csv(*d.montecarlo));
    return out;
}

}  // namespace qingliu::report
