// network_findings.csv and split_points.csv of `qingliu network` (io/export_tables.hpp). Coordinates and positions
// keep every digit (%.17g): they place points on the user's own layer.
#include <cstdio>

#include "io/export_tables.hpp"
#include "io/results.hpp"

namespace qingliu::io {

namespace {

/// %.17g with decimals < 0, else fixed with that many decimals.
std::string fmt(double v, int decimals) {
    char b[64];
    if (decimals < 0) std::snprintf(b, sizeof b, "%.17g", v);
    else std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

}  // namespace

std::string network_findings_csv(const std::vector<reaches::LineFinding>& findings) {
    std::string s = "kind,features,x,y,distance_m,message\n";
    for (const auto& x : findings) {
        std::string features;
        for (const auto& f : x.features) features += (features.empty() ? "" : ", ") + f;
        s += std::string(reaches::finding_key(x.kind)) + "," + csv_quote(features) + "," + fmt(x.where.first, -1) + "," +
             fmt(x.where.second, -1) + "," + fmt(x.distance_m, 3) + "," + csv_quote(x.message) + "\n";
    }
    return s;
}

std::string split_points_csv(const std::vector<reaches::SnappedSplitPoint>& points) {
    std::string s = "point_id,reach_id,position_km,distance_m\n";
    for (const auto& p : points)
        s += csv_quote(p.id) + "," + csv_quote(p.reach) + "," + fmt(p.position_m / 1000.0, -1) + "," + fmt(p.distance_m, 3) + "\n";
    return s;
}

}  // namespace qingliu::io
