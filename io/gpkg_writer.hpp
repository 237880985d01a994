// The network as a GeoPackage for QGIS: reaches (lines, with results and the GB 3838 class of the reach-end
// concentrations) and sections (points, with concentrations, classes and compliance), with a layer_styles table holding
// QML and SLD styles coloured by class (the convention of Chinese reports: I/II blue, III green, IV yellow, V orange,
// worse than V red) that QGIS applies when the layers are opened.
//
// Layers: `reaches` and `sections` hold the baseline; each further scenario has `reaches_<id>` and `sections_<id>`.
// A run with the water-quality model (report/water_quality.hpp) adds `water_quality_sections` (baseline) and
// `water_quality_sections_<id>`: every GB 3838 item, the class, the deciding and exceeding items.
// Coordinates: the case's reach lines and CRS when every reach has a line; otherwise the schematic layout of
// report/layout.hpp in km, in a local engineering CRS named "qingliu schematic river network (km, not geographic)"
// (a LOCAL_CS with kilometre units, so no GIS mistakes it for longitude/latitude): a diagram, not a map.
#pragma once
#include <string>

#include "report/layout.hpp"
#include "report/report.hpp"

namespace qingliu::io {

/// Writes the GeoPackage at `path` (replacing it). Throws OutputError.
void write_network_gpkg(const std::string& path, const report::ReportData& d, const report::Layout& layout);

/// The same GeoPackage as bytes (written to a temporary file and read back), for staged output.
std::string network_gpkg_bytes(const report::ReportData& d, const report::Layout& layout);

/// GeoPackage layer name of a scenario's layers: "reaches"/"sections" for the baseline, "reaches_<id>" otherwise,
/// with characters other than letters, digits and '_' replaced by '_'.
std::string gpkg_layer_name(const std::string& base, const std::string& scenario_id, bool baseline);

}  // namespace qingliu::io
