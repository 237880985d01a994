#include "io/gpkg_parts.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include "common/error.hpp"

namespace qingliu::io::gpkg {

namespace fs = std::filesystem;

Dataset create(const std::string& path) {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) throw OutputError("GeoPackage: GDAL has no GPKG driver");
    std::error_code ec;
    fs::remove(path, ec);
    Dataset ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw OutputError("GeoPackage: cannot create " + path + ": " + CPLGetLastErrorMsg());
    if (ds->StartTransaction() != OGRERR_NONE) throw OutputError("GeoPackage: cannot start a transaction");
    return ds;
}

void finish(Dataset& ds, const std::string& path) {
    if (ds->CommitTransaction() != OGRERR_NONE) throw OutputError(std::string("GeoPackage: commit failed: ") + CPLGetLastErrorMsg());
    CPLErrorReset();
    ds.reset();  // closes and flushes the file
    if (CPLGetLastErrorType() >= CE_Failure) throw OutputError("GeoPackage: cannot finish " + path + ": " + CPLGetLastErrorMsg());
}

void check(OGRErr e, const std::string& what) {
    if (e != OGRERR_NONE) throw OutputError("GeoPackage: " + what + ": " + CPLGetLastErrorMsg());
}

OGRLayer* make_layer(GDALDataset* ds, const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                     const Fields& fields, const std::string& description) {
    char** opts = CSLSetNameValue(nullptr, "DESCRIPTION", description.c_str());
    OGRLayer* l = ds->CreateLayer(name.c_str(), const_cast<OGRSpatialReference*>(srs), type, opts);
    CSLDestroy(opts);
    if (!l) throw OutputError("GeoPackage: cannot create layer " + name + ": " + CPLGetLastErrorMsg());
    for (const auto& [n, t] : fields) {
        OGRFieldDefn f(n.c_str(), t);
        check(l->CreateField(&f), "field " + n + " of " + name);
    }
    return l;
}

Fields with_constituent_fields(Fields fields, const char* suffix, OGRFieldType type, const Fields& rest) {
    for (auto c : kConstituents) fields.emplace_back(column(c, suffix), type);
    fields.insert(fields.end(), rest.begin(), rest.end());
    return fields;
}

void set_real(OGRFeature& f, const char* name, double v) {
    if (std::isfinite(v)) f.SetField(name, v);
    else f.SetFieldNull(f.GetFieldIndex(name));
}

void set_concentrations(OGRFeature& f, const PerConstituent& conc_mgL) {
    for (auto c : kConstituents) set_real(f, column(c, "_mgL").c_str(), conc_mgL[idx(c)]);
}

std::unique_ptr<OGRSpatialReference> srs_from_wkt(const std::string& wkt) {
    if (wkt.empty()) return nullptr;
    auto srs = std::make_unique<OGRSpatialReference>();
    if (srs->importFromWkt(wkt.c_str()) != OGRERR_NONE) return nullptr;
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::unique_ptr<OGRSpatialReference> layout_srs(const report::Layout& L) {
    if (!L.schematic) return srs_from_wkt(L.srs_wkt);
    auto srs = std::make_unique<OGRSpatialReference>();
    srs->SetLocalCS("qingliu schematic river network (km, not geographic)");
    srs->SetLinearUnits("kilometre", 1000.0);
    return srs;
}

std::string frame_text(const report::Layout& L) {
    return L.schematic ? "schematic layout in km (local engineering CRS), not geographic" : "case reach geometry";
}

void write_layer_styles(GDALDataset* ds, const std::vector<Style>& styles) {
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
    {
        OGRFieldDefn f("update_time", OFTDateTime);
        check(st->CreateField(&f), "update_time");
    }
    for (const auto& s : styles) {
        OGRFeature f(st->GetLayerDefn());
        f.SetField("f_table_catalog", "");
        f.SetField("f_table_schema", "");
        f.SetField("f_table_name", s.layer.c_str());
        f.SetField("f_geometry_column", "geom");
        f.SetField("styleName", s.name.c_str());
        f.SetField("styleQML", s.qml.c_str());
        f.SetField("styleSLD", s.sld.c_str());
        f.SetField("useAsDefault", 1);
        f.SetField("description", s.description.c_str());
        f.SetField("owner", "");
        f.SetField("ui", "");
        check(st->CreateFeature(&f), "style of " + s.layer);
    }
}

std::string bytes_of(const std::string& file_name, const std::function<void(const std::string& path)>& write) {
    std::random_device rd;
    const fs::path dir = fs::temp_directory_path() / ("qingliu-gpkg-" + std::to_string(rd()) + std::to_string(rd()));
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
    const fs::path file = dir / file_name;
    write(file.string());
    std::ifstream in(file, std::ios::binary);
    if (!in) throw OutputError("GeoPackage: cannot read back " + file.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace qingliu::io::gpkg
