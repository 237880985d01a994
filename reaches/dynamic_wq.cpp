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

}  // namespace

DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial,
                               const DynamicOptions& opt) {
    const std::size_t n_reach = net.size();
    const int n = std::max(1, opt.cells_per_reach);
    if (data.headwater_conc_mgL.size() != n_reach || data.lateral_conc_mgL.size() != n_reach)
        throw ModelError("water-quality reach data must have one headwater and lateral concentration per reach");
    std::vector<std::int32_t> in_start, in_idx;
    detail::bucket_by_reach(n_reach, inputs, in_start, in_idx);
    // cells in topological order; flows and links as the steady elements assign them
    std::vector<Cell> cells;
    cells.reserve(n_reach * n);
    std::vector<std::int32_t> first_cell(n_reach, -1);
    std::vector<double> up_q(n_reach, 0.0);
    std::vector<std::vector<Link>> up_links(n_reach);
    const KineticsAt kin(opt.steady.params, opt.steady.temperature_c);
    for (const std::int32_t r : net.topo.order()) {
        const double len = net.length_m[r];
        double q = up_q[r] + net.headwater_flow_m3s[r];
        first_cell[r] = static_cast<std::int32_t>(cells.size());
        for (int j = 0; j < n; ++j) {
            const double a = j * len / n, b = (j + 1 == n) ? len : (j + 1) * len / n;
            Cell c;
            c.reach = r;
            double q_add = net.lateral_flow_m3s[r] * (b - a) / std::max(len, 1e-300);
            for (int i = 0; i < kNumSpecies; ++i) c.external_gs[i] = q_add * data.lateral_conc_mgL[r][i];
            if (j == 0) {
                for (int i = 0; i < kNumSpecies; ++i) c.external_gs[i] += net.headwater_flow_m3s[r] * data.headwater_conc_mgL[r][i];
                c.links = up_links[r];
            } else {
                c.links = {{static_cast<std::int32_t>(cells.size()) - 1, 1.0}};
            }
            for (std::int32_t k = in_start[r]; k < in_start[r + 1]; ++k) {
                const Input& p = inputs[in_idx[k]];
                const double x0 = std::clamp(p.position_m, 0.0, len), x1 = std::min(p.end_m, len);
                const double share = x1 > x0 ? std::max(0.0, std::min(b, x1) - std::max(a, x0)) / (x1 - x0)
                                             : ((x0 >= a && (x0 < b || j + 1 == n)) ? 1.0 : 0.0);
                if (share == 0.0) continue;
                q_add += share * p.flow_m3s;
                for (int i = 0; i < kNumSpecies; ++i) c.external_gs[i] += share * p.load_gs[i];
            }
            q += q_add;
            c.flow_m3s = q;
            if (q > 0.0) {
                double u = 0.0;
                c.env = reach_environment(net, data, opt.steady, r, q, u);
                c.table = kin.table(c.env);
                c.volume_m3 = q / u * (b - a);
            }
            c.last = j + 1 == n;
            cells.push_back(c);
        }
        Cell& last = cells.back();
        const double drop = value_or(data.dam_drop_m, r, 0.0);
        if (drop > 0.0) {
            last.os_mgL = do_saturation_mgL(opt.steady.temperature_c, value_or(data.elevation_m, r, 0.0));
            last.dam_ratio = dam_deficit_ratio(drop, value_or(data.dam_water_quality_factor, r, 1.0),
                                               value_or(data.dam_structure_coefficient, r, 0.8), opt.steady.temperature_c);
        }
        // pass the outflow on: transfers first, then the split (load fractions of the last cell's outflow)
        const std::int32_t from = static_cast<std::int32_t>(cells.size()) - 1;
        detail::pass_on(net.topo, r, q, std::array<double, 1>{1.0}, true,
                        [&](std::int32_t to, double qq, const std::array<double, 1>& remaining, double share) {
                            if (to == kNone) return;
                            up_q[to] += qq;
                            up_links[to].push_back({from, remaining[0] * share});
                        });
    }
    // observations: the cell containing the position
    std::vector<std::int32_t> obs_cell;
    for (const Observation& o : observations) {
        if (o.reach < 0 || static_cast<std::size_t>(o.reach) >= n_reach) throw ModelError("section on an unknown reach index");
        const double len = net.length_m[o.reach];
        const int j = len > 0.0 ? std::min(n - 1, static_cast<int>(std::floor(std::clamp(o.position_m, 0.0, len) / len * n))) : 0;
        obs_cell.push_back(first_cell[o.reach] + j);
    }

    const Parameters& p = opt.steady.params;
    using V = std::vector<double>;
    const std::size_t m = cells.size();
    // outflow concentration of a cell: below the weir for the last cell of a reach with one
    auto out_conc = [&](const V& x, std::size_t c, int i) {
        const double v = x[c * kNumSpecies + i];
        const Cell& cl = cells[c];
        if (i == DO && cl.last && cl.dam_ratio != 1.0) return cl.os_mgL - (cl.os_mgL - v) / cl.dam_ratio;
        return v;
    };
    auto rhs = [&](const V& x, V& dxdt, double) {
        for (std::size_t c = 0; c < m; ++c) {
            const Cell& cl = cells[c];
            if (!(cl.flow_m3s > 0.0) || !(cl.volume_m3 > 0.0)) {
                for (int i = 0; i < kNumSpecies; ++i) dxdt[c * kNumSpecies + i] = 0.0;
                continue;
            }
            State w = cl.external_gs;
            for (const Link& l : cl.links) {
                const double qu = cells[l.from_cell].flow_m3s * l.fraction;
                for (int i = 0; i < kNumSpecies; ++i) w[i] += qu * out_conc(x, l.from_cell, i);
            }
            State y;
            for (int i = 0; i < kNumSpecies; ++i) y[i] = x[c * kNumSpecies + i];
            const State r = derivative_at(p, cl.table, y);
            const double per_d = kSecondsPerDay / cl.volume_m3;
            for (int i = 0; i < kNumSpecies; ++i)
                dxdt[c * kNumSpecies + i] = (w[i] - cl.flow_m3s * y[i]) * per_d + r[i];
        }
    };
    V x(m * kNumSpecies);
    for (std::size_t c = 0; c < m; ++c)
        for (int i = 0; i < kNumSpecies; ++i) x[c * kNumSpecies + i] = initial[i];
    DynamicResult res;
    auto record = [&](double t) {
        res.time_d.push_back(t);
        std::vector<State> ends(n_reach);
        for (std::size_t r = 0; r < n_reach; ++r) {
            const std::size_t c = static_cast<std::size_t>(first_cell[r] + n - 1);
            for (int i = 0; i < kNumSpecies; ++i) ends[r][i] = out_conc(x, c, i);
        }
        res.reach_end_mgL.push_back(std::move(ends));
        std::vector<State> ob(obs_cell.size());
        for (std::size_t o = 0; o < obs_cell.size(); ++o)
            for (int i = 0; i < kNumSpecies; ++i) ob[o][i] = x[obs_cell[o] * kNumSpecies + i];
        res.obs_mgL.push_back(std::move(ob));
    };
    namespace ode = boost::numeric::odeint;
    record(0.0);
    double t = 0.0;
    const double every = opt.output_every_d > 0.0 ? opt.output_every_d : opt.days;
    if (opt.monolithic) {
        auto stepper = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt.abs_tol, opt.rel_tol);
        while (t < opt.days - 1e-12) {
            const double t_next = std::min(opt.days, t + every);
            res.steps += ode::integrate_adaptive(stepper, rhs, x, t, t_next, std::min(0.01, t_next - t));
            t = t_next;
            record(t);
        }
        return res;
    }
    // Reach by reach in topological order within each interval: a reach's cells are integrated over the interval
    // driven by the interval-mean outflow of its feeders (constant within the interval), and pass on their own mean.
    std::vector<State> inflow(n_reach), prev_inflow(n_reach), steady_out(n_reach);
    std::vector<char> settled(n_reach, 0);
    std::atomic<std::size_t> steps{0}, integrated{0};
    auto cell_rhs = [&](std::int32_t c0, const State& in, const double* y, double* dy) {
        for (int j = 0; j < n; ++j) {
            const Cell& cl = cells[c0 + j];
            const double* yc = y + j * kNumSpecies;
            double* dc = dy + j * kNumSpecies;
            if (!(cl.flow_m3s > 0.0) || !(cl.volume_m3 > 0.0)) {
                for (int i = 0; i < kNumSpecies; ++i) dc[i] = 0.0;
                continue;
            }
            State w = cl.external_gs, yy;
            if (j == 0) {
                for (int i = 0; i < kNumSpecies; ++i) w[i] += in[i];
            } else {
                const double qu = cells[c0 + j - 1].flow_m3s;
                for (int i = 0; i < kNumSpecies; ++i) w[i] += qu * yc[i - kNumSpecies];
            }
            for (int i = 0; i < kNumSpecies; ++i) yy[i] = yc[i];
            const State r = derivative_at(p, cl.table, yy);
            const double per_d = kSecondsPerDay / cl.volume_m3;
            for (int i = 0; i < kNumSpecies; ++i) dc[i] = (w[i] - cl.flow_m3s * yy[i]) * per_d + r[i];
        }
        // the outflow load (g/s) accumulated over the interval, in g/s x d
        const Cell& last = cells[c0 + n - 1];
        const double* yl = y + (n - 1) * kNumSpecies;
        for (int i = 0; i < kNumSpecies; ++i) {
            double v = yl[i];
            if (i == DO && last.dam_ratio != 1.0) v = last.os_mgL - (last.os_mgL - v) / last.dam_ratio;
            dy[n * kNumSpecies + i] = last.flow_m3s * v;
        }
    };
    auto outflow_of = [&](std::int32_t c0) {  // the last cell's outflow load now (g/s), below its weir
        const Cell& last = cells[c0 + n - 1];
        State l;
        for (int i = 0; i < kNumSpecies; ++i) l[i] = last.flow_m3s * out_conc(x, static_cast<std::size_t>(c0 + n - 1), i);
        return l;
    };
    // one reach over an interval of h days; returns its mean outflow load (g/s)
    auto route = [&](std::int32_t r, double h) {
        const std::int32_t c0 = first_cell[r];
        const State in = inflow[r];
        State out;
        if (settled[r] && in == prev_inflow[r]) return steady_out[r];  // at the steady state of this inflow: stays
        ++integrated;
        V y((n + 1) * kNumSpecies, 0.0);
        std::copy(x.begin() + c0 * kNumSpecies, x.begin() + (c0 + n) * kNumSpecies, y.begin());
        auto sys = [&](const V& a, V& da, double) { cell_rhs(c0, in, a.data(), da.data()); };
        auto st = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt.abs_tol, opt.rel_tol);
        double lam_min = 1e300;
        bool wet = true;
        for (int j = 0; j < n; ++j) {
            const Cell& cl = cells[c0 + j];
            if (!(cl.flow_m3s > 0.0) || !(cl.volume_m3 > 0.0)) wet = false;
            else lam_min = std::min(lam_min, kSecondsPerDay * cl.flow_m3s / cl.volume_m3);
        }
        // first step: a tenth of the fastest cell's residence time
        steps += ode::integrate_adaptive(st, sys, y, 0.0, h, std::min(h, wet ? 0.1 / lam_min : 0.01));
        for (int i = 0; i < kNumSpecies; ++i) out[i] = y[n * kNumSpecies + i] / h;
        std::copy(y.begin(), y.begin() + n * kNumSpecies, x.begin() + c0 * kNumSpecies);
        settled[r] = 0;
        prev_inflow[r] = in;
        // transient gone: where the integrated end state agrees with the exact steady state of the cells under this
        // inflow (mixed_element_at) within 100x the odeint tolerance, the state is set to it, and the reach then
        // stays there while its inflow does not change.
        if (!wet) return out;
        State above = in;
        std::vector<State> ss(n);
        for (int j = 0; j < n; ++j) {
            const Cell& cl = cells[c0 + j];
            State w = cl.external_gs;
            for (int i = 0; i < kNumSpecies; ++i) w[i] += above[i];
            ss[j] = mixed_element_at(p, cl.table, w, cl.flow_m3s, cl.volume_m3).conc_mgL;
            for (int i = 0; i < kNumSpecies; ++i) {
                const double v = x[(c0 + j) * kNumSpecies + i];
                if (std::abs(v - ss[j][i]) > 100.0 * (opt.abs_tol + opt.rel_tol * std::abs(ss[j][i]))) return out;
                above[i] = cl.flow_m3s * ss[j][i];
            }
        }
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < kNumSpecies; ++i) x[(c0 + j) * kNumSpecies + i] = ss[j][i];
        steady_out[r] = outflow_of(c0);
        settled[r] = 1;
        return out;
    };
    auto route_list = [&](const std::vector<std::int32_t>& list, double h) {
        for (const std::int32_t r : list) {
            const State out = route(r, h);
            detail::pass_on(net.topo, r, cells[first_cell[r] + n - 1].flow_m3s, out, true,
                            [&](std::int32_t to, double, const State& l, double share) {
                                if (to == kNone) return;
                                for (int i = 0; i < kNumSpecies; ++i) inflow[to][i] += l[i] * share;
                            });
        }
    };
    const bool parallel = n_reach >= 4096 && tbb::this_task_arena::max_concurrency() >= 2;
    detail::Partition part;
    if (parallel) part = detail::partition(net.topo, std::max<std::size_t>(1024, n_reach / 256));
    const double max_h = opt.exchange_step_d > 0.0 ? opt.exchange_step_d : every;
    while (t < opt.days - 1e-12) {
        const double t_next = std::min(opt.days, t + every);
        const int pieces = std::max(1, static_cast<int>(std::ceil((t_next - t) / max_h - 1e-9)));
        const double h = (t_next - t) / pieces;
        for (int k = 0; k < pieces; ++k) {
            res.intervals += n_reach;
            std::fill(inflow.begin(), inflow.end(), State{});
            if (!parallel) {
                route_list(net.topo.order(), h);
                continue;
            }
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
        t = t_next;
        record(t);
    }
    res.steps = steps;
    res.integrated_intervals = integrated;
    return res;
}

}  // namespace qingliu::reaches::wq
