#include "reaches/wq_sources.hpp"

#include <string>

#include "common/error.hpp"

namespace qingliu::reaches::wq {

const std::vector<Composition>& compositions() {
    static const std::vector<Composition> t = {
        {"treated", 0.20, 0.35, 0.4, 1.6, 0.30, 2.0,
         "GB 18918-2002 table 1 grade 1A limits as the composition: COD 50, BOD5 10, NH3-N 5, TN 15, TP 0.5 mg/L "
         "(BOD5/COD = 0.2; TN - NH3-N = 10 mg/L split 2 organic N : 8 NO3-N, estimate); CODMn/COD 0.35, organic P "
         "30 % of TP and DO 2 mg/L are estimates"},
        {"raw_sewage", 190.0 / 430.0, 0.40, 15.0 / 25.0, 0.0, 2.0 / 7.0, 0.0,
         "Metcalf & Eddy, Wastewater Engineering, medium-strength untreated domestic sewage: COD 430, BOD5 190, "
         "organic N 15, NH3-N 25, NO3-N 0, TP 7 (organic 2, inorganic 5) mg/L; CODMn/COD 0.4 and DO 0 are estimates"},
        {"manure_runoff", 0.30, 0.35, 1.0, 0.2, 0.60, 0.0,
         "estimates: runoff from manure and fertilised land carries particulate organic N and P (organic N = NH3-N, "
         "NO3-N 0.2 NH3-N, organic P 60 % of TP), BOD5/COD 0.3, CODMn/COD 0.35; diffuse loads carry no water (DO 0)"},
        {"river", 1.0 / 4.41, 1.0 / 3.91, 1.0, 4.0, 0.50, 0.0,
         "BOD5/COD = 1/4.41 and CODMn/COD = 1/3.91: annual means of COD/BOD5 and COD/CODMn of a city monitoring "
         "station's surface-water samples 2019-2020 (徐苏红, 水质化学需氧量、高锰酸盐指数、生化需氧量的关系, "
         "皮革制作与环保科技 2022(4): 149-153, abstract); estimates: nitrate-dominated N (NO3-N 4 NH3-N, organic N = "
         "NH3-N), half of TP organic; its DO is set by the caller (a share of saturation)"},
    };
    return t;
}

const Composition& composition_for_type(std::string_view type) {
    const auto& c = compositions();
    if (type == "sewage_plant" || type == "industry") return c[0];
    if (type == "livestock" || type == "cropland" || type == "aquaculture") return c[2];
    return c[1];  // outfalls, urban and rural sewage, unknown types
}

const Composition& river_composition() { return compositions()[3]; }

std::string_view kind_of_type(std::string_view type) { return composition_for_type(type).kind; }

namespace {
const Composition* find_row(const CompositionOverrides& rows, std::string_view key) {
    for (const auto& [k, c] : rows)
        if (k == key) return &c;
    return nullptr;
}
}  // namespace

const Composition& composition_for_type(std::string_view type, const CompositionOverrides& rows) {
    if (const Composition* c = find_row(rows, type)) return *c;
    if (const Composition* c = find_row(rows, kind_of_type(type))) return *c;
    return composition_for_type(type);
}

const Composition& composition_for_source(std::string_view id, std::string_view type, const CompositionOverrides& rows) {
    if (const Composition* c = find_row(rows, id)) return *c;
    return composition_for_type(type, rows);
}

const Composition& river_composition(const CompositionOverrides& rows) {
    if (const Composition* c = find_row(rows, "river")) return *c;
    return river_composition();
}

GivenQuality given_quality(const PerConstituent& v, const GivenSpecies& items) {
    GivenQuality g;
    g.cod = v[idx(*constituent_from_key("cod"))];
    g.nh3n = v[idx(*constituent_from_key("nh3n"))];
    g.tp = v[idx(*constituent_from_key("tp"))];
    g.do_ = items[GivenItem::DO];
    g.bod5 = items[GivenItem::BOD5];
    g.codmn = items[GivenItem::CODMn];
    g.tn = items[GivenItem::TN];
    g.orgn = items[GivenItem::OrgN];
    g.no3n = items[GivenItem::NO3N];
    g.orgp = items[GivenItem::OrgP];
    g.ip = items[GivenItem::IP];
    return g;
}

State complete_species(const GivenQuality& q, const Composition& c, double k1) {
    State s{};
    s[COD] = q.cod;
    s[NH3N] = q.nh3n;
    s[CODMn] = q.codmn ? *q.codmn : c.codmn_per_cod * q.cod;
    s[CBOD] = cbodu_from_bod5(q.bod5 ? *q.bod5 : c.bod5_per_cod * q.cod, k1);
    s[DO] = q.do_ ? *q.do_ : c.do_mgL;
    // nitrogen: given species win; else TN - NH3-N split in the kind's proportion; else the kind's ratios
    const double r_on = c.orgn_per_nh3n, r_no3 = c.no3n_per_nh3n;
    if (q.orgn || q.no3n) {
        s[OrgN] = q.orgn ? *q.orgn : (q.tn ? *q.tn - q.nh3n - *q.no3n : r_on * q.nh3n);
        s[NO3N] = q.no3n ? *q.no3n : (q.tn ? *q.tn - q.nh3n - *q.orgn : r_no3 * q.nh3n);
    } else if (q.tn) {
        const double rest = *q.tn - q.nh3n;
        if (rest < 0.0) throw ModelError("TN " + std::to_string(*q.tn) + " is less than NH3-N " + std::to_string(q.nh3n));
        const double share_on = r_on + r_no3 > 0.0 ? r_on / (r_on + r_no3) : 1.0;
        s[OrgN] = rest * share_on;
        s[NO3N] = rest - s[OrgN];
    } else {
        s[OrgN] = r_on * q.nh3n;
        s[NO3N] = r_no3 * q.nh3n;
    }
    // phosphorus: given species win, TP split by the kind's share otherwise
    if (q.orgp && q.ip) {
        s[OrgP] = *q.orgp;
        s[IP] = *q.ip;
    } else if (q.orgp) {
        s[OrgP] = *q.orgp;
        s[IP] = q.tp - *q.orgp;
    } else if (q.ip) {
        s[IP] = *q.ip;
        s[OrgP] = q.tp - *q.ip;
    } else {
        s[OrgP] = c.orgp_share_of_tp * q.tp;
        s[IP] = q.tp - s[OrgP];
    }
    for (int i = 0; i < kNumSpecies; ++i)
        if (s[i] < 0.0)
            throw ModelError(std::string(kSpecies[i].label_en) + " comes out negative (" + std::to_string(s[i]) +
                             "): the given N or P species exceed the totals");
    return s;
}

}  // namespace qingliu::reaches::wq
