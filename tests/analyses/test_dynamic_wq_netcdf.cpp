// The dynamic water-quality series in NetCDF (io::write_water_quality_series through io::SeriesWriter): the file read
// back by the library and by ncdump equals the series in memory, exactly (doubles stored as doubles; ncdump prints
// 17 significant digits, which read back as the same double); the `dynamic` command writes it per scenario beside
// daily_water_quality.csv, equal to that table, and records it in the run store with its digest.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "../common/case_dynamic_wq.hpp"
#include "../io/helpers.hpp"
#include "analyses/dynamic_water_quality.hpp"
#include "common/item_set.hpp"
#include "io/case_reader.hpp"
#include "../common/ncdump.hpp"
#include "io/dynamic_export.hpp"
#include "io/dynamic_inputs.hpp"
#include "io/netcdf_series.hpp"
#include "io/output.hpp"
#include "reaches/wq_classes.hpp"

using namespace qingliu;

TEST_CASE("dynamic water-quality series in NetCDF read back by the library and ncdump equal the series in memory",
          "[dynamic][water_quality][netcdf]") {
    const auto ledu = test::case_dynamic_wq("ledu");
    const io::LoadedCase& lc = ledu->lc;
    const scenarios::Simulation& sim = ledu->sim;
    const scenarios::DynamicWaterQuality& dq = ledu->dq;
    const auto& w = dq.scenarios[0];
    const std::size_t S = lc.model.sections.size(), D = static_cast<std::size_t>(sim.days), ni = w.items.size();
    REQUIRE(S > 0);
    REQUIRE(ni == 7);  // do, codmn, cod, bod5, nh3n, tp, tn

    const io::SeriesStations st = io::section_stations(lc.model);
    const std::string path = (test::temp_dir("wq-netcdf") / "daily_water_quality_baseline.nc").string();
    io::write_water_quality_series(path, st, io::dynamic_series_spec(sim, lc.model, "baseline"), sim.days, w);

    // the library: ids, time at the end of each day, and every value exactly
    const io::SeriesFile f = io::read_series(path);
    CHECK(f.conventions == "CF-1.8");
    CHECK(f.feature_type == "timeSeries");
    REQUIRE(f.steps == D);
    CHECK(f.ids == st.ids);
    for (std::size_t d = 0; d < D; ++d) CHECK(f.time[d] == static_cast<double>(d + 1));
    REQUIRE(f.values.size() == ni);  // one variable per item, nothing else
    std::size_t mismatched = 0, classes_mismatched = 0;
    for (std::size_t i = 0; i < ni; ++i) {
        INFO("item " << w.items[i]);
        REQUIRE(f.values.count(w.items[i]));
        CHECK(f.units.at(w.items[i]) == "mg L-1");
        const auto& v = f.values.at(w.items[i]);
        for (std::size_t s = 0; s < S; ++s)
            for (std::size_t d = 0; d < D; ++d) mismatched += v[s * D + d] == w.daily_mgL[(s * D + d) * ni + i] ? 0 : 1;
    }
    for (std::size_t s = 0; s < S; ++s)
        for (std::size_t d = 0; d < D; ++d) {
            mismatched += f.flow[s * D + d] == w.daily_flow_m3s[s * D + d] ? 0 : 1;
            classes_mismatched += f.cls[s * D + d] == w.daily_class[s * D + d] ? 0 : 1;
        }
    CHECK(mismatched == 0);
    CHECK(classes_mismatched == 0);

    // ncdump: the CF header with English and Chinese labels, and every value (17 significant digits) exactly
    const std::string header = test::checked_output("ncdump -h " + path);
    CHECK(header.find("double do(station, time)") != std::string::npos);
    CHECK(header.find("do:units = \"mg L-1\"") != std::string::npos);
    CHECK(header.find("do:long_name_zh = \"" + std::string(reaches::wq::item_label_zh("do"))) != std::string::npos);
    CHECK(header.find("tn:long_name = \"" + std::string(reaches::wq::item_label_en("tn")) + " at the section\"") != std::string::npos);
    CHECK(header.find("section_id:cf_role = \"timeseries_id\"") != std::string::npos);
    CHECK(header.find(":title_zh = \"监测断面逐日 GB 3838-2002 指标") != std::string::npos);
    std::string vars = "flow";
    for (const auto& k : w.items) vars += "," + k;
    const std::string dump = test::checked_output("ncdump -p 9,17 -v " + vars + " " + path);
    std::size_t dump_mismatched = 0;
    for (std::size_t i = 0; i < ni; ++i) {
        const auto v = test::ncdump_values(dump, w.items[i]);
        REQUIRE(v.size() == S * D);
        for (std::size_t s = 0; s < S; ++s)
            for (std::size_t d = 0; d < D; ++d) dump_mismatched += v[s * D + d] == w.daily_mgL[(s * D + d) * ni + i] ? 0 : 1;
    }
    const auto q = test::ncdump_values(dump, "flow");
    REQUIRE(q.size() == S * D);
    for (std::size_t x = 0; x < S * D; ++x) dump_mismatched += q[x] == w.daily_flow_m3s[x] ? 0 : 1;
    CHECK(dump_mismatched == 0);
}

TEST_CASE("dynamic command: the water-quality NetCDF series equals daily_water_quality.csv and is stored with its digest",
          "[dynamic][water_quality][netcdf][cli]") {
    const test::fs::path out = test::temp_dir("dyn-wq-netcdf");
    REQUIRE(test::run_cli("--quiet --store " + (out / "s.sqlite").string() + " dynamic " + (test::source_dir() / "data/cases/ledu").string() +
                          " --scenario baseline --daily-csv no --out " + (out / "res").string()) == 0);
    const test::fs::path nc = out / "res" / "daily_water_quality_baseline.nc";
    REQUIRE(test::fs::exists(nc));
    const io::SeriesFile f = io::read_series(nc.string());
    std::map<std::string, std::size_t> station, day;
    for (std::size_t i = 0; i < f.ids.size(); ++i) station[f.ids[i]] = i;
    // the CSV prints 6 significant digits: each value agrees with the file to 5e-6 relative (half a unit in the 6th
    // digit), or 1e-12 absolute near zero; the classes exactly
    auto near = [](double file, const std::string& text) {
        const double v = std::stod(text);
        return std::abs(file - v) <= std::max(5e-6 * std::abs(v), 1e-12);
    };
    const auto csv = test::read_csv_rows(out / "res" / "daily_water_quality.csv");
    REQUIRE(csv.size() > 1);
    const auto& head = csv[0];
    const std::size_t cls_col = test::column(head, "class"), flow_col = test::column(head, "flow_m3s");
    std::size_t compared = 0, mismatched = 0;
    for (std::size_t r = 1; r < csv.size(); ++r) {
        REQUIRE(csv[r][0] == "baseline");
        const std::size_t i = station.at(csv[r][1]);
        const std::size_t s = day[csv[r][1]]++;  // rows of a section in date order
        mismatched += near(f.flow[i * f.steps + s], csv[r][flow_col]) ? 0 : 1;
        for (const auto& [key, v] : f.values) mismatched += near(v[i * f.steps + s], csv[r][test::column(head, key + "_mgL")]) ? 0 : 1;
        const std::string roman[] = {"", "I", "II", "III", "IV", "V", "劣V"};
        mismatched += roman[f.cls[i * f.steps + s]] == csv[r][cls_col] ? 0 : 1;
        ++compared;
    }
    CHECK(compared == f.ids.size() * f.steps);
    CHECK(mismatched == 0);
    CHECK(f.values.size() == head.size() - 8);  // scenario,section_id,name,date,flow_m3s,<items>,class,target_class,meets

    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((out / "s.sqlite").string().c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT path, sha256, bytes FROM dynamic_files WHERE scenario = 'baseline' AND kind = 'water_quality'", -1, &q,
                               nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    CHECK(test::fs::path(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) == test::fs::absolute(nc));
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 1))) == io::sha256_file(nc.string()));
    CHECK(static_cast<std::uintmax_t>(sqlite3_column_int64(q, 2)) == test::fs::file_size(nc));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

TEST_CASE("dynamic water quality over a case's chosen items: the same numbers, the class over those items only",
          "[dynamic][water_quality][items]") {
    io::LoadedCase lc = io::load_case((test::source_dir() / "data/cases/ledu").string());
    REQUIRE(lc.water_quality.options.items == ItemSet::all());  // the shipped case names none
    const scenarios::DynamicInputs in = io::read_dynamic_inputs(lc);
    scenarios::SimulateOptions so;
    so.compare_steady = false;
    so.solver.record_reach_ends = false;
    const scenarios::Simulation sim = scenarios::simulate(lc.model, {}, in, so);
    const auto full = scenarios::simulate_water_quality(sim, in, lc.water_quality.options, 3);
    scenarios::WaterQualityOptions opt = lc.water_quality.options;
    opt.items = ItemSet::none();
    for (const Var v : {Var::DO, Var::CODMn, Var::COD}) opt.items.add(v);  // not the items deciding Ledu's classes
    const auto sub = scenarios::simulate_water_quality(sim, in, opt, 3);
    const auto& f = full.scenarios.at(0);
    const auto& w = sub.scenarios.at(0);
    REQUIRE(w.items == std::vector<std::string>{"do", "codmn", "cod"});
    const std::size_t S = lc.model.sections.size(), D = static_cast<std::size_t>(sim.days), nf = f.items.size(), ns = w.items.size();
    std::vector<std::size_t> in_full;  // position of each chosen item in the full set
    for (const auto& k : w.items) in_full.push_back(static_cast<std::size_t>(std::find(f.items.begin(), f.items.end(), k) - f.items.begin()));
    // the numbers are those of the full set, exactly (a subset judges, it computes nothing else); the day's class is
    // the worst of the full set's item classes over the chosen items (0: not assessed); the share of days recounts
    std::size_t value_mismatch = 0, class_mismatch = 0, better = 0;
    for (std::size_t s = 0; s < S; ++s) {
        int met = 0;
        for (std::size_t d = 0; d < D; ++d) {
            const std::size_t at = s * D + d;
            int worst = 0;
            for (std::size_t i = 0; i < ns; ++i) {
                value_mismatch += w.daily_mgL[at * ns + i] == f.daily_mgL[at * nf + in_full[i]] ? 0 : 1;
                worst = std::max<int>(worst, f.daily_item_class[at * nf + in_full[i]]);
            }
            class_mismatch += w.daily_class[at] == worst ? 0 : 1;
            better += w.daily_class[at] < f.daily_class[at] ? 1 : 0;
            met += w.daily_class[at] <= lc.model.sections[s].target_class ? 1 : 0;
        }
        CHECK(w.share_days[s] == Approx(double(met) / double(D)).margin(1e-15));  // a count over days: to rounding
        CHECK(w.annual[s].items.size() == ns);
        CHECK(w.steady[s].items.size() == ns);  // the steady verdict beside it over the same items
    }
    CHECK(value_mismatch == 0);
    CHECK(class_mismatch == 0);
    INFO("section-days whose class over the chosen items is better than over every item: " << better);
    CHECK(better > 0);  // the subset changes verdicts, not only columns

    // the command's outputs list the chosen items only: the CSV columns, the compliance rows, the NetCDF variables
    const test::fs::path dir = test::copy_case(test::source_dir() / "data/cases/ledu", "dyn-wq-items");
    std::string toml = test::read_file(dir / "case.toml");
    const std::size_t at = toml.find("[water_quality]\n");
    REQUIRE(at != std::string::npos);
    toml.insert(at + 16, "items = [\"do\", \"bod5\", \"nh3n\", \"tp\"]\n");
    test::write_file(dir / "case.toml", toml);
    const test::fs::path out = test::temp_dir("dyn-wq-items-out");
    std::string log;
    REQUIRE(test::run_cli("--store " + (out / "s.sqlite").string() + " dynamic " + dir.string() + " --scenario baseline --daily-csv no --out " +
                          (out / "res").string(), &log) == 0);
    CHECK(log.find("the items assessed (do, bod5, nh3n, tp)") != std::string::npos);  // the same words as water-quality
    const auto daily = test::read_csv_rows(out / "res" / "daily_water_quality.csv");
    REQUIRE(daily.size() == 1 + S * D);
    const std::string text = test::strip_bom(test::read_file(out / "res" / "daily_water_quality.csv"));
    CHECK(text.substr(0, text.find('\n')) == "scenario,section_id,name,date,flow_m3s,do_mgL,bod5_mgL,nh3n_mgL,tp_mgL,class,target_class,meets");
    std::set<std::string> listed;
    const auto comp = test::read_csv_rows(out / "res" / "water_quality_compliance.csv");
    const std::size_t item_col = test::column(comp.at(0), "item");
    for (std::size_t r = 1; r < comp.size(); ++r) listed.insert(comp[r][item_col]);
    CHECK(listed == std::set<std::string>{"do", "bod5", "nh3n", "tp", "all"});
    CHECK(comp.size() == 1 + S * 5);
    const io::SeriesFile nc = io::read_series((out / "res" / "daily_water_quality_baseline.nc").string());
    std::set<std::string> vars;
    for (const auto& [k, v] : nc.values) vars.insert(k);
    CHECK(vars == std::set<std::string>{"do", "bod5", "nh3n", "tp"});
}
