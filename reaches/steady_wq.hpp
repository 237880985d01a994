// Steady water quality on a reach network with the QUAL2K-class kinetics of reaches/kinetics.hpp.
//
// Flows are those of the steady solver (headwaters, lateral inflow, input flows, fixed transfers first, then the
// split by fraction). Within a reach, between consecutive points (inputs, ends of spread inputs, sections), the
// loads of the nine species obey the plug-flow system of solve_plug_segment with the segment's velocity and depth
// at its mean flow, solved by its Taylor series to rounding, oxygen effects included (reaches/kinetics_series.hpp;
// where DO reaches 0 by the extrapolated frozen substeps to rel_tol). The kinetics at the run's temperature are
// assembled once; reaches are routed level by level (reaches/levels.hpp), and in networks of 4,096 reaches or more
// the reaches of a large level on all cores, with the same results as one thread. Reaeration per reach: its
// own ka20 if given, else the case's method from velocity, depth, flow and slope (reaches/oxygen.hpp); DO
// saturation from the temperature and the reach's elevation. A reach may end at a weir or dam (Butts & Evans).
// Point inputs and junctions mix completely. Alternatively a reach is a chain of n completely mixed elements
// (QUAL2K): inputs enter the element that contains their position (spread inputs and lateral inflow pro rata by
// length), sections report the element they lie in.
#pragma once
#include <cstdint>
#include <vector>

#include "reaches/kinetics.hpp"
#include "reaches/network.hpp"
#include "reaches/oxygen.hpp"

namespace qingliu::reaches::wq {

/// Water-quality attributes per reach, index-aligned with the network.
struct ReachData {
    std::vector<State> headwater_conc_mgL;  ///< of the headwater inflow
    std::vector<State> lateral_conc_mgL;    ///< of the lateral inflow
    std::vector<double> elevation_m;        ///< mean elevation (DO saturation); empty: 0
    std::vector<double> sod_g_m2_d;         ///< < 0 or empty: the parameter default
    std::vector<double> ka20_per_d;         ///< > 0: the reach's own reaeration rate ("Specified"); empty: by method
    std::vector<double> slope;              ///< channel slope (Tsivoglou-Neal, Thackston-Dawson); empty: Manning's
    std::vector<double> dam_drop_m;         ///< > 0: a weir or dam at the downstream end; empty: none
    std::vector<double> dam_water_quality_factor;  ///< Butts-Evans a (empty: 1.0 moderately polluted)
    std::vector<double> dam_structure_coefficient; ///< Butts-Evans b (empty: 0.8)
    std::vector<int> elements;              ///< > 0: completely mixed elements in the reach; empty or 0: plug flow
    /// > 0: the reach's longitudinal dispersion E (m2/s) between its elements (QUAL2K's prescribed dispersion);
    /// empty or 0: Options::dispersion's. Elements only.
    std::vector<double> dispersion_m2s;
    std::vector<double> headwater_dispersion_m2s;  ///< the made-up headwater element's (0: no exchange); < 0: the reach's
    /// Non-zero: the reach is an outlet whose end meets QUAL2K's downstream boundary, of concentration
    /// downstream_conc_mgL[r], which its last element exchanges water with where it disperses
    /// (downstream_exchange_m3s). Empty: none.
    std::vector<char> downstream_boundary;
    std::vector<State> downstream_conc_mgL;

    /// All attributes empty except headwater and lateral concentrations of n reaches (zeros).
    static ReachData sized(std::size_t n);
};

/// A load entering a reach at a point, or spread uniformly over [position_m, end_m].
struct Input {
    std::int32_t reach = kNone;
    double position_m = 0.0;
    double end_m = -1.0;
    double flow_m3s = 0.0;
    State load_gs{};
    std::int32_t source = kNone;
};

/// Dispersion between completely mixed elements (reaches/steady_wq_chain.hpp): none, or QUAL2K's from each element's
/// hydraulics (Fischer's formula less the numerical dispersion of the elements). A reach's own dispersion_m2s wins.
enum class Dispersion { None, Qual2k };

struct Options {
    Parameters params = Parameters::defaults();
    Dispersion dispersion = Dispersion::None;
    double temperature_c = 20.0;
    ReaerationMethod reaeration = ReaerationMethod::Internal;
    double rel_tol = 1e-11;     ///< tolerance of the frozen substeps, where the series cannot be used (DO <= 0)
    bool parallel = true;       ///< the levels of large networks on all cores (same results as one thread)
    /// true: every plug-flow segment by the general solve (solve_plug_frozen to rel_tol, or the exponential of the
    /// augmented matrix without oxygen effects) instead of the Taylor series: the reference the fast paths are
    /// tested against; several hundred times slower with oxygen effects.
    bool general_solve = false;
};

struct Result {
    std::vector<double> flow_in_m3s, flow_out_m3s;
    std::vector<State> conc_out_mgL;     ///< at the downstream end (below a dam)
    std::vector<State> load_in_gs;       ///< upstream inflow, headwater, lateral and inputs
    std::vector<State> load_out_gs;
    std::vector<PerProcess> processed_gs;  ///< each process's total within the reach
    std::vector<double> dam_do_gain_gs;  ///< oxygen gained over the weir or dam at the reach end
    std::vector<double> ka20_per_d;      ///< reaeration used (at the reach's mean flow)
    std::vector<State> obs_conc_mgL;
    std::vector<double> obs_flow_m3s;
    State total_input_gs{}, outlet_load_gs{};
    PerProcess total_processed_gs{};
    double dam_do_gain_total_gs = 0.0;
    /// max over reaches and species of |in - out + sum_p yield_p,i processed_p (+ dam for DO)| / max(in, out)
    double max_reach_imbalance = 0.0;
    std::size_t segments = 0, frozen_segments = 0;  ///< plug-flow segments solved; of them by the frozen substeps
};

/// Throws ModelError where the reach data's per-reach vectors do not match the network.
void check_reach_data(const Network& net, const ReachData& data);

/// Throws ModelError for a reach without depth (the kinetics need it), a load where there is no water, a transfer
/// larger than its supply, or a reaeration method that lacks a quantity.
Result solve_steady_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                       const std::vector<Observation>& observations, const Options& options);

/// Whether reach r's elements exchange water with their neighbours (QUAL2K's dispersion or the reach's own), and
/// whether any reach's do.
bool disperses(const ReachData& data, const Options& opt, std::size_t r);
bool has_dispersion(const ReachData& data, const Options& opt);

/// The kinetics environment of reach r at flow q (velocity u returned): depth from the hydraulics, reaeration by the
/// reach's own ka or the method, DO saturation at the reach's elevation, its SOD. Throws ModelError naming the reach.
Environment reach_environment(const Network& net, const ReachData& data, const Options& opt, std::int32_t r, double q,
                              double& u);

/// What GB 3838-2002 judges from a state: DO, CODMn, COD, BOD5 (from CBODu with the bottle rate), NH3-N, TP
/// (organic + inorganic) and TN (sum of the N species), as (class-table key, mg/L).
struct Item {
    const char* key;
    double value_mgL;
};
std::vector<Item> gb3838_items(const State& c, double bod_bottle_k_per_d);

}  // namespace qingliu::reaches::wq
