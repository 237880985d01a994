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

using report::AllocationRow;
using report::AllocationTable;

// report_allocation_meta's columns after run_id
const Columns<AllocationTable, 4> kMeta = {{
    {"condition", &AllocationTable::condition},
    {"condition_label", &AllocationTable::condition_label},
    {"condition_label_zh", &AllocationTable::condition_label_zh},
    {"mos", &AllocationTable::mos},
}};
// report_allocation's columns after run_id and ord, the Gini lists (texts, below) left out
const Columns<AllocationRow, 14> kRow = {{
    {"grouping", &AllocationRow::by},
    {"section_id", &AllocationRow::section_id},
    {"section_name", &AllocationRow::section_name},
    {"variable", &AllocationRow::constituent},
    {"method", &AllocationRow::method},
    {"unit", &AllocationRow::unit},
    {"current_t_a", &AllocationRow::current_t_a},
    {"allowed_t_a", &AllocationRow::allowed_t_a},
    {"cut_t_a", &AllocationRow::cut_t_a},
    {"cut_share", &AllocationRow::cut_share},
    {"section_mgL", &AllocationRow::section_mgL},
    {"total_mgL", &AllocationRow::total_mgL},
    {"target_mgL", &AllocationRow::target_mgL},
    {"feasible", &AllocationRow::feasible},
}};

}  // namespace

void save_allocation(RunStore& store, std::int64_t run_id, const report::AllocationTable& t) {
    const StoreTables g(store, kSchema, kWhat);
    Statement meta = g.insert("report_allocation_meta", 1 + static_cast<int>(kMeta.size()));
    meta.bind(1, run_id);
    bind_columns(meta, 2, kMeta, t);
    meta.run();
    Statement rows = g.insert("report_allocation", 2 + static_cast<int>(kRow.size()) + 3);
    StoreTables::write_rows(rows, run_id, t.rows, [](Statement& r, const AllocationRow& x) {
        bind_columns(r, 3, kRow, x);
        const int gini = 3 + static_cast<int>(kRow.size());
        r.bind(gini, join_lines(x.gini_indicators)).bind(gini + 1, join_numbers(x.gini_current)).bind(gini + 2, join_numbers(x.gini_allowed));
    });
}

std::shared_ptr<const report::AllocationTable> load_allocation(RunStore& store, std::int64_t run_id) {
    const StoreTables g(store, kSchema, kWhat);
    auto t = std::make_shared<AllocationTable>();
    const auto meta = g.each_row("SELECT " + column_names(kMeta) + " FROM report_allocation_meta WHERE run_id = ? LIMIT 1",
                                 [&](const Statement& m) { read_columns(m, 0, kMeta, *t); }, run_id);
    if (meta == 0) return nullptr;
    g.each_row("SELECT " + column_names(kRow) + ", gini_indicator, gini_current, gini_allowed FROM report_allocation "
               "WHERE run_id = ? ORDER BY ord", [&](const Statement& r) {
        AllocationRow x;
        read_columns(r, 0, kRow, x);
        const int gini = static_cast<int>(kRow.size());
        x.gini_indicators = split_lines(r.text(gini));
        x.gini_current = split_numbers(r.text(gini + 1));
        x.gini_allowed = split_numbers(r.text(gini + 2));
        t->rows.push_back(std::move(x));
    }, run_id);
    return t;
}

}  // namespace qingliu::io
