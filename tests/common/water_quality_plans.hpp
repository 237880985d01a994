// Helpers of the water-quality analysis tests: options without QUAL2K's oxygen effects (the kinetics then linear in
// the loads), a source cut as a plan candidate, and the check that every assessed item meets its target with the
// margin of safety.
#pragma once
#include <cstdint>
#include <string>

#include "analyses/water_quality.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::test {

inline scenarios::WaterQualityOptions no_oxygen_effects() {
    scenarios::WaterQualityOptions o;
    o.steady.params.cbod_o2_effect = reaches::wq::O2Effect::None;
    o.steady.params.nitrification_o2_effect = reaches::wq::O2Effect::None;
    o.steady.params.denitrification_o2_effect = reaches::wq::O2Effect::None;
    return o;
}

/// Source `source` cut by `share` of every constituent, costing `invest` (万元).
inline scenarios::Measure cut_measure(const std::string& id, std::int32_t source, double share, double invest) {
    scenarios::Measure x;
    x.id = id;
    x.kind = scenarios::MeasureKind::SourceReduction;
    x.sources = {source};
    x.removal = uniform(share);
    x.invest_wan = invest;
    return x;
}

/// Every assessed item of every section meets its target with the margin mos (a fraction), within tol_rel of the
/// limit.
inline bool meets_all(const scenarios::WaterQualityEvaluation& e, double mos, double tol_rel) {
    for (const auto& s : e.sections)
        for (const auto& it : s.evaluation.items) {
            if (it.cls == 0) continue;
            const double L = it.target_limit_mgL;
            if (it.minimum ? it.value_mgL < L * (1.0 + mos) - tol_rel * L : it.value_mgL > L * (1.0 - mos) + tol_rel * L)
                return false;
        }
    return true;
}

}  // namespace qingliu::test
