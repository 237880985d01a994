#include "io/mixing_reader.hpp"

#include <cctype>
#include <filesystem>

#include "io/table.hpp"
#include "io/text_encoding.hpp"
#include "reaches/classes.hpp"

namespace qingliu::io {

namespace {

namespace fs = std::filesystem;

std::optional<mixing::Bank> parse_bank(const std::string& s) {
    const std::string l = ascii_lower(s);
    if (l == "left" || l == "l" || s == "左岸" || s == "左") return mixing::Bank::Left;
    if (l == "right" || l == "r" || s == "右岸" || s == "右") return mixing::Bank::Right;
    return std::nullopt;
}

std::optional<mixing::Discharge> parse_discharge(const std::string& s) {
    const std::string l = ascii_lower(s);
    if (l == "bank" || l == "shore" || s == "岸边" || s == "岸边排放") return mixing::Discharge::Bank;
    if (l == "mid" || l == "middle" || l == "centre" || l == "center" || s == "江心" || s == "河心" || s == "江心排放" ||
        s == "河中心" || s == "中心")
        return mixing::Discharge::Mid;
    return std::nullopt;
}

std::optional<mixing::PointKind> parse_kind(const std::string& s) {
    const std::string l = ascii_lower(s);
    if (l == "intake" || s == "取水口" || s == "饮用水取水口") return mixing::PointKind::Intake;
    if (l == "protected" || s == "保护区" || s == "敏感点" || s == "饮用水源保护区") return mixing::PointKind::Protected;
    if (l == "other" || s == "其他" || s.empty()) return mixing::PointKind::Other;
    return std::nullopt;
}

}  // namespace

MixingTables read_mixing_tables(const LoadedCase& lc) {
    Problems probs;
    MixingTables out;
    const auto& topo = lc.model.net.topo;
    if (auto ref = named_case_table(lc, "mixing", probs)) {
        const Table t = read_table(*ref, probs);
        out.files.push_back(ref->path);
        if (!t.columns.empty() && t.column("outfall_id") < 0 && t.column("reach_id") < 0)
            probs.add(t.file, "header", "outfall_id", "", "give an outfall_id or a reach_id column");
        for (const auto& rec : t.records) {
            RowReader r(t, rec, probs);
            mixing::OutfallSettings s;
            s.origin = t.file + " " + rec.label;
            s.outfall_id = r.text("outfall_id", false).value_or("");
            s.reach_id = r.text("reach_id", false).value_or("");
            if (s.outfall_id.empty() && s.reach_id.empty()) r.problem("outfall_id", "", "give outfall_id or reach_id");
            if (auto v = r.text("discharge", false)) {
                s.discharge = parse_discharge(*v);
                if (!s.discharge) r.problem("discharge", *v, "expected bank (岸边) or mid (江心)");
            }
            if (auto v = r.text("bank", false)) {
                s.bank = parse_bank(*v);
                if (!s.bank) r.problem("bank", *v, "expected left (左岸) or right (右岸)");
            }
            s.distance_m = r.number("distance_m", false, 0.0, 1e5);
            s.width_m = r.number("width_m", false, 0.0, 1e5, true).value_or(0.0);
            s.depth_m = r.number("depth_m", false, 0.0, 1e3, true).value_or(0.0);
            s.slope = r.number("slope", false, 0.0, 0.5, true).value_or(0.0);
            s.alpha = r.number("alpha", false, 0.0, 10.0, true).value_or(0.0);
            if (auto v = r.text("reach_type", false)) {
                s.type = mixing::find_channel_type(ascii_lower(*v));
                if (!s.type) s.type = mixing::find_channel_type(*v);
                if (!s.type) {
                    std::string list;
                    for (const auto& c : mixing::channel_types()) list += std::string(list.empty() ? "" : ", ") + c.key + " (" + c.zh + ")";
                    r.problem("reach_type", *v, "unknown reach type (expected one of: " + list + ")");
                }
            }
            if (auto v = r.text("target_class", false)) {
                if (auto c = reaches::parse_class(*v)) s.target_class = *c;
                else r.problem("target_class", *v, "expected a class I..V");
            }
            if (!s.reach_id.empty() && topo.find(s.reach_id) == kNone) r.problem("reach_id", s.reach_id, "unknown reach id");
            if (!s.outfall_id.empty()) {
                bool known = false;
                for (const auto& src : lc.model.sources) known = known || src.id == s.outfall_id;
                if (!known) r.problem("outfall_id", s.outfall_id, "no source with this id in the case");
            }
            out.settings.push_back(std::move(s));
        }
    }
    if (auto ref = named_case_table(lc, "protected_points", probs)) {
        const Table t = read_table(*ref, probs);
        out.files.push_back(ref->path);
        if (!t.columns.empty()) require_columns(t, {"point_id", "reach_id", "position_km"}, probs);
        for (const auto& rec : t.records) {
            RowReader r(t, rec, probs);
            mixing::ProtectedPoint p;
            p.origin = t.file + " " + rec.label;
            p.id = r.text("point_id", true).value_or("");
            p.name = r.text("name", false).value_or(p.id);
            const std::string kind = r.text("kind", false).value_or("");
            if (auto k = parse_kind(kind)) p.kind = *k;
            else r.problem("kind", kind, "expected intake (取水口), protected (保护区) or other (其他)");
            const std::string reach = r.text("reach_id", true).value_or("");
            p.reach = reach.empty() ? kNone : topo.find(reach);
            if (!reach.empty() && p.reach == kNone) r.problem("reach_id", reach, "unknown reach id");
            const auto km = r.number("position_km", true, 0.0);
            if (km) {
                p.position_m = *km * 1000.0;
                if (p.reach != kNone && p.position_m > lc.model.net.length_m[p.reach] * (1.0 + 1e-9))
                    r.problem("position_km", std::to_string(*km), "beyond the end of reach " + reach);
            }
            if (auto v = r.text("bank", false)) {
                p.bank = parse_bank(*v);
                if (!p.bank) r.problem("bank", *v, "expected left (左岸) or right (右岸)");
            }
            p.distance_m = r.number("distance_m", false, 0.0, 1e5);
            if (p.distance_m && !p.bank) r.problem("bank", "", "distance_m needs the bank it is measured from");
            out.points.push_back(std::move(p));
        }
    }
    probs.throw_if_any("mixing-zone tables");
    return out;
}

}  // namespace qingliu::io
