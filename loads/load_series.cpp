#include "loads/load_series.hpp"

#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace qingliu::loads {

bool is_diffuse(const Source& s) {
    return s.diffuse || s.type == "livestock" || s.type == "cropland" || s.type == "rural_domestic";
}

std::vector<double> runoff_weights(const std::vector<double>& runoff, double b) {
    std::vector<double> w(runoff.size(), 1.0);
    double sum = 0.0;
    for (std::size_t d = 0; d < runoff.size(); ++d) {
        if (!(runoff[d] >= 0.0) || !std::isfinite(runoff[d])) throw std::invalid_argument("runoff must be finite and >= 0");
        w[d] = runoff[d] > 0.0 ? std::pow(runoff[d], b) : 0.0;
        sum += w[d];
    }
    if (!(sum > 0.0)) return std::vector<double>(runoff.size(), 1.0);
    const double mean = sum / static_cast<double>(runoff.size());
    for (auto& x : w) x /= mean;
    return w;
}

LoadPatterns make_load_patterns(const std::vector<Source>& sources, const std::vector<LoadFactorSeries>& series,
                                const std::vector<const std::vector<double>*>& runoff_of_reach, double exponent) {
    LoadPatterns out;
    out.source_pattern.assign(sources.size(), kNone);
    std::unordered_map<std::string, std::int32_t> by_id, by_type;
    auto add = [&](std::vector<double> p) {
        out.patterns.push_back(std::move(p));
        return static_cast<std::int32_t>(out.patterns.size() - 1);
    };
    for (const auto& s : series) (s.by_type ? by_type : by_id).emplace(s.key, add(s.factor));
    std::map<const std::vector<double>*, std::int32_t> washoff;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const Source& s = sources[i];
        if (auto it = by_id.find(s.id); it != by_id.end()) {
            out.source_pattern[i] = it->second;
        } else if (auto jt = by_type.find(s.type); jt != by_type.end()) {
            out.source_pattern[i] = jt->second;
        } else if (is_diffuse(s) && s.reach >= 0 && static_cast<std::size_t>(s.reach) < runoff_of_reach.size() &&
                   runoff_of_reach[s.reach]) {
            const std::vector<double>* q = runoff_of_reach[s.reach];
            auto [kt, fresh] = washoff.emplace(q, kNone);
            if (fresh) kt->second = add(runoff_weights(*q, exponent));
            out.source_pattern[i] = kt->second;
        }
    }
    return out;
}

}  // namespace qingliu::loads
