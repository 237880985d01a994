// The rows of `qingliu water-quality --apportion / --optimize / --monte-carlo` (report/water_quality_analyses.hpp) built
// from the analyses' results: the command writes its CSVs from them (io/water_quality_csv.hpp) and stores them with its
// run, so that `qingliu report` shows the same numbers later.
#pragma once
#include <vector>

#include "analyses/water_quality_apportion.hpp"
#include "optimize/water_quality_montecarlo.hpp"
#include "optimize/water_quality_optimize.hpp"
#include "report/water_quality_analyses.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::app {

/// m: the case in the apportionment's condition; loads become t/a (g/s x 31.536).
report::WqApportionTable apportion_table(const scenarios::CaseModel& m, const scenarios::WqApportionment& a,
                                         const scenarios::DesignCondition& condition);
/// Every candidate (cost = invest + annual_cost_factor x annual), every condition, section and assessed item.
report::WqPlanTable plan_table(const scenarios::CaseModel& m, const std::vector<scenarios::Candidate>& cands,
                               const std::vector<scenarios::DesignCondition>& conds, const scenarios::WqOptimizeResult& r,
                               double annual_cost_factor, double mos_fraction);
/// The baseline's and each scenario's rows, sections in case order, items in gb3838_items order.
report::WqMonteCarloTable montecarlo_table(const scenarios::CaseModel& m, const std::vector<scenarios::WqScenarioMonteCarlo>& runs);

}  // namespace qingliu::app
