#include "io/store_water_quality.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (water-quality model)";

// CREATE TABLE IF NOT EXISTS only: safe inside the run's transaction and outside one.
const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS report_wq_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), model TEXT,
  elements_per_reach INTEGER, reaeration TEXT, temperature_c REAL, inflow_do_share REAL);
CREATE TABLE IF NOT EXISTS report_wq_scenarios(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, scenario TEXT,
  condition TEXT, condition_zh TEXT, condition_en TEXT);
CREATE TABLE IF NOT EXISTS report_wq_sections(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, scenario TEXT,
  section_id TEXT, name TEXT, name_en TEXT, river TEXT, reach_id TEXT, water_body TEXT, position_km REAL,
  target_class INTEGER, flow_m3s REAL, class INTEGER, meets INTEGER, deciding TEXT);
CREATE TABLE IF NOT EXISTS report_wq_items(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, item_ord INTEGER,
  scenario TEXT, section_id TEXT, item TEXT, value_mgL REAL, class INTEGER, minimum INTEGER, target_limit_mgL REAL,
  exceedance REAL, do_shortfall_mgL REAL, exceeds INTEGER, exceeding_rank INTEGER, deciding INTEGER);
CREATE INDEX IF NOT EXISTS report_wq_items_run ON report_wq_items(run_id, ord);
)SQL";

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
    return s;
}

void save_items(Statement& it, std::int64_t run_id, std::size_t ord, const report::WaterQualityRow& x) {
    const auto& e = x.evaluation;
    std::vector<int> rank(e.items.size(), 0);
    for (std::size_t k = 0; k < e.exceeding.size(); ++k) rank[static_cast<std::size_t>(e.exceeding[k])] = static_cast<int>(k) + 1;
    for (std::size_t j = 0; j < e.items.size(); ++j) {
        const auto& c = e.items[j];
        const bool assessed = c.cls > 0;
        const bool deciding = std::find(x.deciding.begin(), x.deciding.end(), c.key) != x.deciding.end();
        it.bind(1, run_id).bind(2, ord).bind(3, j).bind(4, x.scenario).bind(5, x.section_id).bind(6, c.key).bind(7, c.value_mgL);
        if (assessed) it.bind(8, c.cls);
        else it.bind(8, std::nan(""));
        it.bind(9, c.minimum ? 1 : 0).bind(10, assessed ? c.target_limit_mgL : std::nan(""));
        it.bind(11, assessed && !c.minimum ? c.exceedance : std::nan("")).bind(12, assessed && c.minimum ? c.exceedance : std::nan(""));
        it.bind(13, c.exceeds ? 1 : 0).bind(14, rank[j]).bind(15, deciding ? 1 : 0);
        it.run();
    }
}

using report::WaterQualityRow;
using report::WaterQualityScenario;
using report::WaterQualityTable;

// report_wq_meta's columns after run_id
const Columns<WaterQualityTable, 5> kMeta = {{
    {"model", &WaterQualityTable::model},
    {"elements_per_reach", &WaterQualityTable::elements_per_reach},
    {"reaeration", &WaterQualityTable::reaeration},
    {"temperature_c", &WaterQualityTable::temperature_c},
    {"inflow_do_share", &WaterQualityTable::inflow_do_share},
}};
// report_wq_scenarios' columns after run_id and ord
const Columns<WaterQualityScenario, 4> kScenario = {{
    {"scenario", &WaterQualityScenario::id},
    {"condition", &WaterQualityScenario::condition_id},
    {"condition_zh", &WaterQualityScenario::condition_zh},
    {"condition_en", &WaterQualityScenario::condition_en},
}};
// report_wq_sections' columns after run_id and ord, up to the evaluation (class, meets and deciding: below)
const Columns<WaterQualityRow, 10> kSection = {{
    {"scenario", &WaterQualityRow::scenario},
    {"section_id", &WaterQualityRow::section_id},
    {"name", &WaterQualityRow::name},
    {"name_en", &WaterQualityRow::name_en},
    {"river", &WaterQualityRow::river},
    {"reach_id", &WaterQualityRow::reach_id},
    {"water_body", &WaterQualityRow::water_body},
    {"position_km", &WaterQualityRow::position_km},
    {"target_class", &WaterQualityRow::target_class},
    {"flow_m3s", &WaterQualityRow::flow_m3s},
}};

}  // namespace

void save_water_quality(RunStore& store, std::int64_t run_id, const report::WaterQualityTable& t) {
    const StoreTables g(store, kSchema, kWhat);
    Statement meta = g.insert("report_wq_meta", 1 + static_cast<int>(kMeta.size()));
    meta.bind(1, run_id);
    bind_columns(meta, 2, kMeta, t);
    meta.run();
    Statement sc = g.insert("report_wq_scenarios", 2 + static_cast<int>(kScenario.size()));
    StoreTables::write_rows(sc, run_id, t.scenarios, [](Statement& r, const WaterQualityScenario& s) { bind_columns(r, 3, kScenario, s); });
    const int evaluation = 3 + static_cast<int>(kSection.size());
    Statement se = g.insert("report_wq_sections", evaluation + 2);
    Statement it = g.insert("report_wq_items", 15);
    std::size_t i = 0;
    StoreTables::write_rows(se, run_id, t.rows, [&](Statement& r, const WaterQualityRow& x) {
        bind_columns(r, 3, kSection, x);
        r.bind(evaluation, x.evaluation.overall).bind(evaluation + 1, x.evaluation.meets ? 1 : 0).bind(evaluation + 2, joined(x.deciding));
        save_items(it, run_id, i++, x);
    });
}

std::shared_ptr<const report::WaterQualityTable> load_water_quality(RunStore& store, std::int64_t run_id) {
    const StoreTables g(store, kSchema, kWhat);
    auto t = std::make_shared<report::WaterQualityTable>();
    const auto meta = g.each_row("SELECT " + column_names(kMeta) + " FROM report_wq_meta WHERE run_id = ? LIMIT 1",
                                 [&](const Statement& m) { read_columns(m, 0, kMeta, *t); }, run_id);
    if (meta == 0) return nullptr;
    g.each_row("SELECT " + column_names(kScenario) + " FROM report_wq_scenarios WHERE run_id = ? ORDER BY ord", [&](const Statement& s) {
        read_columns(s, 0, kScenario, t->scenarios.emplace_back());
    }, run_id);
    g.each_row("SELECT " + column_names(kSection) + ", class, meets FROM report_wq_sections WHERE run_id = ? ORDER BY ord",
               [&](const Statement& s) {
        WaterQualityRow x;
        read_columns(s, 0, kSection, x);
        const int evaluation = static_cast<int>(kSection.size());
        x.evaluation.overall = static_cast<int>(s.i64(evaluation));
        x.evaluation.meets = s.i64(evaluation + 1) != 0;  // the deciding items: from the items' flags below
        t->rows.push_back(std::move(x));
    }, run_id);
    std::map<std::size_t, std::vector<std::pair<int, int>>> ranked;  // row -> (rank, item index)
    g.each_row("SELECT ord, item, value_mgL, class, minimum, target_limit_mgL, exceedance, do_shortfall_mgL, exceeds, exceeding_rank, "
               "deciding FROM report_wq_items WHERE run_id = ? ORDER BY ord, item_ord", [&](const Statement& s) {
        const auto row = static_cast<std::size_t>(s.i64(0));
        if (row >= t->rows.size()) return;
        auto& e = t->rows[row].evaluation;
        reaches::wq::ItemClass c;
        c.key = s.text(1);
        c.value_mgL = s.real(2);
        c.cls = static_cast<int>(s.i64(3));  // NULL reads 0: not assessed
        c.minimum = s.i64(4) != 0;
        const double limit = s.real(5), multiple = s.real(6), shortfall = s.real(7);
        c.target_limit_mgL = std::isnan(limit) ? 0.0 : limit;
        c.exceedance = !std::isnan(multiple) ? multiple : !std::isnan(shortfall) ? shortfall : 0.0;
        c.exceeds = s.i64(8) != 0;
        if (const int rank = static_cast<int>(s.i64(9)); rank > 0) ranked[row].emplace_back(rank, static_cast<int>(e.items.size()));
        if (s.i64(10) != 0) t->rows[row].deciding.push_back(c.key);
        e.items.push_back(std::move(c));
    }, run_id);
    for (auto& [row, r] : ranked) {
        std::sort(r.begin(), r.end());
        for (const auto& [rank, item] : r) t->rows[row].evaluation.exceeding.push_back(item);
    }
    return t;
}

}  // namespace qingliu::io
