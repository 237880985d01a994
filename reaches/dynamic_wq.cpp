#include "reaches/dynamic_wq.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <exception>
#include <map>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/error.hpp"
#include "common/units.hpp"
#include "reaches/bucket.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/pass_on.hpp"

namespace qingliu::reaches::wq {

namespace {

namespace ode = boost::numeric::odeint;
constexpr int S = kNumSpecies;

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
    State ext_gs{};  ///< headwater, lateral inflow and inputs entering it (g/s)
};

bool wet(const Cell& c) { return c.flow_m3s > 0.0 && c.volume_m3 > 0.0; }

// One reach over one piece: what left it (g, below its weir), each process's integral (g) and the weir's DO gain (g).
struct PieceBudget {
    State out_g{};
    PerProcess processed_g{};
    double dam_g = 0.0;
};

// The linear cell system z' = M z + c of a reach over a piece (no rate depends on DO): per cell the diagonal, the
// coupling to the cell upstream (same species), the kinetic off-diagonal entries (pattern shared by all cells) and c.
struct LinearReach {
    int n = 0;
    std::vector<std::array<int, 2>> pattern;  ///< (species, from species), from < species, sorted by species
    std::vector<double> diag, up, off, c;     ///< n*S, n, n*pattern, n*S

    void apply(const double* v, double* out) const {  // out = M v
        const std::size_t np = pattern.size();
        for (int j = 0; j < n; ++j) {
            const double* vj = v + j * S;
            double* oj = out + j * S;
            const double* dj = diag.data() + j * S;
            if (j == 0) {
                for (int i = 0; i < S; ++i) oj[i] = dj[i] * vj[i];
            } else {
                const double u = up[j];
                for (int i = 0; i < S; ++i) oj[i] = dj[i] * vj[i] + u * vj[i - S];
            }
            const double* oc = off.data() + j * np;
            for (std::size_t e = 0; e < np; ++e) oj[pattern[e][0]] += oc[e] * vj[pattern[e][1]];
        }
    }
    // y with M y = v (forward substitution: cells in order, species in order)
    void solve(const double* v, double* y) const {
        const std::size_t np = pattern.size();
        for (int j = 0; j < n; ++j) {
            const double* oc = off.data() + j * np;
            std::size_t e = 0;
            for (int i = 0; i < S; ++i) {
                double s = v[j * S + i] - (j > 0 ? up[j] * y[(j - 1) * S + i] : 0.0);
                for (; e < np && pattern[e][0] == i; ++e) s -= oc[e] * y[j * S + pattern[e][1]];
                y[j * S + i] = s / diag[j * S + i];
            }
        }
    }
};

class DynamicRun {
public:
    DynamicRun(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
               const std::vector<Observation>& observations, const State& initial, const DynamicForcing& forcing,
               const DynamicOptions& opt)
        : net_(net), data_(data), inputs_(inputs), f_(forcing), opt_(opt), p_(opt.steady.params), n_reach_(net.size()),
          n_(std::max(1, opt.cells_per_reach)), initial_(initial) {
        linear_ = !depends_on_oxygen(p_) && !opt.odeint;
        any_transfer_ = !net.topo.transfers().empty();
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
    void temperatures() {
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
        if (!lower) linear_ = false;
        for (int i = 0; i < S; ++i)
            for (int k = 0; k < S; ++k) pattern_at_[i][k] = -1;
        for (std::size_t e = 0; e < pattern_.size(); ++e) pattern_at_[pattern_[e][0]][pattern_[e][1]] = static_cast<int>(e);
        do_last_ = true;  // nothing draws on DO (DO's own terms aside)
        for (const auto& e : pattern_) do_last_ = do_last_ && e[1] != DO;
    }
    int t_index(std::size_t d) const { return t_index_.size() > 1 ? t_index_[d] : t_index_[0]; }

    // Cells' shares of lateral inflow and inputs (as steady_wq's elements assign them).
    void statics() {
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
        r_input_.assign(n_reach_, State{});
        r_outlet_.assign(n_reach_, State{});
        r_proc_.assign(n_reach_, PerProcess{});
        r_dam_.assign(n_reach_, 0.0);
    }

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
    bool rebuild(std::int32_t r, std::size_t d) {
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
            if (q > 0.0) {
                double u = 0.0;
                c.env = reach_environment(net_, data_, o, r, q, u);
                const double len = net_.length_m[r];
                c.volume_m3 = q / u * (len / n_);
            } else {
                for (int i = 0; i < S; ++i)
                    if (c.ext_gs[i] != 0.0) throw ModelError("reach " + net_.topo.id(r) + ": load but no water on day " + std::to_string(d + 1));
            }
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

    const Cell& cell(std::int32_t r, int j) const { return cells_[static_cast<std::size_t>(r) * n_ + j]; }
    double* conc(std::int32_t r, int j) { return x_.data() + (static_cast<std::size_t>(r) * n_ + j) * S; }
    const double* conc(std::int32_t r, int j) const { return x_.data() + (static_cast<std::size_t>(r) * n_ + j) * S; }

    // DO below the reach's weir, if any
    double below_weir(std::int32_t r, int i, double v) const {
        if (i == DO && dam_ratio_[r] != 1.0) return dam_os_[r] - (dam_os_[r] - v) / dam_ratio_[r];
        return v;
    }

    // The steady state of reach r's cells under inflow `in` (g/s), mixed_element_at cell by cell.
    std::vector<State> steady_cells(std::int32_t r, const State& in) const {
        const KineticsAt& kin = kin_[built_t_[r]];
        std::vector<State> ss(n_);
        State above = in;
        for (int j = 0; j < n_; ++j) {
            const Cell& c = cell(r, j);
            State w = c.ext_gs;
            for (int i = 0; i < S; ++i) w[i] += above[i];
            ss[j] = mixed_element_at(p_, kin.table(c.env), w, c.flow_m3s, c.volume_m3).conc_mgL;
            for (int i = 0; i < S; ++i) above[i] = c.flow_m3s * ss[j][i];
        }
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

    // The budget of a piece from the integrals Y of the cells' concentrations over it (mg/L d), for the linear paths.
    __attribute__((noinline)) void budget_from_integrals(std::int32_t r, const double* y_int, double h, PieceBudget& b,
                               const std::vector<ProcessTable>* tables = nullptr) const {
        const KineticsAt& kin = kin_[built_t_[r]];
        for (int j = 0; j < n_; ++j) {
            const Cell& c = cell(r, j);
            const ProcessTable t = tables ? (*tables)[j] : kin.table(c.env);
            for (int q = 0; q < kNumProcesses; ++q) {
                const ProcessTerm& x = t[q];
                b.processed_g[q] += c.volume_m3 * ((x.from >= 0 ? x.k * y_int[j * S + x.from] : 0.0) + x.r0 * h);
            }
        }
        const Cell& last = cell(r, n_ - 1);
        const double* yl = y_int + (n_ - 1) * S;
        for (int i = 0; i < S; ++i) b.out_g[i] = kSecondsPerDay * last.flow_m3s * yl[i];
        if (dam_ratio_[r] != 1.0) {
            const double os_h = dam_os_[r] * h;
            const double below = os_h - (os_h - yl[DO]) / dam_ratio_[r];
            b.dam_g = kSecondsPerDay * last.flow_m3s * (below - yl[DO]);
            b.out_g[DO] = kSecondsPerDay * last.flow_m3s * below;
        }
    }

    __attribute__((noinline)) void linear_system(std::int32_t r, const State& in, LinearReach& L, std::vector<ProcessTable>& tables) const {
        const KineticsAt& kin = kin_[built_t_[r]];
        tables.resize(n_);
        L.n = n_;
        L.pattern = pattern_;
        const std::size_t np = pattern_.size();
        L.diag.assign(n_ * S, 0.0);
        L.up.assign(n_, 0.0);
        L.off.assign(n_ * np, 0.0);
        L.c.assign(n_ * S, 0.0);
        for (int j = 0; j < n_; ++j) {
            const Cell& c = cell(r, j);
            tables[j] = kin.table(c.env);
            const ProcessTable& t = tables[j];
            const double per_v = kSecondsPerDay / c.volume_m3;
            for (int i = 0; i < S; ++i) {
                L.diag[j * S + i] = -c.flow_m3s * per_v;
                L.c[j * S + i] = (c.ext_gs[i] + (j == 0 ? in[i] : 0.0)) * per_v;
            }
            if (j > 0) L.up[j] = cell(r, j - 1).flow_m3s * per_v;
            for (const ProcessTerm& x : t)
                for (int i = 0; i < S; ++i) {
                    if (x.yield[i] == 0.0) continue;
                    L.c[j * S + i] += x.yield[i] * x.r0;
                    if (x.from < 0) continue;
                    if (x.from == i) L.diag[j * S + i] += x.yield[i] * x.k;
                    else L.off[j * np + pattern_at_[i][x.from]] += x.yield[i] * x.k;
                }
        }
    }

    // The linear piece of reach r over h days, exactly: relaxed or uniformization (see the header).
    PieceBudget linear_piece(std::int32_t r, const State& in, double h, bool& relaxed) {
        relaxed = false;
        thread_local LinearReach L;
        thread_local std::vector<ProcessTable> tables;
        linear_system(r, in, L, tables);
        const std::size_t m = static_cast<std::size_t>(n_) * S;
        double* z = conc(r, 0);
        thread_local V zss, yint, tmp, z_start;
        zss.assign(m, 0.0);
        yint.assign(m, 0.0);
        tmp.assign(m, 0.0);
        PieceBudget b;
        double r_min = 1e300, lam = 0.0, nu = 0.0;
        for (int j = 0; j < n_; ++j) {
            for (int i = 0; i < S; ++i) {
                r_min = std::min(r_min, -L.diag[j * S + i]);
                lam = std::max(lam, -L.diag[j * S + i]);
            }
            double row[S];
            for (int i = 0; i < S; ++i) row[i] = L.up[j];
            for (std::size_t e = 0; e < L.pattern.size(); ++e) row[L.pattern[e][0]] += std::abs(L.off[j * L.pattern.size() + e]);
            for (int i = 0; i < S; ++i) nu = std::max(nu, row[i]);
        }
        // relaxed: e^{-r_min h} sum_{k<L} (nu h)^k / k!, L = n + S, times |z0 - z_ss|
        for (std::size_t k = 0; k < m; ++k) tmp[k] = -L.c[k];
        L.solve(tmp.data(), zss.data());
        {
            double term = 1.0, sum = 0.0;
            for (int k = 0; k < n_ + S; ++k) {
                sum += term;
                term *= nu * h / (k + 1);
            }
            const double bound = std::exp(-r_min * h + std::log(sum));
            double diff = 0.0, scale = 0.0;
            for (std::size_t k = 0; k < m; ++k) {
                diff = std::max(diff, std::abs(z[k] - zss[k]));
                scale = std::max(scale, std::abs(zss[k]));
            }
            if (bound * diff <= opt_.relaxed_tol * (1.0 + scale)) {
                for (std::size_t k = 0; k < m; ++k) tmp[k] = zss[k] - z[k];
                L.solve(tmp.data(), yint.data());
                for (std::size_t k = 0; k < m; ++k) yint[k] += zss[k] * h;
                std::copy(zss.begin(), zss.end(), z);
                budget_from_integrals(r, yint.data(), h, b, &tables);
                ++relaxed_;
                relaxed = true;
                return b;
            }
        }
        // Stiff DO (reaeration far faster than every other rate; nothing draws on DO): the other species by
        // uniformization at their own rate, DO by the change of variables o = w + K z + k0 with D K - K Mz = -G
        // (D the DO chain, Mz the other species' matrix, G DO's dependence on them) and D k0 = -(c_o - K c_z),
        // under which w' = D w exactly (decoupled); w by uniformization of the n-cell DO chain alone.
        double lam_z = 0.0, mu_min = 1e300, mu_max = 0.0;
        for (int j = 0; j < n_; ++j) {
            for (int i = 0; i < S; ++i)
                if (i != DO) lam_z = std::max(lam_z, -L.diag[j * S + i]);
            mu_min = std::min(mu_min, -L.diag[j * S + DO]);
            mu_max = std::max(mu_max, -L.diag[j * S + DO]);
        }
        const bool split = do_last_ && n_ <= 64 && mu_min >= 2.0 * lam_z && mu_max * h > 30.0;
        // the transient only: z(h) = z_ss + e^{Mh} (z0 - z_ss), int z = z_ss h + M^-1 (z(h) - z0)
        z_start.assign(z, z + m);
        double scale = 0.0;
        for (std::size_t k = 0; k < m; ++k) {
            tmp[k] = z[k] - zss[k];
            scale = std::max(scale, std::max(std::abs(z[k]), std::abs(zss[k])));
        }
        transient(L, tmp.data(), split ? lam_z : lam, h, split, opt_.relaxed_tol * (1.0 + scale));
        for (std::size_t k = 0; k < m; ++k) z[k] = zss[k] + tmp[k];
        if (split)
            for (int j = 0; j < n_; ++j) z[j * S + DO] = z_start[j * S + DO];
        for (std::size_t k = 0; k < m; ++k) tmp[k] = z[k] - z_start[k];
        L.solve(tmp.data(), yint.data());
        for (std::size_t k = 0; k < m; ++k) yint[k] += zss[k] * h;
        if (split) {
            stiff_do(L, z_start.data(), z, yint.data(), h);
            ++stiff_do_;
        }
        budget_from_integrals(r, yint.data(), h, b, &tables);
        ++exact_;
        return b;
    }

    // d := e^{Mh} d by uniformization at rate lam >= every |M_ii| used (without DO when skip_do: its entries are
    // left to stiff_do), in pieces with lam tau <= 400, summed until the Poisson tail times |d| is below abs.
    __attribute__((noinline)) static void transient(const LinearReach& L, double* d, double lam, double h, bool skip_do, double abs) {
        const std::size_t m = static_cast<std::size_t>(L.n) * S;
        thread_local V v, mv, zsum;
        v.resize(m);
        mv.resize(m);
        zsum.resize(m);
        if (!(lam > 0.0)) lam = 1e-300;
        const int pieces = std::max(1, static_cast<int>(std::ceil(lam * h / 400.0)));
        const double tau = h / pieces, x = lam * tau, inv = 1.0 / lam;
        for (int piece = 0; piece < pieces; ++piece) {
            double dmax = 0.0;
            for (std::size_t k = 0; k < m; ++k) {
                v[k] = d[k];
                dmax = std::max(dmax, std::abs(d[k]));
            }
            if (skip_do)
                for (int j = 0; j < L.n; ++j) v[j * S + DO] = 0.0;
            double w = std::exp(-x), tail = 1.0 - w;
            for (std::size_t k = 0; k < m; ++k) zsum[k] = w * v[k];
            const int max_terms = static_cast<int>(x + 12.0 * std::sqrt(x) + 60.0);
            for (int k = 1; k <= max_terms && tail > 1e-16 && tail * dmax > abs; ++k) {
                L.apply(v.data(), mv.data());
                w *= x / k;
                tail -= w;
                for (std::size_t q = 0; q < m; ++q) {
                    v[q] += mv[q] * inv;
                    zsum[q] += w * v[q];
                }
                if (skip_do)
                    for (int j = 0; j < L.n; ++j) v[j * S + DO] = 0.0;
            }
            std::copy(zsum.begin(), zsum.end(), d);
        }
    }

    // DO of a split piece (see linear_piece): z holds the other species at h and DO at 0; y_int their integrals.
    __attribute__((noinline)) void stiff_do(const LinearReach& L, const double* z0, double* z, double* y_int, double h) const {
        const int n = L.n;
        const std::size_t m = static_cast<std::size_t>(n) * S, np = L.pattern.size();
        thread_local V K, k0, w0, zh0;
        K.assign(static_cast<std::size_t>(n) * m, 0.0);  // K[j * m + b]
        // K: cells j in order, columns b from the last down (M_z's entries below b are already known)
        for (int j = 0; j < n; ++j) {
            const double djj = L.diag[j * S + DO];
            for (std::size_t bb = m; bb-- > 0;) {
                const int jb = static_cast<int>(bb / S), ib = static_cast<int>(bb % S);
                if (ib == DO) continue;
                double s = 0.0;
                if (jb == j)  // G: DO of cell j drawing on species ib of the same cell
                    for (std::size_t e = 0; e < np; ++e)
                        if (L.pattern[e][0] == DO && L.pattern[e][1] == ib) s -= L.off[j * np + e];
                if (j > 0) s -= L.up[j] * K[(j - 1) * m + bb];
                for (std::size_t e = 0; e < np; ++e)  // species of cell jb drawing on ib
                    if (L.pattern[e][1] == ib && L.pattern[e][0] != DO) s += K[j * m + jb * S + L.pattern[e][0]] * L.off[jb * np + e];
                if (jb + 1 < n) s += K[j * m + (jb + 1) * S + ib] * L.up[jb + 1];
                K[j * m + bb] = s / (djj - L.diag[bb]);
            }
        }
        // k0 from D k0 = -(c_o - K c_z); w0 = o0 - K z0 - k0 with z0 the other species at 0 (z holds them at h)
        k0.assign(n, 0.0);
        w0.assign(n, 0.0);
        zh0.assign(n, 0.0);
        for (int j = 0; j < n; ++j) {
            double kc = 0.0;
            for (std::size_t bb = 0; bb < m; ++bb)
                if (bb % S != DO) kc += K[j * m + bb] * L.c[bb];
            const double rhs = -(L.c[j * S + DO] - kc) - (j > 0 ? L.up[j] * k0[j - 1] : 0.0);
            k0[j] = rhs / L.diag[j * S + DO];
        }
        for (int j = 0; j < n; ++j) {
            double kz0 = 0.0;
            for (std::size_t bb = 0; bb < m; ++bb)
                if (bb % S != DO) kz0 += K[j * m + bb] * z0[bb];
            w0[j] = z[j * S + DO] - kz0 - k0[j];
        }
        // w' = D w: gone by h when e^{-mu_min h} sum_{k<n} (up_max h)^k / k! |w0| is below relaxed_tol (then
        // w(h) = 0 and int w = -D^-1 w0), else uniformization of the DO chain
        double mu = 0.0, mu_lo = 1e300, up_max = 0.0, w_max = 0.0, scale = 0.0;
        for (int j = 0; j < n; ++j) {
            mu = std::max(mu, -L.diag[j * S + DO]);
            mu_lo = std::min(mu_lo, -L.diag[j * S + DO]);
            up_max = std::max(up_max, L.up[j]);
            w_max = std::max(w_max, std::abs(w0[j]));
            scale = std::max(scale, std::abs(z[j * S + DO]));
        }
        double term = 1.0, sum = 0.0;
        for (int k = 0; k < n; ++k) {
            sum += term;
            term *= up_max * h / (k + 1);
        }
        double wint[64];
        if (std::exp(-mu_lo * h) * sum * w_max <= opt_.relaxed_tol * (1.0 + scale)) {
            for (int j = 0; j < n; ++j) {
                wint[j] = -(w0[j] - (j > 0 ? L.up[j] * wint[j - 1] * -1.0 : 0.0)) / L.diag[j * S + DO];
                w0[j] = 0.0;
            }
        } else {
            const int pieces = std::max(1, static_cast<int>(std::ceil(mu * h / 400.0)));
            const double tau = h / pieces, x = mu * tau, inv = 1.0 / mu;
            double wv[64], wn[64], wsum[64];
            for (int j = 0; j < n; ++j) wint[j] = 0.0;
            for (int piece = 0; piece < pieces; ++piece) {
                double p = std::exp(-x), tail = 1.0 - p;
                for (int j = 0; j < n; ++j) {
                    wv[j] = w0[j];
                    wsum[j] = p * wv[j];
                    wint[j] += tail * wv[j] * inv;
                }
                const int max_terms = static_cast<int>(x + 12.0 * std::sqrt(x) + 60.0);
                for (int k = 1; k <= max_terms && tail > 1e-15; ++k) {
                    for (int j = 0; j < n; ++j) wn[j] = wv[j] + (L.diag[j * S + DO] * wv[j] + (j > 0 ? L.up[j] * wv[j - 1] : 0.0)) * inv;
                    p *= x / k;
                    tail -= p;
                    const double t = std::max(tail, 0.0);
                    for (int j = 0; j < n; ++j) {
                        wv[j] = wn[j];
                        wsum[j] += p * wv[j];
                        wint[j] += t * wv[j] * inv;
                    }
                }
                for (int j = 0; j < n; ++j) w0[j] = wsum[j];
            }
        }
        // o = w + K z + k0 at h and integrated
        for (int j = 0; j < n; ++j) {
            double kz = 0.0, ky = 0.0;
            for (std::size_t bb = 0; bb < m; ++bb)
                if (bb % S != DO) {
                    kz += K[j * m + bb] * z[bb];
                    ky += K[j * m + bb] * y_int[bb];
                }
            z[j * S + DO] = w0[j] + kz + k0[j];
            y_int[j * S + DO] = wint[j] + ky + k0[j] * h;
        }
    }

    // Reach r over h days with Boost.Odeint: the cells, the integrals of their concentrations and of every process.
    PieceBudget odeint_piece(std::int32_t r, const State& in, double h) {
        const KineticsAt& kin = kin_[built_t_[r]];
        const std::size_t m = static_cast<std::size_t>(n_) * S;
        std::vector<ProcessTable> tables(n_);
        double lam_min = 1e300;
        for (int j = 0; j < n_; ++j) {
            tables[j] = kin.table(cell(r, j).env);
            lam_min = std::min(lam_min, kSecondsPerDay * cell(r, j).flow_m3s / cell(r, j).volume_m3);
        }
        V y(2 * m + kNumProcesses, 0.0);
        std::copy(conc(r, 0), conc(r, 0) + m, y.begin());
        auto sys = [&](const V& a, V& da, double) {
            for (int j = 0; j < n_; ++j) {
                const Cell& cl = cell(r, j);
                State yy, w = cl.ext_gs;
                for (int i = 0; i < S; ++i) yy[i] = a[j * S + i];
                if (j == 0)
                    for (int i = 0; i < S; ++i) w[i] += in[i];
                else
                    for (int i = 0; i < S; ++i) w[i] += cell(r, j - 1).flow_m3s * a[(j - 1) * S + i];
                PerProcess rates{};
                const State d = derivative_at(p_, tables[j], yy, &rates);
                const double per_v = kSecondsPerDay / cl.volume_m3;
                for (int i = 0; i < S; ++i) {
                    da[j * S + i] = (w[i] - cl.flow_m3s * yy[i]) * per_v + d[i];
                    da[m + j * S + i] = yy[i];
                }
                for (int q = 0; q < kNumProcesses; ++q) da[2 * m + q] = (j == 0 ? 0.0 : da[2 * m + q]) + cl.volume_m3 * rates[q];
            }
        };
        auto st = ode::make_controlled<ode::runge_kutta_dopri5<V>>(opt_.abs_tol, opt_.rel_tol);
        steps_ += ode::integrate_adaptive(st, sys, y, 0.0, h, std::min(h, 0.1 / lam_min));
        std::copy(y.begin(), y.begin() + m, conc(r, 0));
        PieceBudget b;
        budget_from_integrals(r, y.data() + m, h, b);  // outflow and weir from the concentrations' integrals
        for (int q = 0; q < kNumProcesses; ++q) b.processed_g[q] = y[2 * m + q];  // rates as integrated (gates applied)
        return b;
    }

    // Transient gone after an integrated piece: within 100x the odeint tolerance of the steady state, set to it.
    void settle_if_close(std::int32_t r, const State& in) {
        const std::vector<State> ss = steady_cells(r, in);
        for (int j = 0; j < n_; ++j)
            for (int i = 0; i < S; ++i)
                if (std::abs(conc(r, j)[i] - ss[j][i]) > 100.0 * (opt_.abs_tol + opt_.rel_tol * std::abs(ss[j][i]))) return;
        settle_at(r, ss);
    }

    // One reach over a piece of h days (the first piece of interval d rebuilds its cells); returns its mean outflow
    // load (g/s) and books its budget.
    State route(std::int32_t r, double h, std::size_t d, bool first_piece) {
        if (first_piece && f_.steps > 0 && d > 0 && rebuild(r, d)) settled_[r] = 0;
        const State in = inflow_[r];
        for (int j = 0; j < n_; ++j)
            for (int i = 0; i < S; ++i) r_input_[r][i] += cell(r, j).ext_gs[i] * kSecondsPerDay * h;
        if (settled_[r] && in == prev_inflow_[r]) {  // at the steady state of this forcing: stays
            for (int q = 0; q < kNumProcesses; ++q) r_proc_[r][q] += steady_proc_[r][q] * h;
            r_dam_[r] += steady_dam_[r] * h;
            return steady_out_[r];
        }
        ++integrated_;
        settled_[r] = 0;
        prev_inflow_[r] = in;
        State out{};
        if (!all_wet(r)) return out;  // no water: nothing enters (rebuild rejects loads), nothing moves
        bool relaxed = false;
        const PieceBudget b = linear_ ? linear_piece(r, in, h, relaxed) : odeint_piece(r, in, h);
        for (int q = 0; q < kNumProcesses; ++q) r_proc_[r][q] += b.processed_g[q];
        r_dam_[r] += b.dam_g;
        for (int i = 0; i < S; ++i) out[i] = b.out_g[i] / (kSecondsPerDay * h);
        if (relaxed) {
            std::vector<State> ss(n_);
            for (int j = 0; j < n_; ++j) std::copy(conc(r, j), conc(r, j) + S, ss[j].begin());
            settle_at(r, ss);
        } else if (!linear_) {
            settle_if_close(r, in);
        }
        return out;
    }

    void route_list(const std::vector<std::int32_t>& list, double h, std::size_t d, bool first_piece) {
        for (const std::int32_t r : list) {
            const State out = route(r, h, d, first_piece);
            detail::pass_on(net_.topo, r, cell(r, n_ - 1).flow_m3s, out, any_transfer_,
                            [&](std::int32_t to, double, const State& l, double share) {
                                if (to == kNone) {
                                    for (int i = 0; i < S; ++i) r_outlet_[r][i] += l[i] * share * kSecondsPerDay * h;
                                    return;
                                }
                                for (int i = 0; i < S; ++i) inflow_[to][i] += l[i] * share;
                            });
        }
    }

    // Cells of interval 0, the initial state (given, or the steady state reach by reach in topological order), the
    // storage at the start.
    void start() {
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
                settle_at(r, steady_cells(r, in));
                prev_inflow_[r] = in;
                detail::pass_on(net_.topo, r, cell(r, n_ - 1).flow_m3s, steady_out_[r], any_transfer_,
                                [&](std::int32_t to, double, const State& l, double share) {
                                    if (to == kNone) return;
                                    for (int i = 0; i < S; ++i) inflow_[to][i] += l[i] * share;
                                });
            }
        }
        res_.storage_start_g = storage();
    }

    State storage() const {
        State s{};
        for (std::size_t r = 0; r < n_reach_; ++r)
            for (int j = 0; j < n_; ++j)
                for (int i = 0; i < S; ++i) s[i] += cell(static_cast<std::int32_t>(r), j).volume_m3 * conc(static_cast<std::int32_t>(r), j)[i];
        return s;
    }

    void finish() {
        res_.storage_end_g = storage();
        for (std::size_t r = 0; r < n_reach_; ++r) {
            for (int i = 0; i < S; ++i) {
                res_.input_g[i] += r_input_[r][i];
                res_.outlet_g[i] += r_outlet_[r][i];
            }
            for (int q = 0; q < kNumProcesses; ++q) res_.processed_g[q] += r_proc_[r][q];
            res_.dam_do_gain_g += r_dam_[r];
        }
        res_.steps = steps_;
        res_.integrated_intervals = integrated_;
        res_.relaxed_intervals = relaxed_;
        res_.exact_intervals = exact_;
        res_.stiff_do_intervals = stiff_do_;
    }

    void record(double t) {
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

    // Reach by reach in topological order within each piece.
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
            const double h = (t_next - t) / pieces;
            for (int k = 0; k < pieces; ++k) {
                res_.intervals += n_reach_;
                std::fill(inflow_.begin(), inflow_.end(), State{});
                if (parallel) route_parallel(part, h, d, k == 0);
                else route_list(net_.topo.order(), h, d, k == 0);
            }
            record(t_next);
            if (opt_.progress) opt_.progress(double(d + 1) / double(outputs_));
        }
    }

    void route_parallel(const detail::Partition& part, double h, std::size_t d, bool first_piece) {
        std::vector<std::exception_ptr> errors(part.tasks.size());
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, part.tasks.size(), 1), [&](const auto& range) {
            for (std::size_t q = range.begin(); q != range.end(); ++q) try {
                    route_list(part.tasks[q], h, d, first_piece);
                } catch (...) {
                    errors[q] = std::current_exception();
                }
        });
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
        route_list(part.trunk, h, d, first_piece);
    }

    // The whole network as one odeint system (the reference the exchange between reaches is tested against); no
    // budget.
    void integrate_monolithic() {
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

    const Network& net_;
    const ReachData& data_;
    const std::vector<Input>& inputs_;
    const DynamicForcing& f_;
    const DynamicOptions& opt_;
    const Parameters& p_;
    const std::size_t n_reach_;
    const int n_;
    const State initial_;
    bool linear_ = true, any_transfer_ = false, do_last_ = false;
    double every_ = 1.0;
    std::size_t outputs_ = 0;
    std::vector<Options> opts_;
    std::vector<KineticsAt> kin_;
    std::vector<int> t_index_;
    std::vector<std::array<int, 2>> pattern_;
    int pattern_at_[S][S];
    std::vector<CellStatic> cstat_;
    std::vector<Share> shares_;
    std::vector<double> in_flow_;
    std::vector<Cell> cells_;
    std::vector<std::int32_t> obs_cell_;
    V x_;
    std::vector<double> hw_, lat_, qtop_, up_q_;
    std::vector<std::vector<std::pair<std::int32_t, double>>> up_links_;
    std::vector<int> built_t_;
    std::vector<double> dam_ratio_, dam_os_;
    DynamicResult res_;
    std::vector<State> inflow_, prev_inflow_, steady_out_;
    std::vector<PerProcess> steady_proc_;
    std::vector<double> steady_dam_;
    std::vector<char> settled_;
    std::vector<State> r_input_, r_outlet_;
    std::vector<PerProcess> r_proc_;
    std::vector<double> r_dam_;
    std::atomic<std::size_t> steps_{0}, integrated_{0}, relaxed_{0}, exact_{0}, stiff_do_{0};
};

}  // namespace

DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial,
                               const DynamicForcing& forcing, const DynamicOptions& opt) {
    if (data.headwater_conc_mgL.size() != net.size() || data.lateral_conc_mgL.size() != net.size())
        throw ModelError("water-quality reach data must have one headwater and lateral concentration per reach");
    return DynamicRun(net, data, inputs, observations, initial, forcing, opt).run();
}

DynamicResult solve_dynamic_wq(const Network& net, const ReachData& data, const std::vector<Input>& inputs,
                               const std::vector<Observation>& observations, const State& initial,
                               const DynamicOptions& opt) {
    return solve_dynamic_wq(net, data, inputs, observations, initial, DynamicForcing{}, opt);
}

}  // namespace qingliu::reaches::wq
