#include "io/store_report.hpp"
#include "io/store_allocation.hpp"
#include "io/store_montecarlo.hpp"
#include "io/store_tables.hpp"
#include "io/store_verdicts.hpp"
#include "io/store_water_quality.hpp"
#include "io/store_wq_analyses.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/error.hpp"
#include "common/units.hpp"
#include "io/sql_columns.hpp"
#include "report/names.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (report data)";

constexpr int N = kNumConstituents;

// Per-constituent columns: one per state variable, in table order.
std::string report_schema() {
    return R"SQL(
CREATE TABLE IF NOT EXISTS report_network(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, reach_id TEXT,
  name TEXT, river TEXT, downstream_id TEXT, split_to TEXT, split_fraction REAL, length_km REAL, line_xy TEXT);
CREATE TABLE IF NOT EXISTS report_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), key TEXT, value TEXT);
CREATE TABLE IF NOT EXISTS report_scenarios(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, scenario TEXT,
  name TEXT, name_en TEXT, measures TEXT, invest_wan REAL, annual_wan REAL);
CREATE TABLE IF NOT EXISTS report_sources(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, ord INTEGER,
  source_id TEXT, name TEXT, type TEXT, town TEXT, reach_id TEXT, position_km REAL, flow_m3s REAL, )SQL" +
           sql_columns("_gs", "REAL") + R"SQL(, origin TEXT, diffuse INTEGER);
CREATE TABLE IF NOT EXISTS report_profile(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, ord INTEGER,
  reach_id TEXT, position_km REAL, flow_m3s REAL, )SQL" + sql_columns("_mgL", "REAL") + R"SQL();
CREATE TABLE IF NOT EXISTS report_apportion(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, ord INTEGER,
  section_id TEXT, part TEXT, key TEXT, label TEXT, label_en TEXT, )SQL" + sql_columns("_mgL", "REAL") + R"SQL();
CREATE TABLE IF NOT EXISTS report_classes(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, parameter TEXT,
  water_body TEXT, direction TEXT, class_i REAL, class_ii REAL, class_iii REAL, class_iv REAL, class_v REAL, unit TEXT,
  source TEXT);
CREATE TABLE IF NOT EXISTS report_names(run_id INTEGER NOT NULL REFERENCES runs(run_id), kind TEXT, key TEXT, name_en TEXT);
CREATE INDEX IF NOT EXISTS report_network_run ON report_network(run_id);
CREATE INDEX IF NOT EXISTS report_sources_run ON report_sources(run_id, scenario);
CREATE INDEX IF NOT EXISTS report_profile_run ON report_profile(run_id, scenario);
CREATE INDEX IF NOT EXISTS report_apportion_run ON report_apportion(run_id, scenario);
)SQL";
}

std::string line_text(const std::vector<report::XY>& l) {
    std::string s;
    char b[64];
    for (const auto& p : l) {
        std::snprintf(b, sizeof b, "%s%.10g %.10g", s.empty() ? "" : ",", p.x, p.y);
        s += b;
    }
    return s;
}

std::vector<report::XY> parse_line(const std::string& s) {
    std::vector<report::XY> l;
    const char* p = s.c_str();
    while (*p) {
        char* e = nullptr;
        const double x = std::strtod(p, &e);
        if (e == p) break;
        p = e;
        const double y = std::strtod(p, &e);
        if (e == p) break;
        l.push_back({x, y});
        p = e;
        if (*p == ',') ++p;
    }
    return l;
}

}  // namespace

void save_report_extras(RunStore& store, std::int64_t id, const ReportExtras& x) {
    require_run_transaction(store, kWhat, "report data");
    const StoreTables g(store, report_schema(), kWhat);
    Statement n = g.insert("report_network", 10);
    StoreTables::write_rows(n, id, x.network, [](Statement& s, const report::Reach& r) {
        s.bind(3, r.id).bind(4, r.name).bind(5, r.river).bind(6, r.downstream_id).bind(7, r.split_to).bind(8, r.split_fraction)
            .bind(9, r.length_km).bind(10, line_text(r.line));
    });
    // English names the case gives (report/names.hpp fills the others when a report is made)
    Statement names = g.insert("report_names", 4);
    auto name_row = [&](const char* kind, const std::string& key, const std::string& en) {
        if (en.empty()) return;
        names.bind(1, id).bind(2, std::string(kind)).bind(3, key).bind(4, en);
        names.run();
    };
    for (const auto& r : x.network) {
        name_row("reach", r.id, r.name_en);
        name_row("river", r.river, r.river_en);
    }
    for (const auto& s : x.scenarios) {
        for (std::size_t i = 0; i < s.measures.size() && i < s.measures_en.size(); ++i) name_row("measure", s.measures[i], s.measures_en[i]);
        if (&s == &x.scenarios.front())
            for (const auto& v : s.sources) name_row("source", v.id, v.name_en);
    }
    Statement meta = g.insert("report_meta", 3);
    meta.bind(1, id).bind(2, std::string("srs_wkt")).bind(3, x.srs_wkt);
    meta.run();
    meta.bind(1, id).bind(2, std::string("geographic")).bind(3, std::string(x.geographic ? "1" : "0"));
    meta.run();
    for (const auto& note : x.notes) {
        meta.bind(1, id).bind(2, std::string("note")).bind(3, note);
        meta.run();
    }
    Statement cl = g.insert("report_classes", 12);
    StoreTables::write_rows(cl, id, x.classes.rows(), [](Statement& s, const reaches::ClassLimit& L) {
        const std::string wb = !L.water_body ? "any" : *L.water_body == reaches::WaterBody::Lake ? "lake" : "river";
        s.bind(3, L.parameter).bind(4, wb).bind(5, std::string(L.minimum ? "min" : "max"));
        for (int k = 0; k < 5; ++k) s.bind(6 + k, L.limit[k]);
        s.bind(11, L.unit).bind(12, L.source);
    });
    Statement sc = g.insert("report_scenarios", 8);
    StoreTables::write_rows(sc, id, x.scenarios, [](Statement& st, const report::Scenario& s) {
        st.bind(3, s.id).bind(4, s.name).bind(5, s.name_en).bind(6, join_lines(s.measures)).bind(7, s.invest_wan).bind(8, s.annual_wan);
    });
    Statement so = g.insert("report_sources", 12 + N);
    Statement pr = g.insert("report_profile", 6 + N);
    Statement ap = g.insert("report_apportion", 8 + N);
    for (const auto& s : x.scenarios) {
        int k = 0;
        for (const auto& v : s.sources) {
            so.bind(1, id).bind(2, s.id).bind(3, k++).bind(4, v.id).bind(5, v.name).bind(6, v.type).bind(7, v.town)
                .bind(8, v.reach_id).bind(9, v.position_km).bind(10, v.flow_m3s);
            bind_reals(so, 11, v.load_gs).bind(11 + N, v.origin).bind(12 + N, v.diffuse ? 1 : 0);
            so.run();
        }
        k = 0;
        for (const auto& p : s.profile) {
            pr.bind(1, id).bind(2, s.id).bind(3, k++).bind(4, p.reach_id).bind(5, p.position_km).bind(6, p.flow_m3s);
            bind_reals(pr, 7, p.conc_mgL);
            pr.run();
        }
        k = 0;
        for (const auto& a : s.apportionment) {
            auto row = [&](const char* part, const report::Contribution& c) {
                ap.bind(1, id).bind(2, s.id).bind(3, k++).bind(4, a.section_id).bind(5, std::string(part)).bind(6, c.key)
                    .bind(7, c.label).bind(8, c.label_en);
                bind_reals(ap, 9, c.conc_mgL);
                ap.run();
            };
            row("total", {"total", "合计", "Total", a.total_mgL});
            for (const auto& c : a.by_type) row("type", c);
            for (const auto& c : a.top_sources) row("source", c);
        }
    }
    if (x.allocation) save_allocation(store, id, *x.allocation);
    if (x.water_quality) save_water_quality(store, id, *x.water_quality);
    if (x.wq_analyses) save_wq_analyses(store, id, *x.wq_analyses);
}

std::int64_t save_run_with_report(RunStore& store, const RunData& run, const ReportExtras& x) {
    return store.save(run, [&](std::int64_t id) { save_report_extras(store, id, x); });
}

std::int64_t resolve_run(RunStore& store, const std::string& run) {
    if (run == "latest" || run == "last") {
        const auto runs = store.list();
        if (runs.empty())
            throw InputError("empty run store", {{store.path(), "", "RUN", run, "the store has no runs yet: run `qingliu run CASE --out DIR` first"}});
        return runs.back().run_id;
    }
    char* end = nullptr;
    const long long v = std::strtoll(run.c_str(), &end, 10);
    if (run.empty() || *end != '\0' || v <= 0)
        throw InputError("bad run id", {{store.path(), "", "RUN", run, "expected a run id (see `qingliu runs`) or \"latest\""}});
    return v;
}

report::ReportData report_data_of(const RunData& d) {
    report::ReportData r;
    r.run_id = d.run_id;
    r.created_utc = d.created_utc;
    r.command = d.command;
    r.case_name = d.case_name;
    r.case_name_en = d.case_name_en;
    r.case_dir = d.case_dir;
    r.version = d.version;
    r.parameters = d.parameters;
    for (const auto& f : d.inputs) r.inputs.emplace_back(f.path, f.sha256);
    for (const auto& s : d.scenarios) {
        report::Scenario o;
        o.id = s.scenario;
        for (const auto& x : s.sections)
            o.sections.push_back({x.section_id, x.name, x.name_en, x.river, x.reach_id, x.level, x.position_km, x.target_class, x.flow_m3s,
                                  x.conc_mgL, x.cls, x.overall, x.worst, x.meets, x.exceedance, x.exceedance_max});
        for (const auto& x : s.reaches)
            o.reaches.push_back({x.reach_id, x.flow_m3s, x.velocity_ms, x.travel_time_d, x.conc_mgL, x.load_out_kg_d, x.dry,
                                 x.flow_in_m3s, x.decayed_kg_d});
        r.scenarios.push_back(std::move(o));
    }
    return r;
}

namespace {

// The class table stored with the run (the built-in GB 3838-2002 table, with a note, for runs stored without one).
void load_classes(const StoreTables& g, std::int64_t id, report::ReportData& r) {
    std::vector<reaches::ClassLimit> rows;
    g.each_row("SELECT parameter, water_body, direction, class_i, class_ii, class_iii, class_iv, class_v, unit, source "
               "FROM report_classes WHERE run_id = ? ORDER BY ord", [&](const Statement& s) {
        reaches::ClassLimit L;
        L.parameter = s.text(0);
        if (s.text(1) != "any") L.water_body = reaches::parse_water_body(s.text(1));
        L.minimum = s.text(2) == "min";
        for (int k = 0; k < 5; ++k) L.limit[k] = s.real(3 + k);
        L.unit = s.text(8);
        L.source = s.text(9);
        rows.push_back(std::move(L));
    }, id);
    if (!rows.empty()) r.classes = reaches::ClassTable::from_rows(std::move(rows));
    else
        r.notes.push_back("本次运行未保存水质类别标准表，按 GB 3838-2002 内置表评价 / this run was stored without its class "
                          "table; the built-in GB 3838-2002 table is used");
}

}  // namespace

report::ReportData load_report_data(RunStore& store, std::int64_t id) {
    const RunData d = store.load(id);  // throws InputError for an unknown run
    report::ReportData r = report_data_of(d);
    r.montecarlo = load_montecarlo(store, id);
    r.allocation = load_allocation(store, id);
    r.verdicts = load_verdicts(store, id);
    r.water_quality = load_water_quality(store, id);
    r.wq_analyses = load_wq_analyses(store, id);
    const StoreTables g(store, report_schema(), kWhat);
    g.each_row("SELECT reach_id, name, river, downstream_id, split_to, split_fraction, length_km, line_xy FROM report_network "
               "WHERE run_id = ? ORDER BY ord", [&](const Statement& s) {
        r.network.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.real(5), s.real(6), parse_line(s.text(7))});
    }, id);
    std::map<std::pair<std::string, std::string>, std::string> names_en;  // (kind, key) -> English name given by the case
    g.each_row("SELECT kind, key, name_en FROM report_names WHERE run_id = ?",
               [&](const Statement& s) { names_en.emplace(std::make_pair(s.text(0), s.text(1)), s.text(2)); }, id);
    auto name_en = [&](const char* kind, const std::string& key) {
        auto it = names_en.find({kind, key});
        return it == names_en.end() ? std::string() : it->second;
    };
    for (auto& n : r.network) {
        n.name_en = name_en("reach", n.id);
        n.river_en = name_en("river", n.river);
    }
    if (r.network.empty()) {
        // stored without report data: the network from the reach results (no splits, no names)
        r.notes.push_back("本次运行未保存报告数据（剖面、来源解析、污染源清单）/ this run was stored without report data "
                          "(profiles, apportionment, inventory); rerun the case to get them");
        if (!d.scenarios.empty())
            for (const auto& x : d.scenarios.front().reaches)
                r.network.push_back({x.reach_id, "", x.river, x.downstream_id, "", 0.0, x.length_km, {}});
        report::complete_english_names(r);
        return r;
    }
    g.each_row("SELECT key, value FROM report_meta WHERE run_id = ? ORDER BY rowid", [&](const Statement& s) {
        const std::string k = s.text(0);
        if (k == "srs_wkt") r.srs_wkt = s.text(1);
        else if (k == "geographic") r.geographic = s.text(1) == "1";
        else if (k == "note") r.notes.push_back(s.text(1));
    }, id);
    load_classes(g, id, r);
    std::map<std::string, report::Scenario*> by_id;
    for (auto& s : r.scenarios) by_id[s.id] = &s;
    g.each_row("SELECT scenario, name, name_en, measures, invest_wan, annual_wan FROM report_scenarios WHERE run_id = ? "
               "ORDER BY ord", [&](const Statement& s) {
        auto it = by_id.find(s.text(0));
        if (it == by_id.end()) return;
        auto& o = *it->second;
        o.name = s.text(1);
        o.name_en = s.text(2);
        o.measures = split_lines(s.text(3));
        for (const auto& m : o.measures) o.measures_en.push_back(name_en("measure", m));
        o.invest_wan = s.real(4);
        o.annual_wan = s.real(5);
    }, id);
    for (auto& o : r.scenarios) {
        g.each_row("SELECT source_id, name, type, town, reach_id, origin, position_km, flow_m3s, " + sql_columns("_gs") +
                       ", diffuse FROM report_sources WHERE run_id = ? AND scenario = ? ORDER BY ord", [&](const Statement& s) {
            o.sources.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.real(6), s.real(7),
                                 read_reals(s, 8), s.i64(8 + N) != 0});
        }, id, o.id);
        for (auto& v : o.sources) v.name_en = name_en("source", v.id);
        g.each_row("SELECT reach_id, position_km, flow_m3s, " + sql_columns("_mgL") + " FROM report_profile "
                       "WHERE run_id = ? AND scenario = ? ORDER BY ord",
                   [&](const Statement& s) { o.profile.push_back({s.text(0), s.real(1), s.real(2), read_reals(s, 3)}); }, id, o.id);
        g.each_row("SELECT section_id, part, key, label, label_en, " + sql_columns("_mgL") + " FROM report_apportion "
                       "WHERE run_id = ? AND scenario = ? ORDER BY ord", [&](const Statement& s) {
            const std::string sec = s.text(0), part = s.text(1);
            const report::Contribution c{s.text(2), s.text(3), s.text(4), read_reals(s, 5)};
            if (o.apportionment.empty() || o.apportionment.back().section_id != sec) {
                o.apportionment.push_back({});
                o.apportionment.back().section_id = sec;
            }
            auto& a = o.apportionment.back();
            if (part == "total") a.total_mgL = c.conc_mgL;
            else if (part == "type") {
                if (c.key == "background") a.background_mgL = c.conc_mgL;
                a.by_type.push_back(c);
            } else if (part == "source")
                a.top_sources.push_back(c);
        }, id, o.id);
    }
    report::complete_english_names(r);
    return r;
}

}  // namespace qingliu::io
