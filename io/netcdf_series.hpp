// Daily series of a dynamic run as NetCDF: a CF-1.8 discrete-sampling-geometry collection of time series
// (featureType timeSeries, orthogonal multidimensional representation), one file per kind of station (reach ends or
// sections) and scenario, what xarray, Panoply, QGIS and ncdump open as they are.
//
//   dimensions:  station = reaches or sections, time = intervals, nv = 2, <id>_len, name_len ...
//   time(time)                 days since the first day 00:00, calendar "standard"; time_bnds(time, nv)
//   <kind>_id(station)         char, cf_role = "timeseries_id"; name, river ... (UTF-8 char arrays, _Encoding utf-8)
//   lon(station), lat(station) degrees east/north (WGS 84) when the case has coordinates
//   flow(station, time)        m3 s-1, standard_name water_volume_transport_in_river_channel
//   <key>(station, time)       one per state variable (cod, nh3n, tp ...), mg L-1; or the variables the spec names
//                              (the water-quality model's GB 3838 items: do, codmn, cod, bod5, nh3n, tp, tn)
//   class(station, time)       sections only: GB 3838-2002 class of the day, 1..6 (6: worse than V)
// Every variable carries units, long_name (English) and long_name_zh (Chinese).
//
// Reach-end values are flow-weighted means over each interval (cell_methods "time: mean", time bounds); section
// values are the concentration of the cell holding the section at the end of each interval (cell_methods
// "time: point", the time coordinate is that instant).
//
// The file is netCDF 64-bit offset (readable by every netCDF library since 3.6, and by scipy), not filled, and
// written station by station as the solver finishes each reach (put() is thread-safe), so the whole year of every
// reach is never held in memory. The writer only writes what it is given.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/constituent.hpp"
#include "scenarios/case.hpp"

namespace qingliu::io {

enum class SeriesKind { ReachEnds, Sections };

struct SeriesStations {
    SeriesKind kind = SeriesKind::ReachEnds;
    std::vector<std::string> ids;       ///< reach_id or section_id
    std::vector<std::string> names;     ///< Chinese (or as given); may be empty
    std::vector<std::string> names_en;  ///< sections: English names; may be empty
    std::vector<std::string> rivers;    ///< may be empty
    std::vector<std::string> reach_ids; ///< sections: the reach holding each section; may be empty
    std::vector<double> position_km;    ///< sections: from the reach's upstream end; may be empty
    std::vector<int> target_class;      ///< sections: 1..5; may be empty
    /// WGS 84 longitude and latitude (degrees) per station; both empty when the case has no coordinates, NaN for a
    /// station without one.
    std::vector<double> lon, lat;
};

/// A data variable of the file besides flow and class: its name, UDUNITS units and labels.
struct SeriesVariable {
    std::string key, units, long_name, long_name_zh;
};

struct SeriesFileSpec {
    std::string case_name, case_name_en, scenario;
    int year = 0, month = 1, day = 1;  ///< calendar date of the first interval's start
    std::size_t steps = 0;
    double step_days = 1.0;
    bool double_precision = false;      ///< values as double (else float: 7 significant digits)
    /// Extra global attributes (text), e.g. ("qingliu_run", "..."); written as given.
    std::vector<std::pair<std::string, std::string>> attributes;
    /// The data variables besides flow (and class at sections); empty: one per state variable of
    /// common/constituent.hpp. long_name gets where the value is (" at the section") appended.
    std::vector<SeriesVariable> variables;
    /// Global title, title_zh and source; empty: those of the three-constituent run.
    std::string title, title_zh, source;
};

/// Writes one series file. Throws OutputError naming the file on any netCDF error; the destructor of a writer that
/// was not closed closes it and leaves a file the caller must discard (io::OutputDir removes staged files).
class SeriesWriter {
public:
    SeriesWriter(const std::string& path, const SeriesStations& stations, const SeriesFileSpec& spec);
    ~SeriesWriter();
    SeriesWriter(const SeriesWriter&) = delete;
    SeriesWriter& operator=(const SeriesWriter&) = delete;

    /// One station's series: flow_m3s[s] and conc_mgL[c * steps + s] (variable-major: the constituents, or the spec's
    /// variables in their order), s < steps. Thread-safe.
    void put(std::size_t station, const float* flow_m3s, const float* conc_mgL);
    void put(std::size_t station, const double* flow_m3s, const double* conc_mgL);
    /// Sections: the class of each interval (1..6; 0: none).
    void put_class(std::size_t station, const std::int8_t* cls);
    /// Closes the file; throws OutputError if the data cannot be flushed.
    void close();
    const std::string& path() const { return path_; }

private:
    template <class T>
    void put_values(std::size_t station, const T* flow, const T* conc);
    std::string path_;
    int ncid_ = -1;
    int flow_var_ = -1, class_var_ = -1;
    std::vector<int> conc_var_;
    std::size_t stations_ = 0, steps_ = 0;
    std::mutex mutex_;
};

/// The reach ends of a case as stations: ids, names, rivers, and the WGS 84 position of each reach's downstream
/// end when the case has reach lines (projected lines are transformed from the case's CRS).
SeriesStations reach_stations(const scenarios::CaseModel& m);
/// The sections of a case as stations: ids, names, rivers, reach, position, target class, and their WGS 84
/// position along the reach line when the case has reach lines.
SeriesStations section_stations(const scenarios::CaseModel& m);

/// A series file read back (tests, tools): every value as double.
struct SeriesFile {
    std::string feature_type, conventions, time_units, calendar;
    std::vector<std::string> ids;
    std::vector<double> time, lon, lat;
    std::vector<double> flow;                                ///< station * steps + s
    std::array<std::vector<double>, kNumConstituents> conc;  ///< per constituent, station * steps + s
    std::vector<int> cls;                                    ///< sections: station * steps + s
    /// Every (station, time) variable besides flow and class, by name: values (station * steps + s) and units.
    std::map<std::string, std::vector<double>> values;
    std::map<std::string, std::string> units;
    std::size_t steps = 0;
};
SeriesFile read_series(const std::string& path);

}  // namespace qingliu::io
