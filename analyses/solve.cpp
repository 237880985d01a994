#include "analyses/solve.hpp"

#include <atomic>
#include <mutex>

#include <tbb/parallel_for.h>

#include "scenarios/check.hpp"

namespace qingliu::scenarios {

std::vector<SolvedScenario> solve_scenarios(const CaseModel& base, const std::vector<Scenario>& chosen, const SolveOptions& opt) {
    std::vector<SolvedScenario> out(chosen.size() + 1);
    out[0].name = "基准（现状）";
    out[0].name_en = "Baseline (current)";
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        const Scenario& sc = chosen[i];
        SolvedScenario& s = out[i + 1];
        s.id = sc.id;
        s.name = sc.name;
        s.name_en = sc.name_en;
        for (const auto& me : sc.measures) s.measures.push_back(me.name.empty() ? me.id : me.name);
        for (const auto& me : sc.measures) s.measures_en.push_back(me.name_en != me.name ? me.name_en : std::string());
        s.invest_wan = sc.invest_wan();
        s.annual_wan = sc.annual_wan();
    }
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    tbb::parallel_for(std::size_t(0), out.size(), [&](std::size_t i) {
        SolvedScenario& s = out[i];
        s.model = i == 0 ? base : apply_scenario(base, chosen[i - 1]);
        EvaluateOptions eo;
        eo.profile_step_m = opt.profile_step_m;
        s.evaluation = evaluate_named(s.model, s.id, eo);  // a model error names its scenario
        const double work = static_cast<double>(s.model.sources.size()) *
                            static_cast<double>(s.model.net.size() + s.model.sections.size());
        if (opt.apportion && work <= opt.max_apportion_work) s.apportionment = apportion(s.model);
        const std::size_t n = ++done;
        if (opt.progress) {
            std::lock_guard<std::mutex> lock(progress_mutex);
            opt.progress(static_cast<double>(n) / static_cast<double>(out.size()));
        }
    });
    return out;
}

}  // namespace qingliu::scenarios
