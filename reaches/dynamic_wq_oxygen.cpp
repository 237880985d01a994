// A reach's cells over a piece where rates depend on DO (reaches/dynamic_wq.hpp, "oxygen gates"): exact linear
// sub-pieces with each cell's gates frozen at its mean DO over the sub-piece, the fixed point of that mean found by
// iteration, results of one and two sub-pieces extrapolated, the sub-pieces sized by step control.
#include "reaches/dynamic_wq_run.hpp"

namespace qingliu::reaches::wq {

namespace dynwq {

namespace {

constexpr int kMaxIterations = 40;  ///< fixed-point iterations on the cells' mean DO
constexpr double kGateTol = 1e-9;    ///< the gates at the mean DO within 1e-9 of those frozen (gates in [0, 1])
// The gates' remaining difference moves no process's total by more than 30 % of the tolerance (counted twice: the gate
// itself and DO's linearized term); through the extrapolation's weights (4/3, 4/3, -1/3 on the three solves of a
// sub-piece) at most 0.9 of it. A share of 1 % took 5-30 % more solves for the same results (bench_wq --dynamic-check
// 1: 2.36e-7 from dopri5 at 1e-10 either way; tests/reaches/test_dynamic_wq.cpp: the same to 3 digits).
constexpr double kEffectShare = 0.3;
constexpr int kMaxDepth = 20;       ///< sub-pieces down to h / 2^20
// The next sub-piece after an accepted one: tau e^-0.4 (e the agreement as a share of the tolerance), between x0.2
// and x8. The rule's local error is of third order once the sub-pieces are small against the cells' rates (exponent
// 1/3), but the sub-pieces the tolerance decides lie in the transient after each day's jump in the forcing (on
// bench_wq's year 85 % of those accepted at over 0.1 of the tolerance lie in the first three hours of the day, set by
// the NO3-N integral), where the error falls off faster along the day than the third-order rule expects. Frozen solves
// by exponent and safety factor, bench_wq's year of 301 reaches per reach-day at the default tolerance (and at 1e-6),
// and the 60-day test's two waters (tests/reaches/test_dynamic_wq.cpp, DO 5-9 and 1-3 mg/L):
//   1/3, 0.9 (before)  38.12 (13.38)   4357  30378
//   1/3, 1.0           35.89 (12.97)   4063  28709
//   0.4, 1.0           34.51 (12.67)   3939  28890
//   0.4, 0.95          35.39 (12.82)   4049  28056
//   0.6, 1.0           32.05           3745  61099   (the low-DO water's sub-pieces rejected over and over)
// Against dopri5 at 1e-10 (bench_wq --dynamic-check 1): 3.67e-7 on 1,001 reaches for 0.4 as for 1/3 (0.9); 2.47e-7
// on 301 reaches for 0.5 and 0.6 as for 1/3 (0.9). The 60-day test's bounds hold for 0.4.
constexpr double kGrowthExponent = 0.4;

}  // namespace

// One frozen solve: the cells' end state, the integrals of their concentrations, the budget, the frozen DO.
struct DynamicRun::Frozen {
    V z, yint, o, mean;
    std::vector<PieceBudget> b;  ///< per reach of the unit
    bool converged = false;
};

namespace {

void add_budget(std::vector<PieceBudget>& into, const std::vector<PieceBudget>& x, double w) {
    for (std::size_t k = 0; k < into.size(); ++k) {
        for (int i = 0; i < S; ++i) into[k].out_g[i] += w * x[k].out_g[i];
        for (int i = 0; i < S; ++i) into[k].boundary_g[i] += w * x[k].boundary_g[i];
        for (int q = 0; q < kNumProcesses; ++q) into[k].processed_g[q] += w * x[k].processed_g[q];
        into[k].dam_g += w * x[k].dam_g;
    }
}

// The unit's cells over the piece without gates (the tables, KineticsAt::table, and the system they give), built
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
thread_local std::vector<std::array<double, 3>> largest_yield;  ///< per cell and gate: the largest |yield| of its process
constexpr Process kGated[3] = {CbodOxidation, Nitrification, Denitrification};

// The quadratic in time q(s) = z0 + bq s + c s^2 (s = t / len) through a solve's start z0, end z1 and integral y:
// c = 3 D - 6 E, bq = 6 E - 2 D with D = z1 - z0, E = y / len - z0. Its mean over [s0, s1] (mean) gives the first
// guesses of the frozen solves that follow.
struct Quadratic {
    double z0, bq, c;
    Quadratic(double z0_, double z1, double y, double len) : z0(z0_) {
        const double d = z1 - z0, e = y / len - z0;
        c = 3.0 * d - 6.0 * e;
        bq = 6.0 * e - 2.0 * d;
    }
    double mean(double s0, double s1) const { return z0 + bq * (s0 + s1) / 2.0 + c * (s0 * s0 + s0 * s1 + s1 * s1) / 3.0; }
};

double gate_change(const OxygenGates& a, const OxygenGates& b) {
    return std::max({std::abs(a.g[0] - b.g[0]), std::abs(a.g[1] - b.g[1]), std::abs(a.g[2] - b.g[2])});
}

}  // namespace

// z0 over tau with the gates of cell j at f.o[j] (the initial guess on entry), iterated until f.o[j] is the mean DO of
// cell j over the sub-piece of the solve it gates. Plain iteration first, then per cell the secant on the residual
// (mean - guess; the map falls with the guess, more DO speeding up the oxygen use, so plain iteration oscillates).
bool DynamicRun::frozen_solve(const Unit& u, const double* z0, double tau, Frozen& f) {
    const int nc = u.cells;  // the unit's cells (a reach's, or a dispersive chain's)
    const std::size_t m = static_cast<std::size_t>(nc) * S;
    thread_local LinearReach L;
    thread_local V o_prev, r_prev;
    thread_local std::vector<OxygenGates> gates, at_mean;
    gates.resize(nc);
    at_mean.resize(nc);
    L.n = base.n;
    L.pattern = base.pattern;
    L.up = base.up;
    L.down = base.down;
    L.diag.resize(base.diag.size());
    L.off.resize(base.off.size());
    L.c.resize(base.c.size());
    f.z.resize(m);
    f.yint.resize(m);
    o_prev.assign(nc, 0.0);
    r_prev.assign(nc, 0.0);
    f.converged = false;
    for (int it = 0; it < kMaxIterations; ++it) {
        // the gates at the DO to freeze; where it is the last solve's mean (plain iteration) they are at_mean
        for (int j = 0; j < nc; ++j) gates[j] = it > 0 && f.o[j] == f.yint[j * S + DO] / tau ? at_mean[j] : oxygen_gates(p_, f.o[j]);
        std::copy(base.diag.begin(), base.diag.end(), L.diag.begin());
        std::copy(base.off.begin(), base.off.end(), L.off.begin());
        std::copy(base.c.begin(), base.c.end(), L.c.begin());
        for (const GatedEntry& e : gated_entries) {
            const double d = e.yield_k * (gates[e.cell].g[e.gate] - 1.0);
            (e.diag ? L.diag[e.at] : L.off[e.at]) += d;
        }
        // DO's use by the gated oxidations, yield k f(o) y, linearized about o_ref with y at its mean:
        // k f(o_ref) y + k f'(o_ref) y_mean (o - o_ref); the added term integrates to 0 where o_ref is the mean DO
        for (int j = 0; j < nc; ++j)
            for (int e = 0; e < 2; ++e) {
                const ProcessTerm& x = raw_tables[j][kGated[e]];
                if (x.from < 0 || x.yield[DO] == 0.0 || gates[j].slope[e] == 0.0) continue;
                const double a = x.yield[DO] * x.k * gates[j].slope[e] * std::max(0.0, f.mean[j * S + x.from]);
                L.diag[j * S + DO] += a;
                L.c[j * S + DO] -= a * f.o[j];
            }
        std::copy(z0, z0 + m, f.z.begin());
        std::fill(f.yint.begin(), f.yint.end(), 0.0);
        linear_cells::solve_linear_cells(L, f.z.data(), f.yint.data(), tau, opt_.relaxed_tol, do_last_, opt_.generic_kernels);
        ++count_[u.reaches[0]].frozen_solves;
        // converged when the gates at the solve's mean DO are those frozen within kGateTol, or when the difference
        // moves no process's total over the sub-piece by more than kEffectShare x frozen_abs_tol (mg/L):
        // |dg| k |Y_from| times the largest yield, twice (the gate itself, and DO's linearized term, which integrates
        // to k f' y_mean (mean - o_ref) tau, the same size)
        double worst = 0.0, effect = 0.0;
        for (int j = 0; j < nc; ++j) {
            at_mean[j] = oxygen_gates(p_, f.yint[j * S + DO] / tau);
            worst = std::max(worst, gate_change(gates[j], at_mean[j]));
            for (int e = 0; e < 3; ++e) {
                const ProcessTerm& x = raw_tables[j][kGated[e]];
                if (x.from < 0) continue;
                const double dg = std::abs(gates[j].g[e] - at_mean[j].g[e]);
                effect = std::max(effect, 2.0 * dg * x.k * std::abs(f.yint[j * S + x.from]) * largest_yield[j][e]);
            }
        }
        if (worst <= kGateTol || effect <= kEffectShare * opt_.frozen_abs_tol) {
            f.converged = true;
            break;
        }
        if (it + 1 == kMaxIterations) break;
        for (int j = 0; j < nc; ++j) {
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
    unit_budget(u, f.yint.data(), tau, f.b, raw_tables.data(), gates.data());
    return f.converged;
}

// Sub-piece [t, t + tau] from z by the frozen-mean rule whole (A) and as two halves (B). The rule is symmetric in time
// (run backwards, the same constant-coefficient trajectory has the same mean), so its error is even in tau: B's local
// error is about (A - B)/3 and R = (4 B - A)/3 is of fourth order. Accepted when A and B agree within 3 (abs + rel |z|)
// in every end concentration and 3 (abs tau + rel |Y|) in every integral Y (B then within the tolerance; R, the
// result, closer still). A rejected sub-piece is halved (its first half, solved for B, is the new A); after an
// accepted one the next is tau (1/e)^0.4 (e the agreement as a share of the tolerance; kGrowthExponent; between x0.2
// and x8), and a reach's first sub-piece of a piece starts at twice the first accepted one of the same piece of the
// interval before (the forcing's jump at a day's start brings a like transient each day, and the later pieces of a
// day a like calm: against the piece just before, at 1/8-d pieces, 10 % fewer solves on bench_wq's 301 reaches,
// 7.40 -> 6.64 per piece, within 1.55e-7 of dopri5 at 1e-10; one piece a day as before). Sub-pieces go down to
// h / 2^20. Each frozen solve closes its budget exactly (stored + outflow + processed = inflow) and the weights sum
// to 1, so R closes it too. A new sub-piece solves B first and starts A's fixed point at B's mean, within the rule's
// error of A's own: A mostly stops at its first solve (6 % fewer solves than A first, on bench_wq's year).
void DynamicRun::frozen_steps(const Unit& u, double* z, double h, std::vector<PieceBudget>& b, int k) {
    const int nc = u.cells;  // the unit's cells (a reach's, or a dispersive chain's)
    const std::int32_t r = u.reaches[0];
    const std::size_t m = static_cast<std::size_t>(nc) * S;
    thread_local Frozen a, half[2];
    thread_local V guesses;  // a chain's cells' guesses gathered (a reach's in place)
    double* guess = unit_gather(u, o_guess_.data(), 1, guesses);
    b.assign(u.reaches.size(), PieceBudget{});
    const double at = opt_.frozen_abs_tol, rt = opt_.frozen_rel_tol, tau_min = std::ldexp(h, -kMaxDepth);
    double& first_tau = first_tau_[static_cast<std::size_t>(r) * kTauSlots + std::min(k, kTauSlots - 1)];
    double t = 0.0, tau = first_tau > 0.0 ? std::min(2.0 * first_tau, h) : h;
    bool have_a = false, first = true;
    while (t < h) {
        for (int k = 0; k < 2; ++k) {
            half[k].mean.resize(m);
            half[k].o.resize(nc);
        }
        if (!have_a) {
            // a new sub-piece: its halves first (the first from the last sub-piece's guess, the second from the
            // first's quadratic carried on over the next half, s in [1, 2]), then the whole from the halves' means,
            // which its fixed point is within the rule's error of
            if (h - t - tau < 0.1 * tau) tau = h - t;  // no sliver left at the end
            half[0].o.assign(guess, guess + nc);
            half[0].mean.assign(z, z + m);
            frozen_solve(u, z, 0.5 * tau, half[0]);
            const double th = 0.5 * tau;
            for (std::size_t k = 0; k < m; ++k) half[1].mean[k] = Quadratic(z[k], half[0].z[k], half[0].yint[k], th).mean(1.0, 2.0);
            for (int j = 0; j < nc; ++j) half[1].o[j] = half[1].mean[j * S + DO];
            frozen_solve(u, half[0].z.data(), th, half[1]);
            a.mean.resize(m);
            for (std::size_t k = 0; k < m; ++k) a.mean[k] = (half[0].yint[k] + half[1].yint[k]) / tau;
            a.o.resize(nc);
            for (int j = 0; j < nc; ++j) a.o[j] = a.mean[j * S + DO];
            frozen_solve(u, z, tau, a);
        } else {
            // halved after a rejection: A is the old first half; the halves' first guesses from A's quadratic,
            // averaged over each half
            for (std::size_t k = 0; k < m; ++k) {
                const Quadratic q(z[k], a.z[k], a.yint[k], tau);
                half[0].mean[k] = q.mean(0.0, 0.5);
                half[1].mean[k] = q.mean(0.5, 1.0);
            }
            for (int k = 0; k < 2; ++k)
                for (int j = 0; j < nc; ++j) half[k].o[j] = half[k].mean[j * S + DO];
            frozen_solve(u, z, 0.5 * tau, half[0]);
            frozen_solve(u, half[0].z.data(), 0.5 * tau, half[1]);
        }
        std::copy(half[1].o.begin(), half[1].o.end(), guess);  // the next sub-piece's first guess
        double err = a.converged && half[0].converged && half[1].converged ? 0.0 : 2.0;
        for (std::size_t k = 0; k < m; ++k) {
            const double z0k = a.z[k], z1k = half[1].z[k];
            const double y0k = a.yint[k], y1k = half[0].yint[k] + half[1].yint[k];
            err = std::max({err, std::abs(z1k - z0k) / (3.0 * (at + rt * std::abs(z1k))),
                            std::abs(y1k - y0k) / (3.0 * (at * tau + rt * std::abs(y1k)))});
        }
        if (err <= 1.0 || 0.5 * tau < tau_min) {
            for (std::size_t k = 0; k < m; ++k) z[k] = (4.0 * half[1].z[k] - a.z[k]) / 3.0;
            add_budget(b, half[0].b, 4.0 / 3.0);
            add_budget(b, half[1].b, 4.0 / 3.0);
            add_budget(b, a.b, -1.0 / 3.0);
            ++count_[r].frozen_subpieces;
            if (first) first_tau = tau;
            first = false;
            t = h - t - tau <= 1e-12 * h ? h : t + tau;  // the last one ends at h exactly
            tau = std::min(h - t, tau * (err > 0.0 ? std::clamp(std::pow(err, -kGrowthExponent), 0.2, 8.0) : 8.0));
            have_a = false;
        } else {
            std::swap(a, half[0]);  // the first half is the new sub-piece's A
            tau *= 0.5;
            have_a = true;
        }
    }
    unit_scatter(u, o_guess_.data(), 1, guess);
}

void DynamicRun::oxygen_piece(const Unit& u, const State& in, double h, std::vector<PieceBudget>& bs, std::size_t d, int k) {
    thread_local SystemKey key;
    const bool again = key.next(u.reaches[0], d, k);
    linear_system(u, in, base, raw_tables, again);
    if (!again) gated_terms(u.cells);
    thread_local V buf;
    double* z = unit_state(u, buf);
    frozen_steps(u, z, h, bs, k);
    unit_store(u, z);
}

// The gated entries of base and each cell's largest yields, from raw_tables (the same for every piece of an interval).
void DynamicRun::gated_terms(int cells) {
    gated_entries.clear();
    largest_yield.assign(cells, {0.0, 0.0, 0.0});
    const std::size_t np = pattern_.size();
    for (int j = 0; j < cells; ++j)
        for (int e = 0; e < 3; ++e) {
            const ProcessTerm& x = raw_tables[j][kGated[e]];
            if (x.from < 0) continue;
            for (int i = 0; i < S; ++i) largest_yield[j][e] = std::max(largest_yield[j][e], std::abs(x.yield[i]));
            for (int i = 0; i < S; ++i)
                if (x.yield[i] != 0.0)
                    gated_entries.push_back({j, e, x.from == i,
                                             x.from == i ? static_cast<std::size_t>(j * S + i)
                                                         : j * np + static_cast<std::size_t>(pattern_at_[i][x.from]),
                                             x.yield[i] * x.k});
        }
}

}  // namespace dynwq

}  // namespace qingliu::reaches::wq
