// The one-reach case of the calibration and Monte Carlo tests: a reach of constant velocity (0.5 m/s, rates 0) with
// a village of 86,400 people whose sewage is not treated, and a class III section at the reach's end. There
//     C = Cb + 86400 g / 1000 (kg/d) / 86.4 (kg/d per g/s) / Q x entry = Cb + g / Q x entry   (mg/L)
// per constituent, g the coefficient in g per person per day. Only the entry coefficient has a range: 0.2 within
// 0.1-0.4.
#pragma once
#include "scenarios/case.hpp"

namespace qingliu::test {

inline scenarios::CaseModel village_case(double length_km, double q_m3s, PerConstituent background, PerConstituent g_cap_d) {
    reaches::NetworkBuilder b;
    reaches::NetworkBuilder::Reach r;
    r.id = "R";
    r.river = "河";
    r.length_km = length_km;
    r.hydraulics = hydro::Hydraulics::constant(0.5);
    r.headwater_flow_m3s = q_m3s;
    r.headwater_conc_mgL = background;
    b.add(r);
    scenarios::CaseModel m;
    m.net = b.finish();
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
    reaches::Section s;
    s.id = "end";
    s.reach = 0;
    s.position_m = length_km * 1000.0;
    s.target_class = 3;
    m.sections = {s};
    return m;
}

}  // namespace qingliu::test
