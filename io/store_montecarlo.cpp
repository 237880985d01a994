#include "io/store_montecarlo.hpp"

#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (Monte Carlo)";

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS report_montecarlo_meta(run_id INTEGER NOT NULL REFERENCES runs(run_id), draws INTEGER,
  seed TEXT, drawn TEXT);
CREATE TABLE IF NOT EXISTS report_montecarlo(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER, scenario TEXT,
  scenario_name TEXT, scenario_name_en TEXT, section_id TEXT, name TEXT, river TEXT, target_class INTEGER,
  det_meets INTEGER, p_meets REAL);
CREATE TABLE IF NOT EXISTS report_montecarlo_bands(run_id INTEGER NOT NULL REFERENCES runs(run_id), ord INTEGER,
  variable TEXT, p_meets REAL, det_mgL REAL, p5_mgL REAL, p50_mgL REAL, p95_mgL REAL, mean_mgL REAL);
)SQL";

}  // namespace

void save_montecarlo(RunStore& store, std::int64_t run_id, const report::MonteCarloTable& t) {
    const StoreTables g(store, kSchema, kWhat);
    g.insert("report_montecarlo_meta", 4).bind(1, run_id).bind(2, t.draws).bind(3, std::to_string(t.seed)).bind(4, join_lines(t.drawn)).run();
    Statement rows = g.insert("report_montecarlo", 11);
    StoreTables::write_rows(rows, run_id, t.rows, [](Statement& r, const report::MonteCarloRow& x) {
        r.bind(3, x.scenario).bind(4, x.scenario_name).bind(5, x.scenario_name_en).bind(6, x.section_id);
        r.bind(7, x.name).bind(8, x.river).bind(9, x.target_class).bind(10, x.det_meets ? 1 : 0).bind(11, x.p_meets);
    });
    // the bands: a row per section row (its ord) and state variable
    Statement b = g.insert("report_montecarlo_bands", 9);
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& x = t.rows[i];
        for (auto c : kConstituents) {
            const int k = idx(c);
            b.bind(1, run_id).bind(2, i).bind(3, std::string(key(c))).bind(4, x.p_meets_c[k]).bind(5, x.det_mgL[k]);
            b.bind(6, x.p5_mgL[k]).bind(7, x.p50_mgL[k]).bind(8, x.p95_mgL[k]).bind(9, x.mean_mgL[k]);
            b.run();
        }
    }
}

std::shared_ptr<const report::MonteCarloTable> load_montecarlo(RunStore& store, std::int64_t run_id) {
    const StoreTables g(store, kSchema, kWhat);
    auto t = std::make_shared<report::MonteCarloTable>();
    const char* meta_sql = "SELECT draws, seed, drawn FROM report_montecarlo_meta WHERE run_id = ? LIMIT 1";
    const auto meta = g.each_row(meta_sql, [&](const Statement& m) {
        t->draws = static_cast<std::size_t>(m.i64(0));
        t->seed = std::stoull(m.text(1));
        t->drawn = split_lines(m.text(2));
    }, run_id);
    if (meta == 0) return nullptr;
    g.each_row("SELECT scenario, scenario_name, scenario_name_en, section_id, name, river, target_class, det_meets, p_meets "
               "FROM report_montecarlo WHERE run_id = ? ORDER BY ord", [&](const Statement& r) {
        t->rows.push_back({.scenario = r.text(0), .scenario_name = r.text(1), .scenario_name_en = r.text(2), .section_id = r.text(3),
                           .name = r.text(4), .river = r.text(5), .target_class = static_cast<int>(r.i64(6)),
                           .det_meets = r.i64(7) != 0, .p_meets = r.real(8)});
    }, run_id);
    g.each_row("SELECT ord, variable, p_meets, det_mgL, p5_mgL, p50_mgL, p95_mgL, mean_mgL FROM report_montecarlo_bands "
               "WHERE run_id = ? ORDER BY ord", [&](const Statement& b) {
        const auto i = static_cast<std::size_t>(b.i64(0));
        const auto c = constituent_from_key(b.text(1));
        if (i >= t->rows.size() || !c) return;  // a variable this version does not model
        auto& x = t->rows[i];
        const int k = idx(*c);
        x.p_meets_c[k] = b.real(2);
        x.det_mgL[k] = b.real(3);
        x.p5_mgL[k] = b.real(4);
        x.p50_mgL[k] = b.real(5);
        x.p95_mgL[k] = b.real(6);
        x.mean_mgL[k] = b.real(7);
    }, run_id);
    return t;
}

}  // namespace qingliu::io
