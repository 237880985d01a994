#include "io/case_selection.hpp"

namespace qingliu::io {

namespace {

[[noreturn]] void unknown_scenario(const LoadedCase& lc, const std::string& id, const std::string& field) {
    std::string known = "baseline";
    for (const auto& s : lc.scenarios) known += ", " + s.id;
    throw InputError("unknown scenario", {{lc.case_file, "", field, id, "no such scenario (known: " + known + ")"}});
}

const char* const kConditionHint = "no such design condition (design or a `conditions` measure id)";

}  // namespace

std::vector<scenarios::Scenario> chosen_scenarios(const LoadedCase& lc, const std::vector<std::string>& ids, const std::string& field) {
    if (ids.empty()) return lc.scenarios;
    std::vector<scenarios::Scenario> out;
    for (const auto& id : ids) {
        if (id == "baseline") continue;
        bool found = false;
        for (const auto& s : lc.scenarios)
            if (s.id == id) {
                out.push_back(s);
                found = true;
            }
        if (!found) unknown_scenario(lc, id, field);
    }
    return out;
}

scenarios::DesignCondition chosen_condition(const LoadedCase& lc, const std::string& id, const std::string& field) {
    std::vector<std::string> unknown;
    const auto cs = scenarios::select_conditions(scenarios::design_conditions(lc.scenarios), {id}, unknown);
    if (cs.empty()) throw InputError("unknown design condition", {{lc.case_file, "", field, id, kConditionHint}});
    return cs.front();
}

std::vector<scenarios::DesignCondition> chosen_conditions(const LoadedCase& lc, const std::vector<std::string>& ids,
                                                          const std::string& field) {
    std::vector<std::string> unknown;
    auto conds = scenarios::select_conditions(scenarios::design_conditions(lc.scenarios), ids, unknown);
    if (!unknown.empty() || conds.empty()) {
        Problems probs;
        for (const auto& id : unknown) probs.add(lc.case_file, "", field, id, kConditionHint);
        if (unknown.empty()) probs.add(lc.case_file, "", field, "", "no design condition selected");
        probs.throw_if_any("design conditions");
    }
    return conds;
}

scenarios::CaseModel model_in(const LoadedCase& lc, const std::string& scenario, const std::string& condition,
                              scenarios::DesignCondition& used) {
    used = chosen_condition(lc, condition, "--condition");
    const std::vector<scenarios::Scenario> s = chosen_scenarios(lc, {scenario.empty() ? "baseline" : scenario}, "scenario");
    return scenarios::in_condition(s.empty() ? lc.model : scenarios::apply_scenario(lc.model, s.front()), used);
}

}  // namespace qingliu::io
