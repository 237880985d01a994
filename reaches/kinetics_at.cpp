// The kinetics at one temperature assembled once (KineticsAt), the species the series of a segment carries
// (split_species), and the rates and completely mixed elements computed from its tables
// (reaches/kinetics_series.hpp).
#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "reaches/kinetics_series.hpp"

namespace qingliu::reaches::wq {

KineticsAt::KineticsAt(const Parameters& p, double temperature_c) : p_(p) {
    Parameters off = p;
    off.cbod_o2_effect = off.nitrification_o2_effect = off.denitrification_o2_effect = O2Effect::None;
    Environment env;
    env.temperature_c = temperature_c;
    env.depth_m = 1.0;
    env.ka20_per_d = 1.0;
    env.os_mgL = 1.0;
    env.sod_g_m2_d = 1.0;
    unit_ = process_table(off, env, 0.0);
    sod_default_ = p.sod_g_m2_d;
    oxygen_dependent_ = depends_on_oxygen(p);
}

ProcessTable KineticsAt::table(double h, double ka20, double os, double sod20) const {
    ProcessTable t = unit_;
    const double inv_h = 1.0 / h;
    t[CbodSettling].k *= inv_h;
    t[OrgNSettling].k *= inv_h;
    t[OrgPSettling].k *= inv_h;
    t[IpSettling].k *= inv_h;
    t[Reaeration].k *= ka20;            // -ka theta^(T-20)
    t[Reaeration].r0 *= ka20 * os;      // ka os
    t[SedimentO2Demand].r0 *= (sod20 >= 0.0 ? sod20 : sod_default_) * inv_h;
    return t;
}

SeriesSplit split_species(const Parameters& par, const ProcessTable& pt) {
    SeriesSplit sp;
    auto active = [&](int p) { return (pt[p].from >= 0 && pt[p].k != 0.0) || pt[p].r0 != 0.0; };
    auto gated = [&](int p) {
        const O2Effect e = p == CbodOxidation     ? par.cbod_o2_effect
                           : p == Nitrification   ? par.nitrification_o2_effect
                           : p == Denitrification ? par.denitrification_o2_effect
                                                  : O2Effect::None;
        return e != O2Effect::None && pt[p].from >= 0 && pt[p].k != 0.0;
    };
    bool any_gated = false;
    for (int p = 0; p < kNumProcesses; ++p) any_gated = any_gated || gated(p);
    if (!any_gated) {
        for (int i = 0; i < kNumSpecies; ++i) sp.series[i] = true;
    } else {
        sp.series[DO] = true;
        for (int p = 0; p < kNumProcesses; ++p)
            if (gated(p)) sp.series[pt[p].from] = true;
        // closure: a process touching a species of the series brings in the species it draws on and feeds
        for (bool grew = true; grew;) {
            grew = false;
            for (int p = 0; p < kNumProcesses; ++p) {
                if (!active(p)) continue;
                bool touches = pt[p].from >= 0 && sp.series[pt[p].from];
                for (int i = 0; i < kNumSpecies; ++i) touches = touches || (pt[p].yield[i] != 0.0 && sp.series[i]);
                if (!touches) continue;
                auto add = [&](int i) {
                    if (!sp.series[i]) sp.series[i] = grew = true;
                };
                if (pt[p].from >= 0) add(pt[p].from);
                for (int i = 0; i < kNumSpecies; ++i)
                    if (pt[p].yield[i] != 0.0) add(i);
            }
        }
    }
    for (int i = 0; i < kNumSpecies; ++i) {
        if (sp.series[i]) sp.idx[sp.n++] = i;
        else sp.rest = true;
    }
    for (int p = 0; p < kNumProcesses; ++p) {
        bool in = pt[p].from >= 0 && sp.series[pt[p].from];
        for (int i = 0; i < kNumSpecies; ++i) in = in || (pt[p].yield[i] != 0.0 && sp.series[i]);
        sp.process[p] = in;
    }
    return sp;
}

namespace {

// The table with the oxygen gates evaluated at o (as process_table applies them).
ProcessTable gated(const Parameters& p, const ProcessTable& table, double o) {
    ProcessTable t = table;
    const OxygenGates og = oxygen_gates(p, o);
    t[CbodOxidation].k *= og.g[0];
    t[Nitrification].k *= og.g[1];
    t[Denitrification].k *= og.g[2];   // 1 without an effect
    return t;
}

}  // namespace

State derivative_at(const Parameters& p, const ProcessTable& table, const State& y, PerProcess* rates) {
    const double o = y[DO];
    double g[kNumProcesses];
    std::fill(std::begin(g), std::end(g), 1.0);
    const OxygenGates og = oxygen_gates(p, o);
    g[CbodOxidation] = og.g[0];
    g[Nitrification] = og.g[1];
    g[Denitrification] = og.g[2];
    State d{};
    for (int q = 0; q < kNumProcesses; ++q) {
        const ProcessTerm& x = table[q];
        const double rate = (x.from >= 0 ? x.k * g[q] * y[x.from] : 0.0) + x.r0;
        if (rates) (*rates)[q] = rate;
        for (int i = 0; i < kNumSpecies; ++i) d[i] += x.yield[i] * rate;
    }
    return d;
}

MixedElement mixed_element_at(const Parameters& p, const ProcessTable& table, const State& load_in_gs,
                              double flow_m3s, double volume_m3) {
    if (!(flow_m3s > 0.0)) throw ModelError("completely mixed element needs a flow > 0 m3/s");
    const double v_per_d = volume_m3 / 86400.0;  // rates in 1/d x V (m3) / 86400 -> m3/s
    auto solve_at = [&](double o_ref) {
        MixedElement e;
        LinearForm f;
        f.process = gated(p, table, o_ref);
        const Assembled s = assemble(f);
        // (Q - V A) C = W + V b, lower triangular
        for (int i = 0; i < kNumSpecies; ++i) {
            double rhs = load_in_gs[i] + v_per_d * s.c0[i];
            for (int j = 0; j < i; ++j) rhs += v_per_d * s.a[i][j] * e.conc_mgL[j];
            e.conc_mgL[i] = rhs / (flow_m3s - v_per_d * s.a[i][i]);
        }
        for (int q = 0; q < kNumProcesses; ++q) {
            const ProcessTerm& x = f.process[q];
            e.processed[q] = v_per_d * ((x.from >= 0 ? x.k * e.conc_mgL[x.from] : 0.0) + x.r0);
        }
        return e;
    };
    MixedElement e0 = solve_at(0.0);
    if (!depends_on_oxygen(p) || e0.conc_mgL[DO] <= 0.0) return e0;  // effects clamp DO at 0: rates as at 0
    // g(o) = DO(o) - o falls with o (more DO, faster oxygen use): its root lies in [0, DO(0)]; bisection with
    // secant steps (Illinois) to 1e-13 of the bracket
    double lo = 0.0, hi = e0.conc_mgL[DO];
    double glo = e0.conc_mgL[DO], ghi = solve_at(hi).conc_mgL[DO] - hi;
    if (ghi >= 0.0) return solve_at(hi);
    int side = 0;
    for (int it = 0; it < 200 && hi - lo > 1e-13 * std::max(1.0, hi); ++it) {
        double o = (lo * ghi - hi * glo) / (ghi - glo);
        if (!(o > lo && o < hi)) o = 0.5 * (lo + hi);
        const double g = solve_at(o).conc_mgL[DO] - o;
        if (std::abs(g) <= 1e-14 * std::max(1.0, o)) return solve_at(o);
        if (g > 0.0) {
            lo = o;
            glo = g;
            if (side == 1) ghi *= 0.5;
            side = 1;
        } else {
            hi = o;
            ghi = g;
            if (side == -1) glo *= 0.5;
            side = -1;
        }
    }
    return solve_at(0.5 * (lo + hi));
}

}  // namespace qingliu::reaches::wq
