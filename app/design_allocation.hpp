// The load allocation a stored run carries for its report: the baseline in the design condition (the case as given),
// with the default margin of safety, by town and by source type (analyses/allocation.hpp computes, the run store
// writes what it is given).
#pragma once
#include <memory>

#include "io/case_reader.hpp"
#include "report/allocation.hpp"
#include "analyses/solve.hpp"

namespace qingliu::app {

/// Margin of safety of the stored allocation and of the commands' --mos default: 10 % of the target limit.
inline constexpr double kDefaultMosFraction = 0.10;

/// The allocation of the baseline as solved (`baseline` = solve_scenarios(...).front()); null when the baseline was
/// solved without apportionment (a case too large to route every source alone).
std::shared_ptr<const report::AllocationTable> design_allocation(const io::LoadedCase& lc, const scenarios::SolvedScenario& baseline,
                                                                 double mos_fraction = kDefaultMosFraction);

}  // namespace qingliu::app
