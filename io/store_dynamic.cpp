#include "io/store_dynamic.hpp"

#include <cmath>

#include "io/sql_columns.hpp"
#include "io/store_tables.hpp"

namespace qingliu::io {

namespace {

const char* const kWhat = "run store (dynamic results)";

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
    require_run_transaction(store, kWhat, "dynamic results");
    const StoreTables g(store, dynamic_schema(), kWhat);
    Statement meta = g.insert("dynamic_meta", 4);
    Statement file = g.insert("dynamic_files", 6);
    Statement month = g.insert("dynamic_section_monthly", 8 + N);
    Statement comp = g.insert("dynamic_compliance", 8 + N);
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
                bind_reals(month, 7, sc.monthly_mean_mgL[m]).bind(7 + N, sc.monthly_class[m]).bind(8 + N, meets).run();
            }
            comp.bind(1, run_id).bind(2, o.scenario).bind(3, o.section_ids[sec]).bind(4, o.target_class[sec]);
            bind_reals(comp, 5, sc.annual_mean_mgL).bind(5 + N, sc.annual_class).bind(6 + N, sc.annual_meets ? 1 : 0)
                .bind(7 + N, sc.share_days()).bind(8 + N, sc.share_months()).run();
        }
    }
}

void save_dynamic_water_quality(RunStore& store, std::int64_t run_id, const std::vector<DynamicWaterQualityRow>& rows) {
    require_run_transaction(store, kWhat, "dynamic water-quality results");
    const StoreTables g(store, R"SQL(
CREATE TABLE IF NOT EXISTS dynamic_water_quality(run_id INTEGER NOT NULL REFERENCES runs(run_id), scenario TEXT,
  section_id TEXT, item TEXT, target_class INTEGER, annual_mean_mgL REAL, annual_class INTEGER, share_days REAL,
  steady_mgL REAL, steady_class INTEGER);
)SQL", kWhat);
    Statement ins = g.insert("dynamic_water_quality", 10);
    for (const auto& r : rows) {
        ins.bind(1, run_id).bind(2, r.scenario).bind(3, r.section_id).bind(4, r.item).bind(5, r.target_class);
        if (r.item == "all") ins.bind(6, std::nan(""));
        else ins.bind(6, r.annual_mean_mgL);
        if (r.annual_class > 0) ins.bind(7, r.annual_class);
        else ins.bind(7, std::nan(""));
        if (std::isnan(r.share_days)) ins.bind(8, std::nan(""));
        else ins.bind(8, r.share_days);
        if (r.item == "all") ins.bind(9, std::nan(""));
        else ins.bind(9, r.steady_mgL);
        if (r.steady_class > 0) ins.bind(10, r.steady_class);
        else ins.bind(10, std::nan(""));
        ins.run();
    }
}

}  // namespace qingliu::io
