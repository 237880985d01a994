// Points without reach_id are snapped to the nearest reach line (GeoPackage input).
#include <catch2/catch.hpp>

#include <regex>

#include <ogrsf_frmts.h>

#include "common/error.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "io/snap.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// Writes a GeoPackage with a reaches layer (lines) and a sections layer (points without reach_id).
void make_gpkg(const fs::path& file, int epsg, const std::vector<std::vector<std::pair<double, double>>>& lines,
               const std::vector<std::pair<double, double>>& points) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDataset* ds = drv->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* r = ds->CreateLayer("reaches", &srs, wkbLineString, nullptr);
    for (const char* f : {"reach_id", "river", "downstream_id"}) {
        OGRFieldDefn d(f, OFTString);
        r->CreateField(&d);
    }
    for (const char* f : {"length_km", "velocity_ms", "headwater_flow_m3s"}) {
        OGRFieldDefn d(f, OFTReal);
        r->CreateField(&d);
    }
    const char* ids[] = {"U", "D"};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        OGRFeature* f = OGRFeature::CreateFeature(r->GetLayerDefn());
        f->SetField("reach_id", ids[i]);
        f->SetField("river", "岷江");
        if (i == 0) f->SetField("downstream_id", "D");
        f->SetField("length_km", 10.0);
        f->SetField("velocity_ms", 0.5);
        if (i == 0) f->SetField("headwater_flow_m3s", 100.0);
        OGRLineString ls;
        for (auto [x, y] : lines[i]) ls.addPoint(x, y);
        f->SetGeometry(&ls);
        REQUIRE(r->CreateFeature(f) == OGRERR_NONE);
        OGRFeature::DestroyFeature(f);
    }
    OGRLayer* s = ds->CreateLayer("sections", &srs, wkbPoint, nullptr);
    for (const char* f : {"section_id", "name", "river", "level", "target_class"}) {
        OGRFieldDefn d(f, OFTString);
        s->CreateField(&d);
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        OGRFeature* f = OGRFeature::CreateFeature(s->GetLayerDefn());
        f->SetField("section_id", ("S" + std::to_string(i)).c_str());
        f->SetField("name", "断面");
        f->SetField("river", "岷江");
        f->SetField("level", "省控");
        f->SetField("target_class", "Ⅲ");
        OGRPoint p(points[i].first, points[i].second);
        f->SetGeometry(&p);
        REQUIRE(s->CreateFeature(f) == OGRERR_NONE);
        OGRFeature::DestroyFeature(f);
    }
    GDALClose(ds);
}

void write_case(const fs::path& dir) {
    write_file(dir / "case.toml", R"([tables]
reaches = { path = "net.gpkg", layer = "reaches" }
sections = { path = "net.gpkg", layer = "sections" }
[background]
headwater = { cod_mgL = 10.0, nh3n_mgL = 0.5, tp_mgL = 0.1 }
[options]
snap_max_m = 500
)");
}

}  // namespace

TEST_CASE("projected coordinates: position along the line scaled to length_km", "[io][snap]") {
    const fs::path dir = temp_dir("snap-utm");
    // U runs west->east 0..8000 m (length_km = 10 in the table: positions scale by 10/8),
    // D is digitised the wrong way (east->west) and is re-oriented by connectivity.
    make_gpkg(dir / "net.gpkg", 32648, {{{500000, 3300000}, {504000, 3300000}, {508000, 3300000}}, {{516000, 3300000}, {508000, 3300000}}},
              {{502000, 3300120}, {510000, 3299900}, {508000, 3309000}});
    write_case(dir);
    {
        const InputError e = test::rejection(dir, "third point is 9 km away and should be refused");
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].field == "geometry");
        CHECK_THAT(e.problems()[0].message, Catch::Contains("no reach within"));
    }
    make_gpkg(dir / "net2.gpkg", 32648, {{{500000, 3300000}, {504000, 3300000}, {508000, 3300000}}, {{516000, 3300000}, {508000, 3300000}}},
              {{502000, 3300120}, {510000, 3299900}});
    std::string t = read_file(dir / "case.toml");
    write_file(dir / "case.toml", std::regex_replace(t, std::regex("net\\.gpkg"), "net2.gpkg"));
    const auto lc = io::load_case(dir.string());
    REQUIRE(lc.model.sections.size() == 2);
    CHECK(lc.model.net.topo.id(lc.model.sections[0].reach) == "U");
    CHECK(lc.model.sections[0].position_m == Approx(2000.0 * 10.0 / 8.0).epsilon(1e-9));
    CHECK(lc.model.net.topo.id(lc.model.sections[1].reach) == "D");
    CHECK(lc.model.sections[1].position_m == Approx(2000.0 * 10.0 / 8.0).epsilon(1e-9));
}

TEST_CASE("geographic coordinates are snapped in a local metric frame", "[io][snap]") {
    const fs::path dir = temp_dir("snap-geo");
    // Along the parallel 29.5N near Leshan: 0.1 degree of longitude is ~9.68 km there.
    make_gpkg(dir / "net.gpkg", 4326, {{{103.70, 29.50}, {103.80, 29.50}}, {{103.80, 29.50}, {103.90, 29.50}}},
              {{103.725, 29.501}});
    write_case(dir);
    const auto lc = io::load_case(dir.string());
    REQUIRE(lc.model.sections.size() == 1);
    CHECK(lc.model.net.topo.id(lc.model.sections[0].reach) == "U");
    // a quarter of the way along the line: 2.5 km of the 10 km given in the table (1e-6: projection rounding)
    CHECK(lc.model.sections[0].position_m == Approx(2500.0).epsilon(1e-6));
}

TEST_CASE("snap_to_lines picks the nearest segment", "[io][snap]") {
    std::vector<std::vector<io::XY>> lines = {{{0, 0}, {10, 0}}, {{0, 5}, {10, 5}}};
    auto s = io::snap_to_lines(lines, {3, 4});
    CHECK(s.line == 1);
    CHECK(s.along == Approx(3.0));
    CHECK(s.distance == Approx(1.0));
    CHECK(io::polyline_length({{0, 0}, {3, 4}, {3, 10}}) == Approx(11.0));
}
