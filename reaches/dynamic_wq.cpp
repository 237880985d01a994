#include "reaches/dynamic_wq.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/pass_on.hpp"

namespace qingliu::reaches::wq {

namespace {

namespace ode = boost::numeric::odeint;

struct Link {
    std::int32_t from_cell;
    double fraction;  ///< of the upstream cell's outflow load
};

struct Cell {
    std::int32_t reach;
    double flow_m3s = 0.0, volume_m3 = 0.0;
    Environment env;
    ProcessTable table{};         ///< the kinetics at the cell's depth and reaeration, gates unapplied
    State external_gs{};          ///< headwater, lateral inflow and inputs entering this cell
    std::vector<Link> links;      ///< upstream cells feeding it
    bool last = false;            ///< outflow passes over the reach's weir, if any
    double dam_ratio = 1.0, os_mgL = 0.0;
};

template <class T>
T value_or(const std::vector<T>& v, std::size_t i, T fallback) {
    return i < v.size() ? v[i] : fallback;
}

bool wet(const Cell& cl) { return cl.flow_m3s > 0.0 && cl.volume_m3 > 0.0; }

// Concentration of species i leaving a cell at concentration v: below the weir for the last cell of a reach with one.
double below_weir(const Cell& cl, int i, double v) {
    if (i == DO && cl.last && cl.dam_ratio != 1.0) return cl.os_mgL - (cl.os_mgL - v) / cl.dam_ratio;
    return v;
}

// dC/dt of a wet cell at concentrations y under inflow load w (g/s): (w - Q C) / V + the kinetics.
void cell_derivative(const Parameters& p, const Cell& cl, const State& w, const double* y, double* dydt) {
    State yy;
    for (int i = 0; i < kNumSpecies; ++i) yy[i] = y[i];
    const State r = derivative_at(p, cl.table, yy);
    const double per_d = kSecondsPerDay / cl.volume_m3;
    for (int i = 0; i < kNumSpecies; ++i) dydt[i] = (w[i] - cl.flow_m3s * yy[i]) * per_d + r[i];
}

// The cells of every reach in topological order (n per reach, first_cell[r] the first of reach r), with flows, the
// external loads entering each and the links from the cells feeding it, as the steady elements assign them.
class CellBuilder {
public:
    CellBuilder(const Network& net, const ReachData& data, const std::vector<Input>& inputs, const DynamicOptions& opt, int n)
        : net_(net), data_(data), inputs_(inputs), opt_(opt), n_(n), kin_(opt.steady.params, opt.steady.temperature_c),
          up_q_(net.size(), 0.0), up_links_(net.size()) {
        detail::bucket_by_reach(net.size(), inputs, in_start_, in_idx_);
    }

    void build(std::vector<Cell>& cells, std::vector<std::int32_t>& first_cell) {
        cells.reserve(net_.size() * n_);
        first_cell.assign(net_.size(), -1);
        for (const std::int32_t r : net_.topo.order()) {
            first_cell[r] = static_cast<std::int32_t>(cells.size());
            double q = up_q_[r] + net_.headwater_flow_m3s[r];
            for (int j = 0; j < n_; ++j) cells.push_back(cell(r, j, q, static_cast<std::int32_t>(cells.size())));
            weir(r, cells.back());
            pass_on(r, q, static_cast<std::int32_t>(cells.size()) - 1);
        }
    }

private:
    // Cell j of reach r (index `at`), its outflow q raised by what enters it.
    Cell cell(std::int32_t r, int j, double& q, std::int32_t at) const {
        const double len = net_.length_m[r];
        const double a = j * len / n_, b = (j + 1 == n_) ? len : (j + 1) * len / n_;
        Cell c;
        c.reach = r;
        double q_add = net_.lateral_flow_m3s[r] * (b - a) / std::max(len, 1e-300);
        for (int i = 0; i < kNumSpecies; ++i) c.external_gs[i] = q_add * data_.lateral_conc_mgL[r][i];
        if (j == 0) {
            for (int i = 0; i < kNumSpecies; ++i) c.external_gs[i] += net_.headwater_flow_m3s[r] * data_.headwater_conc_mgL[r][i];
            c.links = up_links_[r];
        } else {
            c.links = {{at - 1, 1.0}};
        }
        for (std::int32_t k = in_start_[r]; k < in_start_[r + 1]; ++k) {
            const Input& p = inputs_[in_idx_[k]];
            const double x0 = std::clamp(p.position_m, 0.0, len), x1 = std::min(p.end_m, len);
            const double share = x1 > x0 ? std::max(0.0, std::min(b, x1) - std::max(a, x0)) / (x1 - x0)
                                         : ((x0 >= a && (x0 < b || j + 1 == n_)) ? 1.0 : 0.0);
            if (share == 0.0) continue;
            q_add += share * p.flow_m3s;
            for (int i = 0; i < kNumSpecies; ++i) c.external_gs[i] += share * p.load_gs[i];
        }
        q += q_add;
        c.flow_m3s = q;
        if (q > 0.0) {
            double u = 0.0;
            c.env = reach_environment(net_, data_, opt_.steady, r, q, u);
            c.table = kin_.table(c.env);
            c.volume_m3 = q / u * (b - a);
        }
        c.last = j + 1 == n_;
        return c;
    }

    // The reach's weir, if any, on its last cell.
    void weir(std::int32_t r, Cell& last) const {
        const double drop = value_or(data_.dam_drop_m, r, 0.0);
        if (drop <= 0.0) return;
        last.os_mgL = do_saturation_mgL(opt_.steady.temperature_c, value_or(data_.elevation_m, r, 0.0));
        last.dam_ratio = dam_deficit_ratio(drop, value_or(data_.dam_water_quality_factor, r, 1.0),
                                           value_or(data_.dam_structure_coefficient, r, 0.8), opt_.steady.temperature_c);
    }

    // Pass the outflow on: transfers first, then the split (load fractions of the last cell's outflow).
    void pass_on(std::int32_t r, double q, std::int32_t from) {
        detail::pass_on(net_.topo, r, q, std::array<double, 1>{1.0}, true,
                        [&](std::int32_t to, double qq, const std::array<double, 1>& remaining, double share) {
                            if (to == kNone) return;
                            up_q_[to] += qq;
                            up_links_[to].push_back({from, remaining[0] * share});
                        });
    }

    const Network& net_;
    const ReachData& data_;
    const std::vector<Input>& inputs_;
    const DynamicOptions& opt_;
    const int n_;
    const KineticsAt kin_;
    std::vector<std::int32_t> in_start_, in_idx_;
    std::vector<double> up_q_;
    std::vector<std::vector<Link>> up_links_;
};

// The cells integrated over the run: the whole network as one system (monolithic) or reach by reach.
class DynamicRun {
public:
    DynamicRun(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
               const std::vector<Observation>& observations, const State& initial, const DynamicOptions& opt)
        : net_(net), opt_(opt), p_(opt.steady.params), n_reach_(net.size()), n_(std::max(1, opt.cells_per_reach)) {
        CellBuilder(net, data, inputs, opt, n_).build(cells_, first_cell_);
        locate(observations);
        x_.resize(cells_.size() * kNumSpecies);
        for (std::size_t c = 0; c < cells_.size(); ++c)
            for (int i = 0; i < kNumSpecies; ++i) x_[c * kNumSpecies + i] = initial[i];
        every_ = opt.output_every_d > 0.0 ? opt.output_every_d : opt.days;
    }

    DynamicResult run() {
        record(0.0);
        if (opt_.monolithic) integrate_monolithic();
        else integrate_by_reach();
        return std::move(res_);
    }

private:
    using V = std::vector<double>;

    // observations: the cell containing the position
    void locate(const std::vector<Observation>& observations) {
        for (const Observation& o : observations) {
            if (o.reach < 0 || static_cast<std::size_t>(o.reach) >= n_reach_) throw ModelError("section on an unknown reach index");
            const double len = net_.length_m[o.reach];
            const int j = len > 0.0 ? std::min(n_ - 1, static_cast<int>(std::floor(std::clamp(o.position_m, 0.0, len) / len * n_))) : 0;
            obs_cell_.push_back(first_cell_[o.reach] + j);
        }
    }

    double out_conc(std::size_t c, int i) const { return below_weir(cells_[c], i, x_[c * kNumSpecies + i]); }

    void record(double t) {
        res_.time_d.push_back(t);
        std::vector<State> ends(n_reach_);
        for (std::size_t r = 0; r < n_reach_; ++r) {
            const std::size_t c = static_cast<std::size_t>(first_cell_[r] + n_ - 1);
            for (int i = 0; i < kNumSpecies; ++i) ends[r][i] = out_conc(c, i);
        }
        res_.reach_end_mgL.push_back(std::move(ends));
        std::vector<State> ob(obs_cell_.size());
        for (std::size_t o = 0; o < obs_cell_.size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i) ob[o][i] = x_[obs_cell_[o] * kNumSpecies + i];
        res_.obs_mgL.push_back(std::move(ob));
    }

    // The whole network as one odeint system (the reference the exchange between reaches is tested against).
    void integrate_monolithic() {
        const std::size_t m = cells_.size();
        auto rhs = [&](const V& x, V& dxdt, double) {
            for (std::size_t c = 0; c < m; ++c) {
                const Cell& cl = cells_[c];
                if (!wet(cl)) {
                    for (int i = 0; i < kNumSpecies; ++i) dxdt[c * kNumSpecies + i] = 0.0;
                    continue;
                }
                State w = cl.external_gs;
                for (const Link& l : cl.links) {
                    const double qu = cells_[l.from_cell].flow_m3s * l.fraction;
                    for (int i = 0; i < kNumSpecies; ++i) w[i] += qu * below_weir(cells_[l.from_cell], i, x[l.from_cell * kNumSpecies + i]);
                }
                cell_derivative(p_, cl, w, x.data() + c * kNumSpecies, dxdt.data() + c * kNumSpecies);
            }
        };
        auto stepper = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt_.abs_tol, opt_.rel_tol);
        double t = 0.0;
        while (t < opt_.days - 1e-12) {
            const double t_next = std::min(opt_.days, t + every_);
            res_.steps += ode::integrate_adaptive(stepper, rhs, x_, t, t_next, std::min(0.01, t_next - t));
            t = t_next;
            record(t);
        }
    }

    // The cells of the reach starting at c0 under inflow load `in` (g/s), then the outflow load (g/s) accumulated over
    // the interval, in g/s x d.
    void reach_rhs(std::int32_t c0, const State& in, const double* y, double* dy) const {
        for (int j = 0; j < n_; ++j) {
            const Cell& cl = cells_[c0 + j];
            const double* yc = y + j * kNumSpecies;
            double* dc = dy + j * kNumSpecies;
            if (!wet(cl)) {
                for (int i = 0; i < kNumSpecies; ++i) dc[i] = 0.0;
                continue;
            }
            State w = cl.external_gs;
            if (j == 0) {
                for (int i = 0; i < kNumSpecies; ++i) w[i] += in[i];
            } else {
                const double qu = cells_[c0 + j - 1].flow_m3s;
                for (int i = 0; i < kNumSpecies; ++i) w[i] += qu * yc[i - kNumSpecies];
            }
            cell_derivative(p_, cl, w, yc, dc);
        }
        const Cell& last = cells_[c0 + n_ - 1];
        const double* yl = y + (n_ - 1) * kNumSpecies;
        for (int i = 0; i < kNumSpecies; ++i) dy[n_ * kNumSpecies + i] = last.flow_m3s * below_weir(last, i, yl[i]);
    }

    // The last cell's outflow load now (g/s), below its weir.
    State outflow_of(std::int32_t c0) const {
        const std::size_t c = static_cast<std::size_t>(c0 + n_ - 1);
        State l;
        for (int i = 0; i < kNumSpecies; ++i) l[i] = cells_[c].flow_m3s * out_conc(c, i);
        return l;
    }

    // Transient gone: where the integrated end state agrees with the exact steady state of the cells under this
    // inflow (mixed_element_at) within 100x the odeint tolerance, the state is set to it, and the reach then stays
    // there while its inflow does not change.
    void settle(std::int32_t r, const State& in) {
        const std::int32_t c0 = first_cell_[r];
        State above = in;
        std::vector<State> ss(n_);
        for (int j = 0; j < n_; ++j) {
            const Cell& cl = cells_[c0 + j];
            State w = cl.external_gs;
            for (int i = 0; i < kNumSpecies; ++i) w[i] += above[i];
            ss[j] = mixed_element_at(p_, cl.table, w, cl.flow_m3s, cl.volume_m3).conc_mgL;
            for (int i = 0; i < kNumSpecies; ++i) {
                const double v = x_[(c0 + j) * kNumSpecies + i];
                if (std::abs(v - ss[j][i]) > 100.0 * (opt_.abs_tol + opt_.rel_tol * std::abs(ss[j][i]))) return;
                above[i] = cl.flow_m3s * ss[j][i];
            }
        }
        for (int j = 0; j < n_; ++j)
            for (int i = 0; i < kNumSpecies; ++i) x_[(c0 + j) * kNumSpecies + i] = ss[j][i];
        steady_out_[r] = outflow_of(c0);
        settled_[r] = 1;
    }

    // One reach over an interval of h days; returns its mean outflow load (g/s).
    State route(std::int32_t r, double h) {
        const std::int32_t c0 = first_cell_[r];
        const State in = inflow_[r];
        State out;
        if (settled_[r] && in == prev_inflow_[r]) return steady_out_[r];  // at the steady state of this inflow: stays
        ++integrated_;
        V y((n_ + 1) * kNumSpecies, 0.0);
        std::copy(x_.begin() + c0 * kNumSpecies, x_.begin() + (c0 + n_) * kNumSpecies, y.begin());
        auto sys = [&](const V& a, V& da, double) { reach_rhs(c0, in, a.data(), da.data()); };
        auto st = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt_.abs_tol, opt_.rel_tol);
        double lam_min = 1e300;
        bool all_wet = true;
        for (int j = 0; j < n_; ++j) {
            const Cell& cl = cells_[c0 + j];
            if (!wet(cl)) all_wet = false;
            else lam_min = std::min(lam_min, kSecondsPerDay * cl.flow_m3s / cl.volume_m3);
        }
        // first step: a tenth of the fastest cell's residence time
        steps_ += ode::integrate_adaptive(st, sys, y, 0.0, h, std::min(h, all_wet ? 0.1 / lam_min : 0.01));
        for (int i = 0; i < kNumSpecies; ++i) out[i] = y[n_ * kNumSpecies + i] / h;
        std::copy(y.begin(), y.begin() + n_ * kNumSpecies, x_.begin() + c0 * kNumSpecies);
        settled_[r] = 0;
        prev_inflow_[r] = in;
        if (all_wet) settle(r, in);
        return out;
    }

    void route_list(const std::vector<std::int32_t>& list, double h) {
        for (const std::int32_t r : list) {
            const State out = route(r, h);
            detail::pass_on(net_.topo, r, cells_[first_cell_[r] + n_ - 1].flow_m3s, out, true,
                            [&](std::int32_t to, double, const State& l, double share) {
                                if (to == kNone) return;
                                for (int i = 0; i < kNumSpecies; ++i) inflow_[to][i] += l[i] * share;
                            });
        }
    }

    // Reach by reach in topological order within each interval: a reach's cells are integrated over the interval
    // driven by the interval-mean outflow of its feeders (constant within the interval), and pass on their own mean.
    void integrate_by_reach() {
        inflow_.assign(n_reach_, State{});
        prev_inflow_.assign(n_reach_, State{});
        steady_out_.assign(n_reach_, State{});
        settled_.assign(n_reach_, 0);
        const bool parallel = n_reach_ >= 4096 && tbb::this_task_arena::max_concurrency() >= 2;
        detail::Partition part;
        if (parallel) part = detail::partition(net_.topo, std::max<std::size_t>(1024, n_reach_ / 256));
        const double max_h = opt_.exchange_step_d > 0.0 ? opt_.exchange_step_d : every_;
        double t = 0.0;
        while (t < opt_.days - 1e-12) {
            const double t_next = std::min(opt_.days, t + every_);
            const int pieces = std::max(1, static_cast<int>(std::ceil((t_next - t) / max_h - 1e-9)));
            const double h = (t_next - t) / pieces;
            for (int k = 0; k < pieces; ++k) {
                res_.intervals += n_reach_;
                std::fill(inflow_.begin(), inflow_.end(), State{});
                if (parallel) route_parallel(part, h);
                else route_list(net_.topo.order(), h);
            }
            t = t_next;
            record(t);
        }
        res_.steps = steps_;
        res_.integrated_intervals = integrated_;
    }

    // Independent parts of the network on all cores, then the trunk they feed.
    void route_parallel(const detail::Partition& part, double h) {
        std::vector<std::exception_ptr> errors(part.tasks.size());
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, part.tasks.size(), 1), [&](const auto& range) {
            for (std::size_t q = range.begin(); q != range.end(); ++q) try {
                    route_list(part.tasks[q], h);
                } catch (...) {
                    errors[q] = std::current_exception();
                }
        });
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
        route_list(part.trunk, h);
    }

    const Network& net_;
    const DynamicOptions& opt_;
    const Parameters& p_;
    const std::size_t n_reach_;
    const int n_;
    double every_ = 1.0;
    std::vector<Cell> cells_;
    std::vector<std::int32_t> first_cell_, obs_cell_;
    V x_;
    DynamicResult res_;
    std::vector<State> inflow_, prev_inflow_, steady_out_;
    std::vector<char> settled_;
    std::atomic<std::size_t> steps_{0}, integrated_{0};
};

}  // namespace

DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial,
                               const DynamicOptions& opt) {
    if (data.headwater_conc_mgL.size() != net.size() || data.lateral_conc_mgL.size() != net.size())
        throw ModelError("water-quality reach data must have one headwater and lateral concentration per reach");
    return DynamicRun(net, data, inputs, observations, initial, opt).run();
}

}  // namespace qingliu::reaches::wq
