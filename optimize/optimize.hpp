// Least-cost plan (最低成本方案): the cheapest set of measures (and levels) that brings every section to its target
// class in every declared design condition (conditions.hpp) with a margin of safety, as a mixed-integer linear
// programme over the model's linear response.
//
// Response. With flows fixed, section concentrations are linear in the loads (apportion.hpp), so a measure that only
// changes loads moves section s, constituent c by a fixed amount
//     D_msc = C_sc(base with measure m alone) - C_sc(base),
// computed by applying m alone to the baseline and re-evaluating. For measures acting on different sources the
// effects add exactly. Measures that change flows (transfer, eco_flow, outfall close/connect, conditions) or act on
// the same source as another chosen measure (two cuts on one source multiply, two standards on one plant take the
// stricter) do not superpose exactly; every plan is therefore re-evaluated with its measures applied together, and
// any difference from the linear prediction is reported (and, where it breaks a target, fed back; see below).
//
// Model. Binary x_m per candidate; candidates sharing a group are levels of one choice (e.g. one plant to GB 18918
// 1A or to surface-water class IV): sum over the group <= 1.
//     minimise   sum_m cost_m x_m,   cost_m = invest_m + F annual_m,
//                F = years (undiscounted) or (1 - (1 + r)^-years) / r (present value of an annuity at rate r)
//     subject to C_ksc + sum_m D_kmsc x_m <= (1 - mos) limit_sc - a_ksc
//                for every design condition k, section s and constituent c
// where limit_sc is the GB 3838-2002 limit of the section's target class (Table 1), mos the margin of safety as a
// share of the limit (安全余量: load reserved for the uncertainty between loads and water quality, HJ 2.3-2018 as
// as summarised at billpersky.com/zinwenzhongxin/764.html; TMDL practice keeps it explicit), C_ksc and D_kmsc the
// baseline and the response of measure m in condition k, and a_ksc a correction (0 at first). After solving, the plan is re-evaluated in full in every condition; if a target the linear model said was met is missed by
// e > 0, a_sc += e and the model is solved again (at most OptimizeOptions::max_corrections times). Where measures
// interact favourably the linear sum is conservative, so the plan is finally pruned: most expensive first, a measure
// is dropped if the full model without it newly misses no target and grows no gap.
//
// Pair terms. Before solving, every pair of candidates (not levels of one choice) is applied together in every
// condition; where D_kij = C(i and j) - C(i) - C(j) + C(base) is not zero the pair's term D_kij y_ij enters the rows,
// y_ij = x_i x_j linearised exactly (y <= x_i, y <= x_j, y >= x_i + x_j - 1), so interactions of two measures (an
// outfall connected to a plant that is also upgraded, a transfer diluting what another measure cut) are modelled and
// only those of three or more are left to the correction and pruning steps.
//
// Unreachable targets. A target (s, c) is reachable if choosing, in every group, the level that lowers C_sc most
// meets it (exact under the linear response). If the full model is infeasible, a second model adds gaps g_sc >= 0,
//     C_sc + sum_m D_msc x_m - g_sc <= limit_sc - a_sc,
// first minimises sum g_sc / limit_sc (the remaining exceedance, in multiples of the limit), then, with that sum
// fixed, minimises cost: the cheapest plan that leaves the least gap. Solved with COIN-OR CBC.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "scenarios/conditions.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

struct Candidate {
    Measure measure;
    std::string group;  ///< candidates with the same non-empty group are mutually exclusive levels of one choice
};

/// Candidates from measures: each measure once (first occurrence by id); measures of the same kind acting on the same
/// selection (same sources, types, reaches, towns, action and, for transfers, the same reaches) share a group, since
/// they are alternative levels of one intervention. `conditions` measures (temperature, flow factor) are not
/// interventions and are left out (they are design conditions, conditions.hpp).
std::vector<Candidate> candidates_from(const std::vector<Measure>& measures);

/// A measure left out of the candidates or dropped from the plan, and why.
struct DroppedMeasure {
    std::string id, name;
    std::string reason, reason_zh;
};
/// As above; every measure left out is listed with the reason.
std::vector<Candidate> candidates_from(const std::vector<Measure>& measures, std::vector<DroppedMeasure>& left_out);

/// Every measure the scenarios name, each once (first occurrence by id), in order.
std::vector<Measure> scenario_measures(const std::vector<Scenario>& scenarios);

/// The candidates of a least-cost plan from a case's scenarios: every measure they name (`ids` empty or "all"), or
/// the measures named by `ids` (measure ids, or scenario ids for all of a scenario's measures); then each entry of
/// `levels` (comma-separated candidate ids) made one group of exclusive levels, overriding the automatic groups.
/// Throws InputError naming every unknown id (file `case_file`, fields --scenario-measures and --levels).
std::vector<Candidate> plan_candidates(const std::vector<Scenario>& scenarios, const std::vector<std::string>& ids,
                                       const std::vector<std::string>& levels, const std::string& case_file,
                                       std::vector<DroppedMeasure>& left_out);

struct OptimizeOptions {
    double years = 10.0;            ///< cost horizon (a)
    double discount_rate = 0.0;     ///< per year; 0: undiscounted sum of running costs
    double time_limit_s = 120.0;    ///< CBC time limit per solve
    int max_corrections = 5;        ///< re-solves after full re-evaluation finds a missed target
    double tolerance_rel = 1e-9;    ///< a target counts as met if C <= target + tolerance_rel limit
    double mos_fraction = 0.0;      ///< margin of safety: each target is limit x (1 - mos_fraction)
};

/// Cost weight of running costs: F above.
double annual_cost_factor(const OptimizeOptions& o);

struct TargetOutcome {
    double limit_mgL = 0.0;       ///< target-class limit
    double target_mgL = 0.0;      ///< limit x (1 - margin of safety): what the plan must reach
    double baseline_mgL = 0.0;
    double predicted_mgL = 0.0;   ///< linear response of the plan
    double verified_mgL = 0.0;    ///< full re-evaluation with the plan's measures applied together
    double best_mgL = 0.0;        ///< lowest value any combination reaches (linear response)
    bool reachable = true;        ///< best_mgL <= target
    double margin_mgL = 0.0;      ///< limit - verified (negative: missed)
    double gap_mgL = 0.0;         ///< max(0, verified - target)
    bool meets_with_margin() const { return gap_mgL <= 0.0; }
};

struct SectionOutcome {
    std::array<TargetOutcome, kNumConstituents> c;
    reaches::SectionClass baseline_cls, plan_cls;
};

enum class PlanStatus {
    Optimal,        ///< every target met at least cost
    GapMinimised,   ///< some targets cannot be met: least remaining gap, then least cost
    NotSolved,      ///< the solver stopped without a plan (time limit)
};
const char* plan_status_text(PlanStatus s);

/// What every least-cost plan reports (optimize() here, optimize_water_quality() in water_quality_optimize.hpp).
struct PlanOutcome {
    PlanStatus status = PlanStatus::NotSolved;
    std::vector<std::size_t> chosen;          ///< candidate indices, in candidate order
    double invest_wan = 0.0, annual_wan = 0.0;
    double cost_wan = 0.0;                    ///< objective: invest + F annual
    double total_gap_rel = 0.0;               ///< sum of verified gaps / limit
    double max_linear_error_mgL = 0.0;        ///< max |verified - predicted| over sections and constituents
    int corrections = 0;                      ///< re-solves after re-evaluation
    std::size_t interacting_pairs = 0;        ///< pairs of measures whose effects do not add (pair terms in the model)
    std::size_t pruned = 0;                   ///< measures dropped because the full model does not need them
    std::vector<DroppedMeasure> dropped;      ///< those measures, each with its reason
    bool verified_ok = true;                  ///< the re-evaluated plan meets every target the plan claims to meet
    std::size_t solves = 0;
};

struct OptimizeResult : PlanOutcome {
    std::vector<SectionOutcome> sections;     ///< in the first condition, aligned with CaseModel::sections
    /// Per condition (same order as given), the outcome at every section.
    std::vector<std::vector<SectionOutcome>> condition_sections;
    /// Per candidate and section in the first condition: D_msc (mg/L), [candidate][section][constituent].
    std::vector<std::vector<PerConstituent>> response_mgL;
};

/// `conditions`: the design conditions the plan must hold in (empty: the case as given only). Throws ModelError if
/// the baseline or a measure cannot be evaluated, or CBC reports an error.
OptimizeResult optimize(const CaseModel& base, const std::vector<Candidate>& candidates, const OptimizeOptions& opt = {},
                        const std::vector<DesignCondition>& conditions = {});

/// The case with the chosen candidates applied in candidate order (after the condition's measures, if given).
CaseModel apply_plan(const CaseModel& base, const std::vector<Candidate>& candidates, const std::vector<std::size_t>& chosen);

}  // namespace qingliu::scenarios
