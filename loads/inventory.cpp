#include "loads/inventory.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

#include "common/csv_text.hpp"

namespace qingliu::loads {

extern const char* const kCoefficientsCsv;  // generated from data/coefficients/coefficients.csv
extern const char* const kStandardsCsv;     // generated from data/standards/effluent_standards.csv

namespace {

std::string norm_key(const std::string& s) {
    std::string out;
    for (char c : s)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '/' && c != '.')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string fmt(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

struct CsvHeader {
    std::map<std::string, std::size_t> col;
    bool has(const std::string& c) const { return col.count(c) > 0; }
};

}  // namespace

// ---------------------------------------------------------------- tables

void Coefficients::set(Coefficient c) {
    for (auto& r : rows_)
        if (r.category == c.category && r.key == c.key && r.parameter == c.parameter) {
            r = std::move(c);
            return;
        }
    rows_.push_back(std::move(c));
}

const Coefficient* Coefficients::find(const std::string& category, const std::string& key,
                                      const std::string& parameter) const {
    for (const auto& r : rows_)
        if (r.category == category && r.key == key && r.parameter == parameter) return &r;
    return nullptr;
}

void EffluentStandards::add(EffluentStandard s) {
    const std::string k = norm_key(s.key);
    for (auto& x : all_)
        if (norm_key(x.key) == k) {
            x = std::move(s);
            return;
        }
    all_.push_back(std::move(s));
}

const EffluentStandard* EffluentStandards::find(const std::string& key) const {
    const std::string k = norm_key(key);
    for (const auto& x : all_)
        if (norm_key(x.key) == k) return &x;
    return nullptr;
}

const EffluentStandard* EffluentStandards::for_plant(const std::string& key, int built_year) const {
    const EffluentStandard* s = find(key);
    if (!s || built_year <= 0) return s;
    // the variant with the earliest cut-off year still after the build year
    const EffluentStandard* best = s;
    const std::string k = norm_key(s->key);
    for (const auto& x : all_)
        if (!x.base.empty() && norm_key(x.base) == k && built_year < x.built_before_year &&
            (best == s || x.built_before_year < best->built_before_year))
            best = &x;
    return best;
}

bool EffluentStandard::sets_all() const {
    for (double v : limit_mgL)
        if (std::isnan(v)) return false;
    return true;
}

bool Inventory::empty() const {
    return plants.empty() && outfalls.empty() && industry.empty() && farms.empty() && cropland.empty() &&
           villages.empty() && ponds.empty();
}

namespace {

// Rows of a CSV text with a header; each row as column → text. Missing required columns are problems.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& csv, const std::string& file,
                                                         const std::vector<std::string>& required, Problems& problems) {
    std::vector<std::map<std::string, std::string>> out;
    const auto rows = parse_csv_text(csv);
    if (rows.empty()) {
        problems.add(file, "", "", "", "the table is empty");
        return out;
    }
    std::vector<std::string> header;
    for (const auto& h : rows[0]) header.push_back(trim(h));
    bool ok = true;
    for (const auto& r : required)
        if (std::find(header.begin(), header.end(), r) == header.end()) {
            problems.add(file, "header", r, "", "required column is missing");
            ok = false;
        }
    if (!ok) return out;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        std::map<std::string, std::string> m;
        for (std::size_t j = 0; j < header.size() && j < rows[i].size(); ++j) m[header[j]] = trim(rows[i][j]);
        m["#row"] = std::to_string(i + 1);
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

Coefficients parse_coefficients(const std::string& csv, const std::string& file, Problems& problems) {
    Coefficients c;
    for (auto& r : csv_rows(csv, file, {"category", "key", "parameter", "value", "source"}, problems)) {
        const std::string rec = "row " + r["#row"];
        Coefficient x{.category = r["category"], .key = r["key"], .parameter = r["parameter"], .unit = r["unit"],
                      .source = r["source"], .origin = file + " " + rec};
        for (const char* f : {"category", "key", "parameter"})
            if (r[f].empty()) problems.add(file, rec, f, "", "required value is empty");
        if (!parse_double(r["value"], x.value) || x.value < 0.0)
            problems.add(file, rec, "value", r["value"], "expected a number >= 0");
        x.low = x.high = x.value;
        if (!r["low"].empty() && (!parse_double(r["low"], x.low) || x.low > x.value))
            problems.add(file, rec, "low", r["low"], "expected a number <= value");
        if (!r["high"].empty() && (!parse_double(r["high"], x.high) || x.high < x.value))
            problems.add(file, rec, "high", r["high"], "expected a number >= value");
        if (x.source.empty()) problems.add(file, rec, "source", "", "every coefficient must name its source");
        if (c.find(x.category, x.key, x.parameter))
            problems.add(file, rec, "parameter", x.category + "/" + x.key + "/" + x.parameter, "duplicate coefficient");
        c.set(std::move(x));
    }
    return c;
}

EffluentStandards parse_standards(const std::string& csv, const std::string& file, Problems& problems) {
    EffluentStandards s;
    std::vector<std::string> required = column_names("_mgL");
    required.insert(required.begin(), "standard");
    required.push_back("source");
    for (auto& r : csv_rows(csv, file, required, problems)) {
        const std::string rec = "row " + r["#row"];
        EffluentStandard x{.key = r["standard"], .name_zh = r["name_zh"], .name_en = r["name_en"], .source = r["source"],
                           .base = r["base"]};
        if (x.key.empty()) problems.add(file, rec, "standard", "", "required value is empty");
        int given = 0;
        for (auto k : kConstituents) {
            const std::string f = column(k, "_mgL");
            double& v = x.limit_mgL[idx(k)];
            if (r[f].empty()) {  // the standard sets no limit for this constituent
                v = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            ++given;
            if (!parse_double(r[f], v) || v <= 0.0)
                problems.add(file, rec, f, r[f], "expected a limit > 0 mg/L (or empty: no limit set)");
        }
        if (given == 0) problems.add(file, rec, column(kConstituents.front(), "_mgL"), "", "the standard sets no limit at all");
        for (GivenItem i : kAllGivenItems) {  // optional: BOD5, CODMn, TN ... (never DO)
            const std::string f = given_column(i);
            if (r[f].empty()) continue;
            double& v = x.item_limit_mgL[static_cast<std::size_t>(i)];
            if (i == GivenItem::DO)
                problems.add(file, rec, f, r[f], "a discharge standard sets no DO (GB 3838 bounds DO from below)");
            else if (!parse_double(r[f], v) || v <= 0.0)
                problems.add(file, rec, f, r[f], "expected a limit > 0 mg/L (or empty: no limit set)");
        }
        if (!x.base.empty() || !r["built_before_year"].empty()) {
            double y = 0.0;
            if (!parse_double(r["built_before_year"], y) || y < 1900.0 || y > 2100.0 || y != std::floor(y))
                problems.add(file, rec, "built_before_year", r["built_before_year"],
                             "a variant row (base given) needs the year, 1900-2100, before which its plants were built");
            x.built_before_year = static_cast<int>(y);
            if (x.base.empty()) problems.add(file, rec, "base", "", "built_before_year needs the base standard it varies");
        }
        if (x.source.empty()) problems.add(file, rec, "source", "", "every standard must name its source");
        if (s.find(x.key)) problems.add(file, rec, "standard", x.key, "duplicate standard");
        s.add(std::move(x));
    }
    for (const auto& x : s.all())
        if (!x.base.empty() && !s.find(x.base))
            problems.add(file, "", "base", x.base, "row " + x.key + " varies a standard that is not in the table");
    return s;
}

namespace {
// A shipped table parsed once; malformed, it is a model error naming its first problem.
template <class T>
T parse_shipped(T (*parse)(const std::string&, const std::string&, Problems&), const char* csv, const char* file,
                const char* what) {
    Problems p;
    T x = parse(csv, file, p);
    if (!p.empty()) throw ModelError(std::string("shipped ") + what + " table: " + format_problem(p.items().front()));
    return x;
}
}  // namespace

const Coefficients& default_coefficients() {
    static const Coefficients c =
        parse_shipped(&parse_coefficients, kCoefficientsCsv, "data/coefficients/coefficients.csv", "coefficient");
    return c;
}

const EffluentStandards& default_standards() {
    static const EffluentStandards s =
        parse_shipped(&parse_standards, kStandardsCsv, "data/standards/effluent_standards.csv", "standards");
    return s;
}

// ---------------------------------------------------------------- resolution

namespace {

struct Resolver {
    const Inventory& inv;
    const std::vector<double>& len;
    Problems& problems;
    std::vector<Source> out;

    /// The coefficient's value, or a problem naming the record that needed it.
    double coef(const std::string& cat, const std::string& key, const std::string& par, const std::string& origin,
                const std::string& field) {
        if (const Coefficient* c = inv.coefficients.find(cat, key, par)) return c->value;
        problems.add(origin, "", field, key,
                     "no coefficient " + cat + "/" + key + "/" + par + " (add it to the case's coefficients table)");
        return 0.0;
    }
    PerConstituent coef3(const std::string& cat, const std::string& key, const std::string& suffix,
                         const std::string& origin, const std::string& field) {
        PerConstituent v{};
        for (auto c : kConstituents) v[idx(c)] = coef(cat, key, std::string(qingliu::key(c)) + suffix, origin, field);
        return v;
    }

    void spread(Source& s, std::int32_t reach, double position_m) {
        s.reach = reach;
        if (position_m >= 0.0) {
            s.position_m = position_m;
        } else {
            s.position_m = 0.0;
            const double l = (reach >= 0 && static_cast<std::size_t>(reach) < len.size()) ? len[reach] : 0.0;
            if (l > 0.0) s.end_m = l;
        }
    }

    // A source of the inventory record `origin` with its loads (kg/d), placed by the caller.
    Source& add(const std::string& id, const std::string& name, const std::string& type, const std::string& town,
                const PerConstituent& kg_d, const std::string& origin) {
        Source s;
        s.id = id;
        s.name = name.empty() ? id : name;
        s.type = type;
        s.town = town;
        for (auto k : kConstituents) s.load_gs[idx(k)] = kg_d[idx(k)] * kGramPerSecondPerKgPerDay;
        s.origin = origin;
        out.push_back(std::move(s));
        return out.back();
    }

    // A source with water at a point; the items its water gives go with the water (none without it).
    void point(const std::string& id, const std::string& name, const std::string& type, const std::string& town,
               std::int32_t reach, double position_m, double flow_m3s, const PerConstituent& kg_d,
               const std::string& origin, const GivenSpecies& given) {
        Source& s = add(id, name, type, town, kg_d, origin);
        s.reach = reach;
        s.position_m = position_m;
        s.flow_m3s = flow_m3s;
        if (flow_m3s > 0.0) s.given = given;
    }

    void diffuse(const std::string& id, const std::string& name, const std::string& type, const std::string& town,
                 std::int32_t reach, double position_m, const PerConstituent& kg_d, const std::string& origin) {
        Source& s = add(id, name, type, town, kg_d, origin);
        s.diffuse = true;
        spread(s, reach, position_m);
    }

    // Effluent concentration of a plant: measured, else the limits its standard sets for a plant of its build year.
    std::optional<PerConstituent> plant_conc(const Plant& p) {
        if (p.measured_mgL) return p.measured_mgL;
        if (p.standard.empty()) {
            problems.add(p.origin, "", "standard", "", "give the plant's discharge standard or measured concentrations");
            return std::nullopt;
        }
        if (const EffluentStandard* s = inv.standards.for_plant(p.standard, p.built_year)) {
            if (s->sets_all()) return s->limit_mgL;
            std::string none;
            for (auto k : kConstituents)
                if (std::isnan(s->limit_mgL[idx(k)])) none += (none.empty() ? "" : ", ") + std::string(key(k));
            problems.add(p.origin, "", "standard", p.standard,
                         "the standard sets no limit for " + none +
                             ": give the plant's measured " + columns_listed("_mgL"));
            return std::nullopt;
        }
        std::string list;
        for (const auto& s : inv.standards.all()) list += (list.empty() ? "" : ", ") + s.key;
        problems.add(p.origin, "", "standard", p.standard, "unknown discharge standard (known: " + list + ")");
        return std::nullopt;
    }

    void run() {
        // plants; flows of outfalls connected to a plant are added to it
        std::map<std::string, double> connected_m3d;
        for (const auto& o : inv.outfalls)
            if (o.status == "connected") {
                bool found = false;
                for (const auto& p : inv.plants) found = found || p.id == o.connect_to;
                if (!found)
                    problems.add(o.origin, "", "connect_to", o.connect_to,
                                 "connected outfall names no plant of the plants table");
                else
                    connected_m3d[o.connect_to] += o.flow_m3d;
            }
        for (const auto& p : inv.plants) {
            const auto conc = plant_conc(p);
            double q_m3d = p.flow_m3d >= 0.0 ? p.flow_m3d : p.capacity_m3d * p.load_factor;
            q_m3d += connected_m3d[p.id];
            if (conc) {
                PerConstituent kg_d{};
                for (auto k : kConstituents) kg_d[idx(k)] = q_m3d * (*conc)[idx(k)] / kGramsPerKg;
                point(p.id, p.name, "sewage_plant", p.town, p.reach, p.position_m, q_m3d / kSecondsPerDay, kg_d, p.origin,
                      p.given);
            }
            if (p.service_population > 0.0) {
                const PerConstituent g = coef3("urban", "default", "_g_cap_d", p.origin, "service_population");
                const double entry = coef("urban_entry", "default", "entry", p.origin, "service_population");
                PerConstituent kg_d{};
                for (auto k : kConstituents)
                    kg_d[idx(k)] = p.service_population * (1.0 - p.collection_rate) * g[idx(k)] * entry / kGramsPerKg;
                diffuse(p.id + ":uncollected", p.name + "（未收集）", "urban_uncollected", p.town, p.reach, -1.0, kg_d,
                        p.origin);
            }
        }
        for (const auto& o : inv.outfalls) {
            // closed or connected outfalls stay in the list with nothing entering the river, so that the resolved list
            // has one entry per record whatever the statuses (measures refer to entries by position)
            const bool off = o.status == "closed" || o.status == "connected";
            PerConstituent kg_d{};
            if (!off)
                for (auto k : kConstituents) kg_d[idx(k)] = o.flow_m3d * o.conc_mgL[idx(k)] / kGramsPerKg;
            point(o.id, o.name, "outfall", o.town, o.reach, o.position_m, off ? 0.0 : o.flow_m3d / kSecondsPerDay, kg_d,
                  o.origin, o.given);
        }
        for (const auto& f : inv.industry) {
            PerConstituent kg_d{};
            for (auto k : kConstituents)
                kg_d[idx(k)] = f.conc_mgL ? f.flow_m3d * (*f.conc_mgL)[idx(k)] / kGramsPerKg
                                          : (f.permitted_t_a ? (*f.permitted_t_a)[idx(k)] * kKgPerTonne / kDaysPerYear : 0.0);
            point(f.id, f.name, "industry", f.town, f.reach, f.position_m, f.flow_m3d / kSecondsPerDay, kg_d, f.origin,
                  f.given);
        }
        for (const auto& f : inv.farms) {
            const PerConstituent e = coef3("livestock", f.species, "_kg_head_a", f.origin, "species");
            const double entry = f.entry >= 0.0 ? f.entry : coef("livestock_entry", f.scale, "entry", f.origin, "scale");
            PerConstituent kg_d{};
            for (auto k : kConstituents)
                kg_d[idx(k)] = f.closed ? 0.0 : f.head_count * e[idx(k)] * (1.0 - f.utilisation) * entry / kDaysPerYear;
            diffuse(f.id, f.name, "livestock", f.town, f.reach, f.position_m, kg_d, f.origin);
        }
        for (const auto& c : inv.cropland) {
            const PerConstituent l = coef3("cropland", c.crop, "_kg_mu_a", c.origin, "crop");
            const double entry = coef("cropland_entry", "default", "entry", c.origin, "crop");
            PerConstituent kg_d{};
            for (auto k : kConstituents) kg_d[idx(k)] = c.area_mu * l[idx(k)] * c.fertiliser_index * entry / kDaysPerYear;
            diffuse(c.id, c.id, "cropland", c.town, c.reach, -1.0, kg_d, c.origin);
        }
        for (const auto& v : inv.villages) {
            const PerConstituent g = coef3("rural", "default", "_g_cap_d", v.origin, "population");
            const double entry = coef("rural_entry", "default", "entry", v.origin, "population");
            PerConstituent rem{};
            for (auto k : kConstituents)
                rem[idx(k)] = v.removal >= 0.0 ? v.removal
                                               : coef("treatment", "rural_sewage", std::string(key(k)) + "_removal",
                                                      v.origin, "removal");
            PerConstituent kg_d{};
            for (auto k : kConstituents)
                kg_d[idx(k)] = v.population * g[idx(k)] * (1.0 - v.coverage * rem[idx(k)]) * entry / kGramsPerKg;
            diffuse(v.id, v.name, "rural_domestic", v.town, v.reach, -1.0, kg_d, v.origin);
        }
        for (const auto& p : inv.ponds) {
            const PerConstituent l = coef3("aquaculture", "pond", "_kg_mu_a", p.origin, "area_mu");
            PerConstituent kg_d{};
            for (auto k : kConstituents) {
                const double rem = p.removal >= 0.0 ? p.removal
                                                    : coef("treatment", "aquaculture_tail_water",
                                                           std::string(key(k)) + "_removal", p.origin, "removal");
                kg_d[idx(k)] = p.area_mu * l[idx(k)] * (1.0 - p.treated_share * rem) / kDaysPerYear;
            }
            diffuse(p.id, p.id, "aquaculture", p.town, p.reach, -1.0, kg_d, p.origin);
        }
        for (const auto& s : out)
            for (auto k : kConstituents)
                if (!std::isfinite(s.load_gs[idx(k)]) || s.load_gs[idx(k)] < 0.0)
                    problems.add(s.origin, "", std::string(key(k)), fmt(s.load_gs[idx(k)]),
                                 "load is negative or not finite (check rates and coefficients)");
    }
};

}  // namespace

std::vector<Source> resolve(const Inventory& inv, const std::vector<double>& reach_length_m, Problems& problems) {
    Resolver r{inv, reach_length_m, problems, {}};
    r.run();
    return std::move(r.out);
}

std::vector<TypeTotal> totals_by_type(const std::vector<Source>& sources) {
    std::vector<TypeTotal> t;
    for (const auto& s : sources) {
        auto it = std::find_if(t.begin(), t.end(), [&](const TypeTotal& x) { return x.type == s.type; });
        if (it == t.end()) {
            t.push_back({s.type, {}, 0});
            it = t.end() - 1;
        }
        for (auto k : kConstituents) it->t_a[idx(k)] += s.load_gs[idx(k)] * kTonnePerYearPerGramPerSecond;
        ++it->count;
    }
    return t;
}

}  // namespace qingliu::loads
