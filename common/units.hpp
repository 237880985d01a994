// Unit conventions and conversion constants, declared here only.
//   flow in m3/s, concentration in mg/L (= g/m3), so flow x concentration is a load in g/s;
//   1 g/s = 86.4 kg/d = 31.536 t/a (a year of 365 d); lengths in m, reported in km.
#pragma once

namespace qingliu {

inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kDaysPerYear = 365.0;                      ///< loads per year (t/a, kg/a) count 365 d
inline constexpr double kGramsPerKg = 1000.0;
inline constexpr double kKgPerTonne = 1000.0;
inline constexpr double kMetresPerKm = 1000.0;
inline constexpr double kKgPerDayPerGramPerSecond = 86.4;          ///< 86400 s/d / 1000 g/kg
inline constexpr double kGramPerSecondPerKgPerDay = 1000.0 / 86400.0;
inline constexpr double kTonnePerYearPerGramPerSecond = 31.536;    ///< 86400 s/d x 365 d / 10^6 g/t

}  // namespace qingliu
