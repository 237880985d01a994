// The [water_quality] table of case.toml: how `qingliu water-quality` evaluates the case with the QUAL2K-class
// kinetics (analyses/water_quality.hpp). Keys, kinds and ranges are the water_quality.* rows of the parameter table
// (scenarios/parameters.cpp), so `qingliu params` lists them:
//
//   [water_quality]
//   model = "plug"                        # or "elements" (QUAL2K's completely mixed elements)
//   elements_per_reach = 1                # model = "elements" only
//   reaeration = "internal"               # QUAL2K's automatic choice; or oconnor-dobbins, churchill, ...
//   river_do_share_of_saturation = 0.9    # DO of headwater and lateral inflow
//   default_width_m = 100                 # ESTIMATE: width of reaches without depth: H = Q / (u W)
//   reach_width_m = { MX1 = 25 }          # ESTIMATE: named reaches
//   default_depth_m = 2.0                 # ESTIMATE: depth where no width applies
//   sod_g_m2_d = 0.0                      # every reach
//   reach_sod_g_m2_d = { MX2 = 1.5 }      # named reaches
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "reaches/network.hpp"
#include "reaches/oxygen.hpp"
#include "scenarios/parameters.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::io {

struct WaterQualitySettings {
    bool present = false;                     ///< the case has a [water_quality] table
    scenarios::WaterQualityOptions options;   ///< what the evaluation uses (defaults where the table is silent)
    std::string model = "plug";               ///< "plug" or "elements"
    int elements_per_reach = 1;
};

/// Reads the [water_quality] table (a toml++ table; generic so this header needs no toml++) against the
/// water_quality.* rows of the parameter table. Problems name the case file, the line and the key; all are reported.
template <class TomlTable>
void read_water_quality_settings(const TomlTable& t, const std::string& case_file, const reaches::Network& net,
                                 Problems& probs, WaterQualitySettings& out) {
    using scenarios::ParamDef;
    const std::vector<const ParamDef*> defs = scenarios::section_parameters("water_quality");
    out.present = true;
    scenarios::WaterQualityOptions& o = out.options;
    auto line = [](const auto& node) { return "line " + std::to_string(node.source().begin.line); };
    auto range = [](const ParamDef& d) {
        char b[96];
        std::snprintf(b, sizeof b, "[%g, %g] %s", d.min, d.max, d.unit.c_str());
        return std::string(b);
    };
    auto number = [&](const auto& v, const ParamDef& d, double& to) {
        auto x = v.template value<double>();
        if (!x || !(*x >= d.min && *x <= d.max)) {
            probs.add(case_file, line(v), d.key, "", "expected a number in " + range(d));
            return false;
        }
        to = *x;
        return true;
    };
    bool elements_given = false;
    for (const auto& [k, v] : t) {
        const std::string key = "water_quality." + std::string(k.str());
        const auto it = std::find_if(defs.begin(), defs.end(), [&](const ParamDef* d) { return d->key == key; });
        if (it == defs.end()) {
            std::string list;
            for (const auto* d : defs) list += (list.empty() ? "" : ", ") + d->key.substr(14);
            probs.add(case_file, line(v), key, "", "unknown key (expected one of: " + list + ")");
            continue;
        }
        const ParamDef& d = **it;
        if (key == "water_quality.model") {
            auto s = v.template value<std::string>();
            if (!s || (*s != "plug" && *s != "elements"))
                probs.add(case_file, line(v), key, s ? *s : "", "expected \"plug\" or \"elements\"");
            else out.model = *s;
        } else if (key == "water_quality.elements_per_reach") {
            auto n = v.template value<int64_t>();
            if (!n || *n < d.min || *n > d.max)
                probs.add(case_file, line(v), key, "", "expected a whole number in " + range(d));
            else {
                out.elements_per_reach = static_cast<int>(*n);
                elements_given = true;
            }
        } else if (key == "water_quality.reaeration") {
            auto s = v.template value<std::string>();
            reaches::ReaerationMethod m{};
            if (!s || *s == "specified" || !reaches::reaeration_method_from_key(*s, m))
                probs.add(case_file, line(v), key, s ? *s : "",
                          "expected internal, oconnor-dobbins, churchill, owens-gibbs, tsivoglou-neal or thackston-dawson");
            else o.steady.reaeration = m;
        } else if (key == "water_quality.river_do_share_of_saturation") {
            number(v, d, o.river_do_share_of_saturation);
        } else if (key == "water_quality.default_depth_m") {
            number(v, d, o.default_depth_m);
        } else if (key == "water_quality.default_width_m") {
            number(v, d, o.default_width_m);
        } else if (key == "water_quality.sod_g_m2_d") {
            number(v, d, o.steady.params.sod_g_m2_d);
        } else if (key == "water_quality.reach_sod_g_m2_d" || key == "water_quality.reach_width_m") {
            const bool sod_table = key == "water_quality.reach_sod_g_m2_d";
            std::vector<double>& to = sod_table ? o.reaches.sod_g_m2_d : o.reach_width_m;
            const auto* tab = v.as_table();
            if (!tab) {
                probs.add(case_file, line(v), key, "", "expected an inline table { reach_id = value, ... }");
                continue;
            }
            for (const auto& [rk, rv] : *tab) {
                const std::string id(rk.str());
                const std::int32_t r = net.topo.find(id);
                double x = 0.0;
                if (r == kNone) probs.add(case_file, line(rv), key + "." + id, id, "unknown reach id");
                else if (number(rv, d, x)) {
                    to.resize(net.size(), sod_table ? -1.0 : 0.0);
                    to[r] = x;
                }
            }
        }
    }
    if (elements_given && out.model != "elements")
        probs.add(case_file, "[water_quality]", "water_quality.elements_per_reach", "",
                  "only with model = \"elements\"");
    if (out.model == "elements") o.reaches.elements.assign(net.size(), out.elements_per_reach);
}

}  // namespace qingliu::io
