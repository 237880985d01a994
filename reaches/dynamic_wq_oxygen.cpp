// A reach's cells over a piece where rates depend on DO (reaches/dynamic_wq.hpp, "oxygen gates"): exact linear
// sub-pieces with each cell's gates frozen at its mean DO over the sub-piece, the fixed point of that mean found by
// iteration, results of one and two sub-pieces extrapolated, sub-pieces split until they agree.
#include "reaches/dynamic_wq_run.hpp"

namespace qingliu::reaches::wq {

namespace dynwq {

namespace {

constexpr int kMaxIterations = 40;  ///< fixed-point iterations on the cells' mean DO
constexpr double kGateTol = 1e-9;    ///< the gates at the mean DO within 1e-11 of those frozen (gates in [0, 1])
constexpr int kMaxDepth = 20;       ///< sub-pieces down to h / 2^20

}  // namespace

// One frozen solve: the cells' end state, the integrals of their concentrations, the budget, the frozen DO.
struct DynamicRun::Frozen {
    V z, yint, o, mean;
    PieceBudget b;
    bool converged = false;
};

namespace {

void add_budget(PieceBudget& into, const PieceBudget& x, double w) {
    for (int i = 0; i < S; ++i) into.out_g[i] += w * x.out_g[i];
    for (int q = 0; q < kNumProcesses; ++q) into.processed_g[q] += w * x.processed_g[q];
    into.dam_g += w * x.dam_g;
}

// f(o) of QUAL2K's attenuation forms (o2_attenuation) and its slope; the exponential as 1 - exp(-K o) where K o >= 0.5
// (within 2 ulp of -expm1, and cheaper), as derivative_at takes it.
void attenuation(O2Effect form, double k, double o, double& f, double& slope) {
    const double oc = std::max(o, 0.0);
    const bool below = o < 0.0;
    switch (form) {
        case O2Effect::None: f = 1.0; slope = 0.0; return;
        case O2Effect::HalfSaturation:
            f = k + oc > 0.0 ? oc / (k + oc) : 0.0;
            slope = below || !(k + oc > 0.0) ? 0.0 : k / ((k + oc) * (k + oc));
            return;
        case O2Effect::Exponential: {
            const double e = std::exp(-k * oc);
            f = k * oc >= 0.5 ? 1.0 - e : -std::expm1(-k * oc);
            slope = below ? 0.0 : k * e;
            return;
        }
        case O2Effect::SecondOrder:
            f = k + oc * oc > 0.0 ? oc * oc / (k + oc * oc) : 0.0;
            slope = below || !(k + oc * oc > 0.0) ? 0.0 : 2.0 * oc * k / ((k + oc * oc) * (k + oc * oc));
            return;
    }
    f = 1.0;
    slope = 0.0;
}

// The reach's cells over the piece without gates (the tables, KineticsAt::table, and the system they give), built
// once; each solve adds the gated terms: entry += yield k (g - 1).
struct GatedEntry {
    int cell, gate;    ///< gate: 0 CBOD oxidation, 1 nitrification, 2 denitrification
    bool diag;
    std::size_t at;    ///< into diag or off
    double yield_k;    ///< yield x k at full rate
};
thread_local std::vector<ProcessTable> raw_tables;
thread_local LinearReach base;
thread_local std::vector<GatedEntry> gated_entries;
constexpr Process kGated[3] = {CbodOxidation, Nitrification, Denitrification};

double gate_change(const Gates& a, const Gates& b) {
    return std::max({std::abs(a.g[0] - b.g[0]), std::abs(a.g[1] - b.g[1]), std::abs(a.g[2] - b.g[2])});
}

}  // namespace

Gates DynamicRun::gates_at(double o) const {
    Gates x;
    attenuation(p_.cbod_o2_effect, p_.cbod_o2_k, o, x.g[0], x.slope[0]);
    if (p_.nitrification_o2_effect == p_.cbod_o2_effect && p_.nitrification_o2_k == p_.cbod_o2_k) {
        x.g[1] = x.g[0];
        x.slope[1] = x.slope[0];
    } else {
        attenuation(p_.nitrification_o2_effect, p_.nitrification_o2_k, o, x.g[1], x.slope[1]);
    }
    if (p_.denitrification_o2_effect != O2Effect::None) {
        double f = 0.0, s = 0.0;
        if (p_.denitrification_o2_effect == p_.cbod_o2_effect && p_.denitrification_o2_k == p_.cbod_o2_k) f = x.g[0];
        else attenuation(p_.denitrification_o2_effect, p_.denitrification_o2_k, o, f, s);
        x.g[2] = 1.0 - f;
    }
    return x;
}

// z0 over tau with the gates of cell j at f.o[j] (the initial guess on entry), iterated until f.o[j] is the mean DO of
// cell j over the sub-piece of the solve it gates. Plain iteration first, then per cell the secant on the residual
// (mean - guess; the map falls with the guess, more DO speeding up the oxygen use, so plain iteration oscillates).
bool DynamicRun::frozen_solve(std::int32_t r, const State& in, const double* z0, double tau, Frozen& f) {
    const std::size_t m = static_cast<std::size_t>(n_) * S;
    thread_local LinearReach L;
    thread_local std::vector<ProcessTable> tables;
    thread_local V o_prev, r_prev;
    thread_local std::vector<Gates> gates;
    gates.resize(n_);
    L.n = base.n;
    L.pattern = base.pattern;
    L.up = base.up;
    L.diag.resize(base.diag.size());
    L.off.resize(base.off.size());
    L.c.resize(base.c.size());
    f.z.resize(m);
    f.yint.resize(m);
    o_prev.assign(n_, 0.0);
    r_prev.assign(n_, 0.0);
    f.converged = false;
    for (int it = 0; it < kMaxIterations; ++it) {
        for (int j = 0; j < n_; ++j) gates[j] = gates_at(f.o[j]);
        std::copy(base.diag.begin(), base.diag.end(), L.diag.begin());
        std::copy(base.off.begin(), base.off.end(), L.off.begin());
        std::copy(base.c.begin(), base.c.end(), L.c.begin());
        for (const GatedEntry& e : gated_entries) {
            const double d = e.yield_k * (gates[e.cell].g[e.gate] - 1.0);
            (e.diag ? L.diag[e.at] : L.off[e.at]) += d;
        }
        // DO's use by the gated oxidations, yield k f(o) y, linearized about o_ref with y at its mean:
        // k f(o_ref) y + k f'(o_ref) y_mean (o - o_ref); the added term integrates to 0 where o_ref is the mean DO
        for (int j = 0; j < n_; ++j)
            for (int e = 0; e < 2; ++e) {
                const ProcessTerm& x = raw_tables[j][kGated[e]];
                if (x.from < 0 || x.yield[DO] == 0.0 || gates[j].slope[e] == 0.0) continue;
                const double a = x.yield[DO] * x.k * gates[j].slope[e] * std::max(0.0, f.mean[j * S + x.from]);
                L.diag[j * S + DO] += a;
                L.c[j * S + DO] -= a * f.o[j];
            }
        std::copy(z0, z0 + m, f.z.begin());
        std::fill(f.yint.begin(), f.yint.end(), 0.0);
        linear_cells::solve_linear_cells(L, f.z.data(), f.yint.data(), tau, opt_.relaxed_tol, do_last_);
        ++frozen_solves_;
        double worst = 0.0;
        for (int j = 0; j < n_; ++j) worst = std::max(worst, gate_change(gates[j], gates_at(f.yint[j * S + DO] / tau)));
        if (worst <= kGateTol) {
            f.converged = true;
            break;
        }
        if (it + 1 == kMaxIterations) break;
        for (int j = 0; j < n_; ++j) {
            const double o = f.o[j], res = f.yint[j * S + DO] / tau - o;
            double next = o + res;
            if (it > 0 && o != o_prev[j]) {
                const double slope = (res - r_prev[j]) / (o - o_prev[j]);  // d res / d o = (d mean / d o) - 1
                if (slope < -0.05 && slope > -1e3) next = o - res / slope;
            }
            o_prev[j] = o;
            r_prev[j] = res;
            f.o[j] = next;
        }
        for (std::size_t k = 0; k < m; ++k) f.mean[k] = f.yint[k] / tau;
    }
    tables = raw_tables;
    for (int j = 0; j < n_; ++j)
        for (int e = 0; e < 3; ++e) tables[j][kGated[e]].k *= gates[j].g[e];
    f.b = PieceBudget{};
    budget_from_integrals(r, f.yint.data(), tau, f.b, &tables);
    return f.converged;
}

// z0 over tau by the frozen-mean rule whole (T0, or `whole` when this is the first half of a split span) and as two
// halves (T1). The rule is symmetric in time (run backwards, the same constant-coefficient trajectory has the same
// mean), so its error is even in tau: T1's error is about (T0 - T1)/3 and R = (4 T1 - T0)/3 is of fourth order.
// Accepted when T0 and T1 agree within 3 (abs + rel |z|) in every end concentration and 3 (abs tau + rel |Y|) in every
// integral Y (T1 then within the tolerance; R, the result, closer still); otherwise both halves are treated the same
// way. Each frozen solve closes its budget exactly (stored + outflow + processed = inflow) and the weights sum to 1,
// so R closes it too.
void DynamicRun::frozen_span(std::int32_t r, const State& in, const double* z0, double tau, int depth, Frozen* whole,
                             double* z_out, PieceBudget& b) {
    struct Work {
        Frozen t0, h[2];
        V zmid;
    };
    thread_local std::vector<Work> pool(kMaxDepth + 1);
    Work& w = pool[static_cast<std::size_t>(depth)];
    const std::size_t m = static_cast<std::size_t>(n_) * S;
    double* guess = o_guess_.data() + static_cast<std::size_t>(r) * n_;
    Frozen* t0 = whole;
    if (!t0) {
        t0 = &w.t0;
        t0->o.assign(guess, guess + n_);
        t0->mean.assign(z0, z0 + m);
        frozen_solve(r, in, z0, tau, *t0);
    }
    // first guesses for the halves: the quadratic in time through T0's start, end and mean, averaged over each half
    // (q(s) = z0 + B s + C s^2, s = t/tau: C = 3 D - 6 E, B = 6 E - 2 D with D = end - start, E = mean - start)
    Frozen* h = w.h;
    h[0].mean.resize(m);
    h[1].mean.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
        const double d = t0->z[k] - z0[k], e = t0->yint[k] / tau - z0[k];
        const double c = 3.0 * d - 6.0 * e, bq = 6.0 * e - 2.0 * d;
        h[0].mean[k] = z0[k] + bq / 4.0 + c / 12.0;
        h[1].mean[k] = z0[k] + 3.0 * bq / 4.0 + 7.0 * c / 12.0;
    }
    for (int k = 0; k < 2; ++k) {
        h[k].o.resize(n_);
        for (int j = 0; j < n_; ++j) h[k].o[j] = h[k].mean[j * S + DO];
    }
    frozen_solve(r, in, z0, 0.5 * tau, h[0]);
    frozen_solve(r, in, h[0].z.data(), 0.5 * tau, h[1]);
    std::copy(h[1].o.begin(), h[1].o.end(), guess);  // the next span's first guess
    bool ok = t0->converged && h[0].converged && h[1].converged;
    const double at = opt_.frozen_abs_tol, rt = opt_.frozen_rel_tol;
    for (std::size_t k = 0; k < m && ok; ++k) {
        const double z0k = t0->z[k], z1k = h[1].z[k];
        const double y0k = t0->yint[k], y1k = h[0].yint[k] + h[1].yint[k];
        ok = std::abs(z1k - z0k) <= 3.0 * (at + rt * std::abs(z1k)) &&
             std::abs(y1k - y0k) <= 3.0 * (at * tau + rt * std::abs(y1k));
    }
    if (ok || depth >= kMaxDepth) {
        for (std::size_t k = 0; k < m; ++k) z_out[k] = (4.0 * h[1].z[k] - t0->z[k]) / 3.0;
        add_budget(b, h[0].b, 4.0 / 3.0);
        add_budget(b, h[1].b, 4.0 / 3.0);
        add_budget(b, t0->b, -1.0 / 3.0);
        ++frozen_subpieces_;
        return;
    }
    w.zmid.resize(m);
    frozen_span(r, in, z0, 0.5 * tau, depth + 1, &h[0], w.zmid.data(), b);
    frozen_span(r, in, w.zmid.data(), 0.5 * tau, depth + 1, nullptr, z_out, b);
}

PieceBudget DynamicRun::oxygen_piece(std::int32_t r, const State& in, double h) {
    const std::size_t m = static_cast<std::size_t>(n_) * S;
    thread_local V z0, z1;
    z0.assign(conc(r, 0), conc(r, 0) + m);
    linear_system(r, in, base, raw_tables);
    gated_entries.clear();
    const std::size_t np = pattern_.size();
    for (int j = 0; j < n_; ++j)
        for (int e = 0; e < 3; ++e) {
            const ProcessTerm& x = raw_tables[j][kGated[e]];
            if (x.from < 0) continue;
            for (int i = 0; i < S; ++i)
                if (x.yield[i] != 0.0)
                    gated_entries.push_back({j, e, x.from == i,
                                             x.from == i ? static_cast<std::size_t>(j * S + i)
                                                         : j * np + static_cast<std::size_t>(pattern_at_[i][x.from]),
                                             x.yield[i] * x.k});
        }
    z1.assign(m, 0.0);
    PieceBudget b;
    frozen_span(r, in, z0.data(), h, 0, nullptr, z1.data(), b);
    std::copy(z1.begin(), z1.end(), conc(r, 0));
    return b;
}

}  // namespace dynwq

}  // namespace qingliu::reaches::wq
