// A small RFC 4180 reader for CSV text held in memory (embedded reference tables). Files go through io/ (GDAL).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace qingliu {

/// Rows of fields; quoted fields may contain commas, doubled quotes and newlines. Blank lines are skipped.
std::vector<std::vector<std::string>> parse_csv_text(std::string_view text);

/// Strict number parsing: the whole string (trimmed) must be a finite number.
bool parse_double(std::string_view s, double& out);
std::string trim(std::string_view s);

}  // namespace qingliu
