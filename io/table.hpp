// Tables read through GDAL/OGR (CSV, XLSX, GeoPackage, Shapefile, GeoJSON ...) into plain rows of text, with
// optional point/line geometry. Typed parsing with problems named by file, record and field is in RowReader.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"

namespace qingliu::io {

struct TableRef {
    std::string path;   ///< as resolved on disk
    std::string layer;  ///< layer or sheet name; "" = the first layer
    std::string label() const { return layer.empty() ? path : path + ":" + layer; }
};

struct Geometry {
    enum class Kind { None, Point, Line } kind = Kind::None;
    std::vector<std::pair<double, double>> xy;  ///< point: one vertex; line: vertices in digitised order
};

struct Record {
    std::string label;                             ///< "row 7" (spreadsheet row, header = row 1) or "feature 12"
    std::vector<std::optional<std::string>> values;  ///< by column; nullopt = empty cell
    Geometry geometry;
};

struct Table {
    std::string file;  ///< label used in messages
    std::vector<std::string> columns;  ///< known columns under the name the reader asks for (aliases renamed)
    std::vector<std::string> headers;  ///< the headers as written in the file, by column
    std::vector<double> factor;        ///< by column: unit conversion of a unit named in the header (1 = none)
    std::vector<char> share;           ///< by column: a share (0..1) where "75%" in a cell means 0.75
    std::vector<Record> records;
    bool geographic = false;  ///< coordinates are longitude/latitude in degrees
    bool has_crs = false;
    std::vector<std::string> warnings;  ///< read, but the user should know (GBK text, a unit assumed ...)
    std::set<std::string> suspect;      ///< known columns a wrong header probably meant: problems about them are
                                        ///< not repeated per record (the header problem says it once)
    std::string crs_wkt;  ///< the layer's CRS as WKT ("" when it has none)
    int column(const std::string& name) const;
    bool suppressed(const std::string& field) const { return suspect.count(field) > 0; }
};

/// Registers GDAL's drivers once, its own error printing silenced (the readers report problems themselves).
void init_gdal();

/// Reads a whole table. Problems (missing file, unreadable, no such layer, text neither UTF-8 nor GB18030) are
/// added to `problems` and an empty table is returned. With `kind` (a table kind of io/columns.hpp: "reaches",
/// "outfalls" ...) headers are matched against that kind's known columns and aliases: aliases are renamed, units in
/// headers converted, and a header that is probably a misspelt known column is one problem naming the nearest name.
Table read_table(const TableRef& ref, Problems& problems, const std::string& kind = "");

/// Typed access to one record; every failure becomes a Problem naming file, record and field.
class RowReader {
public:
    RowReader(const Table& t, const Record& r, Problems& p) : t_(t), r_(r), p_(p) {}
    bool has(const std::string& field) const;  ///< column exists and the cell is not empty
    std::optional<std::string> text(const std::string& field, bool required);
    std::optional<double> number(const std::string& field, bool required, double min = -1e300, double max = 1e300,
                                 bool min_exclusive = false);
    void problem(const std::string& field, const std::string& value, const std::string& message);
    /// Required text that must not repeat within the table: `seen` maps each value to the record it was first in,
    /// a repeat is a problem naming that record. "" when missing.
    std::string unique_text(const std::string& field, std::unordered_map<std::string, std::string>& seen);
    const Record& record() const { return r_; }

private:
    const Table& t_;
    const Record& r_;
    Problems& p_;
};

/// Checks that a table has every column in `required` (one problem per missing column; none for a column a wrong
/// header already named).
void require_columns(const Table& t, const std::vector<std::string>& required, Problems& problems);

}  // namespace qingliu::io
