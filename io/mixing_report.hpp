// Report data of a case evaluated now, without the run store (`qingliu mixing` writes its report this way): the
// same contents `qingliu report` rereads from a stored run, built from the case and the chosen scenarios.
#pragma once
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "report/report.hpp"

namespace qingliu::io {

/// The baseline and `chosen` evaluated, with profiles, apportionment, sources and the reach lines of the case.
report::ReportData report_data_now(const LoadedCase& lc, const std::vector<scenarios::Scenario>& chosen, const std::string& command);

}  // namespace qingliu::io
