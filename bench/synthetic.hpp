// Synthetic river networks for benchmarks: random, realistic, reproducible.
//
//   #include "bench/synthetic.hpp"
//   qingliu::bench::SyntheticSpec spec;
//   spec.reaches = 100000; spec.sources = 10000; spec.sections = 200; spec.seed = 7;
//   qingliu::scenarios::CaseModel m = qingliu::bench::make_synthetic(spec);
//   auto inputs = qingliu::scenarios::point_inputs(m);        // reaches::PointInput per source
//   auto obs = qingliu::scenarios::observations(m);           // reaches::Observation per section
//   auto res = qingliu::reaches::solve_steady(m.net, inputs, obs, {m.kinetics.at(m.temperature_c)});
//
// What is generated (same spec and seed give the same case, on any machine):
// - Topology: a uniformly random binary tree (Rémy's algorithm), i.e. Shreve's random topology model of channel
//   networks (Shreve 1966, J. Geology 74:17-37), which reproduces Horton's laws of stream numbers on average; every
//   junction joins two reaches, half the reaches are first-order headwaters, and the main stem grows like sqrt(n).
//   `side_channels` reaches then get a side channel that takes a fraction (0.1-0.4) of their outflow and rejoins at
//   the same junction (like the Yongsi river beside the Minjiang).
// - Reach length: uniform 1-10 km.
// - Flows (dry-season design flow): each headwater 0.01-0.1 m3/s (a first-order catchment of ~5-20 km2 at a dry-season
//   specific discharge of ~2-5 L/(s km2)); every reach gains lateral inflow of 2-8 L/s per km of reach.
// - Hydraulic geometry u = a Q^b, H = c Q^d (Leopold & Maddock 1953, USGS PP 252: downstream exponents b ~ 0.1-0.2,
//   d ~ 0.4): a in [0.25, 0.45] m/s, b in [0.10, 0.25], c in [0.25, 0.45] m, d in [0.35, 0.45].
// - Background: headwater COD 8, NH3-N 0.2, TP 0.05 mg/L; lateral inflow COD 10, NH3-N 0.3, TP 0.08 mg/L (the shipped
//   Leshan case's values, class II-III water).
// - Sources at uniformly random reaches and positions, by type:
//     35 % sewage_plant  0.01-0.5 m3/s at GB 18918-2002 grade 1A/1B effluent (COD 50/60, NH3-N 5/8, TP 0.5/1 mg/L)
//     25 % outfall       0.001-0.05 m3/s, COD 80-250, NH3-N 8-30, TP 1-4 mg/L (untreated domestic sewage range)
//     10 % industry      0.005-0.1 m3/s at GB 18918 grade 2-like (COD 100, NH3-N 25, TP 3 mg/L) x 0.5-1
//     30 % diffuse (livestock, cropland, rural_domestic): no water, spread along the whole reach (end_m = length),
//                        COD 5-50, NH3-N 0.2-3, TP 0.05-0.5 kg/d
// - Sections (optional) at random reaches and positions with target class III (60 %) or IV (40 %), levels cycling
//   national/provincial/municipal.
// - Kinetics: COD 0.20, NH3-N 0.15, TP 0.05 1/d at 20 degC, theta 1.047/1.07/1.024 (as the shipped Leshan case).
//
// Ids are "R<n>" (reach), "S<n>" (source) and "X<n>" (section). Rivers are named by the headwater that starts the
// longest path ("river<n>"), so a river's reaches form a continuous stem.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "scenarios/case.hpp"

namespace qingliu::scenarios {
struct DynamicInputs;  // analyses/simulate.hpp
}

namespace qingliu::bench {

struct SyntheticSpec {
    std::size_t reaches = 10000;      ///< total reaches (rounded up to an odd tree size, plus side channels)
    std::size_t sources = 1000;       ///< point and diffuse sources
    std::size_t sections = 0;         ///< monitoring sections
    std::size_t side_channels = 0;    ///< side channels that split off and rejoin (included in `reaches`)
    std::uint64_t seed = 1;
    double temperature_c = 20.0;
};

/// A case built entirely in code (no files); deterministic in spec. Throws ModelError only if spec is absurd
/// (reaches < 1).
scenarios::CaseModel make_synthetic(const SyntheticSpec& spec);

/// Bytes held by the network, sources and sections of a case (vectors' capacities and string buffers), for
/// "memory per reach" figures.
std::size_t case_bytes(const scenarios::CaseModel& m);

/// Peak resident set of this process (VmHWM, kB), -1 where /proc is missing.
long peak_rss_kb();

/// Daily gauge flows relative to the design (dry-season) flow: a wet season peaking in July and random storms that
/// recede exponentially (recession constant 0.8 per day).
std::vector<double> synthetic_gauge(int days, double design, std::uint64_t seed);

/// The daily inputs of a dynamic run of a synthetic case (scenarios::simulate): a gauge at the outlet of the largest
/// river (the outlet reach with the largest design flow) recording synthetic_gauge(days, its design flow, seed) in
/// 2023, no per-reach series, load series, areas or monthly temperatures.
scenarios::DynamicInputs synthetic_dynamic_inputs(const scenarios::CaseModel& m, int days, std::uint64_t seed);

}  // namespace qingliu::bench
