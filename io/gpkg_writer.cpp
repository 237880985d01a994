#include "io/gpkg_writer.hpp"

#include <cstdio>
#include <memory>
#include <unordered_map>

#include "common/error.hpp"
#include "io/gpkg_parts.hpp"
#include "io/water_quality_csv.hpp"
#include "reaches/classes.hpp"
#include "report/water_quality.hpp"

namespace qingliu::io {

namespace {

using gpkg::make_layer;
using gpkg::set_concentrations;
using gpkg::set_real;
using gpkg::with_constituent_fields;

std::string xml(const std::string& s) {
    std::string o;
    for (char c : s) switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            default: o += c;
        }
    return o;
}

std::string rgba(const char* hex) {
    unsigned r = 0, g = 0, b = 0;
    std::sscanf(hex, "#%02x%02x%02x", &r, &g, &b);
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ",255";
}

std::string class_name(int c) { return reaches::class_label_zh(c) + " " + reaches::class_label_en(c); }

/// QGIS style: categories on the integer field "class" (1..6), line or marker symbols.
std::string qml(bool line) {
    std::string cats, syms;
    for (int c = 1; c <= 6; ++c) {
        const std::string n = std::to_string(c - 1);
        cats += "<category value=\"" + std::to_string(c) + "\" label=\"" + xml(class_name(c)) + "\" symbol=\"" + n + "\" render=\"true\"/>";
        if (line)
            syms += "<symbol type=\"line\" name=\"" + n + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleLine\" "
                    "enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\"><Option type=\"QString\" name=\"line_color\" value=\"" +
                    rgba(report::class_colour(c)) +
                    "\"/><Option type=\"QString\" name=\"line_width\" value=\"1.4\"/><Option type=\"QString\" name=\"line_width_unit\" "
                    "value=\"MM\"/><Option type=\"QString\" name=\"capstyle\" value=\"round\"/><Option type=\"QString\" "
                    "name=\"joinstyle\" value=\"round\"/></Option></layer></symbol>";
        else
            syms += "<symbol type=\"marker\" name=\"" + n + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleMarker\" "
                    "enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\"><Option type=\"QString\" name=\"name\" value=\"circle\"/>"
                    "<Option type=\"QString\" name=\"color\" value=\"" +
                    rgba(report::class_colour(c)) +
                    "\"/><Option type=\"QString\" name=\"outline_color\" value=\"35,35,35,255\"/><Option type=\"QString\" "
                    "name=\"outline_width\" value=\"0.3\"/><Option type=\"QString\" name=\"size\" value=\"3.4\"/><Option type=\"QString\" "
                    "name=\"size_unit\" value=\"MM\"/></Option></layer></symbol>";
    }
    std::string label;
    if (!line)
        label = "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"name\" fontSize=\"9\" "
                "textColor=\"30,30,30,255\"/><text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferColor=\"255,255,255,255\"/>"
                "<placement placement=\"0\" dist=\"1.5\"/></settings></labeling>";
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" "
           "labelsEnabled=\"" + std::string(line ? "0" : "1") + "\"><renderer-v2 type=\"categorizedSymbol\" attr=\"class\" "
           "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>" + cats + "</categories><symbols>" + syms +
           "</symbols></renderer-v2>" + label + "</qgis>\n";
}

/// OGC SLD 1.1 with one rule per class on the field "class".
std::string sld(const std::string& layer, bool line) {
    std::string rules;
    for (int c = 1; c <= 6; ++c) {
        const std::string col = report::class_colour(c);
        rules += "<se:Rule><se:Name>" + xml(class_name(c)) + "</se:Name><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>class"
                 "</ogc:PropertyName><ogc:Literal>" + std::to_string(c) + "</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>";
        if (line)
            rules += "<se:LineSymbolizer><se:Stroke><se:SvgParameter name=\"stroke\">" + col + "</se:SvgParameter><se:SvgParameter "
                     "name=\"stroke-width\">4</se:SvgParameter><se:SvgParameter name=\"stroke-linecap\">round</se:SvgParameter>"
                     "</se:Stroke></se:LineSymbolizer>";
        else
            rules += "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter "
                     "name=\"fill\">" + col + "</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name=\"stroke\">#232323"
                     "</se:SvgParameter></se:Stroke></se:Mark><se:Size>12</se:Size></se:Graphic></se:PointSymbolizer>";
        rules += "</se:Rule>";
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<StyledLayerDescriptor version=\"1.1.0\" "
           "xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" "
           "xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><NamedLayer>"
           "<se:Name>" + xml(layer) + "</se:Name><UserStyle><se:Name>" + xml(layer) + "</se:Name><se:FeatureTypeStyle>" + rules +
           "</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n";
}

/// The water-quality model's sections (report/water_quality.hpp), one point layer per scenario with the columns of
/// water_quality_sections.csv: every item's value, class and exceedance (DO: shortfall), the class, the deciding and
/// the exceeding items. Returns the layers' names.
std::vector<std::string> write_water_quality_layers(GDALDataset* ds, const report::ReportData& d, const report::Layout& L,
                                                    const OGRSpatialReference* srs, const std::string& frame) {
    const report::WaterQualityTable& t = *d.water_quality;
    gpkg::Fields fields = {{"section_id", OFTString}, {"name", OFTString},       {"name_en", OFTString},  {"river", OFTString},
                           {"reach_id", OFTString},   {"scenario", OFTString},   {"condition", OFTString}, {"position_km", OFTReal},
                           {"water_body", OFTString}, {"target_class", OFTInteger}, {"flow_m3s", OFTReal}};
    const auto keys = water_quality_item_keys(t.rows);
    for (const auto& k : keys) fields.emplace_back(k + "_mgL", OFTReal);
    for (const auto& k : keys) fields.emplace_back(k + "_class", OFTInteger);
    for (const auto& k : keys) fields.emplace_back(k + "_exceedance", OFTReal);
    for (const auto& f : gpkg::Fields{{"class", OFTInteger}, {"class_label", OFTString}, {"meets", OFTInteger}, {"deciding", OFTString},
                                      {"exceeding_en", OFTString}, {"exceeding_zh", OFTString}})
        fields.push_back(f);
    std::unordered_map<std::string, std::size_t> point_of;  // sections sit where the baseline layout puts them
    if (!d.scenarios.empty())
        for (std::size_t k = 0; k < d.scenarios.front().sections.size(); ++k) point_of.emplace(d.scenarios.front().sections[k].id, k);
    std::vector<std::string> names;
    for (std::size_t si = 0; si < t.scenarios.size(); ++si) {
        const auto& s = t.scenarios[si];
        const std::string name = gpkg_layer_name("water_quality_sections", s.id, si == 0);
        OGRLayer* layer = make_layer(ds, name, srs, wkbPoint, fields,
                                     "monitoring sections over every GB 3838 item (water-quality model), scenario " + s.id + ", " +
                                         s.condition_en + "; exceedance = value / limit - 1, DO: shortfall limit - value (mg/L); " +
                                         frame);
        for (const auto& r : t.rows) {
            if (r.scenario != s.id) continue;
            const auto& e = r.evaluation;
            OGRFeature f(layer->GetLayerDefn());
            for (const auto& [field, v] : {std::pair<const char*, const std::string&>{"section_id", r.section_id}, {"name", r.name},
                                           {"name_en", r.name_en}, {"river", r.river}, {"reach_id", r.reach_id}, {"scenario", r.scenario},
                                           {"condition", s.condition_id}, {"water_body", r.water_body}})
                f.SetField(field, v.c_str());
            set_real(f, "position_km", r.position_km);
            f.SetField("target_class", r.target_class);
            set_real(f, "flow_m3s", r.flow_m3s);
            for (const auto& c : e.items) {
                set_real(f, (c.key + "_mgL").c_str(), c.value_mgL);
                if (c.cls > 0) f.SetField((c.key + "_class").c_str(), c.cls);
                if (c.exceeds) set_real(f, (c.key + "_exceedance").c_str(), c.exceedance);
            }
            std::string deciding;
            for (const auto& k : r.deciding) deciding += (deciding.empty() ? "" : ";") + k;
            f.SetField("class", e.overall);
            f.SetField("class_label", reaches::class_label_zh(e.overall).c_str());
            f.SetField("meets", e.meets ? 1 : 0);
            f.SetField("deciding", deciding.c_str());
            f.SetField("exceeding_en", reaches::wq::exceeding_text(e, false).c_str());
            f.SetField("exceeding_zh", reaches::wq::exceeding_text(e, true).c_str());
            const auto at = point_of.find(r.section_id);
            const report::XY p = at != point_of.end() && at->second < L.section_points.size() ? L.section_points[at->second] : report::XY{};
            OGRPoint pt(p.x, p.y);
            f.SetGeometry(&pt);
            gpkg::check(layer->CreateFeature(&f), "water-quality section " + r.section_id);
        }
        names.push_back(name);
    }
    return names;
}

}  // namespace

std::string gpkg_layer_name(const std::string& base, const std::string& id, bool baseline) {
    if (baseline) return base;
    std::string n = base + "_";
    for (unsigned char c : id) n += std::isalnum(c) || c == '_' ? static_cast<char>(c) : '_';
    return n;
}

void write_network_gpkg(const std::string& path, const report::ReportData& d, const report::Layout& L) {
    gpkg::Dataset ds = gpkg::create(path);
    const std::unique_ptr<OGRSpatialReference> srs = gpkg::layout_srs(L);
    const std::string frame = gpkg::frame_text(L);
    std::vector<gpkg::Style> styles;
    auto style = [&](const std::string& layer, bool line) {
        styles.push_back({layer, layer + " by class", qml(line), sld(layer, line),
                          "GB 3838-2002 class colours (I/II blue, III green, IV yellow, V orange, worse than V red)"});
    };
    std::unordered_map<std::string, const report::Reach*> reach;
    for (const auto& r : d.network) reach.emplace(r.id, &r);
    for (std::size_t si = 0; si < d.scenarios.size(); ++si) {
        const auto& s = d.scenarios[si];
        const std::string rl = gpkg_layer_name("reaches", s.id, si == 0), sl = gpkg_layer_name("sections", s.id, si == 0);
        OGRLayer* lr = make_layer(ds.get(), rl, srs.get(), wkbLineString,
                                  with_constituent_fields({{"reach_id", OFTString}, {"name", OFTString}, {"river", OFTString},
                                                           {"downstream_id", OFTString}, {"scenario", OFTString}, {"length_km", OFTReal},
                                                           {"flow_m3s", OFTReal}, {"velocity_ms", OFTReal}, {"travel_time_d", OFTReal}},
                                                          "_mgL", OFTReal,
                                                          {{"class", OFTInteger}, {"class_label", OFTString}, {"dry", OFTInteger}}),
                                  "reaches, scenario " + s.id + "; concentrations at the downstream end (mg/L); " + frame);
        std::unordered_map<std::string, const report::ReachResult*> res;
        for (const auto& r : s.reaches) res.emplace(r.id, &r);
        for (std::size_t i = 0; i < d.network.size() && i < L.reach_lines.size(); ++i) {
            const auto& n = d.network[i];
            OGRFeature f(lr->GetLayerDefn());
            f.SetField("reach_id", n.id.c_str());
            f.SetField("name", n.name.c_str());
            f.SetField("river", n.river.c_str());
            f.SetField("downstream_id", n.downstream_id.c_str());
            f.SetField("scenario", s.id.c_str());
            set_real(f, "length_km", n.length_km);
            if (auto it = res.find(n.id); it != res.end()) {
                const auto& r = *it->second;
                set_real(f, "flow_m3s", r.flow_m3s);
                set_real(f, "velocity_ms", r.velocity_ms);
                set_real(f, "travel_time_d", r.travel_time_d);
                set_concentrations(f, r.conc_mgL);
                f.SetField("dry", r.dry ? 1 : 0);
                if (!r.dry) {
                    const int c = report::reach_class(d.classes, r.conc_mgL);
                    f.SetField("class", c);
                    f.SetField("class_label", reaches::class_label_zh(c).c_str());
                }
            }
            OGRLineString ls;
            for (const auto& p : L.reach_lines[i]) ls.addPoint(p.x, p.y);
            f.SetGeometry(&ls);
            gpkg::check(lr->CreateFeature(&f), "reach " + n.id);
        }
        OGRLayer* ls = make_layer(ds.get(), sl, srs.get(), wkbPoint,
                                  with_constituent_fields(
                                      with_constituent_fields({{"section_id", OFTString}, {"name", OFTString}, {"name_en", OFTString},
                                                               {"river", OFTString}, {"reach_id", OFTString}, {"level", OFTString},
                                                               {"scenario", OFTString}, {"position_km", OFTReal},
                                                               {"target_class", OFTInteger}, {"target_label", OFTString},
                                                               {"flow_m3s", OFTReal}},
                                                              "_mgL", OFTReal),
                                      "_class", OFTInteger,
                                      {{"class", OFTInteger}, {"class_label", OFTString}, {"meets", OFTInteger}, {"exceedance", OFTReal},
                                       {"worst", OFTString}}),
                                  "monitoring sections, scenario " + s.id + "; GB 3838-2002 classes; " + frame);
        for (std::size_t k = 0; k < s.sections.size(); ++k) {
            const auto& x = s.sections[k];
            OGRFeature f(ls->GetLayerDefn());
            f.SetField("section_id", x.id.c_str());
            f.SetField("name", x.name.c_str());
            f.SetField("name_en", x.name_en.c_str());
            f.SetField("river", x.river.c_str());
            f.SetField("reach_id", x.reach_id.c_str());
            f.SetField("level", x.level.c_str());
            f.SetField("scenario", s.id.c_str());
            set_real(f, "position_km", x.position_km);
            f.SetField("target_class", x.target_class);
            f.SetField("target_label", reaches::class_label_zh(x.target_class).c_str());
            set_real(f, "flow_m3s", x.flow_m3s);
            set_concentrations(f, x.conc_mgL);
            for (auto c : kConstituents) f.SetField(column(c, "_class").c_str(), x.cls[idx(c)]);
            f.SetField("class", x.overall);
            f.SetField("class_label", reaches::class_label_zh(x.overall).c_str());
            f.SetField("meets", x.meets ? 1 : 0);
            set_real(f, "exceedance", x.exceedance_max);
            f.SetField("worst", std::string(key(kConstituents[x.worst])).c_str());
            // sections are placed on the baseline layout (same section list in every scenario)
            const report::XY p = k < L.section_points.size() ? L.section_points[k] : report::XY{};
            OGRPoint pt(p.x, p.y);
            f.SetGeometry(&pt);
            gpkg::check(ls->CreateFeature(&f), "section " + x.id);
        }
        style(rl, true);
        style(sl, false);
    }
    if (d.water_quality)
        for (const auto& name : write_water_quality_layers(ds.get(), d, L, srs.get(), frame)) style(name, false);
    gpkg::write_layer_styles(ds.get(), styles);
    gpkg::finish(ds, path);
}

std::string network_gpkg_bytes(const report::ReportData& d, const report::Layout& L) {
    return gpkg::bytes_of("network.gpkg", [&](const std::string& path) { write_network_gpkg(path, d, L); });
}

}  // namespace qingliu::io
