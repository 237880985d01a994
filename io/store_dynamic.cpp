#include "io/store_dynamic.hpp"
#include "io/sqlite_statement.hpp"

#include <sqlite3.h>

#include "common/error.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (dynamic results)";

// Statements of this table group, their errors named by it
struct Stmt : Statement {
    Stmt(sqlite3* db, const char* sql) : Statement(db, sql, kWhat) {}
};

const char* kDynamicSchema = R"SQL(
CREATE TABLE IF NOT EXISTS dynamic_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, key TEXT, value REAL);
CREATE TABLE IF NOT EXISTS dynamic_files(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT, kind TEXT,
  path TEXT, sha256 TEXT, bytes INTEGER);
CREATE TABLE IF NOT EXISTS dynamic_section_monthly(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, month INTEGER, season TEXT, days INTEGER, cod_mgL REAL, nh3n_mgL REAL, tp_mgL REAL, class INTEGER,
  meets INTEGER);
CREATE TABLE IF NOT EXISTS dynamic_compliance(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, target_class INTEGER, cod_mgL REAL, nh3n_mgL REAL, tp_mgL REAL, annual_class INTEGER,
  annual_meets INTEGER, share_days REAL, share_months REAL);
)SQL";



}  // namespace

void save_dynamic(RunStore& store, std::int64_t run_id, const std::vector<DynamicScenarioOutput>& outputs) {
    sqlite3* db = store.handle();
    if (sqlite3_get_autocommit(db))
        throw OutputError("run store (dynamic results): dynamic results must be written in the run's transaction");
    exec_sql(db, kDynamicSchema, kWhat);
    Stmt meta(db, "INSERT INTO dynamic_meta VALUES(?,?,?,?)");
    Stmt file(db, "INSERT INTO dynamic_files VALUES(?,?,?,?,?,?)");
    Stmt month(db, "INSERT INTO dynamic_section_monthly VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    Stmt comp(db, "INSERT INTO dynamic_compliance VALUES(?,?,?,?,?,?,?,?,?,?,?)");
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
                    .bind(5, o.wet_month.size() == 12 && o.wet_month[m] == 1 ? "wet" : "dry").bind(6, sc.monthly_days[m])
                    .bind(7, sc.monthly_mean_mgL[m][0]).bind(8, sc.monthly_mean_mgL[m][1]).bind(9, sc.monthly_mean_mgL[m][2])
                    .bind(10, sc.monthly_class[m]).bind(11, meets).run();
            }
            comp.bind(1, run_id).bind(2, o.scenario).bind(3, o.section_ids[sec]).bind(4, o.target_class[sec])
                .bind(5, sc.annual_mean_mgL[0]).bind(6, sc.annual_mean_mgL[1]).bind(7, sc.annual_mean_mgL[2])
                .bind(8, sc.annual_class).bind(9, sc.annual_meets ? 1 : 0).bind(10, sc.share_days())
                .bind(11, sc.share_months()).run();
        }
    }
}

}  // namespace qingliu::io
