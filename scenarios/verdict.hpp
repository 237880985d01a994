// Every exceeding parameter (超标因子) of a section with its exceedance multiple (超标倍数 = C / limit - 1, the form of
// 环办〔2011〕22号; practitioner restatement: 超标倍数 = (C_i − C_si)/C_si), worst first, so that a
// table never names only the parameter that sets the class.
#pragma once
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "reaches/classes.hpp"

namespace qingliu::scenarios {

/// (constituent index, exceedance multiple) of every parameter above the target-class limit, largest multiple first.
std::vector<std::pair<int, double>> exceeding_parameters(const std::array<double, kNumConstituents>& exceedance);

/// "TP 0.35, NH3-N 0.12" (multiples with two decimals), "" when nothing exceeds.
std::string exceeding_text(const std::array<double, kNumConstituents>& exceedance);

}  // namespace qingliu::scenarios
