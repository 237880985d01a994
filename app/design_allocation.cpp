#include "app/design_allocation.hpp"

#include "analyses/allocation.hpp"
#include "analyses/apportion.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::app {

std::shared_ptr<const report::AllocationTable> design_allocation(const io::LoadedCase& lc, const scenarios::SolvedScenario& baseline,
                                                                 double mos_fraction) {
    if (!baseline.apportionment) return nullptr;
    const scenarios::DesignCondition design = scenarios::design_conditions(lc.scenarios).front();  // "design": the case as given
    const scenarios::CaseModel& m = lc.model;
    const scenarios::Apportionment a = scenarios::apportion(m, {}, {mos_fraction});
    auto t = std::make_shared<report::AllocationTable>();
    report::set_condition(*t, design);
    t->mos = mos_fraction;
    report::append_allocation(*t, m, scenarios::allocation_table(m, a, scenarios::AllocationBy::Town), scenarios::AllocationBy::Town);
    report::append_allocation(*t, m, scenarios::allocation_table(m, a, scenarios::AllocationBy::SourceType),
                              scenarios::AllocationBy::SourceType);
    return t;
}

}  // namespace qingliu::app
