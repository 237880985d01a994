#include "scenarios/check.hpp"

#include "common/error.hpp"

namespace qingliu::scenarios {

Evaluation evaluate_named(const CaseModel& m, const std::string& scenario, const EvaluateOptions& opt) {
    try {
        return evaluate(m, opt);
    } catch (const ModelError& e) {
        throw ModelError("scenario " + scenario + ": " + e.what());
    }
}

std::vector<std::string> unevaluable_scenarios(const CaseModel& base, const std::vector<Scenario>& scenarios) {
    std::vector<std::string> out;
    try {
        (void)evaluate_named(base, "baseline");
    } catch (const ModelError& e) {
        out.push_back(e.what());
    }
    for (const auto& s : scenarios) try {
            (void)evaluate_named(apply_scenario(base, s), s.id);
        } catch (const ModelError& e) {
            out.push_back(e.what());
        }
    return out;
}

}  // namespace qingliu::scenarios
