#include "reaches/steady_wq.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "reaches/bucket.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/levels.hpp"
#include "reaches/reach_walk.hpp"
#include "reaches/steady_wq_chain.hpp"

namespace qingliu::reaches::wq {

ReachData ReachData::sized(std::size_t n) {
    ReachData d;
    detail::fill_new(d.headwater_conc_mgL, n, State{});
    detail::fill_new(d.lateral_conc_mgL, n, State{});
    return d;
}

std::vector<Item> gb3838_items(const State& c, double k1) {
    std::vector<Item> out;
    for (Var v : kGb3838Set) {  // keys from the variable table, in item order; literals, so data() is a C string
        double x = 0.0;
        switch (v) {
            case Var::DO: x = c[DO]; break;
            case Var::CODMn: x = c[CODMn]; break;
            case Var::COD: x = c[COD]; break;
            case Var::BOD5: x = bod5_from_cbodu(c[CBOD], k1); break;
            case Var::NH3N: x = c[NH3N]; break;
            case Var::TP: x = total_p(c); break;
            case Var::TN: x = total_n(c); break;
            default: continue;
        }
        out.push_back({variable_def(v).key.data(), x});
    }
    return out;
}

namespace {


template <class T>
T at_or(const std::vector<T>& v, std::size_t i, T fallback) {
    return i < v.size() ? v[i] : fallback;
}

bool any_load(const State& l) {
    for (double x : l)
        if (std::abs(x) > 0.0) return true;
    return false;
}

// Sums over reaches, kept per task so that parallel runs add them in a fixed order.
struct Totals {
    State input{}, outlet{};
    PerProcess processed{};
    double dam = 0.0, imbalance = 0.0;
    std::size_t segments = 0, frozen = 0;
    void add(const Totals& o) {
        segments += o.segments;
        frozen += o.frozen;
        for (int i = 0; i < kNumSpecies; ++i) {
            input[i] += o.input[i];
            outlet[i] += o.outlet[i];
        }
        for (int q = 0; q < kNumProcesses; ++q) processed[q] += o.processed[q];
        dam += o.dam;
        imbalance = std::max(imbalance, o.imbalance);
    }
};

// Routes one reach at a time once its feeders are routed, gathering its inflow from them (levels.hpp); writes only
// index r of the result vectors and r's own slots, so the reaches of a level run on separate threads.
struct Solver {
    const Network& net;
    const ReachData& data;
    const std::vector<Input>& inputs;
    const std::vector<Observation>& obs;
    const Options& opt;
    Result& res;
    std::vector<std::int32_t> in_start, in_idx, ob_start, ob_idx;
    const detail::LevelPlan* plan = nullptr;  ///< set before routing
    std::vector<double> sent_q;               ///< per slot: what a reach that splits or transfers sends
    std::vector<State> sent_l;

    // stoichiometry of the processes (yields do not depend on the state)
    ProcessTable stoich;
    KineticsAt kin;
    bool any_transfer = false;
    // dispersive element chains (steady_wq_chain.hpp): the next reach of a reach's chain (kNone: the chain ends
    // there), whether a reach heads one, and whether its chain runs dry somewhere (then marched without exchange);
    // empty without dispersion
    std::vector<std::int32_t> chain_next;
    std::vector<char> chain_head, chain_dry;

    Solver(const Network& n, const ReachData& d, const std::vector<Input>& in, const std::vector<Observation>& o,
           const Options& op, Result& r)
        : net(n), data(d), inputs(in), obs(o), opt(op), res(r), kin(op.params, op.temperature_c) {
        any_transfer = !n.topo.transfers().empty();
        detail::bucket_by_position(n.size(), inputs, in_start, in_idx);
        detail::bucket_by_position(n.size(), obs, ob_start, ob_idx);
        Environment env;
        stoich = process_table(opt.params, env, 0.0);
        link_chains();
    }

    bool disperses(std::int32_t r) const { return wq::disperses(data, opt, static_cast<std::size_t>(r)); }

    void link_chains() {
        chain_next = dispersive_chain_next(net, data, opt);
        if (chain_next.empty()) return;
        const std::size_t n = net.size();
        chain_head.assign(n, 0);
        chain_dry.assign(n, 0);
        chain_walks.resize(n);
        for (std::size_t r = 0; r < n; ++r)
            if (disperses(static_cast<std::int32_t>(r))) chain_head[r] = 1;
        for (std::size_t r = 0; r < n; ++r)
            if (chain_next[r] != kNone) chain_head[chain_next[r]] = 0;
    }

    Environment environment(std::int32_t r, double q, double& u) { return reach_environment(net, data, opt, r, q, u); }

    struct Walk {
        std::int32_t r;
        double len, q, q_lat, x = 0.0;
        State l{}, lin{}, s_lat{};
        PerProcess processed{};
        std::vector<std::pair<double, std::int32_t>> active;  // (end, input) of spread inputs under way
        double ka_sum = 0.0, ka_len = 0.0;
        std::size_t segments = 0, frozen = 0;
    };
    std::vector<std::unique_ptr<Walk>> chain_walks;  ///< a chain's members' walks, from its head's solve

    void add_processed(Walk& w, const PerProcess& p) {
        for (int q = 0; q < kNumProcesses; ++q) w.processed[q] += p[q];
    }

    State conc(const Walk& w, double at) const {
        return detail::concentration(w.l, w.q, any_load, net.topo, w.r, at);
    }

    void advance(Walk& w, double to) {
        const double dx = to - w.x;
        if (dx <= 0.0) return;
        const double q_mid = w.q + 0.5 * w.q_lat * dx;
        if (q_mid <= 0.0) {
            if (any_load(w.l) || any_load(w.s_lat))
                throw detail::dry_with_load(net.topo, w.r, w.x);
            w.x = to;
            return;
        }
        double u = 0.0;
        const Environment env = environment(w.r, q_mid, u);
        // the Taylor series of the segment (kinetics_series.hpp), else the extrapolated frozen substeps
        const ProcessTable table = kin.table(env);
        PlugSegment plug;
        plug.flow_in_m3s = w.q;
        plug.lateral_m3s_per_m = w.q_lat;
        plug.velocity_ms = u;
        plug.length_m = dx;
        plug.lateral_load_gs_per_m = w.s_lat;
        const SeriesSegment ss = plug_series_segment(table, plug);
        AffineSolution s;
        ++w.segments;
        if (opt.general_solve) {
            s = solve_plug_frozen(opt.params, env, plug, w.l, opt.rel_tol);
        } else if (!kin.oxygen_dependent()) {
            // linear: one exact solve of the affine system (kinetics.hpp, solve_linear)
            LinearForm f;
            f.process = table;
            for (int q = 0; q < kNumProcesses; ++q) {
                ProcessTerm& t = f.process[q];
                const double r0 = t.r0 * ss.scale;
                t.k *= ss.scale;
                t.r0 = r0 * w.q;
                f.r1[q] = r0 * w.q_lat;
            }
            f.inflow0 = w.s_lat;
            s = solve_linear(f, w.l, dx);
        } else if (!solve_series(opt.params, ss, w.l, s)) {
            ++w.frozen;
            s = solve_plug_segment(opt.params, env, plug, w.l, opt.rel_tol);
        }
        for (int i = 0; i < kNumSpecies; ++i) w.lin[i] += w.s_lat[i] * dx;
        add_processed(w, s.processed);
        w.l = s.y;
        w.q += w.q_lat * dx;
        w.ka_sum += env.ka20_per_d * dx;
        w.ka_len += dx;
        w.x = to;
    }

    void add_input(Walk& w, std::int32_t pi, double at) {
        if (detail::join_spread(inputs[pi], pi, at, w.len, w.q_lat, w.s_lat, w.active)) return;
        const Input& p = inputs[pi];
        w.q += p.flow_m3s;
        for (int i = 0; i < kNumSpecies; ++i) {
            w.l[i] += p.load_gs[i];
            w.lin[i] += p.load_gs[i];
        }
    }

    void end_spread(Walk& w, double q_lat0) {
        if (!detail::leave_spread(inputs, w.len, w.q_lat, w.s_lat, w.active)) return;
        w.q_lat = q_lat0;
        for (int i = 0; i < kNumSpecies; ++i) w.s_lat[i] = q_lat0 * data.lateral_conc_mgL[w.r][i];
    }

    void use(const detail::LevelPlan& p) {
        plan = &p;
        sent_q.assign(p.slots, 0.0);
        sent_l.assign(p.slots, State{});
    }

    // What the feeders of the reach at position k of the plan send it: the flow (returned) and the loads l, summed
    // in the plan's order.
    double inflow(std::size_t k, State& l) const {
        double q = 0.0;
        l = State{};
        for (std::int32_t e = plan->feed_start[k]; e < plan->feed_start[k + 1]; ++e) {
            const std::int32_t f = plan->feed[e];
            const bool slot = f < 0;
            const std::size_t at = slot ? static_cast<std::size_t>(-1 - f) : static_cast<std::size_t>(f);
            const State& x = slot ? sent_l[at] : res.load_out_gs[at];
            q += slot ? sent_q[at] : res.flow_out_m3s[at];
            for (int i = 0; i < kNumSpecies; ++i) l[i] += x[i];
        }
        return q;
    }

    Walk enter(std::int32_t r, double up_q, const State& up_l) {
        Walk w;
        w.r = r;
        w.len = net.length_m[r];
        w.q = detail::top_of_reach(up_q, up_l, net.headwater_flow_m3s[r], data.headwater_conc_mgL[r], w.l);
        w.lin = w.l;
        res.flow_in_m3s[r] = w.q;
        w.q_lat = w.len > 0.0 ? net.lateral_flow_m3s[r] / w.len : 0.0;
        for (int i = 0; i < kNumSpecies; ++i) w.s_lat[i] = w.q_lat * data.lateral_conc_mgL[r][i];
        return w;
    }

    void march_plug(Walk& w) {
        const std::int32_t r = w.r;
        const double q_lat0 = w.q_lat;
        detail::march(
            inputs, in_idx.data() + in_start[r], in_idx.data() + in_start[r + 1], obs, ob_idx.data() + ob_start[r],
            ob_idx.data() + ob_start[r + 1], w.len, w.active, [](double) {}, [&](double x) { advance(w, x); },
            [&] { end_spread(w, q_lat0); }, [&](std::int32_t i, double x) { add_input(w, i, x); },
            [&](std::int32_t o, double x) {
                res.obs_conc_mgL[o] = conc(w, x);
                res.obs_flow_m3s[o] = w.q;
            });
    }

    // QUAL2K elements: n equal elements; element j gets the inputs at positions in [x_j, x_j+1) (the last one also
    // those at the end), the share of spread inputs and lateral inflow that overlaps it, and reports the sections in it.
    double element_inflow(std::int32_t r, double len, int j, int n, double a, double b, State& l_add) const {
        double q_add = net.lateral_flow_m3s[r] * (b - a) / std::max(len, 1e-300);
        for (int i = 0; i < kNumSpecies; ++i) l_add[i] = q_add * data.lateral_conc_mgL[r][i];
        for (std::int32_t k = in_start[r]; k < in_start[r + 1]; ++k) {
            const Input& p = inputs[in_idx[k]];
            const double x0 = std::clamp(p.position_m, 0.0, len), x1 = std::min(p.end_m, len);
            double share = 0.0;
            if (x1 > x0) {
                share = std::max(0.0, std::min(b, x1) - std::max(a, x0)) / (x1 - x0);
            } else {
                share = (x0 >= a && (x0 < b || j + 1 == n)) ? 1.0 : 0.0;
            }
            if (share == 0.0) continue;
            q_add += share * p.flow_m3s;
            for (int i = 0; i < kNumSpecies; ++i) l_add[i] += share * p.load_gs[i];
        }
        return q_add;
    }

    // the sections in element [a, b) of reach r (the last element also those at the end) report c at flow q
    void report_element(std::int32_t r, double len, double a, double b, bool last, const State& c, double q) {
        for (std::int32_t k = ob_start[r]; k < ob_start[r + 1]; ++k) {
            const double x = std::clamp(obs[ob_idx[k]].position_m, 0.0, len);
            if (x >= a && (x < b || last)) {
                res.obs_conc_mgL[ob_idx[k]] = c;
                res.obs_flow_m3s[ob_idx[k]] = q;
            }
        }
    }

    void march_elements(Walk& w, int n) {
        const std::int32_t r = w.r;
        const double dx = w.len / n;
        for (int j = 0; j < n; ++j) {
            const double a = j * dx, b = (j + 1 == n) ? w.len : (j + 1) * dx;
            State l_add{};
            const double q_add = element_inflow(r, w.len, j, n, a, b, l_add);
            w.q += q_add;
            for (int i = 0; i < kNumSpecies; ++i) {
                w.l[i] += l_add[i];
                w.lin[i] += l_add[i];
            }
            if (w.q <= 0.0) {
                if (any_load(w.l))
                    throw detail::dry_with_load(net.topo, r, a);
                continue;
            }
            double u = 0.0;
            const Environment env = environment(r, w.q, u);
            const double volume = w.q / u * (b - a);
            const MixedElement e = mixed_element_at(opt.params, kin.table(env), w.l, w.q, volume);
            add_processed(w, e.processed);
            for (int i = 0; i < kNumSpecies; ++i) w.l[i] = e.conc_mgL[i] * w.q;
            w.ka_sum += env.ka20_per_d * (b - a);
            w.ka_len += b - a;
            report_element(r, w.len, a, b, j + 1 == n, e.conc_mgL, w.q);
        }
        w.x = w.len;
    }

    // A dispersive chain from its head: every member's elements in one system (steady_wq_chain.hpp), each member's
    // walk kept for its route. A member passes on Q c of its last element (its end concentration, as without
    // dispersion); the exchange across its ends, Ep (c_above - c_below) downwards, is booked with its inflow (in at
    // the top, less what leaves at the bottom; at the chain's top the exchange with its headwater, at an outlet's end
    // with its downstream boundary), so that its budget closes. A chain without water somewhere is marked dry and
    // marched as without dispersion (false; the march names a load where there is no water).
    bool solve_chain(std::int32_t head, double up_q, const State& up_l) {
        struct Meta {
            std::int32_t r;
            double len, a, b, q, u, ka, e;
            bool last;
        };
        std::vector<ChainElement> el;
        std::vector<Meta> meta;
        const Walk top = enter(head, up_q, up_l);
        double q = top.q;
        for (std::int32_t r = head; r != kNone; r = chain_next[r]) {
            const int n = at_or(data.elements, r, 0);
            const double len = net.length_m[r], dx = len / n;
            if (r != head) res.flow_in_m3s[r] = q;
            for (int j = 0; j < n; ++j) {
                const double a = j * dx, b = (j + 1 == n) ? len : (j + 1) * dx;
                ChainElement x;
                q += element_inflow(r, len, j, n, a, b, x.load_gs);
                if (!(q > 0.0)) {
                    for (std::int32_t m = head; m != kNone; m = chain_next[m]) chain_dry[m] = 1;
                    return false;
                }
                double u = 0.0;
                const Environment env = environment(r, q, u);
                const double e = element_dispersion_m2s(net, data, r, q);
                x.flow_out_m3s = q;
                x.volume_m3 = q / u * (b - a);
                x.table = kin.table(env);
                el.push_back(x);
                meta.push_back({r, len, a, b, q, u, env.ka20_per_d, e, j + 1 == n});
            }
        }
        for (std::size_t i = 0; i + 1 < el.size(); ++i)
            el[i].exchange_m3s = qual2k_exchange_m3s(meta[i].e, meta[i].u, meta[i].q / meta[i].u,
                                                     meta[i].b - meta[i].a, meta[i + 1].b - meta[i + 1].a);
        const Meta& bottom = meta.back();  // the last element: its exchange with the downstream boundary, if any
        el.back().exchange_m3s = downstream_exchange_m3s(net, data, bottom.r, bottom.e, bottom.u, bottom.q / bottom.u,
                                                         bottom.b - bottom.a);
        const State c_bottom = el.back().exchange_m3s > 0.0 ? data.downstream_conc_mgL.at(bottom.r) : State{};
        ChainSolution sol;
        double ep_top = 0.0;  // the exchange with the headwater above the top (headwater_exchange_m3s)
        const State& c_top = data.headwater_conc_mgL[head];
        try {
            ep_top = headwater_exchange_m3s(net, data, head, net.headwater_flow_m3s[head], meta[0].b - meta[0].a);
            sol = solve_dispersive_chain(opt.params, top.q, top.l, el, ep_top, c_top, c_bottom);
        } catch (const ModelError& e) {
            throw ModelError("reaches from " + net.topo.id(head) + ": " + e.what());
        }
        std::size_t i = 0;
        State boundary_in = top.lin;
        for (int k = 0; k < kNumSpecies; ++k) boundary_in[k] += ep_top * (c_top[k] - sol.conc_mgL[0][k]);
        for (std::int32_t r = head; r != kNone; r = chain_next[r]) {
            auto w = std::make_unique<Walk>();
            w->r = r;
            w->len = net.length_m[r];
            w->lin = boundary_in;
            for (; i < el.size() && meta[i].r == r; ++i) {
                for (int k = 0; k < kNumSpecies; ++k) w->lin[k] += el[i].load_gs[k];
                add_processed(*w, sol.processed_gs[i]);
                w->ka_sum += meta[i].ka * (meta[i].b - meta[i].a);
                w->ka_len += meta[i].b - meta[i].a;
                report_element(r, meta[i].len, meta[i].a, meta[i].b, meta[i].last, sol.conc_mgL[i], meta[i].q);
            }
            const std::size_t e = i - 1;  // the member's last element
            for (int k = 0; k < kNumSpecies; ++k) {
                const double below = i < el.size() ? sol.conc_mgL[i][k] : c_bottom[k];
                const double down = el[e].exchange_m3s * (sol.conc_mgL[e][k] - below);
                w->l[k] = el[e].flow_out_m3s * sol.conc_mgL[e][k];
                w->lin[k] -= down;
                boundary_in[k] = w->l[k] + down;
            }
            w->q = el[e].flow_out_m3s;
            w->x = w->len;
            chain_walks[r] = std::move(w);
        }
        return true;
    }

    Walk chain_walk(std::int32_t r) {
        Walk w = std::move(*chain_walks[r]);
        chain_walks[r].reset();
        return w;
    }

    // Reaches in topological order are scattered in memory: their attributes and results are fetched some reaches
    // ahead (as the steady solver does), the receiving reach's inflow a few reaches ahead.
    void prefetch(std::int32_t r) const {
        __builtin_prefetch(&net.length_m[r]);
        __builtin_prefetch(&net.headwater_flow_m3s[r]);
        __builtin_prefetch(&net.lateral_flow_m3s[r]);
        __builtin_prefetch(&net.hydraulics[r]);
        __builtin_prefetch(&data.headwater_conc_mgL[r]);
        __builtin_prefetch(&data.lateral_conc_mgL[r]);
        __builtin_prefetch(&in_start[r]);
        __builtin_prefetch(&ob_start[r]);
        __builtin_prefetch(&res.flow_in_m3s[r], 1);
        __builtin_prefetch(&res.flow_out_m3s[r], 1);
        __builtin_prefetch(&res.conc_out_mgL[r], 1);
        __builtin_prefetch(&res.load_in_gs[r], 1);
        __builtin_prefetch(&res.load_out_gs[r], 1);
        __builtin_prefetch(&res.processed_gs[r], 1);
        __builtin_prefetch(&res.dam_do_gain_gs[r], 1);
        __builtin_prefetch(&res.ka20_per_d[r], 1);
    }

    // the feeders' outflows, a few reaches ahead (k: position in the plan)
    void prefetch_feeders(std::size_t k) const {
        for (std::int32_t e = plan->feed_start[k]; e < plan->feed_start[k + 1]; ++e) {
            const std::int32_t f = plan->feed[e];
            if (f < 0) continue;
            __builtin_prefetch(&res.flow_out_m3s[f]);
            __builtin_prefetch(&res.load_out_gs[f][0]);
            __builtin_prefetch(&res.load_out_gs[f][kNumSpecies - 1]);
        }
    }

    // a reach's first input (its index, then the input), in two steps ahead
    void prefetch_input_index(std::int32_t r) const {
        if (in_start[r] < in_start[r + 1]) __builtin_prefetch(&in_idx[in_start[r]]);
    }
    void prefetch_input(std::int32_t r) const {
        if (in_start[r] == in_start[r + 1]) return;
        const char* p = reinterpret_cast<const char*>(&inputs[in_idx[in_start[r]]]);
        __builtin_prefetch(p);
        __builtin_prefetch(p + sizeof(Input) - 1);
    }

    // the reaches at positions [begin, end) of the plan's order
    void route_all(std::size_t begin, std::size_t end, Totals& t) {
        constexpr std::size_t kAhead = 8, kFeeders = 6, kIndex = 5, kInput = 2;
        const std::int32_t* list = plan->order.data();
        for (std::size_t k = begin; k < std::min(begin + kAhead, end); ++k) prefetch(list[k]);
        for (std::size_t k = begin; k < std::min(begin + kFeeders, end); ++k) prefetch_feeders(k);
        for (std::size_t k = begin; k < end; ++k) {
            if (k + kAhead < end) prefetch(list[k + kAhead]);
            if (k + kFeeders < end) prefetch_feeders(k + kFeeders);
            if (k + kIndex < end) prefetch_input_index(list[k + kIndex]);
            if (k + kInput < end) prefetch_input(list[k + kInput]);
            route(list[k], k, t);
        }
    }

    void route(std::int32_t r, std::size_t k, Totals& t) {
        State up_l;
        const double up_q = inflow(k, up_l);
        bool chained = !chain_head.empty() && disperses(r) && !chain_dry[r];
        if (chained && chain_head[r]) chained = solve_chain(r, up_q, up_l);
        Walk w = chained ? chain_walk(r) : enter(r, up_q, up_l);  // either initializes w in place
        if (!chained) {
            const int n = at_or(data.elements, r, 0);
            if (n > 0) march_elements(w, n);
            else march_plug(w);
        }
        // weir or dam at the reach end: the DO deficit falls by the Butts-Evans ratio
        double dam_gain = 0.0;
        const double drop = at_or(data.dam_drop_m, r, 0.0);
        if (drop > 0.0 && w.q > 0.0) {
            const double os = do_saturation_mgL(opt.temperature_c, at_or(data.elevation_m, r, 0.0));
            const double below = do_below_dam(w.l[DO] / w.q, os, drop, at_or(data.dam_water_quality_factor, r, 1.0),
                                              at_or(data.dam_structure_coefficient, r, 0.8), opt.temperature_c);
            dam_gain = below * w.q - w.l[DO];
            w.l[DO] = below * w.q;
        }
        res.flow_out_m3s[r] = w.q;
        res.conc_out_mgL[r] = conc(w, w.len);
        res.load_in_gs[r] = w.lin;
        res.load_out_gs[r] = w.l;
        res.processed_gs[r] = w.processed;
        res.dam_do_gain_gs[r] = dam_gain;
        res.ka20_per_d[r] = w.ka_len > 0.0 ? w.ka_sum / w.ka_len : 0.0;
        for (int i = 0; i < kNumSpecies; ++i) t.input[i] += w.lin[i] - up_l[i];
        for (int q = 0; q < kNumProcesses; ++q) t.processed[q] += w.processed[q];
        t.dam += dam_gain;
        t.segments += w.segments;
        t.frozen += w.frozen;
        // audit: in - out + transformations = 0 per species
        for (int i = 0; i < kNumSpecies; ++i) {
            double change = 0.0;
            for (int q = 0; q < kNumProcesses; ++q) change += stoich[q].yield[i] * w.processed[q];
            if (i == DO) change += dam_gain;
            const double scale = std::max({std::abs(w.lin[i]), std::abs(w.l[i]), 1e-300});
            t.imbalance = std::max(t.imbalance, std::abs(w.lin[i] - w.l[i] + change) / scale);
        }
        pass_on(w, plan->sends[k], t);
    }

    // A reach that passes all of its outflow down one link leaves it in its results, where its receiver reads it; an
    // outlet's outflow joins the outlet's total; a reach that splits or transfers water fills its slots (pass_on.hpp's
    // order, as the steady solver: transfers first, then the split by fraction).
    void pass_on(const Walk& w, char sends, Totals& t) {
        if (sends == detail::kDown) return;
        const bool by_slots = sends == detail::kSlots;
        std::size_t slot = by_slots ? static_cast<std::size_t>(plan->first_slot[w.r]) : 0;
        detail::pass_on(net.topo, w.r, w.q, w.l, any_transfer, [&](std::int32_t to, double q, const State& l, double share) {
            if (to == kNone) {
                for (int i = 0; i < kNumSpecies; ++i) t.outlet[i] += l[i] * share;
                return;
            }
            if (!by_slots) return;
            sent_q[slot] = q;
            for (int i = 0; i < kNumSpecies; ++i) sent_l[slot][i] = l[i] * share;
            ++slot;
        });
    }
};

}  // namespace

Result solve_steady_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                       const std::vector<Observation>& observations, const Options& options) {
    const std::size_t n = net.size();
    check_reach_data(net, data);
    constexpr std::size_t kParallelFrom = 4096;  // reaches; below this one thread is faster than splitting the work
    const bool parallel = n >= kParallelFrom && options.parallel && tbb::this_task_arena::max_concurrency() >= 2;
    Result res;
    res.obs_conc_mgL.assign(observations.size(), State{});
    res.obs_flow_m3s.assign(observations.size(), 0.0);
    // The set-up runs on both cores at once: the ~350 bytes per reach of results first touched (zeroed) in two
    // halves, the inputs and sections bucketed by reach (the solver), the levels of the network (levels.hpp; made
    // at its first solve and kept with its topology, as sweeps, plans and Monte Carlo solve it again and again).
    auto fill = [&](auto&... v) { (detail::fill_new(v, n, {}), ...); };
    auto half1 = [&] { fill(res.conc_out_mgL, res.load_in_gs, res.flow_in_m3s, res.flow_out_m3s); };
    auto half2 = [&] { fill(res.load_out_gs, res.processed_gs, res.dam_do_gain_gs, res.ka20_per_d); };
    std::optional<Solver> s;
    auto make_solver = [&] { s.emplace(net, data, inputs, observations, options, res); };
    std::shared_ptr<const detail::LevelPlan> plan;  // made at the network's first solve, then kept with its links
    auto make_plan = [&] {
        plan = net.topo.derived<detail::LevelPlan>(0, [&] { return detail::level_plan(net.topo); });
    };
    if (parallel) {
        tbb::parallel_invoke(half1, half2, make_solver, make_plan);
    } else {
        half1();
        half2();
        make_solver();
        make_plan();
    }
    s->use(*plan);
    Totals total;
    detail::route_levels(*plan, parallel, total, [&](std::size_t b, std::size_t e, Totals& t) {
        s->route_all(b, e, t);
    });
    res.total_input_gs = total.input;
    res.outlet_load_gs = total.outlet;
    res.total_processed_gs = total.processed;
    res.dam_do_gain_total_gs = total.dam;
    res.max_reach_imbalance = total.imbalance;
    res.segments = total.segments;
    res.frozen_segments = total.frozen;
    return res;
}

}  // namespace qingliu::reaches::wq
