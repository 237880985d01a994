#include "reaches/dynamic_wq_run.hpp"

namespace qingliu::reaches::wq {

namespace dynwq {

// The whole network as one odeint system (the reference the exchange between reaches is tested against); no
// budget.
void DynamicRun::integrate_monolithic() {
    const std::size_t m = x_.size();
    std::vector<ProcessTable> tables(n_reach_ * n_);
    auto set_tables = [&] {
        for (std::size_t r = 0; r < n_reach_; ++r)
            for (int j = 0; j < n_; ++j)
                if (wet(cell(static_cast<std::int32_t>(r), j))) tables[r * n_ + j] = kin_[built_t_[r]].table(cell(static_cast<std::int32_t>(r), j).env);
    };
    auto rhs = [&](const V& x, V& dxdt, double) {
        for (std::size_t r = 0; r < n_reach_; ++r)
            for (int j = 0; j < n_; ++j) {
                const std::size_t c = r * n_ + j;
                const Cell& cl = cells_[c];
                if (!wet(cl)) {
                    for (int i = 0; i < S; ++i) dxdt[c * S + i] = 0.0;
                    continue;
                }
                State w = cl.ext_gs, yy;
                if (j == 0) {
                    for (const auto& [from, frac] : up_links_[r]) {
                        const std::size_t lc = static_cast<std::size_t>(from) * n_ + n_ - 1;
                        const double qu = cells_[lc].flow_m3s * frac;
                        for (int i = 0; i < S; ++i) w[i] += qu * below_weir(from, i, x[lc * S + i]);
                    }
                } else {
                    for (int i = 0; i < S; ++i) w[i] += cells_[c - 1].flow_m3s * x[(c - 1) * S + i];
                }
                for (int i = 0; i < S; ++i) yy[i] = x[c * S + i];
                for (int i = 0; i < S; ++i) w[i] -= (cl.top_exchange_m3s + cl.bottom_exchange_m3s) * yy[i];  // to the fixed waters
                if (exchanging(r)) {  // QUAL2K's exchange with the cells on either side, across the chain's reaches too
                    const std::int32_t prev = chain_prev_[r], next = chain_next_[r];
                    const std::size_t ca = j > 0 ? c - 1 : prev != kNone ? static_cast<std::size_t>(prev) * n_ + n_ - 1 : c;
                    const std::size_t cb = j + 1 < n_ ? c + 1 : next != kNone ? static_cast<std::size_t>(next) * n_ : c;
                    const double above = ca != c ? cells_[ca].exchange_m3s : 0.0, below = cb != c ? cl.exchange_m3s : 0.0;
                    for (int i = 0; i < S; ++i) w[i] += above * (x[ca * S + i] - yy[i]) + below * (x[cb * S + i] - yy[i]);
                }
                const State dd = derivative_at(p_, tables[c], yy);
                const double per_v = kSecondsPerDay / cl.volume_m3;
                for (int i = 0; i < S; ++i) dxdt[c * S + i] = (w[i] - cl.flow_m3s * yy[i]) * per_v + dd[i];
            }
    };
    set_tables();
    auto stepper = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt_.abs_tol, opt_.rel_tol);
    const double total = f_.steps > 0 ? f_.steps * f_.step_days : opt_.days;
    (void)m;
    for (std::size_t d = 0; d < outputs_; ++d) {
        const double t = d * every_, t_next = std::min(total, t + every_);
        if (f_.steps > 0 && d > 0) {
            flows(d);
            for (std::size_t r = 0; r < n_reach_; ++r) rebuild(static_cast<std::int32_t>(r), d);
            set_tables();
        }
        res_.steps += ode::integrate_adaptive(stepper, rhs, x_, t, t_next, std::min(0.01, t_next - t));
        record(t_next);
    }
}

void DynamicRun::steady_chain(std::int32_t head, const State& in) {
    std::vector<ChainElement> el;
    std::int32_t last = head;
    for (std::int32_t r = head; r != kNone; r = chain_next_[r]) {
        last = r;
        if (!all_wet(r)) return;
        for (int j = 0; j < n_; ++j) {
            const Cell& c = cell(r, j);
            ChainElement x;
            x.flow_out_m3s = c.flow_m3s;
            x.volume_m3 = c.volume_m3;
            x.exchange_m3s = c.exchange_m3s;
            x.load_gs = c.ext_gs;
            x.table = kin_[built_t_[r]].table(c.env);
            el.push_back(x);
        }
    }
    el.back().exchange_m3s = cell(last, n_ - 1).bottom_exchange_m3s;
    ChainSolution sol;
    try {  // (the headwater's and the downstream boundary's water in ext_gs)
        sol = solve_dispersive_chain(p_, qtop_[head], in, el, cell(head, 0).top_exchange_m3s);
    } catch (const ModelError& e) {
        throw ModelError("reaches from " + net_.topo.id(head) + ": " + e.what());
    }
    std::size_t e = 0;
    for (std::int32_t r = head; r != kNone; r = chain_next_[r])
        for (int j = 0; j < n_; ++j, ++e) std::copy(sol.conc_mgL[e].begin(), sol.conc_mgL[e].end(), conc(r, j));
}

// A unit over h days with Boost.Odeint: the cells, the integrals of their concentrations and of every process (per
// reach).
void DynamicRun::odeint_piece(const Unit& u, const State& in, double h, std::vector<PieceBudget>& bs) {
    const int nc = u.cells;
    const std::size_t m = static_cast<std::size_t>(nc) * S, k_n = u.reaches.size();
    std::vector<ProcessTable> tables(nc);
    double lam_min = 1e300;
    for (int g = 0; g < nc; ++g) {
        const Cell& c = unit_cell(u, g);
        tables[g] = kin_[built_t_[u.reaches[g / n_]]].table(c.env);
        lam_min = std::min(lam_min, kSecondsPerDay * c.flow_m3s / c.volume_m3);
    }
    V y(2 * m + k_n * kNumProcesses, 0.0);
    thread_local V buf;
    double* z = unit_state(u, buf);
    std::copy(z, z + m, y.begin());
    auto sys = [&](const V& a, V& da, double) {
        std::fill(da.begin() + 2 * m, da.end(), 0.0);
        for (int g = 0; g < nc; ++g) {
            const Cell& cl = unit_cell(u, g);
            State yy, w = cl.ext_gs;
            for (int i = 0; i < S; ++i) yy[i] = a[g * S + i];
            for (int i = 0; i < S; ++i)
                w[i] += (g == 0 ? in[i] : unit_cell(u, g - 1).flow_m3s * a[(g - 1) * S + i]) -
                        (cl.top_exchange_m3s + cl.bottom_exchange_m3s) * yy[i];
            if (u.exchanges) {  // QUAL2K's exchange with the cells on either side
                const double above = g > 0 ? unit_cell(u, g - 1).exchange_m3s : 0.0, below = g + 1 < nc ? cl.exchange_m3s : 0.0;
                for (int i = 0; i < S; ++i) {
                    if (above > 0.0) w[i] += above * (a[(g - 1) * S + i] - yy[i]);
                    if (below > 0.0) w[i] += below * (a[(g + 1) * S + i] - yy[i]);
                }
            }
            PerProcess rates{};
            const State d = derivative_at(p_, tables[g], yy, &rates);
            const double per_v = kSecondsPerDay / cl.volume_m3;
            for (int i = 0; i < S; ++i) {
                da[g * S + i] = (w[i] - cl.flow_m3s * yy[i]) * per_v + d[i];
                da[m + g * S + i] = yy[i];
            }
            double* proc = da.data() + 2 * m + static_cast<std::size_t>(g / n_) * kNumProcesses;
            for (int q = 0; q < kNumProcesses; ++q) proc[q] += cl.volume_m3 * rates[q];
        }
    };
    auto st = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt_.abs_tol, opt_.rel_tol);
    count_[u.reaches[0]].steps += ode::integrate_adaptive(st, sys, y, 0.0, h, std::min(h, 0.1 / lam_min));
    std::copy(y.begin(), y.begin() + m, z);
    unit_store(u, z);
    unit_budget(u, y.data() + m, h, bs, nullptr, nullptr);  // outflow and weir from the concentrations' integrals
    for (std::size_t k = 0; k < k_n; ++k)                 // rates as integrated (gates applied)
        for (int q = 0; q < kNumProcesses; ++q) bs[k].processed_g[q] = y[2 * m + k * kNumProcesses + q];
}

// Builds reach r's cells for interval d (flows, volumes, kinetics environment, external loads); keeps the mass of
// each cell. Returns whether anything changed.
bool DynamicRun::rebuild(std::int32_t r, std::size_t d) {
    const int ti = t_index(d);
    const Options& o = opts_[ti];
    double q = qtop_[r];
    bool changed = built_t_[r] != ti;
    Cell* cl = &cells_[static_cast<std::size_t>(r) * n_];
    for (int j = 0; j < n_; ++j) {
        const CellStatic& cs = cstat_[static_cast<std::size_t>(r) * n_ + j];
        Cell c;
        const double q_lat = lat_[r] * cs.lateral_share;
        for (int i = 0; i < S; ++i) c.ext_gs[i] = q_lat * data_.lateral_conc_mgL[r][i];
        if (j == 0)
            for (int i = 0; i < S; ++i) c.ext_gs[i] += hw_[r] * data_.headwater_conc_mgL[r][i];
        for (std::int32_t k = cs.in_begin; k < cs.in_end; ++k) {
            const Share& s = shares_[k];
            const double w = s.share * load_factor(s.input, d);
            for (int i = 0; i < S; ++i) c.ext_gs[i] += w * inputs_[s.input].load_gs[i];
        }
        q += q_lat + cs.input_flow_m3s;
        c.flow_m3s = q;
        if (j == 0 && exchanging(r) && chain_prev_[r] == kNone) {  // QUAL2K's exchange with the headwater
            c.top_exchange_m3s = headwater_exchange_m3s(net_, data_, r, hw_[r], net_.length_m[r] / n_);
            for (int i = 0; i < S; ++i) c.ext_gs[i] += c.top_exchange_m3s * data_.headwater_conc_mgL[r][i];
        }
        if (q > 0.0 && built_t_[r] == ti && q == cl[j].flow_m3s) {  // the same flow and temperature: the same cell
            c.env = cl[j].env;
            c.volume_m3 = cl[j].volume_m3;
            c.exchange_m3s = cl[j].exchange_m3s;
            c.bottom_exchange_m3s = cl[j].bottom_exchange_m3s;
        } else if (q > 0.0) {
            double u = 0.0;
            c.env = reach_environment(net_, data_, o, r, q, u);
            const double len = net_.length_m[r], dx = len / n_;
            c.volume_m3 = q / u * dx;
            const std::int32_t next = exchanging(r) && j + 1 == n_ ? chain_next_[r] : kNone;
            // an outlet's last cell: with its downstream boundary, if it gives one
            const bool bottom = exchanging(r) && j + 1 == n_ && meets_downstream_boundary(net_, data_, r);
            if (exchanging(r) && (j + 1 < n_ || next != kNone || bottom)) {  // QUAL2K's E', as the steady elements
                const double e = element_dispersion_m2s(net_, data_, r, q);
                if (bottom) c.bottom_exchange_m3s = downstream_exchange_m3s(net_, data_, r, e, u, q / u, dx);
                else c.exchange_m3s = qual2k_exchange_m3s(e, u, q / u, dx, next != kNone ? net_.length_m[next] / n_ : dx);
            }
        } else {
            for (int i = 0; i < S; ++i)
                if (c.ext_gs[i] != 0.0) throw ModelError("reach " + net_.topo.id(r) + ": load but no water on day " + std::to_string(d + 1));
        }
        for (int i = 0; i < S && c.bottom_exchange_m3s > 0.0; ++i)
            c.ext_gs[i] += c.bottom_exchange_m3s * data_.downstream_conc_mgL[r][i];
        Cell& old = cl[j];
        if (built_t_[r] >= 0 && c.volume_m3 != old.volume_m3 && old.volume_m3 > 0.0 && c.volume_m3 > 0.0) {
            const double s = old.volume_m3 / c.volume_m3;  // mass kept
            for (int i = 0; i < S; ++i) x_[(static_cast<std::size_t>(r) * n_ + j) * S + i] *= s;
        }
        changed = changed || c.flow_m3s != old.flow_m3s || c.volume_m3 != old.volume_m3 || c.ext_gs != old.ext_gs;
        old = c;
    }
    if (changed) {
        const double drop = value_or(data_.dam_drop_m, r, 0.0);
        if (drop > 0.0) {
            dam_os_[r] = do_saturation_mgL(o.temperature_c, value_or(data_.elevation_m, r, 0.0));
            dam_ratio_[r] = dam_deficit_ratio(drop, value_or(data_.dam_water_quality_factor, r, 1.0),
                                              value_or(data_.dam_structure_coefficient, r, 0.8), o.temperature_c);
        }
    }
    built_t_[r] = ti;
    return changed;
}

// Cells' shares of lateral inflow and inputs (as steady_wq's elements assign them).
void DynamicRun::statics() {
    std::vector<std::int32_t> in_start, in_idx;
    detail::bucket_by_reach(n_reach_, inputs_, in_start, in_idx);
    cstat_.resize(n_reach_ * n_);
    in_flow_.assign(n_reach_, 0.0);
    for (std::size_t r = 0; r < n_reach_; ++r) {
        const double len = net_.length_m[r];
        for (int j = 0; j < n_; ++j) {
            const double a = j * len / n_, b = (j + 1 == n_) ? len : (j + 1) * len / n_;
            CellStatic& cs = cstat_[r * n_ + j];
            cs.lateral_share = len > 0.0 ? (b - a) / len : (j == 0 ? 1.0 : 0.0);
            cs.in_begin = static_cast<std::int32_t>(shares_.size());
            for (std::int32_t k = in_start[r]; k < in_start[r + 1]; ++k) {
                const Input& p = inputs_[in_idx[k]];
                const double x0 = std::clamp(p.position_m, 0.0, len), x1 = std::min(p.end_m, len);
                const double share = x1 > x0 ? std::max(0.0, std::min(b, x1) - std::max(a, x0)) / (x1 - x0)
                                             : ((x0 >= a && (x0 < b || j + 1 == n_)) ? 1.0 : 0.0);
                if (share == 0.0) continue;
                shares_.push_back({in_idx[k], share});
                cs.input_flow_m3s += share * p.flow_m3s;
            }
            cs.in_end = static_cast<std::int32_t>(shares_.size());
            in_flow_[r] += cs.input_flow_m3s;
        }
    }
    cells_.resize(n_reach_ * n_);
    x_.assign(n_reach_ * n_ * S, 0.0);
    hw_.assign(n_reach_, 0.0);
    lat_.assign(n_reach_, 0.0);
    qtop_.assign(n_reach_, 0.0);
    up_q_.assign(n_reach_, 0.0);
    built_t_.assign(n_reach_, -1);
    dam_ratio_.assign(n_reach_, 1.0);
    dam_os_.assign(n_reach_, 0.0);
    inflow_.assign(n_reach_, State{});
    prev_inflow_.assign(n_reach_, State{});
    steady_out_.assign(n_reach_, State{});
    steady_proc_.assign(n_reach_, PerProcess{});
    steady_dam_.assign(n_reach_, 0.0);
    settled_.assign(n_reach_, 0);
    may_settle_.assign(n_reach_, 0);
    o_guess_.assign(n_reach_ * n_, 0.0);
    first_tau_.assign(n_reach_ * kTauSlots, 0.0);
    r_input_.assign(n_reach_, State{});
    r_outlet_.assign(n_reach_, State{});
    r_proc_.assign(n_reach_, PerProcess{});
    r_dam_.assign(n_reach_, 0.0);
    if (!linear_) r_settled_.assign(n_reach_, State{});
    count_.assign(n_reach_, Counts{});
}

void DynamicRun::linear_system(const Unit& u, const State& in, LinearReach& L, std::vector<ProcessTable>& tables, bool again) const {
    if (again) {  // the first cell's inflow only, as below
        const Cell& c = unit_cell(u, 0);
        const double per_v = kSecondsPerDay / c.volume_m3;
        for (int i = 0; i < S; ++i) L.c[i] = (c.ext_gs[i] + in[i]) * per_v;
        for (const Entry& e : entries_) {
            const ProcessTerm& x = tables[0][e.process];
            L.c[e.species] += x.yield[e.species] * x.r0;
        }
        return;
    }
    const int nc = u.cells;
    tables.resize(nc);
    L.n = nc;
    L.pattern = pattern_;
    const std::size_t np = pattern_.size();
    L.diag.assign(nc * S, 0.0);
    L.up.assign(nc, 0.0);
    L.off.assign(nc * np, 0.0);
    L.c.assign(nc * S, 0.0);
    if (u.exchanges) L.down.assign(nc, 0.0);
    else L.down.clear();
    const Cell* prev = nullptr;  // the cell above (in the unit)
    for (int j = 0; j < nc; ++j) {
        const std::int32_t r = unit_reach(u, j);
        const Cell& c = unit_cell(u, j);
        tables[j] = kin_[built_t_[r]].table(c.env);
        const ProcessTable& t = tables[j];
        const double per_v = kSecondsPerDay / c.volume_m3;
        for (int i = 0; i < S; ++i) {
            L.diag[j * S + i] = -c.flow_m3s * per_v;
            L.c[j * S + i] = (c.ext_gs[i] + (j == 0 ? in[i] : 0.0)) * per_v;
        }
        if (prev) L.up[j] = prev->flow_m3s * per_v;
        for (int i = 0; i < S; ++i)  // back to the headwater and the downstream boundary
            L.diag[j * S + i] -= (c.top_exchange_m3s + c.bottom_exchange_m3s) * per_v;
        if (u.exchanges) {  // QUAL2K's exchange with the cells on either side (across the chain's reaches too)
            const double above = prev ? prev->exchange_m3s : 0.0, below = j + 1 < nc ? c.exchange_m3s : 0.0;
            for (int i = 0; i < S; ++i) L.diag[j * S + i] -= (above + below) * per_v;
            L.up[j] += above * per_v;
            L.down[j] = below * per_v;
        }
        for (const Entry& e : entries_) {  // the nonzero yields, in the order of the table
            const ProcessTerm& x = t[e.process];
            const double y = x.yield[e.species];
            L.c[j * S + e.species] += y * x.r0;
            if (e.at == Entry::kNone) continue;
            (e.at == Entry::kDiag ? L.diag[j * S + e.species] : L.off[j * np + e.at]) += y * x.k;
        }
        prev = &c;
    }
}

// The distinct temperatures of the run, the kinetics and options at each, and each interval's.
void DynamicRun::temperatures() {
    std::vector<double> t = f_.temperature_c;
    if (t.empty()) t = {opt_.steady.temperature_c};
    std::map<double, int> seen;
    for (const double x : t)
        if (seen.emplace(x, static_cast<int>(seen.size())).second) {
            Options o = opt_.steady;
            o.temperature_c = x;
            opts_.push_back(o);
            kin_.emplace_back(p_, x);
        }
    for (const double x : t) t_index_.push_back(seen[x]);
    // the kinetic pattern: which species draws on which (the same at every temperature and depth)
    const ProcessTable unit = kin_[0].table(1.0, 1.0, 1.0, 1.0);
    bool lower = true;
    for (int i = 0; i < S; ++i)
        for (int from = 0; from < i + 1 && from < S; ++from) {
            if (from == i) continue;
            bool any = false;
            for (const ProcessTerm& x : unit) any = any || (x.from == from && x.yield[i] != 0.0);
            if (any) pattern_.push_back({i, from});
        }
    for (const ProcessTerm& x : unit)
        for (int i = 0; i < S; ++i) lower = lower && (x.from < 0 || x.yield[i] == 0.0 || x.from <= i);
    if (!lower) linear_ = frozen_ = false;
    for (int i = 0; i < S; ++i)
        for (int k = 0; k < S; ++k) pattern_at_[i][k] = -1;
    for (std::size_t e = 0; e < pattern_.size(); ++e) pattern_at_[pattern_[e][0]][pattern_[e][1]] = static_cast<int>(e);
    for (int q = 0; q < kNumProcesses; ++q)
        for (int i = 0; i < S; ++i) {
            if (unit[q].yield[i] == 0.0) continue;
            const int from = unit[q].from;
            entries_.push_back({q, i, from < 0 ? Entry::kNone : from == i ? Entry::kDiag : pattern_at_[i][from]});
        }
    do_last_ = true;  // nothing draws on DO (DO's own terms aside)
    for (const auto& e : pattern_) do_last_ = do_last_ && e[1] != DO;
}

}  // namespace dynwq

DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial,
                               const DynamicForcing& forcing, const DynamicOptions& opt) {
    check_reach_data(net, data);
    return dynwq::DynamicRun(net, data, inputs, observations, initial, forcing, opt).run();
}

DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial,
                               const DynamicOptions& opt) {
    return solve_dynamic_wq(net, data, inputs, observations, initial, DynamicForcing{}, opt);
}

}  // namespace qingliu::reaches::wq
