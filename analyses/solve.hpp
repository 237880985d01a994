// The baseline and a list of scenarios, each applied and solved once: the steady evaluation (with its longitudinal
// profile) and, where the case is small enough, the source apportionment. Commands and the run store take their
// tables from these results instead of solving again.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analyses/apportion.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

struct SolveOptions {
    double profile_step_m = 0.0;       ///< spacing of the longitudinal profile; 0: no profile
    bool apportion = true;             ///< also apportion each section's concentration to the sources
    double max_apportion_work = 4e8;   ///< sources x (reaches + sections) above which apportionment is skipped
    std::function<void(double)> progress;  ///< share of scenarios solved, from one thread at a time
};

struct SolvedScenario {
    std::string id = "baseline", name, name_en;
    std::vector<std::string> measures;  ///< measure names (ids where unnamed)
    std::vector<std::string> measures_en;  ///< aligned with measures: English names (empty where the case has none)
    double invest_wan = 0.0, annual_wan = 0.0;
    CaseModel model;                    ///< the case with the scenario's measures applied
    Evaluation evaluation;
    std::optional<Apportionment> apportionment;  ///< empty when not asked for or the case is too large
};

/// The baseline ("baseline", 基准（现状）) first, then `chosen` in order, solved in parallel (each on its own copy of the
/// case). Throws ModelError as evaluate() does, naming the scenario.
std::vector<SolvedScenario> solve_scenarios(const CaseModel& base, const std::vector<Scenario>& chosen,
                                            const SolveOptions& opt = {});

}  // namespace qingliu::scenarios
