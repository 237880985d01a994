// qingliu network on files: the synthetic layer with every defect written as a Shapefile (GBK attributes, with and
// without a .cpg), a GeoPackage and a GeoJSON, in a projected (UTM 48N) and a geographic CRS; the command line end to
// end (network, check, run); and a real public river line layer (Natural Earth, Dadu and Min at Leshan).
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "common/error.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "io/network_case.hpp"
#include "synthetic_lines.hpp"
#include "line_layer_file.hpp"

using namespace qingliu;
using namespace qingliu::test;
using reaches::FindingKind;

namespace {

// The synthetic frame placed on UTM zone 48N at its central meridian (105 deg E), about 29.5 deg N.
constexpr double kE0 = 500000.0, kN0 = 3260000.0;
P utm(P p) { return {p.first + kE0, p.second + kN0}; }

OGRSpatialReference epsg(int code) {
    OGRSpatialReference s;
    s.importFromEPSG(code);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

// UTM 48N -> longitude/latitude (WGS 84), by GDAL.
P lonlat(P p) {
    static OGRSpatialReference a = epsg(32648), b = epsg(4326);
    static OGRCoordinateTransformation* ct = OGRCreateCoordinateTransformation(&a, &b);
    double x = p.first, y = p.second;
    ct->Transform(1, &x, &y);
    return {x, y};
}

io::NetworkCaseOptions options(const fs::path& lines, const fs::path& out, P outlet_native) {
    io::NetworkCaseOptions o;
    o.lines.path = lines.string();
    o.lines.id_field = "编号";
    o.out_dir = out.string();
    o.network.tolerance_m = 1.0;
    o.network.outlet = outlet_native;
    return o;
}

std::size_t count(const reaches::LineNetwork& n, FindingKind k) {
    std::size_t c = 0;
    for (const auto& f : n.findings) c += f.kind == k;
    return c;
}

// Every defect of the synthetic layer found again (the counts the core test asserts feature by feature).
void require_findings(const reaches::LineNetwork& n) {
    CHECK(count(n, FindingKind::Snapped) == 1);
    CHECK(count(n, FindingKind::Junction) == 3);
    CHECK(count(n, FindingKind::Dangle) == 1);
    CHECK(count(n, FindingKind::Gap) == 1);
    CHECK(count(n, FindingKind::Crossing) == 1);
    CHECK(count(n, FindingKind::MultiPart) == 1);
    CHECK(count(n, FindingKind::Reversed) == 1);
    CHECK(count(n, FindingKind::Loop) == 2);
    CHECK(count(n, FindingKind::Disconnected) == 2);
}

double total_m(const reaches::LineNetwork& n) {
    double s = 0;
    for (const auto& r : n.reaches) s += r.length_m;
    return s;
}

}  // namespace

TEST_CASE("GBK Shapefile in UTM 48N with a .cpg: the hand-built network, river names decoded", "[network]") {
    const fs::path dir = temp_dir("net-gbk");
    const auto srs = epsg(32648);
    write_lines(dir / "水系.shp", "ESRI Shapefile", &srs, defective_layer(), utm, {"ENCODING=CP936"});
    REQUIRE(fs::exists(dir / "水系.cpg"));
    // the attribute file really holds GBK: 岷江 is E1 BA BD AD in GBK (E5 B2 B7 E6 B1 9F in UTF-8)
    const std::string dbf = read_file(dir / "水系.dbf");
    CHECK(dbf.find("\xE1\xBA\xBD\xAD") != std::string::npos);
    CHECK(dbf.find("\xE5\xB2\xB7\xE6\xB1\x9F") == std::string::npos);
    const auto r = io::build_network_case(options(dir / "水系.shp", dir / "case", utm({0, 0})));
    CHECK(r.layer.name_field == "河流名称");
    CHECK(r.layer.encoding.find(".cpg") != std::string::npos);
    // geodesic lengths of UTM coordinates: the hand lengths (planar in the UTM plane) / k0 = 0.9996, within 0.1 %
    require_hand_network(r.network, utm, 1.0, 1e-3);
    require_findings(r.network);
}

TEST_CASE("GBK Shapefile without a .cpg or language driver id: GBK detected", "[network]") {
    const fs::path dir = temp_dir("net-gbk-nocpg");
    const auto srs = epsg(32648);
    write_lines(dir / "rivers.shp", "ESRI Shapefile", &srs, defective_layer(), utm, {"ENCODING=CP936"});
    fs::remove(dir / "rivers.cpg");
    {  // clear the .dbf language driver id (byte 29), as many exports leave it
        std::fstream f(dir / "rivers.dbf", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(29);
        f.put('\0');
    }
    const auto r = io::build_network_case(options(dir / "rivers.shp", dir / "case", utm({0, 0})));
    CHECK(r.layer.encoding.find("GBK") != std::string::npos);
    CHECK(r.layer.name_field == "河流名称");  // the field name itself was GBK
    require_hand_network(r.network, utm, 1.0, 1e-3);
}

TEST_CASE("GeoJSON in longitude/latitude: geodesic lengths, the hand-built network", "[network]") {
    const fs::path dir = temp_dir("net-geo");
    const auto srs = epsg(4326);
    auto to_ll = [](P p) { return lonlat(utm(p)); };
    write_lines(dir / "rivers.geojson", "GeoJSON", &srs, defective_layer(), to_ll);
    const auto r = io::build_network_case(options(dir / "rivers.geojson", dir / "case", to_ll({0, 0})));
    CHECK(r.layer.geographic);
    // 1e-5 degree is about 1 m; lengths within 0.1 % (the UTM plane's scale is 0.9996 on its central meridian)
    require_hand_network(r.network, to_ll, 1.2e-5, 1e-3);
    require_findings(r.network);
    // ids are on a 1e-5 degree grid: a second run gives the same ids
    const auto again = io::build_network_case(options(dir / "rivers.geojson", dir / "case2", to_ll({0, 0})));
    REQUIRE(again.network.reaches.size() == r.network.reaches.size());
    for (std::size_t i = 0; i < r.network.reaches.size(); ++i) CHECK(again.network.reaches[i].id == r.network.reaches[i].id);
}

TEST_CASE("GeoPackage in UTM: geodesic over planar length is 1/k0 of the transverse Mercator", "[network]") {
    const fs::path dir = temp_dir("net-gpkg");
    const auto srs = epsg(32648);
    write_lines(dir / "rivers.gpkg", "GPKG", &srs, defective_layer(), utm);
    auto o = options(dir / "rivers.gpkg", dir / "geodesic", utm({0, 0}));
    const auto geo = io::build_network_case(o);
    o.lines.planar_lengths = true;
    o.out_dir = (dir / "planar").string();
    const auto pl = io::build_network_case(o);
    // planar lengths are the hand lengths up to the 0.27 m snap of one node (1e-4)
    require_hand_network(pl.network, utm, 1.0, 1e-4);
    // on UTM's central meridian the point scale is k0 = 0.9996 and grows as 1 + x^2/(2 R^2) (x <= 9.5 km here:
    // < 1.2e-6), so geodesic / planar = 1 / 0.9996 within 2e-6 (Snyder 1987, Map Projections, eq. 8-10)
    CHECK(total_m(geo.network) / total_m(pl.network) == Approx(1.0 / 0.9996).epsilon(2e-6));
}

TEST_CASE("geodesic length of a meridian arc equals the closed-form series", "[network]") {
    // meridian distance M(phi) on WGS 84 (Snyder 1987, eq. 3-21; terms to e^6, truncation below 1 mm per degree)
    const double a = 6378137.0, f = 1.0 / 298.257223563, e2 = f * (2 - f), e4 = e2 * e2, e6 = e4 * e2;
    auto M = [&](double deg) {
        const double p = deg * M_PI / 180.0;
        return a * ((1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * p - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * std::sin(2 * p) +
                    (15 * e4 / 256 + 45 * e6 / 1024) * std::sin(4 * p) - (35 * e6 / 3072) * std::sin(6 * p));
    };
    CHECK(io::geodesic_m(103.76, 29.0, 103.76, 30.0) == Approx(M(30.0) - M(29.0)).margin(1e-3));
    // about 111132.954 - 559.822 cos(2 phi) + 1.175 cos(4 phi) = 110844 m per degree at 29.5 N (a second check)
    CHECK(io::geodesic_m(103.76, 29.0, 103.76, 30.0) == Approx(110844.0).margin(2.0));
}

TEST_CASE("qingliu network end to end: the case checks, keeps filled values and runs", "[network]") {
    const fs::path dir = temp_dir("net-cli");
    const auto srs = epsg(32648);
    write_lines(dir / "rivers.shp", "ESRI Shapefile", &srs, defective_layer(), utm, {"ENCODING=CP936"});
    write_file(dir / "points.csv", "point_id,x,y\nS01,500005,3275000\n");
    const fs::path cs = dir / "case";
    const std::string net_args = "network " + (dir / "rivers.shp").string() + " --out " + cs.string() +
                                 " --outlet 500000,3260000 --tolerance-m 1 --id-field 编号 --split-points " +
                                 (dir / "points.csv").string() + " --headwater-flow-m3s 2.5 --velocity-ms 0.4";
    std::string out;
    REQUIRE(run_cli(net_args, &out) == 0);
    INFO(out);
    CHECK(out.find("11 reaches") != std::string::npos);
    for (const char* f : {"reaches.gpkg", "network_findings.csv", "split_points.csv", "case.toml", "sections.csv"}) CHECK(fs::exists(cs / f));
    CHECK(read_file(cs / "split_points.csv").find("S01,") != std::string::npos);
    // the side channel needs its split fraction: check names the reach and the field
    REQUIRE(run_cli("check " + cs.string(), &out) == 1);
    CHECK(out.find("split_fraction") != std::string::npos);
    // the user fills it in QGIS; a second build keeps it (same reach ids)
    {
        GDALDataset* ds = GDALDataset::Open((cs / "reaches.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
        REQUIRE(ds);
        OGRLayer* l = ds->GetLayerByName("reaches");
        REQUIRE(l);
        int filled = 0;
        for (auto& f : *l) {
            if (std::string(f->GetFieldAsString("split_to")).empty()) continue;
            f->SetField("split_fraction", 0.3);
            REQUIRE(l->SetFeature(f.get()) == OGRERR_NONE);
            ++filled;
        }
        CHECK(filled == 1);
        GDALClose(ds);
    }
    REQUIRE(run_cli(net_args, &out) == 0);
    CHECK(out.find("kept the filled-in values of 11 reaches") != std::string::npos);
    const auto lc = io::load_case(cs.string());
    REQUIRE(lc.model.net.topo.size() == 11);
    REQUIRE(run_cli("--store " + (dir / "runs.sqlite").string() + " run " + cs.string() + " --out " + (dir / "out").string(), &out) == 0);
    CHECK(fs::exists(dir / "out" / "reaches.csv"));
    // the findings layer opens beside the reaches (QGIS shows where each defect is)
    GDALDataset* ds = GDALDataset::Open((cs / "reaches.gpkg").string().c_str(), GDAL_OF_VECTOR);
    REQUIRE(ds);
    CHECK(ds->GetLayerByName("findings")->GetFeatureCount() >= 13);
    GDALClose(ds);
}

TEST_CASE("bad input: a missing name field and a polygon layer are named", "[network]") {
    const fs::path dir = temp_dir("net-bad");
    const auto srs = epsg(32648);
    write_lines(dir / "rivers.gpkg", "GPKG", &srs, defective_layer(), utm);
    auto o = options(dir / "rivers.gpkg", dir / "case", utm({0, 0}));
    o.lines.name_field = "NAME_ZH";
    try {
        io::build_network_case(o);
        FAIL("expected an error");
    } catch (const InputError& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].field == "NAME_ZH");
        CHECK(e.problems()[0].message.find("河流名称") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir / "case" / "reaches.gpkg"));  // nothing written
}

TEST_CASE("real river lines: Natural Earth Dadu and Min at Leshan, Min into the Chang Jiang at Yibin", "[network]") {
    const fs::path src = source_dir() / "tests" / "data" / "network" / "ne_10m_minjiang_dadu.geojson";
    io::NetworkCaseOptions o;
    o.lines.path = src.string();
    o.out_dir = (temp_dir("net-ne") / "case").string();
    o.network.tolerance_m = 10.0;
    o.network.outlet = P{104.9, 28.7862192};  // the Chang Jiang where the extract is clipped, east of Yibin
    const auto r = io::build_network_case(o);
    const auto& n = r.network;
    std::map<std::string, const reaches::LineReach*> by_river;
    std::map<std::string, int> per_river;
    for (const auto& x : n.reaches) by_river[x.river] = &x, ++per_river[x.river];
    // Dadu (two Natural Earth features, one reach), Min (two, one reach), Jinsha, Chang Jiang above and below Yibin
    CHECK(per_river == std::map<std::string, int>{{"Chang Jiang", 2}, {"Dadu", 1}, {"Jinsha", 1}, {"Min", 1}});
    REQUIRE(n.reaches.size() == 5);
    const auto* dadu = by_river["Dadu"];
    const auto* min = by_river["Min"];
    CHECK(dadu->features.size() == 2);
    CHECK(min->features.size() == 2);
    CHECK(dadu->downstream == min->id);
    // the Dadu joins the Min at Leshan (about 103.76 E, 29.55 N) and the Min joins the Chang Jiang at Yibin
    CHECK(distance(min->line.front(), {103.7162109, 29.5589542}) < 1e-6);
    CHECK(distance(min->line.back(), {104.5993164, 28.7843692}) < 1e-6);
    const reaches::LineReach* below = nullptr;
    for (const auto& x : n.reaches)
        if (x.id == min->downstream) below = &x;
    REQUIRE(below);
    CHECK(below->river == "Chang Jiang");
    CHECK(below->downstream.empty());
    CHECK(count(n, FindingKind::Junction) == 1);  // the Min ends on a vertex inside the Chang Jiang line
    CHECK(count(n, FindingKind::Reversed) == 0);  // Natural Earth lines are digitised downstream

    // lengths against an independent computation: the source lines projected to UTM 48N by GDAL, planar lengths
    // (point scale 0.9996 to 1.0002 over 102.5-105 E: within 0.1 %)
    GDALDataset* ds = GDALDataset::Open(src.string().c_str(), GDAL_OF_VECTOR);
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayer(0);
    auto target = epsg(32648);
    std::map<std::string, double> utm_len;
    for (auto& f : *l) {
        std::unique_ptr<OGRGeometry> g(f->GetGeometryRef()->clone());
        g->assignSpatialReference(l->GetSpatialRef());
        REQUIRE(g->transformTo(&target) == OGRERR_NONE);
        utm_len[f->GetFieldAsString("name")] += g->toLineString()->get_Length();
    }
    GDALClose(ds);
    CHECK(dadu->length_m == Approx(utm_len["Dadu"]).epsilon(1e-3));
    CHECK(min->length_m == Approx(utm_len["Min"]).epsilon(1e-3));
    double cj = 0;
    for (const auto& x : n.reaches)
        if (x.river == "Chang Jiang") cj += x.length_m;
    CHECK(cj == Approx(utm_len["Chang Jiang"]).epsilon(1e-3));
}

TEST_CASE("a second build keeps filled values by reach id and names the reaches whose lines changed", "[network]") {
    const fs::path dir = temp_dir("net-keep");
    const auto srs = epsg(32648);
    write_lines(dir / "a.gpkg", "GPKG", &srs, defective_layer(), utm);
    auto o = options(dir / "a.gpkg", dir / "case", utm({0, 0}));
    o.headwater_flow_m3s = 1.5;
    const auto first = io::build_network_case(o);
    CHECK(first.carried_over == 0);
    // T3's source moved 50 m: its reach gets a new id; the others keep theirs and their values
    auto layer = defective_layer();
    for (auto& f : layer)
        if (f.id == "5") f.parts[0].front().first -= 50.0;
    write_lines(dir / "b.gpkg", "GPKG", &srs, layer, utm);
    o.lines.path = (dir / "b.gpkg").string();
    o.headwater_flow_m3s.reset();
    const auto second = io::build_network_case(o);
    CHECK(second.carried_over == 3);  // the other headwaters: main stem, T1, T2
    std::string old_t3;
    for (const auto& r : first.network.reaches)
        if (r.river == "支沟") old_t3 = r.id;
    CHECK(second.not_carried == std::vector<std::string>{old_t3});
    Problems probs;
    const auto lc = io::read_table({(dir / "case" / "reaches.gpkg").string(), "reaches"}, probs);
    REQUIRE(probs.empty());
    int with_flow = 0;
    for (const auto& rec : lc.records) with_flow += rec.values[lc.column("headwater_flow_m3s")].has_value();
    CHECK(with_flow == 3);
}
