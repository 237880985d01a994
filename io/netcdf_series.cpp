#include "io/netcdf_series.hpp"

#include <netcdf.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>

#include "common/error.hpp"
#include "report/layout.hpp"

namespace qingliu::io {

namespace {

constexpr int kClassWorseThanV = 6;

[[noreturn]] void fail(const std::string& path, const std::string& what, int status) {
    throw OutputError("NetCDF file " + path + ": " + what + ": " + nc_strerror(status));
}

void check(int status, const std::string& path, const std::string& what) {
    if (status != NC_NOERR) fail(path, what, status);
}

std::string iso_date(int y, int m, int d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

// Units of the state-variable table in UDUNITS syntax, as CF asks.
std::string udunits(std::string_view unit) {
    if (unit == "mg/L") return "mg L-1";
    if (unit == "m3/s") return "m3 s-1";
    return std::string(unit);
}

class Definer {
public:
    Definer(int ncid, const std::string& path) : ncid_(ncid), path_(path) {}
    int dim(const std::string& name, std::size_t len) {
        int id = -1;
        check(nc_def_dim(ncid_, name.c_str(), std::max<std::size_t>(len, 1), &id), path_, "dimension " + name);
        return id;
    }
    int var(const std::string& name, nc_type type, std::initializer_list<int> dims) {
        int id = -1;
        const std::vector<int> d(dims);
        check(nc_def_var(ncid_, name.c_str(), type, static_cast<int>(d.size()), d.data(), &id), path_, "variable " + name);
        return id;
    }
    void text(int var, const std::string& name, const std::string& value) {
        check(nc_put_att_text(ncid_, var, name.c_str(), value.size(), value.c_str()), path_, "attribute " + name);
    }
    void real(int var, const std::string& name, double value) {
        check(nc_put_att_double(ncid_, var, name.c_str(), NC_DOUBLE, 1, &value), path_, "attribute " + name);
    }
    void fill_float(int var, nc_type type) {
        if (type == NC_FLOAT) {
            const float nan = std::numeric_limits<float>::quiet_NaN();
            check(nc_put_att_float(ncid_, var, "_FillValue", NC_FLOAT, 1, &nan), path_, "attribute _FillValue");
        } else {
            const double nan = std::numeric_limits<double>::quiet_NaN();
            check(nc_put_att_double(ncid_, var, "_FillValue", NC_DOUBLE, 1, &nan), path_, "attribute _FillValue");
        }
    }
    void labels(int var, const std::string& en, const std::string& zh) {
        text(var, "long_name", en);
        text(var, "long_name_zh", zh);
    }

private:
    int ncid_;
    const std::string& path_;
};

std::size_t longest(const std::vector<std::string>& v) {
    std::size_t n = 1;
    for (const auto& s : v) n = std::max(n, s.size());
    return n;
}

// A string per station as a char array (station, len), zero-padded.
void put_strings(int ncid, int var, const std::vector<std::string>& v, std::size_t len, const std::string& path) {
    std::vector<char> buf(v.size() * len, '\0');
    for (std::size_t i = 0; i < v.size(); ++i) std::copy(v[i].begin(), v[i].end(), buf.begin() + static_cast<std::ptrdiff_t>(i * len));
    if (!v.empty()) check(nc_put_var_text(ncid, var, buf.data()), path, "writing station names");
}

// What the header defines: variable ids, and the station strings to write with their lengths.
struct Header {
    bool sections = false;
    std::string what, what_zh;  // "section" / "reach", 断面 / 河段
    int station = -1, time = -1;
    int tvar = -1, bvar = -1, lonvar = -1, latvar = -1, posvar = -1, tcvar = -1;
    bool coords = false;
    std::vector<std::pair<int, const std::vector<std::string>*>> strings;
    std::vector<std::size_t> lens;
    int flow = -1, cls = -1;
    std::vector<int> conc;
};

void global_attributes(Definer& d, const Header& h, const SeriesFileSpec& spec) {
    d.text(NC_GLOBAL, "Conventions", "CF-1.8");
    d.text(NC_GLOBAL, "featureType", "timeSeries");
    const auto either = [](const std::string& given, const char* otherwise) { return given.empty() ? std::string(otherwise) : given; };
    d.text(NC_GLOBAL, "title", either(spec.title, h.sections ? "Daily water quality at the monitoring sections (qingliu dynamic)"
                                                             : "Daily flow and water quality at every reach end (qingliu dynamic)"));
    d.text(NC_GLOBAL, "title_zh", either(spec.title_zh, h.sections ? "监测断面逐日水质（清流动态模拟）" : "各河段末端逐日流量与水质（清流动态模拟）"));
    d.text(NC_GLOBAL, "source", either(spec.source, "qingliu dynamic model: completely mixed cells per reach, daily forcing"));
    d.text(NC_GLOBAL, "case", spec.case_name);
    if (!spec.case_name_en.empty()) d.text(NC_GLOBAL, "case_en", spec.case_name_en);
    d.text(NC_GLOBAL, "scenario", spec.scenario);
    for (const auto& [k, v] : spec.attributes) d.text(NC_GLOBAL, k, v);
}

// Dimensions, the time coordinate (with bounds for interval means) and the station id.
void define_axes(Definer& d, Header& h, const SeriesStations& st, const SeriesFileSpec& spec, std::size_t stations, std::size_t steps) {
    h.station = d.dim("station", stations);
    h.time = d.dim("time", steps);
    const int nv = h.sections ? -1 : d.dim("nv", 2);
    const std::size_t id_len = longest(st.ids);
    const int id_dim = d.dim("id_len", id_len);
    h.tvar = d.var("time", NC_DOUBLE, {h.time});
    d.text(h.tvar, "standard_name", "time");
    d.labels(h.tvar, h.sections ? "time of the sample (end of the day)" : "time (start of the day)",
             h.sections ? "采样时刻（当日末）" : "时间（当日起）");
    d.text(h.tvar, "units", "days since " + iso_date(spec.year, spec.month, spec.day) + " 00:00:00");
    d.text(h.tvar, "calendar", "standard");
    d.text(h.tvar, "axis", "T");
    if (!h.sections) {
        d.text(h.tvar, "bounds", "time_bnds");
        h.bvar = d.var("time_bnds", NC_DOUBLE, {h.time, nv});
    }
    const int idvar = d.var(h.what + "_id", NC_CHAR, {h.station, id_dim});
    d.text(idvar, "cf_role", "timeseries_id");
    d.labels(idvar, h.what + " id", h.what_zh + "编号");
    d.text(idvar, "_Encoding", "utf-8");
    h.strings = {{idvar, &st.ids}};
    h.lens = {id_len};
}

// Names, rivers, coordinates, positions and target classes of the stations, where given for every station.
void define_station_variables(Definer& d, Header& h, const SeriesStations& st, std::size_t stations, int ncid, const std::string& path) {
    auto string_var = [&](const std::string& name, const std::vector<std::string>& v, const std::string& en, const std::string& zh) {
        if (v.size() != stations) return;
        const std::size_t len = longest(v);
        const int dim = d.dim(name + "_len", len);
        const int var = d.var(name, NC_CHAR, {h.station, dim});
        d.labels(var, en, zh);
        d.text(var, "_Encoding", "utf-8");
        h.strings.emplace_back(var, &v);
        h.lens.push_back(len);
    };
    string_var("name", st.names, h.what + " name", h.what_zh + "名称");
    string_var("name_en", st.names_en, h.what + " name in English", h.what_zh + "英文名称");
    string_var("river", st.rivers, "river", "河流");
    string_var("reach_id", st.reach_ids, "reach holding the section", "所在河段");
    h.coords = st.lon.size() == stations && st.lat.size() == stations;
    // lon or lat of each station: standard name, labels (of the section, or of the reach's downstream end), units
    auto coordinate = [&](const char* name, const std::string& standard, const char* zh, const char* units) {
        const int var = d.var(name, NC_DOUBLE, {h.station});
        d.text(var, "standard_name", standard);
        d.labels(var, standard + (h.sections ? " of the section" : " of the reach's downstream end"),
                 std::string(h.sections ? "断面" : "河段末端") + zh);
        d.text(var, "units", units);
        d.fill_float(var, NC_DOUBLE);
        return var;
    };
    if (h.coords) {
        h.lonvar = coordinate("lon", "longitude", "经度", "degrees_east");
        h.latvar = coordinate("lat", "latitude", "纬度", "degrees_north");
    }
    if (st.position_km.size() == stations) {
        h.posvar = d.var("position_km", NC_DOUBLE, {h.station});
        d.labels(h.posvar, "position from the reach's upstream end", "距河段起点里程");
        d.text(h.posvar, "units", "km");
    }
    if (h.sections && st.target_class.size() == stations) {
        h.tcvar = d.var("target_class", NC_BYTE, {h.station});
        d.labels(h.tcvar, "GB 3838-2002 target class", "水质目标类别");
        const signed char flags[5] = {1, 2, 3, 4, 5};
        check(nc_put_att_schar(ncid, h.tcvar, "flag_values", NC_BYTE, 5, flags), path, "attribute flag_values");
        d.text(h.tcvar, "flag_meanings", "I II III IV V");
    }
}

// The data variables: flow, one per state variable, and the class of the day at sections.
void define_data(Definer& d, Header& h, const SeriesFileSpec& spec, int ncid, const std::string& path) {
    const nc_type vt = spec.double_precision ? NC_DOUBLE : NC_FLOAT;
    const std::string coord_attr = h.coords ? "lat lon " + h.what + "_id" : h.what + "_id";
    const std::string method = h.sections ? "time: point" : "time: mean";
    const std::string where = h.sections ? " at the section" : ", flow-weighted mean at the reach end over the day";
    const std::string where_zh = h.sections ? "（断面）" : "（河段末端日均，流量加权）";
    h.flow = d.var("flow", vt, {h.station, h.time});
    d.text(h.flow, "standard_name", "water_volume_transport_in_river_channel");
    d.labels(h.flow, h.sections ? "river flow at the section" : "river flow at the reach end, mean over the day",
             h.sections ? "流量（断面）" : "流量（河段末端日均）");
    d.text(h.flow, "units", "m3 s-1");
    d.text(h.flow, "coordinates", coord_attr);
    d.text(h.flow, "cell_methods", method);
    std::vector<SeriesVariable> vars = spec.variables;
    if (vars.empty())
        for (const Constituent c : kConstituents)
            vars.push_back({std::string(key(c)), udunits(variable(c).unit), std::string(label_en(c)), std::string(label_zh(c))});
    for (const SeriesVariable& sv : vars) {
        const int v = d.var(sv.key, vt, {h.station, h.time});
        d.labels(v, sv.long_name + where, sv.long_name_zh + where_zh);
        d.text(v, "units", sv.units);
        d.text(v, "coordinates", coord_attr);
        d.text(v, "cell_methods", method);
        h.conc.push_back(v);
    }
    if (h.sections) {
        h.cls = d.var("class", NC_BYTE, {h.station, h.time});
        d.labels(h.cls, "GB 3838-2002 class of the day (single-factor evaluation)", "当日水质类别（单因子评价）");
        const signed char flags[6] = {1, 2, 3, 4, 5, kClassWorseThanV};
        check(nc_put_att_schar(ncid, h.cls, "flag_values", NC_BYTE, 6, flags), path, "attribute flag_values");
        d.text(h.cls, "flag_meanings", "I II III IV V worse_than_V");
        d.text(h.cls, "coordinates", coord_attr);
        const signed char none = 0;
        check(nc_put_att_schar(ncid, h.cls, "_FillValue", NC_BYTE, 1, &none), path, "attribute _FillValue");
    }
}

// The time coordinate and every station variable (after the header is ended).
void write_stations(int ncid, const Header& h, const SeriesStations& st, const SeriesFileSpec& spec, std::size_t steps,
                    const std::string& path) {
    std::vector<double> t(steps), b;
    for (std::size_t s = 0; s < steps; ++s) t[s] = (h.sections ? static_cast<double>(s + 1) : static_cast<double>(s)) * spec.step_days;
    check(nc_put_var_double(ncid, h.tvar, t.data()), path, "time");
    if (h.bvar >= 0) {
        b.resize(2 * steps);
        for (std::size_t s = 0; s < steps; ++s) {
            b[2 * s] = static_cast<double>(s) * spec.step_days;
            b[2 * s + 1] = static_cast<double>(s + 1) * spec.step_days;
        }
        check(nc_put_var_double(ncid, h.bvar, b.data()), path, "time bounds");
    }
    for (std::size_t i = 0; i < h.strings.size(); ++i) put_strings(ncid, h.strings[i].first, *h.strings[i].second, h.lens[i], path);
    if (h.coords) {
        check(nc_put_var_double(ncid, h.lonvar, st.lon.data()), path, "lon");
        check(nc_put_var_double(ncid, h.latvar, st.lat.data()), path, "lat");
    }
    if (h.posvar >= 0) check(nc_put_var_double(ncid, h.posvar, st.position_km.data()), path, "position_km");
    if (h.tcvar >= 0) {
        std::vector<signed char> tc(st.target_class.begin(), st.target_class.end());
        check(nc_put_var_schar(ncid, h.tcvar, tc.data()), path, "target_class");
    }
}

}  // namespace

SeriesWriter::SeriesWriter(const std::string& path, const SeriesStations& st, const SeriesFileSpec& spec)
    : path_(path), stations_(st.ids.size()), steps_(spec.steps) {
    if (stations_ == 0 || steps_ == 0) throw OutputError("NetCDF file " + path + ": no stations or no intervals to write");
    check(nc_create(path.c_str(), NC_CLOBBER | NC_64BIT_OFFSET, &ncid_), path, "cannot create");
    int old_fill = 0;
    check(nc_set_fill(ncid_, NC_NOFILL, &old_fill), path, "fill mode");
    Definer d(ncid_, path_);
    Header h;
    h.sections = st.kind == SeriesKind::Sections;
    h.what = h.sections ? "section" : "reach";
    h.what_zh = h.sections ? "断面" : "河段";
    global_attributes(d, h, spec);
    define_axes(d, h, st, spec, stations_, steps_);
    define_station_variables(d, h, st, stations_, ncid_, path);
    // the large variables last, so that the file's header and small variables come first
    define_data(d, h, spec, ncid_, path);
    check(nc_enddef(ncid_), path, "header");
    flow_var_ = h.flow;
    class_var_ = h.cls;
    conc_var_ = h.conc;
    write_stations(ncid_, h, st, spec, steps_, path);
}

SeriesWriter::~SeriesWriter() {
    if (ncid_ >= 0) nc_close(ncid_);
}

template <class T>
void SeriesWriter::put_values(std::size_t station, const T* flow, const T* conc) {
    if (station >= stations_) throw OutputError("NetCDF file " + path_ + ": station " + std::to_string(station) + " out of range");
    const std::size_t start[2] = {station, 0}, count[2] = {1, steps_};
    std::lock_guard<std::mutex> lock(mutex_);
    auto put = [&](int var, const T* v) {
        int st = NC_NOERR;
        if constexpr (std::is_same_v<T, float>)
            st = nc_put_vara_float(ncid_, var, start, count, v);
        else
            st = nc_put_vara_double(ncid_, var, start, count, v);
        check(st, path_, "writing station " + std::to_string(station));
    };
    put(flow_var_, flow);
    for (std::size_t c = 0; c < conc_var_.size(); ++c) put(conc_var_[c], conc + c * steps_);
}

void SeriesWriter::put(std::size_t station, const float* flow, const float* conc) { put_values(station, flow, conc); }
void SeriesWriter::put(std::size_t station, const double* flow, const double* conc) { put_values(station, flow, conc); }

void SeriesWriter::put_class(std::size_t station, const std::int8_t* cls) {
    if (class_var_ < 0) throw OutputError("NetCDF file " + path_ + ": classes are written for sections only");
    if (station >= stations_) throw OutputError("NetCDF file " + path_ + ": station " + std::to_string(station) + " out of range");
    const std::size_t start[2] = {station, 0}, count[2] = {1, steps_};
    std::lock_guard<std::mutex> lock(mutex_);
    check(nc_put_vara_schar(ncid_, class_var_, start, count, reinterpret_cast<const signed char*>(cls)), path_,
          "writing classes of station " + std::to_string(station));
}

void SeriesWriter::close() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ncid_ < 0) return;
    const int id = ncid_;
    ncid_ = -1;
    check(nc_close(id), path_, "closing");
}

// ---------------------------------------------------------------------------------------------------------------

namespace {

std::string text_att(int ncid, int var, const char* name) {
    std::size_t len = 0;
    if (nc_inq_attlen(ncid, var, name, &len) != NC_NOERR) return "";
    std::string s(len, '\0');
    if (nc_get_att_text(ncid, var, name, s.data()) != NC_NOERR) return "";
    return s;
}

}  // namespace

SeriesFile read_series(const std::string& path) {
    int ncid = -1;
    check(nc_open(path.c_str(), NC_NOWRITE, &ncid), path, "cannot open");
    struct Closer {
        int id;
        ~Closer() { nc_close(id); }
    } closer{ncid};
    SeriesFile f;
    f.feature_type = text_att(ncid, NC_GLOBAL, "featureType");
    f.conventions = text_att(ncid, NC_GLOBAL, "Conventions");
    int station_dim = -1, time_dim = -1;
    check(nc_inq_dimid(ncid, "station", &station_dim), path, "dimension station");
    check(nc_inq_dimid(ncid, "time", &time_dim), path, "dimension time");
    std::size_t n = 0;
    check(nc_inq_dimlen(ncid, station_dim, &n), path, "dimension station");
    check(nc_inq_dimlen(ncid, time_dim, &f.steps), path, "dimension time");
    int var = -1;
    check(nc_inq_varid(ncid, "time", &var), path, "variable time");
    f.time.resize(f.steps);
    check(nc_get_var_double(ncid, var, f.time.data()), path, "variable time");
    f.time_units = text_att(ncid, var, "units");
    f.calendar = text_att(ncid, var, "calendar");
    // the station ids: the variable with cf_role timeseries_id
    int nvars = 0;
    check(nc_inq_nvars(ncid, &nvars), path, "variables");
    for (int v = 0; v < nvars; ++v) {
        if (text_att(ncid, v, "cf_role") != "timeseries_id") continue;
        int dims[2];
        check(nc_inq_vardimid(ncid, v, dims), path, "station ids");
        std::size_t len = 0;
        check(nc_inq_dimlen(ncid, dims[1], &len), path, "station ids");
        std::vector<char> buf(n * len);
        check(nc_get_var_text(ncid, v, buf.data()), path, "station ids");
        for (std::size_t i = 0; i < n; ++i) {
            std::string s(buf.data() + i * len, len);
            s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
            f.ids.push_back(std::move(s));
        }
    }
    auto doubles = [&](const char* name, std::vector<double>& out, std::size_t size, bool required) {
        int v = -1;
        if (nc_inq_varid(ncid, name, &v) != NC_NOERR) {
            if (required) fail(path, std::string("variable ") + name, NC_ENOTVAR);
            return;
        }
        out.resize(size);
        check(nc_get_var_double(ncid, v, out.data()), path, std::string("variable ") + name);
    };
    doubles("lon", f.lon, n, false);
    doubles("lat", f.lat, n, false);
    doubles("flow", f.flow, n * f.steps, true);
    // every other (station, time) number: the state variables or the water-quality items
    for (int v = 0; v < nvars; ++v) {
        char name[NC_MAX_NAME + 1];
        nc_type type = NC_NAT;
        int ndims = 0, dims[NC_MAX_VAR_DIMS];
        check(nc_inq_var(ncid, v, name, &type, &ndims, dims, nullptr), path, "variables");
        const std::string key = name;
        if (ndims != 2 || dims[0] != station_dim || dims[1] != time_dim || key == "flow" || key == "class") continue;
        if (type != NC_FLOAT && type != NC_DOUBLE) continue;
        doubles(name, f.values[key], n * f.steps, true);
        f.units[key] = text_att(ncid, v, "units");
    }
    for (const Constituent c : kConstituents)
        if (auto it = f.values.find(std::string(key(c))); it != f.values.end()) f.conc[idx(c)] = it->second;
    if (nc_inq_varid(ncid, "class", &var) == NC_NOERR) {
        f.cls.resize(n * f.steps);
        check(nc_get_var_int(ncid, var, f.cls.data()), path, "variable class");
    }
    return f;
}

// ---------------------------------------------------------------------------------------------------------------

namespace {

// Reach lines as longitude/latitude (WGS 84), or empty when the case has none or they cannot be transformed.
std::vector<std::vector<report::XY>> geographic_lines(const scenarios::CaseModel& m) {
    std::vector<std::vector<report::XY>> out;
    if (m.reach_lines.size() != m.net.size()) return out;
    for (const auto& line : m.reach_lines)
        if (line.empty()) return {};
    std::unique_ptr<OGRCoordinateTransformation, void (*)(OGRCoordinateTransformation*)> ct(nullptr, [](OGRCoordinateTransformation* c) {
        OGRCoordinateTransformation::DestroyCT(c);
    });
    if (!m.geographic) {
        if (m.crs_wkt.empty()) return {};
        OGRSpatialReference src, wgs84;
        if (src.importFromWkt(m.crs_wkt.c_str()) != OGRERR_NONE || wgs84.importFromEPSG(4326) != OGRERR_NONE) return {};
        src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        ct.reset(OGRCreateCoordinateTransformation(&src, &wgs84));
        if (!ct) return {};
    }
    for (const auto& line : m.reach_lines) {
        std::vector<report::XY> l;
        for (auto [x, y] : line) {
            if (ct && !ct->Transform(1, &x, &y)) return {};
            l.push_back({x, y});
        }
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace

SeriesStations reach_stations(const scenarios::CaseModel& m) {
    SeriesStations st;
    st.kind = SeriesKind::ReachEnds;
    const std::size_t n = m.net.size();
    for (std::size_t r = 0; r < n; ++r) st.ids.push_back(m.net.topo.id(r));
    if (m.net.name.size() == n) st.names = m.net.name;
    if (m.net.river.size() == n) st.rivers = m.net.river;
    const auto lines = geographic_lines(m);
    if (!lines.empty())
        for (const auto& l : lines) {
            st.lon.push_back(l.back().x);
            st.lat.push_back(l.back().y);
        }
    return st;
}

SeriesStations section_stations(const scenarios::CaseModel& m) {
    SeriesStations st;
    st.kind = SeriesKind::Sections;
    const auto lines = geographic_lines(m);
    for (const auto& s : m.sections) {
        st.ids.push_back(s.id);
        st.names.push_back(s.name);
        st.names_en.push_back(s.name_en);
        st.rivers.push_back(s.river);
        st.reach_ids.push_back(m.net.topo.id(s.reach));
        st.position_km.push_back(s.position_m / kMetresPerKm);
        st.target_class.push_back(s.target_class);
        if (!lines.empty()) {
            const double len = m.net.length_m[s.reach];
            const report::XY p = report::point_along(lines[s.reach], len > 0.0 ? s.position_m / len : 0.0);
            st.lon.push_back(p.x);
            st.lat.push_back(p.y);
        }
    }
    return st;
}

}  // namespace qingliu::io
