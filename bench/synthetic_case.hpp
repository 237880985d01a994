// A synthetic case (bench/synthetic.hpp) written as a case folder that `qingliu` reads, for end-to-end benchmarks:
//   case.toml   [case], [tables], [conditions], [kinetics], [background], [dynamic] (gauge flows)
//   reaches.csv reach_id, river, downstream_id, length_km, hg_a..hg_d, headwater and lateral flows, split_to/fraction
//   sources.csv every source as a point source (flow_m3s, <key>_mgL); a source without water (diffuse, spread along
//               its reach in the synthetic model) is written with 0.1 L/s at the concentration that carries its
//               load, at the middle of its span, since the sources table holds points with flow and concentration
//   sections.csv section_id, name, river, reach_id, position_km, level, target_class
//   flows.csv   date, flow_m3s: the gauge series of `gauge_reach`
// Numbers are written with 17 significant digits, so the case read back is the model written.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/case.hpp"

namespace qingliu::bench {

/// Writes `m` as a case in `dir` (created if needed) with a daily gauge series for `year` at reach `gauge`.
/// Throws std::runtime_error when a file cannot be written.
void write_case(const scenarios::CaseModel& m, const std::string& dir, std::int32_t gauge, int year,
                const std::vector<double>& gauge_m3s);

}  // namespace qingliu::bench
