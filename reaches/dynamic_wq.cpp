#include "reaches/dynamic_wq.hpp"

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "reaches/bucket.hpp"

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
        double q_rem = q, remaining = 1.0;
        for (const std::int32_t k : net.topo.transfers_from(r)) {
            const Transfer& tr = net.topo.transfers()[k];
            if (tr.flow_m3s > q_rem * (1.0 + 1e-12))
                throw ModelError("reach " + net.topo.id(r) + " cannot supply a transfer of " + std::to_string(tr.flow_m3s) +
                                 " m3/s to reach " + net.topo.id(tr.to));
            const double share = q_rem > 0.0 ? std::min(tr.flow_m3s / q_rem, 1.0) : 0.0;
            up_q[tr.to] += tr.flow_m3s;
            up_links[tr.to].push_back({from, remaining * share});
            remaining *= 1.0 - share;
            q_rem = std::max(q_rem - tr.flow_m3s, 0.0);
        }
        const std::int32_t d = net.topo.downstream(r), s = net.topo.split_to(r);
        const double f = s != kNone ? net.topo.split_fraction(r) : 0.0;
        if (s != kNone) {
            up_q[s] += q_rem * f;
            up_links[s].push_back({from, remaining * f});
        }
        if (d != kNone) {
            up_q[d] += q_rem * (1.0 - f);
            up_links[d].push_back({from, remaining * (1.0 - f)});
        }
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
            const State r = derivative(p, cl.env, y);
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
    auto stepper = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt.abs_tol, opt.rel_tol);
    record(0.0);
    double t = 0.0;
    const double every = opt.output_every_d > 0.0 ? opt.output_every_d : opt.days;
    while (t < opt.days - 1e-12) {
        const double t_next = std::min(opt.days, t + every);
        res.steps += ode::integrate_adaptive(stepper, rhs, x, t, t_next, std::min(0.01, t_next - t));
        t = t_next;
        record(t);
    }
    return res;
}

}  // namespace qingliu::reaches::wq
