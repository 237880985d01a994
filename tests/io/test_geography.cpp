// Shipped cases on real coordinates and observed statuses: reach line lengths against an independent great-circle
// computation, every vertex cited or labelled, observation tables readable, and `qingliu validate` against a hand
// count.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

using LonLat = std::pair<double, double>;

// Great-circle distance (haversine) on the sphere of mean radius 6371.0088 km (IUGG), in metres.
double haversine_m(LonLat a, LonLat b) {
    constexpr double kR = 6371008.8, kDeg = M_PI / 180.0;
    const double dphi = (b.second - a.second) * kDeg, dlam = (b.first - a.first) * kDeg;
    const double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
                     std::cos(a.second * kDeg) * std::cos(b.second * kDeg) * std::sin(dlam / 2) * std::sin(dlam / 2);
    return 2.0 * kR * std::asin(std::sqrt(h));
}

// "LINESTRING (x y, x y, ...)" -> vertices
std::vector<LonLat> parse_linestring(const std::string& wkt) {
    std::vector<LonLat> v;
    const auto a = wkt.find('('), b = wkt.rfind(')');
    if (a == std::string::npos || b == std::string::npos) return v;
    std::string body = wkt.substr(a + 1, b - a - 1) + ",";
    std::string cur;
    for (char ch : body) {
        if (ch != ',') {
            cur += ch;
            continue;
        }
        double x = 0, y = 0;
        if (std::sscanf(cur.c_str(), "%lf %lf", &x, &y) == 2) v.push_back({x, y});
        cur.clear();
    }
    return v;
}

std::vector<fs::path> cases_with(const std::string& file) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(source_dir() / "data/cases"))
        if (fs::exists(e.path() / "case.toml") && fs::exists(e.path() / file)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("shipped cases: reach lines are longitude/latitude, lengths agree with a great-circle computation",
          "[geography]") {
    const auto cases = cases_with("points.csv");
    REQUIRE(cases.size() >= 4);  // leshan, ledu, shizhong, yibin
    for (const auto& dir : cases) {
        INFO(dir.filename().string());
        const auto lc = io::load_case(dir.string());
        const auto rows = parse_csv_text(read_file(dir / "reaches.csv"));
        REQUIRE(rows.size() >= 2);
        const std::size_t iw = column(rows[0], "wkt"), iid = column(rows[0], "reach_id");
        REQUIRE(lc.reach_line_length_m.size() == rows.size() - 1);
        // every vertex is a point of points.csv, and every point names its source
        const auto pts = parse_csv_text(read_file(dir / "points.csv"));
        const std::size_t ilon = column(pts[0], "lon"), ilat = column(pts[0], "lat"), isrc = column(pts[0], "source");
        std::set<LonLat> known;
        for (std::size_t r = 1; r < pts.size(); ++r) {
            CHECK_FALSE(pts[r][isrc].empty());
            known.insert({std::stod(pts[r][ilon]), std::stod(pts[r][ilat])});
        }
        for (std::size_t r = 1; r < rows.size(); ++r) {
            INFO(rows[r][iid]);
            const auto line = parse_linestring(rows[r][iw]);
            REQUIRE(line.size() >= 2);
            double geodesic = 0.0;
            for (std::size_t k = 1; k < line.size(); ++k) geodesic += haversine_m(line[k - 1], line[k]);
            for (const auto& v : line) CHECK(known.count(v) == 1);
            // the reader's local equirectangular projection against the great circle: the networks span < 70 km,
            // where the two differ by well under 0.5 % (tolerance 0.5 %)
            CHECK(lc.reach_line_length_m[r - 1] == Approx(geodesic).epsilon(0.005));
        }
    }
}

TEST_CASE("shipped cases: points cited as vertices of the GSHHG extract are its vertices; derived points lie on it",
          "[geography]") {
    // every [lon, lat] pair of tests/data/network/gshhg_wdbii_rivers.geojson, kept per feature as a polyline
    const std::string gj = read_file(source_dir() / "tests/data/network/gshhg_wdbii_rivers.geojson");
    std::vector<std::vector<LonLat>> lines;
    for (std::size_t at = gj.find("\"coordinates\""); at != std::string::npos; at = gj.find("\"coordinates\"", at + 1)) {
        const std::size_t end = gj.find("]]", at);
        REQUIRE(end != std::string::npos);
        std::vector<LonLat> l;
        for (std::size_t p = gj.find('[', gj.find('[', at) + 1); p != std::string::npos && p < end; p = gj.find('[', p + 1)) {
            double x = 0, y = 0;
            if (std::sscanf(gj.c_str() + p, "[%lf, %lf]", &x, &y) == 2) l.push_back({x, y});
        }
        lines.push_back(l);
    }
    REQUIRE(lines.size() == 4);  // the README's table: Dadu–Min, Min above Leshan, Qingyi, Huangshui
    std::set<LonLat> vertices;
    for (const auto& l : lines) vertices.insert(l.begin(), l.end());
    // distance (m) from p to the nearest segment of any line, in a local equirectangular plane (under 1 m of error
    // over the few hundred metres of a segment)
    auto distance_to_lines_m = [&](LonLat p) {
        constexpr double kDeg = M_PI / 180.0, kR = 6371008.8;
        const double kx = kR * kDeg * std::cos(p.second * kDeg), ky = kR * kDeg;
        double best = 1e300;
        for (const auto& l : lines)
            for (std::size_t i = 1; i < l.size(); ++i) {
                const double ax = (l[i - 1].first - p.first) * kx, ay = (l[i - 1].second - p.second) * ky;
                const double bx = (l[i].first - p.first) * kx, by = (l[i].second - p.second) * ky;
                const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
                const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
                best = std::min(best, std::hypot(ax + t * dx, ay + t * dy));
            }
        return best;
    };
    std::size_t checked_vertices = 0, checked_derived = 0;
    for (const auto& dir : cases_with("points.csv")) {
        INFO(dir.filename().string());
        const auto pts = parse_csv_text(read_file(dir / "points.csv"));
        const std::size_t iid = column(pts[0], "point_id"), ilon = column(pts[0], "lon"), ilat = column(pts[0], "lat"),
                          ikind = column(pts[0], "kind"), isrc = column(pts[0], "source");
        for (std::size_t r = 1; r < pts.size(); ++r) {
            if (pts[r][isrc].find("gshhg_wdbii_rivers.geojson") == std::string::npos) continue;
            INFO(pts[r][iid]);
            const LonLat p{std::stod(pts[r][ilon]), std::stod(pts[r][ilat])};
            if (pts[r][ikind] == "line vertex") {
                CHECK(vertices.count(p) == 1);  // the same 6-decimal numbers as the extract
                ++checked_vertices;
            } else if (pts[r][isrc].find("line of") != std::string::npos) {
                // junctions, projections, boundary crossings and points placed along the line (cited or ESTIMATE):
                // on it, to rounding at 6 decimals (0.1 m) and the planar approximation (tolerance 1 m)
                CHECK(distance_to_lines_m(p) < 1.0);
                ++checked_derived;
            }
        }
    }
    CHECK(checked_vertices > 250);  // leshan, shizhong and ledu draw several hundred vertices from the extract
    CHECK(checked_derived >= 15);  // 8 in leshan, 5 in shizhong, 6 in ledu
}

TEST_CASE("shipped cases: points cited in degrees and minutes carry those coordinates; ESTIMATE points as stated",
          "[geography]") {
    // "北纬D°M′" and "东经D°M′" in a point's source: the point's lat and lon are D + M/60, written to 6 decimals
    // (tolerance 1e-6 degrees: rounding at the sixth decimal, about 0.1 m)
    auto degrees_after = [](const std::string& s, const std::string& key, double& out) {
        const auto at = s.find(key);
        if (at == std::string::npos) return false;
        int d = 0, m = 0;
        if (std::sscanf(s.c_str() + at + key.size(), "%d°%d", &d, &m) != 2) return false;
        out = d + m / 60.0;
        return true;
    };
    // "D°M′S″N D°M′S″E" (as Wikipedia writes positions) in a point's source: lat and lon are D + M/60 + S/3600, to 6
    // decimals (same tolerance); the digits before the first ° are taken back to the preceding non-digit
    auto dms_pair = [](const std::string& s, double& lat, double& lon) {
        const std::string deg = "°";
        for (std::size_t at = s.find(deg); at != std::string::npos; at = s.find(deg, at + 1)) {
            std::size_t b = at;
            while (b > 0 && std::isdigit(static_cast<unsigned char>(s[b - 1]))) --b;
            double v[6];
            const int n = std::sscanf(s.c_str() + b, "%lf°%lf′%lf″N %lf°%lf′%lf″E", &v[0], &v[1], &v[2], &v[3], &v[4],
                                      &v[5]);
            if (n != 6 || b == at) continue;
            lat = v[0] + v[1] / 60.0 + v[2] / 3600.0;
            lon = v[3] + v[4] / 60.0 + v[5] / 3600.0;
            return true;
        }
        return false;
    };
    // the number of ESTIMATE points each case's README states for its geometry
    const std::map<std::string, std::size_t> stated{{"leshan", 4}, {"ledu", 5}, {"shizhong", 9}, {"yibin", 3}};
    std::size_t checked_dm = 0;
    for (const auto& dir : cases_with("points.csv")) {
        const std::string name = dir.filename().string();
        INFO(name);
        const auto pts = parse_csv_text(read_file(dir / "points.csv"));
        const std::size_t iid = column(pts[0], "point_id"), ilon = column(pts[0], "lon"), ilat = column(pts[0], "lat"),
                          isrc = column(pts[0], "source");
        std::size_t estimates = 0;
        for (std::size_t r = 1; r < pts.size(); ++r) {
            INFO(pts[r][iid]);
            const std::string& src = pts[r][isrc];
            if (src.find("ESTIMATE") != std::string::npos) ++estimates;
            double lat = 0, lon = 0;
            if ((degrees_after(src, "北纬", lat) && degrees_after(src, "东经", lon)) || dms_pair(src, lat, lon)) {
                CHECK(std::stod(pts[r][ilat]) == Approx(lat).margin(1e-6).epsilon(0));
                CHECK(std::stod(pts[r][ilon]) == Approx(lon).margin(1e-6).epsilon(0));
                ++checked_dm;
            }
        }
        if (stated.count(name)) CHECK(estimates == stated.at(name));
    }
    CHECK(checked_dm >= 3);  // yibin N01, the Longmen Grottoes; ledu L01 and L02, the Liuwan site and museum
}

TEST_CASE("ledu: Gaomiao is placed from the cited Liuwan site as its source states, and N04 is its projection on the line",
          "[geography]") {
    // G01 (高庙镇) "2.0 km due west of the Liuwan site L01"; N04 "the 高庙镇 town G01 projected onto the Huangshui line":
    // recomputed here from L01 (cited) and the GSHHG extract, independently of how the case file was made
    const auto pts = parse_csv_text(read_file(source_dir() / "data/cases/ledu/points.csv"));
    const std::size_t iid = column(pts[0], "point_id"), ilon = column(pts[0], "lon"), ilat = column(pts[0], "lat");
    std::map<std::string, LonLat> at;
    for (std::size_t r = 1; r < pts.size(); ++r) at[pts[r][iid]] = {std::stod(pts[r][ilon]), std::stod(pts[r][ilat])};
    REQUIRE(at.count("L01") == 1);
    REQUIRE(at.count("G01") == 1);
    REQUIRE(at.count("N04") == 1);
    const LonLat l01 = at["L01"], g01 = at["G01"], n04 = at["N04"];
    // 2.0 km on the great circle (tolerance 5 m: the file's local plane against the sphere, and 6-decimal rounding)
    CHECK(haversine_m(l01, g01) == Approx(2000.0).margin(5.0));
    // due west: same latitude (tolerance 1e-6 degrees, rounding) and smaller longitude
    CHECK(g01.second == Approx(l01.second).margin(1e-6).epsilon(0));
    CHECK(g01.first < l01.first);
    // N04 is the point of the Huangshui line nearest to G01: brute force over every segment of the extract's ledu line
    const std::string gj = read_file(source_dir() / "tests/data/network/gshhg_wdbii_rivers.geojson");
    const std::size_t f = gj.find("\"name\": \"湟水\"");
    REQUIRE(f != std::string::npos);
    const std::size_t c = gj.find("\"coordinates\"", f), end = gj.find("]]", c);
    std::vector<LonLat> line;
    for (std::size_t p = gj.find('[', gj.find('[', c) + 1); p != std::string::npos && p < end; p = gj.find('[', p + 1)) {
        double x = 0, y = 0;
        if (std::sscanf(gj.c_str() + p, "[%lf, %lf]", &x, &y) == 2) line.push_back({x, y});
    }
    REQUIRE(line.size() > 100);
    double best = 1e300;
    LonLat nearest{};
    constexpr double kDeg = M_PI / 180.0, kR = 6371008.8;
    const double kx = kR * kDeg * std::cos(g01.second * kDeg), ky = kR * kDeg;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double ax = (line[i - 1].first - g01.first) * kx, ay = (line[i - 1].second - g01.second) * ky;
        const double dx = (line[i].first - line[i - 1].first) * kx, dy = (line[i].second - line[i - 1].second) * ky;
        const double len2 = dx * dx + dy * dy;
        const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
        const double d = std::hypot(ax + t * dx, ay + t * dy);
        if (d < best) {
            best = d;
            nearest = {line[i - 1].first + t * (line[i].first - line[i - 1].first),
                       line[i - 1].second + t * (line[i].second - line[i - 1].second)};
        }
    }
    // tolerance 1 m: 6-decimal rounding (0.1 m) and the local plane over 4 km (well under 1 m)
    CHECK(haversine_m(n04, nearest) < 1.0);
    // the source's "3.6 km south of G01"
    CHECK(haversine_m(n04, g01) == Approx(3600.0).margin(50.0));  // stated to 0.1 km: tolerance 50 m
}

TEST_CASE("shipped cases: observed statuses are read with a source on every row", "[geography][validate]") {
    const auto cases = cases_with("observations.csv");
    REQUIRE(cases.size() >= 3);
    for (const auto& dir : cases) {
        INFO(dir.filename().string());
        const auto lc = io::load_case(dir.string());
        const auto t = io::read_observed_statuses(lc);
        REQUIRE_FALSE(t.rows.empty());
        for (const auto& o : t.rows) {
            CHECK_FALSE(o.source.empty());
            CHECK((o.observed_class > 0 || !o.statement.empty() || o.has[0] || o.has[1] || o.has[2]));
        }
    }
}

TEST_CASE("observed statuses: every bad row reported at once", "[geography][validate]") {
    const fs::path dir = copy_case(source_dir() / "tests/data/mini", "obs-bad");
    write_file(dir / "observations.csv",
               "section_id,date,observed_class,source\n"
               "S01,2020,III,bulletin\n"
               "S99,2020,III,bulletin\n"   // unknown section
               "S02,2020,VII,bulletin\n"   // bad class
               "S03,2020,II,\n");          // no source
    const auto lc = io::load_case(dir.string());
    try {
        io::read_observed_statuses(lc);
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        const std::string m = e.what();
        CHECK(m.find("row 3") != std::string::npos);
        CHECK(m.find("S99") != std::string::npos);
        CHECK(m.find("row 4") != std::string::npos);
        CHECK(m.find("VII") != std::string::npos);
        CHECK(m.find("row 5") != std::string::npos);
        CHECK(m.find("source") != std::string::npos);
    }
}

TEST_CASE("qingliu validate: agreement on the mini case against a hand count", "[geography][validate][cli]") {
    // The mini case's modelled classes are pinned by tests/golden/mini/run/sections.csv: S01 II, S02 II, S03 II.
    const auto gold = parse_csv_text(read_file(source_dir() / "tests/golden/mini/run/sections.csv"));
    REQUIRE(gold.size() == 4);
    const std::size_t icls = column(gold[0], "class");
    for (std::size_t r = 1; r < gold.size(); ++r) REQUIRE(gold[r][icls] == "II");
    const fs::path dir = copy_case(source_dir() / "tests/data/mini", "obs-cli");
    // observed II (agree), III (model better by 1), 劣V (model better by 4), I (model worse by 1), a statement only,
    // and an NH3-N value of half the modelled S01 value (0.2 mg/L in the golden file): ratio 2
    write_file(dir / "observations.csv",
               "section_id,date,observed_class,limiting,nh3n_mgL,statement,source\n"
               "S01,2020,II,,0.1,,bulletin A\n"
               "S02,2020,III,NH3-N,,,bulletin B\n"
               "S03,2019,劣V,TP,,,bulletin C\n"
               "S03,2018,I,,,,bulletin D\n"
               "S02,2017,,,,水质好转,statement E\n");
    const fs::path out = temp_dir("validate-out");
    std::string log;
    REQUIRE(run_cli("--store " + (out / "runs.sqlite").string() + " validate " + dir.string() + " --out " + out.string(), &log) == 0);
    INFO(log);
    // hand count: 4 rows with a class; agree 1 (S01); within one 3 (0, -1, +1); worse 1 (S03 I); better 2
    const auto sum = parse_csv_text(read_file(out / "validation_summary.csv"));
    std::map<std::string, std::string> kv;
    for (std::size_t r = 1; r < sum.size(); ++r) kv[sum[r][0]] = sum[r][1];
    CHECK(kv["observations"] == "5");
    CHECK(kv["with_observed_class"] == "4");
    CHECK(kv["class_agrees"] == "1");
    CHECK(kv["class_within_one"] == "3");
    CHECK(kv["model_worse"] == "1");
    CHECK(kv["model_better"] == "2");
    CHECK(kv["nh3n_values_compared"] == "1");
    double ratio = 0;
    REQUIRE(parse_double(kv["nh3n_modelled_over_observed_geomean"], ratio));
    CHECK(ratio == Approx(2.0).epsilon(1e-5));  // 0.2 / 0.1; 1e-5: six significant digits in the CSV
    const auto rows = parse_csv_text(read_file(out / "validation.csv"));
    REQUIRE(rows.size() == 6);
    const std::size_t idiff = column(rows[0], "difference"), isrc = column(rows[0], "source");
    CHECK(rows[1][idiff] == "0");
    CHECK(rows[2][idiff] == "-1");
    CHECK(rows[3][idiff] == "-4");
    CHECK(rows[4][idiff] == "1");
    CHECK(rows[5][idiff].empty());
    CHECK(rows[5][isrc] == "statement E");
    CHECK(log.find("1 of 4") != std::string::npos);
}
