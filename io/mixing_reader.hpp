// The case's optional mixing-zone tables, named under [tables] in case.toml:
//   mixing            per outfall (outfall_id) or per reach (reach_id): discharge (bank/mid, 岸边/江心), bank
//                     (left/right, 左岸/右岸), distance_m from that bank, width_m, depth_m, slope, reach_type
//                     (natural/straight/expanding/contracting or 天然河道/顺直渠道/河道扩散段/河道收缩段), alpha,
//                     target_class; every column optional but the key
//   protected_points  point_id, name, kind (intake/protected/other, 取水口/保护区/其他), reach_id, position_km, and
//                     optionally bank and distance_m (the point's place across the river)
// Both are read whole; every problem is reported at once with file, record and field.
#pragma once
#include "io/case_reader.hpp"
#include "mixing/outfall.hpp"

namespace qingliu::io {

struct MixingTables {
    std::vector<mixing::OutfallSettings> settings;
    std::vector<mixing::ProtectedPoint> points;
    std::vector<std::string> files;  ///< tables read
};

/// Reads the tables the case names (none named: empty). Throws InputError listing every problem.
MixingTables read_mixing_tables(const LoadedCase& lc);

}  // namespace qingliu::io
