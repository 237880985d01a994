#include "io/store_wq_analyses.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (water-quality analyses)";

using report::WqApportionTable;
using report::WqCapacityRow;
using report::WqMonteCarloRow;
using report::WqMonteCarloTable;
using report::WqPlanCondition;
using report::WqPlanMeasureRow;
using report::WqPlanSectionRow;
using report::WqPlanTable;
using report::WqReductionRow;

// Each table's columns after run_id (and ord for row tables), in table order: the schema, the INSERT and the SELECT
// are all made from these lists, so a member and its column cannot drift apart.

// report_wq_apportion_meta
const Columns<WqApportionTable, 5> kApportion = {{
    {"condition", &WqApportionTable::condition},
    {"condition_zh", &WqApportionTable::condition_zh},
    {"condition_en", &WqApportionTable::condition_en},
    {"mos", &WqApportionTable::mos},
    {"linear_exact", &WqApportionTable::linear_exact},
}};
// report_wq_reduction
const Columns<WqReductionRow, 25> kReduction = {{
    {"condition", &WqReductionRow::condition},
    {"section_id", &WqReductionRow::section_id},
    {"section_name", &WqReductionRow::section_name},
    {"target_class", &WqReductionRow::target_class},
    {"item", &WqReductionRow::item},
    {"minimum", &WqReductionRow::minimum},
    {"value_mgL", &WqReductionRow::value_mgL},
    {"limit_mgL", &WqReductionRow::limit_mgL},
    {"mos", &WqReductionRow::mos},
    {"target_mgL", &WqReductionRow::target_mgL},
    {"meets_target", &WqReductionRow::meets_target},
    {"background_mgL", &WqReductionRow::background_mgL},
    {"boundary_mgL", &WqReductionRow::boundary_mgL},
    {"sources_mgL", &WqReductionRow::sources_mgL},
    {"oxygen_effects_mgL", &WqReductionRow::oxygen_effects_mgL},
    {"cut_sources", &WqReductionRow::cut_sources},
    {"source_load_t_a", &WqReductionRow::source_load_t_a},
    {"cut_share_linear", &WqReductionRow::cut_share_linear},
    {"cut_share", &WqReductionRow::cut_share},
    {"cut_t_a", &WqReductionRow::cut_t_a},
    {"allowed_t_a", &WqReductionRow::allowed_t_a},
    {"boundary_cut_share", &WqReductionRow::boundary_cut_share},
    {"value_after_cut_mgL", &WqReductionRow::value_after_cut_mgL},
    {"feasible", &WqReductionRow::feasible},
    {"top_sources", &WqReductionRow::top_sources},
}};
// report_wq_capacity
const Columns<WqCapacityRow, 7> kCapacity = {{
    {"condition", &WqCapacityRow::condition},
    {"reach_id", &WqCapacityRow::reach_id},
    {"item", &WqCapacityRow::item},
    {"load_t_a", &WqCapacityRow::load_t_a},
    {"cut_t_a", &WqCapacityRow::cut_t_a},
    {"allowed_t_a", &WqCapacityRow::allowed_t_a},
    {"binding_section", &WqCapacityRow::binding_section},
}};
// report_wq_plan_meta
const Columns<WqPlanTable, 7> kPlan = {{
    {"status", &WqPlanTable::status},
    {"cost_wan", &WqPlanTable::cost_wan},
    {"invest_wan", &WqPlanTable::invest_wan},
    {"annual_wan", &WqPlanTable::annual_wan},
    {"annual_cost_factor", &WqPlanTable::annual_cost_factor},
    {"mos", &WqPlanTable::mos},
    {"verified_ok", &WqPlanTable::verified_ok},
}};
// report_wq_plan_conditions
const Columns<WqPlanCondition, 2> kPlanCondition = {{
    {"condition", &WqPlanCondition::id},
    {"label", &WqPlanCondition::label},
}};
// report_wq_plan_measures ("group" is an SQL keyword: the column is measure_group)
const Columns<WqPlanMeasureRow, 11> kPlanMeasure = {{
    {"measure_id", &WqPlanMeasureRow::measure_id},
    {"name", &WqPlanMeasureRow::name},
    {"name_en", &WqPlanMeasureRow::name_en},
    {"kind", &WqPlanMeasureRow::kind},
    {"measure_group", &WqPlanMeasureRow::group},
    {"invest_wan", &WqPlanMeasureRow::invest_wan},
    {"annual_wan", &WqPlanMeasureRow::annual_wan},
    {"cost_wan", &WqPlanMeasureRow::cost_wan},
    {"chosen", &WqPlanMeasureRow::chosen},
    {"note", &WqPlanMeasureRow::note},
    {"note_zh", &WqPlanMeasureRow::note_zh},
}};
// report_wq_plan_sections
const Columns<WqPlanSectionRow, 20> kPlanSection = {{
    {"condition", &WqPlanSectionRow::condition},
    {"section_id", &WqPlanSectionRow::section_id},
    {"name", &WqPlanSectionRow::name},
    {"item", &WqPlanSectionRow::item},
    {"minimum", &WqPlanSectionRow::minimum},
    {"target_class", &WqPlanSectionRow::target_class},
    {"limit_mgL", &WqPlanSectionRow::limit_mgL},
    {"mos", &WqPlanSectionRow::mos},
    {"target_mgL", &WqPlanSectionRow::target_mgL},
    {"baseline_mgL", &WqPlanSectionRow::baseline_mgL},
    {"predicted_mgL", &WqPlanSectionRow::predicted_mgL},
    {"plan_mgL", &WqPlanSectionRow::plan_mgL},
    {"gap_mgL", &WqPlanSectionRow::gap_mgL},
    {"reachable", &WqPlanSectionRow::reachable},
    {"baseline_class", &WqPlanSectionRow::baseline_class},
    {"plan_class", &WqPlanSectionRow::plan_class},
    {"baseline_meets", &WqPlanSectionRow::baseline_meets},
    {"plan_meets", &WqPlanSectionRow::plan_meets},
    {"plan_exceeding_en", &WqPlanSectionRow::plan_exceeding_en},
    {"plan_exceeding_zh", &WqPlanSectionRow::plan_exceeding_zh},
}};
// report_wq_mc (report_wq_mc_meta's draws and seed: not members Columns can hold, written by hand)
const Columns<WqMonteCarloRow, 14> kMonteCarlo = {{
    {"scenario", &WqMonteCarloRow::scenario},
    {"scenario_name", &WqMonteCarloRow::scenario_name},
    {"scenario_name_en", &WqMonteCarloRow::scenario_name_en},
    {"section_id", &WqMonteCarloRow::section_id},
    {"name", &WqMonteCarloRow::name},
    {"item", &WqMonteCarloRow::item},
    {"assessed", &WqMonteCarloRow::assessed},
    {"p_meets", &WqMonteCarloRow::p_meets},
    {"p5_mgL", &WqMonteCarloRow::p5_mgL},
    {"p50_mgL", &WqMonteCarloRow::p50_mgL},
    {"p95_mgL", &WqMonteCarloRow::p95_mgL},
    {"mean_mgL", &WqMonteCarloRow::mean_mgL},
    {"section_p_meets", &WqMonteCarloRow::section_p_meets},
    {"target_class", &WqMonteCarloRow::target_class},
}};

/// ", a TEXT, b REAL, c INTEGER": the column definitions of `cols` (texts TEXT, reals REAL, integers and flags
/// INTEGER, flags as 0/1).
template <class Row, std::size_t K>
std::string column_defs(const Columns<Row, K>& cols) {
    static const char* const kType[] = {" TEXT", " REAL", " INTEGER", " INTEGER"};  // the order of Column::member
    std::string s;
    for (const auto& c : cols) s += ", " + std::string(c.name) + kType[c.member.index()];
    return s;
}

const char* const kRun = "run_id INTEGER NOT NULL REFERENCES runs(run_id)";

/// A one-row-per-run table: run_id, then `cols`.
template <class Row, std::size_t K>
std::string meta_table(const char* table, const Columns<Row, K>& cols) {
    return "CREATE TABLE IF NOT EXISTS " + std::string(table) + "(" + kRun + column_defs(cols) + ");\n";
}

/// A row table: run_id, ord, then `cols`; with an index on (run_id, ord) when `indexed`.
template <class Row, std::size_t K>
std::string row_table(const char* table, const Columns<Row, K>& cols, bool indexed) {
    const std::string t = table;
    std::string s = "CREATE TABLE IF NOT EXISTS " + t + "(" + kRun + ", ord INTEGER" + column_defs(cols) + ");\n";
    if (indexed) s += "CREATE INDEX IF NOT EXISTS " + t + "_run ON " + t + "(run_id, ord);\n";
    return s;
}

// CREATE TABLE / INDEX IF NOT EXISTS only: safe inside the run's transaction and outside one.
// report_wq_mc_meta: draws as INTEGER (a count, far below 2^63); seed as TEXT, its decimal digits, because SQLite's
// INTEGER is signed 64-bit and a std::uint64_t seed of 2^63 or more would not read back as a plain number.
std::string schema() {
    return meta_table("report_wq_apportion_meta", kApportion) + row_table("report_wq_reduction", kReduction, true) +
           row_table("report_wq_capacity", kCapacity, true) + meta_table("report_wq_plan_meta", kPlan) +
           row_table("report_wq_plan_conditions", kPlanCondition, false) +
           row_table("report_wq_plan_measures", kPlanMeasure, true) + row_table("report_wq_plan_sections", kPlanSection, true) +
           "CREATE TABLE IF NOT EXISTS report_wq_mc_meta(" + kRun + ", draws INTEGER, seed TEXT);\n" +
           row_table("report_wq_mc", kMonteCarlo, true);
}

template <class Row, std::size_t K>
void write_meta(const StoreTables& g, const char* table, std::int64_t run_id, const Columns<Row, K>& cols, const Row& x) {
    Statement s = g.insert(table, 1 + static_cast<int>(K));
    s.bind(1, run_id);
    bind_columns(s, 2, cols, x);
    s.run();
}

template <class Row, std::size_t K>
void write_rows(const StoreTables& g, const char* table, std::int64_t run_id, const Columns<Row, K>& cols,
                const std::vector<Row>& rows) {
    Statement s = g.insert(table, 2 + static_cast<int>(K));
    StoreTables::write_rows(s, run_id, rows, [&](Statement& r, const Row& x) { bind_columns(r, 3, cols, x); });
}

/// The run's row of a one-row table into x; false when the run has none.
template <class Row, std::size_t K>
bool read_meta(const StoreTables& g, const char* table, std::int64_t run_id, const Columns<Row, K>& cols, Row& x) {
    return g.each_row("SELECT " + column_names(cols) + " FROM " + table + " WHERE run_id = ? LIMIT 1",
                      [&](const Statement& s) { read_columns(s, 0, cols, x); }, run_id) > 0;
}

/// The run's rows of a row table, in the order written.
template <class Row, std::size_t K>
std::vector<Row> read_rows(const StoreTables& g, const char* table, std::int64_t run_id, const Columns<Row, K>& cols) {
    std::vector<Row> rows;
    g.each_row("SELECT " + column_names(cols) + " FROM " + table + " WHERE run_id = ? ORDER BY ord",
               [&](const Statement& s) { read_columns(s, 0, cols, rows.emplace_back()); }, run_id);
    return rows;
}

std::shared_ptr<const WqApportionTable> load_apportion(const StoreTables& g, std::int64_t run_id) {
    auto t = std::make_shared<WqApportionTable>();
    if (!read_meta(g, "report_wq_apportion_meta", run_id, kApportion, *t)) return nullptr;
    t->rows = read_rows(g, "report_wq_reduction", run_id, kReduction);
    t->capacity = read_rows(g, "report_wq_capacity", run_id, kCapacity);
    return t;
}

std::shared_ptr<const WqPlanTable> load_plan(const StoreTables& g, std::int64_t run_id) {
    auto t = std::make_shared<WqPlanTable>();
    if (!read_meta(g, "report_wq_plan_meta", run_id, kPlan, *t)) return nullptr;
    t->conditions = read_rows(g, "report_wq_plan_conditions", run_id, kPlanCondition);
    t->measures = read_rows(g, "report_wq_plan_measures", run_id, kPlanMeasure);
    t->sections = read_rows(g, "report_wq_plan_sections", run_id, kPlanSection);
    return t;
}

std::shared_ptr<const WqMonteCarloTable> load_montecarlo(const StoreTables& g, std::int64_t run_id) {
    auto t = std::make_shared<WqMonteCarloTable>();
    const auto meta = g.each_row("SELECT draws, seed FROM report_wq_mc_meta WHERE run_id = ? LIMIT 1", [&](const Statement& s) {
        t->draws = static_cast<std::size_t>(s.i64(0));
        const std::string seed = s.text(1);  // decimal digits (see schema())
        std::from_chars(seed.data(), seed.data() + seed.size(), t->seed);
    }, run_id);
    if (meta == 0) return nullptr;
    t->rows = read_rows(g, "report_wq_mc", run_id, kMonteCarlo);
    return t;
}

}  // namespace

void save_wq_analyses(RunStore& store, std::int64_t run_id, const report::WaterQualityAnalyses& a) {
    const StoreTables g(store, schema(), kWhat);
    if (const auto& t = a.apportion) {
        write_meta(g, "report_wq_apportion_meta", run_id, kApportion, *t);
        write_rows(g, "report_wq_reduction", run_id, kReduction, t->rows);
        write_rows(g, "report_wq_capacity", run_id, kCapacity, t->capacity);
    }
    if (const auto& t = a.plan) {
        write_meta(g, "report_wq_plan_meta", run_id, kPlan, *t);
        write_rows(g, "report_wq_plan_conditions", run_id, kPlanCondition, t->conditions);
        write_rows(g, "report_wq_plan_measures", run_id, kPlanMeasure, t->measures);
        write_rows(g, "report_wq_plan_sections", run_id, kPlanSection, t->sections);
    }
    if (const auto& t = a.montecarlo) {
        Statement s = g.insert("report_wq_mc_meta", 3);
        s.bind(1, run_id).bind(2, t->draws).bind(3, std::to_string(t->seed));  // the seed as decimal text (see schema())
        s.run();
        write_rows(g, "report_wq_mc", run_id, kMonteCarlo, t->rows);
    }
}

std::shared_ptr<const report::WaterQualityAnalyses> load_wq_analyses(RunStore& store, std::int64_t run_id) {
    const StoreTables g(store, schema(), kWhat);
    auto a = std::make_shared<report::WaterQualityAnalyses>();
    a->apportion = load_apportion(g, run_id);
    a->plan = load_plan(g, run_id);
    a->montecarlo = load_montecarlo(g, run_id);
    if (a->empty()) return nullptr;
    return a;
}

}  // namespace qingliu::io
