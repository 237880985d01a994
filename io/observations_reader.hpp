// What is known about a case beyond its design inputs, read through GDAL/OGR like every table:
//   observations (calibration): section_id, date (optional), cod_mgL, nh3n_mgL, tp_mgL; an empty cell is "not
//     observed". Or, without such a table, columns observed_cod_mgL, observed_nh3n_mgL, observed_tp_mgL in the
//     sections table.
//   uncertainty ranges (Monte Carlo): parameter, low, high, optional distribution (uniform | triangular, default
//     uniform) and mode (triangular; default the case's value). Parameter keys as in scenarios/uncertainty.hpp.
// Every problem (unknown section, bad number, unknown parameter) is reported at once with file, record and field.
#pragma once
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "scenarios/observations.hpp"
#include "scenarios/uncertainty.hpp"
#include "analyses/validate.hpp"

namespace qingliu::io {

struct ObservationTable {
    std::vector<scenarios::ObservedValue> values;
    std::string file;  ///< the table read (for messages and the run store)
};

/// `path` empty: observations.csv in the case folder if it exists, else the observed_* columns of the case's
/// sections table. Throws InputError listing every problem, or if no value is observed at all.
ObservationTable read_observations(const LoadedCase& lc, const std::string& path = "");

/// Observed statuses (qingliu validate) from the same observations table: section_id, source, and per row an
/// observed_class (I..V, Ⅰ..Ⅴ, 1..6, 劣V) and/or concentrations (cod_mgL, nh3n_mgL, tp_mgL); optional date,
/// limiting (the parameter named as setting the class) and statement (published wording; a row may carry only a
/// statement). `path` empty: the case's [tables] observations, else
/// observations.csv in the case folder. Throws InputError listing every problem.
struct ObservedStatusTable {
    std::vector<scenarios::ObservedStatus> rows;
    std::string file;
};
ObservedStatusTable read_observed_statuses(const LoadedCase& lc, const std::string& path = "");

struct UncertaintyTable {
    std::vector<scenarios::UncertainParameter> params;
    std::string file;  ///< "" when no table was found (the caller then uses scenarios::default_uncertainty)
};

/// `path` empty: uncertainty.csv in the case folder if it exists, else no table. Checked against the case
/// (scenarios::check_uncertainty); throws InputError listing every problem.
UncertaintyTable read_uncertainty(const LoadedCase& lc, const std::string& path = "");

}  // namespace qingliu::io
