#include "io/store_allocation.hpp"

#include <cstdio>
#include <cstdlib>

#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (load allocation)";

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS report_allocation_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), condition TEXT,
  condition_label TEXT, condition_label_zh TEXT, mos REAL);
CREATE TABLE IF NOT EXISTS report_allocation(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, grouping TEXT,
  section_id TEXT, section_name TEXT, variable TEXT, method TEXT, unit TEXT, current_t_a REAL, allowed_t_a REAL,
  cut_t_a REAL, cut_share REAL, section_mgL REAL, total_mgL REAL, target_mgL REAL, feasible INTEGER,
  gini_indicator TEXT, gini_current TEXT, gini_allowed TEXT);
)SQL";

// Gini figures per indicator as text: '\n'-separated, numbers with 17 significant digits (read back exactly).
std::string join_numbers(const std::vector<double>& v) {
    std::vector<std::string> t;
    char b[40];
    for (double x : v) {
        std::snprintf(b, sizeof b, "%.17g", x);
        t.emplace_back(b);
    }
    return join_lines(t);
}
std::vector<double> split_numbers(const std::string& s) {
    std::vector<double> out;
    for (const auto& t : split_lines(s)) out.push_back(std::strtod(t.c_str(), nullptr));
    return out;
}

}  // namespace

void save_allocation(RunStore& store, std::int64_t run_id, const report::AllocationTable& t) {
    const StoreTables g(store, kSchema, kWhat);
    g.insert("report_allocation_meta", 5).bind(1, run_id).bind(2, t.condition).bind(3, t.condition_label)
        .bind(4, t.condition_label_zh).bind(5, t.mos).run();
    Statement rows = g.insert("report_allocation", 19);
    StoreTables::write_rows(rows, run_id, t.rows, [](Statement& r, const report::AllocationRow& x) {
        r.bind(3, x.by).bind(4, x.section_id).bind(5, x.section_name).bind(6, x.constituent);
        r.bind(7, x.method).bind(8, x.unit).bind(9, x.current_t_a).bind(10, x.allowed_t_a).bind(11, x.cut_t_a).bind(12, x.cut_share);
        r.bind(13, x.section_mgL).bind(14, x.total_mgL).bind(15, x.target_mgL).bind(16, x.feasible ? 1 : 0);
        r.bind(17, join_lines(x.gini_indicators)).bind(18, join_numbers(x.gini_current)).bind(19, join_numbers(x.gini_allowed));
    });
}

std::shared_ptr<const report::AllocationTable> load_allocation(RunStore& store, std::int64_t run_id) {
    const StoreTables g(store, kSchema, kWhat);
    auto t = std::make_shared<report::AllocationTable>();
    const char* meta_sql =
        "SELECT condition, condition_label, condition_label_zh, mos FROM report_allocation_meta WHERE run_id = ? LIMIT 1";
    const auto meta = g.each_row(meta_sql, [&](const Statement& m) {
        t->condition = m.text(0);
        t->condition_label = m.text(1);
        t->condition_label_zh = m.text(2);
        t->mos = m.real(3);
    }, run_id);
    if (meta == 0) return nullptr;
    g.each_row("SELECT grouping, section_id, section_name, variable, method, unit, current_t_a, allowed_t_a, cut_t_a, cut_share, "
               "section_mgL, total_mgL, target_mgL, feasible, gini_indicator, gini_current, gini_allowed FROM report_allocation "
               "WHERE run_id = ? ORDER BY ord", [&](const Statement& r) {
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
        x.gini_indicators = split_lines(r.text(14));
        x.gini_current = split_numbers(r.text(15));
        x.gini_allowed = split_numbers(r.text(16));
        t->rows.push_back(std::move(x));
    }, run_id);
    return t;
}

}  // namespace qingliu::io
