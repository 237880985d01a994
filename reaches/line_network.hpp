// A reach network built from river lines as a bureau's line layer (水系图) has them: lines that meet at shared
// endpoints (within a tolerance), digitised in any direction, split at arbitrary places, with the usual defects.
// Pure geometry and graph logic: the caller supplies coordinates and a metric (io/line_layer.hpp reads the layer).
//
// Steps: (1) line ends within the tolerance become one node (near-misses snapped and reported); a line end on the
// interior of another line splits that line there (a confluence digitised as a T); (2) a line that crosses another
// and runs on past it by no more than the gap distance is cut at the crossing (an overshoot, "dangle"); other
// crossings are reported and not connected; line ends within the gap distance of a line but beyond the tolerance are
// reported as gaps; (3) the component holding the outlet is kept, other components are reported; (4) every line is
// oriented towards the outlet: by a flow-direction or elevation value where the feature has one, else from the higher
// to the lower distance to the outlet along the network (Dijkstra), which is always acyclic; lines digitised against
// the flow are reported; (5) cycles (braided channels, side channels) are reported, and a node with two outflows
// becomes a split (split_to; the fraction is the user's); (6) optional split points (outfalls, sections) cut the line
// they snap to; (7) reaches are maximal chains between confluences, splits, split points and river-name changes.
// Reach ids are a hash of the reach's end and middle coordinates rounded to a grid: the same line layer gives the same
// ids whatever the order of its features or the direction they were digitised in.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qingliu::reaches {

using LineXY = std::pair<double, double>;

/// One feature of the line layer.
struct LineFeature {
    std::string id;                         ///< as the user knows it (FID or an id field)
    std::vector<std::vector<LineXY>> parts; ///< native coordinates, each part in digitised order
    std::string name;                       ///< river name; "" = unnamed
    int direction = 0;                      ///< +1 flows in digitised order, -1 against it, 0 unknown
    std::optional<double> elevation_first;  ///< elevation at the first and last vertex (m), if the layer has them
    std::optional<double> elevation_last;
};

/// Points where a reach must end (outfalls, monitoring sections).
struct SplitPoint {
    std::string id;
    LineXY xy;  ///< native coordinates
};

/// How native coordinates become distances. `to_plane` maps to a local plane in metres, used for tolerances,
/// snapping and orientation (it must be affine within a segment, as an equirectangular projection is);
/// `segment_m` is the length of a segment between two native vertices (geodesic, or planar in a projected CRS).
struct LineMetric {
    std::function<LineXY(LineXY)> to_plane;
    std::function<double(LineXY, LineXY)> segment_m;
    double id_grid = 1.0;  ///< coordinates are rounded to this (native units) for reach ids (about 1 m)
};

/// A planar metric for coordinates in metres (tests, projected layers in metres).
LineMetric planar_metric();

struct LineNetworkOptions {
    double tolerance_m = 1.0;  ///< line ends closer than this are one node
    double gap_m = 0.0;        ///< gaps and overshoots up to this are reported (overshoots cut); 0: 20 × tolerance
    std::optional<LineXY> outlet;       ///< native coordinates of the outlet (snapped to the nearest line end)
    std::string outlet_feature;         ///< or: the feature whose free end is the outlet
    std::vector<SplitPoint> split_points;
    double split_max_m = 500.0;         ///< a split point farther than this from every line is reported, not used
};

enum class FindingKind {
    Snapped,       ///< line ends within the tolerance moved onto one node
    Junction,      ///< a line end on another line's interior: that line split there
    Gap,           ///< a line end near another line but beyond the tolerance: not connected
    Dangle,        ///< a line running past a line it crosses (overshoot): cut at the crossing
    Crossing,      ///< two lines cross away from their ends: not connected
    MultiPart,     ///< a feature with several parts: each part used as a line
    Reversed,      ///< a line digitised against the flow: reversed
    Loop,          ///< a cycle (braid, side channel) or a closed line
    Disconnected,  ///< lines not connected to the outlet: left out
    Outlet,        ///< how the outlet was chosen
    SplitPointFar, ///< a split point too far from every line
    Degenerate     ///< a part with fewer than two distinct vertices
};
const char* finding_key(FindingKind k);

struct LineFinding {
    FindingKind kind;
    std::vector<std::string> features;  ///< feature ids involved
    LineXY where;                       ///< native coordinates
    double distance_m = 0.0;            ///< the gap, snap or overshoot distance where there is one
    std::string message;
};

struct LineReach {
    std::string id;
    std::string river;
    std::string downstream;  ///< "" at the outlet
    std::string split_to;    ///< second outflow at a split node, "" otherwise
    std::vector<LineXY> line;  ///< native coordinates, upstream to downstream
    double length_m = 0.0;     ///< by the metric
    double to_outlet_m = 0.0;  ///< from the downstream end to the outlet along the main path
    std::vector<std::string> features;  ///< feature ids, upstream to downstream
    bool headwater = false;
};

struct SnappedSplitPoint {
    std::string id;
    std::string reach;        ///< the reach starting at the point (or ending at it, at the outlet)
    double position_m = 0.0;  ///< from the reach's upstream end (0, or its length at the outlet)
    double distance_m = 0.0;  ///< from the point to the line
};

struct LineNetwork {
    std::vector<LineReach> reaches;  ///< sorted by id
    std::vector<LineFinding> findings;
    std::vector<SnappedSplitPoint> points;
    LineXY outlet{};
};

/// Builds the network. Throws InputError when no outlet can be found, or when flow-direction values contradict
/// each other (a line end without outflow, a cycle), naming the features.
LineNetwork build_line_network(const std::vector<LineFeature>& features, const LineNetworkOptions& options,
                               const LineMetric& metric);

}  // namespace qingliu::reaches
