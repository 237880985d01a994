// Reads measures and scenarios from a TOML file ([[measure]] and [[scenario]] arrays of tables).
#pragma once
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::io {

/// The file's [[measure]] and [[scenario]] records as written (not checked against a case).
struct ScenarioRecords {
    std::vector<scenarios::MeasureSpec> measures;
    std::vector<scenarios::ScenarioSpec> scenarios;
};
ScenarioRecords read_scenario_records(const std::string& file, Problems& problems);

std::vector<scenarios::Scenario> read_scenarios(const std::string& file, const scenarios::CaseModel& m, Problems& problems);

}  // namespace qingliu::io
