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

/// Steady (design condition) and dynamic (a year of daily flows) verdicts at one section, and why they differ.
/// They agree when the steady verdict meets and every simulated day meets, or the steady verdict fails and some day
/// fails. The two runs differ in two conventions, named in the explanation:
///   flows   steady uses the design low flow all year; the dynamic year's lowest monthly mean flow at the section is
///           `lowest_month_flow_ratio` x the steady flow there;
///   diffuse steady carries the annual mean of diffuse loads (livestock, cropland, rural ...) at that low flow; the
///           dynamic run weights them by runoff (less in dry months, more in wet ones), the same annual total.
struct SteadyDynamicVerdict {
    bool steady_meets = false;
    double share_days_meeting = 0.0;      ///< dynamic: share of days meeting the target
    double lowest_month_flow_ratio = 1.0; ///< lowest monthly mean flow at the section / steady flow
    bool diffuse_loads = false;           ///< the section receives diffuse loads
};
struct VerdictExplanation {
    bool agree = true;
    std::string zh, en;  ///< one line each; empty when they agree
};
VerdictExplanation explain_steady_dynamic(const SteadyDynamicVerdict& v);

}  // namespace qingliu::scenarios
