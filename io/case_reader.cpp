#include "io/case_reader.hpp"

#include <cmath>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <toml++/toml.h>

#include "common/csv_text.hpp"
#include "io/case_parts.hpp"
#include "io/inventory_reader.hpp"
#include "io/series_reader.hpp"
#include "io/scenario_reader.hpp"
#include "io/snap.hpp"
#include "io/table.hpp"
#include "io/water_quality_settings.hpp"
#include "scenarios/parameters.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;
using scenarios::CaseModel;

namespace {

const std::set<std::string> kTopKeys = {"case", "tables", "conditions", "kinetics", "background", "options", "dynamic", "water_quality"};
const std::set<std::string> kCaseKeys = {"name", "name_en", "description"};
const std::set<std::string> kTableKeys = {"reaches",  "sources",  "sections",     "classes",         "scenarios",
                                          "plants",   "outfalls", "industry",     "farms",           "cropland",
                                          "villages", "ponds",    "coefficients", "standards",       "prohibited_zones",
                                          "catchments", "observations", "uncertainty", "mixing", "protected_points"};

std::string fmt_num(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

struct Ctx {
    std::string dir, file;
    Problems probs;
    LoadedCase out;
    std::unordered_map<std::string, double> params;
};

void check_known_keys(Ctx& c, const toml::table& t, const std::string& prefix, const std::set<std::string>& allowed) {
    for (const auto& [k, v] : t) {
        const std::string key(k.str());
        if (!allowed.count(key)) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            c.probs.add(c.file, "line " + std::to_string(v.source().begin.line), prefix + key, "",
                        "unknown key (expected one of: " + list + ")");
        }
    }
}

// Scalar parameters from the declarative table; unknown keys in parameter sections are reported.
void read_parameters(Ctx& c, const toml::table& root) {
    for (const auto& def : scenarios::case_parameters()) {
        if (def.key.rfind("dynamic.", 0) == 0) continue;  // read with the dynamic settings (io/series_reader.hpp)
        if (def.key.rfind("water_quality.", 0) == 0) continue;  // io/water_quality_settings.hpp
        if (def.kind == scenarios::ParamKind::Text) continue;  // read where used (kinetics.*.o2_effect below)
        const toml::node_view<const toml::node> n = root.at_path(def.key);
        double v = def.default_value;
        if (n) {
            if (auto d = n.value<double>()) {
                v = *d;
                if (!(v >= def.min && v <= def.max) || !std::isfinite(v)) {
                    c.probs.add(c.file, "line " + std::to_string(n.node()->source().begin.line), def.key, fmt_num(v),
                                "must be in [" + fmt_num(def.min) + ", " + fmt_num(def.max) + "] " + def.unit);
                }
            } else {
                c.probs.add(c.file, "line " + std::to_string(n.node()->source().begin.line), def.key, "",
                            std::string("expected a number in ") + def.unit);
            }
        }
        c.params[def.key] = v;
        c.out.parameters.emplace_back(def.key, v);
    }
    // unknown keys below the parameter sections
    std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& t, const std::string& prefix) {
        for (const auto& [k, v] : t) {
            const std::string key = prefix + std::string(k.str());
            if (auto sub = v.as_table()) {
                walk(*sub, key + ".");
            } else if (!scenarios::find_parameter(key)) {
                c.probs.add(c.file, "line " + std::to_string(v.source().begin.line), key, "", "unknown parameter");
            }
        }
    };
    for (const char* sec : {"conditions", "kinetics", "background", "options"}) {
        if (auto t = root[sec].as_table()) walk(*t, std::string(sec) + ".");
        else if (root.contains(sec)) c.probs.add(c.file, "", sec, "", "expected a table");
    }
}

std::optional<TableRef> table_ref(Ctx& c, const toml::table& tables, const std::string& name, bool required) {
    const toml::node* n = tables.get(name);
    if (!n) {
        if (required) c.probs.add(c.file, "[tables]", name, "", "required table is not named");
        return std::nullopt;
    }
    TableRef ref;
    if (auto s = n->value<std::string>()) {
        ref.path = *s;
    } else if (auto t = n->as_table()) {
        ref.path = t->get("path") ? t->get("path")->value_or(std::string()) : "";
        ref.layer = t->get("layer") ? t->get("layer")->value_or(std::string()) : "";
        if (ref.path.empty()) c.probs.add(c.file, "line " + std::to_string(n->source().begin.line), "tables." + name + ".path", "", "missing");
    } else {
        c.probs.add(c.file, "line " + std::to_string(n->source().begin.line), "tables." + name, "",
                    "expected a file name or { path = ..., layer = ... }");
        return std::nullopt;
    }
    if (ref.path.empty()) return std::nullopt;
    if (fs::path(ref.path).is_relative()) ref.path = (fs::path(c.dir) / ref.path).lexically_normal().string();
    if (std::find(c.out.input_files.begin(), c.out.input_files.end(), ref.path) == c.out.input_files.end())
        c.out.input_files.push_back(ref.path);
    return ref;
}

struct ReachRow {
    reaches::NetworkBuilder::Reach spec;
    std::string label;
    bool has_headwater_flow = false;
    std::vector<XY> line;  // geometry as read
    std::string name_en, river_en;  // English names for reports ("" where not given)
    double sod_g_m2_d = -1.0;       // water-quality kinetics; < 0: not given
    double ka20_per_d = 0.0;        // the reach's own reaeration at 20 degC; 0: not given (the method's)
    double dispersion_m2s = 0.0;    // the reach's own dispersion between elements; 0: not given
    double headwater_dispersion_m2s = -1.0;  // its made-up headwater element's (0: no exchange); < 0: not given
    double slope = 0.0;             // channel slope (Manning's, or given beside other hydraulics); 0: not given
    GivenSpecies headwater_given, lateral_given;  // DO, BOD5, TN ... of its headwater and lateral inflow
    scenarios::CaseModel::Boundary downstream;    // QUAL2K's downstream boundary (downstream_<item>_mgL)
};

PerConstituent background(Ctx& c, const char* which) {
    PerConstituent b{};
    for (auto k : kConstituents) b[idx(k)] = c.params[scenarios::background_key(which, k)];
    return b;
}

std::vector<ReachRow> read_reaches(Ctx& c, const TableRef& ref, Table& t) {
    t = read_table(ref, c.probs, "reaches");
    c.out.warnings.insert(c.out.warnings.end(), t.warnings.begin(), t.warnings.end());
    std::vector<ReachRow> rows;
    if (t.columns.empty()) return rows;
    require_columns(t, {"reach_id", "river", "length_km"}, c.probs);
    if (t.records.empty()) c.probs.add(t.file, "", "", "", "the reach table has no records");
    const PerConstituent bg_head = background(c, "headwater"), bg_lat = background(c, "lateral");
    std::unordered_map<std::string, std::string> seen;
    for (const auto& rec : t.records) {
        RowReader r(t, rec, c.probs);
        ReachRow row;
        row.label = rec.label;
        auto& s = row.spec;
        s.id = r.unique_text("reach_id", seen);
        s.river = r.text("river", true).value_or("");
        s.name = r.text("name", false).value_or("");
        row.name_en = r.text("name_en", false).value_or("");
        row.river_en = r.text("river_en", false).value_or("");
        s.downstream = r.text("downstream_id", false).value_or("");
        // a length lost to a wrong header is taken as long as any, so no position elsewhere is reported against it
        s.length_km = r.number("length_km", true, 0.0, 1e5, true).value_or(t.suppressed("length_km") ? 1e5 : 1.0);
        if (r.has("velocity_ms")) {
            s.hydraulics = hydro::Hydraulics::constant(r.number("velocity_ms", true, 0.0, 20.0, true).value_or(1.0));
        } else if (r.has("hg_a") || r.has("hg_b")) {
            const double a = r.number("hg_a", true, 0.0, 100.0, true).value_or(1.0);
            const double b = r.number("hg_b", true, 0.0, 0.999).value_or(0.0);
            const double hc = r.number("hg_c", false, 0.0, 100.0).value_or(0.0);
            const double hd = r.number("hg_d", false, 0.0, 0.999).value_or(0.0);
            s.hydraulics = hydro::Hydraulics::geometry(a, b, hc, hd);
            if (r.has("hg_width_c") || r.has("hg_width_d")) {  // QUAL2K's "Width" curves: H = Q / (u B)
                const double wc = r.number("hg_width_c", true, 0.0, 1e5, true).value_or(1.0);
                const double wd = r.number("hg_width_d", true, 0.0, 0.999).value_or(0.0);
                if (r.has("hg_c") || r.has("hg_d"))
                    r.problem("hg_width_c", "", "give the depth curve (hg_c, hg_d) or the width curve (hg_width_c, "
                                                "hg_width_d), not both");
                else if (!(b + wd < 1.0))
                    r.problem("hg_width_d", fmt_num(wd), "hg_b + hg_width_d must be < 1 (the depth must grow with the flow)");
                else
                    s.hydraulics = hydro::Hydraulics::geometry_width(a, b, wc, wd);
            }
        } else if (r.has("manning_n")) {
            const double n = r.number("manning_n", true, 0.0, 1.0, true).value_or(0.03);
            const double sl = r.number("slope", true, 0.0, 1.0, true).value_or(1e-3);
            if (r.has("bottom_width_m")) {  // QUAL2K's trapezoid (side slopes 0: its rectangle, walls included)
                const double b0 = r.number("bottom_width_m", true, 0.0, 1e5, true).value_or(10.0);
                const double s1 = r.number("side_slope_1", false, 0.0, 100.0).value_or(0.0);
                const double s2 = r.number("side_slope_2", false, 0.0, 100.0).value_or(0.0);
                s.hydraulics = hydro::Hydraulics::trapezoid(n, sl, b0, s1, s2);
            } else {
                const double w = r.number("width_m", true, 0.0, 1e5, true).value_or(10.0);
                s.hydraulics = hydro::Hydraulics::manning(n, sl, w);
                for (const char* side : {"side_slope_1", "side_slope_2"})
                    if (r.has(side))
                        r.problem(side, "", "side slopes belong to a trapezoid: give its bottom_width_m (底宽) instead of width_m");
            }
        } else {
            r.problem("velocity_ms", "", "no hydraulics: give velocity_ms, or hg_a and hg_b (and hg_c, hg_d for depth), "
                                         "or manning_n, slope and width_m (or bottom_width_m and side slopes)");
        }
        if (r.has("headwater_flow_m3s")) {
            s.headwater_flow_m3s = r.number("headwater_flow_m3s", true, 0.0, 1e6).value_or(0.0);
            row.has_headwater_flow = true;
        }
        s.lateral_flow_m3s = r.number("lateral_inflow_m3s", false, 0.0, 1e6).value_or(0.0);
        // a reach's SOD and ka: the range of the [water_quality] inline table that overrides the column
        const auto per_reach = [&r](const char* column, const char* key, double absent) {
            const scenarios::ParamDef* d = scenarios::find_parameter(key);
            return r.number(column, false, d->min, d->max).value_or(absent);
        };
        row.sod_g_m2_d = per_reach("sod_g_m2_d", "water_quality.reach_sod_g_m2_d", -1.0);
        row.ka20_per_d = per_reach("ka20_per_d", "water_quality.reach_ka20_per_d", 0.0);
        row.dispersion_m2s = per_reach("dispersion_m2s", "water_quality.reach_dispersion_m2s", 0.0);
        row.headwater_dispersion_m2s =
            per_reach("headwater_dispersion_m2s", "water_quality.reach_headwater_dispersion_m2s", -1.0);
        // the slope beside any hydraulics (Tsivoglou-Neal, Thackston-Dawson, QUAL2K's dispersion); Manning's read above
        row.slope = s.hydraulics.manning_kind() ? s.hydraulics.slope : r.number("slope", false, 0.0, 1.0, true).value_or(0.0);
        c.out.dynamic.drainage_area_km2.push_back(r.number("drainage_area_km2", false, 0.0, 1e7).value_or(std::nan("")));
        s.split_to = r.text("split_to", false).value_or("");
        if (!s.split_to.empty()) s.split_fraction = r.number("split_fraction", true, 0.0, 1.0, true).value_or(0.0);
        if (!s.split_to.empty() && s.split_fraction >= 1.0) r.problem("split_fraction", fmt_num(s.split_fraction), "must be < 1");
        s.headwater_conc_mgL = read_inflow_quality(r, "headwater_", bg_head, row.headwater_given);
        s.lateral_conc_mgL = read_inflow_quality(r, "lateral_", bg_lat, row.lateral_given);
        for (auto k : kConstituents) row.downstream.given = row.downstream.given || r.has(column(k, "_mgL", "downstream_"));
        row.downstream.conc_mgL = read_inflow_quality(r, "downstream_", bg_head, row.downstream.items);
        row.downstream.given = row.downstream.given || row.downstream.items.any();
        if (rec.geometry.kind == Geometry::Kind::Line) row.line = rec.geometry.xy;
        rows.push_back(std::move(row));
    }
    // references
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < rows.size(); ++i) index.emplace(rows[i].spec.id, i);
    std::vector<int> indeg(rows.size(), 0);
    for (const auto& row : rows) {
        for (const auto& [field, target] : {std::pair<const char*, std::string>{"downstream_id", row.spec.downstream},
                                            std::pair<const char*, std::string>{"split_to", row.spec.split_to}}) {
            if (target.empty()) continue;
            auto it = index.find(target);
            if (it == index.end()) c.probs.add(t.file, row.label, field, target, "unknown reach id");
            else if (target == row.spec.id) c.probs.add(t.file, row.label, field, target, "a reach cannot flow into itself");
            else ++indeg[it->second];
        }
        if (!row.spec.split_to.empty() && row.spec.split_to == row.spec.downstream)
            c.probs.add(t.file, row.label, "split_to", row.spec.split_to, "must differ from downstream_id");
        if (row.downstream.given && (!row.spec.downstream.empty() || !row.spec.split_to.empty()))
            c.probs.add(t.file, row.label, row.spec.downstream.empty() ? "split_to" : "downstream_id",
                        row.spec.downstream.empty() ? row.spec.split_to : row.spec.downstream,
                        "a downstream boundary (downstream_<item>_mgL, 下游边界) belongs to an outlet: this reach flows on");
    }
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (indeg[i] == 0 && !rows[i].has_headwater_flow && rows[i].spec.lateral_flow_m3s <= 0.0 &&
            !t.suppressed("headwater_flow_m3s") && !t.suppressed("lateral_inflow_m3s"))
            c.probs.add(t.file, rows[i].label, "headwater_flow_m3s", "",
                        "headwater reach has no inflow: give its headwater_flow_m3s (design flow)");
    return rows;
}

std::vector<ReachLine> reach_lines(const std::vector<ReachRow>& rows) {
    std::vector<ReachLine> lines;
    for (const auto& row : rows) lines.push_back({row.spec.id, row.spec.downstream, &row.line});
    return lines;
}

// Reach and position for a source or section: by reach_id/position_km, or snapped from point geometry.
bool locate(Ctx& c, RowReader& r, const Table& t, const std::unordered_map<std::string, std::int32_t>& index,
            const std::vector<ReachRow>& reaches, const ReachGeometry& geo, const std::string& river,
            std::int32_t& reach, double& position_m) {
    if (r.has("reach_id")) {
        const std::string id = *r.text("reach_id", true);
        auto it = index.find(id);
        if (it == index.end()) {
            r.problem("reach_id", id, "unknown reach id");
            return false;
        }
        reach = it->second;
        const double len = reaches[reach].spec.length_km;
        auto pos = r.number("position_km", true, 0.0, len + 1e-9);
        if (!pos) return false;
        position_m = std::min(*pos, len) * kMetresPerKm;
        return true;
    }
    const Record& rec = r.record();
    if (rec.geometry.kind != Geometry::Kind::Point) {
        r.problem("reach_id", "", "required value is empty (and the record has no point geometry to snap to a reach)");
        return false;
    }
    if (!geo.usable) {
        r.problem("reach_id", "", "is empty; snapping a point needs reach lines in the reaches table");
        return false;
    }
    if (geo.geographic != t.geographic && t.has_crs) {
        r.problem("geometry", "", "point and reach coordinates are in different kinds of CRS (one geographic, one projected)");
        return false;
    }
    XY p = rec.geometry.xy.front();
    if (geo.geographic) p = geo.proj(p);
    // Prefer reaches of the same river when the record names one.
    std::vector<std::vector<XY>> cand;
    std::vector<std::int32_t> map;
    for (std::size_t i = 0; i < reaches.size(); ++i)
        if (river.empty() || reaches[i].spec.river == river) { cand.push_back(geo.lines[i]); map.push_back(static_cast<std::int32_t>(i)); }
    if (cand.empty())
        for (std::size_t i = 0; i < reaches.size(); ++i) { cand.push_back(geo.lines[i]); map.push_back(static_cast<std::int32_t>(i)); }
    const SnapResult s = snap_to_lines(cand, p);
    const double max_m = c.params["options.snap_max_m"];
    if (s.line < 0 || s.distance > max_m) {
        r.problem("geometry", "", "no reach within options.snap_max_m = " + fmt_num(max_m) + " m (nearest is " +
                                      fmt_num(std::round(s.distance)) + " m away)");
        return false;
    }
    reach = map[s.line];
    const double glen = geo.length[reach];
    const double frac = glen > 0.0 ? s.along / glen : 0.0;
    position_m = frac * reaches[reach].spec.length_km * kMetresPerKm;
    return true;
}

// The case file (case.toml, or the file given) parsed; throws InputError when it is missing or not TOML.
toml::table parse_case_file(Ctx& c, const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec)) p /= "case.toml";
    c.file = p.lexically_normal().string();
    c.dir = p.parent_path().empty() ? "." : p.parent_path().string();
    c.out.dir = c.dir;
    c.out.case_file = c.file;
    c.out.input_files.push_back(c.file);
    if (!fs::exists(p, ec)) {
        c.probs.add(c.file, "", "", "", "case file not found (a case folder holds case.toml)");
        c.probs.throw_if_any("cannot read case " + path);
    }
    toml::table root;
    try {
        root = toml::parse_file(c.file);
    } catch (const toml::parse_error& e) {
        c.probs.add(c.file, "line " + std::to_string(e.source().begin.line) + ", column " + std::to_string(e.source().begin.column),
                    "", "", std::string(e.description()));
        c.probs.throw_if_any("cannot read case " + path);
    }
    return root;
}

// [case] names, the parameter table's keys, [dynamic] and the kinetics of both models.
void read_settings(Ctx& c, const toml::table& root) {
    check_known_keys(c, root, "", kTopKeys);
    CaseModel& m = c.out.model;
    if (auto cs = root["case"].as_table()) {
        check_known_keys(c, *cs, "case.", kCaseKeys);
        m.name = (*cs)["name"].value_or(std::string());
        m.name_en = (*cs)["name_en"].value_or(std::string());
        m.description = (*cs)["description"].value_or(std::string());
    }
    if (m.name.empty()) m.name = fs::path(c.dir).filename().string();
    if (m.name_en.empty()) m.name_en = m.name;
    read_parameters(c, root);
    if (const auto* dyn = root["dynamic"].as_table()) read_dynamic_settings(*dyn, c.file, c.dir, c.probs, c.out.dynamic);
    m.temperature_c = c.params["conditions.temperature_c"];
    m.natural_headwater_mgL = background(c, "headwater");
    for (auto k : kConstituents) {
        m.kinetics.k20_per_d[idx(k)] = c.params[scenarios::kinetics_key(k, "k20_per_d")];
        m.kinetics.theta[idx(k)] = c.params[scenarios::kinetics_key(k, "theta")];
    }
    read_water_quality_kinetics(root, c.params, c.file, c.probs, c.out.water_quality.options.steady.params);
}

// The reaches table with its lines, and each reach's index by id: what sources and sections are located on.
struct ReachTable {
    Table table;
    std::vector<ReachRow> rows;
    std::unordered_map<std::string, std::int32_t> index;
    ReachGeometry geo;
};

ReachTable read_reach_table(Ctx& c, const std::optional<TableRef>& ref) {
    ReachTable rt;
    if (ref) rt.rows = read_reaches(c, *ref, rt.table);
    for (std::size_t i = 0; i < rt.rows.size(); ++i) rt.index.emplace(rt.rows[i].spec.id, static_cast<std::int32_t>(i));
    rt.geo = reach_geometry(reach_lines(rt.rows), rt.table.geographic);
    const ReachGeometry& geo = rt.geo;
    for (std::size_t i = 0; i < rt.rows.size(); ++i)
        c.out.reach_line_length_m.push_back(geo.usable && i < geo.length.size() && geo.lines[i].size() >= 2 ? geo.length[i]
                                                                                                        : std::nan(""));
    return rt;
}

// Sources given directly (flow and concentrations).
void read_sources(Ctx& c, const TableRef& ref, const ReachTable& rt) {
    Table st = read_table(ref, c.probs, "sources");
    c.out.warnings.insert(c.out.warnings.end(), st.warnings.begin(), st.warnings.end());
    if (st.columns.empty()) return;
    std::vector<std::string> required{"source_id", "type", "flow_m3s"};
    for (auto& col : column_names("_mgL")) required.push_back(std::move(col));
    require_columns(st, required, c.probs);
    std::unordered_map<std::string, std::string> seen;
    for (const auto& rec : st.records) {
        RowReader r(st, rec, c.probs);
        loads::Source s;
        s.id = r.unique_text("source_id", seen);
        s.name = r.text("name", false).value_or(s.id);
        s.type = r.text("type", true).value_or("");
        if (!s.type.empty() && !loads::find_source_type(s.type)) {
            std::string list;
            for (const auto& ty : loads::source_types())
                if (std::string(ty.key) != "background") list += (list.empty() ? "" : ", ") + std::string(ty.key);
            r.problem("type", s.type, "unknown source type (expected one of: " + list + ")");
        }
        s.origin = st.file + " " + rec.label;
        locate(c, r, st, rt.index, rt.rows, rt.geo, "", s.reach, s.position_m);
        s.flow_m3s = r.number("flow_m3s", true, 0.0, 1e5).value_or(0.0);
        PerConstituent conc{};
        for (auto k : kConstituents) {
            conc[idx(k)] = r.number(column(k, "_mgL"), true, 0.0, 1e6).value_or(0.0);
            s.load_gs[idx(k)] = s.flow_m3s * conc[idx(k)];
        }
        s.given = read_given_species(r, &conc);
        c.out.model.sources.push_back(std::move(s));
    }
}

// The inventory (plants, outfalls, farms, cropland, villages, ponds ...), and the observation and uncertainty tables
// named beside it.
void read_inventory_tables(Ctx& c, const toml::table& tables, const ReachTable& rt) {
    InventoryRefs irefs;
    irefs.plants = table_ref(c, tables, "plants", false);
    irefs.outfalls = table_ref(c, tables, "outfalls", false);
    irefs.industry = table_ref(c, tables, "industry", false);
    irefs.farms = table_ref(c, tables, "farms", false);
    irefs.cropland = table_ref(c, tables, "cropland", false);
    irefs.villages = table_ref(c, tables, "villages", false);
    irefs.ponds = table_ref(c, tables, "ponds", false);
    irefs.coefficients = table_ref(c, tables, "coefficients", false);
    irefs.standards = table_ref(c, tables, "standards", false);
    irefs.prohibited_zones = table_ref(c, tables, "prohibited_zones", false);
    irefs.catchments = table_ref(c, tables, "catchments", false);
    c.out.observations = table_ref(c, tables, "observations", false);
    c.out.uncertainty = table_ref(c, tables, "uncertainty", false);
    InventoryContext ictx;
    ictx.reach_index = &rt.index;
    ictx.warnings = &c.out.warnings;
    ictx.classes = &c.out.model.classes;
    for (const auto& row : rt.rows) ictx.reach_length_m.push_back(row.spec.length_km * kMetresPerKm);
    ictx.locate_point = [&](RowReader& r, const Table& t, std::int32_t& reach, double& pos) {
        return locate(c, r, t, rt.index, rt.rows, rt.geo, "", reach, pos);
    };
    ictx.locate_reach = [&](RowReader& r, const Table& t) {
        std::int32_t reach = kNone;
        double pos = 0.0;
        locate(c, r, t, rt.index, rt.rows, rt.geo, "", reach, pos);
        return reach;
    };
    c.out.model.inventory = read_inventory(irefs, ictx, c.probs);
}

// Monitoring sections: target class, level, water body, and where they are.
void read_sections(Ctx& c, const TableRef& ref, const ReachTable& rt) {
    Table st = read_table(ref, c.probs, "sections");
    c.out.warnings.insert(c.out.warnings.end(), st.warnings.begin(), st.warnings.end());
    if (st.columns.empty()) return;
    require_columns(st, {"section_id", "name", "river", "level", "target_class"}, c.probs);
    if (st.records.empty()) c.out.warnings.push_back(st.file + ": no sections: nothing will be classified");
    std::unordered_map<std::string, std::string> seen;
    for (const auto& rec : st.records) {
        RowReader r(st, rec, c.probs);
        reaches::Section s;
        s.id = r.unique_text("section_id", seen);
        s.name = r.text("name", true).value_or("");
        s.name_en = r.text("name_en", false).value_or(s.name);
        s.river = r.text("river", true).value_or("");
        if (auto lv = r.text("level", true)) {
            s.level = reaches::normalise_level(*lv);
            if (s.level.empty()) r.problem("level", *lv, "expected national, provincial, municipal or county (国控/省控/市控/县控)");
        }
        if (auto tc = r.text("target_class", true)) {
            auto cls = reaches::parse_class(*tc);
            if (!cls) r.problem("target_class", *tc, "expected a class I to V (Ⅰ–Ⅴ, 1–5)");
            else s.target_class = *cls;
        }
        if (auto wb = r.text("water_body", false)) {
            auto w = reaches::parse_water_body(*wb);
            if (!w) r.problem("water_body", *wb, "expected river or lake");
            else s.water_body = *w;
        }
        const auto& rrows = rt.rows;
        if (locate(c, r, st, rt.index, rrows, rt.geo, s.river, s.reach, s.position_m) && !s.river.empty() &&
            rrows[s.reach].spec.river != s.river)
            c.out.warnings.push_back(st.file + " " + rec.label + ": section " + s.id + " names river '" + s.river +
                                     "' but lies on reach " + rrows[s.reach].spec.id + " of river '" +
                                     rrows[s.reach].spec.river + "'");
        c.out.model.sections.push_back(std::move(s));
    }
}

// The network from the reach rows (once every table read without problems), with the reaches' lines, English names
// and sediment oxygen demand.
void build_network(Ctx& c, const ReachTable& rt) {
    CaseModel& m = c.out.model;
    reaches::NetworkBuilder b;
    for (const auto& row : rt.rows) b.add(row.spec);
    try {
        m.net = b.finish();
        if (rt.geo.usable) keep_reach_lines(m, reach_lines(rt.rows), rt.index, rt.geo, rt.table);
        m.reach_name_en.assign(m.net.size(), {});
        m.river_en.assign(m.net.size(), {});
        for (std::size_t r = 0; r < m.net.size(); ++r)
            if (auto it = rt.index.find(m.net.topo.id(r)); it != rt.index.end()) {
                const ReachRow& row = rt.rows[it->second];
                m.reach_name_en[r] = row.name_en;
                m.river_en[r] = row.river_en;
                set_given_inflow(m, r, row.headwater_given, row.lateral_given);
                if (row.downstream.given) {
                    m.downstream_boundary.resize(m.net.size());
                    m.downstream_boundary[r] = row.downstream;
                }
                // the reach table's per-reach water-quality values ([water_quality]'s inline tables may override
                // them): `absent` where a reach gives none (as read), each vector empty until a reach gives one
                auto& wr = c.out.water_quality.options.reaches;
                const auto give = [&](std::vector<double>& v, double x, double absent) {
                    if (x == absent) return;
                    v.resize(m.net.size(), absent);
                    v[r] = x;
                };
                give(wr.sod_g_m2_d, row.sod_g_m2_d, -1.0);
                give(wr.ka20_per_d, row.ka20_per_d, 0.0);  // as QUAL2K's prescribed ka
                give(wr.slope, row.slope, 0.0);            // a Manning reach's own is its hydraulics'
                give(wr.dispersion_m2s, row.dispersion_m2s, 0.0);
                give(wr.headwater_dispersion_m2s, row.headwater_dispersion_m2s, -1.0);
            }
    } catch (const ModelError& e) {
        c.probs.add(rt.table.file, "", "downstream_id", "", e.what());
    }
}

// The model's sources: the table's, then the inventory's resolved onto the network (every id once).
void resolve_sources(Ctx& c) {
    CaseModel& m = c.out.model;
    Problems rp;
    m.resolved = loads::resolve(m.inventory, m.net.length_m, rp);
    std::set<std::string> ids;
    for (const auto& s : m.table_sources) ids.insert(s.id);
    for (const auto& s : m.resolved)
        if (!ids.insert(s.id).second) rp.add(s.origin, "", "id", s.id, "the same id is used by another source");
    c.probs.append(rp);
    m.sources = m.table_sources;
    m.sources.insert(m.sources.end(), m.resolved.begin(), m.resolved.end());
}

}  // namespace

LoadedCase load_case(const std::string& path) {
    Ctx c;
    const toml::table root = parse_case_file(c, path);
    read_settings(c, root);
    CaseModel& m = c.out.model;
    const toml::table* tables = root["tables"].as_table();
    if (!tables) {
        c.probs.add(c.file, "", "tables", "", "missing [tables] naming the reaches, sources and sections tables");
        c.probs.throw_if_any("cannot read case " + path);
    }
    check_known_keys(c, *tables, "tables.", kTableKeys);
    auto reaches_ref = table_ref(c, *tables, "reaches", true);
    auto sources_ref = table_ref(c, *tables, "sources", false);
    auto sections_ref = table_ref(c, *tables, "sections", true);
    auto classes_ref = table_ref(c, *tables, "classes", false);
    auto scenarios_ref = table_ref(c, *tables, "scenarios", false);
    if (classes_ref) read_class_table(*classes_ref, c.probs, m.classes);
    const ReachTable rt = read_reach_table(c, reaches_ref);
    if (sources_ref) read_sources(c, *sources_ref, rt);
    read_inventory_tables(c, *tables, rt);
    if (!sources_ref && m.inventory.empty())
        c.out.warnings.push_back(c.file + ": the case has no sources (name a sources table or inventory tables): only "
                                 "background inflow is routed");
    if (sections_ref) read_sections(c, *sections_ref, rt);
    if (c.probs.empty()) build_network(c, rt);
    m.table_sources = m.sources;
    if (c.probs.empty()) resolve_sources(c);
    // read even after other problems, so that its own are reported with them (reach ids need the network)
    if (const auto* wqt = root["water_quality"].as_table())
        read_water_quality_settings(*wqt, c.file, m.net, c.probs.empty() ? &m.sources : nullptr, c.probs, c.out.water_quality);
    else if (root.contains("water_quality")) c.probs.add(c.file, "", "water_quality", "", "expected a table");
    // a downstream boundary acts only through the dispersion of the outlet's elements
    for (std::size_t r = 0; r < m.downstream_boundary.size(); ++r)
        if (m.downstream_boundary[r].given &&
            !reaches::wq::disperses(c.out.water_quality.options.reaches, c.out.water_quality.options.steady, r))
            c.out.warnings.push_back("reach " + m.net.topo.id(r) + ": its downstream boundary (downstream_<item>_mgL, "
                                     "下游边界) has no effect: it acts through the dispersion between elements "
                                     "([water_quality] model = \"elements\" with dispersion)");
    // measures and scenarios refer to sources and reaches, so they are read once the model is whole
    if (c.probs.empty() && scenarios_ref) c.out.scenarios = read_scenarios(scenarios_ref->path, m, c.probs);
    c.probs.throw_if_any("case " + c.dir + " has problems");
    return std::move(c.out);
}

}  // namespace qingliu::io
