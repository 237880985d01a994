// Reads a case folder (case.toml naming its tables) into a CaseModel, checking everything and reporting every
// problem at once with file, record and field.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "io/series_reader.hpp"
#include "io/water_quality_settings.hpp"
#include "io/table.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::io {

struct LoadedCase {
    scenarios::CaseModel model;
    std::string dir;                      ///< case folder
    std::string case_file;                ///< path of case.toml
    std::vector<std::string> input_files; ///< every file read (case file first), for digests and the run store
    std::vector<std::string> warnings;    ///< things that are allowed but worth saying
    std::vector<std::pair<std::string, double>> parameters;  ///< effective scalar parameters (key, value)
    std::vector<scenarios::Scenario> scenarios;           ///< from [tables] scenarios (the baseline is implicit)
    DynamicSettings dynamic;                              ///< [dynamic] section and drainage areas (dynamic runs)
    WaterQualitySettings water_quality;                   ///< [water_quality] (the water-quality kinetics)
    std::optional<TableRef> observations;  ///< [tables] observations (calibration), if named
    std::optional<TableRef> uncertainty;   ///< [tables] uncertainty (Monte Carlo ranges), if named
    /// Length of each reach's line in metres (aligned with the reaches table; NaN for a reach without a line):
    /// planar length, or for longitude/latitude the length in a local equirectangular projection about the
    /// network's mean vertex (sphere of mean radius 6371.0088 km). The model uses length_km; this is for checks.
    std::vector<double> reach_line_length_m;
};

/// `path` is a case folder (containing case.toml) or a case file. Throws InputError listing every problem.
LoadedCase load_case(const std::string& path);

/// The table case.toml names under [tables] `name` ("file" or { path = ..., layer = ... }), resolved against the case
/// folder; nullopt when not named, or (with a problem added) when the entry or the case file cannot be read.
std::optional<TableRef> named_case_table(const LoadedCase& lc, const std::string& name, Problems& problems);

}  // namespace qingliu::io
