#include "io/store.hpp"
#include "io/sqlite_statement.hpp"

#include <chrono>
#include <cmath>
#include <ctime>

#include <sqlite3.h>

#include "common/error.hpp"
#include "io/sql_columns.hpp"
#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

constexpr int N = kNumConstituents;

// Per-constituent columns come in groups, one column per state variable in table order.
std::string schema() {
    return R"SQL(
CREATE TABLE IF NOT EXISTS runs(
  run_id INTEGER PRIMARY KEY AUTOINCREMENT, created_utc TEXT NOT NULL, command TEXT NOT NULL,
  case_name TEXT, case_name_en TEXT, case_dir TEXT, version TEXT);
CREATE TABLE IF NOT EXISTS run_parameters(run_id INTEGER NOT NULL REFERENCES runs(run_id), key TEXT NOT NULL, value REAL);
CREATE TABLE IF NOT EXISTS run_inputs(run_id INTEGER NOT NULL REFERENCES runs(run_id), path TEXT NOT NULL,
  sha256 TEXT NOT NULL, bytes INTEGER, content BLOB);
CREATE TABLE IF NOT EXISTS scenario_results(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, scenario TEXT,
  )SQL" + sql_columns("_input_kg_d", "REAL") + ", " + sql_columns("_outlet_kg_d", "REAL") + ", " +
           sql_columns("_decayed_kg_d", "REAL") + R"SQL(, max_reach_imbalance REAL);
CREATE TABLE IF NOT EXISTS section_results(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, ord INTEGER,
  section_id TEXT, name TEXT, name_en TEXT, river TEXT, reach_id TEXT, level TEXT, position_km REAL, target_class INTEGER,
  flow_m3s REAL, )SQL" + sql_columns("_mgL", "REAL") + ", " + sql_columns("_class", "INTEGER") + R"SQL(,
  class INTEGER, worst INTEGER, meets INTEGER, )SQL" + sql_columns("_exceedance", "REAL") + R"SQL(, exceedance REAL);
CREATE TABLE IF NOT EXISTS reach_results(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, ord INTEGER,
  reach_id TEXT, river TEXT, downstream_id TEXT, length_km REAL, flow_in_m3s REAL, flow_m3s REAL, velocity_ms REAL,
  travel_time_d REAL, )SQL" + sql_columns("_mgL", "REAL") + ", " + sql_columns("_load_kg_d", "REAL") + ", " +
           sql_columns("_decayed_kg_d", "REAL") + R"SQL(, dry INTEGER);
CREATE INDEX IF NOT EXISTS section_results_run ON section_results(run_id);
CREATE INDEX IF NOT EXISTS reach_results_run ON reach_results(run_id);
)SQL";
}


using Stmt = Statement;

}  // namespace

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

RunStore::RunStore(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw OutputError("cannot open run store " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 30000);
    exec("PRAGMA journal_mode=WAL;");
    exec("PRAGMA synchronous=NORMAL;");
    exec("PRAGMA foreign_keys=ON;");
    exec("BEGIN IMMEDIATE;");
    try {
        exec(schema().c_str());
        exec("COMMIT;");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
        throw;
    }
}

RunStore::~RunStore() { sqlite3_close(db_); }

void RunStore::exec(const char* sql) { exec_sql(db_, sql, "run store " + path_); }

std::int64_t RunStore::save(const RunData& run, const std::function<void(std::int64_t)>& more) {
    exec("BEGIN IMMEDIATE;");
    try {
        Stmt r(db_, "INSERT INTO runs(created_utc, command, case_name, case_name_en, case_dir, version) VALUES(?,?,?,?,?,?)");
        r.bind(1, run.created_utc.empty() ? utc_now() : run.created_utc).bind(2, run.command).bind(3, run.case_name)
            .bind(4, run.case_name_en).bind(5, run.case_dir).bind(6, run.version);
        r.run();
        const std::int64_t id = sqlite3_last_insert_rowid(db_);
        Stmt p(db_, "INSERT INTO run_parameters VALUES(?,?,?)");
        for (const auto& [k, v] : run.parameters) { p.bind(1, id).bind(2, k).bind(3, v); p.run(); }
        Stmt in(db_, "INSERT INTO run_inputs VALUES(?,?,?,?,?)");
        for (const auto& f : run.inputs) {
            in.bind(1, id).bind(2, f.path).bind(3, f.sha256).bind(4, static_cast<std::int64_t>(f.content.size())).blob(5, f.content);
            in.run();
        }
        Stmt sc(db_, ("INSERT INTO scenario_results VALUES(" + sql_placeholders(4 + 3 * N) + ")").c_str());
        Stmt se(db_, ("INSERT INTO section_results VALUES(" + sql_placeholders(16 + 3 * N) + ")").c_str());
        Stmt re(db_, ("INSERT INTO reach_results VALUES(" + sql_placeholders(12 + 3 * N) + ")").c_str());
        int ord = 0;
        for (const auto& s : run.scenarios) {
            sc.bind(1, id).bind(2, ord++).bind(3, s.scenario);
            bind_reals(sc, 4, s.input_kg_d);
            bind_reals(sc, 4 + N, s.outlet_kg_d);
            bind_reals(sc, 4 + 2 * N, s.decayed_kg_d).bind(4 + 3 * N, s.max_reach_imbalance);
            sc.run();
            int k = 0;
            for (const auto& x : s.sections) {
                se.bind(1, id).bind(2, s.scenario).bind(3, k++).bind(4, x.section_id).bind(5, x.name).bind(6, x.name_en)
                    .bind(7, x.river).bind(8, x.reach_id).bind(9, x.level).bind(10, x.position_km).bind(11, x.target_class)
                    .bind(12, x.flow_m3s);
                bind_reals(se, 13, x.conc_mgL);
                for (int c = 0; c < N; ++c) se.bind(13 + N + c, x.cls[c]);
                bind_reals(se, 16 + 2 * N, x.exceedance);
                se.bind(13 + 2 * N, x.overall).bind(14 + 2 * N, x.worst).bind(15 + 2 * N, x.meets ? 1 : 0).bind(16 + 3 * N, x.exceedance_max);
                se.run();
            }
            k = 0;
            for (const auto& x : s.reaches) {
                re.bind(1, id).bind(2, s.scenario).bind(3, k++).bind(4, x.reach_id).bind(5, x.river).bind(6, x.downstream_id)
                    .bind(7, x.length_km).bind(8, x.flow_in_m3s).bind(9, x.flow_m3s).bind(10, x.velocity_ms)
                    .bind(11, x.travel_time_d);
                bind_reals(re, 12, x.conc_mgL);
                bind_reals(re, 12 + N, x.load_out_kg_d);
                bind_reals(re, 12 + 2 * N, x.decayed_kg_d).bind(12 + 3 * N, x.dry ? 1 : 0);
                re.run();
            }
        }
        if (more) more(id);
        exec("COMMIT;");
        return id;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<RunSummary> RunStore::list() {
    std::vector<RunSummary> out;
    Stmt s(db_,
           "SELECT r.run_id, r.created_utc, r.command, r.case_name, r.case_dir,"
           " (SELECT COUNT(*) FROM scenario_results x WHERE x.run_id = r.run_id),"
           " (SELECT COUNT(*) FROM section_results x WHERE x.run_id = r.run_id),"
           " (SELECT COUNT(*) FROM section_results x WHERE x.run_id = r.run_id AND x.meets = 1)"
           " FROM runs r ORDER BY r.run_id");
    while (s.step())
        out.push_back({s.i64(0), s.text(1), s.text(2), s.text(3), s.text(4), static_cast<int>(s.i64(5)),
                       static_cast<int>(s.i64(6)), static_cast<int>(s.i64(7))});
    return out;
}

RunData RunStore::load(std::int64_t id) {
    RunData d;
    {
        Stmt s(db_, "SELECT created_utc, command, case_name, case_name_en, case_dir, version FROM runs WHERE run_id = ?");
        s.bind(1, id);
        if (!s.step()) throw InputError("no such run", {{path_, "", "run_id", std::to_string(id), "no run with this id in the store"}});
        d.run_id = id;
        d.created_utc = s.text(0);
        d.command = s.text(1);
        d.case_name = s.text(2);
        d.case_name_en = s.text(3);
        d.case_dir = s.text(4);
        d.version = s.text(5);
    }
    {
        Stmt s(db_, "SELECT key, value FROM run_parameters WHERE run_id = ? ORDER BY rowid");
        s.bind(1, id);
        while (s.step()) d.parameters.emplace_back(s.text(0), s.real(1));
    }
    {
        Stmt s(db_, "SELECT path, sha256, content FROM run_inputs WHERE run_id = ? ORDER BY rowid");
        s.bind(1, id);
        while (s.step()) d.inputs.push_back({s.text(0), s.text(1), s.bytes(2)});
    }
    Stmt sc(db_, ("SELECT scenario, " + columns("_input_kg_d") + "," + columns("_outlet_kg_d") + "," + columns("_decayed_kg_d") +
                  ", max_reach_imbalance FROM scenario_results WHERE run_id = ? ORDER BY ord").c_str());
    sc.bind(1, id);
    while (sc.step()) {
        ScenarioResult r;
        r.scenario = sc.text(0);
        r.input_kg_d = read_reals(sc, 1);
        r.outlet_kg_d = read_reals(sc, 1 + N);
        r.decayed_kg_d = read_reals(sc, 1 + 2 * N);
        r.max_reach_imbalance = sc.real(1 + 3 * N);
        d.scenarios.push_back(std::move(r));
    }
    for (auto& r : d.scenarios) {
        Stmt s(db_, ("SELECT section_id, name, name_en, river, reach_id, level, position_km, target_class, flow_m3s, " +
                     columns("_mgL") + "," + columns("_class") + ", class, worst, meets, " + columns("_exceedance") +
                     ", exceedance FROM section_results WHERE run_id = ? AND scenario = ? ORDER BY ord").c_str());
        s.bind(1, id).bind(2, r.scenario);
        while (s.step()) {
            SectionRow x;
            x.section_id = s.text(0); x.name = s.text(1); x.name_en = s.text(2); x.river = s.text(3);
            x.reach_id = s.text(4); x.level = s.text(5); x.position_km = s.real(6);
            x.target_class = static_cast<int>(s.i64(7)); x.flow_m3s = s.real(8);
            x.conc_mgL = read_reals(s, 9);
            for (int c = 0; c < N; ++c) x.cls[c] = static_cast<int>(s.i64(9 + N + c));
            x.exceedance = read_reals(s, 12 + 2 * N);
            x.overall = static_cast<int>(s.i64(9 + 2 * N)); x.worst = static_cast<int>(s.i64(10 + 2 * N));
            x.meets = s.i64(11 + 2 * N) != 0; x.exceedance_max = s.real(12 + 3 * N);
            r.sections.push_back(std::move(x));
        }
        Stmt q(db_, ("SELECT reach_id, river, downstream_id, length_km, flow_in_m3s, flow_m3s, velocity_ms, travel_time_d, " +
                     columns("_mgL") + "," + columns("_load_kg_d") + "," + columns("_decayed_kg_d") +
                     ", dry FROM reach_results WHERE run_id = ? AND scenario = ? ORDER BY ord").c_str());
        q.bind(1, id).bind(2, r.scenario);
        while (q.step()) {
            ReachRow x;
            x.reach_id = q.text(0); x.river = q.text(1); x.downstream_id = q.text(2); x.length_km = q.real(3);
            x.flow_in_m3s = q.real(4); x.flow_m3s = q.real(5); x.velocity_ms = q.real(6); x.travel_time_d = q.real(7);
            x.conc_mgL = read_reals(q, 8);
            x.load_out_kg_d = read_reals(q, 8 + N);
            x.decayed_kg_d = read_reals(q, 8 + 2 * N);
            x.dry = q.i64(8 + 3 * N) != 0;
            r.reaches.push_back(std::move(x));
        }
    }
    return d;
}

}  // namespace qingliu::io
