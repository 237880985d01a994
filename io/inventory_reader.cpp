#include "io/inventory_reader.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "io/columns.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::io {

// ---------------------------------------------------------------- polygons

struct PolygonLayer {
    std::vector<std::pair<std::unique_ptr<OGRGeometry>, std::string>> items;
};

Polygons::Polygons() = default;
Polygons::~Polygons() { delete p_; }
Polygons::Polygons(Polygons&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
Polygons& Polygons::operator=(Polygons&& o) noexcept {
    std::swap(p_, o.p_);
    return *this;
}
std::size_t Polygons::size() const { return p_ ? p_->items.size() : 0; }

std::optional<std::string> Polygons::which(double x, double y) const {
    if (!p_) return std::nullopt;
    OGRPoint pt(x, y);
    for (const auto& [g, v] : p_->items)
        if (g->Contains(&pt)) return v;
    return std::nullopt;
}

Polygons Polygons::read(const TableRef& ref, const std::string& field, Problems& problems) {
    Polygons out;
    out.p_ = new PolygonLayer;
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(ref.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) {
        problems.add(ref.label(), "", "", "", "cannot be read as a polygon layer");
        return out;
    }
    OGRLayer* layer = ref.layer.empty() ? (ds->GetLayerCount() > 0 ? ds->GetLayer(0) : nullptr)
                                        : ds->GetLayerByName(ref.layer.c_str());
    if (!layer) {
        problems.add(ref.label(), "", "layer", ref.layer, "no such layer");
        return out;
    }
    const int fi = field.empty() ? -1 : layer->GetLayerDefn()->GetFieldIndex(field.c_str());
    if (!field.empty() && fi < 0) {
        problems.add(ref.label(), "header", field, "", "required column is missing");
        return out;
    }
    long n = 0;
    for (auto& f : *layer) {
        ++n;
        const OGRGeometry* g = f->GetGeometryRef();
        const std::string rec = "feature " + std::to_string(n);
        if (!g || (wkbFlatten(g->getGeometryType()) != wkbPolygon && wkbFlatten(g->getGeometryType()) != wkbMultiPolygon)) {
            problems.add(ref.label(), rec, "geometry", "", "expected a polygon");
            continue;
        }
        std::string v = fi >= 0 && f->IsFieldSetAndNotNull(fi) ? f->GetFieldAsString(fi) : "";
        if (fi >= 0 && v.empty()) problems.add(ref.label(), rec, field, "", "required value is empty");
        out.p_->items.emplace_back(std::unique_ptr<OGRGeometry>(g->clone()), v);
    }
    if (n == 0) problems.add(ref.label(), "", "", "", "the layer has no polygons");
    return out;
}

// ---------------------------------------------------------------- tables

namespace {

std::string text_of(const Table& t) {
    // re-serialise a GDAL-read table as CSV text so the core parsers (shared with the shipped tables) read it
    std::string s;
    for (std::size_t i = 0; i < t.columns.size(); ++i) s += (i ? "," : "") + t.columns[i];
    s += "\n";
    for (const auto& r : t.records) {
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            std::string q;
            for (char ch : r.values[i].value_or("")) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            s += (i ? ",\"" : "\"") + q + "\"";
        }
        s += "\n";
    }
    return s;
}

struct Reader {
    const InventoryContext& ctx;
    Problems& probs;
    const Polygons* catchments = nullptr;

    // Id with duplicate check.
    std::string id(RowReader& r, const char* field, std::set<std::string>& seen) {
        std::string v = r.text(field, true).value_or("");
        if (!v.empty() && !seen.insert(v).second) r.problem(field, v, "duplicate id");
        return v;
    }

    // What every inventory record has: id (unique over the inventory), name (where the record has one), town,
    // origin; and its place: a point on a reach (plants, outfalls, industry) or a reach (diffuse records).
    template <class Rec>
    void head(Rec& x, RowReader& r, const Table& t, const char* id_field, std::set<std::string>& ids) {
        x.id = id(r, id_field, ids);
        if constexpr (requires { x.name; }) x.name = r.text("name", false).value_or(x.id);
        x.town = r.text("town", false).value_or("");
        x.origin = origin(t, r.record());
        if constexpr (requires { x.position_m; x.flow_m3d; }) ctx.locate_point(r, t, x.reach, x.position_m);
        else x.reach = reach_of(r, t);
    }

    // Reach of a diffuse record: reach_id, or the catchment polygon containing its point, or its point snapped.
    std::int32_t reach_of(RowReader& r, const Table& t) {
        if (r.has("reach_id")) {
            const std::string id = *r.text("reach_id", true);
            auto it = ctx.reach_index->find(id);
            if (it == ctx.reach_index->end()) {
                r.problem("reach_id", id, "unknown reach id");
                return kNone;
            }
            return it->second;
        }
        const Record& rec = r.record();
        if (catchments && rec.geometry.kind == Geometry::Kind::Point) {
            auto [x, y] = rec.geometry.xy.front();
            if (auto rid = catchments->which(x, y)) {
                auto it = ctx.reach_index->find(*rid);
                if (it == ctx.reach_index->end()) {
                    r.problem("geometry", "", "lies in a catchment whose reach_id '" + *rid + "' is not a reach");
                    return kNone;
                }
                return it->second;
            }
        }
        if (rec.geometry.kind == Geometry::Kind::Point) return ctx.locate_reach(r, t);
        r.problem("reach_id", "", "required value is empty (give reach_id, or x/y inside a catchment polygon)");
        return kNone;
    }

    double position(RowReader& r, std::int32_t reach) {
        if (!r.has("position_km") || reach == kNone) return -1.0;
        const double len_km = ctx.reach_length_m[reach] / kMetresPerKm;
        return std::min(r.number("position_km", true, 0.0, len_km + 1e-9).value_or(0.0), len_km) * kMetresPerKm;
    }

    std::optional<PerConstituent> conc(RowReader& r, const std::string& suffix, bool required) {
        int given = 0;
        PerConstituent v{};
        for (auto k : kConstituents) {
            const std::string f = column(k, suffix);
            if (r.has(f)) {
                v[idx(k)] = r.number(f, true, 0.0, 1e6).value_or(0.0);
                ++given;
            }
        }
        const std::string first = column(kConstituents.front(), suffix);
        if (given == 0) {
            if (required) r.problem(first, "", "give " + columns_listed(suffix));
            return std::nullopt;
        }
        if (given != kNumConstituents) {
            r.problem(first, "", "give all of " + columns_listed(suffix) + ", or none");
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::string> choice(RowReader& r, const char* field, std::initializer_list<const char*> allowed,
                                      bool required, const char* dflt) {
        auto v = r.text(field, required);
        if (!v) return dflt ? std::optional<std::string>(dflt) : std::nullopt;
        std::string list;
        for (const char* a : allowed) {
            if (*v == a) return v;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        r.problem(field, *v, "expected one of: " + list);
        return std::nullopt;
    }

    static std::string origin(const Table& t, const Record& rec) { return t.file + " " + rec.label; }

    void warn(const Table& t) {
        if (ctx.warnings) ctx.warnings->insert(ctx.warnings->end(), t.warnings.begin(), t.warnings.end());
    }

    // Every record of a table; a table of records without water (farms ...) must not give concentrations.
    template <class F>
    void each(const std::optional<TableRef>& ref, const char* kind, std::initializer_list<const char*> required, F f) {
        if (!ref) return;
        Table t = read_table(*ref, probs, kind);
        warn(t);
        if (t.columns.empty()) return;
        if (std::string_view(kind) != "plants" && std::string_view(kind) != "outfalls" && std::string_view(kind) != "industry")
            reject_given_species(t, std::string("a ") + kind + " record gives a load in kg, not water", probs);
        require_columns(t, std::vector<std::string>(required.begin(), required.end()), probs);
        for (const char* c : required)
            if (t.column(c) < 0) return;
        if (t.records.empty()) probs.add(t.file, "", "", "", "the table has no records");
        for (const auto& rec : t.records) {
            RowReader r(t, rec, probs);
            f(r, t);
        }
    }
};

bool yes(RowReader& r, const char* field) {
    auto v = r.text(field, false);
    if (!v) return false;
    static const std::set<std::string> y = {"yes", "y", "true", "1", "是"}, n = {"no", "n", "false", "0", "否"};
    if (y.count(*v)) return true;
    if (!n.count(*v)) r.problem(field, *v, "expected yes or no (是/否)");
    return false;
}

// Plants, outfalls and industry: sources at a point of a reach.
void read_point_sources(Reader& R, const InventoryRefs& refs, std::set<std::string>& ids, loads::Inventory& inv) {
    R.each(refs.plants, "plants", {"plant_id"}, [&](RowReader& r, const Table& t) {
        loads::Plant p;
        R.head(p, r, t, "plant_id", ids);
        p.capacity_m3d = r.number("capacity_m3d", false, 0.0, 1e8).value_or(0.0);
        p.load_factor = r.number("load_factor", false, 0.0, 1.5).value_or(1.0);
        p.flow_m3d = r.number("flow_m3d", false, 0.0, 1e8).value_or(-1.0);
        if (p.flow_m3d < 0.0 && !(p.capacity_m3d > 0.0))
            r.problem("capacity_m3d", "", "give capacity_m3d (with load_factor) or the measured flow_m3d");
        p.standard = r.text("standard", false).value_or("");
        if (auto y = r.number("built_year", false, 1900.0, 2100.0)) {
            if (*y != std::floor(*y)) r.problem("built_year", r.text("built_year", false).value_or(""), "expected a year");
            p.built_year = static_cast<int>(*y);
        }
        p.measured_mgL = R.conc(r, "_mgL", false);
        if (!p.standard.empty() && !inv.standards.find(p.standard)) {
            std::string list;
            for (const auto& s : inv.standards.all()) list += (list.empty() ? "" : ", ") + s.key;
            r.problem("standard", p.standard, "unknown discharge standard (known: " + list + "; add others in a standards table)");
        }
        if (p.standard.empty() && !p.measured_mgL)
            r.problem("standard", "", "give the plant's discharge standard or its measured " + columns("_mgL", "", ", "));
        // the other items of its effluent, checked against its measured concentrations or its standard's limits
        std::optional<PerConstituent> effluent = p.measured_mgL;
        if (const loads::EffluentStandard* s = p.standard.empty() ? nullptr : inv.standards.for_plant(p.standard, p.built_year);
            !effluent && s && s->sets_all())
            effluent = s->limit_mgL;
        p.given = read_given_species(r, effluent ? &*effluent : nullptr);
        p.service_population = r.number("service_population", false, 0.0, 1e8).value_or(0.0);
        p.collection_rate = r.number("collection_rate", p.service_population > 0.0, 0.0, 1.0).value_or(1.0);
        inv.plants.push_back(std::move(p));
    });

    R.each(refs.outfalls, "outfalls", {"outfall_id", "flow_m3d"}, [&](RowReader& r, const Table& t) {
        loads::Outfall o;
        R.head(o, r, t, "outfall_id", ids);
        o.type = R.choice(r, "type", {"industrial", "municipal", "combined", "rain"}, false, "municipal").value_or("");
        o.status = R.choice(r, "status", {"active", "remediated", "connected", "closed"}, false, "active").value_or("");
        o.flow_m3d = r.number("flow_m3d", true, 0.0, 1e8).value_or(0.0);
        const auto conc = R.conc(r, "_mgL", true);
        o.conc_mgL = conc.value_or(PerConstituent{});
        o.given = read_given_species(r, conc ? &*conc : nullptr);
        o.connect_to = r.text("connect_to", o.status == "connected").value_or("");
        inv.outfalls.push_back(std::move(o));
    });

    R.each(refs.industry, "industry", {"permit_id"}, [&](RowReader& r, const Table& t) {
        loads::Industry f;
        R.head(f, r, t, "permit_id", ids);
        f.flow_m3d = r.number("flow_m3d", false, 0.0, 1e8).value_or(0.0);
        f.conc_mgL = R.conc(r, "_mgL", false);
        f.permitted_t_a = R.conc(r, "_t_a", false);
        if (!f.conc_mgL && !f.permitted_t_a)
            r.problem(column(kConstituents.front(), "_mgL"), "", "give concentrations (" + columns("_mgL", "", ", ") +
                                     " with flow_m3d) or permitted loads (" + columns("_t_a", "", ", ") + ")");
        if (f.conc_mgL && f.permitted_t_a)
            r.problem(column(kConstituents.front(), "_t_a"), "", "give concentrations or permitted loads, not both");
        if (f.conc_mgL && !(f.flow_m3d > 0.0)) r.problem("flow_m3d", "", "concentrations need the flow_m3d they leave with");
        // the other items of its wastewater: against its concentrations, or its permitted loads over its flow
        std::optional<PerConstituent> water = f.conc_mgL;
        if (!water && f.permitted_t_a && f.flow_m3d > 0.0) {
            water = PerConstituent{};
            for (int k = 0; k < kNumConstituents; ++k)
                (*water)[k] = (*f.permitted_t_a)[k] * kKgPerTonne * kGramsPerKg / kDaysPerYear / f.flow_m3d;  // g/m3 = mg/L
        }
        f.given = read_given_species(r, water ? &*water : nullptr);
        if (f.given.any() && !(f.flow_m3d > 0.0))
            r.problem("flow_m3d", "", "the water-quality items given (" + given_columns_of(f.given) +
                                          ") are concentrations of its wastewater: give the flow_m3d it leaves with");
        inv.industry.push_back(std::move(f));
    });
}

// Farms, cropland, villages and ponds: sources spread over a reach's catchment.
void read_diffuse_sources(Reader& R, const InventoryRefs& refs, const Polygons& zones, std::set<std::string>& ids, loads::Inventory& inv) {
    R.each(refs.farms, "farms", {"farm_id", "species", "head_count"}, [&](RowReader& r, const Table& t) {
        loads::Farm f;
        R.head(f, r, t, "farm_id", ids);
        f.position_m = R.position(r, f.reach);
        f.species = r.text("species", true).value_or("");
        const std::string excretion = column(kConstituents.front(), "_kg_head_a");  // a species has rows for every constituent
        if (!f.species.empty() && !inv.coefficients.find("livestock", f.species, excretion)) {
            std::string list;
            for (const auto& c : inv.coefficients.rows())
                if (c.category == "livestock" && c.parameter == excretion) list += (list.empty() ? "" : ", ") + c.key;
            r.problem("species", f.species, "no excretion coefficients for this species (known: " + list +
                                                "; add rows to the case's coefficients table)");
        }
        f.scale = R.choice(r, "scale", {"scale", "household"}, false, "scale").value_or("scale");
        f.head_count = r.number("head_count", true, 0.0, 1e9).value_or(0.0);
        f.utilisation = r.number("utilisation", true, 0.0, 1.0).value_or(0.0);
        f.entry = r.number("entry", false, 0.0, 1.0).value_or(-1.0);
        f.in_prohibited_zone = yes(r, "in_prohibited_zone");
        if (r.record().geometry.kind == Geometry::Kind::Point) {
            f.xy = r.record().geometry.xy.front();
            if (zones.size() > 0 && zones.which(f.xy->first, f.xy->second)) f.in_prohibited_zone = true;
        }
        inv.farms.push_back(std::move(f));
    });

    R.each(refs.cropland, "cropland", {"field_id", "crop", "area_mu"}, [&](RowReader& r, const Table& t) {
        loads::Cropland c;
        R.head(c, r, t, "field_id", ids);
        c.crop = r.text("crop", true).value_or("");
        if (!c.crop.empty() && !inv.coefficients.find("cropland", c.crop, column(kConstituents.front(), "_kg_mu_a")))
            r.problem("crop", c.crop, "no loss coefficients for this crop (add rows to the case's coefficients table)");
        c.area_mu = r.number("area_mu", true, 0.0, 1e9).value_or(0.0);
        c.fertiliser_index = r.number("fertiliser_index", false, 0.0, 10.0).value_or(1.0);
        inv.cropland.push_back(std::move(c));
    });

    R.each(refs.villages, "villages", {"village_id", "population", "coverage"}, [&](RowReader& r, const Table& t) {
        loads::Village v;
        R.head(v, r, t, "village_id", ids);
        v.population = r.number("population", true, 0.0, 1e9).value_or(0.0);
        v.coverage = r.number("coverage", true, 0.0, 1.0).value_or(0.0);
        v.removal = r.number("removal", false, 0.0, 1.0).value_or(-1.0);
        inv.villages.push_back(std::move(v));
    });

    R.each(refs.ponds, "ponds", {"pond_id", "area_mu"}, [&](RowReader& r, const Table& t) {
        loads::Pond p;
        R.head(p, r, t, "pond_id", ids);
        p.area_mu = r.number("area_mu", true, 0.0, 1e9).value_or(0.0);
        p.treated_share = r.number("treated_share", false, 0.0, 1.0).value_or(0.0);
        p.removal = r.number("removal", false, 0.0, 1.0).value_or(-1.0);
        inv.ponds.push_back(std::move(p));
    });
}

}  // namespace

GivenSpecies read_given_species(RowReader& r, const PerConstituent* conc_mgL, std::string_view prefix) {
    GivenSpecies g;
    for (GivenItem i : kAllGivenItems) {
        const std::string col = given_column(i, prefix);
        if (r.has(col)) g[i] = r.number(col, false, 0.0, given_item(i).max_mgL);
    }
    if (conc_mgL)
        for (const auto& [field, message] : given_species_problems(*conc_mgL, g, prefix)) r.problem(field, "", message);
    return g;
}

PerConstituent read_inflow_quality(RowReader& r, std::string_view prefix, const PerConstituent& background,
                                   GivenSpecies& given) {
    PerConstituent c{};
    for (auto k : kConstituents)
        c[idx(k)] = r.number(column(k, "_mgL", prefix), false, 0.0, 1e4).value_or(background[idx(k)]);
    given = read_given_species(r, &c, prefix);
    return c;
}

std::string given_columns_of(const GivenSpecies& g, std::string_view prefix) {
    std::string s;
    for (GivenItem i : kAllGivenItems)
        if (g[i]) s += (s.empty() ? "" : ", ") + given_column(i, prefix);
    return s;
}

void reject_given_species(const Table& t, const std::string& why, Problems& problems) {
    for (std::size_t c = 0; c < t.headers.size(); ++c) {
        const std::string h = split_unit(normalise_header(t.headers[c])).first;
        for (GivenItem i : kAllGivenItems) {
            const GivenItemDef& d = given_item(i);
            bool names = h == normalise_header(given_column(i));
            for (std::string_view list : {d.header_names, d.other_aliases})
                for (std::size_t a = 0; !names && a < list.size();) {
                    const std::size_t b = std::min(list.find('|', a), list.size());
                    const std::string alias = normalise_header(list.substr(a, b - a));
                    names = h == alias || h == alias + "浓度";
                    a = b + 1;
                }
            if (names)
                problems.add(t.file, "header", t.headers[c], "",
                             why + ": a concentration of " + std::string(d.label_en) +
                                 " has no meaning here (the water-quality model applies the composition of its kind; "
                                 "set one per source in [water_quality] composition.<id>)");
        }
    }
}

loads::Inventory read_inventory(const InventoryRefs& refs, const InventoryContext& ctx, Problems& probs) {
    loads::Inventory inv;
    inv.coefficients = loads::default_coefficients();
    inv.standards = loads::default_standards();
    if (ctx.classes)
        for (auto& s : scenarios::surface_water_standards(*ctx.classes)) inv.standards.add(std::move(s));
    if (refs.coefficients) {
        Table t = read_table(*refs.coefficients, probs, "coefficients");
        if (!t.columns.empty()) {
            const loads::Coefficients over = loads::parse_coefficients(text_of(t), t.file, probs);
            for (const auto& c : over.rows()) inv.coefficients.set(c);
        }
    }
    if (refs.standards) {
        Table t = read_table(*refs.standards, probs, "standards");
        if (!t.columns.empty()) {
            const loads::EffluentStandards extra = loads::parse_standards(text_of(t), t.file, probs);
            for (const auto& s : extra.all()) inv.standards.add(s);
        }
    }
    Polygons catchments, zones;
    if (refs.catchments) catchments = Polygons::read(*refs.catchments, "reach_id", probs);
    if (refs.prohibited_zones) zones = Polygons::read(*refs.prohibited_zones, "", probs);

    Reader R{ctx, probs, refs.catchments ? &catchments : nullptr};
    std::set<std::string> ids;  // ids are shared by all inventory tables (they become source ids)

    read_point_sources(R, refs, ids, inv);
    read_diffuse_sources(R, refs, zones, ids, inv);

    // connected outfalls must name a plant
    for (const auto& o : inv.outfalls)
        if (o.status == "connected" && !o.connect_to.empty() &&
            std::none_of(inv.plants.begin(), inv.plants.end(), [&](const loads::Plant& p) { return p.id == o.connect_to; }))
            probs.add(o.origin, "", "connect_to", o.connect_to, "no plant with this id in the plants table");
    return inv;
}

}  // namespace qingliu::io
