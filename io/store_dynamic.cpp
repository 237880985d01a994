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
CREATE TABLE IF NOT EXISTS dynamic_files(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, kind TEXT,
  path TEXT, sha256 TEXT, bytes INTEGER);
CREATE TABLE IF NOT EXISTS dynamic_section_monthly(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, month INTEGER, season TEXT, days INTEGER, )SQL" + conc + R"SQL(, class INTEGER, meets INTEGER);
CREATE TABLE IF NOT EXISTS dynamic_compliance(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, target_class INTEGER, )SQL" + conc + R"SQL(, annual_class INTEGER,
  annual_meets INTEGER, share_days REAL, share_months REAL);
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
    Stmt file(db, "INSERT INTO dynamic_files VALUES(?,?,?,?,?,?)");
    Stmt month(db, insert("dynamic_section_monthly", 8 + N).c_str());
    Stmt comp(db, insert("dynamic_compliance", 8 + N).c_str());
    // binds v[0..N) from column `first` on
    auto reals = [](Statement& s, int first, const PerConstituent& v) -> Statement& {
        for (int c = 0; c < N; ++c) s.bind(first + c, v[c]);
        return s;
    };
    for (const auto& o : outputs) {
        for (const auto& [k, v] : o.meta) meta.bind(1, run_id).bind(2, o.scenario).bind(3, k).bind(4, v).run();
        for (const auto& f : o.files)
            file.bind(1, run_id).bind(2, o.scenario).bind(3, f.kind).bind(4, f.path).bind(5, f.sha256)
                .bind(6, static_cast<std::int64_t>(f.bytes)).run();
        for (std::size_t sec = 0; sec < o.section_ids.size(); ++sec) {
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
    }
}

}  // namespace qingliu::io
