#include "analyses/verdict.hpp"

#include <algorithm>
#include <cstdio>

namespace qingliu::scenarios {

std::vector<std::pair<int, double>> exceeding_parameters(const std::array<double, kNumConstituents>& exceedance) {
    std::vector<std::pair<int, double>> out;
    for (int c = 0; c < kNumConstituents; ++c)
        if (exceedance[c] > 0.0) out.emplace_back(c, exceedance[c]);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return out;
}

std::string exceeding_text(const std::array<double, kNumConstituents>& exceedance) {
    std::string s;
    for (const auto& [c, x] : exceeding_parameters(exceedance)) {
        char b[32];
        std::snprintf(b, sizeof b, " %.2f", x);
        s += (s.empty() ? "" : ", ") + std::string(label_en(kConstituents[c])) + b;
    }
    return s;
}

VerdictExplanation explain_steady_dynamic(const SteadyDynamicVerdict& v) {
    VerdictExplanation e;
    const bool all_days = v.share_days_meeting >= 1.0;
    e.agree = v.steady_meets == all_days;
    if (e.agree) return e;
    char r[32];
    std::snprintf(r, sizeof r, "%.2f", v.lowest_month_flow_ratio);
    const std::string ratio = r;
    // within half the printed precision of 1 the year is at the design flow (a section below the gauge does not land
    // exactly on it when the gauge's driest month is scaled to the design flow), so no reason contradicts its "1.00"
    constexpr double kAtDesign = 0.005;
    const bool above = v.lowest_month_flow_ratio >= 1.0 + kAtDesign, below = v.lowest_month_flow_ratio <= 1.0 - kAtDesign;
    if (!v.steady_meets) {
        // the steady design condition fails, every dynamic day meets
        if (above) {
            e.en = "the year's flows never fall to the design flow here (lowest monthly mean = " + ratio +
                   " x design flow); steady judges the design low flow";
            e.zh = "该年流量未降至设计流量（最枯月均流量为设计流量的" + ratio + "倍），稳态按设计枯水流量评价";
        } else {
            e.en = "the year reaches the design flow, but";
            e.zh = "该年流量达到设计流量，但";
        }
        if (v.diffuse_loads) {
            e.en += std::string(above ? "; " : " ") +
                    "diffuse loads follow runoff in the dynamic run (less in dry months) and are annual means in steady";
            e.zh += std::string(above ? "；" : "") + "面源负荷在动态模拟中随径流变化（枯水月较少），稳态取年均值";
        } else if (!above) {
            e.en += " the dynamic cells mix and decay differently from plug flow";
            e.zh += "动态模型的完全混合单元与稳态推流的降解不同";
        }
    } else {
        // the steady design condition meets, some dynamic days fail
        if (below) {
            e.en = "the year's flows fall below the design flow here (lowest monthly mean = " + ratio + " x design flow)";
            e.zh = "该年流量低于设计流量（最枯月均流量为设计流量的" + ratio + "倍）";
        } else if (v.diffuse_loads) {
            e.en = "runoff-weighted diffuse loads in wet months exceed the annual mean that steady carries";
            e.zh = "丰水月随径流增加的面源负荷超过稳态采用的年均值";
        } else {
            e.en = "days with loads or flows outside the design condition";
            e.zh = "部分日期的负荷或流量超出设计条件";
        }
    }
    return e;
}

}  // namespace qingliu::scenarios
