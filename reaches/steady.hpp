// Steady-state routing on a reach network.
//
// Within a reach, between consecutive points (sources, sections, ends) the flow gains lateral inflow q_l (m3/s per m)
// of concentration C_L, and each constituent decays first-order in plug flow with velocity u evaluated at the
// segment's mean flow. For the load L = Q C (g/s) this gives dL/dx = q_l C_L - (k/u) L, solved exactly:
//     L(x) = L0 e^{-a x} + (q_l C_L / a)(1 - e^{-a x}),   a = k/u  (1/m, k in 1/s)
// which for q_l = 0 is C(x) = C0 exp(-k x / u). Point inputs and junctions mix completely. A reach's outflow first
// supplies its fixed transfers, then splits by fraction between its main and side downstream reaches.
// Mass decayed per segment is integrated separately, a int L dx = L0(1-e) + q_l C_L (x - (1-e)/a),
// so the per-reach audit (in - out - decayed) checks the bookkeeping rather than restating it.
#pragma once
#include <functional>
#include <vector>

#include "reaches/network.hpp"

namespace qingliu::reaches {

struct SteadyOptions {
    PerConstituent k_per_d{};  ///< rates at the water temperature (see Kinetics::at)
    double profile_step_m = 0.0;            ///< > 0: also record concentrations every step along each reach
    std::function<void(double)> progress;   ///< called with the fraction done on long runs (may be empty)
};

struct ProfilePoint {
    std::int32_t reach;
    double position_m;
    double flow_m3s;
    PerConstituent conc_mgL;
};

struct SteadyResult {
    // per reach
    std::vector<double> flow_in_m3s;        ///< at the upstream end, after mixing of all inflows
    std::vector<double> flow_out_m3s;       ///< at the downstream end, before splits and transfers
    std::vector<double> velocity_out_ms;    ///< at the downstream end
    std::vector<double> travel_time_d;      ///< through the reach
    std::vector<PerConstituent> conc_out_mgL;
    std::vector<PerConstituent> load_out_gs;
    std::vector<PerConstituent> load_in_gs;   ///< everything entering the reach (upstream, headwater, lateral, points)
    std::vector<PerConstituent> decayed_gs;
    std::vector<char> dry;                    ///< reach carries no water
    // per observation (same order as given)
    std::vector<PerConstituent> obs_conc_mgL;
    std::vector<double> obs_flow_m3s;
    // network totals
    PerConstituent total_input_gs{};   ///< headwater + lateral + point inputs
    PerConstituent outlet_load_gs{};   ///< leaving through outlets
    PerConstituent total_decayed_gs{};
    double max_reach_imbalance = 0.0;         ///< max over reaches and constituents of |in - out - decayed| / max(in, tiny)
    std::vector<ProfilePoint> profile;
};

/// Solves the network. Inputs and observations need not be sorted. Throws ModelError for a reach that receives
/// load but carries no water, for a transfer larger than its supply, or for a zero velocity.
SteadyResult solve_steady(const Network& net, const std::vector<PointInput>& inputs,
                          const std::vector<Observation>& observations, const SteadyOptions& options);

/// The steady model's linear response with flows fixed (superposition: the routing equations are linear in the loads
/// once flows, velocities and rates are fixed). For every observation o,
///     C_o = B_o + sum_j T_oj L_j          (mg/L)
/// B_o: concentration from headwater and lateral inflow (inputs' water without their loads);
/// T_oj: mg/L at o per g/s of input j's load (column j lists only the observations its load reaches).
/// Holds while flows, rates, hydraulics, input positions and input flows stay as given; loads may change freely.
/// Columns are computed by carrying a unit load of each input downstream through the same segments the solver uses
/// (profile_step_m is ignored), in parallel over inputs.
struct SteadyResponse {
    std::vector<PerConstituent> background_mgL;  ///< B_o, per observation
    std::vector<double> obs_flow_m3s;            ///< per observation
    /// Column j is entries [col_start[j], col_start[j+1]) of obs / coef.
    std::vector<std::int64_t> col_start;
    std::vector<std::int32_t> obs;
    std::vector<PerConstituent> coef;            ///< T_oj, mg/L per g/s
    /// 1 for an input whose load would land where there is no water (the full solve refuses such a load).
    std::vector<char> dry_input;

    /// C_o for the given loads (one per input, same order as the inputs the response was built from).
    std::vector<PerConstituent> concentrations(const std::vector<PerConstituent>& loads_gs) const;
};
SteadyResponse steady_response(const Network& net, const std::vector<PointInput>& inputs,
                               const std::vector<Observation>& observations, const SteadyOptions& options);

/// Flows only (no loads): flow at the upstream and downstream end of every reach.
struct SteadyFlows {
    std::vector<double> flow_in_m3s, flow_out_m3s;
};
SteadyFlows steady_flows(const Network& net, const std::vector<PointInput>& inputs);

}  // namespace qingliu::reaches
