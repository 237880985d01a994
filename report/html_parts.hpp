// Pieces shared by the HTML page (html.cpp and its parts, html_page.hpp) and its charts (html_charts.cpp), defined in
// html_parts.cpp. Internal to the report module.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "report/layout.hpp"
#include "report/report.hpp"

namespace qingliu::report::html {

std::string esc(const std::string& s);
/// Both languages; CSS shows one.
std::string bi(const std::string& zh, const std::string& en);
std::string class_bi(int cls);
std::string type_zh(const std::string& t);
std::string type_en(const std::string& t);
std::string scen_name_zh(const Scenario& s);
std::string scen_name_en(const Scenario& s);
/// Index of the state variable k's figures and lines: its key ("cod").
std::string param_key(int k);
const char* type_colour(const std::string& t);
/// Line styles of scenarios in profile charts.
const char* scen_colour(std::size_t i);
const char* scen_dash(std::size_t i);
/// Decimals of concentrations of state variable k (common/constituent.hpp).
int conc_digits(int k);
/// GB 3838-2002 limit of state variable k for class cls (rivers).
double limit_of(const ReportData& d, int k, int cls);
double nice_step(double range, int n);
std::string tick_text(double v, double step);

struct Series {
    std::vector<std::pair<double, double>> xy;  // (river km, mg/L)
};
/// Concentration of state variable k along one river, one line per scenario, with class bands and sections.
std::string profile_chart(const RiverAxis& ax, int k, const ReportData& d, const std::vector<Series>& series,
                          const std::vector<std::pair<double, const SectionResult*>>& secs);
/// `file`: the name of its downloads; titles: written above the chart in its downloads.
std::string apportion_chart(const SectionApportionment& a, const std::string& file, const std::string& title_zh,
                            const std::string& title_en);
std::string map_svg(const ReportData& d, const Layout& L, const Scenario& s);
std::string class_legend();
/// A class in a table cell: "I" .. "V", "劣V" / "劣V (worse than V)".
std::string class_cell_bi(int cls);
/// Table cells: a number with `digits` decimals; a class coloured by class; a concentration of state variable k with
/// its class as a bar at the left.
std::string td_num(double v, int digits);
std::string td_class(int cls);
std::string td_conc(double v, int cls, int k);
/// label_en of every state variable between open and close: "<th>COD</th><th>NH3-N</th>...".
std::string label_cells(const std::string& open, const std::string& close);
/// Cells of v * scale with each variable's decimals for loads (load_digits + extra_digits).
std::string load_cells(const PerConstituent& v, int extra_digits, double scale = 1.0);
/// Section label drawn in a chart: Chinese and English tspans; `width_px` gets the wider one's estimated width.
std::string label_tspans(const std::string& zh, const std::string& en, double font_px, double* width_px);

/// The A4 print stylesheet with the running header and footer of this report (report/html_tools.cpp).
std::string print_css(const ReportData& d);
/// Cover lines (case, run, date, version) and the list of parts, shown in print only.
std::string cover_html(const ReportData& d);
/// Profile picker and chart downloads (SVG, PNG).
extern const char* kChartScript;

}  // namespace qingliu::report::html
