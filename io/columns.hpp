// The one table of input columns: for every kind of table a case reads, the columns its reader knows, their unit and
// the names a bureau's spreadsheet may give them (Chinese headers such as 排污口编号 → outfall_id, 流量 → flow_m3d).
// read_table() uses it to rename aliases, convert units named in a header ("流量（万吨/日）", "利用率（%）"), and to
// answer a wrong header with "did you mean". docs/inputs.md lists the same table.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace qingliu::io {

/// One known column of one kind of table.
struct ColumnDef {
    const char* table;    ///< reaches, sources, sections, plants, outfalls, industry, farms, cropland, villages, ponds,
                          ///< observations, uncertainty, flows, load_factors, coefficients, standards, classes
    const char* column;   ///< the name the reader asks for
    const char* unit;     ///< unit family: "" (text or dimensionless number), m3/d, m3/s, km, m, m/s, km2, mg/L, mu,
                          ///< head, people, share (0..1; "%" in a header or cell divides by 100), t/a, year
    const char* aliases;  ///< other accepted names, '|'-separated, without unit ("" = none)
    const char* meaning;  ///< short description (English / 中文)
};

/// Every column of every table kind, in table order.
const std::vector<ColumnDef>& column_table();

/// The table kinds in column_table() order, each once.
std::vector<std::string> table_kinds();

/// A header normalised for matching: ASCII lower case, full-width ASCII and brackets made half-width, spaces removed,
/// "³" → "3", "²" → "2".
std::string normalise_header(std::string_view header);

/// Splits "流量(m3/d)" into {"流量", "m3/d"} (after normalisation); no bracketed unit → {header, ""}.
std::pair<std::string, std::string> split_unit(const std::string& normalised);

/// The factor turning a value in `unit_text` (as written in a header, normalised) into `family`; 0 when the unit is
/// not one of the family's spellings. An empty `unit_text` is factor 1.
double unit_factor(const std::string& family, const std::string& unit_text);

/// Edit distance (insertions, deletions, substitutions, adjacent transpositions) counted in Unicode code points.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace qingliu::io
