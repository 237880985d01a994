// Cases built in code for the tests (design rule 3): a reach, a source and a section with the fields a test sets,
// everything else at its default.
#pragma once
#include <cstdint>
#include <string>

#include "hydro/hydraulics.hpp"
#include "loads/source.hpp"
#include "reaches/network.hpp"
#include "reaches/sections.hpp"

// The builders name only the fields a test sets; the others keep their defaults, which is what GCC's
// -Wmissing-field-initializers would report about every designated initializer below.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace qingliu::test {

/// A reach flowing into `down` ("" at an outlet) with its headwater flow (m3/s) and concentrations (mg/L).
inline reaches::NetworkBuilder::Reach reach(const std::string& id, const std::string& river, const std::string& down, double km,
                                            const hydro::Hydraulics& h, double q_head_m3s = 0.0, PerConstituent c_head_mgL = {}) {
    return {.id = id, .river = river, .downstream = down, .length_km = km, .hydraulics = h, .headwater_flow_m3s = q_head_m3s,
            .headwater_conc_mgL = c_head_mgL};
}

/// The network of one reach "R" (river 河) of constant velocity u_ms, with its headwater flow and concentrations.
inline reaches::Network one_reach(double km, double u_ms, double q_head_m3s, PerConstituent c_head_mgL = {}) {
    reaches::NetworkBuilder b;
    b.add(reach("R", "河", "", km, hydro::Hydraulics::constant(u_ms), q_head_m3s, c_head_mgL));
    return b.finish();
}

/// Load (g/s) of a flow q (m3/s) at concentrations c (mg/L = g/m3): q c.
inline PerConstituent load_of(double q_m3s, PerConstituent c_mgL) {
    PerConstituent l{};
    for (int k = 0; k < kNumConstituents; ++k) l[k] = q_m3s * c_mgL[k];
    return l;
}

/// A point source on `reach` at `position_m` with its flow (m3/s) and load (g/s).
inline loads::Source source(const std::string& id, const std::string& type, std::int32_t reach, double position_m, double q_m3s,
                            PerConstituent load_gs) {
    return {.id = id, .type = type, .reach = reach, .position_m = position_m, .flow_m3s = q_m3s, .load_gs = load_gs};
}

/// A monitoring section on `reach` at `position_m` with its target class.
inline reaches::Section section(const std::string& id, std::int32_t reach, double position_m, int target_class = 3) {
    return {.id = id, .reach = reach, .position_m = position_m, .target_class = target_class};
}

}  // namespace qingliu::test

#pragma GCC diagnostic pop
