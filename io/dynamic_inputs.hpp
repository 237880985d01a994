// The daily inputs of a case's dynamic run (scenarios::DynamicInputs) from its [dynamic] section and tables:
// the flow table (a gauge series or per-reach series), the load factor table, drainage areas and monthly
// temperatures, checked against the case (gauge and reach ids, source ids and types).
#pragma once
#include "io/case_reader.hpp"
#include "analyses/simulate.hpp"

namespace qingliu::io {

/// Reads the flow and load tables of lc.dynamic for `year` (0: the [dynamic] year, else the year of the first flow
/// record) and adds them to lc.input_files (so the run store keeps their digests). Throws InputError listing every
/// problem with file, record and field, also when the case has no [dynamic] section.
scenarios::DynamicInputs read_dynamic_inputs(LoadedCase& lc, int year = 0);

}  // namespace qingliu::io
