// Outfall mixing zones in the report and on the map: what `qingliu mixing` computed (mixing/outfall.hpp)
// as a report section (the plume over the reach with each parameter's zone outlined, the tables), and
// the zones and the concentration grid placed on the network's layout (the case's reach lines, else the schematic).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "mixing/outfall.hpp"
#include "report/layout.hpp"
#include "report/report.hpp"

namespace qingliu::report {

struct MixingSection {
    std::string scenario = "baseline";
    std::string scenario_name;
    mixing::CaseMixing result;
};

/// The mixing results in map coordinates. Along the reach, x below the outfall is placed at the fraction
/// (position + x)/length of the reach's line; across, y from the outfall's bank is offset perpendicular to the line
/// about its centre (the line stands for the channel's centre line): left bank at +B/2 to the left of the flow.
/// Metres become map units as: the schematic's km (1/1000); a projected CRS's metres; longitude/latitude through a
/// local equirectangular frame (111 320·cos φ m per degree east, 110 540 m per degree north).
struct MixingMap {
    struct Outfall {
        bool placed = false;                    ///< its reach has a line
        XY point;                               ///< the outfall
        std::vector<std::vector<XY>> zones;     ///< per constituent: closed ring, empty where there is no zone
        std::vector<std::array<XY, 4>> cells;   ///< grid cells, aligned with grid_mgL
    };
    std::vector<Outfall> outfalls;              ///< aligned with result.outfalls
};
MixingMap mixing_map(const MixingSection& s, const ReportData& d, const Layout& L);

/// The sensitive points a zone reaches, "; "-separated, each as kind, id, name and distance (m); in Chinese with zh.
std::string reached_text(const std::vector<mixing::Reached>& v, bool zh);

/// The report's section (the hook in render_html adds it when ReportData::mixing is set).
std::string mixing_section_html(const MixingSection& s);

}  // namespace qingliu::report
