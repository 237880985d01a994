// The waters of the water-quality solver tests (steady and dynamic): a raw sewage, a clean river at a share of DO
// saturation, loads as concentration x flow, and a reach of the test networks with given hydraulics.
#pragma once
#include <string>

#include "hydro/hydraulics.hpp"
#include "reaches/kinetics.hpp"
#include "reaches/network.hpp"

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

}  // namespace qingliu::test
