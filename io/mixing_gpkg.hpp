// The mixing zones as a GeoPackage for QGIS (mixing.gpkg): layers
//   mixing_outfalls  points: each outfall with its channel, E_y, L_m (HJ 2.3-2018) and distance to complete mixing
//   mixing_zones     polygons: one per outfall and parameter with a zone (length, widest, area, limit, what it reaches)
//   mixing_grid      polygons: the concentration grid below each outfall (cod_mgL, nh3n_mgL, tp_mgL, ratio = largest
//                    C/limit, exceeds), with a QML style graduated on ratio that QGIS applies on opening
// in the case's CRS when its reaches have lines, else in the schematic's local km frame (report/layout.hpp).
#pragma once
#include <string>

#include "report/mixing.hpp"

namespace qingliu::io {

/// The GeoPackage as bytes (written to a temporary file and read back) for staged output. Throws OutputError.
std::string mixing_gpkg_bytes(const report::MixingSection& s, const report::MixingMap& map, const report::Layout& layout);

}  // namespace qingliu::io
