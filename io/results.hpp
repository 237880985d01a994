// The number and field formatting every CSV writer shares; the tables themselves are in io/export_tables.hpp.
#pragma once
#include <string>
#include <vector>

#include "io/result_rows.hpp"
#include "scenarios/case.hpp"

namespace qingliu::io {

/// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break.
std::string csv_quote(const std::string& s);

/// Number formatting shared by every writer: up to 6 significant digits, no exponent for ordinary magnitudes.
std::string num(double v);
/// Every constituent's value (times scale) with num, comma-separated in the order of the state-variable table.
std::string nums(const PerConstituent& v, double scale = 1.0);

}  // namespace qingliu::io
