// The one-reach case of the calibration and Monte Carlo tests: a reach of constant velocity (0.5 m/s, rates 0) with
// a village of 86,400 people whose sewage is not treated, and a class III section at the reach's end. There
//     C = Cb + 86400 g / 1000 (kg/d) / 86.4 (kg/d per g/s) / Q x entry = Cb + g / Q x entry   (mg/L)
// per constituent, g the coefficient in g per person per day. Only the entry coefficient has a range: 0.2 within
// 0.1-0.4.
#pragma once
#include "scenarios/case.hpp"
#include "tests/common/case_builders.hpp"

namespace qingliu::test {

inline scenarios::CaseModel village_case(double length_km, double q_m3s, PerConstituent background, PerConstituent g_cap_d) {
    scenarios::CaseModel m;
    m.net = one_reach(length_km, 0.5, q_m3s, background);
    m.kinetics.k20_per_d = {};
    loads::Village v;
    v.id = "V";
    v.reach = 0;
    v.population = 86400.0;
    v.removal = 0.0;
    m.inventory.villages = {v};
    auto row = [](const char* cat, const char* par, double value, double lo, double hi) {
        loads::Coefficient c;
        c.category = cat;
        c.key = "default";
        c.parameter = par;
        c.value = value;
        c.low = lo;
        c.high = hi;
        return c;
    };
    m.inventory.coefficients.set(row("rural", "cod_g_cap_d", g_cap_d[0], g_cap_d[0], g_cap_d[0]));
    m.inventory.coefficients.set(row("rural", "nh3n_g_cap_d", g_cap_d[1], g_cap_d[1], g_cap_d[1]));
    m.inventory.coefficients.set(row("rural", "tp_g_cap_d", g_cap_d[2], g_cap_d[2], g_cap_d[2]));
    m.inventory.coefficients.set(row("rural_entry", "entry", 0.2, 0.1, 0.4));
    scenarios::refresh_sources(m);
    m.sections = {section("end", 0, length_km * 1000.0)};
    return m;
}

}  // namespace qingliu::test
