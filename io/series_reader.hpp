// Dynamic-run inputs of a case: the [dynamic] section of case.toml, the drainage_area_km2 reach column, and the
// daily flow and load series tables (read through io/table.hpp, so CSV, XLSX, GeoPackage ... all work).
//
//   [dynamic]
//   flows = "flows.csv"          # date, flow_m3s (a gauge), or date, reach_id, flow_m3s (per-reach own inflow)
//   gauge_reach = "MX03"         # the reach whose downstream end the gauge series describes
//   loads = "load_series.csv"    # optional: date, source_id (or type), factor
//   year = 2023                  # optional: the simulated year (default: the year of the first flow record)
//   washoff_exponent = 1.0       # optional: diffuse load ~ runoff^b
//   monthly_temperature_c = [8, 9, 13, 17, 21, 24, 26, 26, 23, 18, 14, 10]   # optional, else [conditions]
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hydro/flow_series.hpp"
#include "io/table.hpp"
#include "loads/load_series.hpp"
#include "scenarios/parameters.hpp"

namespace qingliu::io {

namespace detail {
inline std::string fmt_range(double lo, double hi) {
    char b[64];
    std::snprintf(b, sizeof b, "[%g, %g]", lo, hi);
    return b;
}
}  // namespace detail

struct DynamicSettings {
    bool present = false;  ///< the case has a [dynamic] section
    std::string case_file;
    std::string flows, gauge_reach, loads;  ///< paths resolved against the case folder ("" = not given)
    int year = 0;                           ///< 0: the year of the first flow record
    double washoff_exponent = 1.0;
    std::vector<double> monthly_temperature_c;  ///< empty or 12 values
    /// Per reach (in reach-table order): own catchment area in km2, NaN when the column or cell is empty.
    std::vector<double> drainage_area_km2;
};

/// Reads the [dynamic] table of case.toml (a toml++ table; kept generic so this header needs no toml++) against the
/// dynamic.* rows of the parameter table (scenarios/parameters.hpp): their keys, kinds and ranges.
/// Problems name the case file, the line and the key.
template <class TomlTable>
void read_dynamic_settings(const TomlTable& t, const std::string& case_file, const std::string& dir, Problems& probs,
                           DynamicSettings& out) {
    using scenarios::ParamKind;
    const std::vector<const scenarios::ParamDef*> defs = scenarios::section_parameters("dynamic");
    out.present = true;
    out.case_file = case_file;
    auto line = [](const auto& node) { return "line " + std::to_string(node.source().begin.line); };
    auto range = [](const scenarios::ParamDef& d) { return detail::fmt_range(d.min, d.max); };
    for (const auto& [k, v] : t) {
        const std::string key = "dynamic." + std::string(k.str());
        const auto it = std::find_if(defs.begin(), defs.end(), [&](const scenarios::ParamDef* d) { return d->key == key; });
        if (it == defs.end()) {
            std::string list;
            for (const auto* d : defs) list += (list.empty() ? "" : ", ") + d->key.substr(8);
            probs.add(case_file, line(v), key, "", "unknown key (expected " + list + ")");
            continue;
        }
        const scenarios::ParamDef& d = **it;
        switch (d.kind) {
            case ParamKind::Text:
            case ParamKind::Table: {
                auto s = v.template value<std::string>();
                if (!s || s->empty()) {
                    probs.add(case_file, line(v), key, "", "expected a non-empty text");
                    break;
                }
                std::string val = *s;
                if (d.kind == ParamKind::Table && val.front() != '/') val = dir + "/" + val;
                (key == "dynamic.flows" ? out.flows : key == "dynamic.loads" ? out.loads : out.gauge_reach) = val;
                break;
            }
            case ParamKind::Integer: {
                auto y = v.template value<int64_t>();
                if (!y || *y < d.min || *y > d.max) probs.add(case_file, line(v), key, "", "expected a whole number in " + range(d));
                else if (key == "dynamic.year") out.year = static_cast<int>(*y);
                break;
            }
            case ParamKind::Number: {
                auto b = v.template value<double>();
                if (!b || !(*b >= d.min && *b <= d.max)) probs.add(case_file, line(v), key, "", "expected a number in " + range(d));
                else if (key == "dynamic.washoff_exponent") out.washoff_exponent = *b;
                break;
            }
            case ParamKind::Numbers12: {
                const auto* arr = v.as_array();
                if (!arr || arr->size() != 12) {
                    probs.add(case_file, line(v), key, "", "expected 12 monthly values (" + d.unit + ")");
                    break;
                }
                for (const auto& e : *arr) {
                    auto x = e.template value<double>();
                    if (!x || !(*x >= d.min && *x <= d.max)) {
                        probs.add(case_file, line(v), key, "", "each value must be a number in " + range(d) + " " + d.unit);
                        out.monthly_temperature_c.clear();
                        break;
                    }
                    out.monthly_temperature_c.push_back(*x);
                }
                break;
            }
        }
    }
    if (out.flows.empty()) probs.add(case_file, "[dynamic]", "dynamic.flows", "", "required: the daily flow table");
}

/// Daily flows for one year, as read.
struct DailyFlows {
    int year = 0;
    std::vector<double> gauge_m3s;  ///< per day (date, flow_m3s tables)
    std::vector<std::pair<std::string, std::vector<double>>> reaches;  ///< per reach id (date, reach_id, flow_m3s)
};

/// Reads a flow table: every day of the year exactly once (per reach). year = 0: the year of the first record.
/// Problems name the file, the record and the field.
DailyFlows read_flow_series(const TableRef& ref, int year, Problems& probs);

/// Reads a load factor table (date, source_id or type, factor >= 0) for the given year; known ids and types are
/// checked. Days missing for a key keep factor 1.
std::vector<loads::LoadFactorSeries> read_load_series(const TableRef& ref, int year, const std::set<std::string>& source_ids,
                                                      const std::set<std::string>& types, Problems& probs);

}  // namespace qingliu::io
