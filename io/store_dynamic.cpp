#include "io/store_dynamic.hpp"
#include "io/sqlite_statement.hpp"

#include <sqlite3.h>

#include "common/error.hpp"
#include "io/sql_columns.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (dynamic results)";

// Statements of this table group, their errors named by it
struct Stmt : Statement {
    Stmt(sqlite3* db, const char* sql) : Statement(db, sql, kWhat) {}
};

constexpr int N = kNumConstituents;

// Concentration columns: one per state variable, in table order.
std::string dynamic_schema() {
    const std::string conc = sql_columns("_mgL", "REAL");
    return R"SQL(
CREATE TABLE IF NOT EXISTS dynamic_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, key TEXT, value REAL);
CREATE TABLE IF NOT EXISTS dynamic_section_daily(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, date TEXT, flow_m3s REAL, )SQL" + conc + R"SQL(, class INTEGER);
CREATE TABLE IF NOT EXISTS dynamic_reach_daily(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  reach_id TEXT, date TEXT, flow_m3s REAL, )SQL" + conc + R"SQL();
CREATE TABLE IF NOT EXISTS dynamic_section_monthly(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, month INTEGER, season TEXT, days INTEGER, )SQL" + conc + R"SQL(, class INTEGER, meets INTEGER);
CREATE TABLE IF NOT EXISTS dynamic_compliance(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, target_class INTEGER, )SQL" + conc + R"SQL(, annual_class INTEGER,
  annual_meets INTEGER, share_days REAL, share_months REAL);
CREATE INDEX IF NOT EXISTS dynamic_section_daily_run ON dynamic_section_daily(run_id, scenario, section_id);
CREATE INDEX IF NOT EXISTS dynamic_reach_daily_run ON dynamic_reach_daily(run_id, scenario, reach_id);
)SQL";
}

}  // namespace

void save_dynamic(RunStore& store, std::int64_t run_id, const std::vector<DynamicScenarioOutput>& outputs) {
    sqlite3* db = store.handle();
    if (sqlite3_get_autocommit(db))
        throw OutputError("run store (dynamic results): dynamic results must be written in the run's transaction");
    exec_sql(db, dynamic_schema().c_str(), kWhat);
    auto insert = [](const char* table, int columns) { return "INSERT INTO " + std::string(table) + " VALUES(" + sql_placeholders(columns) + ")"; };
    Stmt meta(db, "INSERT INTO dynamic_meta VALUES(?,?,?,?)");
    Stmt day(db, insert("dynamic_section_daily", 6 + N).c_str());
    Stmt reach(db, insert("dynamic_reach_daily", 5 + N).c_str());
    Stmt month(db, insert("dynamic_section_monthly", 8 + N).c_str());
    Stmt comp(db, insert("dynamic_compliance", 8 + N).c_str());
    // binds v[0..N) from column `first` on
    auto reals = [](Statement& s, int first, const PerConstituent& v) -> Statement& {
        for (int c = 0; c < N; ++c) s.bind(first + c, v[c]);
        return s;
    };
    for (const auto& o : outputs) {
        const reaches::DynamicResult& r = *o.result;
        for (const auto& [k, v] : o.meta) meta.bind(1, run_id).bind(2, o.scenario).bind(3, k).bind(4, v).run();
        for (std::size_t sec = 0; sec < o.section_ids.size(); ++sec) {
            for (std::size_t s = 0; s < r.steps; ++s) {
                const PerConstituent c = r.conc(s, sec);
                const int cls = reaches::evaluate_section(*o.classes, c, o.water_body[sec], o.target_class[sec]).overall;
                day.bind(1, run_id).bind(2, o.scenario).bind(3, o.section_ids[sec]).bind(4, o.dates[s])
                    .bind(5, r.obs_flow_m3s[s * r.nobs + sec]);
                reals(day, 6, c).bind(6 + N, cls).run();
            }
            const reaches::SectionCompliance& sc = o.compliance[sec];
            for (int m = 0; m < 12; ++m) {
                if (!sc.monthly_days[m]) continue;
                const int meets = sc.monthly_class[m] <= o.target_class[sec] ? 1 : 0;
                month.bind(1, run_id).bind(2, o.scenario).bind(3, o.section_ids[sec]).bind(4, m + 1)
                    .bind(5, o.wet_month.size() == 12 && o.wet_month[m] == 1 ? "wet" : "dry").bind(6, sc.monthly_days[m]);
                reals(month, 7, sc.monthly_mean_mgL[m]).bind(7 + N, sc.monthly_class[m]).bind(8 + N, meets).run();
            }
            comp.bind(1, run_id).bind(2, o.scenario).bind(3, o.section_ids[sec]).bind(4, o.target_class[sec]);
            reals(comp, 5, sc.annual_mean_mgL).bind(5 + N, sc.annual_class).bind(6 + N, sc.annual_meets ? 1 : 0)
                .bind(7 + N, sc.share_days()).bind(8 + N, sc.share_months()).run();
        }
        if (!r.reach_conc_mgL.empty()) {
            const std::size_t n = o.reach_ids.size();
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t s = 0; s < r.steps; ++s) {
                    const std::size_t at = s * n + i;
                    reach.bind(1, run_id).bind(2, o.scenario).bind(3, o.reach_ids[i]).bind(4, o.dates[s])
                        .bind(5, r.reach_flow_m3s[at]);
                    reals(reach, 6, r.reach_conc(at)).run();
                }
        }
    }
}

std::int64_t count_dynamic_days(RunStore& store, std::int64_t run_id) {
    sqlite3* db = store.handle();
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dynamic_section_daily WHERE run_id = ?", -1, &s, nullptr) != SQLITE_OK) {
        sqlite3_finalize(s);
        return 0;  // no dynamic tables yet
    }
    sqlite3_bind_int64(s, 1, run_id);
    std::int64_t n = 0;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

}  // namespace qingliu::io
