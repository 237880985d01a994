// Daily series in NetCDF (io/netcdf_series.hpp): the series the solver hands over reach by reach equal the series
// it keeps in memory, and the file read back by the library and by ncdump equals them; the command's files equal
// its CSV tables and are recorded in the run store with their digest.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>

#include "../common/ncdump.hpp"
#include "../io/helpers.hpp"
#include "common/csv_text.hpp"
#include "io/netcdf_series.hpp"
#include "io/output.hpp"
#include "reaches/dynamic.hpp"

using namespace qingliu;

namespace {

reaches::NetworkBuilder::Reach reach(const std::string& id, const std::string& down, double km, double u, double qh, double ql) {
    reaches::NetworkBuilder::Reach r;
    r.id = id;
    r.river = "甲河";
    r.name = id + "段";
    r.downstream = down;
    r.length_km = km;
    r.hydraulics = hydro::Hydraulics::constant(u);
    r.headwater_flow_m3s = qh;
    r.lateral_flow_m3s = ql;
    r.headwater_conc_mgL = {8, 0.2, 0.05};
    r.lateral_conc_mgL = {10, 0.3, 0.08};
    return r;
}

}  // namespace

TEST_CASE("reach series handed over as solved equal the series kept in memory, and the NetCDF file read back equals them",
          "[dynamic][netcdf]") {
    // A and B join into C; a load pattern on a point source in C; 40 days of changing flows; two threads, so reaches
    // finish (and are written) out of order.
    reaches::NetworkBuilder b;
    b.add(reach("A", "C", 12.0, 0.4, 3.0, 0.5));
    b.add(reach("B", "C", 8.0, 0.3, 1.0, 0.2));
    b.add(reach("C", "", 20.0, 0.5, 0.0, 0.8));
    const reaches::Network net = b.finish();
    reaches::DynamicForcing f;
    f.steps = 40;
    for (std::size_t s = 0; s < f.steps; ++s) f.flow.scale.push_back(1.0 + 0.8 * std::sin(0.3 * static_cast<double>(s)));
    f.k_per_d = {{0.2, 0.15, 0.05}};
    std::vector<double> pattern(f.steps, 1.0);
    for (std::size_t s = 10; s < 15; ++s) pattern[s] = 4.0;
    f.load_patterns = {pattern};
    f.input_pattern = {0};
    const std::vector<reaches::PointInput> in{{2, 5000.0, -1.0, 0.1, {30.0, 2.0, 0.3}, 0}};
    const std::vector<reaches::Observation> obs{{2, 15000.0}};

    const std::size_t N = net.size(), S = f.steps;
    const test::fs::path dir = test::temp_dir("netcdf-series");
    const std::string path = (dir / "reaches.nc").string();
    io::SeriesStations st;
    st.kind = io::SeriesKind::ReachEnds;
    for (std::size_t r = 0; r < N; ++r) {
        st.ids.push_back(net.topo.id(r));
        st.names.push_back(net.name[r]);
        st.rivers.push_back(net.river[r]);
        st.lon.push_back(103.7 + 0.01 * static_cast<double>(r));
        st.lat.push_back(29.5 - 0.01 * static_cast<double>(r));
    }
    io::SeriesFileSpec spec;
    spec.case_name = "测试";
    spec.scenario = "baseline";
    spec.year = 2023;
    spec.steps = S;
    io::SeriesWriter writer(path, st, spec);

    std::mutex m;
    std::map<std::int32_t, std::vector<float>> handed;  // reach -> flow (S) then concentrations (constituent-major)
    reaches::DynamicOptions opt;
    opt.threads = 2;
    opt.record_reach_ends = true;
    opt.reach_series = [&](std::int32_t r, const float* flow, const float* conc) {
        writer.put(static_cast<std::size_t>(r), flow, conc);
        std::lock_guard<std::mutex> lock(m);
        auto& v = handed[r];
        v.assign(flow, flow + S);
        v.insert(v.end(), conc, conc + S * kNumConstituents);
    };
    const reaches::DynamicResult res = reaches::solve_dynamic(net, in, obs, f, opt);
    writer.close();

    // Handed over = kept in memory, bit for bit (the same float conversion of the same numbers).
    REQUIRE(handed.size() == N);
    for (std::size_t r = 0; r < N; ++r)
        for (std::size_t s = 0; s < S; ++s) {
            const auto& v = handed[static_cast<std::int32_t>(r)];
            CHECK(v[s] == res.reach_flow_m3s[s * N + r]);
            for (int c = 0; c < kNumConstituents; ++c)
                CHECK(v[S + c * S + s] == res.reach_conc_mgL[(s * N + r) * kNumConstituents + c]);
        }

    // Read back by the library: every value exactly (floats stored as floats), CF metadata, ids and coordinates.
    const io::SeriesFile back = io::read_series(path);
    CHECK(back.conventions == "CF-1.8");
    CHECK(back.feature_type == "timeSeries");
    CHECK(back.time_units == "days since 2023-01-01 00:00:00");
    CHECK(back.calendar == "standard");
    REQUIRE(back.steps == S);
    CHECK(back.ids == st.ids);
    CHECK(back.lon == st.lon);
    CHECK(back.lat == st.lat);
    for (std::size_t s = 0; s < S; ++s) CHECK(back.time[s] == static_cast<double>(s));  // start of each day
    for (std::size_t r = 0; r < N; ++r)
        for (std::size_t s = 0; s < S; ++s) {
            CHECK(back.flow[r * S + s] == static_cast<double>(res.reach_flow_m3s[s * N + r]));
            for (int c = 0; c < kNumConstituents; ++c)
                CHECK(back.conc[c][r * S + s] == static_cast<double>(res.reach_conc_mgL[(s * N + r) * kNumConstituents + c]));
        }

    // Read back by ncdump: 9 significant digits print every float so that it reads back as the same float.
    const std::string header = test::checked_output("ncdump -h " + path);
    CHECK(header.find(":featureType = \"timeSeries\"") != std::string::npos);
    CHECK(header.find("reach_id:cf_role = \"timeseries_id\"") != std::string::npos);
    CHECK(header.find("cod:long_name_zh = \"化学需氧量") != std::string::npos);
    CHECK(header.find("flow:units = \"m3 s-1\"") != std::string::npos);
    std::string vars = "flow";
    for (const Constituent c : kConstituents) vars += "," + std::string(key(c));
    const std::string dump = test::checked_output("ncdump -p 9,17 -v " + vars + " " + path);
    const auto flow = test::ncdump_values(dump, "flow");
    REQUIRE(flow.size() == N * S);
    for (std::size_t r = 0; r < N; ++r)
        for (std::size_t s = 0; s < S; ++s) CHECK(static_cast<float>(flow[r * S + s]) == res.reach_flow_m3s[s * N + r]);
    for (const Constituent c : kConstituents) {
        const auto v = test::ncdump_values(dump, std::string(key(c)));
        REQUIRE(v.size() == N * S);
        for (std::size_t r = 0; r < N; ++r)
            for (std::size_t s = 0; s < S; ++s)
                CHECK(static_cast<float>(v[r * S + s]) == res.reach_conc_mgL[(s * N + r) * kNumConstituents + idx(c)]);
    }

    // The section file: doubles and classes as given, time at the end of each day (a sample of the cell).
    const std::string spath = (dir / "sections.nc").string();
    io::SeriesStations ss;
    ss.kind = io::SeriesKind::Sections;
    ss.ids = {"X1"};
    ss.names = {"出境断面"};
    ss.names_en = {"Outflow"};
    ss.target_class = {3};
    io::SeriesFileSpec sspec = spec;
    sspec.double_precision = true;
    {
        io::SeriesWriter sw(spath, ss, sspec);
        std::vector<double> q(S), c(S * kNumConstituents);
        std::vector<std::int8_t> cls(S);
        for (std::size_t s = 0; s < S; ++s) {
            q[s] = res.obs_flow_m3s[s];
            for (int k = 0; k < kNumConstituents; ++k) c[k * S + s] = res.conc(s, 0, k);
            cls[s] = static_cast<std::int8_t>(1 + s % 6);
        }
        sw.put(0, q.data(), c.data());
        sw.put_class(0, cls.data());
        sw.close();
    }
    const io::SeriesFile sb = io::read_series(spath);
    REQUIRE(sb.steps == S);
    CHECK(sb.lon.empty());  // no coordinates given: no lon/lat variables
    for (std::size_t s = 0; s < S; ++s) {
        CHECK(sb.time[s] == static_cast<double>(s + 1));
        CHECK(sb.flow[s] == res.obs_flow_m3s[s]);
        for (int k = 0; k < kNumConstituents; ++k) CHECK(sb.conc[k][s] == res.conc(s, 0, k));
        CHECK(sb.cls[s] == static_cast<int>(1 + s % 6));
    }
}

TEST_CASE("dynamic command: NetCDF series equal its CSV tables and are stored with their digest", "[dynamic][netcdf][cli]") {
    const test::fs::path dir = test::source_dir() / "tests/data/dynamic-mini";
    const test::fs::path out = test::temp_dir("dyn-netcdf");
    std::string log;
    REQUIRE(test::run_cli("--store " + (out / "s.sqlite").string() + " dynamic " + dir.string() + " --out " + (out / "res").string(), &log) ==
            0);
    // CSV rows (scenario, id, date) -> values; the CSV prints 6 significant digits, so each value agrees with the
    // file to 5e-6 relative (half a unit in the 6th digit), or 1e-12 absolute near zero.
    auto csv = test::read_csv_rows(out / "res" / "daily_reaches.csv");
    REQUIRE(csv.size() > 1);
    std::map<std::string, std::vector<const std::vector<std::string>*>> by_scenario;
    for (std::size_t i = 1; i < csv.size(); ++i) by_scenario[csv[i][0]].push_back(&csv[i]);
    REQUIRE(by_scenario.count("baseline"));
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((out / "s.sqlite").string().c_str(), &db) == SQLITE_OK);
    for (const auto& [scenario, rows] : by_scenario) {
        INFO("scenario " << scenario);
        const test::fs::path nc = out / "res" / ("daily_reaches_" + scenario + ".nc");
        REQUIRE(test::fs::exists(nc));
        const io::SeriesFile f = io::read_series(nc.string());
        std::map<std::string, std::size_t> station;
        for (std::size_t i = 0; i < f.ids.size(); ++i) station[f.ids[i]] = i;
        REQUIRE(rows.size() == f.ids.size() * f.steps);
        std::map<std::string, std::size_t> day_of_reach;
        for (const auto* row : rows) {
            const std::size_t i = station.at((*row)[1]);
            const std::size_t s = day_of_reach[(*row)[1]]++;  // rows of a reach in date order
            auto near = [](double file, const std::string& text) {
                const double v = std::stod(text);
                return std::abs(file - v) <= std::max(5e-6 * std::abs(v), 1e-12);
            };
            CHECK(near(f.flow[i * f.steps + s], (*row)[3]));
            for (int c = 0; c < kNumConstituents; ++c) CHECK(near(f.conc[c][i * f.steps + s], (*row)[4 + c]));
        }
        // the run store names both files with their SHA-256, which is the file's
        for (const std::string kind : {"reaches", "sections"}) {
            const test::fs::path p = out / "res" / ("daily_" + kind + "_" + scenario + ".nc");
            sqlite3_stmt* q = nullptr;
            REQUIRE(sqlite3_prepare_v2(db, "SELECT path, sha256, bytes FROM dynamic_files WHERE scenario = ? AND kind = ?", -1, &q, nullptr) ==
                    SQLITE_OK);
            sqlite3_bind_text(q, 1, scenario.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(q, 2, kind.c_str(), -1, SQLITE_TRANSIENT);
            REQUIRE(sqlite3_step(q) == SQLITE_ROW);
            CHECK(test::fs::path(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) == test::fs::absolute(p));
            CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 1))) == io::sha256_file(p.string()));
            CHECK(static_cast<std::uintmax_t>(sqlite3_column_int64(q, 2)) == test::fs::file_size(p));
            sqlite3_finalize(q);
        }
    }
    sqlite3_close(db);
    // the section file holds the daily classes of daily_sections.csv
    auto sec = test::read_csv_rows(out / "res" / "daily_sections.csv");
    const io::SeriesFile sf = io::read_series((out / "res" / "daily_sections_baseline.nc").string());
    std::map<std::string, std::size_t> station, day;
    for (std::size_t i = 0; i < sf.ids.size(); ++i) station[sf.ids[i]] = i;
    std::size_t compared = 0;
    const auto& head = sec[0];
    const std::size_t cls_col = test::column(head, "class");
    for (std::size_t r = 1; r < sec.size(); ++r) {
        if (sec[r][0] != "baseline") continue;
        const std::size_t i = station.at(sec[r][1]);
        const std::size_t s = day[sec[r][1]]++;
        const std::string roman[] = {"", "I", "II", "III", "IV", "V", "劣V"};
        CHECK(roman[sf.cls[i * sf.steps + s]] == sec[r][cls_col]);
        ++compared;
    }
    CHECK(compared == sf.ids.size() * sf.steps);

    // --daily-csv no: the NetCDF files and the summaries only
    const test::fs::path out2 = test::temp_dir("dyn-netcdf-nocsv");
    REQUIRE(test::run_cli("--quiet --store " + (out2 / "s.sqlite").string() + " dynamic " + dir.string() + " --scenario baseline --daily-csv no --out " +
                          (out2 / "res").string()) == 0);
    CHECK_FALSE(test::fs::exists(out2 / "res" / "daily_reaches.csv"));
    CHECK_FALSE(test::fs::exists(out2 / "res" / "daily_sections.csv"));
    CHECK(test::fs::exists(out2 / "res" / "compliance.csv"));
    CHECK(io::sha256_file((out2 / "res" / "daily_reaches_baseline.nc").string()) ==
          io::sha256_file((out / "res" / "daily_reaches_baseline.nc").string()));  // the same run writes the same bytes
}
