// The search both least-cost plans share (optimize.hpp over COD, NH3-N and TP; water_quality_optimize.hpp over every
// GB 3838 item): the response of every target to each candidate alone and to each interacting pair, the MILP over
// that linear response (milp.hpp), re-solved with corrections while the full model misses a target the linear model
// met, and the pruning of measures the full model does not need. The steps and their tolerances are those described
// in optimize.hpp; this is the one place they are written.
//
// Targets are signed so that every one is an upper bound, value <= goal: a maximum item enters as C <= limit (1 - mos),
// a minimum item (DO) as -C <= -limit (1 + mos). Values, responses, predictions and gaps below are signed alike.
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "optimize/optimize.hpp"

namespace qingliu::scenarios::plan_search {

struct Target {
    std::size_t section = 0;  ///< where it is (row label)
    int item = 0;             ///< constituent or item index (row label)
    double limit = 0.0;       ///< the target-class limit (mg/L); rows are scaled by 1/limit, none where limit <= 0
    double goal = 0.0;        ///< signed target the plan must reach
};

/// The signed value of every target in a case (called in parallel: must not share mutable state).
using Values = std::function<std::vector<double>(const CaseModel&)>;

/// One target in one condition, signed.
struct Fit {
    double best = 0.0;       ///< lowest value any combination reaches (the best level of every group, linear response)
    bool reachable = true;   ///< best <= goal (within the tolerance)
    double predicted = 0.0;  ///< linear response of the plan
    double verified = 0.0;   ///< full evaluation of the plan with its measures applied together
    double gap = 0.0;        ///< max(0, verified - goal) beyond the tolerance
};

struct Search {
    PlanOutcome plan;
    bool solved = false;                                      ///< false: the solver stopped without a plan
    bool evaluated = false;                                   ///< a plan was evaluated in full (predicted, verified, gap)
    std::vector<std::vector<Fit>> fit;                        ///< [condition][target]
    std::vector<std::vector<std::vector<double>>> response;   ///< [condition][candidate][target]: candidate alone - baseline
};

/// The case in each design condition, in the order given; no conditions: the case as given.
std::vector<CaseModel> condition_cases(const CaseModel& base, const std::vector<DesignCondition>& conditions);

/// The least-cost plan. `bases`: the case in each design condition; `baseline`: the signed values of the targets in
/// each of them; `what` names the plan in errors. Where the solver stops without a plan, `plan.status` is left as the
/// last solve set it and the costs are not summed (the caller decides what that means). Throws ModelError when the
/// gap model is infeasible (a solver error).
Search search(const std::vector<CaseModel>& bases, const std::vector<std::vector<double>>& baseline, const std::vector<Target>& targets,
              const std::vector<Candidate>& candidates, const OptimizeOptions& opt, const Values& values, const char* what);

}  // namespace qingliu::scenarios::plan_search
