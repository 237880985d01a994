// What a report shows beyond the section and reach tables, built from scenarios already solved: the network with its
// line geometry, each scenario's resolved sources, longitudinal profile and source apportionment. Nothing is solved
// here; the run store writes these structs as they are.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "analyses/solve.hpp"

namespace qingliu::report {

/// Everything the run store's report tables hold for one run (scenario entries carry no sections/reaches: those are
/// in the core tables).
struct ReportExtras {
    std::vector<Reach> network;
    std::string srs_wkt;
    bool geographic = false;
    std::vector<Scenario> scenarios;  ///< in the order solved (the baseline first)
    std::vector<std::string> notes;
    reaches::ClassTable classes = reaches::ClassTable::gb3838();  ///< the case's class table
    std::shared_ptr<const AllocationTable> allocation;  ///< the baseline's load allocation (allocation.hpp); null: none
    std::shared_ptr<const WaterQualityTable> water_quality;  ///< the water-quality model's sections (water_quality.hpp); null: none
    /// the water-quality model's apportionment, plan and Monte Carlo (water_quality_analyses.hpp); null: none
    std::shared_ptr<const WaterQualityAnalyses> wq_analyses;
};

/// The case's reaches with their line geometry (when the reach table has it).
std::vector<Reach> network_of(const scenarios::CaseModel& m);

/// Profile spacing for a report: about 300 points along the longest river, no closer than 50 m, at most about
/// 200 000 points in all.
double default_profile_step_m(const scenarios::CaseModel& m);

/// The report extras of solved scenarios; `top_sources` largest single sources are kept per section. A scenario
/// solved without apportionment gets a note saying so.
ReportExtras collect_extras(const scenarios::CaseModel& base, const std::vector<scenarios::SolvedScenario>& solved,
                            int top_sources = 10);

}  // namespace qingliu::report
