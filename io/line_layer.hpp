// `qingliu network` input: a river line layer (Shapefile, GeoPackage, GeoJSON ... in any CRS, attributes in UTF-8 or
// GBK) read into plain features for reaches::build_line_network, and split points. The case is written by
// io/network_case.hpp.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "reaches/line_network.hpp"

namespace qingliu::io {

struct LineLayerOptions {
    std::string path;
    std::string layer;             ///< "" = the first layer
    std::string id_field;          ///< "" = the feature id (FID)
    std::string name_field;        ///< "" = the first of the usual name columns present (name, 名称, 河流名称 ...)
    std::string direction_field;   ///< +1/-1 (正向/反向) against the digitised direction
    std::string elevation_fields;  ///< "FROM,TO": elevations at the first and last vertex
    std::string encoding;          ///< attribute encoding; "" = from .cpg / LDID / SHAPE_ENCODING, else detected (UTF-8 or GB18030)
    bool planar_lengths = false;   ///< lengths in the projected CRS's plane instead of geodesic
};

struct LineLayer {
    std::string label;  ///< path[:layer] for messages
    std::vector<reaches::LineFeature> features;
    reaches::LineMetric metric;
    std::string srs_wkt;      ///< "" without a CRS
    bool geographic = false;
    std::string name_field;   ///< the name column used, "" none
    std::string encoding;     ///< how attributes were decoded
    std::string lengths;      ///< "geodesic on <ellipsoid>" or "planar (<unit>)"
    std::vector<std::string> notes;  ///< things worth saying (assumed CRS, detected encoding)
};

/// Throws InputError naming the file and every problem (missing fields, bad direction values ...).
LineLayer read_line_layer(const LineLayerOptions& options);

/// Points of a layer (or a CSV with x/y or lon/lat columns), transformed into the line layer's CRS.
std::vector<reaches::SplitPoint> read_split_points(const std::string& path, const std::string& id_field, const LineLayer& lines);

/// Geodesic length (m) of the segment between two longitude/latitude points on an ellipsoid (Karney, via PROJ).
double geodesic_m(double lon1, double lat1, double lon2, double lat2, double semi_major_m = 6378137.0,
                  double inv_flattening = 298.257223563);

}  // namespace qingliu::io
