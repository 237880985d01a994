// The flow part of the dynamic forcing (reaches::DynamicForcing::flow): per reach a headwater and lateral flow at
// scale 1, a scale per interval, and per-reach own-inflow series; with the seasons and the runoff index of the period.
// Built by hydro::make_flow_forcing (hydro/flow_series.hpp) or in code. Kept apart from flow_series.hpp so the
// solver (compiled as C++17 for Boost.Odeint) includes only this.
#pragma once
#include <cstdint>
#include <vector>

namespace qingliu::hydro {

struct FlowForcing {
    std::vector<double> scale;                                 ///< per interval (empty: 1)
    std::vector<double> base_headwater_m3s, base_lateral_m3s;  ///< per reach at scale 1 (empty: the network's)
    std::vector<std::int32_t> reach_series;                    ///< per reach: own series or kNone (empty: none)
    std::vector<std::vector<double>> own_headwater_m3s, own_lateral_m3s;  ///< per series, per interval
    std::vector<int> wet_month;                                ///< 12 entries (0 or 1) for the months covered, else -1
    std::vector<double> runoff_index;                          ///< per interval: network runoff / its period mean
};

}  // namespace qingliu::hydro
