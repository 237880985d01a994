// The run's units (reaches/dynamic_wq_run.hpp), reaches alone or dispersive chains of them, and their linear pieces;
// the run's start, records and end.
#include "reaches/dynamic_wq_run.hpp"

namespace qingliu::reaches::wq::dynwq {

void DynamicRun::chains() {
    chain_next_ = dispersive_chain_next(net_, data_, opt_.steady);
    if (chain_next_.empty()) return;  // no reach disperses: exch_ and chain_prev_ are never read
    exch_.assign(n_reach_, 0);
    chain_prev_.assign(n_reach_, kNone);
    for (std::size_t r = 0; r < n_reach_; ++r) {
        exch_[r] = disperses(data_, opt_.steady, r) ? 1 : 0;
        any_exch_ = any_exch_ || exch_[r] != 0;
        if (chain_next_[r] != kNone) chain_prev_[chain_next_[r]] = static_cast<std::int32_t>(r);
    }
}

State DynamicRun::chain_outflow(std::int32_t r) const {
    const Cell& last = cell(r, n_ - 1);
    State out{};
    for (int i = 0; i < S; ++i) {
        const double c = conc(r, n_ - 1)[i];
        out[i] = last.flow_m3s * below_weir(r, i, c);
        if (chain_next_[r] != kNone) out[i] += last.exchange_m3s * (c - conc(chain_next_[r], 0)[i]);
    }
    return out;
}

void DynamicRun::unit_of(std::int32_t r, std::size_t d, bool first_piece, Unit& u) {
    u.reaches.resize(1);
    u.reaches[0] = r;
    u.exchanges = exchanging(r);
    if (u.exchanges && chain_prev_[r] == kNone)
        for (std::int32_t m = chain_next_[r]; m != kNone; m = chain_next_[m]) {
            if (first_piece && f_.steps > 0 && d > 0 && rebuild(m, d)) settled_[m] = may_settle_[m] = 0;
            if (!all_wet(m)) break;
            u.reaches.push_back(m);
        }
    u.cells = n_ * static_cast<int>(u.reaches.size());
    if (u.exchanges) {  // no exchange where every element's dispersion is within its numerical dispersion (E' = 0)
        bool any = false;
        for (int g = 0; g + 1 < u.cells && !any; ++g) any = unit_cell(u, g).exchange_m3s > 0.0;
        u.exchanges = any;
    }
}

double* DynamicRun::unit_gather(const Unit& u, double* data, std::size_t per, V& buf) const {
    const std::size_t reach = static_cast<std::size_t>(n_) * per;
    if (u.reaches.size() == 1) return data + static_cast<std::size_t>(u.reaches[0]) * reach;
    buf.resize(u.reaches.size() * reach);
    for (std::size_t k = 0; k < u.reaches.size(); ++k)
        std::copy_n(data + static_cast<std::size_t>(u.reaches[k]) * reach, reach, buf.begin() + k * reach);
    return buf.data();
}

void DynamicRun::unit_scatter(const Unit& u, double* data, std::size_t per, const double* z) const {
    const std::size_t reach = static_cast<std::size_t>(n_) * per;
    if (u.reaches.size() == 1) return;
    for (std::size_t k = 0; k < u.reaches.size(); ++k) std::copy_n(z + k * reach, reach, data + static_cast<std::size_t>(u.reaches[k]) * reach);
}

void DynamicRun::linear_piece(const Unit& u, const State& in, double h, bool& relaxed, std::vector<PieceBudget>& bs,
                              std::size_t d, int k) {
    thread_local LinearReach L;
    thread_local std::vector<ProcessTable> tables;
    thread_local V yint, buf;
    thread_local SystemKey key;
    // the interval's pieces after its first: only the first cell's inflow set anew, M and h the same
    const bool again = key.next(u.reaches[0], d, k);
    linear_system(u, in, L, tables, again);
    yint.assign(static_cast<std::size_t>(u.cells) * S, 0.0);
    double* z = unit_state(u, buf);
    const linear_cells::LinearPath path =
        linear_cells::solve_linear_cells(L, z, yint.data(), h, opt_.relaxed_tol, do_last_, opt_.generic_kernels, again);
    unit_store(u, z);
    const std::int32_t r = u.reaches[0];
    relaxed = path == linear_cells::LinearPath::Relaxed;
    ++(relaxed ? count_[r].relaxed : count_[r].exact);
    if (path == linear_cells::LinearPath::ExactStiffDo) ++count_[r].stiff_do;
    if (path == linear_cells::LinearPath::ExactCram) ++count_[r].cram;
    unit_budget(u, yint.data(), h, bs, tables.data(), nullptr);
}

void DynamicRun::start() {
    flows(0);
    for (std::size_t r = 0; r < n_reach_; ++r) {
        rebuild(static_cast<std::int32_t>(r), 0);
        for (int j = 0; j < n_; ++j) std::copy(initial_.begin(), initial_.end(), conc(static_cast<std::int32_t>(r), j));
    }
    if (opt_.start_steady && !opt_.monolithic) {
        std::fill(inflow_.begin(), inflow_.end(), State{});
        for (const std::int32_t r : net_.topo.order()) {
            if (!all_wet(r)) continue;
            const State in = inflow_[r];
            State out;
            if (exchanging(r)) {
                if (chain_prev_[r] == kNone) steady_chain(r, in);
                out = chain_outflow(r);
            } else {
                settle_at(r, steady_cells(r, in));
                out = steady_out_[r];
            }
            prev_inflow_[r] = in;
            detail::pass_on(net_.topo, r, cell(r, n_ - 1).flow_m3s, out, any_transfer_,
                            [&](std::int32_t to, double, const State& l, double share) {
                                if (to == kNone) return;
                                for (int i = 0; i < S; ++i) inflow_[to][i] += l[i] * share;
                            });
        }
    }
    res_.storage_start_g = storage();
    for (std::size_t c = 0; c < n_reach_ * n_; ++c) o_guess_[c] = x_[c * S + DO];
}

State DynamicRun::storage() const {
    State s{};
    for (std::size_t r = 0; r < n_reach_; ++r)
        for (int j = 0; j < n_; ++j)
            for (int i = 0; i < S; ++i) s[i] += cell(static_cast<std::int32_t>(r), j).volume_m3 * conc(static_cast<std::int32_t>(r), j)[i];
    return s;
}

void DynamicRun::finish() {
    res_.storage_end_g = storage();
    for (std::size_t r = 0; r < n_reach_; ++r) {
        for (int i = 0; i < S; ++i) {
            res_.input_g[i] += r_input_[r][i];
            res_.outlet_g[i] += r_outlet_[r][i];
        }
        for (int q = 0; q < kNumProcesses; ++q) res_.processed_g[q] += r_proc_[r][q];
        res_.dam_do_gain_g += r_dam_[r];
        if (!r_settled_.empty())
            for (int i = 0; i < S; ++i) res_.settled_g[i] += r_settled_[r][i];
    }
    for (const Counts& c : count_) {
        res_.steps += c.steps;
        res_.integrated_intervals += c.integrated;
        res_.relaxed_intervals += c.relaxed;
        res_.exact_intervals += c.exact;
        res_.stiff_do_intervals += c.stiff_do;
        res_.cram_intervals += c.cram;
        res_.frozen_solves += c.frozen_solves;
        res_.frozen_subpieces += c.frozen_subpieces;
    }
}

namespace {

// The largest |df/do| of an oxygen effect over o (reaches/kinetics.cpp, o2_attenuation): half saturation 1/k (at 0),
// exponential k (at 0), second order 9 / (8 sqrt(3 k)) (at o^2 = k/3); infinite where k allows no bound.
double o2_slope_bound(O2Effect form, double k) {
    switch (form) {
        case O2Effect::None: return 0.0;
        case O2Effect::HalfSaturation: return k > 0.0 ? 1.0 / k : HUGE_VAL;
        case O2Effect::Exponential: return k >= 0.0 ? k : HUGE_VAL;
        case O2Effect::SecondOrder: return k > 0.0 ? 9.0 / (8.0 * std::sqrt(3.0 * k)) : HUGE_VAL;
    }
    return HUGE_VAL;
}

}  // namespace

// The first cell's steady state s solves G(s) = W + v D(s) - Q s = 0 (g/s; W its inflow, v = V / 86400, D the
// kinetics' rates, mg/L/d; mixed_element_at). Were its state c within the check's d_j = 100 (abs_tol + rel_tol |s_j|)
// <= 100 (abs_tol + rel_tol |c_j|) / (1 - 100 rel_tol) of s in every species j, then |G_i(c)| <= sum_j sup |dG_i/dc_j|
// d_j along the way from s to c: Q d_i, plus v |yield_p,i| k_p d_from per process p (gates <= 1), plus for the gated
// ones v |yield_p,i| k_p |f_p'|max (|c_from| + d_from) d_DO. A residual above twice that (and above rounding) says
// the check would fail at the first cell, so its steady state is not solved; where it does not, the check runs as
// before (the same outcome either way).
bool DynamicRun::surely_unsettled(std::int32_t r, const State& in) const {
    const double ta = 100.0 * opt_.abs_tol, tr = 100.0 * opt_.rel_tol;
    if (!(tr < 0.5)) return false;
    const Cell& c = cell(r, 0);
    const ProcessTable t = kin_[built_t_[r]].table(c.env);
    const double* x = conc(r, 0);
    State y;
    std::copy(x, x + S, y.begin());
    const State rate = derivative_at(p_, t, y);
    const double q = c.flow_m3s, v = c.volume_m3 / kSecondsPerDay;
    double gate_slope[kNumProcesses] = {};
    gate_slope[CbodOxidation] = o2_slope_bound(p_.cbod_o2_effect, p_.cbod_o2_k);
    gate_slope[Nitrification] = o2_slope_bound(p_.nitrification_o2_effect, p_.nitrification_o2_k);
    gate_slope[Denitrification] = o2_slope_bound(p_.denitrification_o2_effect, p_.denitrification_o2_k);
    double d[S];
    for (int i = 0; i < S; ++i) d[i] = (ta + tr * std::abs(y[i])) / (1.0 - tr);
    for (int i = 0; i < S; ++i) {
        double bound = q * d[i], size = std::abs(c.ext_gs[i] + in[i]) + q * std::abs(y[i]);
        for (int p = 0; p < kNumProcesses; ++p) {
            const ProcessTerm& e = t[p];
            if (e.yield[i] == 0.0 || e.from < 0) continue;
            const double a = v * std::abs(e.yield[i] * e.k);
            bound += a * d[e.from];
            if (gate_slope[p] > 0.0) bound += a * gate_slope[p] * (std::abs(y[e.from]) + d[e.from]) * d[DO];
            size += a * std::abs(y[e.from]) + v * std::abs(e.yield[i] * e.r0);
        }
        const double g = c.ext_gs[i] + in[i] + v * rate[i] - q * y[i];
        if (std::abs(g) > 2.0 * bound + 1e-12 * size) return true;
    }
    return false;
}

void DynamicRun::record(double t) {
    res_.time_d.push_back(t);
    if (opt_.record_reach_ends) {
        std::vector<State> ends(n_reach_);
        for (std::size_t r = 0; r < n_reach_; ++r)
            for (int i = 0; i < S; ++i) ends[r][i] = below_weir(static_cast<std::int32_t>(r), i, conc(static_cast<std::int32_t>(r), n_ - 1)[i]);
        res_.reach_end_mgL.push_back(std::move(ends));
    }
    std::vector<State> ob(obs_cell_.size());
    std::vector<double> q(obs_cell_.size());
    for (std::size_t o = 0; o < obs_cell_.size(); ++o) {
        for (int i = 0; i < S; ++i) ob[o][i] = x_[static_cast<std::size_t>(obs_cell_[o]) * S + i];
        q[o] = cells_[obs_cell_[o]].flow_m3s;
    }
    res_.obs_mgL.push_back(std::move(ob));
    res_.obs_flow_m3s.push_back(std::move(q));
}

}  // namespace qingliu::reaches::wq::dynwq
