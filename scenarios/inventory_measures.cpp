// Measures that act on the source inventory: plants' collection, manure utilisation, prohibited-zone farms,
// fertiliser, rural sewage coverage, aquaculture tail water. Each changes inventory records; the sources those records
// resolve to are then rescaled by new/old load (flows shifted by the difference), so source-level measures applied
// earlier in the scenario (a standard cap, a wetland share) carry over.
#include <algorithm>
#include <unordered_map>

#include "scenarios/measure_reader.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

namespace {

template <class Rec>
void check_ids(Reader& r, const char* k, const std::vector<Rec>& recs, Measure& x, const char* table) {
    for (const auto& id : r.list(k)) {
        x.source_ids.push_back(id);
        if (std::none_of(recs.begin(), recs.end(), [&](const Rec& q) { return q.id == id; }))
            r.problem(k, id, std::string("no record with this id in the ") + table + " table");
    }
}

template <class Rec>
void check_towns(Reader& r, const std::vector<Rec>& recs, Measure& x) {
    for (const auto& t : r.list("towns")) {
        x.towns.push_back(t);
        if (std::none_of(recs.begin(), recs.end(), [&](const Rec& q) { return q.town == t; }))
            r.problem("towns", t, "no record of this measure's table lies in this town");
    }
}

template <class Rec>
bool chosen(const Measure& x, const Rec& q) {
    if (!x.source_ids.empty() && std::find(x.source_ids.begin(), x.source_ids.end(), q.id) == x.source_ids.end())
        return false;
    if (!x.towns.empty() && std::find(x.towns.begin(), x.towns.end(), q.town) == x.towns.end()) return false;
    return true;
}

void need(Reader& r, bool empty, const char* table) {
    if (empty)
        r.problem("kind", r.spec.kind,
                  std::string("this measure acts on the ") + table + " inventory table, which the case does not have");
}

}  // namespace

void compile_inventory_measure(Reader& r, const CaseModel& m, Measure& x) {
    const auto& inv = m.inventory;
    switch (x.kind) {
        case MeasureKind::PlantCollection: {
            need(r, inv.plants.empty(), "plants");
            check_ids(r, "plants", inv.plants, x, "plants");
            if (auto v = r.number("collection_rate", true, 0.0, 1.0)) { x.value = *v; x.has_value = true; }
            if (auto c = r.number("capacity_m3d", false, 0.0, 1e8)) { x.value2 = *c; x.has_value2 = true; }
            for (const auto& p : inv.plants)
                if (chosen(x, p) && !(p.collection_rate > 0.0))
                    r.problem("plants", p.id, "the plant's collection_rate is 0: its flow cannot be scaled to a new rate");
            break;
        }
        case MeasureKind::Manure:
            need(r, inv.farms.empty(), "farms");
            check_ids(r, "farms", inv.farms, x, "farms");
            check_towns(r, inv.farms, x);
            if (auto v = r.number("rate", true, 0.0, 1.0)) { x.value = *v; x.has_value = true; }
            break;
        case MeasureKind::ProhibitedFarms:
            need(r, inv.farms.empty(), "farms");
            if (std::none_of(inv.farms.begin(), inv.farms.end(), [](const loads::Farm& f) { return f.in_prohibited_zone; }))
                r.problem("kind", r.spec.kind, "no farm of the case lies in a prohibited zone (in_prohibited_zone)");
            break;
        case MeasureKind::Fertiliser:
            need(r, inv.cropland.empty(), "cropland");
            check_ids(r, "units", inv.cropland, x, "cropland");
            check_towns(r, inv.cropland, x);
            if (auto v = r.number("reduction_pct", true, 0.0, 100.0)) { x.value = *v / 100.0; x.has_value = true; }
            break;
        case MeasureKind::RuralSewage:
            need(r, inv.villages.empty(), "villages");
            check_ids(r, "villages", inv.villages, x, "villages");
            check_towns(r, inv.villages, x);
            if (auto v = r.number("coverage", true, 0.0, 1.0)) { x.value = *v; x.has_value = true; }
            break;
        case MeasureKind::Aquaculture:
            need(r, inv.ponds.empty(), "ponds");
            check_ids(r, "ponds", inv.ponds, x, "ponds");
            check_towns(r, inv.ponds, x);
            if (auto v = r.number("coverage", true, 0.0, 1.0)) { x.value = *v; x.has_value = true; }
            break;
        default:
            break;
    }
}

void apply_inventory_measure(CaseModel& m, const Measure& x) {
    auto& inv = m.inventory;
    bool changed = true;
    switch (x.kind) {
        case MeasureKind::PlantCollection:
            for (auto& p : inv.plants) {
                if (!chosen(x, p) || !(p.collection_rate > 0.0)) continue;
                const double q0 = p.flow_m3d >= 0.0 ? p.flow_m3d : p.capacity_m3d * p.load_factor;
                if (x.has_value2) p.capacity_m3d = std::max(p.capacity_m3d, x.value2);
                const double r_new = std::max(p.collection_rate, x.value);
                // collected sewage scales with the collection rate; what the plant cannot take stays uncollected
                double q = q0 * r_new / p.collection_rate;
                double r_eff = r_new;
                if (p.capacity_m3d > 0.0 && q > p.capacity_m3d && q0 > 0.0) {
                    q = std::max(q0, p.capacity_m3d);
                    r_eff = p.collection_rate * q / q0;
                }
                p.flow_m3d = q;
                p.collection_rate = r_eff;
            }
            break;
        case MeasureKind::Manure:
            for (auto& f : inv.farms)
                if (chosen(x, f)) f.utilisation = std::max(f.utilisation, x.value);
            break;
        case MeasureKind::ProhibitedFarms:
            for (auto& f : inv.farms)
                if (f.in_prohibited_zone) f.closed = true;
            break;
        case MeasureKind::Fertiliser:
            for (auto& c : inv.cropland)
                if (chosen(x, c)) c.fertiliser_index *= 1.0 - x.value;
            break;
        case MeasureKind::RuralSewage:
            for (auto& v : inv.villages)
                if (chosen(x, v)) v.coverage = std::max(v.coverage, x.value);
            break;
        case MeasureKind::Aquaculture:
            for (auto& p : inv.ponds)
                if (chosen(x, p)) p.treated_share = std::max(p.treated_share, x.value);
            break;
        default:
            changed = false;
            break;
    }
    if (changed) rescale_inventory_sources(m);
}

std::optional<PerConstituent> plant_standard_limits(const CaseModel& m, const std::string& standard) {
    if (const loads::EffluentStandard* s = m.inventory.standards.find(standard)) return s->limit_mgL;
    if (const loads::EffluentStandard* s = loads::default_standards().find(standard)) return s->limit_mgL;
    return std::nullopt;
}

}  // namespace qingliu::scenarios
