// The exchange between reaches in pieces shorter than the forcing's intervals (DynamicOptions::exchange_step_d): each
// interval's forcing repeated over k pieces, the cells solved piece by piece (each reach driven by its feeders' mean
// outflow over a piece rather than over the whole interval), the results put back on the intervals: a reach end's
// flow-weighted mean over the pieces, a section's sample at the interval's end, the budgets as they are.
#include <algorithm>
#include <cmath>
#include <vector>

#include "reaches/dynamic.hpp"
#include "reaches/dynamic_cells.hpp"
#include "reaches/dynamic_run.hpp"

namespace qingliu::reaches {

namespace {

// Each of the first `steps` values k times (none where v is empty).
template <class T>
std::vector<T> repeat(const std::vector<T>& v, std::size_t steps, std::size_t k) {
    std::vector<T> out;
    if (v.empty()) return out;
    out.reserve(std::min(v.size(), steps) * k);
    for (std::size_t s = 0; s < std::min(v.size(), steps); ++s) out.insert(out.end(), k, v[s]);
    return out;
}

DynamicForcing in_pieces(const DynamicForcing& f, std::size_t k) {
    DynamicForcing p = f;
    p.steps = f.steps * k;
    p.step_days = f.step_days / static_cast<double>(k);
    p.flow.scale = repeat(f.flow.scale, f.steps, k);
    p.flow.runoff_index = repeat(f.flow.runoff_index, f.steps, k);
    for (std::size_t i = 0; i < f.flow.own_headwater_m3s.size(); ++i) p.flow.own_headwater_m3s[i] = repeat(f.flow.own_headwater_m3s[i], f.steps, k);
    for (std::size_t i = 0; i < f.flow.own_lateral_m3s.size(); ++i) p.flow.own_lateral_m3s[i] = repeat(f.flow.own_lateral_m3s[i], f.steps, k);
    for (std::size_t i = 0; i < f.load_patterns.size(); ++i) p.load_patterns[i] = repeat(f.load_patterns[i], f.steps, k);
    if (f.k_per_d.size() > 1) p.k_per_d = repeat(f.k_per_d, f.steps, k);
    return p;
}

// A reach's series over the pieces (flow[s'], conc[c S k + s'], s' < S k) onto the S intervals (flow then each
// constituent, the solver's reach-major layout): the mean flow, the flow-weighted mean concentration (the mass out
// over the water out; the plain mean where no water left).
void onto_intervals(const float* flow, const float* conc, std::size_t S, std::size_t k, float* to) {
    const std::size_t fine = S * k;
    for (std::size_t s = 0; s < S; ++s) {
        double q = 0.0;
        for (std::size_t j = 0; j < k; ++j) q += flow[s * k + j];
        to[s] = static_cast<float>(q / static_cast<double>(k));
        for (int c = 0; c < kNumConstituents; ++c) {
            double m = 0.0, plain = 0.0;
            for (std::size_t j = 0; j < k; ++j) {
                const std::size_t at = c * fine + s * k + j;
                m += static_cast<double>(flow[s * k + j]) * conc[at];
                plain += conc[at];
            }
            to[(1 + c) * S + s] = static_cast<float>(q > 0.0 ? m / q : plain / static_cast<double>(k));
        }
    }
}

}  // namespace

std::size_t exchange_pieces(const DynamicForcing& forcing, const DynamicOptions& options) {
    if (!(options.exchange_step_d > 0.0) || !(forcing.step_days > options.exchange_step_d)) return 1;
    return static_cast<std::size_t>(std::ceil(forcing.step_days / options.exchange_step_d - 1e-9));
}

DynamicResult solve_dynamic(const Network& net, const std::vector<PointInput>& inputs,
                            const std::vector<Observation>& observations, const DynamicForcing& forcing,
                            const DynamicOptions& options) {
    const std::size_t k = exchange_pieces(forcing, options);
    if (k <= 1) return dynrun::solve_intervals(net, inputs, observations, forcing, options);
    cells::check_forcing(net, inputs, forcing);  // (errors counted in the forcing's intervals, not the pieces)
    const std::size_t S = forcing.steps, N = net.size(), per = S * (1 + kNumConstituents);
    const DynamicForcing fine = in_pieces(forcing, k);
    DynamicOptions o = options;
    o.exchange_step_d = 0.0;
    o.record_reach_ends = false;
    std::vector<float> by_reach(options.record_reach_ends ? N * per : 0);
    if (options.record_reach_ends || options.reach_series)
        o.reach_series = [&](std::int32_t r, const float* q, const float* c) {
            thread_local std::vector<float> own;
            float* to = by_reach.empty() ? nullptr : by_reach.data() + static_cast<std::size_t>(r) * per;
            if (!to) {
                own.resize(per);
                to = own.data();
            }
            onto_intervals(q, c, S, k, to);
            if (options.reach_series) options.reach_series(r, to, to + S);
        };
    DynamicResult res = dynrun::solve_intervals(net, inputs, observations, fine, o);
    res.steps = S;
    res.step_days = forcing.step_days;
    const std::size_t nobs = observations.size();
    std::vector<double> oc(S * nobs * kNumConstituents), of(S * nobs);
    for (std::size_t s = 0; s < S; ++s) {  // a section's sample: the cell holding it at the end of the last piece
        const std::size_t last = s * k + k - 1;
        for (std::size_t ob = 0; ob < nobs; ++ob) {
            of[s * nobs + ob] = res.obs_flow_m3s[last * nobs + ob];
            for (int c = 0; c < kNumConstituents; ++c)
                oc[(s * nobs + ob) * kNumConstituents + c] = res.obs_conc_mgL[(last * nobs + ob) * kNumConstituents + c];
        }
    }
    res.obs_conc_mgL = std::move(oc);
    res.obs_flow_m3s = std::move(of);
    if (options.record_reach_ends)
        cells::reach_ends_interval_major(by_reach.data(), N, S, options.threads, res.reach_flow_m3s, res.reach_conc_mgL);
    return res;
}

}  // namespace qingliu::reaches
