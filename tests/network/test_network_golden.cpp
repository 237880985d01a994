// Golden files of `qingliu network`: the Natural Earth extract and the synthetic defective layer (GBK Shapefile with
// split points). Every CSV the command writes, and the reaches layer of reaches.gpkg dumped as reaches.csv (attributes
// and WKT geometry), are compared with tests/golden/network-*/network/: numbers within 1e-9 relative, text exactly.
// After a deliberate change, regenerate with
//   QINGLIU_UPDATE_GOLDEN=1 ctest -R regression
// and review git diff tests/golden.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <set>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "common/csv_text.hpp"
#include "helpers.hpp"
#include "synthetic_lines.hpp"
#include "line_layer_file.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

std::string quote(const std::string& f) {
    if (f.find_first_of(",\"\n\r") == std::string::npos) return f;
    std::string q = "\"";
    for (char c : f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// The reaches layer as CSV: every attribute and the line as WKT, in reach_id order.
std::string dump_reaches(const fs::path& gpkg) {
    GDALAllRegister();
    GDALDataset* ds = GDALDataset::Open(gpkg.string().c_str(), GDAL_OF_VECTOR);
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayerByName("reaches");
    REQUIRE(l);
    OGRFeatureDefn* d = l->GetLayerDefn();
    std::string out;
    for (int i = 0; i < d->GetFieldCount(); ++i) out += std::string(i ? "," : "") + d->GetFieldDefn(i)->GetNameRef();
    out += ",wkt\n";
    for (auto& f : *l) {
        for (int i = 0; i < d->GetFieldCount(); ++i) {
            std::string v = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "";
            if (d->GetFieldDefn(i)->GetType() == OFTReal && f->IsFieldSetAndNotNull(i)) {
                char b[40];
                std::snprintf(b, sizeof b, "%.12g", f->GetFieldAsDouble(i));
                v = b;
            }
            out += (i ? "," : "") + quote(v);
        }
        char* wkt = nullptr;
        f->GetGeometryRef()->exportToWkt(&wkt);
        out += "," + quote(wkt) + "\n";
        CPLFree(wkt);
    }
    GDALClose(ds);
    return out;
}

// Numbers within 1e-9 relative (1e-6 absolute: metres and coordinates printed to 12 digits); text exactly.
void compare_csv(const std::string& got, const std::string& want, const std::string& what) {
    const auto g = parse_csv_text(strip_bom(got)), w = parse_csv_text(strip_bom(want));
    INFO(what);
    REQUIRE(g.size() == w.size());
    for (std::size_t r = 0; r < g.size(); ++r) {
        REQUIRE(g[r].size() == w[r].size());
        for (std::size_t c = 0; c < g[r].size(); ++c) {
            INFO(what << " line " << r + 1 << " column " << w[0][c] << ": got " << g[r][c] << ", want " << w[r][c]);
            double a = 0, b = 0;
            if (parse_double(g[r][c], a) && parse_double(w[r][c], b)) CHECK(std::abs(a - b) <= std::max(1e-9 * std::abs(b), 1e-6));
            else CHECK(g[r][c] == w[r][c]);
        }
    }
}

void check_goldens(const fs::path& out, const std::string& name) {
    write_file(out / "reaches.csv", dump_reaches(out / "reaches.gpkg"));
    std::set<std::string> got;
    for (const auto& e : fs::directory_iterator(out))
        if (e.path().extension() == ".csv") got.insert(e.path().filename().string());
    const fs::path gold = source_dir() / "tests/golden" / name / "network";
    if (std::getenv("QINGLIU_UPDATE_GOLDEN")) {
        fs::remove_all(gold);
        fs::create_directories(gold);
        for (const auto& f : got) write_file(gold / f, strip_bom(read_file(out / f)));
        WARN("golden files rewritten in " << gold.string());
    }
    std::set<std::string> want;
    for (const auto& e : fs::directory_iterator(gold)) want.insert(e.path().filename().string());
    CHECK(got == want);
    for (const auto& f : got)
        if (fs::exists(gold / f)) compare_csv(read_file(out / f), read_file(gold / f), name + "/" + f);
}

}  // namespace

TEST_CASE("regression: network on the Natural Earth extract", "[regression]") {
    const fs::path out = temp_dir("golden-net-ne") / "case";
    std::string log;
    REQUIRE(run_cli("--quiet network " + (source_dir() / "tests/data/network/ne_10m_minjiang_dadu.geojson").string() + " --out " +
                        out.string() + " --tolerance-m 10",
                    &log) == 0);
    check_goldens(out, "network-ne");
}

TEST_CASE("regression: network on the synthetic defective layer with split points", "[regression]") {
    const fs::path dir = temp_dir("golden-net-syn");
    // the layer in the metre frame with a local engineering CRS would lose nothing, but bureaus' layers have a CRS:
    // UTM 48N as in the layer tests
    GDALAllRegister();
    OGRSpatialReference srs;
    srs.importFromEPSG(32648);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    write_lines(dir / "rivers.geojson", "GeoJSON", &srs, defective_layer(), [](P p) { return P{p.first + 500000.0, p.second + 3260000.0}; },
                {}, true);
    write_file(dir / "points.csv", "point_id,x,y\nS01,500005,3275000\nfar,550000,3310000\n");
    const fs::path out = dir / "case";
    std::string log;
    REQUIRE(run_cli("--quiet network " + (dir / "rivers.geojson").string() + " --out " + out.string() +
                        " --outlet 500000,3259997 --id-field 编号 --split-points " + (dir / "points.csv").string() +
                        " --headwater-flow-m3s 2.5",
                    &log) == 0);
    check_goldens(out, "network-synthetic");
}
