// Where reaches and sections are drawn: the case's own reach lines when every reach has one, otherwise a schematic.
//
// Schematic layout (no coordinates in the case): the longest river reaching an outlet is a straight line along x, in
// km from its head (flow left to right, y = 0). Every other river is drawn with its true length as a straight line
// that ends at its confluence, at the position along the receiving river where it joins, leaving the receiving river
// at 50 degrees to its upstream direction, on alternate sides. A side channel that splits off and rejoins is drawn
// as a bow between the split and rejoin points. Networks with several outlets are stacked below one another.
// Units are km in an undefined Cartesian frame: the map shows the topology and lengths, not the geography.
#pragma once
#include <string>
#include <vector>

#include "report/report.hpp"

namespace qingliu::report {

struct Layout {
    bool schematic = true;
    bool geographic = false;                 ///< coordinates are longitude/latitude (real geometry only)
    std::string srs_wkt;                     ///< CRS of the coordinates; "" for the schematic frame
    std::vector<std::vector<XY>> reach_lines;  ///< aligned with ReportData::network, upstream to downstream
    std::vector<XY> section_points;           ///< aligned with the baseline's sections
};

Layout make_layout(const ReportData& d);

double polyline_length(const std::vector<XY>& line);
/// Point at `fraction` (0..1, clamped) of a polyline's length.
XY point_along(const std::vector<XY>& line, double fraction);

}  // namespace qingliu::report
