// What a command names of a case: its scenarios and design conditions by id, checked against the case, with errors
// that name the case file, the option and the ids the case knows.
#pragma once
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::io {

/// The case's scenarios named by `ids`, in the order named ("baseline" is skipped: it always runs; no ids: every
/// scenario of the case). Throws InputError at the first unknown id, naming `field` and the known ids.
std::vector<scenarios::Scenario> chosen_scenarios(const LoadedCase& lc, const std::vector<std::string>& ids, const std::string& field);

/// The design condition `id` ("design" or a `conditions` measure id). Throws InputError naming `field` when unknown.
scenarios::DesignCondition chosen_condition(const LoadedCase& lc, const std::string& id, const std::string& field);

/// The design conditions named by `ids` ("all": every one). Throws InputError naming every unknown id, or saying that
/// none is selected.
std::vector<scenarios::DesignCondition> chosen_conditions(const LoadedCase& lc, const std::vector<std::string>& ids,
                                                          const std::string& field);

/// The case under a named scenario ("baseline" or empty: as given) in the design condition `condition`; `used` is
/// set to that condition. Throws InputError naming an unknown scenario or condition.
scenarios::CaseModel model_in(const LoadedCase& lc, const std::string& scenario, const std::string& condition,
                              scenarios::DesignCondition& used);

}  // namespace qingliu::io
