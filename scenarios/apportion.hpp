// Source apportionment, required reductions and water-environment capacity (纳污能力), from the linearity of the
// steady model in the loads: with flows fixed, a section's concentration is
//     C_s = B_s + sum_j T_sj L_j
// where B_s comes from headwater and lateral inflow (background) and T_sj (mg/L per g/s) carries source j's load
// L_j through decay, mixing and splits to section s. Each term is computed by routing that load alone.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "scenarios/case.hpp"

namespace qingliu::scenarios {

struct SectionApportionment {
    PerConstituent total_mgL{};
    PerConstituent background_mgL{};
    std::vector<PerConstituent> by_source_mgL;  ///< aligned with CaseModel::sources
    PerConstituent limit_mgL{};          ///< target-class limit
    PerConstituent upstream_load_gs{};   ///< load of sources that reach the section
    /// Share of the upstream source load to cut (applied to every contributing source alike) so that C_s = limit:
    ///   share = (C_s - limit) / (C_s - B_s), 0 when the section meets its limit.
    PerConstituent required_cut_share{};
    PerConstituent required_cut_gs{};    ///< share x upstream load
    std::array<bool, kNumConstituents> feasible = uniform(true);  ///< false: background alone exceeds the limit
};

struct Apportionment {
    std::vector<SectionApportionment> sections;  ///< aligned with CaseModel::sections
};

/// `progress` (optional) is called with the fraction of sources routed.
Apportionment apportion(const CaseModel& m, const std::function<void(double)>& progress = {});

/// Capacity of each reach at the target class of the first section at or below it.
struct ReachCapacity {
    std::int32_t reach = kNone;
    int target_class = 0;                   ///< 0: no section downstream, no capacity computed
    std::string control_section;            ///< section id setting the target
    PerConstituent limit_mgL{};
    PerConstituent inflow_conc_mgL{};  ///< entering the reach (modelled)
    PerConstituent capacity_gs{};      ///< largest load at the discharge point keeping the reach end at the limit
    PerConstituent current_gs{};       ///< sources on the reach now
    PerConstituent reduction_gs{};     ///< max(0, current - capacity)
};

enum class DischargePoint { Midpoint, End };
const char* capacity_method(DischargePoint p);

/// Per reach, with the flows of the design condition (the case as given):
///   W = (C_s - C_end,without) / dC_end per unit load, the load placed at the reach's midpoint (or end),
/// which for one reach without lateral inflow is W = (C_s - C0 e^{-kL/u}) Q e^{kL/2u} (midpoint) or
/// (C_s - C0 e^{-kL/u}) Q (end, GB/T 25173-2010 one-dimensional form).
std::vector<ReachCapacity> reach_capacity(const CaseModel& m, DischargePoint at = DischargePoint::Midpoint);

}  // namespace qingliu::scenarios
