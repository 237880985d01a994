// The [water_quality] table of case.toml: how `qingliu water-quality` evaluates the case with the QUAL2K-class
// kinetics (analyses/water_quality.hpp). Keys, kinds and ranges are the water_quality.* rows of the parameter table
// (scenarios/parameters.cpp), so `qingliu params` lists them:
//
//   [water_quality]
//   items = ["do", "bod5", "nh3n", "tp"]  # GB 3838 items assessed and reported (default: all; common/item_set.hpp)
//   model = "plug"                        # or "elements" (QUAL2K's completely mixed elements)
//   elements_per_reach = 1                # model = "elements" only
//   dispersion = "qual2k"                 # model = "elements" only: QUAL2K's dispersion between elements (default
//                                         # "none"); reach_dispersion_m2s = { MJ1 = 800 } or the reaches table's
//                                         # dispersion_m2s column: a reach's own
//   reaeration = "internal"               # QUAL2K's automatic choice; or oconnor-dobbins, churchill, ...
//   river_do_share_of_saturation = 0.9    # DO of headwater and lateral inflow
//   default_width_m = 100                 # ESTIMATE: width of reaches without depth: H = Q / (u W)
//   reach_width_m = { MX1 = 25 }          # ESTIMATE: named reaches
//   default_depth_m = 2.0                 # ESTIMATE: depth where no width applies
//   reach_sod_g_m2_d = { MX2 = 1.5 }      # named reaches (every reach: kinetics.sod.g_m2_d; or the reaches
//                                         # table's sod_g_m2_d column, which this overrides)
//   elevation_m = 1950                    # every reach (DO saturation); reach_elevation_m = { HS1 = 2000 }
//   reach_ka20_per_d = { MX2 = 3.0 }      # named reaches' own ka at 20 degC instead of the formula (or the reaches
//                                         # table's ka20_per_d column, which this overrides)
//   composition = { sewage_plant = { bod5_per_cod = 0.33, do_mgL = 4 }, river = { codmn_per_cod = 0.3 },
//                   P3 = { bod5_per_cod = 0.2 } }   # a type, a kind, river or one source's id
//
// The rates of the kinetics are the [kinetics] rows (kinetics.cbod.k20_per_d, ...), read with the other case
// parameters (io/case_reader.cpp) into options.steady.params.
#pragma once
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/item_set.hpp"
#include "io/columns.hpp"
#include "loads/source.hpp"
#include "reaches/network.hpp"
#include "reaches/oxygen.hpp"
#include "reaches/wq_sources.hpp"
#include "scenarios/parameters.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::io {

/// "line N" of a toml++ node, as the problems of this table name it.
template <class TomlNode>
std::string toml_line(const TomlNode& node) {
    return "line " + std::to_string(node.source().begin.line);
}

struct WaterQualitySettings {
    bool present = false;                     ///< the case has a [water_quality] table
    scenarios::WaterQualityOptions options;   ///< what the evaluation uses (defaults where the table is silent)
    std::string model = "plug";               ///< "plug" or "elements"
    int elements_per_reach = 1;
};

/// water_quality.composition: { type_or_kind = { bod5_per_cod = ..., ... }, ... }, each entry completing the default
/// composition of its kind (reaches/wq_sources.hpp); kinds are applied before the types of the kind.
template <class TomlNode>
void read_compositions(const TomlNode& v, const std::string& key, const std::vector<const scenarios::ParamDef*>& defs,
                       const std::vector<std::string>* known_ids, const std::vector<std::string>& source_types,
                       const std::string& case_file, Problems& probs,
                       reaches::wq::CompositionOverrides& out) {
    namespace wq = reaches::wq;
    static const std::vector<std::string> kNoIds;
    const std::vector<std::string>& source_ids = known_ids ? *known_ids : kNoIds;
    const auto* tab = v.as_table();
    if (!tab) {
        probs.add(case_file, toml_line(v), key, "", "expected an inline table { source_type = { bod5_per_cod = ..., ... }, ... }");
        return;
    }
    auto known_entry = [&](const std::string& k) {
        if (k == "river" || k == "treated" || k == "raw_sewage" || k == "manure_runoff") return true;
        if (!known_ids || std::find(source_ids.begin(), source_ids.end(), k) != source_ids.end()) return true;
        for (const auto& t : {"sewage_plant", "outfall", "industry", "livestock", "cropland", "rural_domestic",
                              "urban_uncollected", "aquaculture"})
            if (k == t) return true;
        return false;
    };
    auto is_type = [](const std::string& k) {
        for (const auto& t : {"sewage_plant", "outfall", "industry", "livestock", "cropland", "rural_domestic",
                              "urban_uncollected", "aquaculture"})
            if (k == t) return true;
        return false;
    };
    // three passes: kinds (and river), types, source ids, so that each entry starts from the broader one
    for (int pass = 0; pass < 3; ++pass)
        for (const auto& [ek, ev] : *tab) {
            const std::string entry(ek.str());
            const bool is_kind = entry == "river" || entry == "treated" || entry == "raw_sewage" || entry == "manure_runoff";
            const int level = is_kind ? 0 : is_type(entry) ? 1 : 2;
            if (level != pass) continue;
            const std::string ekey = key + "." + entry;
            if (!known_entry(entry)) {
                probs.add(case_file, toml_line(ev), ekey, entry,
                          "unknown source type or kind (expected river, treated, raw_sewage, manure_runoff, sewage_plant, "
                          "outfall, industry, livestock, cropland, rural_domestic, urban_uncollected, aquaculture or a "
                          "source id)");
                continue;
            }
            const auto* fields = ev.as_table();
            if (!fields) {
                probs.add(case_file, toml_line(ev), ekey, "", "expected an inline table { bod5_per_cod = ..., ... }");
                continue;
            }
            std::string type = entry;  // a source id: its source's type
            if (level == 2)
                for (std::size_t i = 0; i < source_ids.size(); ++i)
                    if (source_ids[i] == entry) type = source_types[i];
            wq::Composition c = entry == "river" ? wq::river_composition(out)
                                : is_kind ? *std::find_if(wq::compositions().begin(), wq::compositions().end(),
                                                          [&](const wq::Composition& x) { return entry == x.kind; })
                                          : wq::composition_for_type(type, out);
            for (const auto& [fk, fv] : *fields) {
                const std::string fkey = ekey + "." + std::string(fk.str());
                const std::string row = "water_quality.composition." + std::string(fk.str());
                const auto it = std::find_if(defs.begin(), defs.end(), [&](const scenarios::ParamDef* d) { return d->key == row; });
                if (it == defs.end()) {
                    std::string list;
                    for (const auto* d : defs) list += (list.empty() ? "" : ", ") + d->key.substr(26);
                    probs.add(case_file, toml_line(fv), fkey, "", "unknown key (expected one of: " + list + ")");
                    continue;
                }
                const auto x = fv.template value<double>();
                if (!x || !(*x >= (*it)->min && *x <= (*it)->max)) {
                    char b[96];
                    std::snprintf(b, sizeof b, "expected a number in [%g, %g] %s", (*it)->min, (*it)->max, (*it)->unit.c_str());
                    probs.add(case_file, toml_line(fv), fkey, "", b);
                    continue;
                }
                const std::string f(fk.str());
                if (f == "bod5_per_cod") c.bod5_per_cod = *x;
                else if (f == "codmn_per_cod") c.codmn_per_cod = *x;
                else if (f == "orgn_per_nh3n") c.orgn_per_nh3n = *x;
                else if (f == "no3n_per_nh3n") c.no3n_per_nh3n = *x;
                else if (f == "orgp_share_of_tp") c.orgp_share_of_tp = *x;
                else if (f == "do_mgL") {
                    if (entry == "river")
                        probs.add(case_file, toml_line(fv), fkey, "", "the DO of river water is river_do_share_of_saturation");
                    else c.do_mgL = *x;
                }
            }
            c.source = "case file [water_quality] composition";
            out.emplace_back(entry, c);
        }
}

/// water_quality.items = ["do", "bod5", ...]: GB 3838 item keys (common/item_set.hpp). An unknown name is a problem
/// with the nearest item key (did you mean); a species of the kinetics is named as such, with the items that carry it.
template <class TomlNode>
void read_items(const TomlNode& v, const std::string& key, const std::string& case_file, Problems& probs, ItemSet& out) {
    const ItemSet all = ItemSet::all();
    const auto* arr = v.as_array();
    if (!arr || arr->empty()) {
        probs.add(case_file, toml_line(v), key, "", "expected a list of item keys, e.g. [\"do\", \"bod5\", \"nh3n\", \"tp\"] (any of " +
                                                   all.text() + ")");
        return;
    }
    ItemSet chosen;
    bool bad = false;
    for (const auto& e : *arr) {
        const auto s = e.template value<std::string>();
        if (!s) {
            probs.add(case_file, toml_line(e), key, "", "expected a text item key (any of " + all.text() + ")");
            bad = true;
            continue;
        }
        const VariableDef* d = find_variable(*s);
        if (d && all.has(d->id)) {
            if (chosen.has(d->id)) {
                probs.add(case_file, toml_line(e), key, *s, "item named twice");
                bad = true;
            }
            chosen.add(d->id);
            continue;
        }
        bad = true;
        if (d) {  // a species or CBODu: carried always, judged through the items made of it
            std::string by;
            for (Var x : kGb3838Set)
                if (x != Var::DO && ItemSet::species_of(x).has(d->id)) by += (by.empty() ? "" : ", ") + std::string(variable_def(x).key);
            probs.add(case_file, toml_line(e), key, *s,
                      "not a GB 3838 item but a species of the kinetics, always computed" +
                          (by.empty() ? std::string() : "; it is judged through " + by) + " (items: " + all.text() + ")");
            continue;
        }
        std::string best;
        std::size_t best_d = std::string::npos;
        std::string low = *s;
        for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const auto& k : all.keys()) {  // nearest; of equals, the key the name begins ("bod": bod5, not cod)
            const std::size_t dist = 2 * edit_distance(low, k) - (k.rfind(low, 0) == 0 ? 1 : 0);
            if (dist < best_d) {
                best_d = dist;
                best = k;
            }
        }
        const bool close = (best_d + 1) / 2 <= std::max<std::size_t>(1, best.size() / 2);
        probs.add(case_file, toml_line(e), key, *s,
                  "unknown item" + (close ? ": did you mean " + best + "?" : std::string()) + " (items: " + all.text() + ")");
    }
    if (!bad) out = chosen;
}

/// An inline table { reach_id = value, ... } of key `key` (row d) into `to` (sized to the network, `absent` elsewhere):
/// each value in d's range, each id a reach of the network.
template <class TomlNode, class Number>
void read_reach_values(const TomlNode& v, const std::string& key, const scenarios::ParamDef& d, const reaches::Network& net,
                       const std::string& case_file, Problems& probs, const Number& number, double absent,
                       std::vector<double>& to) {
    const auto* tab = v.as_table();
    if (!tab) {
        probs.add(case_file, toml_line(v), key, "", "expected an inline table { reach_id = value, ... }");
        return;
    }
    for (const auto& [rk, rv] : *tab) {
        const std::string id(rk.str());
        const std::int32_t r = net.size() ? net.topo.find(id) : kNone;
        double x = 0.0;
        if (!number(rv, d, x) || !net.size()) continue;  // no network: other problems stopped its building
        if (r == kNone) probs.add(case_file, toml_line(rv), key + "." + id, id, "unknown reach id");
        else {
            to.resize(net.size(), absent);
            to[r] = x;
        }
    }
}

/// Reads the [water_quality] table (a toml++ table; generic so this header needs no toml++) against the
/// water_quality.* rows of the parameter table. Problems name the case file, the line and the key; all are reported.
template <class TomlTable>
void read_water_quality_settings(const TomlTable& t, const std::string& case_file, const reaches::Network& net,
                                 const std::vector<loads::Source>* sources,
                                 Problems& probs, WaterQualitySettings& out) {
    using scenarios::ParamDef;
    std::vector<const ParamDef*> defs, comp_defs;  // keys of the table itself, and of each composition entry
    for (const ParamDef* d : scenarios::section_parameters("water_quality"))
        (d->key.find('.', 14) == std::string::npos ? defs : comp_defs).push_back(d);
    out.present = true;
    scenarios::WaterQualityOptions& o = out.options;
    auto range = [](const ParamDef& d) {
        char b[96];
        std::snprintf(b, sizeof b, "[%g, %g] %s", d.min, d.max, d.unit.c_str());
        return std::string(b);
    };
    auto number = [&](const auto& v, const ParamDef& d, double& to) {
        auto x = v.template value<double>();
        if (!x || !(*x >= d.min && *x <= d.max)) {
            probs.add(case_file, toml_line(v), d.key, "", "expected a number in " + range(d));
            return false;
        }
        to = *x;
        return true;
    };
    bool elements_given = false, dispersion_given = false;
    double elevation_all = 0.0;
    std::vector<double> reach_elevation;  // NaN: elevation_all
    for (const auto& [k, v] : t) {
        const std::string key = "water_quality." + std::string(k.str());
        const auto it = std::find_if(defs.begin(), defs.end(), [&](const ParamDef* d) { return d->key == key; });
        if (it == defs.end()) {
            std::string list;
            for (const auto* d : defs) list += (list.empty() ? "" : ", ") + d->key.substr(14);
            probs.add(case_file, toml_line(v), key, "", "unknown key (expected one of: " + list + ")");
            continue;
        }
        const ParamDef& d = **it;
        if (key == "water_quality.model") {
            auto s = v.template value<std::string>();
            if (!s || (*s != "plug" && *s != "elements"))
                probs.add(case_file, toml_line(v), key, s ? *s : "", "expected \"plug\" or \"elements\"");
            else out.model = *s;
        } else if (key == "water_quality.items") {
            read_items(v, key, case_file, probs, o.items);
        } else if (key == "water_quality.elements_per_reach") {
            auto n = v.template value<int64_t>();
            if (!n || *n < d.min || *n > d.max)
                probs.add(case_file, toml_line(v), key, "", "expected a whole number in " + range(d));
            else {
                out.elements_per_reach = static_cast<int>(*n);
                elements_given = true;
            }
        } else if (key == "water_quality.dispersion") {
            auto s = v.template value<std::string>();
            if (!s || (*s != "none" && *s != "qual2k"))
                probs.add(case_file, toml_line(v), key, s ? *s : "", "expected \"none\" or \"qual2k\"");
            else o.steady.dispersion = *s == "qual2k" ? reaches::wq::Dispersion::Qual2k : reaches::wq::Dispersion::None;
            dispersion_given = true;
        } else if (key == "water_quality.reaeration") {
            auto s = v.template value<std::string>();
            reaches::ReaerationMethod m{};
            if (!s || *s == "specified" || !reaches::reaeration_method_from_key(*s, m))
                probs.add(case_file, toml_line(v), key, s ? *s : "",
                          "expected internal, oconnor-dobbins, churchill, owens-gibbs, tsivoglou-neal or thackston-dawson");
            else o.steady.reaeration = m;
        } else if (key == "water_quality.river_do_share_of_saturation") {
            number(v, d, o.river_do_share_of_saturation);
        } else if (key == "water_quality.default_depth_m") {
            number(v, d, o.default_depth_m);
        } else if (key == "water_quality.default_width_m") {
            number(v, d, o.default_width_m);
        } else if (key == "water_quality.composition") {
            std::vector<std::string> ids, types;
            for (const auto& src : sources ? *sources : std::vector<loads::Source>{}) {
                ids.push_back(src.id);
                types.push_back(src.type);
            }
            read_compositions(v, key, comp_defs, sources ? &ids : nullptr, types, case_file, probs, o.composition);
        } else if (key == "water_quality.elevation_m") {
            number(v, d, elevation_all);
        } else if (key == "water_quality.reach_sod_g_m2_d" || key == "water_quality.reach_width_m" ||
                   key == "water_quality.reach_elevation_m" || key == "water_quality.reach_ka20_per_d" ||
                   key == "water_quality.reach_dispersion_m2s" || key == "water_quality.reach_headwater_dispersion_m2s") {
            const bool sod_table = key == "water_quality.reach_sod_g_m2_d";
            const bool elev_table = key == "water_quality.reach_elevation_m";
            const bool ka_table = key == "water_quality.reach_ka20_per_d";
            const bool disp_table = key == "water_quality.reach_dispersion_m2s";
            const bool hw_table = key == "water_quality.reach_headwater_dispersion_m2s";
            dispersion_given = dispersion_given || disp_table || hw_table;
            std::vector<double>& to = sod_table  ? o.reaches.sod_g_m2_d
                                      : elev_table ? reach_elevation
                                      : ka_table   ? o.reaches.ka20_per_d
                                      : disp_table ? o.reaches.dispersion_m2s
                                      : hw_table   ? o.reaches.headwater_dispersion_m2s
                                                   : o.reach_width_m;
            read_reach_values(v, key, d, net, case_file, probs, number,
                              sod_table || hw_table ? -1.0 : elev_table ? std::nan("") : 0.0, to);
        }
    }
    if (elements_given && out.model != "elements")
        probs.add(case_file, "[water_quality]", "water_quality.elements_per_reach", "",
                  "only with model = \"elements\"");
    if (dispersion_given && out.model != "elements")
        probs.add(case_file, "[water_quality]", "water_quality.dispersion", "",
                  "dispersion between elements only with model = \"elements\"");
    if (out.model == "elements") o.reaches.elements.assign(net.size(), out.elements_per_reach);
    if (elevation_all != 0.0 || !reach_elevation.empty()) {
        o.reaches.elevation_m.assign(net.size(), elevation_all);
        for (std::size_t r = 0; r < reach_elevation.size(); ++r)
            if (!std::isnan(reach_elevation[r])) o.reaches.elevation_m[r] = reach_elevation[r];
    }
}

}  // namespace qingliu::io
