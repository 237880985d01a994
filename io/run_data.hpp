// Assembles what the run store keeps of a run: the case's input files (digest and bytes), parameters, results.
#pragma once
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "io/store.hpp"

namespace qingliu::io {

RunData make_run_data(const LoadedCase& lc, const std::string& command, std::vector<ScenarioResult> results);

}  // namespace qingliu::io
