// The run of the dynamic water-quality cells (reaches/dynamic_wq.hpp): the cells, their forcing per interval, the
// solves of one reach over a piece and the exchange between reaches. Internal to the reaches module: declared here,
// the cell building and the Odeint paths defined in dynamic_wq.cpp, the rest inline.
#pragma once
#include "reaches/dynamic_wq.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <map>
#include <string>

#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "common/units.hpp"
#include "reaches/bucket.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/dynamic_wq_linear.hpp"
#include "reaches/pass_on.hpp"
#include "reaches/reach_walk.hpp"
#include "reaches/steady_wq_chain.hpp"

namespace qingliu::reaches::wq::dynwq {

namespace ode = boost::numeric::odeint;
constexpr int S = kNumSpecies;
using linear_cells::LinearReach;

template <class T>
T value_or(const std::vector<T>& v, std::size_t i, T fallback) {
    return i < v.size() ? v[i] : fallback;
}

struct Share {
    std::int32_t input;
    double share;  ///< of the input's flow and load entering this cell
};

// What a cell is independent of the interval: its extent, its share of the reach's lateral inflow, the inputs in it.
struct CellStatic {
    double lateral_share = 0.0;
    double input_flow_m3s = 0.0;
    std::int32_t in_begin = 0, in_end = 0;  ///< into shares_
};

// A cell over the current interval.
struct Cell {
    double flow_m3s = 0.0, volume_m3 = 0.0;
    Environment env;
    State ext_gs{};  ///< headwater, lateral inflow and inputs entering it (g/s; with the exchanges below x their water's)
    double exchange_m3s = 0.0;  ///< QUAL2K's bulk exchange E' with the next cell (the last: the next reach's first)
    /// E' with a fixed water beyond: a chain's top cell with its headwater (headwater_exchange_m3s), an outlet's last
    /// cell with its downstream boundary (downstream_exchange_m3s)
    double top_exchange_m3s = 0.0, bottom_exchange_m3s = 0.0;
};

inline bool wet(const Cell& c) { return c.flow_m3s > 0.0 && c.volume_m3 > 0.0; }

// One reach over one piece: what left it (g, below its weir), each process's integral (g) and the weir's DO gain (g).
struct PieceBudget {
    State out_g{};
    State boundary_g{};  ///< what the exchanges with the headwater and downstream boundary took back (g, <= 0)
    PerProcess processed_g{};
    double dam_g = 0.0;
};

// The cells solved together over a piece: one reach's, or a dispersive chain's (its reaches' cells in order down it,
// so that the exchange across the reaches' ends is part of the one system).
struct Unit {
    std::vector<std::int32_t> reaches;
    int cells = 0;
    bool exchanges = false;  ///< cells exchange water with their neighbours
};

class DynamicRun {
public:
    DynamicRun(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
               const std::vector<Observation>& observations, const State& initial, const DynamicForcing& forcing,
               const DynamicOptions& opt)
        : net_(net), data_(data), inputs_(inputs), f_(forcing), opt_(opt), p_(opt.steady.params), n_reach_(net.size()),
          n_(std::max(1, opt.cells_per_reach)), initial_(initial) {
        linear_ = !depends_on_oxygen(p_) && !opt.odeint;
        frozen_ = depends_on_oxygen(p_) && !opt.odeint;
        any_transfer_ = !net.topo.transfers().empty();
        chains();
        check_forcing();
        temperatures();
        statics();
        locate(observations);
        if (f_.steps > 0) {
            every_ = f_.step_days;
            outputs_ = f_.steps;
        } else {
            every_ = opt.output_every_d > 0.0 ? opt.output_every_d : opt.days;
            outputs_ = static_cast<std::size_t>(std::ceil(opt.days / every_ - 1e-9));
        }
    }

    DynamicResult run() {
        start();
        record(0.0);
        if (opt_.monolithic) integrate_monolithic();
        else integrate_by_reach();
        finish();
        return std::move(res_);
    }

private:
    using V = std::vector<double>;

    void check_forcing() const {
        if (f_.steps == 0) return;
        if (!(f_.step_days > 0.0)) throw ModelError("dynamic water quality: forcing step_days must be > 0");
        auto short_of = [&](const std::vector<double>& v) { return !v.empty() && v.size() < f_.steps; };
        bool bad = short_of(f_.flow.scale) || (f_.temperature_c.size() > 1 && f_.temperature_c.size() < f_.steps);
        for (const auto& s : f_.flow.own_headwater_m3s) bad = bad || s.size() < f_.steps;
        for (const auto& s : f_.flow.own_lateral_m3s) bad = bad || s.size() < f_.steps;
        for (const auto& s : f_.load_patterns) bad = bad || s.size() < f_.steps;
        if (bad) throw ModelError("dynamic water quality: a forcing series is shorter than its " + std::to_string(f_.steps) + " intervals");
        if (!f_.input_pattern.empty() && f_.input_pattern.size() != inputs_.size())
            throw ModelError("dynamic water quality: one load pattern per input expected");
    }

    // The distinct temperatures of the run, the kinetics and options at each, and each interval's.
    void temperatures();

    // Cells exchanging water (QUAL2K's dispersion, reaches/steady_wq_chain.hpp): which reaches, and the chains they
    // form (the next and the previous reach of a chain, kNone at its ends).
    void chains();
    bool exchanging(std::int32_t r) const { return any_exch_ && exch_[r]; }
    // The steady state of the chain from reach `head` with every cell's exchange (solve_dispersive_chain) under the
    // load `in` entering the top; the cells left as they are where the chain has no water somewhere.
    void steady_chain(std::int32_t head, const State& in);
    // What leaves reach r's last cell (g/s): Q c, and E' (c - c_next) into the next reach of its chain.
    State chain_outflow(std::int32_t r) const;
    int t_index(std::size_t d) const { return t_index_.size() > 1 ? t_index_[d] : t_index_[0]; }

    // Cells' shares of lateral inflow and inputs (as steady_wq's elements assign them).
    void statics();

    void locate(const std::vector<Observation>& observations) {
        for (const Observation& o : observations) {
            if (o.reach < 0 || static_cast<std::size_t>(o.reach) >= n_reach_) throw ModelError("section on an unknown reach index");
            const double len = net_.length_m[o.reach];
            const int j = len > 0.0 ? std::min(n_ - 1, static_cast<int>(std::floor(std::clamp(o.position_m, 0.0, len) / len * n_))) : 0;
            obs_cell_.push_back(o.reach * n_ + j);
        }
    }

    // headwater and lateral flow of reach r in interval d
    double headwater(std::size_t r, std::size_t d) const {
        if (f_.steps == 0) return net_.headwater_flow_m3s[r];
        const auto& fl = f_.flow;
        if (!fl.reach_series.empty() && fl.reach_series[r] != kNone) return fl.own_headwater_m3s[fl.reach_series[r]][d];
        return value_or(fl.base_headwater_m3s, r, net_.headwater_flow_m3s[r]) * value_or(fl.scale, d, 1.0);
    }
    double lateral(std::size_t r, std::size_t d) const {
        if (f_.steps == 0) return net_.lateral_flow_m3s[r];
        const auto& fl = f_.flow;
        if (!fl.reach_series.empty() && fl.reach_series[r] != kNone) return fl.own_lateral_m3s[fl.reach_series[r]][d];
        return value_or(fl.base_lateral_m3s, r, net_.lateral_flow_m3s[r]) * value_or(fl.scale, d, 1.0);
    }
    double load_factor(std::int32_t input, std::size_t d) const {
        if (f_.steps == 0 || f_.input_pattern.empty() || f_.input_pattern[input] == kNone) return 1.0;
        return f_.load_patterns[f_.input_pattern[input]][d];
    }

    // Flows of interval d: each reach's top flow (upstream + headwater), in topological order.
    void flows(std::size_t d) {
        std::fill(up_q_.begin(), up_q_.end(), 0.0);
        if (opt_.monolithic) up_links_.assign(n_reach_, {});
        for (const std::int32_t r : net_.topo.order()) {
            hw_[r] = headwater(r, d);
            lat_[r] = lateral(r, d);
            qtop_[r] = up_q_[r] + hw_[r];
            const double q = qtop_[r] + lat_[r] + in_flow_[r];
            detail::pass_on(net_.topo, r, q, std::array<double, 1>{1.0}, any_transfer_,
                            [&](std::int32_t to, double qq, const std::array<double, 1>& rem, double share) {
                                if (to == kNone) return;
                                up_q_[to] += qq;
                                if (opt_.monolithic) up_links_[to].push_back({r, rem[0] * share});
                            });
        }
    }

    // Builds reach r's cells for interval d (flows, volumes, kinetics environment, external loads); keeps the mass of
    // each cell. Returns whether anything changed.
    bool rebuild(std::int32_t r, std::size_t d);

    const Cell& cell(std::int32_t r, int j) const { return cells_[static_cast<std::size_t>(r) * n_ + j]; }
    double* conc(std::int32_t r, int j) { return x_.data() + (static_cast<std::size_t>(r) * n_ + j) * S; }
    const double* conc(std::int32_t r, int j) const { return x_.data() + (static_cast<std::size_t>(r) * n_ + j) * S; }

    // DO below the reach's weir, if any
    double below_weir(std::int32_t r, int i, double v) const {
        if (i == DO && dam_ratio_[r] != 1.0) return dam_os_[r] - (dam_os_[r] - v) / dam_ratio_[r];
        return v;
    }

    // The steady state of reach r's cells under inflow `in` (g/s), mixed_element_at cell by cell (a cell's depends
    // only on those above it). With `near` the cells stop at the first whose state is not within it (returns false).
    template <class Near>
    bool steady_cells(std::int32_t r, const State& in, std::vector<State>& ss, Near&& near) const {
        const KineticsAt& kin = kin_[built_t_[r]];
        ss.resize(n_);
        State above = in;
        for (int j = 0; j < n_; ++j) {
            const Cell& c = cell(r, j);
            State w = c.ext_gs;
            for (int i = 0; i < S; ++i) w[i] += above[i];
            ss[j] = mixed_element_at(p_, kin.table(c.env), w, c.flow_m3s, c.volume_m3).conc_mgL;
            if (!near(j, ss[j])) return false;
            for (int i = 0; i < S; ++i) above[i] = c.flow_m3s * ss[j][i];
        }
        return true;
    }
    std::vector<State> steady_cells(std::int32_t r, const State& in) const {
        std::vector<State> ss;
        steady_cells(r, in, ss, [](int, const State&) { return true; });
        return ss;
    }

    // Reach r at the steady state `ss`: it stays there; its outflow, process and weir rates are kept for the pieces
    // it is skipped.
    void settle_at(std::int32_t r, const std::vector<State>& ss) {
        const KineticsAt& kin = kin_[built_t_[r]];
        PerProcess proc{};
        for (int j = 0; j < n_; ++j) {
            std::copy(ss[j].begin(), ss[j].end(), conc(r, j));
            PerProcess rates{};
            derivative_at(p_, kin.table(cell(r, j).env), ss[j], &rates);
            for (int q = 0; q < kNumProcesses; ++q) proc[q] += cell(r, j).volume_m3 * rates[q];
        }
        const Cell& last = cell(r, n_ - 1);
        for (int i = 0; i < S; ++i) steady_out_[r][i] = last.flow_m3s * below_weir(r, i, ss[n_ - 1][i]);
        steady_proc_[r] = proc;
        steady_dam_[r] = kSecondsPerDay * last.flow_m3s * (below_weir(r, DO, ss[n_ - 1][DO]) - ss[n_ - 1][DO]);
        settled_[r] = 1;
    }

    bool all_wet(std::int32_t r) const {
        for (int j = 0; j < n_; ++j)
            if (!wet(cell(r, j))) return false;
        return true;
    }

    // The budget of a piece from the integrals Y of the cells' concentrations over it (mg/L d), for the linear paths:
    // the processes from the tables (per cell; none given: left to the caller), with gates (per cell) the rates of
    // CBOD oxidation, nitrification and denitrification the tables' times them; the outflow, with y_next (the
    // integral of the next cell of its unit: the next reach's first, in a dispersive chain) its exchange with the
    // last cell too; the weir.
    void budget_from_integrals(std::int32_t r, const double* y_int, double h, PieceBudget& b, const ProcessTable* tables,
                               const OxygenGates* gates = nullptr, const double* y_next = nullptr) const {
        for (int j = 0; j < n_ && tables; ++j) {
            const double v = cell(r, j).volume_m3;
            const ProcessTable& t = tables[j];
            double g[kNumProcesses];
            for (int q = 0; q < kNumProcesses; ++q) g[q] = 1.0;
            if (gates) {
                g[CbodOxidation] = gates[j].g[0];
                g[Nitrification] = gates[j].g[1];
                g[Denitrification] = gates[j].g[2];
            }
            for (int q = 0; q < kNumProcesses; ++q) {
                const ProcessTerm& x = t[q];
                b.processed_g[q] += v * ((x.from >= 0 ? x.k * g[q] * y_int[j * S + x.from] : 0.0) + x.r0 * h);
            }
        }
        const Cell& last = cell(r, n_ - 1);
        const double* yl = y_int + (n_ - 1) * S;
        for (int i = 0; i < S; ++i)
            b.boundary_g[i] = -kSecondsPerDay * (cell(r, 0).top_exchange_m3s * y_int[i] + last.bottom_exchange_m3s * yl[i]);
        for (int i = 0; i < S; ++i) b.out_g[i] = kSecondsPerDay * last.flow_m3s * yl[i];
        if (y_next)  // the exchange with the next reach's first cell
            for (int i = 0; i < S; ++i) b.out_g[i] += kSecondsPerDay * last.exchange_m3s * (yl[i] - y_next[i]);
        if (dam_ratio_[r] != 1.0) {
            const double os_h = dam_os_[r] * h;
            const double below = os_h - (os_h - yl[DO]) / dam_ratio_[r];
            b.dam_g = kSecondsPerDay * last.flow_m3s * (below - yl[DO]);
            b.out_g[DO] = kSecondsPerDay * last.flow_m3s * below;
        }
    }

    // Cell g of a unit.
    std::int32_t unit_reach(const Unit& u, int g) const { return u.reaches[g < n_ ? 0 : g / n_]; }
    const Cell& unit_cell(const Unit& u, int g) const { return cell(unit_reach(u, g), g < n_ ? g : g % n_); }
    // The unit of reach r over a piece: r alone, or, where r heads a dispersive chain, the chain down to its end or
    // to a reach without water (its reaches rebuilt for interval d first: they are routed after r).
    void unit_of(std::int32_t r, std::size_t d, bool first_piece, Unit& u);
    // Per-cell values of the unit (`per` values a cell, reach r's at data + r n_ per), cells in order: a reach's in
    // place, a chain's gathered into buf (unit_scatter puts them back).
    double* unit_gather(const Unit& u, double* data, std::size_t per, V& buf) const;
    void unit_scatter(const Unit& u, double* data, std::size_t per, const double* z) const;
    // The unit's concentrations (x_), as unit_gather and unit_scatter.
    double* unit_state(const Unit& u, V& buf) { return unit_gather(u, x_.data(), S, buf); }
    void unit_store(const Unit& u, const double* z) { unit_scatter(u, x_.data(), S, z); }
    // Each reach's budget of the piece from the unit's integrals (tables and gates per cell of the unit, or null).
    void unit_budget(const Unit& u, const double* y_int, double h, std::vector<PieceBudget>& bs,
                     const ProcessTable* tables, const OxygenGates* gates) const {
        const std::size_t k_n = u.reaches.size(), per = static_cast<std::size_t>(n_) * S;
        bs.assign(k_n, PieceBudget{});
        for (std::size_t k = 0; k < k_n; ++k)
            budget_from_integrals(u.reaches[k], y_int + k * per, h, bs[k], tables ? tables + k * n_ : nullptr,
                                  gates ? gates + k * n_ : nullptr, k + 1 < k_n ? y_int + (k + 1) * per : nullptr);
    }

    // z' = M z + c of a unit's cells (tables: KineticsAt::table of each, gates not applied); `in` enters its first.
    // again: L and tables are this unit's from the piece before in the same interval, and only the first cell's
    // inflow is set anew (the same operations on it as a whole build).
    void linear_system(const Unit& u, const State& in, LinearReach& L, std::vector<ProcessTable>& tables, bool again = false) const;
    // Whether a thread's system (key: unit head, interval, piece last built) can be kept for piece k of interval d.
    struct SystemKey {
        std::int32_t r = kNone;
        std::size_t d = 0;
        int k = -1;
        bool next(std::int32_t r_, std::size_t d_, int k_) {
            const bool again = k_ > 0 && r == r_ && d == d_ && k == k_ - 1;
            r = r_;
            d = d_;
            k = k_;
            return again;
        }
    };

    // The linear piece of a unit over h days, exactly: relaxed or uniformization (see the header).
    void linear_piece(const Unit& u, const State& in, double h, bool& relaxed, std::vector<PieceBudget>& bs, std::size_t d, int k);

    // A unit over h days with Boost.Odeint: the cells, the integrals of their concentrations and of every process.
    void odeint_piece(const Unit& u, const State& in, double h, std::vector<PieceBudget>& bs);

    // A unit over h days where rates depend on DO: exact linear sub-pieces with the oxygen gates frozen at each
    // cell's mean DO over the sub-piece (fixed point), extrapolated and split as the header says
    // (dynamic_wq_oxygen.cpp).
    struct Frozen;
    void oxygen_piece(const Unit& u, const State& in, double h, std::vector<PieceBudget>& bs, std::size_t d, int k);
    bool frozen_solve(const Unit& u, const double* z0, double tau, Frozen& f);
    void frozen_steps(const Unit& u, double* z, double h, std::vector<PieceBudget>& bs, int k);
    void gated_terms(int cells);

    // Whether reach r's first cell is surely not within the settle check's tolerance of its steady state under inflow
    // `in` (its equations' residual exceeds what that distance allows): then the check need not solve for it.
    bool surely_unsettled(std::int32_t r, const State& in) const;
    // Transient gone after an integrated piece: within 100x the odeint tolerance of the steady state, set to it.
    // (Cell by cell: where the transient has not died out the first cells mostly tell, and the rest are not solved.)
    void settle_if_close(std::int32_t r, const State& in) {
        if (surely_unsettled(r, in)) return;
        thread_local std::vector<State> ss;
        const bool close = steady_cells(r, in, ss, [&](int j, const State& s) {
            for (int i = 0; i < S; ++i)
                if (std::abs(conc(r, j)[i] - s[i]) > 100.0 * (opt_.abs_tol + opt_.rel_tol * std::abs(s[i]))) return false;
            return true;
        });
        if (!close) return;
        for (int j = 0; j < n_; ++j)  // what the snap adds, booked (DynamicResult::settled_g)
            for (int i = 0; i < S; ++i) r_settled_[r][i] += cell(r, j).volume_m3 * (ss[j][i] - conc(r, j)[i]);
        settle_at(r, ss);
    }

    // One reach over piece k (h days) of interval d (the first rebuilds its cells); returns its mean outflow load
    // (g/s) and books its budget.
    State route(std::int32_t r, double h, std::size_t d, int k) {
        const bool first_piece = k == 0;
        const std::size_t rk = static_cast<std::size_t>(r) * pieces_ + k;
        if (first_piece && f_.steps > 0 && d > 0 && rebuild(r, d)) settled_[r] = may_settle_[r] = 0;
        const State in = piece_in_[rk];
        piece_in_[rk] = State{};  // read: zero for the next interval
        for (int j = 0; j < n_; ++j)
            for (int i = 0; i < S; ++i) r_input_[r][i] += cell(r, j).ext_gs[i] * kSecondsPerDay * h;
        if (any_exch_ && with_head_[rk]) {  // solved with the head of its dispersive chain
            with_head_[rk] = 0;
            ++count_[r].integrated;
            return book(r, pending_[rk], h);
        }
        // after an integrated piece, once the forcing is seen to stay the same: settled if within 100x the tolerance
        // of the steady state (checked only then: under forcing that changes every day it would not be used)
        if (may_settle_[r] && in == prev_inflow_[r] && !exchanging(r)) settle_if_close(r, in);
        may_settle_[r] = 0;
        if (settled_[r] && in == prev_inflow_[r]) {  // at the steady state of this forcing: stays
            for (int q = 0; q < kNumProcesses; ++q) r_proc_[r][q] += steady_proc_[r][q] * h;
            r_dam_[r] += steady_dam_[r] * h;
            return steady_out_[r];
        }
        ++count_[r].integrated;
        settled_[r] = 0;
        prev_inflow_[r] = in;
        if (!all_wet(r)) return State{};  // no water: nothing enters (rebuild rejects loads), nothing moves
        thread_local Unit u;
        thread_local std::vector<PieceBudget> bs;
        unit_of(r, d, first_piece, u);
        bool relaxed = false;
        if (linear_) linear_piece(u, in, h, relaxed, bs, d, k);
        else if (frozen_) oxygen_piece(u, in, h, bs, d, k);
        else odeint_piece(u, in, h, bs);
        for (std::size_t m = 1; m < u.reaches.size(); ++m) {  // the rest of the chain: booked as each is routed
            const std::size_t mk = static_cast<std::size_t>(u.reaches[m]) * pieces_ + k;
            pending_[mk] = bs[m];
            with_head_[mk] = 1;
        }
        const State out = book(r, bs[0], h);
        if (relaxed && !exchanging(r)) {  // (exchanging cells depend on the next reach's: they are never left alone)
            std::vector<State> ss(n_);
            for (int j = 0; j < n_; ++j) std::copy(conc(r, j), conc(r, j) + S, ss[j].begin());
            settle_at(r, ss);
        } else if (!linear_) {
            may_settle_[r] = 1;
        }
        return out;
    }

    // A reach's piece booked: its processes and weir; its mean outflow load (g/s) returned.
    State book(std::int32_t r, const PieceBudget& b, double h) {
        for (int q = 0; q < kNumProcesses; ++q) r_proc_[r][q] += b.processed_g[q];
        for (int i = 0; i < S; ++i) r_input_[r][i] += b.boundary_g[i];
        r_dam_[r] += b.dam_g;
        State out;
        for (int i = 0; i < S; ++i) out[i] = b.out_g[i] / (kSecondsPerDay * h);
        return out;
    }

    // A reach's data into the cache two reaches before it is solved: the lists follow the network's order, not the
    // reaches' numbering, so on large networks each reach's cells, state, forcing and budget are elsewhere in memory
    // (a miss each, which at 10^5 reaches cost more than the solves).
    template <class T>
    static void prefetch_span(const T* p, std::size_t count = 1) {
        const char* c = reinterpret_cast<const char*>(p);
        for (std::size_t b = 0; b < sizeof(T) * count; b += 64) __builtin_prefetch(c + b);
        __builtin_prefetch(c + sizeof(T) * count - 1);
    }
    void prefetch(std::int32_t r) const {
        const std::size_t c = static_cast<std::size_t>(r) * n_;
        prefetch_span(&cells_[c], n_);
        prefetch_span(&x_[c * S], static_cast<std::size_t>(n_) * S);
        prefetch_span(&cstat_[c], n_);
        prefetch_span(&piece_in_[static_cast<std::size_t>(r) * pieces_], pieces_);
        prefetch_span(&prev_inflow_[r]);
        prefetch_span(&r_input_[r]);
        prefetch_span(&r_proc_[r]);
        prefetch_span(&count_[r]);
        prefetch_span(&data_.lateral_conc_mgL[r]);
        prefetch_span(&data_.headwater_conc_mgL[r]);
        prefetch_span(&net_.hydraulics[r]);
        __builtin_prefetch(&net_.length_m[r]);
        __builtin_prefetch(&qtop_[r]);
        __builtin_prefetch(&hw_[r]);
        __builtin_prefetch(&lat_[r]);
        __builtin_prefetch(&r_dam_[r]);
        __builtin_prefetch(&built_t_[r]);
    }

    // Each reach of the list over every piece of interval d in turn (its feeders, before it in the list or in an
    // earlier task, have passed on every piece's outflow): the reach's data stays in the cache over the day's pieces.
    void route_list(const std::vector<std::int32_t>& list, std::size_t d) {
        for (std::size_t q = 0; q < list.size(); ++q) {
            const std::int32_t r = list[q];
            if (q + 2 < list.size()) prefetch(list[q + 2]);
            else if (q == 0 && list.size() > 1) prefetch(list[1]);
            for (int k = 0; k < pieces_; ++k) {
                const double h = lengths_[k];
                const State out = route(r, h, d, k);
                detail::pass_on(net_.topo, r, cell(r, n_ - 1).flow_m3s, out, any_transfer_,
                                [&](std::int32_t to, double, const State& l, double share) {
                                    if (to == kNone) {
                                        for (int i = 0; i < S; ++i) r_outlet_[r][i] += l[i] * share * kSecondsPerDay * h;
                                        return;
                                    }
                                    State& in = piece_in_[static_cast<std::size_t>(to) * pieces_ + k];
                                    for (int i = 0; i < S; ++i) in[i] += l[i] * share;
                                });
            }
        }
    }

    // Cells of interval 0, the initial state (given, or the steady state reach by reach in topological order), the
    // storage at the start.
    void start();

    State storage() const;

    void finish();

    void record(double t);

    // Reach by reach in topological order, each over the interval's pieces.
    void integrate_by_reach() {
        const bool parallel = n_reach_ >= 4096 && tbb::this_task_arena::max_concurrency() >= 2;
        detail::Partition part;
        if (parallel) part = detail::partition(net_.topo, std::max<std::size_t>(1024, n_reach_ / 256));
        const double max_h = opt_.exchange_step_d > 0.0 ? opt_.exchange_step_d : every_;
        const double total = f_.steps > 0 ? f_.steps * f_.step_days : opt_.days;
        for (std::size_t d = 0; d < outputs_; ++d) {
            const double t = d * every_, t_next = std::min(total, t + every_);
            if (f_.steps > 0 && d > 0) flows(d);
            const int pieces = std::max(1, static_cast<int>(std::ceil((t_next - t) / max_h - 1e-9)));
            if (pieces != pieces_) {  // (every interval's but perhaps the last)
                pieces_ = pieces;
                piece_in_.assign(n_reach_ * pieces_, State{});
                if (any_exch_) {
                    with_head_.assign(n_reach_ * pieces_, 0);
                    pending_.assign(n_reach_ * pieces_, PieceBudget{});
                }
            }
            lengths_.assign(pieces_, (t_next - t) / pieces_);
            res_.intervals += n_reach_ * pieces_;
            if (parallel) route_parallel(part, d);
            else route_list(net_.topo.order(), d);
            record(t_next);
            if (opt_.progress) opt_.progress(double(d + 1) / double(outputs_));
        }
    }

    // the tasks on all cores, one at a time, largest first (the two cores end a day together), then the trunk
    void route_parallel(const detail::Partition& part, std::size_t d) {
        struct NoTotals {
            void add(const NoTotals&) {}
        } none;
        detail::run_in_order(part.tasks.size(), true, none, [&](std::size_t q, NoTotals&) { route_list(part.tasks[q], d); });
        route_list(part.trunk, d);
    }

    // The whole network as one odeint system (the reference the exchange between reaches is tested against); no
    // budget.
    void integrate_monolithic();

    const Network& net_;
    const ReachData& data_;
    const std::vector<Input>& inputs_;
    const DynamicForcing& f_;
    const DynamicOptions& opt_;
    const Parameters& p_;
    const std::size_t n_reach_;
    const int n_;
    const State initial_;
    bool linear_ = true, frozen_ = false, any_transfer_ = false, do_last_ = false;
    double every_ = 1.0;
    std::size_t outputs_ = 0;
    std::vector<Options> opts_;
    std::vector<KineticsAt> kin_;
    std::vector<int> t_index_;
    std::vector<std::array<int, 2>> pattern_;
    int pattern_at_[S][S];
    // the nonzero yields of the process table (the same at every temperature and depth): process, species, and where
    // yield x k goes in the linear system (the species' diagonal, an entry of the kinetic pattern, or nowhere)
    struct Entry {
        static constexpr int kNone = -2, kDiag = -1;
        int process, species, at;
    };
    std::vector<Entry> entries_;
    std::vector<CellStatic> cstat_;
    std::vector<Share> shares_;
    std::vector<double> in_flow_;
    std::vector<Cell> cells_;
    std::vector<std::int32_t> obs_cell_;
    V x_;
    std::vector<double> hw_, lat_, qtop_, up_q_;
    std::vector<std::vector<std::pair<std::int32_t, double>>> up_links_;
    std::vector<std::int32_t> chain_next_, chain_prev_;  ///< exchanging cells: chains of reaches (empty without)
    std::vector<char> exch_;                             ///< per reach: its cells exchange water
    bool any_exch_ = false;                              ///< any reach's (exch_ is read only then: a miss per reach)
    int pieces_ = 0;                     ///< pieces of the current interval
    std::vector<double> lengths_;        ///< their lengths (days)
    std::vector<State> piece_in_;        ///< per reach and piece: the inflow load from its feeders (g/s)
    std::vector<char> with_head_;        ///< per reach and piece: solved with its chain's head
    std::vector<PieceBudget> pending_;   ///< its budget then, booked when it is routed
    std::vector<int> built_t_;
    std::vector<double> dam_ratio_, dam_os_;
    DynamicResult res_;
    std::vector<State> inflow_, prev_inflow_, steady_out_;
    std::vector<PerProcess> steady_proc_;
    std::vector<double> steady_dam_;
    std::vector<char> settled_, may_settle_;
    std::vector<double> o_guess_;  ///< per cell: the DO its gates were last frozen at
    // per reach and piece of the interval (the pieces past kTauSlots share the last slot): the first accepted
    // frozen-gate sub-piece of that piece of the interval before (d)
    static constexpr int kTauSlots = 8;
    std::vector<double> first_tau_;
    std::vector<State> r_input_, r_outlet_;
    std::vector<PerProcess> r_proc_;
    std::vector<double> r_dam_;
    std::vector<State> r_settled_;  ///< per reach: added by the settle check (where rates depend on DO, or Odeint)
    // per reach (each reach is solved by one thread at a time, so no counter is shared between the cores)
    struct Counts {
        std::size_t steps = 0, integrated = 0, relaxed = 0, exact = 0, stiff_do = 0, cram = 0, frozen_solves = 0, frozen_subpieces = 0;
    };
    std::vector<Counts> count_;
};


}  // namespace qingliu::reaches::wq::dynwq
