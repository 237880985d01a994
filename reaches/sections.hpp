// Monitoring sections (断面): where concentrations are judged against a target class.
#pragma once
#include <cstdint>
#include <string>

#include "common/topology.hpp"
#include "reaches/classes.hpp"

namespace qingliu::reaches {

struct Section {
    std::string id, name, name_en, river;
    std::string level;           ///< national / provincial / municipal / county
    std::int32_t reach = kNone;
    double position_m = 0.0;     ///< from the reach's upstream end
    int target_class = 3;        ///< 1..5
    WaterBody water_body = WaterBody::River;
};

/// Control levels accepted in tables, with labels. Returns "" for an unknown level.
std::string normalise_level(const std::string& s);
std::string level_label_zh(const std::string& level);

}  // namespace qingliu::reaches
