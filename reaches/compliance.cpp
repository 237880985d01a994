// Compliance of the dynamic model's section series with their targets (see SectionCompliance in reaches/dynamic.hpp).
#include <algorithm>

#include "common/error.hpp"
#include "reaches/dynamic.hpp"

namespace qingliu::reaches {

std::vector<SectionCompliance> section_compliance(const DynamicResult& res, const std::vector<Section>& sections,
                                                  const ClassTable& table, const std::vector<int>& month_of_step) {
    if (month_of_step.size() != res.steps) throw ModelError("months do not match the intervals of the run");
    if (sections.size() != res.nobs) throw ModelError("sections do not match the observations of the run");
    std::vector<SectionCompliance> out(sections.size());
    for (std::size_t o = 0; o < sections.size(); ++o) {
        SectionCompliance& sc = out[o];
        const Section& sec = sections[o];
        for (std::size_t s = 0; s < res.steps; ++s) {
            const PerConstituent c = res.conc(s, o);
            const int m = month_of_step[s] - 1;
            for (int k = 0; k < kNumConstituents; ++k) {
                sc.monthly_mean_mgL[m][k] += c[k];
                sc.annual_mean_mgL[k] += c[k];
            }
            ++sc.monthly_days[m];
            ++sc.days;
            if (evaluate_section(table, c, sec.water_body, sec.target_class).meets) ++sc.days_meeting;
        }
        for (int k = 0; k < kNumConstituents; ++k) sc.annual_mean_mgL[k] /= std::max(sc.days, 1);
        const SectionClass annual = evaluate_section(table, sc.annual_mean_mgL, sec.water_body, sec.target_class);
        sc.annual_class = annual.overall;
        sc.annual_meets = annual.meets;
        for (int m = 0; m < 12; ++m) {
            if (!sc.monthly_days[m]) continue;
            for (int k = 0; k < kNumConstituents; ++k) sc.monthly_mean_mgL[m][k] /= sc.monthly_days[m];
            const SectionClass mc = evaluate_section(table, sc.monthly_mean_mgL[m], sec.water_body, sec.target_class);
            sc.monthly_class[m] = mc.overall;
            ++sc.months;
            if (mc.meets) ++sc.months_meeting;
        }
    }
    return out;
}

}  // namespace qingliu::reaches
