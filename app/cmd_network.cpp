// qingliu network LINES --out CASE_DIR: the reaches table of a case built from a river line layer (水系图).
#include <cstdio>
#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "io/network_case.hpp"

namespace qingliu::app {

namespace {

const char* finding_zh(reaches::FindingKind k) {
    using K = reaches::FindingKind;
    switch (k) {
        case K::Snapped: return "端点吸附 snapped";
        case K::Junction: return "T形汇合 junction";
        case K::Gap: return "断开 gap";
        case K::Dangle: return "出头 dangle";
        case K::Crossing: return "交叉 crossing";
        case K::MultiPart: return "多部件 multi-part";
        case K::Reversed: return "反向 reversed";
        case K::Loop: return "环路 loop";
        case K::Disconnected: return "未连通 disconnected";
        case K::Outlet: return "出口 outlet";
        case K::SplitPointFar: return "分割点过远 split point far";
        case K::Degenerate: return "退化 degenerate";
    }
    return "";
}

}  // namespace

void register_network(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("network", "Build a case's reaches (with line geometry) from a river line layer (水系图)");
    struct Opts {
        io::NetworkCaseOptions n;
        std::string outlet;
        double headwater = -1.0, velocity = -1.0;
        std::string lengths = "geodesic";
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("LINES", o->n.lines.path, "River line layer: Shapefile, GeoPackage, GeoJSON ... in any CRS")->required();
    cmd->add_option("--out", o->n.out_dir, "Case folder to write (reaches.gpkg; case.toml and sections.csv if absent)")->required();
    cmd->add_option("--layer", o->n.lines.layer, "Layer of a multi-layer file (default: the first)");
    auto* ox = cmd->add_option("--outlet", o->outlet, "Outlet X,Y in the layer's coordinates (snapped to the nearest line end)");
    cmd->add_option("--outlet-feature", o->n.network.outlet_feature, "Or: the feature whose free end is the outlet")->excludes(ox);
    cmd->add_option("--name-field", o->n.lines.name_field, "River-name field (default: name, 名称, 河流名称 ... if present)");
    cmd->add_option("--id-field", o->n.lines.id_field, "Feature id field (default: the feature id, FID)");
    cmd->add_option("--direction-field", o->n.lines.direction_field, "Flow direction per feature: 1 digitised order, -1 against, 0 unknown");
    cmd->add_option("--elevation-fields", o->n.lines.elevation_fields, "FROM,TO: elevations at each line's first and last vertex");
    cmd->add_option("--tolerance-m", o->n.network.tolerance_m, "Line ends closer than this are one node (m)")->capture_default_str();
    cmd->add_option("--gap-m", o->n.network.gap_m, "Report gaps and cut overshoots up to this distance (m; default 20 x tolerance)");
    cmd->add_option("--split-points", o->n.split_points, "Point layer (outfalls, sections): reaches are split at each point");
    cmd->add_option("--split-id-field", o->n.split_id_field, "Id field of the split points (default: id, section_id, outfall_id ...)");
    cmd->add_option("--split-max-m", o->n.network.split_max_m, "Split points farther than this from every line are not used (m)")
        ->capture_default_str();
    cmd->add_option("--encoding", o->n.lines.encoding, "Attribute encoding of a Shapefile (default: .cpg, else UTF-8 or GBK detected)");
    cmd->add_option("--lengths", o->lengths, "geodesic (default) or planar (in a projected CRS)")->check(CLI::IsMember({"geodesic", "planar"}));
    cmd->add_option("--headwater-flow-m3s", o->headwater, "Write this design flow on every headwater reach (a placeholder to replace)");
    cmd->add_option("--velocity-ms", o->velocity, "Write this velocity on every reach (a placeholder to replace)");
    cmd->callback([&g, &action, o] {
        action = [&g, o] {
            auto n = o->n;
            if (!o->outlet.empty()) {
                const auto comma = o->outlet.find(',');
                double x = 0, y = 0;
                if (comma == std::string::npos || !parse_double(o->outlet.substr(0, comma), x) || !parse_double(o->outlet.substr(comma + 1), y))
                    throw InputError("--outlet " + o->outlet + ": expected X,Y (two numbers in the layer's coordinates)", {});
                n.network.outlet = reaches::LineXY{x, y};
            }
            if (o->headwater >= 0.0) n.headwater_flow_m3s = o->headwater;
            if (o->velocity > 0.0) n.velocity_ms = o->velocity;
            n.lines.planar_lengths = o->lengths == "planar";
            const io::NetworkCaseResult r = io::build_network_case(n);
            for (const auto& note : r.layer.notes) spdlog::warn("{}", note);
            if (!g.quiet) {
                const auto& net = r.network;
                double total = 0.0;
                std::size_t heads = 0;
                for (const auto& x : net.reaches) total += x.length_m, heads += x.headwater;
                std::printf("%s: %zu features -> %zu reaches (%zu headwaters), %s km\n", r.layer.label.c_str(), r.layer.features.size(),
                            net.reaches.size(), heads, fixed(total / 1000.0, 3).c_str());
                std::printf("attributes: %s; river names: %s; lengths: %s\n", r.layer.encoding.c_str(),
                            r.layer.name_field.empty() ? "(no field)" : r.layer.name_field.c_str(), r.layer.lengths.c_str());
                std::map<reaches::FindingKind, std::size_t> count;
                for (const auto& f : net.findings) ++count[f.kind];
                if (!net.findings.empty()) {
                    TextTable t({"类型 Kind", "数量 Count"});
                    for (const auto& [k, c] : count) t.row({finding_zh(k), std::to_string(c)});
                    std::printf("\n%s\n", t.str().c_str());
                    std::size_t shown = 0;
                    for (const auto& f : net.findings) {
                        if (!g.verbose && f.kind == reaches::FindingKind::Junction) continue;  // ordinary confluences
                        if (!g.verbose && ++shown > 40) {
                            std::printf("... (all of them in network_findings.csv and the findings layer; -v prints them)\n");
                            break;
                        }
                        std::string ids;
                        for (const auto& i : f.features) ids += (ids.empty() ? "" : ", ") + i;
                        std::printf("  %-12s features %s: %s\n", reaches::finding_key(f.kind), ids.c_str(), f.message.c_str());
                    }
                }
                if (r.carried_over) std::printf("kept the filled-in values of %zu reaches from the earlier reaches.gpkg\n", r.carried_over);
                if (!r.not_carried.empty()) {
                    std::string ids;
                    for (const auto& i : r.not_carried) ids += (ids.empty() ? "" : ", ") + i;
                    spdlog::warn("{} reaches of the earlier reaches.gpkg are gone (their lines changed): their values were not kept: {}",
                                 r.not_carried.size(), ids);
                }
                if (r.wrote_case_file)
                    std::printf("wrote case.toml%s: fill the flows and hydraulics in reaches.gpkg, then qingliu check %s\n",
                                r.wrote_sections ? " and a sections.csv template" : "", n.out_dir.c_str());
            }
            for (const auto& f : r.written) spdlog::info("wrote {}", f);
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
