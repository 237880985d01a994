// The report's tables as one Excel workbook (report.xlsx), written with libxlsxwriter.
//
// The workbook renders the report's CSV tables (io::report_tables, io/export_tables.hpp owns the layouts): one sheet per table, in
// the same order, with the same columns and the same values, so a cell and the CSV field at the same row and column
// agree. On each sheet:
//   row 1  the column in Chinese, row 2 in English (with the unit), row 3 the CSV column name (the machine key);
//   rows 4..  the data: numeric columns (by the column name's unit suffix: _mgL, _t_a, _km, _m3s, ...) stored as
//             numbers with a display format, identifiers and names as text, class columns (I .. 劣V) filled with the
//             class colours of the HTML report; an empty CSV field is an empty cell.
// The three header rows are frozen, the key row carries an autofilter over the data, column widths follow the
// longest value shown (CJK characters count double). A last sheet "说明 About" names the case, the run and the
// class colours (劣V = worse than class V).
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "report/report.hpp"

namespace qingliu::io {

struct XlsxInfo {
    std::string case_name, case_name_en, run, created_utc, version;
};

/// Sheet name of a report table ("sections.csv" -> "断面 sections"); the file's stem when it has none.
std::string xlsx_sheet_name(const std::string& csv_name);

/// The workbook's bytes; `progress` (optional) hears the fraction of rows written. Throws OutputError when
/// libxlsxwriter fails (the message names its error).
std::string report_xlsx_bytes(const std::vector<std::pair<std::string, std::string>>& csv_tables, const XlsxInfo& info,
                              const std::function<void(double)>& progress = {});

/// The workbook of a report: the sheets of io::report_tables(d), then `extra_tables` (e.g. mixing.csv).
std::string report_xlsx_bytes(const report::ReportData& d,
                              const std::vector<std::pair<std::string, std::string>>& extra_tables = {},
                              const std::function<void(double)>& progress = {});

}  // namespace qingliu::io
