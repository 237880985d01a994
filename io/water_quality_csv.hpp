// water_quality_sections.csv: every section under the baseline and each scenario, evaluated with the QUAL2K-class
// kinetics (`qingliu water-quality`). One row per scenario and section, columns (docs/outputs.md):
//   scenario_id, section_id, name, name_en, river, reach_id, position_km, water_body, target_class, flow_m3s,
//   <item>_mgL for item in do, codmn, cod, bod5, nh3n, tp, tn (12 significant digits),
//   <item>_class (I..V, 劣V; empty where GB 3838 gives no limit for the water body, e.g. TN in rivers),
//   <item>_exceedance (value / limit - 1 where the item is worse than the target; DO: shortfall limit - value in
//   mg/L; empty where the item meets the target),
//   class (worst assessed item), meets (yes/no), deciding (the items of the worst class, "nh3n;tp"),
//   exceeding_en, exceeding_zh (every exceeding item, worst first, with its multiple or DO shortfall)
#pragma once
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::io {

/// The GB 3838 items of the sections, in column order.
const std::vector<std::string>& water_quality_item_keys();

std::string water_quality_sections_csv(const scenarios::CaseModel& m, const std::vector<scenarios::WaterQualityRun>& runs);

}  // namespace qingliu::io
