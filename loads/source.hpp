// A resolved source: a load of COD, NH3-N and TP entering a reach at a point or spread along it, with its origin
// kept for apportionment. Inventories (plants, farms, cropland, villages ...) are turned into these.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/constituent.hpp"
#include "common/given_species.hpp"
#include "common/topology.hpp"

namespace qingliu::loads {

struct Source {
    std::string id;
    std::string name;
    std::string type;             ///< sewage_plant, outfall, industry, livestock, cropland, rural_domestic, ...
    std::int32_t reach = kNone;
    double position_m = 0.0;      ///< from the reach's upstream end
    double end_m = -1.0;          ///< > position_m: spread uniformly to end_m (diffuse sources)
    double flow_m3s = 0.0;        ///< water it adds (0 for diffuse mass inputs)
    PerConstituent load_gs{};
    std::string origin;           ///< the inventory record it came from, e.g. "plants.csv row 4"
    std::string town;             ///< town or district (for measures and reports), may be empty
    bool diffuse = false;         ///< non-point (runoff-driven in the dynamic model): livestock, cropland, rural ...
    /// DO, BOD5, CODMn, TN, N and P species its water gives (mg/L), for the water-quality kinetics; only a source
    /// with water (flow_m3s > 0) gives any. The three-constituent model does not use them.
    GivenSpecies given;
};

/// Source types known to reports (labels in Chinese and English). Unknown types are allowed and shown as given.
struct SourceType {
    const char* key;
    const char* zh;
    const char* en;
};
const std::vector<SourceType>& source_types();
const SourceType* find_source_type(const std::string& key);

}  // namespace qingliu::loads
