#include "reaches/steady_wq_chain.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "reaches/kinetics_series.hpp"

namespace qingliu::reaches::wq {

namespace {

constexpr int N = kNumSpecies;
using Block = std::array<double, N * N>;  // row-major

// The inverse of a 9 x 9 block by Gauss-Jordan elimination with partial pivoting.
Block inverse(Block a) {
    Block inv{};
    for (int i = 0; i < N; ++i) inv[i * N + i] = 1.0;
    for (int col = 0; col < N; ++col) {
        int piv = col;
        for (int r = col + 1; r < N; ++r)
            if (std::abs(a[r * N + col]) > std::abs(a[piv * N + col])) piv = r;
        if (!(std::abs(a[piv * N + col]) > 0.0)) throw ModelError("dispersive elements: singular element equations");
        if (piv != col)
            for (int k = 0; k < N; ++k) {
                std::swap(a[piv * N + k], a[col * N + k]);
                std::swap(inv[piv * N + k], inv[col * N + k]);
            }
        const double d = 1.0 / a[col * N + col];
        for (int k = 0; k < N; ++k) {
            a[col * N + k] *= d;
            inv[col * N + k] *= d;
        }
        for (int r = 0; r < N; ++r) {
            if (r == col) continue;
            const double f = a[r * N + col];
            if (f == 0.0) continue;
            for (int k = 0; k < N; ++k) {
                a[r * N + k] -= f * a[col * N + k];
                inv[r * N + k] -= f * inv[col * N + k];
            }
        }
    }
    return inv;
}

State times(const Block& m, const State& x) {
    State y{};
    for (int i = 0; i < N; ++i) {
        double s = 0.0;
        for (int k = 0; k < N; ++k) s += m[i * N + k] * x[k];
        y[i] = s;
    }
    return y;
}

struct Chain {
    const Parameters& p;
    double q_top;
    const State& w_top;
    const std::vector<ChainElement>& el;
    double ex_top;
    const State& c_top;
    const State& c_bottom;  // beyond the last element (its exchange_m3s: QUAL2K's downstream boundary)

    double q_in(std::size_t i) const { return i == 0 ? q_top : el[i - 1].flow_out_m3s; }
    double ex_up(std::size_t i) const { return i == 0 ? ex_top : el[i - 1].exchange_m3s; }

    // R_i (g/s) at the chain's concentrations c
    std::vector<State> residual(const std::vector<State>& c) const {
        const std::size_t n = el.size();
        std::vector<State> r(n);
        for (std::size_t i = 0; i < n; ++i) {
            const State s = derivative_at(p, el[i].table, c[i]);
            const double v = el[i].volume_m3 / 86400.0, out = el[i].flow_out_m3s + ex_up(i) + el[i].exchange_m3s;
            for (int k = 0; k < N; ++k) {
                const double in = i == 0 ? w_top[k] + ex_top * c_top[k] : (q_in(i) + ex_up(i)) * c[i - 1][k];
                const double down = el[i].exchange_m3s * (i + 1 < n ? c[i + 1][k] : c_bottom[k]);
                r[i][k] = in - out * c[i][k] + down + el[i].load_gs[k] + v * s[k];
            }
        }
        return r;
    }

    // the diagonal block of the Jacobian: -(Q_i + Ep_{i-1} + Ep_i) I + V_i / 86400 dS/dc by central differences
    Block diagonal(std::size_t i, const State& c) const {
        Block d{};
        const double v = el[i].volume_m3 / 86400.0;
        for (int k = 0; k < N; ++k) {
            const double h = 1e-6 * std::max(std::abs(c[k]), 1e-3);
            State a = c, b = c;
            a[k] += h;
            b[k] -= h;
            const State sa = derivative_at(p, el[i].table, a), sb = derivative_at(p, el[i].table, b);
            for (int row = 0; row < N; ++row) d[row * N + k] = v * (sa[row] - sb[row]) / (2.0 * h);
        }
        const double out = el[i].flow_out_m3s + ex_up(i) + el[i].exchange_m3s;
        for (int k = 0; k < N; ++k) d[k * N + k] -= out;
        return d;
    }

    // Newton's step: J dx = -R, J block tridiagonal with scalar off-diagonal blocks l_i I (l_i = Q_{i-1} + Ep_{i-1})
    // and u_i I (u_i = Ep_i), by block elimination
    std::vector<State> step(const std::vector<State>& c, const std::vector<State>& r) const {
        const std::size_t n = el.size();
        std::vector<Block> dinv(n);
        std::vector<State> y(n);
        for (std::size_t i = 0; i < n; ++i) {
            Block d = diagonal(i, c[i]);
            State rhs{};
            for (int k = 0; k < N; ++k) rhs[k] = -r[i][k];
            if (i > 0) {
                const double l = q_in(i) + ex_up(i), u = el[i - 1].exchange_m3s;
                for (int k = 0; k < N * N; ++k) d[k] -= l * u * dinv[i - 1][k];
                const State t = times(dinv[i - 1], y[i - 1]);
                for (int k = 0; k < N; ++k) rhs[k] -= l * t[k];
            }
            dinv[i] = inverse(d);
            y[i] = rhs;
        }
        std::vector<State> dx(n);
        for (std::size_t i = n; i-- > 0;) {
            State rhs = y[i];
            if (i + 1 < n)
                for (int k = 0; k < N; ++k) rhs[k] -= el[i].exchange_m3s * dx[i + 1][k];
            dx[i] = times(dinv[i], rhs);
        }
        return dx;
    }
};

// largest |R_i,k| over the element's throughflow times the species' scale
double residual_norm(const Chain& ch, const std::vector<State>& r, const State& scale) {
    double worst = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const double out = ch.el[i].flow_out_m3s + ch.ex_up(i) + ch.el[i].exchange_m3s;
        for (int k = 0; k < N; ++k) worst = std::max(worst, std::abs(r[i][k]) / (out * scale[k]));
    }
    return worst;
}

}  // namespace

ChainSolution solve_dispersive_chain(const Parameters& p, double flow_top_m3s, const State& load_top_gs,
                                     const std::vector<ChainElement>& elements, double exchange_top_m3s,
                                     const State& conc_top_mgL, const State& conc_bottom_mgL) {
    const std::size_t n = elements.size();
    ChainSolution out;
    if (n == 0) return out;
    for (const ChainElement& e : elements)
        if (!(e.flow_out_m3s > 0.0) || !(e.volume_m3 > 0.0) || !(e.exchange_m3s >= 0.0))
            throw ModelError("dispersive elements need flow > 0, volume > 0 and exchange >= 0");
    if (!(exchange_top_m3s >= 0.0)) throw ModelError("dispersive elements need the headwater's exchange >= 0");
    const Chain ch{p, flow_top_m3s, load_top_gs, elements, exchange_top_m3s, conc_top_mgL, conc_bottom_mgL};
    // first guess: the chain without exchange, element by element
    std::vector<State> c(n);
    State load = load_top_gs;
    for (std::size_t i = 0; i < n; ++i) {
        State in = load;
        for (int k = 0; k < N; ++k) in[k] += elements[i].load_gs[k];
        c[i] = mixed_element_at(p, elements[i].table, in, elements[i].flow_out_m3s, elements[i].volume_m3).conc_mgL;
        for (int k = 0; k < N; ++k) load[k] = c[i][k] * elements[i].flow_out_m3s;
    }
    auto scale_of = [&](const std::vector<State>& x) {
        State s{};
        for (const State& y : x)
            for (int k = 0; k < N; ++k) s[k] = std::max(s[k], std::abs(y[k]));
        for (int k = 0; k < N; ++k) s[k] = std::max(s[k], 1e-12);
        return s;
    };
    std::vector<State> r = ch.residual(c);
    double norm = residual_norm(ch, r, scale_of(c));
    constexpr int kMaxIterations = 60;
    for (int it = 0; it < kMaxIterations; ++it) {
        const std::vector<State> dx = ch.step(c, r);
        const State scale = scale_of(c);
        double move = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            for (int k = 0; k < N; ++k) move = std::max(move, std::abs(dx[i][k]) / scale[k]);
        // the full step, or halved until the residual falls (the gates' kink at DO = 0)
        double lambda = 1.0;
        std::vector<State> trial(n);
        std::vector<State> rt;
        double nt = 0.0;
        for (int half = 0; half < 30; ++half) {
            for (std::size_t i = 0; i < n; ++i)
                for (int k = 0; k < N; ++k) trial[i][k] = c[i][k] + lambda * dx[i][k];
            rt = ch.residual(trial);
            nt = residual_norm(ch, rt, scale_of(trial));
            if (nt <= norm || move * lambda <= 1e-13) break;
            lambda *= 0.5;
        }
        c = trial;
        r = rt;
        norm = nt;
        out.iterations = it + 1;
        out.last_step = move * lambda;
        if (move * lambda <= 1e-13) break;
        if (it + 1 == kMaxIterations)
            throw ModelError("dispersive elements: Newton's method did not converge (last step " +
                             std::to_string(move * lambda) + " of the concentrations' scale)");
    }
    out.conc_mgL = c;
    out.processed_gs.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        PerProcess rates{};
        derivative_at(p, elements[i].table, c[i], &rates);
        const double v = elements[i].volume_m3 / 86400.0;
        for (int q = 0; q < kNumProcesses; ++q) out.processed_gs[i][q] = v * rates[q];
    }
    return out;
}

double qual2k_exchange_m3s(double dispersion_m2s, double velocity_ms, double area_m2, double dx_m, double dx_next_m) {
    const double e = std::max(dispersion_m2s - 0.5 * velocity_ms * dx_m, 0.0);
    return e * area_m2 / (0.5 * (dx_m + dx_next_m));
}

namespace {

template <class T>
T at_or(const std::vector<T>& v, std::size_t i, T fallback) {
    return i < v.size() ? v[i] : fallback;
}

}  // namespace

double channel_slope(const Network& net, const ReachData& data, std::int32_t r) {
    const hydro::Hydraulics& h = net.hydraulics[r];
    return at_or(data.slope, static_cast<std::size_t>(r), h.manning_kind() ? h.slope : 0.0);
}

double element_dispersion_m2s(const Network& net, const ReachData& data, std::int32_t r, double q) {
    const double own = at_or(data.dispersion_m2s, static_cast<std::size_t>(r), 0.0);
    if (own > 0.0) return own;
    const double slope = channel_slope(net, data, r);
    if (!(slope > 0.0))
        throw ModelError("reach " + net.topo.id(r) + ": QUAL2K's dispersion needs the channel slope (the slope column or "
                         "Manning) or the reach's own dispersion_m2s");
    return hydro::fischer_dispersion_m2s(net.hydraulics[r], q, slope);
}

double headwater_exchange_m3s(const Network& net, const ReachData& data, std::int32_t head, double q0, double dx_m) {
    if (net.topo.in_degree(head) != 0 || !(q0 > 0.0)) return 0.0;
    const double own = at_or(data.headwater_dispersion_m2s, static_cast<std::size_t>(head), -1.0);
    if (own == 0.0) return 0.0;
    const double u0 = net.hydraulics[head].velocity(q0);
    return qual2k_exchange_m3s(own > 0.0 ? own : element_dispersion_m2s(net, data, head, q0), u0, q0 / u0, dx_m, dx_m);
}

bool meets_downstream_boundary(const Network& net, const ReachData& data, std::int32_t r) {
    return net.topo.downstream(r) == kNone && net.topo.split_to(r) == kNone &&
           at_or(data.downstream_boundary, static_cast<std::size_t>(r), char{0}) != 0;
}

double downstream_exchange_m3s(const Network& net, const ReachData& data, std::int32_t r, double dispersion_m2s,
                               double velocity_ms, double area_m2, double dx_m) {
    if (!meets_downstream_boundary(net, data, r)) return 0.0;
    return qual2k_exchange_m3s(dispersion_m2s, velocity_ms, area_m2, dx_m, dx_m);
}

bool disperses(const ReachData& data, const Options& opt, std::size_t r) {
    return at_or(data.elements, r, 0) > 0 && (opt.dispersion == Dispersion::Qual2k || at_or(data.dispersion_m2s, r, 0.0) > 0.0);
}

bool has_dispersion(const ReachData& data, const Options& opt) {
    for (std::size_t r = 0; r < data.elements.size(); ++r)  // plug flow throughout: no elements, no loop
        if (disperses(data, opt, r)) return true;
    return false;
}

Environment reach_environment(const Network& net, const ReachData& data, const Options& opt, std::int32_t r, double q,
                              double& u) {
    const hydro::Hydraulics& h = net.hydraulics[r];
    const bool trapezoid = h.kind == hydro::Hydraulics::Kind::Trapezoid;
    const hydro::Section sec = trapezoid ? h.section(q) : hydro::Section{};
    u = trapezoid ? q / sec.area_m2 : h.velocity(q);
    const double depth = trapezoid ? sec.depth_m : h.depth(q);
    if (!(u > 0.0) || !std::isfinite(u))
        throw ModelError("reach " + net.topo.id(r) + ": velocity is " + std::to_string(u) + " m/s at flow " +
                         std::to_string(q) + " m3/s");
    if (!(depth > 0.0) || !std::isfinite(depth))
        throw ModelError("reach " + net.topo.id(r) +
                         ": water-quality kinetics need the depth (hydraulic geometry with c and d, or Manning)");
    Environment env;
    env.temperature_c = opt.temperature_c;
    env.depth_m = trapezoid ? h.bottom_depth(sec) : depth;  // volume over bottom area
    env.os_mgL = do_saturation_mgL(opt.temperature_c, at_or(data.elevation_m, r, 0.0));
    env.sod_g_m2_d = at_or(data.sod_g_m2_d, r, -1.0);
    const double own = at_or(data.ka20_per_d, r, 0.0);
    ChannelState ch;
    ch.velocity_ms = u;
    ch.depth_m = depth;
    ch.flow_m3s = q;
    ch.slope = channel_slope(net, data, r);
    if (trapezoid) {
        ch.hydraulic_radius_m = sec.area_m2 / sec.wetted_perimeter_m;
        ch.hydraulic_depth_m = sec.area_m2 / sec.top_width_m;
    }
    try {
        env.ka20_per_d = own > 0.0 ? own : reaeration_ka20_per_d(opt.reaeration, ch);
    } catch (const ModelError& e) {
        throw ModelError("reach " + net.topo.id(r) + ": " + e.what());
    }
    return env;
}

void check_reach_data(const Network& net, const ReachData& data) {
    const std::size_t n = net.size();
    if (data.headwater_conc_mgL.size() != n || data.lateral_conc_mgL.size() != n)
        throw ModelError("water-quality reach data must have one headwater and lateral concentration per reach");
    if (!data.downstream_boundary.empty() && (data.downstream_boundary.size() != n || data.downstream_conc_mgL.size() != n))
        throw ModelError("water-quality reach data must have a downstream boundary flag and concentration per reach, or none");
}

std::vector<std::int32_t> dispersive_chain_next(const Network& net, const ReachData& data, const Options& opt) {
    std::vector<std::int32_t> next;
    if (!has_dispersion(data, opt)) return next;
    const std::size_t n = net.size();
    next.assign(n, kNone);
    for (std::size_t r = 0; r < n; ++r) {
        const std::int32_t d = net.topo.downstream(r);
        if (!disperses(data, opt, r) || d == kNone || !disperses(data, opt, static_cast<std::size_t>(d))) continue;
        if (net.topo.in_degree(d) != 1 || net.headwater_flow_m3s[d] > 0.0 || net.topo.split_to(r) != kNone ||
            !net.topo.transfers_from(r).empty() || at_or(data.dam_drop_m, r, 0.0) > 0.0)
            continue;
        next[r] = d;
    }
    return next;
}

}  // namespace qingliu::reaches::wq
