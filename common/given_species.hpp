// Water-quality items a source, a headwater or lateral inflow may give beside the state variables (COD, NH3-N, TP):
// DO, BOD5, CODMn, TN and the nitrogen and phosphorus species, each optional, in mg/L of the water. The
// three-constituent model does not route them; the water-quality kinetics take them as given quality and complete
// what is not given from the composition of the water's kind (reaches/wq_sources.hpp). Declared once here: the
// column names (<key>_mgL, headwater_<key>_mgL, lateral_<key>_mgL), their Chinese header names (io/columns.cpp),
// the consistency rules the readers check, and the state variable whose share a measure's load cut applies to.
#pragma once
#include <array>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/constituent.hpp"

namespace qingliu {

enum class GivenItem : int { DO, BOD5, CODMn, TN, OrgN, NO3N, OrgP, IP };
inline constexpr int kNumGivenItems = 8;

struct GivenItemDef {
    std::string_view key;           ///< columns <key>_mgL
    std::string_view label_en;      ///< "BOD5"
    std::string_view label_zh;      ///< 五日生化需氧量
    std::string_view header_names;  ///< Chinese header names, '|'-separated (io/columns.cpp adds the 浓度 forms)
    std::string_view other_aliases; ///< other accepted spellings of <key>_mgL
    /// The state variable whose load this item is part of: a measure cutting that load by a share cuts the item by
    /// the same share. "" for DO, which is no load.
    std::string_view family;
    double max_mgL;                 ///< largest value accepted
};

/// Ranges: DO up to 20 mg/L (saturation at 0 degC is 14.6 mg/L; algal supersaturation stays below 20); the others
/// as the state variables' generous bounds.
inline constexpr std::array<GivenItemDef, kNumGivenItems> kGivenItems{{
    {"do", "DO", "溶解氧", "溶解氧", "do", "", 20.0},
    {"bod5", "BOD5", "五日生化需氧量", "五日生化需氧量|生化需氧量", "bod5|bod", "cod", 1e6},
    {"codmn", "CODMn", "高锰酸盐指数", "高锰酸盐指数", "codmn|cod-mn", "cod", 1e6},
    {"tn", "TN", "总氮", "总氮", "tn", "nh3n", 1e4},
    {"orgn", "Organic N", "有机氮", "有机氮", "orgn", "nh3n", 1e4},
    {"no3n", "NO3-N", "硝酸盐氮", "硝酸盐氮|硝态氮", "no3-n|no3n", "nh3n", 1e4},
    {"orgp", "Organic P", "有机磷", "有机磷", "orgp", "tp", 1e3},
    {"ip", "Inorganic P", "无机磷", "无机磷|正磷酸盐", "ip", "tp", 1e3},
}};

constexpr const GivenItemDef& given_item(GivenItem i) { return kGivenItems[static_cast<std::size_t>(i)]; }
inline std::string given_column(GivenItem i, std::string_view prefix = {}) {
    return std::string(prefix) + std::string(given_item(i).key) + "_mgL";
}
inline constexpr std::array<GivenItem, kNumGivenItems> kAllGivenItems{
    GivenItem::DO, GivenItem::BOD5, GivenItem::CODMn, GivenItem::TN,
    GivenItem::OrgN, GivenItem::NO3N, GivenItem::OrgP, GivenItem::IP};

/// What one water gives of the items (mg/L); nullopt: not given.
struct GivenSpecies {
    std::array<std::optional<double>, kNumGivenItems> mgL{};
    std::optional<double>& operator[](GivenItem i) { return mgL[static_cast<std::size_t>(i)]; }
    const std::optional<double>& operator[](GivenItem i) const { return mgL[static_cast<std::size_t>(i)]; }
    bool any() const {
        for (const auto& v : mgL)
            if (v) return true;
        return false;
    }
    bool operator==(const GivenSpecies&) const = default;
};

/// The share of each item that stays when the loads of the state variables are multiplied by `kept` (1 − the cut):
/// each item its family's share; DO is no load and stays.
inline GivenSpecies scaled_by_family(GivenSpecies g, const PerConstituent& kept) {
    for (GivenItem i : kAllGivenItems) {
        const auto fam = constituent_from_key(given_item(i).family);
        if (g[i] && fam) *g[i] *= kept[idx(*fam)];
    }
    return g;
}

/// The consistency problems of given items against the water's COD, NH3-N and TP (mg/L), each as (column, message):
///   BOD5 <= COD and CODMn <= COD (both measure a part of what COD oxidises);
///   TN >= NH3-N + the organic N and NO3-N given; with TN, at most one of organic N and NO3-N (the other is the rest);
///   at most one of organic P and inorganic P (the other is TP minus it), and it <= TP.
/// `prefix` is put before the column names (headwater_).
inline std::vector<std::pair<std::string, std::string>> given_species_problems(const PerConstituent& conc_mgL,
                                                                              const GivenSpecies& g,
                                                                              std::string_view prefix = {}) {
    std::vector<std::pair<std::string, std::string>> out;
    auto num = [](double v) {
        char b[40];
        std::snprintf(b, sizeof b, "%g", v);
        return std::string(b);
    };
    auto conc = [&](const char* k) { return conc_mgL[idx(*constituent_from_key(k))]; };
    auto col = [&](GivenItem i) { return given_column(i, prefix); };
    const double cod = conc("cod"), nh3n = conc("nh3n"), tp = conc("tp");
    for (GivenItem i : {GivenItem::BOD5, GivenItem::CODMn})
        if (g[i] && *g[i] > cod)
            out.emplace_back(col(i), std::string(given_item(i).label_en) + " " + num(*g[i]) + " mg/L exceeds COD " +
                                         num(cod) + " mg/L (COD oxidises what it measures and more)");
    if (g[GivenItem::TN]) {
        const double tn = *g[GivenItem::TN];
        double parts = nh3n;
        std::string named = "NH3-N " + num(nh3n);
        for (GivenItem i : {GivenItem::OrgN, GivenItem::NO3N})
            if (g[i]) {
                parts += *g[i];
                named += " + " + std::string(given_item(i).label_en) + " " + num(*g[i]);
            }
        if (tn < parts) out.emplace_back(col(GivenItem::TN), "TN " + num(tn) + " mg/L is less than " + named + " mg/L");
        if (g[GivenItem::OrgN] && g[GivenItem::NO3N])
            out.emplace_back(col(GivenItem::NO3N), "with " + col(GivenItem::TN) + " give at most one of " +
                                                       col(GivenItem::OrgN) + " and " + col(GivenItem::NO3N) +
                                                       " (the other is TN - NH3-N - it)");
    }
    if (g[GivenItem::OrgP] && g[GivenItem::IP])
        out.emplace_back(col(GivenItem::IP), "give at most one of " + col(GivenItem::OrgP) + " and " + col(GivenItem::IP) +
                                                 " (the other is TP - it)");
    for (GivenItem i : {GivenItem::OrgP, GivenItem::IP})
        if (g[i] && *g[i] > tp)
            out.emplace_back(col(i), std::string(given_item(i).label_en) + " " + num(*g[i]) + " mg/L exceeds TP " +
                                         num(tp) + " mg/L");
    return out;
}

}  // namespace qingliu
