// The report as a person gets it: `qingliu run` then `qingliu report`, the page opened in headless Chromium, the
// GeoPackage opened with GDAL.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "../common/command_output.hpp"
#include "../io/helpers.hpp"
#include "common/csv_text.hpp"
#include "reaches/classes.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

std::string chromium() {
    for (const char* c : {"chromium", "chromium-browser", "google-chrome"})
        if (on_path(c)) return c;
    return "";
}

/// Runs the mini case into a fresh store and makes its report; returns the report folder.
fs::path mini_report(const fs::path& work, const std::string& extra = "") {
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    std::string out;
    REQUIRE(run_cli(store + "run " + (source_dir() / "tests/data/mini").string() + " --out " + (work / "run").string(), &out) == 0);
    REQUIRE(run_cli(store + "report latest --out " + (work / "report").string() + extra, &out) == 0);
    INFO(out);
    return work / "report";
}

struct DsClose {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};

}  // namespace

TEST_CASE("report: files written, unknown run refused with nothing written", "[report][cli]") {
    const fs::path work = temp_dir("repcli");
    const fs::path rep = mini_report(work);
    for (const char* f : {"report.html", "network.gpkg", "sections.csv", "reaches.csv", "profile.csv", "sources.csv",
                          "loads_by_type.csv", "apportionment.csv", "scenarios.csv"})
        CHECK(fs::exists(rep / f));
    std::string out;
    CHECK(run_cli("--store " + (work / "runs.sqlite").string() + " report 99 --out " + (work / "bad").string(), &out) == 1);
    CHECK_THAT(out, Catch::Contains("no run with this id"));
    CHECK((!fs::exists(work / "bad") || fs::is_empty(work / "bad")));
    // `runs` lists the stored run with its four scenarios (baseline + 3 in scenarios.toml)
    REQUIRE(run_cli("--store " + (work / "runs.sqlite").string() + " runs", &out) == 0);
    CHECK_THAT(out, Catch::Contains("测试小流域"));
    CHECK(std::regex_search(out, std::regex("1 +[0-9T:Z-]+ +run +测试小流域 +4 ")));
    // the report's sections.csv is the stored results: baseline rows equal the run's own sections.csv values
    const auto got = read_csv_rows(rep / "sections.csv");
    const auto run = read_csv_rows(work / "run" / "sections.csv");
    REQUIRE(got.size() == 1 + 4 * (run.size() - 1));
    CHECK(got[0] == run[0]);  // one layout of sections.csv in the run's folder and the report's
    for (std::size_t r = 1; r < run.size(); ++r)
        for (const char* c : {"cod_mgL", "nh3n_mgL", "tp_mgL"}) {
            double a = 0, b = 0;
            REQUIRE(parse_double(got[r][column(got[0], c)], a));
            REQUIRE(parse_double(run[r][column(run[0], c)], b));
            CHECK(a == Approx(b).epsilon(1e-6));  // both written with 6 significant digits
        }
}

TEST_CASE("report: the page renders in headless Chromium with its tables and charts", "[report][chromium]") {
    const std::string browser = chromium();
    if (browser.empty()) {
        WARN("SKIPPED: chromium is not installed (setup.sh installs it); the rendered page was not checked");
        return;
    }
    const fs::path work = temp_dir("repchrome");
    const fs::path rep = mini_report(work);
    const fs::path dom = work / "dom.html", png = work / "report.png";
    const std::string flags = " --headless=new --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" + (work / "profile").string();
    const std::string url = " file://" + fs::absolute(rep / "report.html").string();
    REQUIRE(std::system(("timeout 120 " + browser + flags + " --dump-dom" + url + " > " + dom.string() + " 2> /dev/null").c_str()) == 0);
    const std::string d = read_file(dom);
    // the page's script ran to the end, found every chart drawn, and caught no error
    CHECK(std::regex_search(d, std::regex("<body[^>]*data-rendered=\"ok\"")));
    CHECK(std::regex_search(d, std::regex("<body[^>]*data-errors=\"0\"")));
    // 3 sections x 4 scenarios in the section tables
    CHECK(occurrences(d, "<tr class=\"sec-row") == 12);
    // profiles: 3 rivers x 3 constituents, each with one line per scenario
    CHECK(occurrences(d, "<svg class=\"chart profile\"") == 9);
    const std::regex series_re("<path class=\"series\"[^>]* d=\"M");
    CHECK(std::distance(std::sregex_iterator(d.begin(), d.end(), series_re), std::sregex_iterator()) == 9 * 4);
    // every chart got its SVG and PNG download buttons, and the profile picker its parameter buttons (all + 3)
    CHECK(occurrences(d, "data-dl=\"svg\"") == 9 + 12 + 4);
    CHECK(occurrences(d, "data-dl=\"png\"") == 9 + 12 + 4);
    CHECK(occurrences(d, "data-param-btn=") == 4);
    CHECK(occurrences(d, "data-scen-check=") == 4);
    // apportionment: 3 sections x 4 scenarios; map: one per scenario with 6 reaches each
    CHECK(occurrences(d, "<svg class=\"chart apportion\"") == 12);
    CHECK(occurrences(d, "<svg class=\"chart map\"") == 4);
    CHECK(occurrences(d, "<path class=\"reach\"") == 24);
    CHECK(std::regex_search(d, std::regex("data-charts=\"" + std::to_string(9 + 12 + 4) + "\"")));
    // inventory rows: the three sources of the mini case
    CHECK(occurrences(d, "<tr class=\"src-row\"") == 3);
    // and a screenshot is produced (a PNG file)
    REQUIRE(std::system(("timeout 120 " + browser + flags + " --window-size=1280,2000 --screenshot=" + png.string() + url +
                         " > /dev/null 2>&1").c_str()) == 0);
    const std::string p = read_file(png);
    REQUIRE(p.size() > 1000);
    CHECK(p.substr(1, 3) == "PNG");
}

TEST_CASE("report: --lang en opens the page in English", "[report][cli]") {
    const fs::path rep = mini_report(temp_dir("repen"), " --lang en");
    const std::string h = read_file(rep / "report.html");
    CHECK(h.find("<body class=\"lang-en\"") != std::string::npos);
    CHECK(h.find("Water-quality and load-reduction report") != std::string::npos);
    CHECK(h.find("水质模拟与污染负荷削减报告") != std::string::npos);  // both languages are inside
    CHECK(h.find("<link") == std::string::npos);  // no external resources
    CHECK(h.find("<script src") == std::string::npos);
}

TEST_CASE("report: the GeoPackage opens in GDAL with reaches, sections, classes and styles", "[report][gpkg]") {
    const fs::path work = temp_dir("repgpkg");
    const fs::path rep = mini_report(work);
    GDALAllRegister();
    std::unique_ptr<GDALDataset, DsClose> ds(
        static_cast<GDALDataset*>(GDALOpenEx((rep / "network.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    REQUIRE(ds);
    OGRLayer* r = ds->GetLayerByName("reaches");
    OGRLayer* s = ds->GetLayerByName("sections");
    REQUIRE(r);
    REQUIRE(s);
    CHECK(ds->GetLayerByName("reaches_plan") != nullptr);
    CHECK(ds->GetLayerByName("sections_connection") != nullptr);
    CHECK(r->GetFeatureCount() == 6);
    CHECK(s->GetFeatureCount() == 3);
    CHECK(wkbFlatten(r->GetGeomType()) == wkbLineString);
    CHECK(wkbFlatten(s->GetGeomType()) == wkbPoint);
    // schematic: a local engineering CRS in km, not a geographic one
    REQUIRE(r->GetSpatialRef() != nullptr);
    CHECK(r->GetSpatialRef()->IsLocal());
    CHECK_FALSE(r->GetSpatialRef()->IsGeographic());
    for (const char* f : {"reach_id", "river", "flow_m3s", "cod_mgL", "nh3n_mgL", "tp_mgL", "class"})
        CHECK(r->GetLayerDefn()->GetFieldIndex(f) >= 0);
    for (const char* f : {"section_id", "name", "target_class", "cod_mgL", "class", "meets", "exceedance"})
        CHECK(s->GetLayerDefn()->GetFieldIndex(f) >= 0);
    // reach lines in the schematic are drawn at their length in km; the class is GB 3838 of the stored end values
    const auto reaches_csv = read_csv_rows(work / "run" / "reaches.csv");
    const std::size_t reach_col = column(reaches_csv[0], "reach_id"), cod_col = column(reaches_csv[0], "cod_mgL");
    const std::map<std::string, double> length_km = {{"A1", 8}, {"B1", 6}, {"A2", 5}, {"S1", 4}, {"A3", 4}, {"A4", 10}};
    r->ResetReading();
    while (OGRFeature* f = r->GetNextFeature()) {
        std::unique_ptr<OGRFeature> own(f);
        const std::string id = f->GetFieldAsString("reach_id");
        INFO("reach " << id);
        const auto* g = f->GetGeometryRef()->toLineString();
        if (id != "S1") CHECK(g->get_Length() == Approx(length_km.at(id)).margin(1e-6));  // straight lines at true length
        const double cod = f->GetFieldAsDouble("cod_mgL"), nh3n = f->GetFieldAsDouble("nh3n_mgL"), tp = f->GetFieldAsDouble("tp_mgL");
        for (std::size_t k = 1; k < reaches_csv.size(); ++k)
            if (reaches_csv[k][reach_col] == id) {
                double v = 0;
                REQUIRE(parse_double(reaches_csv[k][cod_col], v));
                CHECK(cod == Approx(v).epsilon(1e-6));  // reaches.csv carries 6 significant digits
            }
        const auto& t = reaches::ClassTable::gb3838();
        const int cls = std::max({t.classify("cod", reaches::WaterBody::River, cod), t.classify("nh3n", reaches::WaterBody::River, nh3n),
                                  t.classify("tp", reaches::WaterBody::River, tp)});
        CHECK(f->GetFieldAsInteger("class") == cls);
        if (id == "S1") CHECK(g->get_Length() > length_km.at(id));  // side channel: drawn as a bow (longer than its chord)
    }
    // sections: classes as stored by the run
    const auto sec_csv = read_csv_rows(work / "run" / "sections.csv");
    const std::size_t section_col = column(sec_csv[0], "section_id"), class_col = column(sec_csv[0], "class");
    s->ResetReading();
    int n = 0;
    while (OGRFeature* f = s->GetNextFeature()) {
        std::unique_ptr<OGRFeature> own(f);
        ++n;
        for (std::size_t k = 1; k < sec_csv.size(); ++k)
            if (sec_csv[k][section_col] == f->GetFieldAsString("section_id"))
                CHECK(reaches::class_roman(f->GetFieldAsInteger("class")) == sec_csv[k][class_col]);
    }
    CHECK(n == 3);
    // a default style for each of the 8 layers, QML categorised on class, and SLD
    OGRLayer* st = ds->GetLayerByName("layer_styles");
    REQUIRE(st);
    CHECK(st->GetFeatureCount() == 8);
    st->ResetReading();
    while (OGRFeature* f = st->GetNextFeature()) {
        std::unique_ptr<OGRFeature> own(f);
        CHECK(ds->GetLayerByName(f->GetFieldAsString("f_table_name")) != nullptr);
        CHECK_THAT(std::string(f->GetFieldAsString("styleQML")), Catch::Contains("categorizedSymbol") && Catch::Contains("attr=\"class\""));
        CHECK_THAT(std::string(f->GetFieldAsString("styleSLD")), Catch::Contains("PropertyIsEqualTo"));
        CHECK(f->GetFieldAsInteger("useAsDefault") == 1);
    }
}
