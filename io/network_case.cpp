#include "io/network_case.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "io/export_tables.hpp"
#include "io/gpkg_parts.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/table.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;

namespace {

// Columns a user fills in (kept from an earlier reaches.gpkg) that are numbers.
const std::set<std::string> kNumeric = {"headwater_flow_m3s", "velocity_ms", "hg_a", "hg_b", "hg_c", "hg_d", "manning_n", "slope",
                                        "width_m", "bottom_width_m", "side_slope_1", "side_slope_2", "lateral_inflow_m3s",
                                        "split_fraction", "drainage_area_km2", "headwater_cod_mgL", "headwater_nh3n_mgL",
                                        "headwater_tp_mgL"};
// Columns the builder writes itself.
const std::vector<std::string> kBuilt = {"reach_id", "river", "downstream_id", "split_to", "length_km", "to_outlet_km", "features"};

bool built(const std::string& c) { return std::find(kBuilt.begin(), kBuilt.end(), c) != kBuilt.end(); }

/// printf-formatted number: "%.*f" with `decimals`, or with decimals < 0 "%.17g" (every digit of a coordinate).
std::string fmt(double v, int decimals) {
    char b[64];
    if (decimals < 0) std::snprintf(b, sizeof b, "%.17g", v);
    else std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::string list(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

/// Values a user filled into an earlier reaches.gpkg: by reach id, column → text; `columns` gets the carried columns.
using Carried = std::map<std::string, std::map<std::string, std::string>>;
Carried carried_values(const std::string& gpkg, std::vector<std::string>& columns) {
    Carried carried;
    std::error_code ec;
    if (!fs::exists(gpkg, ec)) return carried;
    Problems p;
    Table old = read_table({gpkg, "reaches"}, p);
    const int idc = old.column("reach_id");
    if (!p.empty() || idc < 0) return carried;
    for (const auto& c : old.columns)
        if (!built(c) && std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    for (const auto& r : old.records) {
        if (!r.values[idc]) continue;
        auto& row = carried[*r.values[idc]];
        for (std::size_t i = 0; i < old.columns.size(); ++i)
            if (r.values[i] && !built(old.columns[i])) row[old.columns[i]] = *r.values[i];
    }
    return carried;
}

/// reaches.gpkg: layers `reaches` (the case's reach table with line geometry, carried values kept) and `findings`.
void write_reaches_gpkg(const std::string& path, const NetworkCaseOptions& o, NetworkCaseResult& res,
                        const std::vector<std::string>& carried_cols, Carried carried) {
    const auto& net = res.network;
    gpkg::Dataset ds = gpkg::create(path);
    const std::unique_ptr<OGRSpatialReference> srs = gpkg::srs_from_wkt(res.layer.srs_wkt);
    gpkg::Fields fields = {{"reach_id", OFTString}, {"river", OFTString},    {"downstream_id", OFTString}, {"split_to", OFTString},
                           {"length_km", OFTReal},  {"to_outlet_km", OFTReal}, {"features", OFTString}};
    for (const auto& c : carried_cols) fields.emplace_back(c, kNumeric.count(c) ? OFTReal : OFTString);
    OGRLayer* lr = gpkg::make_layer(ds.get(), "reaches", srs.get(), wkbLineString, fields,
                                    "reaches built from " + res.layer.label + " by qingliu network");
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
        gpkg::check(lr->CreateFeature(&f), "reach " + r.id);
    }
    for (const auto& [id, row] : carried)
        if (!row.empty()) res.not_carried.push_back(id);
    OGRLayer* lf = gpkg::make_layer(ds.get(), "findings", srs.get(), wkbPoint,
                                    {{"kind", OFTString}, {"features", OFTString}, {"distance_m", OFTReal}, {"message", OFTString}},
                                    "what the network builder found in the line layer and did about it");
    for (const auto& x : net.findings) {
        OGRFeature f(lf->GetLayerDefn());
        f.SetField("kind", reaches::finding_key(x.kind));
        f.SetField("features", list(x.features).c_str());
        f.SetField("distance_m", x.distance_m);
        f.SetField("message", x.message.c_str());
        OGRPoint p(x.where.first, x.where.second);
        f.SetGeometry(&p);
        gpkg::check(lf->CreateFeature(&f), "finding");
    }
    gpkg::finish(ds, path);
}

/// case.toml (and sections.csv with the outlet as a template section) for a folder that has none.
void stage_case_file(const NetworkCaseOptions& o, NetworkCaseResult& res, OutputDir& out) {
    const auto& net = res.network;
    std::error_code ec;
    const reaches::LineReach* outlet = nullptr;
    for (const auto& r : net.reaches)
        if (r.downstream.empty() && (!outlet || r.to_outlet_m < outlet->to_outlet_m)) outlet = &r;
    for (const auto& r : net.reaches)  // the reach ending at the outlet point
        if (r.downstream.empty() && r.line.back() == net.outlet) outlet = &r;
    std::string name = fs::path(o.lines.path).stem().string();
    std::string t;
    t += "# Case written by `qingliu network` from " + fs::path(o.lines.path).filename().string() + ".\n";
    t += "# Before `qingliu run`: fill headwater_flow_m3s (design flow) on the headwater reaches and the hydraulics of\n";
    t += "# every reach (velocity_ms, or hg_a and hg_b, or manning_n, slope and width_m, or manning_n, slope,\n";
    t += "# bottom_width_m, side_slope_1 and side_slope_2 for a trapezoid) in reaches.gpkg (QGIS attribute\n";
    t += "# table); split_fraction where a reach has split_to; the sections in sections.csv; then `qingliu check`.\n";
    t += "# Re-running `qingliu network` keeps what was filled in for reaches whose id is unchanged.\n\n";
    t += "[case]\nname = \"" + name + "\"\n\n[tables]\nreaches = { path = \"reaches.gpkg\", layer = \"reaches\" }\n";
    t += "sections = \"sections.csv\"\n";
    out.stage("case.toml", t);
    res.wrote_case_file = true;
    if (!fs::exists(fs::path(o.out_dir) / "sections.csv", ec) && outlet) {
        std::string s = "section_id,name,river,reach_id,position_km,level,target_class\n";
        s += "OUTLET," + csv_quote("出口 outlet (template: set the real section, level and target class)") + "," +
             csv_quote(outlet->river) + "," + outlet->id + "," + fmt(outlet->length_m / 1000.0, -1) + ",county,III\n";
        out.stage("sections.csv", s, true);
        res.wrote_sections = true;
    }
}

}  // namespace

NetworkCaseResult build_network_case(const NetworkCaseOptions& o) {
    NetworkCaseResult res;
    res.layer = read_line_layer(o.lines);
    auto nopt = o.network;
    if (!o.split_points.empty()) nopt.split_points = read_split_points(o.split_points, o.split_id_field, res.layer);
    res.network = reaches::build_line_network(res.layer.features, nopt, res.layer.metric);
    const auto& net = res.network;

    std::vector<std::string> carried_cols = {"headwater_flow_m3s", "velocity_ms", "split_fraction"};
    Carried carried = carried_values((fs::path(o.out_dir) / "reaches.gpkg").string(), carried_cols);

    OutputDir out(o.out_dir);
    out.stage("reaches.gpkg", gpkg::bytes_of("reaches.gpkg", [&](const std::string& path) {
                  write_reaches_gpkg(path, o, res, carried_cols, std::move(carried));
              }));
    out.stage("network_findings.csv", network_findings_csv(net.findings), true);
    if (!o.split_points.empty()) out.stage("split_points.csv", split_points_csv(net.points), true);
    std::error_code ec;
    if (!fs::exists(fs::path(o.out_dir) / "case.toml", ec)) stage_case_file(o, res, out);
    res.written = out.commit();
    return res;
}

}  // namespace qingliu::io
