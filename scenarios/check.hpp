// Whether a case and every scenario of it can be evaluated: what `qingliu check` reports and `run` would reject.
#pragma once
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

/// evaluate(m) of the case with a scenario's measures applied; a ModelError (a dry reach receiving load, a cycle made
/// by a transfer …) is thrown again with the scenario named: "scenario dry_zero: reach MX1 carries no water …".
Evaluation evaluate_named(const CaseModel& m, const std::string& scenario, const EvaluateOptions& opt = {});

/// One line per model error of the baseline and of each scenario, each naming its scenario; empty when all evaluate.
std::vector<std::string> unevaluable_scenarios(const CaseModel& base, const std::vector<Scenario>& scenarios);

}  // namespace qingliu::scenarios
