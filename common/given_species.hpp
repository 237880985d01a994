// Water-quality items a source, a headwater or lateral inflow may give beside the state variables (COD, NH3-N, TP):
// DO, BOD5, CODMn, TN and the nitrogen and phosphorus species, each optional, in mg/L of the water. The
// three-constituent model does not route them; the water-quality kinetics take them as given quality and complete
// what is not given from the composition of the water's kind (reaches/wq_sources.hpp). They are the given set of the
// variable table (common/variables.hpp: kGivenSet), which gives their keys and labels. Declared here: the
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

/// A given item: key and labels from the variable table (common/variables.hpp), family the key of a routed one.
constexpr GivenItemDef given_def(Var v, std::string_view header_names, std::string_view other_aliases,
                                 std::optional<Var> family, double max_mgL) {
    const VariableDef& d = variable_def(v);
    return {d.key, d.label_en, d.label_zh, header_names, other_aliases, family ? variable_def(*family).key : std::string_view{},
            max_mgL};
}

/// The rows are kGivenSet, in the order of GivenItem. Ranges: DO up to 20 mg/L (saturation at 0 degC is 14.6 mg/L;
/// algal supersaturation stays below 20); the others as the state variables' generous bounds.
inline constexpr std::array<GivenItemDef, kNumGivenItems> kGivenItems{{
    given_def(kGivenSet[0], "溶解氧", "do", std::nullopt, 20.0),
    given_def(kGivenSet[1], "五日生化需氧量|生化需氧量", "bod5|bod", Var::COD, 1e6),
    given_def(kGivenSet[2], "高锰酸盐指数", "codmn|cod-mn", Var::COD, 1e6),
    given_def(kGivenSet[3], "总氮", "tn", Var::NH3N, 1e4),
    given_def(kGivenSet[4], "有机氮", "orgn", Var::NH3N, 1e4),
    given_def(kGivenSet[5], "硝酸盐氮|硝态氮", "no3-n|no3n", Var::NH3N, 1e4),
    given_def(kGivenSet[6], "有机磷", "orgp", Var::TP, 1e3),
    given_def(kGivenSet[7], "无机磷|正磷酸盐", "ip", Var::TP, 1e3),
}};
static_assert(kGivenSet.size() == kNumGivenItems);
static_assert(kGivenSet[static_cast<int>(GivenItem::DO)] == Var::DO && kGivenSet[static_cast<int>(GivenItem::BOD5)] == Var::BOD5 &&
                  kGivenSet[static_cast<int>(GivenItem::CODMn)] == Var::CODMn && kGivenSet[static_cast<int>(GivenItem::TN)] == Var::TN &&
                  kGivenSet[static_cast<int>(GivenItem::OrgN)] == Var::OrgN && kGivenSet[static_cast<int>(GivenItem::NO3N)] == Var::NO3N &&
                  kGivenSet[static_cast<int>(GivenItem::OrgP)] == Var::OrgP && kGivenSet[static_cast<int>(GivenItem::IP)] == Var::IP,
              "GivenItem and kGivenSet must name the items in the same order");

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
