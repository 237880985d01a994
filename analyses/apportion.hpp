// Source apportionment, required reductions and water-environment capacity (纳污能力), from the linearity of the
// steady model in the loads: with flows fixed, a section's concentration is
//     C_s = N_s + U_s + sum_j T_sj L_j
// where N_s is natural background (lateral inflow, and headwater inflow up to the case's natural headwater
// concentration), U_s the boundary inflow (跨界来水: the part of a headwater's concentration above the natural one,
// i.e. water that arrives polluted from upstream of the case), and T_sj (mg/L per g/s) carries source j's load L_j
// through decay, mixing and splits to section s. Each term is computed by routing that part alone.
//
// One reduction answer. In a design condition (conditions.hpp) and with a margin of safety mos, section s must reach
//     target_s = limit_s (1 - mos).
// If N_s + U_s < target_s, every source reaching s is cut by the same share (超量等比例削减)
//     sigma_s = (C_s - target_s) / (C_s - N_s - U_s),
// which puts C_s exactly at the target. Otherwise the sources cannot do it alone: all of them go (sigma_s = 1) and
// the boundary inflow must fall by the share (N_s + U_s - target_s) / U_s of its excess load, a cut that has to come
// from upstream of the case; if N_s >= target_s, no cut can meet the target.
// The per-reach view (reach_capacity with an apportionment) is the same answer seen from each reach: a source
// reaching several sections is cut by the largest of their shares, each reach's cut is the sum over its sources, and
// summing the reaches' cuts for one section gives that section's cut.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "scenarios/case.hpp"

namespace qingliu::scenarios {

struct SectionApportionment {
    PerConstituent total_mgL{};
    PerConstituent background_mgL{};     ///< natural background N_s
    PerConstituent boundary_mgL{};       ///< boundary inflow U_s (sum of boundary_by_reach)
    std::vector<PerConstituent> boundary_by_reach_mgL;  ///< aligned with Apportionment::boundary_reaches
    PerConstituent boundary_load_gs{};   ///< excess load of the boundary inflows reaching the section
    std::vector<PerConstituent> by_source_mgL;  ///< aligned with CaseModel::sources
    PerConstituent limit_mgL{};          ///< target-class limit
    PerConstituent target_mgL{};         ///< limit x (1 - margin of safety)
    PerConstituent upstream_load_gs{};   ///< load of sources that reach the section
    /// Share sigma_s of the upstream source load to cut (every contributing source alike) so that C_s = target.
    PerConstituent required_cut_share{};
    PerConstituent required_cut_gs{};    ///< share x upstream load
    /// Where N_s + U_s >= target: share of the boundary inflow's excess load to cut upstream of the case, and that load.
    PerConstituent boundary_cut_share{};
    PerConstituent boundary_cut_gs{};
    std::array<bool, kNumConstituents> feasible = uniform(true);  ///< false: natural background alone exceeds the target
};

struct ReductionOptions {
    double mos_fraction = 0.0;  ///< margin of safety: target = limit x (1 - mos_fraction)
};

struct Apportionment {
    std::vector<SectionApportionment> sections;  ///< aligned with CaseModel::sections
    std::vector<std::int32_t> boundary_reaches;  ///< headwater reaches carrying boundary inflow (above natural)
    std::vector<PerConstituent> boundary_excess_gs;  ///< their excess load Q (C - C_natural), aligned
    double mos_fraction = 0.0;
};

/// `progress` (optional) is called with the fraction of sources routed.
Apportionment apportion(const CaseModel& m, const std::function<void(double)>& progress = {}, const ReductionOptions& opt = {});

/// Capacity of each reach at the target class of the first section at or below it.
struct ReachCapacity {
    std::int32_t reach = kNone;
    int target_class = 0;                   ///< 0: no section downstream, no capacity computed
    std::string control_section;            ///< section id setting the target
    PerConstituent limit_mgL{};
    PerConstituent inflow_conc_mgL{};  ///< entering the reach (modelled)
    PerConstituent capacity_gs{};      ///< largest load at the discharge point keeping the reach end at the limit
    PerConstituent current_gs{};       ///< sources on the reach now
    PerConstituent reduction_gs{};     ///< max(0, current - capacity); with an apportionment: the per-reach cut
    // With an apportionment (the one reduction answer, per reach):
    PerConstituent allowed_gs{};        ///< current - cut: the load the reach may keep
    std::array<std::string, kNumConstituents> binding_section;  ///< section whose share sets most of the cut
    std::vector<PerConstituent> cut_for_section_gs;  ///< sigma_s x load of the reach's sources reaching s, per section
    /// The modelled inflow alone (own sources removed) already exceeds the limit at the reach end: load that must be
    /// removed from the water entering the reach, i.e. upstream, for the end to meet the limit.
    PerConstituent upstream_cut_gs{};
};

enum class DischargePoint { Midpoint, End };
const char* capacity_method(DischargePoint p);

/// Per reach, with the flows of the design condition (the case as given):
///   W = (C_s - C_end,without) / dC_end per unit load, the load placed at the reach's midpoint (or end),
/// which for one reach without lateral inflow is W = (C_s - C0 e^{-kL/u}) Q e^{kL/2u} (midpoint) or
/// (C_s - C0 e^{-kL/u}) Q (end, GB/T 25173-2010 one-dimensional form).
std::vector<ReachCapacity> reach_capacity(const CaseModel& m, DischargePoint at = DischargePoint::Midpoint);
/// As above, with the required cuts of `a` (apportion(m, ..)) per reach: reduction_gs, allowed_gs, cut_for_section_gs.
std::vector<ReachCapacity> reach_capacity(const CaseModel& m, const Apportionment& a, DischargePoint at = DischargePoint::Midpoint);

/// Per source, the share of its load to cut: the largest sigma_s of the sections its load reaches.
std::vector<PerConstituent> source_cut_shares(const CaseModel& m, const Apportionment& a);

}  // namespace qingliu::scenarios
