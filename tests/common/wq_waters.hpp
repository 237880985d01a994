// The waters of the water-quality solver tests (steady and dynamic): a raw sewage, a clean river at a share of DO
// saturation, loads as concentration x flow, a reach of the test networks with given hydraulics, and the
// junction-and-split case of the dynamic water-quality tests.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "hydro/hydraulics.hpp"
#include "reaches/kinetics.hpp"
#include "reaches/network.hpp"
#include "reaches/oxygen.hpp"
#include "reaches/dynamic_wq.hpp"
#include "reaches/steady_wq.hpp"

namespace qingliu::test {

inline reaches::NetworkBuilder::Reach wq_reach(const std::string& id, const std::string& down, double km,
                                               const hydro::Hydraulics& h, double q_head = 0.0) {
    reaches::NetworkBuilder::Reach r;
    r.id = id;
    r.river = "R";
    r.downstream = down;
    r.length_km = km;
    r.hydraulics = h;
    r.headwater_flow_m3s = q_head;
    return r;
}

/// Raw sewage, mg/L (DO 1 mg/L).
inline reaches::wq::State sewage() {
    using namespace reaches::wq;
    State c{};
    c[OrgN] = 8.0; c[NH3N] = 20.0; c[NO3N] = 1.0; c[CBOD] = 60.0; c[CODMn] = 25.0; c[COD] = 80.0;
    c[OrgP] = 1.5; c[IP] = 2.0; c[DO] = 1.0;
    return c;
}
/// A clean river, mg/L, DO at 95 % of the saturation os.
inline reaches::wq::State river(double os) {
    using namespace reaches::wq;
    State c{};
    c[OrgN] = 0.3; c[NH3N] = 0.2; c[NO3N] = 1.0; c[CBOD] = 2.0; c[CODMn] = 2.5; c[COD] = 10.0;
    c[OrgP] = 0.03; c[IP] = 0.02; c[DO] = 0.95 * os;
    return c;
}
/// Loads (g/s) of water at concentrations c (mg/L) and flow q (m3/s).
inline reaches::wq::State loads(const reaches::wq::State& c, double q) {
    reaches::wq::State l;
    for (int i = 0; i < reaches::wq::kNumSpecies; ++i) l[i] = c[i] * q;
    return l;
}

/// A water-quality test case: its network, reach data, inputs, observations and DO saturation.
struct WqCase {
    reaches::Network net;
    reaches::wq::ReachData data;
    std::vector<reaches::wq::Input> in;
    std::vector<reaches::Observation> obs;
    double os = 0.0;  ///< DO saturation at 19 degC, mg/L
};

/// The dynamic water-quality tests' options: 19 degC, 3 cells per reach, QUAL2K's oxygen effects or none.
inline reaches::wq::DynamicOptions dynamic_options(bool oxygen_effects) {
    using namespace reaches::wq;
    DynamicOptions o;
    o.steady.temperature_c = 19.0;
    if (!oxygen_effects)
        o.steady.params.cbod_o2_effect = o.steady.params.nitrification_o2_effect = o.steady.params.denitrification_o2_effect = O2Effect::None;
    o.cells_per_reach = 3;
    return o;
}

/// A year (or `days`) of daily forcing: flows x (0.4 .. 2.2) seasonally with day-to-day noise, the first input's load
/// by a weekly pattern, the second's (a spread load) washed off with the flow, monthly temperatures 8 .. 26 degC.
inline reaches::wq::DynamicForcing changing_forcing(std::size_t days) {
    reaches::wq::DynamicForcing f;
    f.steps = days;
    f.load_patterns.assign(2, std::vector<double>(days));
    for (std::size_t d = 0; d < days; ++d) {
        const double season = 1.3 - 0.9 * std::cos(2.0 * M_PI * d / 365.0);
        const double noise = 1.0 + 0.15 * std::sin(1.7 * d * d + 0.3 * d);
        f.flow.scale.push_back(season * noise);
        f.load_patterns[0][d] = 1.0 + 0.3 * ((d % 7) < 5 ? 1.0 : -1.0);
        f.load_patterns[1][d] = season * noise;
        f.temperature_c.push_back(17.0 - 9.0 * std::cos(2.0 * M_PI * ((d / 30) * 30 + 15) / 365.0));
    }
    f.input_pattern = {0, 1};
    return f;
}

/// A and B (1.5 and 0.8 m3/s) join in C (lateral inflow 0.3 m3/s, a quarter split off through E), all rejoin in D
/// (a 1.5 m weir at C's end); clean river water at 19 degC everywhere, a sewage outfall on C (0.3 m3/s at 2 km), a
/// spread load on D (0.02 m3/s over 1-5 km); observed at C 4 km and D 6 km. Every reach with hydraulics h.
using JunctionSplitCase = WqCase;
inline JunctionSplitCase junction_split_case(const hydro::Hydraulics& h) {
    reaches::NetworkBuilder b;
    b.add(wq_reach("A", "C", 5.0, h, 1.5));
    b.add(wq_reach("B", "C", 3.0, h, 0.8));
    auto c = wq_reach("C", "D", 8.0, h);
    c.lateral_flow_m3s = 0.3;
    c.split_to = "E";
    c.split_fraction = 0.25;
    b.add(c);
    b.add(wq_reach("E", "D", 2.0, h));
    b.add(wq_reach("D", "", 6.0, h));
    JunctionSplitCase k;
    k.net = b.finish();
    k.os = reaches::do_saturation_mgL(19.0);
    k.data = reaches::wq::ReachData::sized(5);
    for (int r = 0; r < 5; ++r) k.data.headwater_conc_mgL[r] = k.data.lateral_conc_mgL[r] = river(k.os);
    k.data.sod_g_m2_d = {0.5, 0.5, 1.5, 0.5, 1.0};
    k.data.dam_drop_m = {0.0, 0.0, 1.5, 0.0, 0.0};
    const std::int32_t ci = k.net.topo.find("C"), di = k.net.topo.find("D");
    k.in = {{ci, 2000.0, -1.0, 0.3, loads(sewage(), 0.3), 0}, {di, 1000.0, 5000.0, 0.0, loads(sewage(), 0.02), 1}};
    k.obs = {{ci, 4000.0, 0}, {di, 6000.0, 1}};
    return k;
}

}  // namespace qingliu::test
