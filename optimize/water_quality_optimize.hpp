// Least-cost plan for the GB 3838 items of the water-quality model (analyses/water_quality.hpp) that the case assesses
// (WaterQualityOptions::items, [water_quality] items; by default all: DO, CODMn, COD, BOD5, NH3-N and TP, TN in lakes):
// the cheapest set of the case's measures that brings those items at every section to the target class in every
// design condition, with a margin of safety. Items not chosen are neither constrained nor reported, so the plan never
// pays for them. The MILP and its steps are those of optimize.hpp over
// the water-quality model's response instead of the three-constituent one:
//     minimise sum_m cost_m x_m
//     subject to sign_i (V_ksi + sum_m D_kmsi x_m + sum_pairs D_kijsi y_ij) <= sign_i target_si - a_ksi
// for condition k, section s and assessed item i, sign +1 for a maximum item (target = limit (1 - mos)) and -1 for DO
// (target = limit (1 + mos)). D_kmsi is measure m alone applied to the case in condition k and evaluated with the full
// kinetics, minus the baseline; pairs whose joint effect differs from the sum enter through y_ij = x_i x_j. Where DO
// depends on DO-attenuated rates the responses are not exactly additive: the plan is re-evaluated in full in every
// condition, each target missed by e although the linear model met it gets a_ksi += e and the MILP is solved again
// (at most max_corrections times), then the plan is pruned (a measure goes if the full model meets every target
// without it). Unreachable targets: the gap model of optimize.hpp (least remaining exceedance, then least cost). The
// steps are those of optimize() (plan_search.hpp); only the targets and the model evaluated differ.
#pragma once
#include <string>
#include <vector>

#include "optimize/optimize.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::scenarios {

struct WqTargetOutcome {
    std::string key;              ///< item: "do", "codmn", ...
    bool minimum = false;         ///< DO
    double limit_mgL = 0.0, target_mgL = 0.0;
    double baseline_mgL = 0.0, predicted_mgL = 0.0, verified_mgL = 0.0;
    bool reachable = true;        ///< the best choice per group meets it (linear response)
    double gap_mgL = 0.0;         ///< how far the verified value misses the target (0: met)
};

struct WqPlanSection {
    std::vector<WqTargetOutcome> items;  ///< chosen, assessed items, in gb3838_items order
    reaches::wq::ItemsEvaluation baseline, plan;  ///< classes (worst chosen item) and exceeding items before and after
                                                  ///< (full model)
};

struct WqOptimizeResult : PlanOutcome {
    std::vector<std::vector<WqPlanSection>> condition_sections;  ///< [condition][section]
};

/// `conditions` empty: the case as given. Throws ModelError where the model cannot be evaluated or CBC fails.
WqOptimizeResult optimize_water_quality(const CaseModel& base, const std::vector<Candidate>& candidates,
                                        const WaterQualityOptions& wq, const OptimizeOptions& opt = {},
                                        const std::vector<DesignCondition>& conditions = {});

}  // namespace qingliu::scenarios
