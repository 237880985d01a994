// The three-reach case of the water-quality tests: tributaries A (6 km, 0.8 m3/s) and B (4 km, 0.4 m3/s) join into C
// (15 km), each with 0.1 m3/s of lateral inflow at 10 mg/L COD, 0.3 NH3-N, 0.05 TP; a plant P1 (0.2 m3/s at 50, 5,
// 0.5 mg/L) 0.5 km and a raw-sewage outfall O1 (0.08 m3/s) 3 km down C; livestock runoff L1 along A (0.3, 0.05,
// 0.01 g/s); sections X1 at 6 km and X2 at 15 km on C; 24 degC.
#pragma once
#include <tuple>

#include "common/constituent.hpp"
#include "scenarios/case.hpp"
#include "tests/common/case_builders.hpp"

namespace qingliu::test {

struct JunctionCase {
    hydro::Hydraulics hydraulics;     ///< of every reach
    double headwater_cod_a_mgL = 10.0;  ///< A's headwater COD (B and C: 10 mg/L)
    double outfall_cod_mgL = 400.0, outfall_nh3n_mgL = 30.0;  ///< O1 (TP 6 mg/L)
    int target_class = 3;             ///< of both sections
};

inline scenarios::CaseModel junction_case(const JunctionCase& o) {
    auto per = [](double cod, double nh3n, double tp) {  // by key: the table's order is not assumed
        PerConstituent v{};
        v[idx(*constituent_from_key("cod"))] = cod;
        v[idx(*constituent_from_key("nh3n"))] = nh3n;
        v[idx(*constituent_from_key("tp"))] = tp;
        return v;
    };
    reaches::NetworkBuilder b;
    for (const auto& [id, down, km, q, cod] : {std::tuple{"A", "C", 6.0, 0.8, o.headwater_cod_a_mgL}, std::tuple{"B", "C", 4.0, 0.4, 10.0},
                                              std::tuple{"C", "", 15.0, 0.0, 10.0}}) {
        reaches::NetworkBuilder::Reach r = reach(id, "R", down, km, o.hydraulics, q, per(cod, 0.3, 0.05));
        r.lateral_flow_m3s = 0.1;
        r.lateral_conc_mgL = per(10.0, 0.3, 0.05);
        b.add(r);
    }
    scenarios::CaseModel m;
    m.net = b.finish();
    m.temperature_c = 24.0;
    m.sources = {source("P1", "sewage_plant", 2, 500.0, 0.2, per(0.2 * 50, 0.2 * 5, 0.2 * 0.5)),
                 source("O1", "outfall", 2, 3000.0, 0.08, per(0.08 * o.outfall_cod_mgL, 0.08 * o.outfall_nh3n_mgL, 0.08 * 6)),
                 source("L1", "livestock", 0, 0.0, 0.0, per(0.3, 0.05, 0.01))};
    m.sources[2].end_m = 6000.0;
    m.sections = {section("X1", 2, 6000.0, o.target_class), section("X2", 2, 15000.0, o.target_class)};
    return m;
}

/// The junction case of the water-quality analyses' tests: deep and slow reaches (ka near 1 /d), the natural
/// headwater at 10 mg/L COD, 0.3 NH3-N and 0.05 TP (A's headwater carries COD from upstream of the case).
inline scenarios::CaseModel village_case(double outfall_cod_mgL = 600.0, double outfall_nh3n_mgL = 45.0, int target_class = 2) {
    scenarios::CaseModel m =
        junction_case({hydro::Hydraulics::geometry(0.2, 0.1, 1.5, 0.3), 14.0, outfall_cod_mgL, outfall_nh3n_mgL, target_class});
    PerConstituent nat{};
    nat[idx(*constituent_from_key("cod"))] = 10.0;
    nat[idx(*constituent_from_key("nh3n"))] = 0.3;
    nat[idx(*constituent_from_key("tp"))] = 0.05;
    m.natural_headwater_mgL = nat;
    return m;
}

}  // namespace qingliu::test
