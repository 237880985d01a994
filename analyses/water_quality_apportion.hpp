// Source apportionment, required cuts and capacity for every GB 3838 item of the water-quality model that the case
// assesses (analyses/water_quality.hpp; WaterQualityOptions::items, [water_quality] items: all seven by default), from
// the response of the steady kinetics to the loads. Each item is apportioned and cut on its own, so a chosen item's
// numbers are those of the full set; items not chosen are not computed, reported, or a reason for a source's cut.
//
// Linearity. With flows fixed (a cut lowers what a source's water carries, not the water), every process of the
// kinetics is first order in a species or zero order (reaches/kinetics.hpp) except the oxygen effects f(o) on CBOD
// oxidation, nitrification and denitrification. With those off (O2Effect::None) the steady system is affine in the
// loads: between points dL/dx = A L + b with A independent of the state; mixing, splits, transfers and the
// Butts-Evans weir, DO_below = os - (os - DO_above)/r, are affine too. DO then enters as the deficit: each load of
// CBODu, organic N and NH3-N (4.57 g O2 per g N nitrified), CODMn and COD (their O2 ratios) lowers DO downstream by an
// amount proportional to the load, NO3-N raises it slightly (denitrification consumes CBOD), and reaeration ka (os - o)
// and SOD / H are the zero-order part that stays with the background. So a section's items are
//     V_s = B_s + U_s + sum_j R_sj + E_s
// with B_s background (headwater inflow up to the natural concentration, lateral inflow, the sources' water at its own
// DO without pollutants, reaeration, SOD), U_s the boundary inflow (跨界来水: headwater above the natural
// concentration), R_sj source j's pollutant load (every species but DO) carried to s, each computed as a solve of the
// linear model with that part added to the background minus the background alone, and E_s the oxygen-effect remainder:
// the full model's value minus the linear model's. E_s is 0 (to rounding) when the case's kinetics have no oxygen
// effects; with them (QUAL2K's default exponential attenuation) it is what the attenuation changes, small where DO is
// high and reported, never spread over the sources.
//
// Required cut. At section s, item i, with a margin of safety mos the target is limit (1 - mos) for a maximum item and
// limit (1 + mos) for DO (a minimum). The sources that harm the item there (R_sij > 0; for DO R_sij < 0) are cut
// by one share sigma of their pollutant loads (超量等比例削减): linear sigma = (V - target) / S with S = sum of their
// R_sij. The cut is then applied and the full model (oxygen effects included) solved again; while it misses the
// target by more than 1e-9 of the limit, sigma += (V_full(sigma) - target) / S (at most 30 steps), so the reported
// cut meets the target in the full model. If V - S is beyond the target the sources alone cannot do it: all of them go
// (sigma = 1) and the boundary inflow must fall by (V - S - target) / U of its excess (a cut upstream of the case);
// if that is not enough either the target is out of reach (background, SOD or the remainder alone miss it).
//
// Capacity (纳污能力) of a section and item: the load of the harming sources that may stay, (1 - sigma) x their load
// of the item (for DO their oxygen demand). Per source and item the cut is the largest sigma of the sections it harms;
// per reach and item, the sum over its sources: the per-reach view of the same cuts.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "analyses/apportion.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::scenarios {

struct WqItemApportionment {
    std::string key;                  ///< "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn"
    bool assessed = false;            ///< GB 3838 gives a limit for the water body (not TN in rivers)
    bool minimum = false;             ///< DO: the limit is a lower bound
    double value_mgL = 0.0;           ///< full model
    double background_mgL = 0.0;      ///< B
    double boundary_mgL = 0.0;        ///< U
    std::vector<double> by_source_mgL;  ///< R, aligned with CaseModel::sources
    double oxygen_effects_mgL = 0.0;  ///< E = full - linear
    double limit_mgL = 0.0, target_mgL = 0.0;
    bool meets_target = true;         ///< the full model meets the target with the margin
    std::vector<std::int32_t> cut_sources;  ///< sources harming the item here (the ones cut)
    double source_load_gs = 0.0;      ///< their load of the item (DO: oxygen demand)
    double cut_share_linear = 0.0;    ///< sigma from the linear response
    double cut_share = 0.0;           ///< sigma after the full-model check
    double cut_gs = 0.0, allowed_gs = 0.0;  ///< sigma x load, (1 - sigma) x load
    double boundary_cut_share = 0.0;  ///< share of the boundary inflow's excess to cut upstream
    bool feasible = true;             ///< false: no cut of the sources and boundary inflow meets the target
    double value_after_cut_mgL = 0.0; ///< full model with the cut applied (and the boundary cut, if any)
    int full_solves = 0;              ///< full-model solves of the check
};

struct WqSectionApportionment {
    std::vector<WqItemApportionment> items;  ///< the chosen items, in gb3838_items order (WqApportionment::item_keys)
};

/// A reach's sources, per item: their load, the cut (each source at its largest share) and what may stay.
struct WqReachCut {
    std::int32_t reach = kNone;
    std::string item;
    double load_gs = 0.0, cut_gs = 0.0, allowed_gs = 0.0;
    std::string binding_section;  ///< section whose share sets the largest source cut
};

struct WqApportionment {
    std::vector<WqSectionApportionment> sections;  ///< aligned with CaseModel::sections
    std::vector<std::vector<double>> item_load_gs;  ///< [source][item]: the source's load of each item (DO: O2 demand)
    std::vector<std::vector<double>> source_cut_share;  ///< [source][item]: largest sigma of the sections it harms
    std::vector<WqReachCut> reaches;  ///< reaches with sources that must cut, per item
    double mos_fraction = 0.0;
    bool linear_exact = true;         ///< the case's kinetics have no oxygen effects: E = 0
    ItemSet items = ItemSet::all();   ///< the items assessed (WaterQualityOptions::items)
    std::vector<std::string> item_keys;  ///< the chosen items, in gb3838_items order
};

/// `progress` (optional) is called with the fraction of sources routed.
WqApportionment apportion_water_quality(const CaseModel& m, const WaterQualityOptions& opt, const ReductionOptions& ropt = {},
                                        const std::function<void(double)>& progress = {});

/// A source's load of an item (g/s): the item computed on its load vector; for DO the oxygen demand
/// CBODu + r_O2,N (organic N + NH3-N) + r_mn CODMn + r_cod COD.
double wq_item_load_gs(const std::string& key, const reaches::wq::State& load_gs, const reaches::wq::Parameters& p);

/// The problem with the oxygen effects switched off: the affine model of the file comment.
WaterQualityProblem linear_water_quality_problem(WaterQualityProblem p);

}  // namespace qingliu::scenarios
