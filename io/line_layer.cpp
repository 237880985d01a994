#include "io/line_layer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <geodesic.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "io/snap.hpp"
#include "io/table.hpp"
#include "io/text_encoding.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;
using reaches::LineFeature;
using reaches::LineXY;

namespace {

std::string fmt(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

struct DatasetCloser {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};

// The usual names of a river-name column, most specific first (compared without case).
const std::vector<std::string> kNameFields = {"河流名称", "河名", "河流名", "名称", "name_zh", "name_cn", "river_name", "rivername",
                                              "hydname", "rname", "name", "river"};
const std::vector<std::string> kPointIdFields = {"id", "point_id", "section_id", "outfall_id", "source_id", "编号", "name", "名称"};

int find_field(const std::vector<std::string>& cols, const std::string& want) {
    for (std::size_t i = 0; i < cols.size(); ++i)
        if (ascii_lower(cols[i]) == ascii_lower(want)) return static_cast<int>(i);
    return -1;
}

std::string list(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

int parse_direction(std::string v, bool& ok) {
    ok = true;
    v = ascii_lower(trim(v));
    if (v.empty() || v == "0" || v == "unknown" || v == "未知") return 0;
    if (v == "1" || v == "+1" || v == "forward" || v == "with" || v == "正向" || v == "顺向" || v == "顺") return 1;
    if (v == "-1" || v == "2" || v == "reverse" || v == "backward" || v == "against" || v == "反向" || v == "逆向" || v == "逆") return -1;
    ok = false;
    return 0;
}

// An open layer with its text decoded: field names and values as UTF-8.
struct OpenLayer {
    std::unique_ptr<GDALDataset, DatasetCloser> ds;
    OGRLayer* layer = nullptr;
    std::string encoding;
    bool raw = false;     // strings are the file's bytes (no recoding by GDAL): decode ourselves
    bool gb18030 = false; // decode raw strings as GB18030
};

std::string decode(const OpenLayer& l, const std::string& s) {
    if (l.gb18030 || (!valid_utf8(s))) return gb18030_to_utf8(s, true).value_or(std::string());
    return s;
}

OpenLayer open_layer(const std::string& path, const std::string& layer, const std::string& encoding, Problems& probs, bool points) {
    init_gdal();
    OpenLayer ol;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        probs.add(path, "", "", "", "file not found");
        return ol;
    }
    const std::string ext = ascii_lower(fs::path(path).extension().string());
    const bool shp = ext == ".shp" || ext == ".dbf";
    CPLStringList opts;
    if (shp) {
        fs::path cpg = fs::path(path).replace_extension(".cpg");
        if (!fs::exists(cpg, ec)) cpg = fs::path(path).replace_extension(".CPG");
        const char* cfg = CPLGetConfigOption("SHAPE_ENCODING", nullptr);
        if (!encoding.empty()) {
            opts.AddNameValue("ENCODING", encoding.c_str());
            ol.encoding = encoding + " (as given)";
        } else if (cfg) {
            ol.encoding = std::string(cfg) + " (SHAPE_ENCODING)";
        } else if (fs::exists(cpg, ec)) {
            std::ifstream f(cpg);
            std::string c;
            std::getline(f, c);
            ol.encoding = trim(c) + " (from the .cpg file)";
        } else {
            // the .dbf language driver id (byte 29): 0 means undeclared
            unsigned char ldid = 0;
            fs::path dbf = fs::path(path).replace_extension(".dbf");
            if (!fs::exists(dbf, ec)) dbf = fs::path(path).replace_extension(".DBF");
            if (std::FILE* f = std::fopen(dbf.string().c_str(), "rb")) {
                unsigned char head[32] = {0};
                if (std::fread(head, 1, 32, f) == 32) ldid = head[29];
                std::fclose(f);
            }
            if (ldid != 0) {
                ol.encoding = "from the .dbf language driver id " + std::to_string(ldid);
            } else {
                opts.AddNameValue("ENCODING", "");
                ol.raw = true;
            }
        }
    }
    if (ext == ".csv" || ext == ".txt") {
        opts.AddNameValue("AUTODETECT_TYPE", "NO");
        opts.AddNameValue("X_POSSIBLE_NAMES", "x,lon,longitude,lng,经度");
        opts.AddNameValue("Y_POSSIBLE_NAMES", "y,lat,latitude,纬度");
        opts.AddNameValue("GEOM_POSSIBLE_NAMES", "wkt,geometry_wkt");
        opts.AddNameValue("KEEP_GEOM_COLUMNS", "YES");
    }
    ol.ds.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.List(), nullptr));
    if (!ol.ds) {
        const std::string msg = CPLGetLastErrorMsg();
        probs.add(path, "", "", "", std::string("cannot be read as a ") + (points ? "point" : "line") + " layer" +
                                        (msg.empty() ? "" : " (" + msg + ")"));
        return ol;
    }
    ol.layer = layer.empty() ? (ol.ds->GetLayerCount() > 0 ? ol.ds->GetLayer(0) : nullptr) : ol.ds->GetLayerByName(layer.c_str());
    if (!ol.layer) {
        std::vector<std::string> names;
        for (auto* l : ol.ds->GetLayers()) names.push_back(l->GetName());
        probs.add(path, "", "", "", "no layer '" + layer + "' (has: " + list(names) + ")");
        return ol;
    }
    if (ol.raw) {
        // undeclared: UTF-8 if every name and value is valid UTF-8, else GB18030 (a superset of GBK and GB2312)
        bool utf8 = true;
        OGRFeatureDefn* defn = ol.layer->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount() && utf8; ++i) utf8 = valid_utf8(defn->GetFieldDefn(i)->GetNameRef());
        ol.layer->ResetReading();
        for (auto& f : *ol.layer) {
            for (int i = 0; i < defn->GetFieldCount() && utf8; ++i)
                if (f->IsFieldSetAndNotNull(i) && defn->GetFieldDefn(i)->GetType() == OFTString) utf8 = valid_utf8(f->GetFieldAsString(i));
            if (!utf8) break;
        }
        ol.layer->ResetReading();
        ol.gb18030 = !utf8;
        ol.encoding = utf8 ? "UTF-8 (detected; no .cpg file)" : "GBK/GB18030 (detected: the text is not UTF-8 and there is no .cpg file)";
    }
    if (ol.encoding.empty()) ol.encoding = "UTF-8";
    return ol;
}

std::vector<std::string> field_names(const OpenLayer& l) {
    std::vector<std::string> v;
    OGRFeatureDefn* defn = l.layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) v.push_back(trim(decode(l, defn->GetFieldDefn(i)->GetNameRef())));
    return v;
}

std::string feature_label(OGRFeature& f) { return "feature " + std::to_string(f.GetFID()); }

}  // namespace

double geodesic_m(double lon1, double lat1, double lon2, double lat2, double a, double invf) {
    geod_geodesic g;
    geod_init(&g, a, invf > 0.0 ? 1.0 / invf : 0.0);
    double s12 = 0.0;
    geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, nullptr, nullptr);
    return s12;
}

namespace {

/// How lengths are measured on the layer's coordinates: geodesic for longitude/latitude (also assumed for a layer
/// without a CRS whose coordinates all look like degrees), geodesic or planar in a projected CRS, else planar metres.
/// (cx, cy): the mean vertex, centre of the local projection of longitude/latitude.
void set_metric(LineLayer& out, const OGRSpatialReference* srs, bool all_degrees, double cx, double cy, bool planar) {
    auto& m = out.metric;
    const bool assume_geographic = !srs && all_degrees;
    if ((srs && srs->IsGeographic()) || assume_geographic) {
        out.geographic = true;
        const double a = srs ? srs->GetSemiMajor() : 6378137.0, invf = srs ? srs->GetInvFlattening() : 298.257223563;
        LocalProjection proj{cx, cy};
        m.to_plane = [proj](LineXY p) { return proj(p); };
        m.segment_m = [a, invf](LineXY p, LineXY q) { return geodesic_m(p.first, p.second, q.first, q.second, a, invf); };
        m.id_grid = 1e-5;
        out.lengths = "geodesic on the ellipsoid a = " + fmt(a, 1) + " m, 1/f = " + fmt(invf, 6);
        if (assume_geographic) out.notes.push_back("the layer has no CRS; its coordinates look like degrees: read as longitude/latitude (WGS 84)");
    } else if (srs && srs->IsProjected()) {
        const double u = srs->GetLinearUnits();
        m.to_plane = [u](LineXY p) { return LineXY{p.first * u, p.second * u}; };
        m.id_grid = 1.0 / u;
        if (planar) {
            m.segment_m = [u](LineXY p, LineXY q) { return std::hypot(p.first - q.first, p.second - q.second) * u; };
            out.lengths = "planar in the projected CRS (" + fmt(u, 6) + " m per unit)";
        } else {
            std::shared_ptr<OGRSpatialReference> geog(srs->CloneGeogCS());
            geog->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            std::shared_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(srs, geog.get()),
                                                            [](OGRCoordinateTransformation* c) { OGRCoordinateTransformation::DestroyCT(c); });
            if (!ct) throw InputError("cannot transform " + out.label + " to geographic coordinates for geodesic lengths (use --lengths planar)", {});
            const double a = geog->GetSemiMajor(), invf = geog->GetInvFlattening();
            m.segment_m = [ct, a, invf](LineXY p, LineXY q) {
                double x[2] = {p.first, q.first}, y[2] = {p.second, q.second};
                if (!ct->Transform(2, x, y)) return std::hypot(p.first - q.first, p.second - q.second);
                return geodesic_m(x[0], y[0], x[1], y[1], a, invf);
            };
            out.lengths = "geodesic (the projected coordinates taken to their geographic CRS, ellipsoid a = " + fmt(a, 1) + " m)";
        }
    } else {
        m.to_plane = [](LineXY p) { return p; };
        m.segment_m = [](LineXY p, LineXY q) { return std::hypot(p.first - q.first, p.second - q.second); };
        m.id_grid = 1.0;
        out.lengths = "planar (no CRS: coordinates taken as metres)";
        if (!srs) out.notes.push_back("the layer has no CRS and its coordinates are not degrees: read as metres");
    }
}

}  // namespace

LineLayer read_line_layer(const LineLayerOptions& o) {
    Problems probs;
    LineLayer out;
    out.label = o.layer.empty() ? o.path : o.path + ":" + o.layer;
    OpenLayer ol = open_layer(o.path, o.layer, o.encoding, probs, false);
    probs.throw_if_any("cannot read the line layer " + out.label);
    out.encoding = ol.encoding;
    const auto cols = field_names(ol);
    auto need = [&](const std::string& f, const char* option) {
        if (f.empty()) return -1;
        const int i = find_field(cols, f);
        if (i < 0) probs.add(out.label, "header", f, "", std::string("no such field (") + option + "; the layer has: " + list(cols) + ")");
        return i;
    };
    const int id_i = need(o.id_field, "--id-field");
    int name_i = need(o.name_field, "--name-field");
    if (o.name_field.empty())
        for (const auto& n : kNameFields)
            if ((name_i = find_field(cols, n)) >= 0) break;
    out.name_field = name_i >= 0 ? cols[name_i] : "";
    if (name_i < 0 && o.name_field.empty())
        out.notes.push_back("no river-name field found (tried " + list(kNameFields) + "); give --name-field: rivers are named 'unnamed <feature>'");
    const int dir_i = need(o.direction_field, "--direction-field");
    int elev_a = -1, elev_b = -1;
    if (!o.elevation_fields.empty()) {
        const auto comma = o.elevation_fields.find(',');
        if (comma == std::string::npos) probs.add(out.label, "", "--elevation-fields", o.elevation_fields, "expected FROM,TO (two field names)");
        else {
            elev_a = need(trim(o.elevation_fields.substr(0, comma)), "--elevation-fields");
            elev_b = need(trim(o.elevation_fields.substr(comma + 1)), "--elevation-fields");
        }
    }
    probs.throw_if_any("cannot read the line layer " + out.label);

    // CRS
    std::unique_ptr<OGRSpatialReference> srs;
    if (const OGRSpatialReference* s = ol.layer->GetSpatialRef()) {
        srs.reset(s->Clone());
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        char* wkt = nullptr;
        const char* wopts[] = {"FORMAT=WKT2_2019", nullptr};
        srs->exportToWkt(&wkt, wopts);
        out.srs_wkt = wkt ? wkt : "";
        CPLFree(wkt);
    }

    // features
    OGRFeatureDefn* defn = ol.layer->GetLayerDefn();
    ol.layer->ResetReading();
    double sx = 0, sy = 0, nv = 0;
    bool all_degrees = true;
    std::size_t no_geometry = 0;
    for (auto& f : *ol.layer) {
        LineFeature lf;
        const std::string label = feature_label(*f);
        auto text = [&](int i) { return i >= 0 && f->IsFieldSetAndNotNull(i) ? trim(decode(ol, f->GetFieldAsString(i))) : std::string(); };
        lf.id = id_i >= 0 ? text(id_i) : std::to_string(f->GetFID());
        if (lf.id.empty()) {
            probs.add(out.label, label, cols[id_i], "", "empty feature id");
            continue;
        }
        lf.name = text(name_i);
        if (dir_i >= 0) {
            bool ok;
            lf.direction = parse_direction(text(dir_i), ok);
            if (!ok) probs.add(out.label, label, cols[dir_i], text(dir_i), "expected 1 (正向, flows in digitised order), -1 (反向) or 0/empty (unknown)");
        }
        for (auto [i, slot] : {std::pair<int, std::optional<double>*>{elev_a, &lf.elevation_first}, {elev_b, &lf.elevation_last}}) {
            if (i < 0 || text(i).empty()) continue;
            double v;
            if (parse_double(text(i), v)) *slot = v;
            else probs.add(out.label, label, cols[i], text(i), "expected a number (m)");
        }
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            ++no_geometry;
            continue;
        }
        const auto type = wkbFlatten(g->getGeometryType());
        if (type != wkbLineString && type != wkbMultiLineString && type != wkbCircularString && type != wkbCompoundCurve &&
            type != wkbMultiCurve) {
            probs.add(out.label, label, "geometry", OGRGeometryTypeToName(g->getGeometryType()), "expected a line (LineString or MultiLineString)");
            continue;
        }
        std::unique_ptr<OGRGeometry> ml(OGRGeometryFactory::forceToMultiLineString(g->clone()));
        for (const auto* part : *ml->toMultiLineString()) {
            std::vector<LineXY> v;
            for (int i = 0; i < part->getNumPoints(); ++i) {
                v.push_back({part->getX(i), part->getY(i)});
                sx += part->getX(i), sy += part->getY(i), nv += 1;
                all_degrees = all_degrees && std::abs(part->getX(i)) <= 180.0 && std::abs(part->getY(i)) <= 90.0;
            }
            lf.parts.push_back(std::move(v));
        }
        (void)defn;
        out.features.push_back(std::move(lf));
    }
    if (no_geometry) out.notes.push_back(std::to_string(no_geometry) + " feature(s) without geometry left out");
    if (out.features.empty() && probs.empty()) probs.add(out.label, "", "", "", "the layer has no lines");
    {
        std::set<std::string> seen;
        for (const auto& f : out.features)
            if (!seen.insert(f.id).second) probs.add(out.label, "feature " + f.id, o.id_field.empty() ? "id" : o.id_field, f.id, "duplicate feature id");
    }
    probs.throw_if_any("cannot read the line layer " + out.label);

    set_metric(out, srs.get(), all_degrees, sx / nv, sy / nv, o.planar_lengths);
    return out;
}

std::vector<reaches::SplitPoint> read_split_points(const std::string& path, const std::string& id_field, const LineLayer& lines) {
    Problems probs;
    OpenLayer ol = open_layer(path, "", "", probs, true);
    probs.throw_if_any("cannot read the split points " + path);
    const auto cols = field_names(ol);
    int id_i = -1;
    if (!id_field.empty()) {
        id_i = find_field(cols, id_field);
        if (id_i < 0) probs.add(path, "header", id_field, "", "no such field (--split-id-field; the layer has: " + list(cols) + ")");
    } else {
        for (const auto& n : kPointIdFields)
            if ((id_i = find_field(cols, n)) >= 0) break;
    }
    probs.throw_if_any("cannot read the split points " + path);
    std::unique_ptr<OGRCoordinateTransformation, void (*)(OGRCoordinateTransformation*)> ct(nullptr, [](OGRCoordinateTransformation* c) {
        OGRCoordinateTransformation::DestroyCT(c);
    });
    const OGRSpatialReference* ps = ol.layer->GetSpatialRef();
    OGRSpatialReference target;
    if (ps && !lines.srs_wkt.empty() && target.importFromWkt(lines.srs_wkt.c_str()) == OGRERR_NONE) {
        target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRSpatialReference> src(ps->Clone());
        src->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (!src->IsSame(&target)) ct.reset(OGRCreateCoordinateTransformation(src.get(), &target));
    }
    std::vector<reaches::SplitPoint> pts;
    std::set<std::string> seen;
    for (auto& f : *ol.layer) {
        const std::string fl = "feature " + std::to_string(f->GetFID());
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) {
            probs.add(path, fl, "geometry", "", "expected a point (or x/y, lon/lat columns)");
            continue;
        }
        double x = g->toPoint()->getX(), y = g->toPoint()->getY();
        if (ct && !ct->Transform(1, &x, &y)) {
            probs.add(path, fl, "geometry", "", "cannot be transformed into the line layer's CRS");
            continue;
        }
        if (!ps && !lines.srs_wkt.empty()) {
            const bool deg = std::abs(x) <= 180.0 && std::abs(y) <= 90.0;
            if (deg != lines.geographic) {
                probs.add(path, fl, "geometry", fmt(x, 6) + "," + fmt(y, 6),
                          lines.geographic ? "the points have no CRS and are not longitude/latitude like the lines"
                                           : "the points have no CRS and look like longitude/latitude, the lines are projected");
                continue;
            }
        }
        std::string id = id_i >= 0 && f->IsFieldSetAndNotNull(id_i) ? trim(decode(ol, f->GetFieldAsString(id_i))) : std::to_string(f->GetFID());
        if (id.empty()) id = std::to_string(f->GetFID());
        if (!seen.insert(id).second) probs.add(path, fl, id_i >= 0 ? cols[id_i] : "id", id, "duplicate point id");
        pts.push_back({id, {x, y}});
    }
    probs.throw_if_any("cannot read the split points " + path);
    return pts;
}

}  // namespace qingliu::io
