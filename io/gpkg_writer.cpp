#include "io/gpkg_writer.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <unordered_map>

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

std::string xml(const std::string& s) {
    std::string o;
    for (char c : s) switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            default: o += c;
        }
    return o;
}

std::string rgba(const char* hex) {
    unsigned r = 0, g = 0, b = 0;
    std::sscanf(hex, "#%02x%02x%02x", &r, &g, &b);
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ",255";
}

std::string class_name(int c) { return reaches::class_label_zh(c) + " " + reaches::class_label_en(c); }

/// QGIS style: categories on the integer field "class" (1..6), line or marker symbols.
std::string qml(bool line) {
    std::string cats, syms;
    for (int c = 1; c <= 6; ++c) {
        const std::string n = std::to_string(c - 1);
        cats += "<category value=\"" + std::to_string(c) + "\" label=\"" + xml(class_name(c)) + "\" symbol=\"" + n + "\" render=\"true\"/>";
        if (line)
            syms += "<symbol type=\"line\" name=\"" + n + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleLine\" "
                    "enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\"><Option type=\"QString\" name=\"line_color\" value=\"" +
                    rgba(report::class_colour(c)) +
                    "\"/><Option type=\"QString\" name=\"line_width\" value=\"1.4\"/><Option type=\"QString\" name=\"line_width_unit\" "
                    "value=\"MM\"/><Option type=\"QString\" name=\"capstyle\" value=\"round\"/><Option type=\"QString\" "
                    "name=\"joinstyle\" value=\"round\"/></Option></layer></symbol>";
        else
            syms += "<symbol type=\"marker\" name=\"" + n + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleMarker\" "
                    "enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\"><Option type=\"QString\" name=\"name\" value=\"circle\"/>"
                    "<Option type=\"QString\" name=\"color\" value=\"" +
                    rgba(report::class_colour(c)) +
                    "\"/><Option type=\"QString\" name=\"outline_color\" value=\"35,35,35,255\"/><Option type=\"QString\" "
                    "name=\"outline_width\" value=\"0.3\"/><Option type=\"QString\" name=\"size\" value=\"3.4\"/><Option type=\"QString\" "
                    "name=\"size_unit\" value=\"MM\"/></Option></layer></symbol>";
    }
    std::string label;
    if (!line)
        label = "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"name\" fontSize=\"9\" "
                "textColor=\"30,30,30,255\"/><text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferColor=\"255,255,255,255\"/>"
                "<placement placement=\"0\" dist=\"1.5\"/></settings></labeling>";
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" "
           "labelsEnabled=\"" + std::string(line ? "0" : "1") + "\"><renderer-v2 type=\"categorizedSymbol\" attr=\"class\" "
           "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>" + cats + "</categories><symbols>" + syms +
           "</symbols></renderer-v2>" + label + "</qgis>\n";
}

/// OGC SLD 1.1 with one rule per class on the field "class".
std::string sld(const std::string& layer, bool line) {
    std::string rules;
    for (int c = 1; c <= 6; ++c) {
        const std::string col = report::class_colour(c);
        rules += "<se:Rule><se:Name>" + xml(class_name(c)) + "</se:Name><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>class"
                 "</ogc:PropertyName><ogc:Literal>" + std::to_string(c) + "</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>";
        if (line)
            rules += "<se:LineSymbolizer><se:Stroke><se:SvgParameter name=\"stroke\">" + col + "</se:SvgParameter><se:SvgParameter "
                     "name=\"stroke-width\">4</se:SvgParameter><se:SvgParameter name=\"stroke-linecap\">round</se:SvgParameter>"
                     "</se:Stroke></se:LineSymbolizer>";
        else
            rules += "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter "
                     "name=\"fill\">" + col + "</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name=\"stroke\">#232323"
                     "</se:SvgParameter></se:Stroke></se:Mark><se:Size>12</se:Size></se:Graphic></se:PointSymbolizer>";
        rules += "</se:Rule>";
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<StyledLayerDescriptor version=\"1.1.0\" "
           "xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" "
           "xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><NamedLayer>"
           "<se:Name>" + xml(layer) + "</se:Name><UserStyle><se:Name>" + xml(layer) + "</se:Name><se:FeatureTypeStyle>" + rules +
           "</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n";
}

void check(OGRErr e, const std::string& what) {
    if (e != OGRERR_NONE) throw OutputError("GeoPackage: " + what + ": " + CPLGetLastErrorMsg());
}

OGRLayer* make_layer(GDALDataset* ds, const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                     const std::vector<std::pair<std::string, OGRFieldType>>& fields, const std::string& description) {
    char** opts = nullptr;
    opts = CSLSetNameValue(opts, "DESCRIPTION", description.c_str());
    OGRLayer* l = ds->CreateLayer(name.c_str(), const_cast<OGRSpatialReference*>(srs), type, opts);
    CSLDestroy(opts);
    if (!l) throw OutputError("GeoPackage: cannot create layer " + name + ": " + CPLGetLastErrorMsg());
    for (const auto& [n, t] : fields) {
        OGRFieldDefn f(n.c_str(), t);
        check(l->CreateField(&f), "field " + n + " of " + name);
    }
    return l;
}

void set_real(OGRFeature& f, const char* name, double v) {
    if (std::isfinite(v)) f.SetField(name, v);
    else f.SetFieldNull(f.GetFieldIndex(name));
}

using Fields = std::vector<std::pair<std::string, OGRFieldType>>;

/// fields, then one field <key><suffix> per state variable, then rest.
Fields with_constituent_fields(Fields fields, const char* suffix, OGRFieldType type, const Fields& rest = {}) {
    for (auto c : kConstituents) fields.emplace_back(column(c, suffix), type);
    fields.insert(fields.end(), rest.begin(), rest.end());
    return fields;
}

/// Sets the fields <key>_mgL of every state variable.
void set_concentrations(OGRFeature& f, const PerConstituent& conc_mgL) {
    for (auto c : kConstituents) set_real(f, column(c, "_mgL").c_str(), conc_mgL[idx(c)]);
}

}  // namespace

std::string gpkg_layer_name(const std::string& base, const std::string& id, bool baseline) {
    if (baseline) return base;
    std::string n = base + "_";
    for (unsigned char c : id) n += std::isalnum(c) || c == '_' ? static_cast<char>(c) : '_';
    return n;
}

void write_network_gpkg(const std::string& path, const report::ReportData& d, const report::Layout& L) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) throw OutputError("GeoPackage: GDAL has no GPKG driver");
    std::error_code ec;
    fs::remove(path, ec);
    std::unique_ptr<GDALDataset, DatasetCloser> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw OutputError("GeoPackage: cannot create " + path + ": " + CPLGetLastErrorMsg());
    std::unique_ptr<OGRSpatialReference> srs;
    if (!L.schematic && !L.srs_wkt.empty()) {
        srs = std::make_unique<OGRSpatialReference>();
        if (srs->importFromWkt(L.srs_wkt.c_str()) != OGRERR_NONE) srs.reset();
        else srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    } else if (L.schematic) {
        // a local engineering CRS in km: QGIS shows the diagram at its scale and never mistakes it for lon/lat
        srs = std::make_unique<OGRSpatialReference>();
        srs->SetLocalCS("qingliu schematic river network (km, not geographic)");
        srs->SetLinearUnits("kilometre", 1000.0);
    }
    if (ds->StartTransaction() != OGRERR_NONE) throw OutputError("GeoPackage: cannot start a transaction");
    const std::string frame = L.schematic ? "schematic layout in km (local engineering CRS), not geographic" : "case reach geometry";
    std::vector<std::pair<std::string, std::string>> styled;  // (layer, "line"/"point")
    std::unordered_map<std::string, const report::Reach*> reach;
    for (const auto& r : d.network) reach.emplace(r.id, &r);
    for (std::size_t si = 0; si < d.scenarios.size(); ++si) {
        const auto& s = d.scenarios[si];
        const std::string rl = gpkg_layer_name("reaches", s.id, si == 0), sl = gpkg_layer_name("sections", s.id, si == 0);
        OGRLayer* lr = make_layer(ds.get(), rl, srs.get(), wkbLineString,
                                  with_constituent_fields({{"reach_id", OFTString}, {"name", OFTString}, {"river", OFTString},
                                                           {"downstream_id", OFTString}, {"scenario", OFTString}, {"length_km", OFTReal},
                                                           {"flow_m3s", OFTReal}, {"velocity_ms", OFTReal}, {"travel_time_d", OFTReal}},
                                                          "_mgL", OFTReal,
                                                          {{"class", OFTInteger}, {"class_label", OFTString}, {"dry", OFTInteger}}),
                                  "reaches, scenario " + s.id + "; concentrations at the downstream end (mg/L); " + frame);
        std::unordered_map<std::string, const report::ReachResult*> res;
        for (const auto& r : s.reaches) res.emplace(r.id, &r);
        for (std::size_t i = 0; i < d.network.size() && i < L.reach_lines.size(); ++i) {
            const auto& n = d.network[i];
            OGRFeature f(lr->GetLayerDefn());
            f.SetField("reach_id", n.id.c_str());
            f.SetField("name", n.name.c_str());
            f.SetField("river", n.river.c_str());
            f.SetField("downstream_id", n.downstream_id.c_str());
            f.SetField("scenario", s.id.c_str());
            set_real(f, "length_km", n.length_km);
            if (auto it = res.find(n.id); it != res.end()) {
                const auto& r = *it->second;
                set_real(f, "flow_m3s", r.flow_m3s);
                set_real(f, "velocity_ms", r.velocity_ms);
                set_real(f, "travel_time_d", r.travel_time_d);
                set_concentrations(f, r.conc_mgL);
                f.SetField("dry", r.dry ? 1 : 0);
                if (!r.dry) {
                    const int c = report::reach_class(d.classes, r.conc_mgL);
                    f.SetField("class", c);
                    f.SetField("class_label", reaches::class_label_zh(c).c_str());
                }
            }
            OGRLineString ls;
            for (const auto& p : L.reach_lines[i]) ls.addPoint(p.x, p.y);
            f.SetGeometry(&ls);
            check(lr->CreateFeature(&f), "reach " + n.id);
        }
        OGRLayer* ls = make_layer(ds.get(), sl, srs.get(), wkbPoint,
                                  with_constituent_fields(
                                      with_constituent_fields({{"section_id", OFTString}, {"name", OFTString}, {"name_en", OFTString},
                                                               {"river", OFTString}, {"reach_id", OFTString}, {"level", OFTString},
                                                               {"scenario", OFTString}, {"position_km", OFTReal},
                                                               {"target_class", OFTInteger}, {"target_label", OFTString},
                                                               {"flow_m3s", OFTReal}},
                                                              "_mgL", OFTReal),
                                      "_class", OFTInteger,
                                      {{"class", OFTInteger}, {"class_label", OFTString}, {"meets", OFTInteger}, {"exceedance", OFTReal},
                                       {"worst", OFTString}}),
                                  "monitoring sections, scenario " + s.id + "; GB 3838-2002 classes; " + frame);
        for (std::size_t k = 0; k < s.sections.size(); ++k) {
            const auto& x = s.sections[k];
            OGRFeature f(ls->GetLayerDefn());
            f.SetField("section_id", x.id.c_str());
            f.SetField("name", x.name.c_str());
            f.SetField("name_en", x.name_en.c_str());
            f.SetField("river", x.river.c_str());
            f.SetField("reach_id", x.reach_id.c_str());
            f.SetField("level", x.level.c_str());
            f.SetField("scenario", s.id.c_str());
            set_real(f, "position_km", x.position_km);
            f.SetField("target_class", x.target_class);
            f.SetField("target_label", reaches::class_label_zh(x.target_class).c_str());
            set_real(f, "flow_m3s", x.flow_m3s);
            set_concentrations(f, x.conc_mgL);
            for (auto c : kConstituents) f.SetField(column(c, "_class").c_str(), x.cls[idx(c)]);
            f.SetField("class", x.overall);
            f.SetField("class_label", reaches::class_label_zh(x.overall).c_str());
            f.SetField("meets", x.meets ? 1 : 0);
            set_real(f, "exceedance", x.exceedance_max);
            f.SetField("worst", std::string(key(kConstituents[x.worst])).c_str());
            // sections are placed on the baseline layout (same section list in every scenario)
            const report::XY p = k < L.section_points.size() ? L.section_points[k] : report::XY{};
            OGRPoint pt(p.x, p.y);
            f.SetGeometry(&pt);
            check(ls->CreateFeature(&f), "section " + x.id);
        }
        styled.emplace_back(rl, "line");
        styled.emplace_back(sl, "point");
    }
    // layer_styles, as QGIS keeps styles in a GeoPackage
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
    const std::string geom_col = "geom";
    for (const auto& [layer, kind] : styled) {
        OGRFeature f(st->GetLayerDefn());
        f.SetField("f_table_catalog", "");
        f.SetField("f_table_schema", "");
        f.SetField("f_table_name", layer.c_str());
        f.SetField("f_geometry_column", geom_col.c_str());
        f.SetField("styleName", (layer + " by class").c_str());
        f.SetField("styleQML", qml(kind == "line").c_str());
        f.SetField("styleSLD", sld(layer, kind == "line").c_str());
        f.SetField("useAsDefault", 1);
        f.SetField("description", "GB 3838-2002 class colours (I/II blue, III green, IV yellow, V orange, worse than V red)");
        f.SetField("owner", "");
        f.SetField("ui", "");
        check(st->CreateFeature(&f), "style of " + layer);
    }
    if (ds->CommitTransaction() != OGRERR_NONE) throw OutputError(std::string("GeoPackage: commit failed: ") + CPLGetLastErrorMsg());
    CPLErrorReset();
    ds.reset();  // closes and flushes the file
    if (CPLGetLastErrorType() >= CE_Failure) throw OutputError("GeoPackage: cannot finish " + path + ": " + CPLGetLastErrorMsg());
}

std::string network_gpkg_bytes(const report::ReportData& d, const report::Layout& L) {
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
    const fs::path file = dir / "network.gpkg";
    write_network_gpkg(file.string(), d, L);
    std::ifstream in(file, std::ios::binary);
    if (!in) throw OutputError("GeoPackage: cannot read back " + file.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace qingliu::io
