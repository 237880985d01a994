// Flow and load series (hydro/flow_series, loads/load_series, io/series_reader) and the `dynamic` command.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include "../io/gdal_helpers.hpp"
#include "../io/helpers.hpp"
#include "common/error.hpp"
#include "hydro/flow_series.hpp"
#include "io/case_reader.hpp"
#include "io/dynamic_inputs.hpp"
#include "io/series_reader.hpp"
#include "loads/load_series.hpp"
#include "reaches/dynamic.hpp"
#include "reaches/steady.hpp"
#include "scenarios/case.hpp"
#include "analyses/simulate.hpp"

using namespace qingliu;

TEST_CASE("calendar and dates", "[dynamic][series]") {
    CHECK(hydro::days_in_year(2024) == 366);
    CHECK(hydro::days_in_year(2100) == 365);
    CHECK(hydro::day_of_year({2023, 12, 31}) == 364);
    CHECK(hydro::date_from_day(2024, 59) == hydro::Date{2024, 2, 29});
    CHECK(hydro::parse_date("2023/03/05") == hydro::Date{2023, 3, 5});
    CHECK(hydro::parse_date("20230305") == hydro::Date{2023, 3, 5});
    CHECK(hydro::parse_date("2023-03-05 00:00:00") == hydro::Date{2023, 3, 5});
    CHECK_FALSE(hydro::parse_date("2023-02-29"));
    CHECK_FALSE(hydro::parse_date("5.3.2023"));
}

TEST_CASE("runoff weights conserve the annual total of diffuse loads", "[dynamic][series]") {
    std::vector<double> q(365);
    for (int d = 0; d < 365; ++d) q[d] = 1.0 + 5.0 * std::exp(-std::pow((d - 200) / 30.0, 2)) + (d % 17 == 0 ? 8.0 : 0.0);
    for (double b : {0.0, 1.0, 1.5}) {
        const auto w = loads::runoff_weights(q, b);
        double sum = 0.0;
        for (double x : w) sum += x;
        CHECK(std::abs(sum - 365.0) < 1e-9);  // rounding of 365 additions
        // proportional to q^b: the ratio of any two days is (q1/q2)^b
        CHECK(std::abs(w[200] / w[10] - std::pow(q[200] / q[10], b)) < 1e-12);
    }
    CHECK_THROWS_AS(loads::runoff_weights({1.0, -1.0}), std::invalid_argument);
}

TEST_CASE("gauge flows scaled by cumulative drainage area reproduce the gauge", "[dynamic][series]") {
    // A (40 km2) and B (20 km2) join into C (40 km2, gauge at its end); C's side channel D takes 25 % and ends.
    reaches::NetworkBuilder nb;
    auto r = [](std::string id, std::string down, double qh, double ql) {
        reaches::NetworkBuilder::Reach x;
        x.id = id;
        x.river = "r";
        x.downstream = down;
        x.length_km = 3;
        x.headwater_flow_m3s = qh;
        x.lateral_flow_m3s = ql;
        return x;
    };
    nb.add(r("A", "C", 1.0, 0.0));
    nb.add(r("B", "C", 0.5, 0.0));
    nb.add(r("C", "", 0.0, 0.4));
    const reaches::Network net = nb.finish();
    const std::vector<double> area{40, 20, 40};
    const auto cum = hydro::cumulative_area(net.topo, area);
    CHECK(cum[2] == 100.0);  // exact sum of small integers
    // the forcing simulate() builds for this network and a gauge series at C
    scenarios::CaseModel cm;
    cm.net = net;
    scenarios::DynamicInputs in;
    in.year = 2023;
    in.local_area_km2 = area;
    in.gauge_reach = 2;
    for (int d = 0; d < 365; ++d) in.gauge_m3s.push_back(5.0 + 3.0 * std::sin(d / 20.0));
    const reaches::DynamicForcing f = scenarios::dynamic_forcing(cm, in);
    const hydro::FlowForcing& ff = f.flow;
    REQUIRE(f.steps == 365);
    // own inflow of A per m3/s at the gauge = 40/100, all at its top (a headwater with only headwater flow)
    CHECK(std::abs(ff.base_headwater_m3s[0] - 0.4) < 1e-15);
    CHECK(std::abs(ff.base_lateral_m3s[2] - 0.4) < 1e-15);
    // Running the dynamic model: the flow at the gauge equals the gauge series (float outputs: 1e-6 relative).
    const auto res = reaches::solve_dynamic(net, {}, {}, f, {});
    for (int d = 0; d < 365; d += 7) CHECK(std::abs(res.reach_flow_m3s[d * 3 + 2] / in.gauge_m3s[d] - 1.0) < 1e-6);
    // seasons: months whose mean runoff is at least the year's mean are wet
    int wet = 0;
    for (int m : ff.wet_month) wet += m == 1;
    CHECK(wet > 0);
    CHECK(wet < 12);
}

TEST_CASE("a gauge series in an XLSX workbook with date cells reads as its CSV", "[dynamic][series][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = test::temp_dir("dynxlsx");
    std::string text = "date,flow_m3s\n";
    for (int d = 0; d < 365; ++d)
        text += hydro::format_date(hydro::date_from_day(2023, d)) + "," + std::to_string(100.0 + d * 0.25) + "\n";
    test::write_file(dir / "flows.csv", text);
    test::translate(dir / "flows.csv", dir / "flows.xlsx", "flows", "XLSX", false);
    {
        // the workbook holds date cells, as a spreadsheet typed by hand would
        GDALDataset* ds = GDALDataset::Open((dir / "flows.xlsx").c_str(), GDAL_OF_VECTOR);
        REQUIRE(ds != nullptr);
        CHECK(ds->GetLayer(0)->GetLayerDefn()->GetFieldDefn(0)->GetType() == OFTDate);
        GDALClose(ds);
    }
    Problems pc, px;
    const io::DailyFlows c = io::read_flow_series({(dir / "flows.csv").string(), ""}, 0, pc);
    const io::DailyFlows x = io::read_flow_series({(dir / "flows.xlsx").string(), ""}, 0, px);
    CHECK(pc.empty());
    CHECK(px.empty());
    CHECK(x.year == 2023);
    REQUIRE(x.gauge_m3s.size() == 365);
    CHECK(x.gauge_m3s == c.gauge_m3s);  // quarter steps are exact in binary: the same numbers
    CHECK(x.gauge_m3s[364] == 100.0 + 364 * 0.25);
}

TEST_CASE("a dry year: the series scaled so that its driest month carries the design flow", "[dynamic][series]") {
    // 2023, month m (1-12) at 100 + 10 m m3/s on every day: the driest month is January at 110 m3/s, so a design
    // flow of 55 m3/s gives the factor 0.5 exactly.
    std::vector<double> q;
    for (int d = 0; d < 365; ++d) q.push_back(100.0 + 10.0 * hydro::date_from_day(2023, d).month);
    CHECK(hydro::dry_year_factor(q, 2023, 55.0) == 0.5);
    // Within a month the mean counts, not the lowest day: January 110 +- 50 alternating (31 days: one more +50).
    for (int d = 0; d < 31; ++d) q[d] = 110.0 + (d % 2 ? -50.0 : 50.0);
    CHECK(std::abs(hydro::dry_year_factor(q, 2023, 55.0) - 55.0 / (110.0 + 50.0 / 31.0)) < 1e-15);
    CHECK_THROWS_AS(hydro::dry_year_factor({}, 2023, 55.0), std::invalid_argument);
    CHECK_THROWS_AS(hydro::dry_year_factor(std::vector<double>(365, 0.0), 2023, 55.0), std::invalid_argument);
}

TEST_CASE("flow and load tables: every problem with file, record and field", "[dynamic][series][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = test::temp_dir("dynseries");
    std::string text = "date,flow_m3s\n";
    for (int d = 0; d < 365; ++d)
        if (d != 40) text += hydro::format_date(hydro::date_from_day(2023, d)) + "," + (d == 3 ? "-1" : "2.5") + "\n";
    text += "2023-13-01,1\n";
    test::write_file(dir / "flows.csv", text);
    Problems p;
    const io::DailyFlows fl = io::read_flow_series({(dir / "flows.csv").string(), ""}, 0, p);
    CHECK(fl.year == 2023);
    bool negative = false, missing = false, bad_date = false;
    for (const auto& x : p.items()) {
        negative |= x.field == "flow_m3s" && x.record == "row 5" && x.value == "-1";
        // day 41 is absent and day 4 has no usable value: two days, the first named
        missing |= x.field == "date" && x.message.find("2 day(s)") != std::string::npos &&
                   x.message.find("2023-01-04") != std::string::npos;
        bad_date |= x.field == "date" && x.value == "2023-13-01";
    }
    CHECK(negative);
    CHECK(missing);
    CHECK(bad_date);

    test::write_file(dir / "loads.csv", "date,source_id,factor\n2023-01-01,P9,1\n2023-01-02,P1,x\n");
    Problems q;
    io::read_load_series({(dir / "loads.csv").string(), ""}, 2023, {"P1"}, {"sewage_plant"}, q);
    REQUIRE(q.size() == 2);
    CHECK(q.items()[0].field == "source_id");
    CHECK(q.items()[1].field == "factor");
}

TEST_CASE("dynamic command: outputs, run store and mass balance on every dynamic case", "[dynamic][cli]") {
    namespace fs = std::filesystem;
    std::vector<fs::path> cases;
    for (const fs::path& root : {test::source_dir() / "tests/data", test::source_dir() / "data/cases"}) {
        if (!fs::exists(root)) continue;
        for (const auto& e : fs::directory_iterator(root))
            if (fs::exists(e.path() / "case.toml") && ("\n" + test::read_file(e.path() / "case.toml")).find("\n[dynamic]") != std::string::npos)
                cases.push_back(e.path());
    }
    REQUIRE(!cases.empty());
    for (const auto& c : cases) {
        INFO(c.string());
        const fs::path out = test::temp_dir("dyn-out");
        const fs::path store = out / "runs.sqlite";
        std::string log;
        const int rc = test::run_cli("--store " + store.string() + " dynamic " + c.string() + " --out " + (out / "res").string(), &log);
        INFO(log);
        REQUIRE(rc == 0);
        for (const char* f : {"daily_sections.csv", "daily_reaches.csv", "monthly_sections.csv", "compliance.csv",
                              "daily_reaches_baseline.nc", "daily_sections_baseline.nc"})
            CHECK(fs::exists(out / "res" / f));
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(store.string().c_str(), &db) == SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, "SELECT max(value) FROM dynamic_meta WHERE key IN ('max_reach_imbalance','network_imbalance')", -1,
                                   &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const double imbalance = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        CHECK(imbalance < 1e-6);  // in - out - decayed - change in storage, relative, every scenario
        REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM dynamic_section_monthly", -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        CHECK(sqlite3_column_int64(st, 0) > 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    {
        // A design year by default (and with --dry-year) on the test case: in the driest month the gauge reach's mean
        // flow is the design flow of the steady model (the natural design flow scaled to, plus the sources' constant
        // water). Float outputs: 1e-6. --recorded-year keeps the recorded flows, whose driest month is not the design.
        const fs::path dir = test::source_dir() / "tests/data/dynamic-mini";
        const fs::path out = test::temp_dir("dyn-dry");
        const io::LoadedCase lc = io::load_case(dir.string());
        const std::int32_t gauge = lc.model.net.topo.find(lc.dynamic.gauge_reach);
        const double design = reaches::steady_flows(lc.model.net, scenarios::point_inputs(lc.model)).flow_out_m3s[gauge];
        for (const std::string how : {"", " --dry-year", " --recorded-year"}) {
        INFO("dynamic" << how);
        std::string log;
        const fs::path res = out / ("res" + std::to_string(how.size()));
        REQUIRE(test::run_cli("--store " + (out / "s.sqlite").string() + " dynamic " + dir.string() + how + " --scenario baseline"
                              " --out " + res.string(), &log) == 0);
        double sum[12] = {}, days[12] = {};
        std::istringstream rows(test::read_file(res / "daily_reaches.csv"));
        std::string line;
        std::getline(rows, line);
        while (std::getline(rows, line)) {
            // scenario,reach_id,date,flow_m3s,...
            std::vector<std::string> f;
            std::stringstream ss(line);
            for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
            if (f[1] != lc.dynamic.gauge_reach) continue;
            const int m = std::stoi(f[2].substr(5, 2)) - 1;
            sum[m] += std::stod(f[3]);
            days[m] += 1.0;
        }
        double lowest = 1e300;
        for (int m = 0; m < 12; ++m) {
            REQUIRE(days[m] > 0.0);
            lowest = std::min(lowest, sum[m] / days[m]);
        }
        if (how == " --recorded-year") {
            CHECK(std::abs(lowest / design - 1.0) > 1e-3);
            CHECK(log.find("recorded year, flows unscaled") != std::string::npos);
        } else {
            CHECK(std::abs(lowest / design - 1.0) < 1e-6);
            CHECK(log.find("design year: recorded flows") != std::string::npos);
        }
        }
    }
    // A case without [dynamic] is refused as an input problem (exit 1), and nothing is written.
    const fs::path out = test::temp_dir("dyn-none");
    CHECK(test::run_cli("--store " + (out / "s.sqlite").string() + " dynamic " + (test::source_dir() / "tests/data/mini").string() +
                        " --out " + (out / "res").string()) == 1);
    CHECK_FALSE(fs::exists(out / "res" / "compliance.csv"));
}

TEST_CASE("[dynamic] keys are checked against their rows of the parameter table", "[dynamic][series][io]") {
    const toml::table t = toml::parse(R"(
flows = "flows.csv"
year = 1700
washoff_exponent = 5.0
monthly_temperature_c = [8, 9, 13]
gauge = "A4"
)");
    Problems p;
    io::DynamicSettings s;
    io::read_dynamic_settings(t, "case.toml", "/cases/x", p, s);
    std::map<std::string, std::string> msg;
    for (const auto& x : p.items()) msg[x.field] = x.message;
    REQUIRE(p.size() == 4);
    // ranges and the list of keys come from the table
    CHECK(msg["dynamic.year"].find("[1800, 2200]") != std::string::npos);
    CHECK(msg["dynamic.washoff_exponent"].find("[0, 3]") != std::string::npos);
    CHECK(msg["dynamic.monthly_temperature_c"].find("12") != std::string::npos);
    CHECK(msg["dynamic.gauge"].find("flows, gauge_reach, loads, year, washoff_exponent, monthly_temperature_c") != std::string::npos);
    CHECK(s.flows == "/cases/x/flows.csv");
    CHECK(s.washoff_exponent == 1.0);  // the rejected value is not taken
}

TEST_CASE("the dynamic year's exchange between reaches in pieces of 1/8 d on Ledu", "[dynamic][series]") {
    // Ledu's baseline design year, sections' daily samples (the cell at the day's end), against pieces of 1/96 d:
    // one piece a day lags the travel time above each section after each day's change (measured 2.1 % of COD at
    // LD05 on 1 July, when the month's loads change), pieces of 1/8 d (SimulateOptions' default) 0.07 %; the annual
    // means move by less (mass between reaches is exact in every piece). Relative differences above 1e-3 mg/L.
    io::LoadedCase lc = io::load_case((test::source_dir() / "data/cases/ledu").string());
    const scenarios::DynamicInputs in = io::read_dynamic_inputs(lc);
    auto run = [&](double step) {
        scenarios::SimulateOptions so;
        CHECK(so.solver.exchange_step_d == scenarios::kExchangeStepD);
        so.compare_steady = false;
        so.solver.record_reach_ends = false;
        so.solver.exchange_step_d = step;
        return scenarios::simulate(lc.model, {}, in, so);
    };
    const scenarios::Simulation day = run(0.0), eighth = run(scenarios::kExchangeStepD), fine = run(1.0 / 96.0);
    auto largest = [&](const scenarios::Simulation& a, bool annual) {
        const auto& x = a.scenarios[0];
        const auto& y = fine.scenarios[0];
        double e = 0.0;
        for (std::size_t s = 0; s < lc.model.sections.size(); ++s)
            for (int c = 0; c < kNumConstituents; ++c) {
                if (annual) {
                    const double v = y.compliance[s].annual_mean_mgL[c];
                    e = std::max(e, std::abs(x.compliance[s].annual_mean_mgL[c] - v) / std::max(v, 1e-3));
                    continue;
                }
                for (std::size_t d = 0; d < y.result.steps; ++d) {
                    const double v = y.result.conc(d, s, c);
                    e = std::max(e, std::abs(x.result.conc(d, s, c) - v) / std::max(v, 1e-3));
                }
            }
        return e;
    };
    const double e_day = largest(day, false), e_eighth = largest(eighth, false);
    INFO("daily samples: one piece a day " << e_day << ", 1/8 d " << e_eighth << "; annual means " << largest(day, true)
                                           << " and " << largest(eighth, true));
    CHECK(e_day > 0.01);     // the lag is real (measured 2.07 %)
    CHECK(e_eighth < 2e-3);  // measured 7.5e-4
    // annual means of the daily samples: the lag shifts a day's change by hours, not the mass (1.3e-5 and 4.7e-7)
    CHECK(largest(day, true) < 1e-4);
    CHECK(largest(eighth, true) < 1e-5);
}
