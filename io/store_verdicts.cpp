#include "io/store_verdicts.hpp"

#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (steady and dynamic verdicts)";

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS report_verdict_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), year INTEGER,
  design_year INTEGER, dry_factor REAL);
CREATE TABLE IF NOT EXISTS report_verdicts(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, scenario TEXT,
  section_id TEXT, name TEXT, name_en TEXT, target_class INTEGER, steady_class INTEGER, steady_meets INTEGER,
  steady_exceeding TEXT, dynamic_class INTEGER, share_days REAL, share_months REAL, agree INTEGER, why_zh TEXT, why_en TEXT);
)SQL";

}  // namespace

void save_verdicts(RunStore& store, std::int64_t run_id, const report::VerdictTable& t) {
    const StoreTables g(store, kSchema, kWhat);
    g.insert("report_verdict_meta", 4).bind(1, run_id).bind(2, t.year).bind(3, t.design_year ? 1 : 0).bind(4, t.dry_factor).run();
    Statement rows = g.insert("report_verdicts", 16);
    StoreTables::write_rows(rows, run_id, t.rows, [](Statement& r, const report::VerdictRow& x) {
        r.bind(3, x.scenario).bind(4, x.section_id).bind(5, x.name).bind(6, x.name_en).bind(7, x.target_class);
        r.bind(8, x.steady_class).bind(9, x.steady_meets ? 1 : 0).bind(10, x.steady_exceeding).bind(11, x.dynamic_class);
        r.bind(12, x.share_days).bind(13, x.share_months).bind(14, x.agree ? 1 : 0).bind(15, x.why_zh).bind(16, x.why_en);
    });
}

std::shared_ptr<const report::VerdictTable> load_verdicts(RunStore& store, std::int64_t run_id) {
    const StoreTables g(store, kSchema, kWhat);
    auto t = std::make_shared<report::VerdictTable>();
    const char* meta_sql = "SELECT year, design_year, dry_factor FROM report_verdict_meta WHERE run_id = ? LIMIT 1";
    const auto meta = g.each_row(meta_sql, [&](const Statement& m) {
        t->year = static_cast<int>(m.i64(0));
        t->design_year = m.i64(1) != 0;
        t->dry_factor = m.real(2);
    }, run_id);
    if (meta == 0) return nullptr;
    const char* rows_sql = "SELECT scenario, section_id, name, name_en, target_class, steady_class, steady_meets, steady_exceeding, "
                           "dynamic_class, share_days, share_months, agree, why_zh, why_en FROM report_verdicts WHERE run_id = ? "
                           "ORDER BY ord";
    g.each_row(rows_sql, [&](const Statement& r) {
        report::VerdictRow x;
        x.scenario = r.text(0);
        x.section_id = r.text(1);
        x.name = r.text(2);
        x.name_en = r.text(3);
        x.target_class = static_cast<int>(r.i64(4));
        x.steady_class = static_cast<int>(r.i64(5));
        x.steady_meets = r.i64(6) != 0;
        x.steady_exceeding = r.text(7);
        x.dynamic_class = static_cast<int>(r.i64(8));
        x.share_days = r.real(9);
        x.share_months = r.real(10);
        x.agree = r.i64(11) != 0;
        x.why_zh = r.text(12);
        x.why_en = r.text(13);
        t->rows.push_back(std::move(x));
    }, run_id);
    return t;
}

}  // namespace qingliu::io
