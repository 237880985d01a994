// Constituents routed by the model and unit conventions.
//   flow in m3/s, concentration in mg/L (= g/m3), so flow x concentration is a load in g/s;
//   1 g/s = 86.4 kg/d = 31.536 t/a.
#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace qingliu {

enum class Constituent : int { COD = 0, NH3N = 1, TP = 2 };
inline constexpr int kNumConstituents = 3;
inline constexpr std::array<Constituent, kNumConstituents> kConstituents{Constituent::COD, Constituent::NH3N,
                                                                         Constituent::TP};

/// Values per constituent (concentrations in mg/L, loads in g/s, rates in 1/d, ...).
using PerConstituent = std::array<double, kNumConstituents>;

inline constexpr double kKgPerDayPerGramPerSecond = 86.4;
inline constexpr double kTonnePerYearPerGramPerSecond = 31.536;  // 365 d
inline constexpr double kSecondsPerDay = 86400.0;

/// Machine key: "cod", "nh3n", "tp" (used in column names: cod_mgL ...).
constexpr std::string_view key(Constituent c) {
    switch (c) {
        case Constituent::COD: return "cod";
        case Constituent::NH3N: return "nh3n";
        case Constituent::TP: return "tp";
    }
    return "?";
}
constexpr std::string_view label_en(Constituent c) {
    switch (c) {
        case Constituent::COD: return "COD";
        case Constituent::NH3N: return "NH3-N";
        case Constituent::TP: return "TP";
    }
    return "?";
}
constexpr std::string_view label_zh(Constituent c) {
    switch (c) {
        case Constituent::COD: return "化学需氧量";
        case Constituent::NH3N: return "氨氮";
        case Constituent::TP: return "总磷";
    }
    return "?";
}
inline std::optional<Constituent> constituent_from_key(std::string_view k) {
    for (auto c : kConstituents)
        if (key(c) == k) return c;
    return std::nullopt;
}
constexpr int idx(Constituent c) { return static_cast<int>(c); }

}  // namespace qingliu
