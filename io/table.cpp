#include "io/table.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "common/csv_text.hpp"
#include "io/columns.hpp"
#include "io/text_encoding.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;

void init_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);
    });
}

namespace {

std::string lower_ext(const std::string& path) { return ascii_lower(fs::path(path).extension().string()); }

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

// A number as people type it in a spreadsheet cell stored as text: surrounding spaces, full-width digits,
// thousands separators "12,500", a trailing "%" (returned in `percent`).
bool parse_cell_number(const std::string& cell, double& v, bool& percent) {
    std::string t;
    const std::string n = normalise_header(cell);  // full-width → ASCII, spaces removed
    for (char c : n)
        if (c != ',') t += c;
    percent = !t.empty() && t.back() == '%';
    if (percent) t.pop_back();
    // a comma is a thousands separator only in groups of three digits
    if (n.find(',') != std::string::npos) {
        const std::string body = percent ? n.substr(0, n.size() - 1) : n;
        const std::size_t dot = body.find('.');
        if (dot != std::string::npos && body.find(',', dot) != std::string::npos) return false;
        const std::string ip = body.substr(0, dot);
        std::size_t last = std::string::npos;
        for (std::size_t i = 0; i < ip.size(); ++i)
            if (ip[i] == ',') {
                if (last != std::string::npos && i - last != 4) return false;
                if (last == std::string::npos && (i == 0 || i > 3 + (ip[0] == '-' ? 1u : 0u))) return false;
                last = i;
            }
        if (last != std::string::npos && ip.size() - last != 4) return false;
    }
    return parse_double(t, v);
}

struct Match {
    const ColumnDef* def = nullptr;
    double factor = 1.0;
    bool via_alias = false;
    std::string unit;  ///< unit text written in the header
};

std::vector<std::string> split_aliases(const char* a) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = a; *p; ++p) {
        if (*p == '|') {
            if (!cur.empty()) out.push_back(normalise_header(cur));
            cur.clear();
        } else {
            cur += *p;
        }
    }
    if (!cur.empty()) out.push_back(normalise_header(cur));
    return out;
}

Match match_column(const std::vector<const ColumnDef*>& defs, const std::string& header) {
    const std::string n = normalise_header(header);
    for (const ColumnDef* d : defs)
        if (normalise_header(d->column) == n) return {d, 1.0, false, ""};
    const auto [base, unit] = split_unit(n);
    for (const ColumnDef* d : defs) {
        bool hit = normalise_header(d->column) == base;
        const bool alias = !hit;
        for (const auto& a : split_aliases(d->aliases)) hit = hit || a == base;
        if (hit) return {d, unit_factor(d->unit, unit), alias, unit};
    }
    return {};
}

// Known columns of this kind, and the spellings a misspelt header is compared with.
struct Candidate {
    const ColumnDef* def;
    std::string spelling;  ///< normalised canonical name or alias
};

void apply_schema(Table& t, const std::string& kind, Problems& problems) {
    std::vector<const ColumnDef*> defs;
    for (const auto& d : column_table())
        if (kind == d.table) defs.push_back(&d);
    if (defs.empty()) return;
    static const char* const kGeometry[] = {"x", "y", "lon", "lat", "lng", "longitude", "latitude", "wkt", "geometry_wkt"};
    std::map<std::string, std::size_t> taken;  // canonical → column index
    std::vector<bool> known(t.columns.size(), false);
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        const Match m = match_column(defs, t.headers[i]);
        if (!m.def) continue;
        known[i] = true;
        const std::string canon = m.def->column;
        if (auto [it, fresh] = taken.emplace(canon, i); !fresh) {
            problems.add(t.file, "header", t.headers[i], "",
                         "columns '" + t.headers[it->second] + "' and '" + t.headers[i] + "' both give " + canon);
            t.suspect.insert(canon);
            continue;
        }
        t.columns[i] = canon;
        t.share[i] = std::string(m.def->unit) == "share";
        if (m.factor == 0.0) {
            problems.add(t.file, "header", t.headers[i], m.unit,
                         "unit not understood for " + canon + " (" + m.def->unit + "; see docs/inputs.md)");
            t.suspect.insert(canon);
            continue;
        }
        t.factor[i] = m.factor;
        const std::string fam = m.def->unit;
        if (m.via_alias && m.unit.empty() && !fam.empty() && fam != "share" && fam != "year" && fam != "mg/L")
            t.warnings.push_back(t.file + ": column '" + t.headers[i] + "' names no unit: read as " + canon + " (" +
                                 fam + ")");
    }
    // headers that are no known column: a near miss of a known column the table lacks is one problem
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (known[i]) continue;
        const std::string n = normalise_header(t.headers[i]);
        bool geometry = false;
        for (const char* g : kGeometry) geometry = geometry || n == g;
        if (geometry) continue;
        const ColumnDef* best = nullptr;
        std::string best_spelling;
        std::size_t best_d = 3;
        for (const ColumnDef* d : defs) {
            if (taken.count(d->column)) continue;
            std::vector<std::string> spellings = split_aliases(d->aliases);
            spellings.insert(spellings.begin(), normalise_header(d->column));
            for (const auto& sp : spellings) {
                const std::size_t dist = edit_distance(n, sp);
                const std::size_t len = edit_distance(sp, "");
                if (dist <= 2 && 3 * dist < len && dist < best_d) {
                    best = d;
                    best_d = dist;
                    best_spelling = sp;
                }
            }
        }
        if (!best) continue;
        std::string hint = best->column;
        if (best_spelling != normalise_header(best->column)) hint = best_spelling + " (" + best->column + ")";
        problems.add(t.file, "header", t.headers[i], "", "unknown column: did you mean " + hint + "?");
        t.suspect.insert(best->column);
    }
}

// Share columns written as percentages without saying so (利用率 = 75): read as percentages when every number is
// within 0..100 and some exceed 1.5 (no share or load factor does).
void percent_shares(Table& t) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (!t.share[c] || t.factor[c] != 1.0) continue;
        bool over = false, all_in = true;
        for (const auto& r : t.records) {
            if (!r.values[c]) continue;
            double v = 0.0;
            bool pct = false;
            if (!parse_cell_number(*r.values[c], v, pct) || pct) continue;
            over = over || v > 1.5;
            all_in = all_in && v >= 0.0 && v <= 100.0;
        }
        if (over && all_in) {
            t.factor[c] = 0.01;
            t.warnings.push_back(t.file + ": column '" + t.headers[c] + "' holds percentages (values above 1): read as " +
                                 t.columns[c] + " = value / 100");
        }
    }
}

}  // namespace

int Table::column(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == name) return static_cast<int>(i);
    return -1;
}

namespace {

// Spreadsheets: the first row is the header even when every cell is text (as most exports and ogr2ogr write them;
// GDAL would otherwise take such a row as data), and every cell is read as text. The XLSX and ODS drivers take these
// as configuration options, set for this thread only while the table is read.
struct ThreadOption {
    std::string key;
    std::string old;
    bool had;
    ThreadOption(const char* k, const char* v) : key(k) {
        const char* o = CPLGetThreadLocalConfigOption(k, nullptr);
        had = o != nullptr;
        if (o) old = o;
        CPLSetThreadLocalConfigOption(k, v);
    }
    ~ThreadOption() { CPLSetThreadLocalConfigOption(key.c_str(), had ? old.c_str() : nullptr); }
};

// A file in GDAL's in-memory file system, removed with this.
struct MemFile {
    std::string path;
    MemFile() = default;
    MemFile(MemFile&& o) noexcept : path(std::move(o.path)) { o.path.clear(); }
    MemFile& operator=(MemFile&&) = delete;
    ~MemFile() {
        if (!path.empty()) VSIUnlink(path.c_str());
    }
};

// An open table: the thread options it was opened with and its in-memory copy live as long as the dataset (and are
// released after it, in this order: memory file, dataset, options).
struct OpenTable {
    std::vector<std::unique_ptr<ThreadOption>> thread_opts;
    GDALDatasetUniquePtr ds;
    MemFile mem;
};

// CSV or text that is not UTF-8: Excel's plain "CSV" on Chinese Windows writes GBK/GB18030, so invalid UTF-8 that
// decodes as GB18030 is re-encoded into an in-memory file (its path returned) and read as such, with a warning.
// "" when the file is UTF-8; nullopt (a problem added) when it is neither.
std::optional<std::string> utf8_copy(const TableRef& ref, const std::string& ext, Table& t, Problems& problems) {
    std::FILE* f = std::fopen(ref.path.c_str(), "rb");
    if (!f) return std::string();
    std::string bytes;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    std::fclose(f);
    if (valid_utf8(bytes)) return std::string();
    auto utf8 = gb18030_to_utf8(bytes);
    if (!utf8) {
        problems.add(t.file, "", "", "",
                     "text is neither UTF-8 nor GBK/GB18030: save it as 'CSV UTF-8' or convert it with: "
                     "iconv -f <encoding> -t UTF-8");
        return std::nullopt;
    }
    const std::string mem_path = "/vsimem/qingliu-gb18030-" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) +
                                 "-" + std::to_string(reinterpret_cast<std::uintptr_t>(&t)) + ext;
    auto* mem = static_cast<GByte*>(CPLMalloc(utf8->size()));
    std::memcpy(mem, utf8->data(), utf8->size());
    VSILFILE* mf = VSIFileFromMemBuffer(mem_path.c_str(), mem, utf8->size(), TRUE);  // GDAL frees mem
    if (mf) VSIFCloseL(mf);
    t.warnings.push_back(t.file + ": text is GBK/GB18030 (Excel's plain 'CSV'), read as such; save it as "
                                  "'CSV UTF-8' to remove this warning");
    return mem_path;
}

// Opens the table with the options of its format; ds is null (and a problem added) when it cannot be read.
OpenTable open_table(const TableRef& ref, const std::string& ext, Table& t, Problems& problems) {
    OpenTable ot;
    std::string open_path = ref.path;
    const bool text = ext == ".csv" || ext == ".txt";
    if (text) {
        const std::optional<std::string> mem_path = utf8_copy(ref, ext, t, problems);
        if (!mem_path) return ot;
        if (!mem_path->empty()) open_path = *mem_path;
        ot.mem.path = *mem_path;
    }
    CPLStringList opts;
    if (text) {
        opts.AddNameValue("AUTODETECT_TYPE", "NO");
        opts.AddNameValue("HEADERS", "YES");
        opts.AddNameValue("EMPTY_STRING_AS_NULL", "YES");
        opts.AddNameValue("KEEP_GEOM_COLUMNS", "YES");
        opts.AddNameValue("X_POSSIBLE_NAMES", "x,lon,longitude,lng");
        opts.AddNameValue("Y_POSSIBLE_NAMES", "y,lat,latitude");
        opts.AddNameValue("GEOM_POSSIBLE_NAMES", "wkt,geometry_wkt");
    }
    if (ext == ".xlsx" || ext == ".xlsm" || ext == ".ods") {
        for (const char* k : {"OGR_XLSX_HEADERS", "OGR_ODS_HEADERS"}) ot.thread_opts.push_back(std::make_unique<ThreadOption>(k, "FORCE"));
        for (const char* k : {"OGR_XLSX_FIELD_TYPES", "OGR_ODS_FIELD_TYPES"})
            ot.thread_opts.push_back(std::make_unique<ThreadOption>(k, "STRING"));
    }
    ot.ds.reset(GDALDataset::Open(open_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.List(), nullptr));
    if (!ot.ds) {
        std::string msg = CPLGetLastErrorMsg();
        problems.add(t.file, "", "", "", "cannot be read as a table" + (msg.empty() ? std::string() : " (" + msg + ")"));
    }
    return ot;
}

// Every feature of the layer as a record (blank spreadsheet lines left out). Spreadsheet-like files label records by
// the row as a person sees it (header is row 1), others by feature id.
void read_records(OGRLayer* layer, bool spreadsheet, Table& t, Problems& problems) {
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    layer->ResetReading();
    std::size_t ordinal = 0;
    for (auto& feat : *layer) {
        ++ordinal;
        Record r;
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
}

}  // namespace

Table read_table(const TableRef& ref, Problems& problems, const std::string& kind) {
    init_gdal();
    Table t;
    t.file = ref.label();
    std::error_code ec;
    if (!fs::exists(ref.path, ec)) {
        problems.add(t.file, "", "", "", "file not found");
        return t;
    }
    const std::string ext = lower_ext(ref.path);
    const OpenTable ot = open_table(ref, ext, t, problems);
    if (!ot.ds) return t;
    OGRLayer* layer = ref.layer.empty() ? (ot.ds->GetLayerCount() > 0 ? ot.ds->GetLayer(0) : nullptr)
                                        : ot.ds->GetLayerByName(ref.layer.c_str());
    if (!layer) {
        std::string names;
        for (auto* l : ot.ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
        problems.add(t.file, "", "", "", "no layer or sheet '" + ref.layer + "' (has: " + names + ")");
        return t;
    }
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) t.columns.push_back(trim(defn->GetFieldDefn(i)->GetNameRef()));
    t.headers = t.columns;
    t.factor.assign(t.columns.size(), 1.0);
    t.share.assign(t.columns.size(), 0);
    if (!kind.empty()) apply_schema(t, kind, problems);
    if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        t.has_crs = true;
        t.geographic = srs->IsGeographic();
        char* wkt = nullptr;
        if (srs->exportToWkt(&wkt) == OGRERR_NONE && wkt) t.crs_wkt = wkt;
        CPLFree(wkt);
    }
    read_records(layer, ext == ".csv" || ext == ".txt" || ext == ".xlsx" || ext == ".ods" || ext == ".xls", t, problems);
    if (!t.has_crs) {  // CSV points without a CRS: longitude/latitude when they look like degrees
        bool deg = false;
        for (const auto& r : t.records)
            for (const auto& [x, y] : r.geometry.xy) deg = std::abs(x) <= 180.0 && std::abs(y) <= 90.0;
        t.geographic = deg;
    }
    percent_shares(t);
    return t;
}

bool RowReader::has(const std::string& field) const {
    const int c = t_.column(field);
    return c >= 0 && r_.values[c].has_value();
}

void RowReader::problem(const std::string& field, const std::string& value, const std::string& message) {
    if (t_.suppressed(field)) return;  // the header problem already names this column
    p_.add(t_.file, r_.label, field, value, message);
}

std::string RowReader::unique_text(const std::string& field, std::unordered_map<std::string, std::string>& seen) {
    std::string v = text(field, true).value_or("");
    if (v.empty()) return v;
    auto [it, fresh] = seen.emplace(v, r_.label);
    if (!fresh) problem(field, v, "duplicate id (first at " + it->second + ")");
    return v;
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
    bool percent = false;
    const std::size_t c = static_cast<std::size_t>(t_.column(field));
    const bool share = c < t_.share.size() && t_.share[c];
    if (!parse_cell_number(*s, v, percent) || (percent && !share)) {
        problem(field, *s, "expected a number");
        return std::nullopt;
    }
    v *= percent ? 0.01 : (c < t_.factor.size() ? t_.factor[c] : 1.0);
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
        if (t.column(c) < 0 && !t.suppressed(c)) problems.add(t.file, "header", c, "", "required column missing");
}

}  // namespace qingliu::io
