#include "io/mixing_gpkg.hpp"

#include <cmath>
#include <memory>

#include "common/error.hpp"
#include "io/gpkg_parts.hpp"
#include "reaches/classes.hpp"

namespace qingliu::io {

namespace {

using gpkg::set_real;

OGRPolygon polygon(const std::vector<report::XY>& ring) {
    OGRLinearRing r;
    for (const auto& p : ring) r.addPoint(p.x, p.y);
    r.closeRings();
    OGRPolygon g;
    g.addRing(&r);
    return g;
}

/// QGIS style for mixing_grid: graduated on "ratio" (C / target-class limit), the report's colours.
std::string grid_qml() {
    struct Range {
        double lo, hi;
        const char* rgb;
        const char* label;
    };
    const Range ranges[] = {{0, 0.5, "147,197,253,255", "< 0.5"}, {0.5, 0.8, "134,239,172,255", "0.5-0.8"},
                            {0.8, 1.0, "253,224,71,255", "0.8-1 (near the limit)"}, {1.0, 1.5, "251,146,60,255", "1-1.5 (exceeds)"},
                            {1.5, 1e9, "220,38,38,255", "> 1.5"}};
    std::string r, s;
    int n = 0;
    for (const auto& x : ranges) {
        char b[64];
        std::snprintf(b, sizeof b, "%g", x.lo);
        std::string lo = b;
        std::snprintf(b, sizeof b, "%g", x.hi);
        r += "<range lower=\"" + lo + "\" upper=\"" + std::string(b) + "\" symbol=\"" + std::to_string(n) + "\" label=\"" + x.label +
             "\" render=\"true\"/>";
        s += "<symbol type=\"fill\" name=\"" + std::to_string(n) + "\" alpha=\"0.8\"><layer class=\"SimpleFill\"><Option type=\"Map\">"
             "<Option type=\"QString\" name=\"color\" value=\"" + std::string(x.rgb) + "\"/><Option type=\"QString\" name=\"outline_style\" "
             "value=\"no\"/></Option></layer></symbol>";
        ++n;
    }
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"Symbology\">"
           "<renderer-v2 type=\"graduatedSymbol\" attr=\"ratio\" graduatedMethod=\"GraduatedColor\"><ranges>" + r +
           "</ranges><symbols>" + s + "</symbols></renderer-v2></qgis>\n";
}

/// Writes the GeoPackage at `path`.
void write_mixing_gpkg(const std::string& path, const report::MixingSection& s, const report::MixingMap& map, const report::Layout& L) {
    gpkg::Dataset ds = gpkg::create(path);
    {
        const std::unique_ptr<OGRSpatialReference> srs = gpkg::layout_srs(L);
        const std::string frame = gpkg::frame_text(L);
        OGRLayer* lo = gpkg::make_layer(ds.get(), "mixing_outfalls", srs.get(), wkbPoint,
                             {{"outfall_id", OFTString}, {"name", OFTString}, {"type", OFTString}, {"reach_id", OFTString},
                              {"scenario", OFTString}, {"position_km", OFTReal}, {"discharge", OFTString}, {"bank", OFTString},
                              {"distance_from_bank_m", OFTReal}, {"river_flow_m3s", OFTReal}, {"effluent_flow_m3s", OFTReal},
                              {"velocity_ms", OFTReal}, {"width_m", OFTReal}, {"depth_m", OFTReal}, {"slope", OFTReal},
                              {"alpha", OFTReal}, {"ey_m2s", OFTReal}, {"mixing_length_hj_m", OFTReal}, {"complete_mixing_m", OFTReal},
                              {"target_class", OFTString}, {"notes", OFTString}},
                             "outfalls, scenario " + s.scenario + "; " + frame);
        OGRLayer* lz = gpkg::make_layer(ds.get(), "mixing_zones", srs.get(), wkbPolygon,
                             {{"outfall_id", OFTString}, {"parameter", OFTString}, {"scenario", OFTString}, {"limit_mgL", OFTReal},
                              {"background_mgL", OFTReal}, {"length_m", OFTReal}, {"max_width_m", OFTReal}, {"area_m2", OFTReal},
                              {"open_at_reach_end", OFTInteger}, {"background_exceeds", OFTInteger}, {"reaches", OFTString}},
                             "mixing zones (concentration above the target-class limit), scenario " + s.scenario + "; " + frame);
        OGRLayer* lg = gpkg::make_layer(ds.get(), "mixing_grid", srs.get(), wkbPolygon,
                             gpkg::with_constituent_fields({{"outfall_id", OFTString}, {"scenario", OFTString}, {"x_m", OFTReal}, {"y_m", OFTReal}},
                                                           "_mgL", OFTReal, {{"ratio", OFTReal}, {"exceeds", OFTInteger}}),
                             "concentration grid below each outfall (cell centres x along, y across from the outfall's bank), scenario " +
                                 s.scenario + "; " + frame);
        for (std::size_t k = 0; k < s.result.outfalls.size() && k < map.outfalls.size(); ++k) {
            const auto& o = s.result.outfalls[k];
            const auto& m = map.outfalls[k];
            if (!m.placed) continue;
            std::string notes;
            for (const auto& n : o.notes) notes += (notes.empty() ? "" : "; ") + n;
            {
                OGRFeature f(lo->GetLayerDefn());
                f.SetField("outfall_id", o.source_id.c_str());
                f.SetField("name", o.name.c_str());
                f.SetField("type", o.type.c_str());
                f.SetField("reach_id", o.reach_id.c_str());
                f.SetField("scenario", s.scenario.c_str());
                set_real(f, "position_km", o.position_m / 1000.0);
                f.SetField("discharge", o.discharge == mixing::Discharge::Bank ? "bank" : "mid");
                f.SetField("bank", o.bank == mixing::Bank::Left ? "left" : "right");
                set_real(f, "distance_from_bank_m", o.source_y_m);
                set_real(f, "river_flow_m3s", o.river_flow_m3s);
                set_real(f, "effluent_flow_m3s", o.effluent_flow_m3s);
                set_real(f, "velocity_ms", o.channel.velocity_ms);
                set_real(f, "width_m", o.channel.width_m);
                set_real(f, "depth_m", o.channel.depth_m);
                set_real(f, "slope", o.channel.slope);
                set_real(f, "alpha", o.channel.alpha);
                set_real(f, "ey_m2s", o.channel.ey_m2s);
                set_real(f, "mixing_length_hj_m", o.mixing_length_hj_m);
                set_real(f, "complete_mixing_m", o.mixing_distance_m);
                f.SetField("target_class", o.target_class > 0 ? reaches::class_roman(o.target_class).c_str() : "");
                f.SetField("notes", notes.c_str());
                OGRPoint pt(m.point.x, m.point.y);
                f.SetGeometry(&pt);
                gpkg::check(lo->CreateFeature(&f), "outfall " + o.source_id);
            }
            for (std::size_t c = 0; c < o.params.size() && c < m.zones.size(); ++c) {
                const auto& p = o.params[c];
                if (m.zones[c].size() < 4) continue;
                OGRFeature f(lz->GetLayerDefn());
                f.SetField("outfall_id", o.source_id.c_str());
                f.SetField("parameter", std::string(key(kConstituents[p.constituent])).c_str());
                f.SetField("scenario", s.scenario.c_str());
                set_real(f, "limit_mgL", p.limit_mgL);
                set_real(f, "background_mgL", p.background_mgL);
                set_real(f, "length_m", p.zone.length_m);
                set_real(f, "max_width_m", p.zone.max_width_m);
                set_real(f, "area_m2", p.zone.area_m2);
                f.SetField("open_at_reach_end", p.zone.open_at_end ? 1 : 0);
                f.SetField("background_exceeds", p.zone.background_exceeds ? 1 : 0);
                std::string reached;
                for (const auto& r : p.reached) reached += (reached.empty() ? "" : "; ") + r.kind + " " + r.id;
                f.SetField("reaches", reached.c_str());
                OGRPolygon g = polygon(m.zones[c]);
                f.SetGeometry(&g);
                gpkg::check(lz->CreateFeature(&f), "zone of " + o.source_id);
            }
            const double dx = o.nx > 0 ? o.grid_length_m / o.nx : 0.0, dy = o.ny > 0 ? o.channel.width_m / o.ny : 0.0;
            for (int i = 0; i < o.nx; ++i)
                for (int j = 0; j < o.ny; ++j) {
                    const std::size_t q = static_cast<std::size_t>(i) * o.ny + j;
                    if (q >= m.cells.size()) break;
                    const auto& cell = o.grid_mgL[q];
                    OGRFeature f(lg->GetLayerDefn());
                    f.SetField("outfall_id", o.source_id.c_str());
                    f.SetField("scenario", s.scenario.c_str());
                    set_real(f, "x_m", (i + 0.5) * dx);
                    set_real(f, "y_m", (j + 0.5) * dy);
                    gpkg::set_concentrations(f, cell);
                    double ratio = -1.0;
                    for (const auto& p : o.params)
                        if (std::isfinite(p.limit_mgL) && p.limit_mgL > 0.0) ratio = std::max(ratio, cell[p.constituent] / p.limit_mgL);
                    set_real(f, "ratio", ratio >= 0.0 ? ratio : NAN);
                    f.SetField("exceeds", ratio > 1.0 ? 1 : 0);
                    const auto& c4 = m.cells[q];
                    OGRPolygon g = polygon({c4[0], c4[1], c4[2], c4[3], c4[0]});
                    f.SetGeometry(&g);
                    gpkg::check(lg->CreateFeature(&f), "grid of " + o.source_id);
                }
        }
        // a style QGIS applies when mixing_grid is opened
        gpkg::write_layer_styles(ds.get(), {{"mixing_grid", "mixing_grid by C/limit", grid_qml(), "", "concentration over the target-class limit"}});
    }
    gpkg::finish(ds, path);
}

}  // namespace

std::string mixing_gpkg_bytes(const report::MixingSection& s, const report::MixingMap& map, const report::Layout& L) {
    return gpkg::bytes_of("mixing.gpkg", [&](const std::string& path) { write_mixing_gpkg(path, s, map, L); });
}

}  // namespace qingliu::io
