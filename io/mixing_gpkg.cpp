#include "io/mixing_gpkg.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "common/error.hpp"
#include "reaches/classes.hpp"

namespace qingliu::io {

namespace {

namespace fs = std::filesystem;

struct DatasetCloser {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};

void check(OGRErr e, const std::string& what) {
    if (e != OGRERR_NONE) throw OutputError("GeoPackage: " + what + ": " + CPLGetLastErrorMsg());
}

OGRLayer* layer(GDALDataset* ds, const std::string& name, OGRSpatialReference* srs, OGRwkbGeometryType type,
                const std::vector<std::pair<std::string, OGRFieldType>>& fields, const std::string& description) {
    char** opts = CSLSetNameValue(nullptr, "DESCRIPTION", description.c_str());
    OGRLayer* l = ds->CreateLayer(name.c_str(), srs, type, opts);
    CSLDestroy(opts);
    if (!l) throw OutputError("GeoPackage: cannot create layer " + name + ": " + CPLGetLastErrorMsg());
    for (const auto& [n, t] : fields) {
        OGRFieldDefn f(n.c_str(), t);
        check(l->CreateField(&f), "field " + n + " of " + name);
    }
    return l;
}

void real(OGRFeature& f, const char* name, double v) {
    if (std::isfinite(v)) f.SetField(name, v);
    else f.SetFieldNull(f.GetFieldIndex(name));
}

OGRPolygon polygon(const std::vector<report::XY>& ring) {
    OGRLinearRing r;
    for (const auto& p : ring) r.addPoint(p.x, p.y);
    r.closeRings();
    OGRPolygon g;
    g.addRing(&r);
    return g;
}

/// QGIS style for mixing_grid: graduated on "ratio" (C / target-class limit), the report's colours.
std::string grid_qml() {
    struct Range {
        double lo, hi;
        const char* rgb;
        const char* label;
    };
    const Range ranges[] = {{0, 0.5, "147,197,253,255", "< 0.5"}, {0.5, 0.8, "134,239,172,255", "0.5-0.8"},
                            {0.8, 1.0, "253,224,71,255", "0.8-1 (near the limit)"}, {1.0, 1.5, "251,146,60,255", "1-1.5 (exceeds)"},
                            {1.5, 1e9, "220,38,38,255", "> 1.5"}};
    std::string r, s;
    int n = 0;
    for (const auto& x : ranges) {
        char b[64];
        std::snprintf(b, sizeof b, "%g", x.lo);
        std::string lo = b;
        std::snprintf(b, sizeof b, "%g", x.hi);
        r += "<range lower=\"" + lo + "\" upper=\"" + std::string(b) + "\" symbol=\"" + std::to_string(n) + "\" label=\"" + x.label +
             "\" render=\"true\"/>";
        s += "<symbol type=\"fill\" name=\"" + std::to_string(n) + "\" alpha=\"0.8\"><layer class=\"SimpleFill\"><Option type=\"Map\">"
             "<Option type=\"QString\" name=\"color\" value=\"" + std::string(x.rgb) + "\"/><Option type=\"QString\" name=\"outline_style\" "
             "value=\"no\"/></Option></layer></symbol>";
        ++n;
    }
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"Symbology\">"
           "<renderer-v2 type=\"graduatedSymbol\" attr=\"ratio\" graduatedMethod=\"GraduatedColor\"><ranges>" + r +
           "</ranges><symbols>" + s + "</symbols></renderer-v2></qgis>\n";
}

}  // namespace

std::string mixing_gpkg_bytes(const report::MixingSection& s, const report::MixingMap& map, const report::Layout& L) {
    std::random_device rd;
    const fs::path dir = fs::temp_directory_path() / ("qingliu-mix-" + std::to_string(rd()) + std::to_string(rd()));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw OutputError("GeoPackage: cannot create a temporary folder: " + ec.message());
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code e;
            fs::remove_all(p, e);
        }
    } cleanup{dir};
    const std::string path = (dir / "mixing.gpkg").string();
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) throw OutputError("GeoPackage: GDAL has no GPKG driver");
    {
        std::unique_ptr<GDALDataset, DatasetCloser> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError("GeoPackage: cannot create " + path + ": " + CPLGetLastErrorMsg());
        std::unique_ptr<OGRSpatialReference> srs;
        if (!L.schematic && !L.srs_wkt.empty()) {
            srs = std::make_unique<OGRSpatialReference>();
            if (srs->importFromWkt(L.srs_wkt.c_str()) != OGRERR_NONE) srs.reset();
            else srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        } else if (L.schematic) {
            srs = std::make_unique<OGRSpatialReference>();
            srs->SetLocalCS("qingliu schematic river network (km, not geographic)");
            srs->SetLinearUnits("kilometre", 1000.0);
        }
        if (ds->StartTransaction() != OGRERR_NONE) throw OutputError("GeoPackage: cannot start a transaction");
        const std::string frame = L.schematic ? "schematic layout in km (local engineering CRS), not geographic" : "case reach geometry";
        OGRLayer* lo = layer(ds.get(), "mixing_outfalls", srs.get(), wkbPoint,
                             {{"outfall_id", OFTString}, {"name", OFTString}, {"type", OFTString}, {"reach_id", OFTString},
                              {"scenario", OFTString}, {"position_km", OFTReal}, {"discharge", OFTString}, {"bank", OFTString},
                              {"distance_from_bank_m", OFTReal}, {"river_flow_m3s", OFTReal}, {"effluent_flow_m3s", OFTReal},
                              {"velocity_ms", OFTReal}, {"width_m", OFTReal}, {"depth_m", OFTReal}, {"slope", OFTReal},
                              {"alpha", OFTReal}, {"ey_m2s", OFTReal}, {"mixing_length_hj_m", OFTReal}, {"complete_mixing_m", OFTReal},
                              {"target_class", OFTString}, {"notes", OFTString}},
                             "outfalls, scenario " + s.scenario + "; " + frame);
        OGRLayer* lz = layer(ds.get(), "mixing_zones", srs.get(), wkbPolygon,
                             {{"outfall_id", OFTString}, {"parameter", OFTString}, {"scenario", OFTString}, {"limit_mgL", OFTReal},
                              {"background_mgL", OFTReal}, {"length_m", OFTReal}, {"max_width_m", OFTReal}, {"area_m2", OFTReal},
                              {"open_at_reach_end", OFTInteger}, {"background_exceeds", OFTInteger}, {"reaches", OFTString}},
                             "mixing zones (concentration above the target-class limit), scenario " + s.scenario + "; " + frame);
        OGRLayer* lg = layer(ds.get(), "mixing_grid", srs.get(), wkbPolygon,
                             {{"outfall_id", OFTString}, {"scenario", OFTString}, {"x_m", OFTReal}, {"y_m", OFTReal}, {"cod_mgL", OFTReal},
                              {"nh3n_mgL", OFTReal}, {"tp_mgL", OFTReal}, {"ratio", OFTReal}, {"exceeds", OFTInteger}},
                             "concentration grid below each outfall (cell centres x along, y across from the outfall's bank), scenario " +
                                 s.scenario + "; " + frame);
        for (std::size_t k = 0; k < s.result.outfalls.size() && k < map.outfalls.size(); ++k) {
            const auto& o = s.result.outfalls[k];
            const auto& m = map.outfalls[k];
            if (!m.placed) continue;
            std::string notes;
            for (const auto& n : o.notes) notes += (notes.empty() ? "" : "; ") + n;
            {
                OGRFeature f(lo->GetLayerDefn());
                f.SetField("outfall_id", o.source_id.c_str());
                f.SetField("name", o.name.c_str());
                f.SetField("type", o.type.c_str());
                f.SetField("reach_id", o.reach_id.c_str());
                f.SetField("scenario", s.scenario.c_str());
                real(f, "position_km", o.position_m / 1000.0);
                f.SetField("discharge", o.discharge == mixing::Discharge::Bank ? "bank" : "mid");
                f.SetField("bank", o.bank == mixing::Bank::Left ? "left" : "right");
                real(f, "distance_from_bank_m", o.source_y_m);
                real(f, "river_flow_m3s", o.river_flow_m3s);
                real(f, "effluent_flow_m3s", o.effluent_flow_m3s);
                real(f, "velocity_ms", o.channel.velocity_ms);
                real(f, "width_m", o.channel.width_m);
                real(f, "depth_m", o.channel.depth_m);
                real(f, "slope", o.channel.slope);
                real(f, "alpha", o.channel.alpha);
                real(f, "ey_m2s", o.channel.ey_m2s);
                real(f, "mixing_length_hj_m", o.mixing_length_hj_m);
                real(f, "complete_mixing_m", o.mixing_distance_m);
                f.SetField("target_class", o.target_class > 0 ? reaches::class_roman(o.target_class).c_str() : "");
                f.SetField("notes", notes.c_str());
                OGRPoint pt(m.point.x, m.point.y);
                f.SetGeometry(&pt);
                check(lo->CreateFeature(&f), "outfall " + o.source_id);
            }
            for (std::size_t c = 0; c < o.params.size() && c < m.zones.size(); ++c) {
                const auto& p = o.params[c];
                if (m.zones[c].size() < 4) continue;
                OGRFeature f(lz->GetLayerDefn());
                f.SetField("outfall_id", o.source_id.c_str());
                f.SetField("parameter", std::string(key(kConstituents[p.constituent])).c_str());
                f.SetField("scenario", s.scenario.c_str());
                real(f, "limit_mgL", p.limit_mgL);
                real(f, "background_mgL", p.background_mgL);
                real(f, "length_m", p.zone.length_m);
                real(f, "max_width_m", p.zone.max_width_m);
                real(f, "area_m2", p.zone.area_m2);
                f.SetField("open_at_reach_end", p.zone.open_at_end ? 1 : 0);
                f.SetField("background_exceeds", p.zone.background_exceeds ? 1 : 0);
                std::string reached;
                for (const auto& r : p.reached) reached += (reached.empty() ? "" : "; ") + r.kind + " " + r.id;
                f.SetField("reaches", reached.c_str());
                OGRPolygon g = polygon(m.zones[c]);
                f.SetGeometry(&g);
                check(lz->CreateFeature(&f), "zone of " + o.source_id);
            }
            const double dx = o.nx > 0 ? o.grid_length_m / o.nx : 0.0, dy = o.ny > 0 ? o.channel.width_m / o.ny : 0.0;
            for (int i = 0; i < o.nx; ++i)
                for (int j = 0; j < o.ny; ++j) {
                    const std::size_t q = static_cast<std::size_t>(i) * o.ny + j;
                    if (q >= m.cells.size()) break;
                    const auto& cell = o.grid_mgL[q];
                    OGRFeature f(lg->GetLayerDefn());
                    f.SetField("outfall_id", o.source_id.c_str());
                    f.SetField("scenario", s.scenario.c_str());
                    real(f, "x_m", (i + 0.5) * dx);
                    real(f, "y_m", (j + 0.5) * dy);
                    real(f, "cod_mgL", cell[0]);
                    real(f, "nh3n_mgL", cell[1]);
                    real(f, "tp_mgL", cell[2]);
                    double ratio = -1.0;
                    for (const auto& p : o.params)
                        if (std::isfinite(p.limit_mgL) && p.limit_mgL > 0.0) ratio = std::max(ratio, cell[p.constituent] / p.limit_mgL);
                    real(f, "ratio", ratio >= 0.0 ? ratio : NAN);
                    f.SetField("exceeds", ratio > 1.0 ? 1 : 0);
                    const auto& c4 = m.cells[q];
                    OGRPolygon g = polygon({c4[0], c4[1], c4[2], c4[3], c4[0]});
                    f.SetGeometry(&g);
                    check(lg->CreateFeature(&f), "grid of " + o.source_id);
                }
        }
        // a style QGIS applies when mixing_grid is opened
        char** opts = CSLSetNameValue(nullptr, "FID", "id");
        OGRLayer* st = ds->CreateLayer("layer_styles", nullptr, wkbNone, opts);
        CSLDestroy(opts);
        if (!st) throw OutputError(std::string("GeoPackage: cannot create layer_styles: ") + CPLGetLastErrorMsg());
        for (const char* n : {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML", "styleSLD"}) {
            OGRFieldDefn f(n, OFTString);
            check(st->CreateField(&f), n);
        }
        {
            OGRFieldDefn f("useAsDefault", OFTInteger);
            f.SetSubType(OFSTBoolean);
            check(st->CreateField(&f), "useAsDefault");
        }
        for (const char* n : {"description", "owner", "ui"}) {
            OGRFieldDefn f(n, OFTString);
            check(st->CreateField(&f), n);
        }
        OGRFeature f(st->GetLayerDefn());
        f.SetField("f_table_catalog", "");
        f.SetField("f_table_schema", "");
        f.SetField("f_table_name", "mixing_grid");
        f.SetField("f_geometry_column", "geom");
        f.SetField("styleName", "mixing_grid by C/limit");
        f.SetField("styleQML", grid_qml().c_str());
        f.SetField("styleSLD", "");
        f.SetField("useAsDefault", 1);
        f.SetField("description", "concentration over the target-class limit");
        f.SetField("owner", "");
        f.SetField("ui", "");
        check(st->CreateFeature(&f), "style of mixing_grid");
        if (ds->CommitTransaction() != OGRERR_NONE) throw OutputError(std::string("GeoPackage: commit failed: ") + CPLGetLastErrorMsg());
        CPLErrorReset();
    }
    if (CPLGetLastErrorType() >= CE_Failure) throw OutputError("GeoPackage: cannot finish " + path + ": " + CPLGetLastErrorMsg());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OutputError("GeoPackage: cannot read back " + path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace qingliu::io
