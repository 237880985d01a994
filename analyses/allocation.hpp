// Load allocation (总量分配): the load allowed at a controlling section, shared among allocation units (towns or
// source types), keeping the section's margin of safety. Methods named in Chinese practice (see
// 王杰 et al., zgkjsz.com/page/2014/1112/13462562.shtml, lists 超量等比例
// 削减法, 费用最小化法, 基尼系数法; 王笑楠 et al., jizihe.com/page/2021/0520/14441266.shtml, 等比例分配 and 按贡献率削减分配;
// 张浩 et al. and 松花江 studies use the Gini coefficient over population, GDP, area).
//
// Setting (apportion.hpp). At section s and constituent c, unit i has current load L_i (sources of the unit whose
// load reaches s) and contribution a_i (mg/L), so its transfer is T_i = a_i / L_i. The units together must lower the
// concentration by dC = C_s - target_s (target = limit x (1 - mos)), or by all they contribute where background and
// boundary inflow leave less than that. Every method returns a cut x_i with 0 <= x_i <= L_i and sum T_i x_i = dC, so
// the section lands exactly on its target (its margin kept):
//   equal_ratio   x_i = sigma L_i, sigma = dC / sum a_i (超量等比例削减; the apportion answer).
//   contribution  x_i proportional to the unit's contribution a_i (按贡献率削减): x_i = lambda a_i, lambda = dC /
//                 sum T_i a_i; a unit that would cut more than it has cuts all, the rest is shared again the same way.
//   least_cost    minimise sum p_i x_i (p_i unit cost, yuan/kg; equal costs: the least total load removed) subject to
//                 sum T_i x_i = dC: a linear programme with one constraint, solved exactly by cutting units in
//                 increasing order of p_i / T_i (cost per mg/L of improvement).
//   gini          allowed loads W_i = L_i - x_i proportional to a composite indicator share w_i (mean over the chosen
//                 indicators of x_ik / sum_i x_ik: population, area, output), capped at L_i with the excess shared
//                 again among the others, and the total W chosen (bisection) so that the section lands on its
//                 target. The Gini coefficient of an allocation against indicator k is read from its Lorenz curve:
//                 units sorted by W_i / x_ik, X and Y the cumulative shares of indicator and load,
//                 G = 1 - sum_i (X_i - X_{i-1}) (Y_i + Y_{i-1}) (G = A / (A + B), 0 = equal load per unit of indicator).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "analyses/apportion.hpp"

namespace qingliu::scenarios {

enum class AllocationMethod { EqualRatio, Contribution, LeastCost, Gini };
const char* allocation_method_key(AllocationMethod m);
const char* allocation_method_zh(AllocationMethod m);
std::vector<AllocationMethod> allocation_methods();

struct AllocationUnit {
    std::string id;                ///< town name or source type
    double load_gs = 0.0;          ///< L_i
    double contribution_mgL = 0.0; ///< a_i
    double unit_cost = 1.0;        ///< p_i (yuan/kg); 1 when not known
    std::vector<double> indicators;  ///< x_ik, aligned with AllocationProblem::indicator_names
};

struct AllocationProblem {
    std::vector<AllocationUnit> units;
    double required_reduction_mgL = 0.0;  ///< dC
    std::vector<std::string> indicator_names;
};

struct UnitAllocation {
    std::string id;
    double current_gs = 0.0, allowed_gs = 0.0, cut_gs = 0.0;
    double cut_share = 0.0;  ///< cut / current
};

struct AllocationResult {
    AllocationMethod method = AllocationMethod::EqualRatio;
    std::vector<UnitAllocation> units;
    double reduction_mgL = 0.0;        ///< sum T_i x_i achieved (= required when feasible)
    bool feasible = true;              ///< false: cutting every unit entirely is not enough
    std::vector<double> gini_current;  ///< per indicator: Gini of the current loads
    std::vector<double> gini;          ///< per indicator: Gini of the allowed loads
};

AllocationResult allocate(const AllocationProblem& p, AllocationMethod method);

/// G = 1 - sum (X_i - X_{i-1})(Y_i + Y_{i-1}) over units sorted by load / indicator (see above). Units with a zero
/// indicator are sorted last. Returns 0 when every load or every indicator is 0.
double gini_coefficient(const std::vector<double>& load, const std::vector<double>& indicator);

/// Grouping of sources into units.
enum class AllocationBy { Town, SourceType };

/// Indicators per unit id (e.g. from the case's inventory: population, cropland area).
struct UnitIndicators {
    std::vector<std::string> names;
    std::map<std::string, std::vector<double>> by_unit;
    std::map<std::string, double> unit_cost;  ///< yuan/kg, optional
};

/// Indicators of towns from the case's inventory: population (villages + plant service areas) and cropland area
/// (km2, 1 mu = 666.67 m2). Source types get none.
UnitIndicators inventory_indicators(const CaseModel& m);

/// The allocation problem at section s, constituent c, from an apportionment of m: units are the towns (sources
/// without a town form "(none)") or the source types of the sources whose load reaches s.
AllocationProblem allocation_problem(const CaseModel& m, const Apportionment& a, std::size_t section, int c, AllocationBy by,
                                     const UnitIndicators& ind);

/// Every controlling section and constituent (those given by id, or every one the sources must cut for), allocated
/// by every method, with the case's inventory indicators.
struct AllocationEntry {
    std::size_t section = 0;
    int constituent = 0;
    double total_mgL = 0.0, target_mgL = 0.0;
    std::vector<std::string> indicator_names;
    std::vector<AllocationResult> results;  ///< one per method, in allocation_methods() order
};
std::vector<AllocationEntry> allocation_table(const CaseModel& m, const ReductionOptions& opt, AllocationBy by,
                                              const std::vector<std::string>& section_ids = {});
/// As above from an apportionment of m already made with the margin of safety wanted (apportion(m, {}, opt)).
std::vector<AllocationEntry> allocation_table(const CaseModel& m, const Apportionment& a, AllocationBy by,
                                              const std::vector<std::string>& section_ids = {});

}  // namespace qingliu::scenarios
