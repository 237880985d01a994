#include "io/table.hpp"

#include <cstdio>
#include <filesystem>
#include <mutex>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "common/csv_text.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;

namespace {

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);
    });
}

std::string lower_ext(const std::string& path) {
    std::string e = fs::path(path).extension().string();
    for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
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

void add_geometry(const OGRGeometry* g, Geometry& out) {
    if (!g) return;
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPoint: {
            auto p = g->toPoint();
            out.kind = Geometry::Kind::Point;
            out.xy = {{p->getX(), p->getY()}};
            break;
        }
        case wkbLineString: {
            auto l = g->toLineString();
            out.kind = Geometry::Kind::Line;
            for (int i = 0; i < l->getNumPoints(); ++i) {
                std::pair<double, double> v{l->getX(i), l->getY(i)};
                if (out.xy.empty() || out.xy.back() != v) out.xy.push_back(v);
            }
            break;
        }
        case wkbMultiLineString: {
            for (auto part : *g->toMultiLineString()) add_geometry(part, out);
            break;
        }
        case wkbMultiPoint: {
            auto mp = g->toMultiPoint();
            if (mp->getNumGeometries() == 1) add_geometry(mp->getGeometryRef(0), out);
            break;
        }
        default: break;
    }
}

}  // namespace

int Table::column(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == name) return static_cast<int>(i);
    return -1;
}

Table read_table(const TableRef& ref, Problems& problems) {
    gdal_init();
    Table t;
    t.file = ref.label();
    std::error_code ec;
    if (!fs::exists(ref.path, ec)) {
        problems.add(t.file, "", "", "", "file not found");
        return t;
    }
    const std::string ext = lower_ext(ref.path);
    if (ext == ".csv" || ext == ".txt") {
        // GBK/GB18030 text from Excel's plain "CSV" export is not UTF-8: refuse it clearly instead of misreading names.
        std::FILE* f = std::fopen(ref.path.c_str(), "rb");
        if (f) {
            std::string bytes;
            char buf[65536];
            std::size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
            std::fclose(f);
            if (!valid_utf8(bytes)) {
                problems.add(t.file, "", "", "",
                             "text is not UTF-8 (a CSV saved by Excel as plain 'CSV' is GBK-encoded): save it as "
                             "'CSV UTF-8' or convert it with: iconv -f GBK -t UTF-8");
                return t;
            }
        }
    }
    CPLStringList opts;
    if (ext == ".csv" || ext == ".txt") {
        opts.AddNameValue("AUTODETECT_TYPE", "NO");
        opts.AddNameValue("HEADERS", "YES");
        opts.AddNameValue("EMPTY_STRING_AS_NULL", "YES");
        opts.AddNameValue("KEEP_GEOM_COLUMNS", "YES");
        opts.AddNameValue("X_POSSIBLE_NAMES", "x,lon,longitude,lng");
        opts.AddNameValue("Y_POSSIBLE_NAMES", "y,lat,latitude");
        opts.AddNameValue("GEOM_POSSIBLE_NAMES", "wkt,geometry_wkt");
    } else if (ext == ".xlsx" || ext == ".ods") {
        opts.AddNameValue("HEADERS", "FORCE");
        opts.AddNameValue("FIELD_TYPES", "STRING");
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(ref.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.List(), nullptr));
    if (!ds) {
        std::string msg = CPLGetLastErrorMsg();
        problems.add(t.file, "", "", "", "cannot be read as a table" + (msg.empty() ? std::string() : " (" + msg + ")"));
        return t;
    }
    OGRLayer* layer = ref.layer.empty() ? (ds->GetLayerCount() > 0 ? ds->GetLayer(0) : nullptr)
                                        : ds->GetLayerByName(ref.layer.c_str());
    if (!layer) {
        std::string names;
        for (auto* l : ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
        problems.add(t.file, "", "", "", "no layer or sheet '" + ref.layer + "' (has: " + names + ")");
        return t;
    }
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) t.columns.push_back(trim(defn->GetFieldDefn(i)->GetNameRef()));
    if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        t.has_crs = true;
        t.geographic = srs->IsGeographic();
        char* wkt = nullptr;
        if (srs->exportToWkt(&wkt) == OGRERR_NONE && wkt) t.crs_wkt = wkt;
        CPLFree(wkt);
    }
    const bool spreadsheet = ext == ".csv" || ext == ".txt" || ext == ".xlsx" || ext == ".ods" || ext == ".xls";
    layer->ResetReading();
    std::size_t ordinal = 0;
    for (auto& feat : *layer) {
        ++ordinal;
        Record r;
        // Spreadsheet-like files: the row as a person sees it (header is row 1).
        r.label = spreadsheet ? "row " + std::to_string(ordinal + 1) : "feature " + std::to_string(feat->GetFID());
        r.values.resize(t.columns.size());
        bool any = false;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (!feat->IsFieldSetAndNotNull(i)) continue;
            std::string v = trim(feat->GetFieldAsString(i));
            if (v.empty()) continue;
            if (!valid_utf8(v)) {
                problems.add(t.file, r.label, t.columns[i], "", "text is not UTF-8");
                continue;
            }
            r.values[i] = std::move(v);
            any = true;
        }
        add_geometry(feat->GetGeometryRef(), r.geometry);
        if (!any && r.geometry.kind == Geometry::Kind::None) continue;  // blank line in a spreadsheet
        t.records.push_back(std::move(r));
    }
    if (!t.has_crs) {  // CSV points without a CRS: longitude/latitude when they look like degrees
        bool deg = false;
        for (const auto& r : t.records)
            for (const auto& [x, y] : r.geometry.xy) deg = std::abs(x) <= 180.0 && std::abs(y) <= 90.0;
        t.geographic = deg;
    }
    return t;
}

bool RowReader::has(const std::string& field) const {
    const int c = t_.column(field);
    return c >= 0 && r_.values[c].has_value();
}

void RowReader::problem(const std::string& field, const std::string& value, const std::string& message) {
    p_.add(t_.file, r_.label, field, value, message);
}

std::optional<std::string> RowReader::text(const std::string& field, bool required) {
    const int c = t_.column(field);
    if (c < 0 || !r_.values[c]) {
        if (required) problem(field, "", c < 0 ? "column missing" : "required value is empty");
        return std::nullopt;
    }
    return r_.values[c];
}

std::optional<double> RowReader::number(const std::string& field, bool required, double min, double max, bool min_exclusive) {
    auto s = text(field, required);
    if (!s) return std::nullopt;
    double v = 0.0;
    if (!parse_double(*s, v)) {
        problem(field, *s, "expected a number");
        return std::nullopt;
    }
    if (v < min || (min_exclusive && v == min) || v > max) {
        char b[160];
        if (max < 1e299)
            std::snprintf(b, sizeof b, "must be %s %g and <= %g", min_exclusive ? ">" : ">=", min, max);
        else
            std::snprintf(b, sizeof b, "must be %s %g", min_exclusive ? ">" : ">=", min);
        problem(field, *s, b);
        return std::nullopt;
    }
    return v;
}

void require_columns(const Table& t, const std::vector<std::string>& required, Problems& problems) {
    for (const auto& c : required)
        if (t.column(c) < 0) problems.add(t.file, "header", c, "", "required column missing");
}

}  // namespace qingliu::io
