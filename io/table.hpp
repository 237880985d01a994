// Tables read through GDAL/OGR (CSV, XLSX, GeoPackage, Shapefile, GeoJSON ...) into plain rows of text, with
// optional point/line geometry. Typed parsing with problems named by file, record and field is in RowReader.
#pragma once
#include <optional>
#include <string>
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
    std::vector<std::string> columns;
    std::vector<Record> records;
    bool geographic = false;  ///< coordinates are longitude/latitude in degrees
    bool has_crs = false;
    std::string crs_wkt;  ///< the layer's CRS as WKT ("" when it has none)
    int column(const std::string& name) const;
};

/// Reads a whole table. Problems (missing file, unreadable, no such layer, text not UTF-8) are added to `problems`
/// and an empty table is returned.
Table read_table(const TableRef& ref, Problems& problems);

/// Typed access to one record; every failure becomes a Problem naming file, record and field.
class RowReader {
public:
    RowReader(const Table& t, const Record& r, Problems& p) : t_(t), r_(r), p_(p) {}
    bool has(const std::string& field) const;  ///< column exists and the cell is not empty
    std::optional<std::string> text(const std::string& field, bool required);
    std::optional<double> number(const std::string& field, bool required, double min = -1e300, double max = 1e300,
                                 bool min_exclusive = false);
    void problem(const std::string& field, const std::string& value, const std::string& message);
    const Record& record() const { return r_; }

private:
    const Table& t_;
    const Record& r_;
    Problems& p_;
};

/// Checks that a table has every column in `required` (one problem per missing column).
void require_columns(const Table& t, const std::vector<std::string>& required, Problems& problems);

}  // namespace qingliu::io
