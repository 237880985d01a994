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
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/snap.hpp"
#include "io/table.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;
using reaches::LineFeature;
using reaches::LineXY;

namespace {

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);
    });
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int n;
        if (c < 0x80) n = 0;
        else if ((c >> 5) == 0x6) n = 1;
        else if ((c >> 4) == 0xE) n = 2;
        else if ((c >> 3) == 0x1E) n = 3;
        else return false;
        if (i + n >= s.size() && n > 0) return false;
        for (int k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += static_cast<std::size_t>(n) + 1;
    }
    return true;
}

std::string recode(const std::string& s, const char* from) {
    char* r = CPLRecode(s.c_str(), from, CPL_ENC_UTF8);
    std::string out = r ? r : "";
    CPLFree(r);
    return out;
}

std::string fmt(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::string fmt_g(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", v);
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
        if (lower(cols[i]) == lower(want)) return static_cast<int>(i);
    return -1;
}

std::string list(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

int parse_direction(std::string v, bool& ok) {
    ok = true;
    v = lower(trim(v));
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
    if (l.gb18030 || (!valid_utf8(s))) return recode(s, "GB18030");
    return s;
}

OpenLayer open_layer(const std::string& path, const std::string& layer, const std::string& encoding, Problems& probs, bool points) {
    gdal_init();
    OpenLayer ol;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        probs.add(path, "", "", "", "file not found");
        return ol;
    }
    const std::string ext = lower(fs::path(path).extension().string());
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

    // metric
    auto& m = out.metric;
    const bool assume_geographic = !srs && all_degrees;
    if ((srs && srs->IsGeographic()) || assume_geographic) {
        out.geographic = true;
        const double a = srs ? srs->GetSemiMajor() : 6378137.0, invf = srs ? srs->GetInvFlattening() : 298.257223563;
        LocalProjection proj{sx / nv, sy / nv};
        m.to_plane = [proj](LineXY p) { return proj(p); };
        m.segment_m = [a, invf](LineXY p, LineXY q) { return geodesic_m(p.first, p.second, q.first, q.second, a, invf); };
        m.id_grid = 1e-5;
        out.lengths = "geodesic on the ellipsoid a = " + fmt(a, 1) + " m, 1/f = " + fmt(invf, 6);
        if (assume_geographic) out.notes.push_back("the layer has no CRS; its coordinates look like degrees: read as longitude/latitude (WGS 84)");
    } else if (srs && srs->IsProjected()) {
        const double u = srs->GetLinearUnits();
        m.to_plane = [u](LineXY p) { return LineXY{p.first * u, p.second * u}; };
        m.id_grid = 1.0 / u;
        if (o.planar_lengths) {
            m.segment_m = [u](LineXY p, LineXY q) { return std::hypot(p.first - q.first, p.second - q.second) * u; };
            out.lengths = "planar in the projected CRS (" + fmt(u, 6) + " m per unit)";
        } else {
            std::shared_ptr<OGRSpatialReference> geog(srs->CloneGeogCS());
            geog->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            std::shared_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(srs.get(), geog.get()),
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

namespace {

// Columns a user fills in (kept from an earlier reaches.gpkg) that are numbers.
const std::set<std::string> kNumeric = {"headwater_flow_m3s", "velocity_ms", "hg_a", "hg_b", "hg_c", "hg_d", "manning_n", "slope",
                                        "width_m", "lateral_inflow_m3s", "split_fraction", "drainage_area_km2",
                                        "headwater_cod_mgL", "headwater_nh3n_mgL", "headwater_tp_mgL"};
// Columns the builder writes itself.
const std::vector<std::string> kBuilt = {"reach_id", "river", "downstream_id", "split_to", "length_km", "to_outlet_km", "features"};

void check(OGRErr e, const std::string& what) {
    if (e != OGRERR_NONE) throw OutputError("GeoPackage: " + what + ": " + CPLGetLastErrorMsg());
}

std::string read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

NetworkCaseResult build_network_case(const NetworkCaseOptions& o) {
    NetworkCaseResult res;
    res.layer = read_line_layer(o.lines);
    auto nopt = o.network;
    if (!o.split_points.empty()) nopt.split_points = read_split_points(o.split_points, o.split_id_field, res.layer);
    res.network = reaches::build_line_network(res.layer.features, nopt, res.layer.metric);
    const auto& net = res.network;

    // values filled into an earlier reaches.gpkg, by reach id
    const std::string gpkg = (fs::path(o.out_dir) / "reaches.gpkg").string();
    std::vector<std::string> carried_cols = {"headwater_flow_m3s", "velocity_ms", "split_fraction"};
    std::map<std::string, std::map<std::string, std::string>> carried;
    std::error_code ec;
    if (fs::exists(gpkg, ec)) {
        Problems p;
        Table old = read_table({gpkg, "reaches"}, p);
        const int idc = old.column("reach_id");
        if (p.empty() && idc >= 0) {
            for (const auto& c : old.columns)
                if (std::find(kBuilt.begin(), kBuilt.end(), c) == kBuilt.end() &&
                    std::find(carried_cols.begin(), carried_cols.end(), c) == carried_cols.end())
                    carried_cols.push_back(c);
            for (const auto& r : old.records) {
                if (!r.values[idc]) continue;
                auto& row = carried[*r.values[idc]];
                for (std::size_t i = 0; i < old.columns.size(); ++i)
                    if (r.values[i] && std::find(kBuilt.begin(), kBuilt.end(), old.columns[i]) == kBuilt.end()) row[old.columns[i]] = *r.values[i];
            }
        }
    }

    OutputDir out(o.out_dir);
    // reaches.gpkg, written beside its final name and staged with the other files
    const std::string tmp = (fs::path(o.out_dir) / (".reaches.gpkg.build-" + std::to_string(::getpid()))).string();
    {
        gdal_init();
        fs::remove(tmp, ec);
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        if (!drv) throw OutputError("GeoPackage: GDAL has no GPKG driver");
        struct Remove { std::string p; ~Remove() { std::error_code e; fs::remove(p, e); } } remove_tmp{tmp};
        {
            std::unique_ptr<GDALDataset, DatasetCloser> ds(drv->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
            if (!ds) throw OutputError("GeoPackage: cannot create " + tmp + ": " + CPLGetLastErrorMsg());
            std::unique_ptr<OGRSpatialReference> srs;
            if (!res.layer.srs_wkt.empty()) {
                srs = std::make_unique<OGRSpatialReference>();
                if (srs->importFromWkt(res.layer.srs_wkt.c_str()) != OGRERR_NONE) srs.reset();
                else srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            }
            check(ds->StartTransaction(), "start a transaction");
            char** lo = CSLSetNameValue(nullptr, "DESCRIPTION", ("reaches built from " + res.layer.label + " by qingliu network").c_str());
            OGRLayer* lr = ds->CreateLayer("reaches", srs.get(), wkbLineString, lo);
            CSLDestroy(lo);
            if (!lr) throw OutputError(std::string("GeoPackage: cannot create layer reaches: ") + CPLGetLastErrorMsg());
            for (const auto& [n, t] : std::vector<std::pair<std::string, OGRFieldType>>{
                     {"reach_id", OFTString}, {"river", OFTString}, {"downstream_id", OFTString}, {"split_to", OFTString},
                     {"length_km", OFTReal}, {"to_outlet_km", OFTReal}, {"features", OFTString}}) {
                OGRFieldDefn f(n.c_str(), t);
                check(lr->CreateField(&f), "field " + n);
            }
            for (const auto& c : carried_cols) {
                OGRFieldDefn f(c.c_str(), kNumeric.count(c) ? OFTReal : OFTString);
                check(lr->CreateField(&f), "field " + c);
            }
            for (const auto& r : net.reaches) {
                OGRFeature f(lr->GetLayerDefn());
                f.SetField("reach_id", r.id.c_str());
                f.SetField("river", r.river.c_str());
                f.SetField("downstream_id", r.downstream.c_str());
                f.SetField("split_to", r.split_to.c_str());
                f.SetField("length_km", r.length_m / 1000.0);
                f.SetField("to_outlet_km", r.to_outlet_m / 1000.0);
                std::string fs_;
                for (const auto& x : r.features) fs_ += (fs_.empty() ? "" : ",") + x;
                f.SetField("features", fs_.c_str());
                if (o.headwater_flow_m3s && r.headwater) f.SetField("headwater_flow_m3s", *o.headwater_flow_m3s);
                if (o.velocity_ms) f.SetField("velocity_ms", *o.velocity_ms);
                if (auto it = carried.find(r.id); it != carried.end() && !it->second.empty()) {
                    ++res.carried_over;
                    for (const auto& [c, v] : it->second) {
                        double d;
                        if (kNumeric.count(c) && parse_double(v, d)) f.SetField(c.c_str(), d);
                        else if (!kNumeric.count(c)) f.SetField(c.c_str(), v.c_str());
                    }
                }
                carried.erase(r.id);
                OGRLineString ls;
                for (const auto& [x, y] : r.line) ls.addPoint(x, y);
                f.SetGeometry(&ls);
                check(lr->CreateFeature(&f), "reach " + r.id);
            }
            for (const auto& [id, row] : carried)
                if (!row.empty()) res.not_carried.push_back(id);
            lo = CSLSetNameValue(nullptr, "DESCRIPTION", "what the network builder found in the line layer and did about it");
            OGRLayer* lf = ds->CreateLayer("findings", srs.get(), wkbPoint, lo);
            CSLDestroy(lo);
            if (!lf) throw OutputError(std::string("GeoPackage: cannot create layer findings: ") + CPLGetLastErrorMsg());
            for (const auto& [n, t] : std::vector<std::pair<std::string, OGRFieldType>>{
                     {"kind", OFTString}, {"features", OFTString}, {"distance_m", OFTReal}, {"message", OFTString}}) {
                OGRFieldDefn f(n.c_str(), t);
                check(lf->CreateField(&f), "field " + n);
            }
            for (const auto& x : net.findings) {
                OGRFeature f(lf->GetLayerDefn());
                f.SetField("kind", reaches::finding_key(x.kind));
                f.SetField("features", list(x.features).c_str());
                f.SetField("distance_m", x.distance_m);
                f.SetField("message", x.message.c_str());
                OGRPoint p(x.where.first, x.where.second);
                f.SetGeometry(&p);
                check(lf->CreateFeature(&f), "finding");
            }
            check(ds->CommitTransaction(), "commit");
        }
        out.stage("reaches.gpkg", read_bytes(tmp));
    }
    {
        std::string s = "kind,features,x,y,distance_m,message\n";
        for (const auto& x : net.findings)
            s += std::string(reaches::finding_key(x.kind)) + "," + csv_quote(list(x.features)) + "," + fmt_g(x.where.first) + "," +
                 fmt_g(x.where.second) + "," + fmt(x.distance_m, 3) + "," + csv_quote(x.message) + "\n";
        out.stage("network_findings.csv", s, true);
    }
    if (!o.split_points.empty()) {
        std::string s = "point_id,reach_id,position_km,distance_m\n";
        for (const auto& p : net.points)
            s += csv_quote(p.id) + "," + csv_quote(p.reach) + "," + fmt_g(p.position_m / 1000.0) + "," + fmt(p.distance_m, 3) + "\n";
        out.stage("split_points.csv", s, true);
    }
    const fs::path case_file = fs::path(o.out_dir) / "case.toml";
    if (!fs::exists(case_file, ec)) {
        const reaches::LineReach* outlet = nullptr;
        for (const auto& r : net.reaches)
            if (r.downstream.empty() && (!outlet || r.to_outlet_m < outlet->to_outlet_m)) outlet = &r;
        for (const auto& r : net.reaches)  // the reach ending at the outlet point
            if (r.downstream.empty() && r.line.back() == net.outlet) outlet = &r;
        std::string name = fs::path(o.lines.path).stem().string();
        std::string t;
        t += "# Case written by `qingliu network` from " + fs::path(o.lines.path).filename().string() + ".\n";
        t += "# Before `qingliu run`: fill headwater_flow_m3s (design flow) on the headwater reaches and the hydraulics of\n";
        t += "# every reach (velocity_ms, or hg_a and hg_b, or manning_n, slope and width_m) in reaches.gpkg (QGIS attribute\n";
        t += "# table); split_fraction where a reach has split_to; the sections in sections.csv; then `qingliu check`.\n";
        t += "# Re-running `qingliu network` keeps what was filled in for reaches whose id is unchanged.\n\n";
        t += "[case]\nname = \"" + name + "\"\n\n[tables]\nreaches = { path = \"reaches.gpkg\", layer = \"reaches\" }\n";
        t += "sections = \"sections.csv\"\n";
        out.stage("case.toml", t);
        res.wrote_case_file = true;
        if (!fs::exists(fs::path(o.out_dir) / "sections.csv", ec) && outlet) {
            std::string s = "section_id,name,river,reach_id,position_km,level,target_class\n";
            s += "OUTLET," + csv_quote("出口 outlet (template: set the real section, level and target class)") + "," +
                 csv_quote(outlet->river) + "," + outlet->id + "," + fmt_g(outlet->length_m / 1000.0) + ",county,III\n";
            out.stage("sections.csv", s, true);
            res.wrote_sections = true;
        }
    }
    res.written = out.commit();
    return res;
}

}  // namespace qingliu::io
