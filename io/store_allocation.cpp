#include "io/store_allocation.hpp"

#include <cstdio>
#include <cstdlib>

#include <sqlite3.h>

#include "io/sqlite_statement.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (load allocation)";

struct Stmt : Statement {
    Stmt(sqlite3* db, const char* sql) : Statement(db, sql, kWhat) {}
};

// CREATE TABLE IF NOT EXISTS only: safe inside the run's transaction and outside one.
const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS report_allocation_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), condition TEXT,
  condition_label TEXT, condition_label_zh TEXT, mos REAL);
CREATE TABLE IF NOT EXISTS report_allocation(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, grouping TEXT,
  section_id TEXT, section_name TEXT, variable TEXT, method TEXT, unit TEXT, current_t_a REAL, allowed_t_a REAL,
  cut_t_a REAL, cut_share REAL, section_mgL REAL, total_mgL REAL, target_mgL REAL, feasible INTEGER,
  gini_indicator TEXT, gini_current TEXT, gini_allowed TEXT);
)SQL";

// Gini figures per indicator as text: '\n'-separated, numbers with 17 significant digits (read back exactly).
std::string join_text(const std::vector<std::string>& v) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? "\n" : "") + v[i];
    return o;
}
std::string join_numbers(const std::vector<double>& v) {
    std::string o;
    char b[40];
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::snprintf(b, sizeof b, "%.17g", v[i]);
        o += (i ? "\n" : "") + std::string(b);
    }
    return o;
}
std::vector<std::string> split_text(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t a = 0; a < s.size();) {
        const std::size_t e = s.find('\n', a);
        out.push_back(s.substr(a, e == std::string::npos ? std::string::npos : e - a));
        a = e == std::string::npos ? s.size() : e + 1;
    }
    return out;
}
std::vector<double> split_numbers(const std::string& s) {
    std::vector<double> out;
    for (const auto& t : split_text(s)) out.push_back(std::strtod(t.c_str(), nullptr));
    return out;
}

}  // namespace

void save_allocation(RunStore& store, std::int64_t run_id, const report::AllocationTable& t) {
    sqlite3* db = store.handle();
    exec_sql(db, kSchema, kWhat);
    Stmt m(db, "INSERT INTO report_allocation_meta VALUES(?,?,?,?,?)");
    m.bind(1, run_id).bind(2, t.condition).bind(3, t.condition_label).bind(4, t.condition_label_zh).bind(5, t.mos);
    m.run();
    Stmt r(db, "INSERT INTO report_allocation VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& x = t.rows[i];
        r.bind(1, run_id).bind(2, i).bind(3, x.by).bind(4, x.section_id).bind(5, x.section_name).bind(6, x.constituent);
        r.bind(7, x.method).bind(8, x.unit).bind(9, x.current_t_a).bind(10, x.allowed_t_a).bind(11, x.cut_t_a).bind(12, x.cut_share);
        r.bind(13, x.section_mgL).bind(14, x.total_mgL).bind(15, x.target_mgL).bind(16, x.feasible ? 1 : 0);
        r.bind(17, join_text(x.gini_indicators)).bind(18, join_numbers(x.gini_current)).bind(19, join_numbers(x.gini_allowed));
        r.run();
    }
}

std::shared_ptr<const report::AllocationTable> load_allocation(RunStore& store, std::int64_t run_id) {
    sqlite3* db = store.handle();
    exec_sql(db, kSchema, kWhat);
    auto t = std::make_shared<report::AllocationTable>();
    {
        Stmt m(db, "SELECT condition, condition_label, condition_label_zh, mos FROM report_allocation_meta WHERE run_id = ?");
        m.bind(1, run_id);
        if (!m.step()) return nullptr;
        t->condition = m.text(0);
        t->condition_label = m.text(1);
        t->condition_label_zh = m.text(2);
        t->mos = m.real(3);
    }
    Stmt r(db, "SELECT grouping, section_id, section_name, variable, method, unit, current_t_a, allowed_t_a, cut_t_a, cut_share, "
               "section_mgL, total_mgL, target_mgL, feasible, gini_indicator, gini_current, gini_allowed FROM report_allocation "
               "WHERE run_id = ? ORDER BY ord");
    r.bind(1, run_id);
    while (r.step()) {
        report::AllocationRow x;
        x.by = r.text(0);
        x.section_id = r.text(1);
        x.section_name = r.text(2);
        x.constituent = r.text(3);
        x.method = r.text(4);
        x.unit = r.text(5);
        x.current_t_a = r.real(6);
        x.allowed_t_a = r.real(7);
        x.cut_t_a = r.real(8);
        x.cut_share = r.real(9);
        x.section_mgL = r.real(10);
        x.total_mgL = r.real(11);
        x.target_mgL = r.real(12);
        x.feasible = r.i64(13) != 0;
        x.gini_indicators = split_text(r.text(14));
        x.gini_current = split_numbers(r.text(15));
        x.gini_allowed = split_numbers(r.text(16));
        t->rows.push_back(std::move(x));
    }
    return t;
}

}  // namespace qingliu::io
