#include "scenarios/verdict.hpp"

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

}  // namespace qingliu::scenarios
