#include "io/store_report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>
#include <toml++/toml.h>

#include "common/error.hpp"
#include "io/sql_columns.hpp"
#include "loads/source.hpp"
#include "scenarios/apportion.hpp"

namespace qingliu::io {

namespace {

namespace fs = std::filesystem;

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
CREATE INDEX IF NOT EXISTS report_network_run ON report_network(run_id);
CREATE INDEX IF NOT EXISTS report_sources_run ON report_sources(run_id, scenario);
CREATE INDEX IF NOT EXISTS report_profile_run ON report_profile(run_id, scenario);
CREATE INDEX IF NOT EXISTS report_apportion_run ON report_apportion(run_id, scenario);
)SQL";
}

void exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw OutputError("run store (report data): " + msg);
    }
}

class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
            throw OutputError(std::string("run store (report data): ") + sqlite3_errmsg(db));
    }
    ~Stmt() { sqlite3_finalize(s_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt& bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT); return *this; }
    Stmt& bind(int i, double v) { std::isfinite(v) ? sqlite3_bind_double(s_, i, v) : sqlite3_bind_null(s_, i); return *this; }
    Stmt& bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
    Stmt& bind(int i, int v) { sqlite3_bind_int(s_, i, v); return *this; }
    /// Binds v[0..N) from parameter `first` on.
    Stmt& bind(int first, const PerConstituent& v) {
        for (int c = 0; c < N; ++c) bind(first + c, v[c]);
        return *this;
    }
    bool step() {
        const int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw OutputError(std::string("run store (report data): ") + sqlite3_errmsg(db_));
    }
    void run() { step(); sqlite3_reset(s_); sqlite3_clear_bindings(s_); }
    std::string text(int c) { auto p = sqlite3_column_text(s_, c); return p ? reinterpret_cast<const char*>(p) : ""; }
    double real(int c) { return sqlite3_column_type(s_, c) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(s_, c); }
    std::int64_t i64(int c) { return sqlite3_column_int64(s_, c); }
    /// Columns first .. first + N - 1.
    PerConstituent reals(int first) {
        PerConstituent v{};
        for (int c = 0; c < N; ++c) v[c] = real(first + c);
        return v;
    }

private:
    sqlite3* db_;
    sqlite3_stmt* s_ = nullptr;
};

// CREATE TABLE IF NOT EXISTS only: safe inside the run's transaction and outside one.
void ensure_schema(sqlite3* db) { exec(db, report_schema().c_str()); }

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

/// The reach table's line geometry by reach id, read through GDAL, if the table has any.
void read_reach_lines(const LoadedCase& lc, ReportExtras& x) {
    toml::table root;
    try {
        root = toml::parse_file(lc.case_file);
    } catch (const std::exception&) {
        return;  // the case was read before; nothing more to learn here
    }
    const toml::node* n = root["tables"]["reaches"].node();
    if (!n) return;
    std::string path, layer;
    if (auto s = n->value<std::string>()) path = *s;
    else if (auto t = n->as_table()) {
        if (auto p = (*t)["path"].value<std::string>()) path = *p;
        if (auto l = (*t)["layer"].value<std::string>()) layer = *l;
    }
    if (path.empty()) return;
    if (fs::path(path).is_relative()) path = (fs::path(lc.dir) / path).lexically_normal().string();
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".csv" || ext == ".CSV" || ext == ".xlsx" || ext == ".XLSX") return;  // tables without geometry
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) return;
    OGRLayer* lyr = layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layer.c_str());
    if (!lyr || wkbFlatten(lyr->GetGeomType()) == wkbNone) return;
    const int fid = lyr->GetLayerDefn()->GetFieldIndex("reach_id");
    if (fid < 0) return;
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < x.network.size(); ++i) index.emplace(x.network[i].id, i);
    lyr->ResetReading();
    while (OGRFeature* f = lyr->GetNextFeature()) {
        std::unique_ptr<OGRFeature> owner(f);
        auto it = index.find(f->GetFieldAsString(fid));
        OGRGeometry* g = f->GetGeometryRef();
        if (it == index.end() || !g) continue;
        std::vector<report::XY> line;
        auto add = [&](const OGRLineString* ls) {
            for (int k = 0; k < ls->getNumPoints(); ++k) line.push_back({ls->getX(k), ls->getY(k)});
        };
        const auto type = wkbFlatten(g->getGeometryType());
        if (type == wkbLineString) add(g->toLineString());
        else if (type == wkbMultiLineString)
            for (const OGRLineString* part : *g->toMultiLineString()) add(part);
        if (line.size() >= 2) x.network[it->second].line = std::move(line);
    }
    if (const OGRSpatialReference* srs = lyr->GetSpatialRef()) {
        char* wkt = nullptr;
        if (srs->exportToWkt(&wkt) == OGRERR_NONE && wkt) x.srs_wkt = wkt;
        CPLFree(wkt);
        x.geographic = srs->IsGeographic();
    }
    // orient every line upstream -> downstream: its downstream end is the one nearer the downstream reach
    auto dist = [](const std::vector<report::XY>& l, report::XY p) {
        double d = 1e300;
        for (const auto& v : l) d = std::min(d, std::hypot(v.x - p.x, v.y - p.y));
        return d;
    };
    for (auto& r : x.network) {
        if (r.line.size() < 2) continue;
        auto it = index.find(r.downstream_id);
        if (it != index.end() && x.network[it->second].line.size() >= 2) {
            const auto& dl = x.network[it->second].line;
            if (dist(dl, r.line.front()) < dist(dl, r.line.back())) std::reverse(r.line.begin(), r.line.end());
        } else {  // an outlet: its upstream end is nearer a reach flowing in
            for (const auto& u : x.network)
                if (u.downstream_id == r.id && u.line.size() >= 2) {
                    if (dist(u.line, r.line.back()) < dist(u.line, r.line.front())) std::reverse(r.line.begin(), r.line.end());
                    break;
                }
        }
    }
}

report::Scenario scenario_extras(const scenarios::CaseModel& m, const std::string& id, const ReportExtrasOptions& opt,
                                 double step_m, std::vector<std::string>& notes) {
    report::Scenario s;
    s.id = id;
    for (const auto& so : m.sources)
        s.sources.push_back({so.id, so.name, so.type, so.town, so.reach >= 0 ? m.net.topo.id(so.reach) : std::string(), so.origin,
                             so.position_m / kMetresPerKm, so.flow_m3s, so.load_gs, so.diffuse});
    scenarios::EvaluateOptions eo;
    eo.profile_step_m = step_m;
    const auto ev = scenarios::evaluate(m, eo);
    for (const auto& p : ev.steady.profile)
        s.profile.push_back({m.net.topo.id(p.reach), p.position_m / kMetresPerKm, p.flow_m3s, p.conc_mgL});
    const double work = static_cast<double>(m.sources.size()) * static_cast<double>(m.net.size() + m.sections.size());
    if (work > opt.max_apportion_work) {
        notes.push_back("情景 " + id + "：污染源与河段过多，未做来源解析 / scenario " + id +
                        ": too many sources x reaches, apportionment not computed (run `qingliu apportion`)");
        return s;
    }
    const auto a = scenarios::apportion(m);
    for (std::size_t k = 0; k < m.sections.size(); ++k) {
        const auto& x = a.sections[k];
        report::SectionApportionment r;
        r.section_id = m.sections[k].id;
        r.total_mgL = x.total_mgL;
        r.background_mgL = x.background_mgL;
        const auto* bg = loads::find_source_type("background");
        r.by_type.push_back({"background", bg ? bg->zh : "背景", bg ? bg->en : "Background", x.background_mgL});
        std::map<std::string, PerConstituent> by_type;
        std::vector<std::pair<double, std::size_t>> rank;
        for (std::size_t j = 0; j < m.sources.size(); ++j) {
            const auto& c = x.by_source_mgL[j];
            double share = 0.0;
            for (int i = 0; i < N; ++i) {
                by_type[m.sources[j].type][i] += c[i];
                if (x.total_mgL[i] > 0.0) share = std::max(share, c[i] / x.total_mgL[i]);
            }
            if (share > 0.0) rank.emplace_back(share, j);
        }
        for (const auto& [t, c] : by_type) {
            if (!any_nonzero(c)) continue;
            const auto* st = loads::find_source_type(t);
            r.by_type.push_back({t, st ? st->zh : t, st ? st->en : t, c});
        }
        std::stable_sort(rank.begin(), rank.end(), [](const auto& p, const auto& q) { return p.first > q.first; });
        for (std::size_t n = 0; n < rank.size() && static_cast<int>(n) < opt.top_sources; ++n) {
            const auto& so = m.sources[rank[n].second];
            r.top_sources.push_back({so.id, so.name, so.name + " (" + so.id + ")", x.by_source_mgL[rank[n].second]});
        }
        s.apportionment.push_back(std::move(r));
    }
    return s;
}

std::string join_lines(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "\n") + x;
    return s;
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> v;
    std::size_t a = 0;
    while (a < s.size()) {
        const std::size_t b = s.find('\n', a);
        v.push_back(s.substr(a, b == std::string::npos ? std::string::npos : b - a));
        if (b == std::string::npos) break;
        a = b + 1;
    }
    return v;
}

}  // namespace

ReportExtras collect_report_extras(const LoadedCase& lc, const std::vector<scenarios::Scenario>& chosen,
                                   const ReportExtrasOptions& opt) {
    ReportExtras x;
    const auto& net = lc.model.net;
    for (std::size_t r = 0; r < net.size(); ++r) {
        report::Reach n;
        n.id = net.topo.id(r);
        n.name = net.name[r];
        n.river = net.river[r];
        n.downstream_id = net.topo.downstream(r) >= 0 ? net.topo.id(net.topo.downstream(r)) : "";
        n.split_to = net.topo.split_to(r) >= 0 ? net.topo.id(net.topo.split_to(r)) : "";
        n.split_fraction = net.topo.split_fraction(r);
        n.length_km = net.length_m[r] / kMetresPerKm;
        x.network.push_back(std::move(n));
    }
    read_reach_lines(lc, x);
    // profile step: about 300 points along the longest river, no closer than 50 m, at most ~200 000 points in all
    double step_m = opt.profile_step_km * kMetresPerKm;
    if (step_m <= 0.0) {
        double longest = 0.0, total = 0.0;
        for (const auto& a : report::river_axes(x.network)) longest = std::max(longest, a.length_km);
        for (const auto& r : x.network) total += r.length_km;
        step_m = std::max({longest * kMetresPerKm / 300.0, 50.0, total * kMetresPerKm / 200000.0});
    }
    x.scenarios.push_back(scenario_extras(lc.model, "baseline", opt, step_m, x.notes));
    x.scenarios.back().name = "基准（现状）";
    x.scenarios.back().name_en = "Baseline (current)";
    for (const auto& sc : chosen) {
        const auto m = scenarios::apply_scenario(lc.model, sc);
        auto s = scenario_extras(m, sc.id, opt, step_m, x.notes);
        s.name = sc.name;
        s.name_en = sc.name_en;
        for (const auto& me : sc.measures) s.measures.push_back(me.name.empty() ? me.id : me.name);
        s.invest_wan = sc.invest_wan();
        s.annual_wan = sc.annual_wan();
        x.scenarios.push_back(std::move(s));
    }
    return x;
}

void save_report_extras(RunStore& store, std::int64_t id, const ReportExtras& x) {
    sqlite3* db = store.handle();
    if (sqlite3_get_autocommit(db))
        throw OutputError("run store (report data): report data must be written in the run's transaction");
    ensure_schema(db);
    Stmt n(db, "INSERT INTO report_network VALUES(?,?,?,?,?,?,?,?,?,?)");
    int ord = 0;
    for (const auto& r : x.network) {
        n.bind(1, id).bind(2, ord++).bind(3, r.id).bind(4, r.name).bind(5, r.river).bind(6, r.downstream_id).bind(7, r.split_to)
            .bind(8, r.split_fraction).bind(9, r.length_km).bind(10, line_text(r.line));
        n.run();
    }
    Stmt meta(db, "INSERT INTO report_meta VALUES(?,?,?)");
    meta.bind(1, id).bind(2, std::string("srs_wkt")).bind(3, x.srs_wkt);
    meta.run();
    meta.bind(1, id).bind(2, std::string("geographic")).bind(3, std::string(x.geographic ? "1" : "0"));
    meta.run();
    for (const auto& note : x.notes) {
        meta.bind(1, id).bind(2, std::string("note")).bind(3, note);
        meta.run();
    }
    Stmt sc(db, "INSERT INTO report_scenarios VALUES(?,?,?,?,?,?,?,?)");
    Stmt so(db, ("INSERT INTO report_sources VALUES(" + sql_placeholders(12 + N) + ")").c_str());
    Stmt pr(db, ("INSERT INTO report_profile VALUES(" + sql_placeholders(6 + N) + ")").c_str());
    Stmt ap(db, ("INSERT INTO report_apportion VALUES(" + sql_placeholders(8 + N) + ")").c_str());
    ord = 0;
    for (const auto& s : x.scenarios) {
        sc.bind(1, id).bind(2, ord++).bind(3, s.id).bind(4, s.name).bind(5, s.name_en).bind(6, join_lines(s.measures))
            .bind(7, s.invest_wan).bind(8, s.annual_wan);
        sc.run();
        int k = 0;
        for (const auto& v : s.sources) {
            so.bind(1, id).bind(2, s.id).bind(3, k++).bind(4, v.id).bind(5, v.name).bind(6, v.type).bind(7, v.town)
                .bind(8, v.reach_id).bind(9, v.position_km).bind(10, v.flow_m3s).bind(11, v.load_gs).bind(11 + N, v.origin)
                .bind(12 + N, v.diffuse ? 1 : 0);
            so.run();
        }
        k = 0;
        for (const auto& p : s.profile) {
            pr.bind(1, id).bind(2, s.id).bind(3, k++).bind(4, p.reach_id).bind(5, p.position_km).bind(6, p.flow_m3s)
                .bind(7, p.conc_mgL);
            pr.run();
        }
        k = 0;
        for (const auto& a : s.apportionment) {
            auto row = [&](const char* part, const report::Contribution& c) {
                ap.bind(1, id).bind(2, s.id).bind(3, k++).bind(4, a.section_id).bind(5, std::string(part)).bind(6, c.key)
                    .bind(7, c.label).bind(8, c.label_en).bind(9, c.conc_mgL);
                ap.run();
            };
            row("total", {"total", "合计", "Total", a.total_mgL});
            for (const auto& c : a.by_type) row("type", c);
            for (const auto& c : a.top_sources) row("source", c);
        }
    }
}

std::int64_t save_run_with_report(RunStore& store, const RunData& run, const LoadedCase& lc,
                                  const std::vector<scenarios::Scenario>& chosen, const ReportExtrasOptions& opt) {
    const ReportExtras x = collect_report_extras(lc, chosen, opt);
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

report::ReportData load_report_data(RunStore& store, std::int64_t id) {
    const RunData d = store.load(id);  // throws InputError for an unknown run
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
            o.reaches.push_back({x.reach_id, x.flow_m3s, x.velocity_ms, x.travel_time_d, x.conc_mgL, x.load_out_kg_d, x.dry});
        r.scenarios.push_back(std::move(o));
    }
    sqlite3* db = store.handle();
    ensure_schema(db);
    {
        Stmt s(db, "SELECT reach_id, name, river, downstream_id, split_to, split_fraction, length_km, line_xy FROM report_network "
                   "WHERE run_id = ? ORDER BY ord");
        s.bind(1, id);
        while (s.step())
            r.network.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.real(5), s.real(6), parse_line(s.text(7))});
    }
    if (r.network.empty()) {
        // stored without report data: the network from the reach results (no splits, no names)
        r.notes.push_back("本次运行未保存报告数据（剖面、来源解析、污染源清单）/ this run was stored without report data "
                          "(profiles, apportionment, inventory); rerun the case to get them");
        if (!d.scenarios.empty())
            for (const auto& x : d.scenarios.front().reaches)
                r.network.push_back({x.reach_id, "", x.river, x.downstream_id, "", 0.0, x.length_km, {}});
        return r;
    }
    {
        Stmt s(db, "SELECT key, value FROM report_meta WHERE run_id = ? ORDER BY rowid");
        s.bind(1, id);
        while (s.step()) {
            const std::string k = s.text(0);
            if (k == "srs_wkt") r.srs_wkt = s.text(1);
            else if (k == "geographic") r.geographic = s.text(1) == "1";
            else if (k == "note") r.notes.push_back(s.text(1));
        }
    }
    std::map<std::string, report::Scenario*> by_id;
    for (auto& s : r.scenarios) by_id[s.id] = &s;
    {
        Stmt s(db, "SELECT scenario, name, name_en, measures, invest_wan, annual_wan FROM report_scenarios WHERE run_id = ? ORDER BY ord");
        s.bind(1, id);
        while (s.step()) {
            auto it = by_id.find(s.text(0));
            if (it == by_id.end()) continue;
            auto& o = *it->second;
            o.name = s.text(1);
            o.name_en = s.text(2);
            o.measures = split_lines(s.text(3));
            o.invest_wan = s.real(4);
            o.annual_wan = s.real(5);
        }
    }
    for (auto& o : r.scenarios) {
        {
            Stmt s(db, ("SELECT source_id, name, type, town, reach_id, origin, position_km, flow_m3s, " + columns("_gs") +
                        ", diffuse FROM report_sources WHERE run_id = ? AND scenario = ? ORDER BY ord").c_str());
            s.bind(1, id).bind(2, o.id);
            while (s.step())
                o.sources.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.real(6), s.real(7),
                                     s.reals(8), s.i64(8 + N) != 0});
        }
        {
            Stmt s(db, ("SELECT reach_id, position_km, flow_m3s, " + columns("_mgL") +
                        " FROM report_profile WHERE run_id = ? AND scenario = ? ORDER BY ord").c_str());
            s.bind(1, id).bind(2, o.id);
            while (s.step()) o.profile.push_back({s.text(0), s.real(1), s.real(2), s.reals(3)});
        }
        {
            Stmt s(db, ("SELECT section_id, part, key, label, label_en, " + columns("_mgL") +
                        " FROM report_apportion WHERE run_id = ? AND scenario = ? ORDER BY ord").c_str());
            s.bind(1, id).bind(2, o.id);
            while (s.step()) {
                const std::string sec = s.text(0), part = s.text(1);
                const report::Contribution c{s.text(2), s.text(3), s.text(4), s.reals(5)};
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
            }
        }
    }
    return r;
}

}  // namespace qingliu::io
