// The state variables routed by the model: kStateVariables below, the routed set of the variable table
// (common/variables.hpp: kRoutedSet), which gives each its key, unit, labels, GB 3838 item and direction; this table
// adds what only routing needs. Everything else takes them from
// here: column names of every table read or written (cod_mgL, headwater_cod_mgL, cod_t_a, cod_class ...), the
// case-file keys of their kinetics and backgrounds ([kinetics] cod = {...}, background.headwater.cod_mgL), labels in
// outputs and reports, and their GB 3838-2002 items for classes. A new state variable is a new row here plus its
// kinetics in the solvers; values per variable are PerConstituent, indexed by the row.
// Units: see common/units.hpp.
#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"
#include "common/variables.hpp"

namespace qingliu {

/// Defaults and descriptions of a state variable's first-order kinetics, k_T = k20 * theta^(T - 20) (1/d);
/// they become the rows kinetics.<key>.k20_per_d and kinetics.<key>.theta of the parameter table.
struct KineticsDefaults {
    double k20_per_d, k20_max_per_d;
    std::string_view k20_en, k20_zh, k20_source;
    double theta;
    std::string_view theta_en, theta_zh, theta_source;
};

struct StateVariable {
    std::string_view key;       ///< machine key: columns <key>_mgL, <key>_t_a ...; case-file keys [kinetics] <key>
    std::string_view unit;      ///< of concentrations
    std::string_view label_en;  ///< short label in tables: "COD"
    std::string_view label_zh;  ///< 化学需氧量
    int gb3838_item;            ///< item (序号) in GB 3838-2002 table 1; its limits are the class table's rows <key>
    LimitDirection direction;
    double background_max_mgL;  ///< largest headwater or lateral background accepted
    int conc_digits;            ///< decimals shown for concentrations (mg/L) in text tables
    /// Names of the variable in bureaus' Chinese headers, '|'-separated: 化学需氧量 → cod_mgL, 源头化学需氧量 →
    /// headwater_cod_mgL, 化学需氧量许可排放量 → cod_t_a (io/columns.cpp); other_aliases are accepted for <key>_mgL only.
    std::string_view header_names;
    std::string_view other_aliases;
    int load_digits;            ///< decimals shown for load totals (t/a) in text tables
    KineticsDefaults kinetics;
};

/// What routing adds to a variable of the table (the other fields of StateVariable).
struct RoutedDefaults {
    double background_max_mgL;
    int conc_digits;
    std::string_view header_names, other_aliases;
    int load_digits;
    KineticsDefaults kinetics;
};
constexpr StateVariable routed_variable(Var v, const RoutedDefaults& r) {
    const VariableDef& d = variable_def(v);
    return {d.key,           d.unit,          d.label_en,      d.label_zh,      d.gb3838_item, d.direction,
            r.background_max_mgL, r.conc_digits, r.header_names, r.other_aliases, r.load_digits, r.kinetics};
}

/// The state variables, in the order of every PerConstituent and of every output's columns: kRoutedSet.
inline constexpr std::array<StateVariable, 3> kStateVariables{{
    routed_variable(kRoutedSet[0],
                    {1000.0, 2, "cod|化学需氧量", "codcr", 1,
                     {0.20, 10.0, "COD first-order decay rate at 20 degC", "化学需氧量综合降解系数（20℃）",
                      "typical river value; calibrate to the case (Chapra 1997, Surface Water-Quality Modeling, ch. 19)",
                      1.047, "Temperature coefficient of COD decay", "化学需氧量降解温度系数",
                      "QUAL2K documentation (Chapra, Pelletier & Tao), CBOD oxidation theta = 1.047"}}),
    routed_variable(kRoutedSet[1],
                    {100.0, 3, "氨氮", "nh3-n|nh3n", 2,
                     {0.15, 10.0, "NH3-N first-order loss (nitrification) at 20 degC", "氨氮综合降解系数（20℃）",
                      "typical river value; calibrate to the case (Chapra 1997, ch. 23)", 1.07,
                      "Temperature coefficient of nitrification", "氨氮降解温度系数",
                      "QUAL2K documentation, nitrification theta = 1.07"}}),
    routed_variable(kRoutedSet[2],
                    {50.0, 3, "总磷", "tp", 3,
                     {0.05, 10.0, "TP apparent first-order loss (net settling) at 20 degC", "总磷综合降解（沉降）系数（20℃）",
                      "typical river value; calibrate to the case", 1.024, "Temperature coefficient of TP loss",
                      "总磷降解温度系数", "Arrhenius coefficient commonly used for settling processes (Chapra 1997, ch. 2)"}}),
}};

inline constexpr int kNumConstituents = static_cast<int>(kStateVariables.size());

/// Index of a state variable (its row in kStateVariables).
enum class Constituent : int {};
constexpr int idx(Constituent c) { return static_cast<int>(c); }

inline constexpr std::array<Constituent, kNumConstituents> kConstituents = [] {
    std::array<Constituent, kNumConstituents> a{};
    for (int i = 0; i < kNumConstituents; ++i) a[i] = static_cast<Constituent>(i);
    return a;
}();

/// Values per state variable (concentrations in mg/L, loads in g/s, rates in 1/d, ...); {} is all zeros.
template <class T>
using PerConstituentOf = std::array<T, kNumConstituents>;
using PerConstituent = PerConstituentOf<double>;

/// Every entry v: uniform(1.0), uniform(true).
template <class T>
constexpr PerConstituentOf<T> uniform(T v) {
    PerConstituentOf<T> a{};
    for (auto& x : a) x = v;
    return a;
}
constexpr bool any_nonzero(const PerConstituent& v) {
    for (double x : v)
        if (x != 0.0) return true;
    return false;
}
constexpr bool any_positive(const PerConstituent& v) {
    for (double x : v)
        if (x > 0.0) return true;
    return false;
}

constexpr const StateVariable& variable(Constituent c) { return kStateVariables[static_cast<std::size_t>(idx(c))]; }
constexpr const StateVariable& variable(int c) { return kStateVariables[static_cast<std::size_t>(c)]; }
constexpr std::string_view key(Constituent c) { return variable(c).key; }
constexpr std::string_view label_en(Constituent c) { return variable(c).label_en; }
constexpr std::string_view label_zh(Constituent c) { return variable(c).label_zh; }
inline std::optional<Constituent> constituent_from_key(std::string_view k) {
    for (auto c : kConstituents)
        if (key(c) == k) return c;
    return std::nullopt;
}

/// Column name of a state variable: prefix + key + suffix ("headwater_" "cod" "_mgL").
inline std::string column(Constituent c, std::string_view suffix, std::string_view prefix = {}) {
    return std::string(prefix) + std::string(key(c)) + std::string(suffix);
}
/// The columns of every state variable, in table order: {"cod_mgL", "nh3n_mgL", "tp_mgL"}.
inline std::vector<std::string> column_names(std::string_view suffix, std::string_view prefix = {}) {
    std::vector<std::string> v;
    for (auto c : kConstituents) v.push_back(column(c, suffix, prefix));
    return v;
}
/// The columns of every state variable, comma-separated in table order: "cod_mgL,nh3n_mgL,tp_mgL".
inline std::string columns(std::string_view suffix, std::string_view prefix = {}, std::string_view sep = ",") {
    std::string s;
    for (auto c : kConstituents) s += (s.empty() ? "" : std::string(sep)) + column(c, suffix, prefix);
    return s;
}
/// The columns in prose for messages: "cod_mgL, nh3n_mgL and tp_mgL".
inline std::string columns_listed(std::string_view suffix, std::string_view prefix = {}, std::string_view last = " and ") {
    std::string s;
    for (int c = 0; c < kNumConstituents; ++c)
        s += (c == 0 ? "" : c + 1 == kNumConstituents ? std::string(last) : ", ") + column(kConstituents[c], suffix, prefix);
    return s;
}
/// f(c) (a string) for every state variable, joined by sep in table order: join_each([&](int c) { return num(v[c]); }).
template <class F>
std::string join_each(F&& f, std::string_view sep = ",") {
    std::string s;
    for (int c = 0; c < kNumConstituents; ++c) {
        if (c) s += sep;
        s += f(c);
    }
    return s;
}
/// The English labels joined by sep: "COD, NH3-N, TP" (for messages and headings).
inline std::string labels_en(std::string_view sep = ", ") {
    std::string s;
    for (auto c : kConstituents) s += (s.empty() ? "" : std::string(sep)) + std::string(label_en(c));
    return s;
}

}  // namespace qingliu
