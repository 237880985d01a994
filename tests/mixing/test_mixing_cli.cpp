// `qingliu mixing` as a person runs it: the table, mixing.csv, mixing.gpkg (opened with GDAL) and the report section;
// bad tables named by file, record and field, nothing written.
#include <catch2/catch.hpp>

#include <cmath>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "../io/helpers.hpp"
#include "common/csv_text.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {
int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
}
}  // namespace

TEST_CASE("qingliu mixing writes the table, the GeoPackage and the report section", "[mixing][cli]") {
    const fs::path work = temp_dir("mixing-cli");
    const fs::path out = work / "out";
    std::string log;
    const int rc = run_cli("mixing " + (source_dir() / "tests/data/mixing").string() + " --out " + out.string(), &log);
    INFO(log);
    REQUIRE(rc == 0);
    // three point sources x three parameters
    const std::string csv = read_file(out / "mixing.csv");
    const auto rows = parse_csv_text(csv);
    REQUIRE(rows.size() == 1 + 9);
    const auto& head = rows[0];
    auto col = [&](const std::string& n) {
        for (std::size_t i = 0; i < head.size(); ++i)
            if (head[i] == n) return i;
        FAIL("no column " << n);
        return std::size_t{0};
    };
    int p2_rows = 0, reached_w1 = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& x = rows[r];
        if (x[col("outfall_id")] == "P2") {
            ++p2_rows;
            CHECK(x[col("width_m")] == "25");  // from the mixing table
            CHECK(x[col("width_from")] == "given");
            CHECK(x[col("bank")] == "right");
            CHECK(x[col("target_class")] == "III");  // S03 below
            if (x[col("reaches")].find("intake W1") != std::string::npos) ++reached_w1;
            CHECK(x[col("reaches")].find("W2") == std::string::npos);  // across the river
        }
        if (x[col("outfall_id")] == "P1") CHECK(x[col("discharge")] == "mid");  // the reach row for A2
        if (x[col("outfall_id")] == "P3") CHECK(x[col("width_from")] == "continuity");  // B1 has a depth: hg_c, hg_d
        CHECK(x[col("reaches")].find("R1") == std::string::npos);  // on another reach
    }
    CHECK(p2_rows == 3);
    CHECK(reached_w1 >= 1);  // NH3-N (5 mg/L against 1.0) reaches the intake 50 m below on its bank
    // the GeoPackage: outfalls, zones, grid
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx((out / "mixing.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    REQUIRE(ds);
    REQUIRE(ds->GetLayerByName("mixing_outfalls"));
    CHECK(ds->GetLayerByName("mixing_outfalls")->GetFeatureCount() == 3);
    REQUIRE(ds->GetLayerByName("mixing_zones"));
    CHECK(ds->GetLayerByName("mixing_zones")->GetFeatureCount() >= 3);
    REQUIRE(ds->GetLayerByName("mixing_grid"));
    CHECK(ds->GetLayerByName("mixing_grid")->GetFeatureCount() == 3 * 120 * 24);
    // every zone polygon is valid and lies in the schematic frame near its reach (km)
    OGRLayer* z = ds->GetLayerByName("mixing_zones");
    z->ResetReading();
    while (OGRFeature* f = z->GetNextFeature()) {
        std::unique_ptr<OGRFeature> own(f);
        REQUIRE(f->GetGeometryRef());
        CHECK(f->GetGeometryRef()->IsValid());
        CHECK(f->GetFieldAsDouble("length_m") > 0.0);
    }
    // the report: the mixing section with one plume per outfall
    const std::string html = read_file(out / "report.html");
    CHECK(html.find("id=\"mixing\"") != std::string::npos);
    CHECK(count(html, "class=\"chart plume\"") == 3);
    CHECK(html.find("甲河水厂取水口") != std::string::npos);
}

TEST_CASE("qingliu mixing: bad tables and ids are reported with file, record and field; nothing written", "[mixing][cli]") {
    const fs::path c = temp_dir("mixing-bad");
    const fs::path mini = source_dir() / "tests/data/mini";
    std::string toml = read_file(source_dir() / "tests/data/mixing/case.toml");
    for (const char* t : {"reaches.csv", "sources.csv", "sections.csv", "scenarios.toml"})
        toml.replace(toml.find(std::string("../mini/") + t), 8 + std::string(t).size(), (mini / t).string());
    write_file(c / "case.toml", toml);
    write_file(c / "mixing.csv", "outfall_id,reach_id,discharge,bank,width_m,reach_type\nGHOST,,sideways,left,-3,canal\n");
    write_file(c / "protected_points.csv", "point_id,name,kind,reach_id,position_km\nW1,x,well,ZZ,1\n");
    const fs::path out = c / "out";
    std::string log;
    CHECK(run_cli("mixing " + c.string() + " --out " + out.string(), &log) == 1);
    INFO(log);
    for (const char* what : {"GHOST", "sideways", "width_m", "canal", "well", "ZZ", "row 2"}) CHECK(log.find(what) != std::string::npos);
    CHECK_FALSE(fs::exists(out / "mixing.csv"));
    CHECK(run_cli("mixing " + (source_dir() / "tests/data/mixing").string() + " --outfall NOPE", &log) == 1);
    CHECK(log.find("NOPE") != std::string::npos);
}
