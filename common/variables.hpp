// Every variable the model carries or reports, declared once: kVariables below (key, unit, Chinese and English
// label, GB 3838-2002 item and direction). The sets a case is computed with are views of it, lists of its rows:
//   kRoutedSet        the three routed constituents COD, NH3-N, TP (common/constituent.hpp: kStateVariables, every
//                     PerConstituent, the load model, capacity, apportionment, optimisation);
//   kWaterQualitySet  the nine species of the QUAL2K-class kinetics, in the order of their state vector
//                     (reaches/kinetics.hpp: kSpecies), chosen by a case that declares [water_quality];
//   kGivenSet         what a source, headwater or lateral inflow may give beside the routed three
//                     (common/given_species.hpp: kGivenItems);
//   kGb3838Set        every variable GB 3838-2002 table 1 judges, in the order of its item numbers (the water-quality
//                     classes, reaches/wq_classes.hpp, and every output that lists the items).
// A key, label, item or direction is written here only; the views copy them at compile time.
#pragma once
#include <array>
#include <cstddef>
#include <string_view>

namespace qingliu {

/// How GB 3838-2002 bounds an item: an upper limit (lower is better; most items) or a lower limit (dissolved oxygen).
enum class LimitDirection { Maximum, Minimum };

/// The rows of kVariables.
enum class Var : int { COD, CODMn, BOD5, CBODu, DO, OrgN, NH3N, NO3N, TN, OrgP, IP, TP };
inline constexpr int kNumVariables = 12;

struct VariableDef {
    Var id;
    std::string_view key;       ///< machine key: columns <key>_mgL, class-table row <key>
    std::string_view unit;      ///< of concentrations
    std::string_view label_en;  ///< short label in tables: "COD"
    std::string_view label_zh;  ///< 化学需氧量
    int gb3838_item;            ///< item (序号) in GB 3838-2002 table 1; 0: not an item of it
    LimitDirection direction;   ///< of the item's limits (Maximum for variables that are no item)
    /// How the water-quality kinetics obtain it when it is not one of their species: "orgn + nh3n + no3n" ...; "" for
    /// a species.
    std::string_view in_kinetics;
};

/// GB 3838-2002 table 1 (基本项目标准限值) items: 3 溶解氧 (DO, not less than), 4 高锰酸盐指数 (CODMn), 5 化学需氧量
/// (COD), 6 五日生化需氧量 (BOD5), 7 氨氮 (NH3-N), 8 总磷 (TP), 9 总氮 (TN, lakes and reservoirs). Their limits are the
/// rows of data/standards/gb3838_2002.csv (reaches/classes.hpp).
inline constexpr std::array<VariableDef, kNumVariables> kVariables{{
    {Var::COD, "cod", "mg/L", "COD", "化学需氧量", 5, LimitDirection::Maximum, ""},
    {Var::CODMn, "codmn", "mg/L", "CODMn", "高锰酸盐指数", 4, LimitDirection::Maximum, ""},
    {Var::BOD5, "bod5", "mg/L", "BOD5", "五日生化需氧量", 6, LimitDirection::Maximum,
     "cbodu (1 - exp(-5 k1)), k1 the bottle rate"},
    {Var::CBODu, "cbodu", "mg/L", "CBODu", "最终碳化生化需氧量", 0, LimitDirection::Maximum, ""},
    {Var::DO, "do", "mg/L", "DO", "溶解氧", 3, LimitDirection::Minimum, ""},
    {Var::OrgN, "orgn", "mg/L", "Organic N", "有机氮", 0, LimitDirection::Maximum, ""},
    {Var::NH3N, "nh3n", "mg/L", "NH3-N", "氨氮", 7, LimitDirection::Maximum, ""},
    {Var::NO3N, "no3n", "mg/L", "NO3-N", "硝酸盐氮", 0, LimitDirection::Maximum, ""},
    {Var::TN, "tn", "mg/L", "TN", "总氮", 9, LimitDirection::Maximum, "orgn + nh3n + no3n"},
    {Var::OrgP, "orgp", "mg/L", "Organic P", "有机磷", 0, LimitDirection::Maximum, ""},
    {Var::IP, "ip", "mg/L", "Inorganic P", "无机磷", 0, LimitDirection::Maximum, ""},
    {Var::TP, "tp", "mg/L", "TP", "总磷", 8, LimitDirection::Maximum, "orgp + ip"},
}};

constexpr const VariableDef& variable_def(Var v) { return kVariables[static_cast<std::size_t>(v)]; }
constexpr const VariableDef* find_variable(std::string_view key) {
    for (const auto& d : kVariables)
        if (d.key == key) return &d;
    return nullptr;
}

namespace detail {
constexpr bool rows_in_order() {
    for (std::size_t i = 0; i < kVariables.size(); ++i)
        if (static_cast<std::size_t>(kVariables[i].id) != i) return false;
    return true;
}
constexpr std::size_t count_gb3838_items() {
    std::size_t n = 0;
    for (const auto& d : kVariables) n += d.gb3838_item > 0 ? 1 : 0;
    return n;
}
}  // namespace detail
static_assert(detail::rows_in_order(), "kVariables rows must follow the order of Var");

/// The routed constituents, in the order of every PerConstituent.
inline constexpr std::array<Var, 3> kRoutedSet{Var::COD, Var::NH3N, Var::TP};
/// The water-quality kinetics' species, in the order of their state vector (reaches/kinetics.hpp: Species).
inline constexpr std::array<Var, 9> kWaterQualitySet{Var::OrgN, Var::NH3N, Var::NO3N, Var::CBODu, Var::CODMn,
                                                     Var::COD,  Var::OrgP, Var::IP,   Var::DO};
/// The items a source, headwater or lateral inflow may give beside the routed three (common/given_species.hpp).
inline constexpr std::array<Var, 8> kGivenSet{Var::DO,   Var::BOD5, Var::CODMn, Var::TN,
                                              Var::OrgN, Var::NO3N, Var::OrgP,  Var::IP};
/// Every GB 3838 item of the table, by item number: DO, CODMn, COD, BOD5, NH3-N, TP, TN.
inline constexpr auto kGb3838Set = [] {
    std::array<Var, detail::count_gb3838_items()> a{};
    std::size_t n = 0;
    for (const auto& d : kVariables)
        if (d.gb3838_item > 0) a[n++] = d.id;
    for (std::size_t i = 1; i < a.size(); ++i)  // insertion sort by item number
        for (std::size_t j = i; j > 0 && variable_def(a[j]).gb3838_item < variable_def(a[j - 1]).gb3838_item; --j) {
            const Var t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
    return a;
}();

}  // namespace qingliu
