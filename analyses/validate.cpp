#include "analyses/validate.hpp"

#include <cmath>
#include <cstdlib>

#include "common/error.hpp"

namespace qingliu::scenarios {

Validation compare_status(const CaseModel& m, const Evaluation& ev, const std::vector<ObservedStatus>& obs) {
    Validation v;
    std::array<double, kNumConstituents> log_sum{};
    for (std::size_t i = 0; i < obs.size(); ++i) {
        const ObservedStatus& o = obs[i];
        if (o.section < 0 || static_cast<std::size_t>(o.section) >= m.sections.size() ||
            static_cast<std::size_t>(o.section) >= ev.sections.size())
            throw ModelError(o.file + " " + o.record + ": observation refers to no section of the case");
        const SectionResult& sr = ev.sections[o.section];
        ValidationRow r;
        r.observation = i;
        r.section = o.section;
        r.observed_class = o.observed_class;
        r.modelled_class = sr.cls.overall;
        r.modelled_worst = sr.cls.worst;
        r.modelled_mgL = sr.conc_mgL;
        ++v.summary.rows;
        if (o.observed_class > 0) {
            r.difference = r.modelled_class - o.observed_class;
            ++v.summary.compared;
            if (r.difference == 0) ++v.summary.agree;
            if (std::abs(r.difference) <= 1) ++v.summary.within_one;
            if (r.difference > 0) ++v.summary.model_worse;
            if (r.difference < 0) ++v.summary.model_better;
        }
        for (auto c : kConstituents) {
            const int k = idx(c);
            if (!o.has[k] || !(o.conc_mgL[k] > 0.0) || !(sr.conc_mgL[k] > 0.0)) continue;
            ++v.summary.conc_n[k];
            log_sum[k] += std::log(sr.conc_mgL[k] / o.conc_mgL[k]);
        }
        v.rows.push_back(r);
    }
    for (int k = 0; k < kNumConstituents; ++k)
        v.summary.conc_ratio_geomean[k] = v.summary.conc_n[k] > 0 ? std::exp(log_sum[k] / v.summary.conc_n[k]) : 0.0;
    return v;
}

Validation validate(const CaseModel& m, const std::vector<ObservedStatus>& obs) {
    return compare_status(m, evaluate(m), obs);
}

}  // namespace qingliu::scenarios
