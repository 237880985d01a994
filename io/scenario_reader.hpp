// Reads measures and scenarios from a TOML file ([[measure]] and [[scenario]] arrays of tables).
#pragma once
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::io {

std::vector<scenarios::Scenario> read_scenarios(const std::string& file, const scenarios::CaseModel& m, Problems& problems);

}  // namespace qingliu::io
