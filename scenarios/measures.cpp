#include "scenarios/measures.hpp"
#include "scenarios/measure_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "reaches/steady.hpp"

namespace qingliu::scenarios {

namespace {
std::string given_columns() {  // do_mgL, bod5_mgL, ...
    std::string out;
    for (GivenItem i : kAllGivenItems) out += (out.empty() ? "" : ", ") + given_column(i);
    return out;
}
}  // namespace

const std::vector<MeasureKindDef>& measure_kinds() {
    static const std::string kPerConstituentPct = "reduction_pct or " + columns("_pct", "", ", ");
    static const std::vector<MeasureKindDef> t = {
        {MeasureKind::SourceReduction, "source_reduction", "污染源削减", "Cut source loads",
         "sources, types, reaches (selection; empty = all); " + kPerConstituentPct},
        {MeasureKind::PlantStandard, "plant_standard", "污水处理厂提标", "Upgrade plant discharge standard",
         "plants (ids; default all sewage plants), standard (e.g. GB18918-1A, DB51/2311-2016, GB3838-IV)"},
        {MeasureKind::PlantCollection, "plant_collection", "提高污水收集率", "Raise sewage collection rate",
         "plants (ids; default all), collection_rate (0-1)"},
        {MeasureKind::Outfall, "outfall", "入河排污口整治", "Outfall remediation",
         "outfalls (ids), action = close | connect | remediate; plant (connect); standard or reduction_pct (remediate)"},
        {MeasureKind::Manure, "manure_utilisation", "畜禽粪污资源化利用", "Raise manure utilisation",
         "rate (0-1); farms (ids) or towns (names); default all farms"},
        {MeasureKind::ProhibitedFarms, "close_prohibited_farms", "关闭禁养区养殖场", "Close farms in prohibited zones", "(none)"},
        {MeasureKind::Fertiliser, "fertiliser_cut", "化肥减量", "Cut fertiliser use", "reduction_pct; units (ids) optional"},
        {MeasureKind::RuralSewage, "rural_sewage", "农村生活污水治理", "Raise rural sewage treatment coverage",
         "coverage (0-1); villages (ids) or towns optional"},
        {MeasureKind::Aquaculture, "aquaculture_treatment", "水产养殖尾水治理", "Treat aquaculture tail water",
         "coverage (0-1) of ponds treated; ponds (ids) optional"},
        {MeasureKind::Wetland, "wetland", "尾水湿地/生态缓冲带", "Tail-water wetland or buffer strip",
         "sources, types, reaches (selection); " + kPerConstituentPct},
        {MeasureKind::Transfer, "transfer", "水系连通/调水", "Water transfer (connection)", "from, to (reach ids), flow_m3s"},
        {MeasureKind::EcoFlow, "eco_flow", "生态流量保障", "Guarantee ecological flow",
         "reach, min_flow_m3s; " + columns("_mgL", "", ", ") + " of released water (default: the reach's headwater background); " +
             given_columns() + " of released water (default: the headwater's items when the concentrations are its own, "
             "else river water: DO at the case's share of saturation, the rest by the river composition)"},
        {MeasureKind::Conditions, "conditions", "水文水温条件", "Set temperature or flow condition",
         "temperature_c, flow_factor (scales headwater and lateral flows)"},
    };
    return t;
}

const MeasureKindDef& kind_def(MeasureKind k) {
    for (const auto& d : measure_kinds())
        if (d.kind == k) return d;
    return measure_kinds().front();
}

double Scenario::invest_wan() const {
    double s = 0.0;
    for (const auto& m : measures) s += m.invest_wan;
    return s;
}
double Scenario::annual_wan() const {
    double s = 0.0;
    for (const auto& m : measures) s += m.annual_wan;
    return s;
}

namespace {
// The standard a measure names: a surface-water class as effluent target ("准IV类": GB3838-IV, GB3838-2002-IV, IV类,
// surface-IV) from the case's class table, else the case's standards table, else the shipped one.
std::optional<loads::EffluentStandard> named_standard(const CaseModel& m, const std::string& standard) {
    std::string s = standard;
    for (const char* prefix : {"GB3838-2002-", "GB 3838-2002 ", "GB3838-", "GB 3838 ", "surface-", "地表水"})
        if (s.rfind(prefix, 0) == 0) {
            s = s.substr(std::string(prefix).size());
            if (auto cls = reaches::parse_class(s)) return surface_water_standards(m.classes)[static_cast<std::size_t>(*cls - 1)];
        }
    if (const loads::EffluentStandard* x = m.inventory.standards.find(standard)) return *x;
    if (const loads::EffluentStandard* x = loads::default_standards().find(standard)) return *x;
    return std::nullopt;
}
}  // namespace

std::optional<PerConstituent> effluent_limits(const CaseModel& m, const std::string& standard) {
    if (auto s = named_standard(m, standard)) return s->limit_mgL;
    return std::nullopt;
}

GivenSpecies given_after_upgrade(GivenSpecies g, const std::array<double, kNumGivenItems>& limit,
                                 const PerConstituent& conc) {
    auto cap = [&](GivenItem i, double v) {
        if (g[i] && *g[i] > v) g[i] = v;
    };
    for (GivenItem i : kAllGivenItems)
        if (!std::isnan(limit[static_cast<std::size_t>(i)])) cap(i, limit[static_cast<std::size_t>(i)]);
    const double cod = conc[idx(*constituent_from_key("cod"))], nh3n = conc[idx(*constituent_from_key("nh3n"))],
                 tp = conc[idx(*constituent_from_key("tp"))];
    cap(GivenItem::BOD5, cod);
    cap(GivenItem::CODMn, cod);
    if (g[GivenItem::TN]) {
        g[GivenItem::TN] = std::max(*g[GivenItem::TN], nh3n);
        const double rest = *g[GivenItem::TN] - nh3n;
        if (g[GivenItem::OrgN] && g[GivenItem::NO3N] && *g[GivenItem::OrgN] + *g[GivenItem::NO3N] > rest) {
            const double f = rest / (*g[GivenItem::OrgN] + *g[GivenItem::NO3N]);  // both given: the same share each
            *g[GivenItem::OrgN] *= f;
            *g[GivenItem::NO3N] *= f;
        }
        cap(GivenItem::OrgN, rest);
        cap(GivenItem::NO3N, rest);
    }
    cap(GivenItem::OrgP, tp);
    cap(GivenItem::IP, tp);
    return g;
}

std::vector<loads::EffluentStandard> surface_water_standards(const reaches::ClassTable& classes) {
    std::vector<loads::EffluentStandard> out;
    for (int cls = 1; cls <= 5; ++cls) {
        loads::EffluentStandard s;
        s.key = "GB3838-" + reaches::class_roman(cls);
        s.name_zh = "地表水" + reaches::class_label_zh(cls) + "（作为出水标准）";
        s.name_en = "Surface-water " + reaches::class_label_en(cls) + " as effluent target";
        std::string src = "GB 3838-2002 Table 1 (rivers), from the case's class table:";
        for (auto c : kConstituents) {
            s.limit_mgL[idx(c)] = classes.limit(key(c), reaches::WaterBody::River, cls);
            char v[32];
            std::snprintf(v, sizeof v, " %s %g", std::string(label_en(c)).c_str(), s.limit_mgL[idx(c)]);
            src += v;
        }
        // the upper limits of the other items the table has for rivers (BOD5, CODMn); DO is a lower bound, no cap
        for (GivenItem i : kAllGivenItems) {
            const reaches::ClassLimit* l = classes.find(given_item(i).key, reaches::WaterBody::River);
            if (!l || l->minimum) continue;
            s.item_limit_mgL[static_cast<std::size_t>(i)] = l->limit[cls - 1];
            char v[32];
            std::snprintf(v, sizeof v, " %s %g", std::string(given_item(i).label_en).c_str(), l->limit[cls - 1]);
            src += v;
        }
        s.source = src;
        out.push_back(std::move(s));
    }
    return out;
}

namespace {

// reduction_pct applies to every constituent; cod_pct etc. override per constituent. Returns shares removed (0..1).
PerConstituent read_reduction(Reader& r, bool required) {
    PerConstituent out{};
    bool any = false;
    if (auto all = r.number("reduction_pct", false, 0.0, 100.0)) {
        out = uniform(*all / 100.0);
        any = true;
    }
    for (auto c : kConstituents)
        if (auto v = r.number(column(c, "_pct"), false, 0.0, 100.0)) {
            out[idx(c)] = *v / 100.0;
            any = true;
        }
    if (required && !any) r.problem("reduction_pct", "", "give reduction_pct or " + columns("_pct", "", " / "));
    return out;
}

void read_selection(Reader& r, const CaseModel& m, Measure& x, const char* sources_key = "sources") {
    std::unordered_map<std::string, std::int32_t> by_id;
    for (std::size_t i = 0; i < m.sources.size(); ++i) by_id.emplace(m.sources[i].id, static_cast<std::int32_t>(i));
    for (const auto& id : r.list(sources_key)) {
        x.source_ids.push_back(id);
        auto it = by_id.find(id);
        if (it == by_id.end()) r.problem(sources_key, id, "unknown source id");
        else x.sources.push_back(it->second);
    }
    for (const auto& t : r.list("types")) {
        if (!loads::find_source_type(t)) r.problem("types", t, "unknown source type");
        x.types.push_back(t);
    }
    for (const auto& id : r.list("reaches")) {
        const std::int32_t i = m.net.topo.find(id);
        if (i == kNone) r.problem("reaches", id, "unknown reach id");
        else x.reaches.push_back(i);
    }
}

std::int32_t read_reach(Reader& r, const CaseModel& m, const std::string& k) {
    auto id = r.text(k, true);
    if (!id) return kNone;
    const std::int32_t i = m.net.topo.find(*id);
    if (i == kNone) r.problem(k, *id, "unknown reach id");
    return i;
}

bool selected(const Measure& x, const loads::Source& s, std::int32_t index) {
    if (!x.sources.empty() && std::find(x.sources.begin(), x.sources.end(), index) == x.sources.end()) return false;
    if (!x.types.empty() && std::find(x.types.begin(), x.types.end(), s.type) == x.types.end()) return false;
    if (!x.reaches.empty() && std::find(x.reaches.begin(), x.reaches.end(), s.reach) == x.reaches.end()) return false;
    return true;
}

// The limits of the measure's standard (x.standard), with those of the given items; false when it is unknown.
bool set_limits(const CaseModel& m, Measure& x) {
    const auto s = named_standard(m, x.standard);
    if (!s) return false;
    x.limit_mgL = s->limit_mgL;
    x.item_limit_mgL = s->item_limit_mgL;
    return true;
}

// A cut of a source's loads by a share per state variable; the items its water gives are cut by their family's
// share (DO is no load and stays).
void cut(loads::Source& s, const PerConstituent& removal) {
    PerConstituent kept{};
    for (int c = 0; c < kNumConstituents; ++c) {
        kept[c] = 1.0 - removal[c];
        s.load_gs[c] *= kept[c];
    }
    s.given = scaled_by_family(s.given, kept);
}

// An upgrade of a source to a standard: each load at most flow x limit, the given items as
// given_after_upgrade says.
void upgrade(loads::Source& s, const Measure& x) {
    PerConstituent conc{};
    for (int c = 0; c < kNumConstituents; ++c) {
        s.load_gs[c] = std::min(s.load_gs[c], s.flow_m3s * x.limit_mgL[c]);
        conc[c] = s.flow_m3s > 0.0 ? s.load_gs[c] / s.flow_m3s : 0.0;
    }
    s.given = given_after_upgrade(s.given, x.item_limit_mgL, conc);
}

void rebuild_topology(reaches::Network& n, const std::vector<Transfer>& transfers) {
    std::vector<std::int32_t> down(n.size()), split(n.size());
    std::vector<double> frac(n.size());
    for (std::size_t i = 0; i < n.size(); ++i) {
        down[i] = n.topo.downstream(i);
        split[i] = n.topo.split_to(i);
        frac[i] = n.topo.split_fraction(i);
    }
    n.topo = Topology(n.topo.ids(), std::move(down), std::move(split), std::move(frac), transfers);
}

}  // namespace

std::vector<Scenario> compile_scenarios(const CaseModel& m, const std::vector<MeasureSpec>& specs,
                                        const std::vector<ScenarioSpec>& scen, Problems& probs) {
    std::unordered_map<std::string, Measure> measures;
    for (const auto& spec : specs) {
        Reader r{spec, probs, {}};
        Measure x;
        x.id = spec.id;
        x.name = spec.name.empty() ? spec.id : spec.name;
        x.name_en = spec.name_en.empty() ? x.name : spec.name_en;
        x.invest_wan = spec.invest_wan;
        x.annual_wan = spec.annual_wan;
        x.deadline = spec.deadline;
        const MeasureKindDef* def = nullptr;
        for (const auto& d : measure_kinds())
            if (spec.kind == d.key) def = &d;
        if (!def) {
            std::string list;
            for (const auto& d : measure_kinds()) list += (list.empty() ? "" : ", ") + std::string(d.key);
            probs.add(spec.file, spec.record + " (measure " + spec.id + ")", "kind", spec.kind, "unknown measure kind (expected one of: " + list + ")");
            continue;
        }
        x.kind = def->kind;
        switch (x.kind) {
            case MeasureKind::SourceReduction:
            case MeasureKind::Wetland:
                read_selection(r, m, x);
                x.removal = read_reduction(r, true);
                break;
            case MeasureKind::PlantStandard: {
                read_selection(r, m, x, "plants");
                x.standard = r.text("standard", true).value_or("");
                if (!x.standard.empty()) {
                    if (set_limits(m, x)) {
                        for (double v : x.limit_mgL)
                            if (std::isnan(v)) {
                                r.problem("standard", x.standard, "the standard does not limit every constituent "
                                                                  "(an upgrade target must)");
                                break;
                            }
                    } else {
                        r.problem("standard", x.standard, "unknown discharge standard");
                    }
                }
                break;
            }
            case MeasureKind::Outfall: {
                read_selection(r, m, x, "outfalls");
                if (x.source_ids.empty()) r.problem("outfalls", "", "name the outfalls (source ids)");
                x.action = r.text("action", true).value_or("");
                if (x.action == "connect") {
                    if (auto p = r.text("plant", false)) {
                        for (std::size_t i = 0; i < m.sources.size(); ++i)
                            if (m.sources[i].id == *p) x.plant = static_cast<std::int32_t>(i);
                        if (x.plant == kNone) r.problem("plant", *p, "unknown source id");
                    }
                } else if (x.action == "remediate") {
                    if (auto s = r.text("standard", false)) {
                        x.standard = *s;
                        if (!set_limits(m, x)) r.problem("standard", *s, "unknown discharge standard");
                    } else {
                        x.removal = read_reduction(r, true);
                    }
                } else if (x.action != "close" && !x.action.empty()) {
                    r.problem("action", x.action, "expected close, connect or remediate");
                }
                break;
            }
            case MeasureKind::Transfer: {
                x.from = read_reach(r, m, "from");
                x.to = read_reach(r, m, "to");
                if (auto q = r.number("flow_m3s", true, 0.0, 1e5)) { x.value = *q; x.has_value = true; }
                if (x.from != kNone && x.from == x.to) r.problem("to", "", "must differ from 'from'");
                break;
            }
            case MeasureKind::EcoFlow: {
                x.to = read_reach(r, m, "reach");
                if (auto q = r.number("min_flow_m3s", true, 0.0, 1e5)) { x.value = *q; x.has_value = true; }
                int given = 0;
                for (auto c : kConstituents)
                    if (auto v = r.number(column(c, "_mgL"), false, 0.0, 1e4)) { x.conc_mgL[idx(c)] = *v; ++given; }
                if (given != 0 && given != kNumConstituents)
                    r.problem(column(kConstituents.front(), "_mgL"), "", "give all of " + columns_listed("_mgL") + ", or none");
                x.has_conc = given == kNumConstituents;
                for (GivenItem i : kAllGivenItems)
                    if (auto v = r.number(given_column(i), false, 0.0, given_item(i).max_mgL)) x.given[i] = *v;
                break;
            }
            case MeasureKind::Conditions: {
                if (auto t = r.number("temperature_c", false, 0.0, 40.0)) { x.value = *t; x.has_value = true; }
                if (auto f = r.number("flow_factor", false, 0.0, 100.0)) { x.value2 = *f; x.has_value2 = true; }
                if (!x.has_value && !x.has_value2) r.problem("temperature_c", "", "give temperature_c and/or flow_factor");
                break;
            }
            default:
                compile_inventory_measure(r, m, x);
                break;
        }
        r.unknown_keys(def->params);
        if (!measures.emplace(spec.id, std::move(x)).second)
            probs.add(spec.file, spec.record, "id", spec.id, "duplicate measure id");
    }
    std::vector<Scenario> out;
    std::set<std::string> seen;
    for (const auto& s : scen) {
        if (!seen.insert(s.id).second) probs.add(s.file, s.record, "id", s.id, "duplicate scenario id");
        if (s.id == "baseline") probs.add(s.file, s.record, "id", s.id, "'baseline' is reserved for the case as it is");
        Scenario sc{s.id, s.name.empty() ? s.id : s.name, s.name_en.empty() ? (s.name.empty() ? s.id : s.name) : s.name_en,
                    s.description, {}};
        for (const auto& mid : s.measures) {
            auto it = measures.find(mid);
            if (it == measures.end()) probs.add(s.file, s.record + " (scenario " + s.id + ")", "measures", mid, "unknown measure id");
            else sc.measures.push_back(it->second);
        }
        out.push_back(std::move(sc));
    }
    return out;
}

void apply_measure(CaseModel& m, const Measure& x) {
    switch (x.kind) {
        case MeasureKind::SourceReduction:
        case MeasureKind::Wetland:
            for (std::size_t i = 0; i < m.sources.size(); ++i)
                if (selected(x, m.sources[i], static_cast<std::int32_t>(i))) cut(m.sources[i], x.removal);
            break;
        case MeasureKind::PlantStandard: {
            Measure sel = x;
            if (sel.sources.empty() && sel.types.empty()) sel.types = {"sewage_plant"};
            for (std::size_t i = 0; i < m.sources.size(); ++i) {
                auto& s = m.sources[i];
                if (selected(sel, s, static_cast<std::int32_t>(i)) && s.flow_m3s > 0.0) upgrade(s, x);
            }
            apply_inventory_measure(m, x);
            break;
        }
        case MeasureKind::Outfall:
            for (const std::int32_t i : x.sources) {
                auto& s = m.sources[i];
                if (x.action == "close") {
                    s.flow_m3s = 0.0;
                    s.load_gs = {};
                    s.given = {};
                } else if (x.action == "connect") {
                    // the water goes to the plant and leaves it at the plant's effluent concentration
                    if (x.plant != kNone) {
                        auto& p = m.sources[x.plant];
                        const double q = s.flow_m3s;
                        if (p.flow_m3s > 0.0)
                            for (int c = 0; c < kNumConstituents; ++c) p.load_gs[c] += q * p.load_gs[c] / p.flow_m3s;
                        p.flow_m3s += q;
                    }
                    s.flow_m3s = 0.0;
                    s.load_gs = {};
                    s.given = {};
                } else if (x.action == "remediate") {
                    if (x.standard.empty()) cut(s, x.removal);
                    else upgrade(s, x);
                }
            }
            break;
        case MeasureKind::Transfer: {
            std::vector<Transfer> t = m.net.topo.transfers();
            t.push_back({x.from, x.to, x.value});
            rebuild_topology(m.net, t);
            break;
        }
        case MeasureKind::EcoFlow: {
            const reaches::SteadyFlows f = reaches::steady_flows(m.net, point_inputs(m));
            const double deficit = std::max(0.0, x.value - f.flow_in_m3s[x.to]);
            if (deficit > 0.0) {
                const double q0 = m.net.headwater_flow_m3s[x.to];
                const PerConstituent c_new = x.has_conc ? x.conc_mgL : m.net.headwater_conc_mgL[x.to];
                const bool own_items = x.given.any();
                if (x.has_conc || own_items) {
                    // water of its own: kept apart for the water-quality model, which completes it by its own items
                    // (not given: those of the headwater when its concentrations are the headwater's, else the
                    // river composition's, DO the share of saturation of river water)
                    CaseModel::Release rel;
                    rel.reach = x.to;
                    rel.flow_m3s = deficit;
                    rel.conc_mgL = c_new;
                    rel.before_flow_m3s = q0;
                    rel.before_conc_mgL = m.net.headwater_conc_mgL[x.to];
                    if (static_cast<std::size_t>(x.to) < m.headwater_given.size()) rel.before_given = m.headwater_given[x.to];
                    rel.given = x.has_conc ? GivenSpecies{} : rel.before_given;
                    for (GivenItem i : kAllGivenItems)
                        if (x.given[i]) rel.given[i] = x.given[i];
                    m.releases.push_back(rel);
                }
                // mix the release with any headwater inflow already there; a release of its own concentrations is other
                // water, of which the items the headwater gives (DO, BOD5 ...) are not known: the mix takes the
                // river composition for them
                for (int c = 0; c < kNumConstituents; ++c)
                    m.net.headwater_conc_mgL[x.to][c] = (q0 * m.net.headwater_conc_mgL[x.to][c] + deficit * c_new[c]) / (q0 + deficit);
                m.net.headwater_flow_m3s[x.to] = q0 + deficit;
                if (x.has_conc && static_cast<std::size_t>(x.to) < m.headwater_given.size()) m.headwater_given[x.to] = {};
            }
            break;
        }
        case MeasureKind::Conditions:
            if (x.has_value) m.temperature_c = x.value;
            if (x.has_value2) {
                for (auto& q : m.net.headwater_flow_m3s) q *= x.value2;
                for (auto& q : m.net.lateral_flow_m3s) q *= x.value2;
            }
            break;
        default:
            apply_inventory_measure(m, x);
            break;
    }
}

CaseModel apply_scenario(const CaseModel& base, const Scenario& s) {
    CaseModel m = base;
    for (const auto& x : s.measures) apply_measure(m, x);
    return m;
}

}  // namespace qingliu::scenarios
