#include "optimize/montecarlo.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <stdexcept>

#include <tbb/parallel_for.h>

#include "scenarios/parameters.hpp"

namespace qingliu::scenarios {

namespace {

// splitmix64 (Steele, Lea & Flood 2014): a well-mixed 64-bit hash used to derive one seed per draw.
std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Uniform in [0, 1) from the top 53 bits (same on every standard library, unlike std::uniform_real_distribution).
double unit(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

double draw(std::mt19937_64& g, Distribution d, double lo, double hi, double mode) {
    const double u = unit(g);
    if (!(hi > lo)) return lo;
    if (d == Distribution::Uniform) return lo + u * (hi - lo);
    const double c = std::clamp((mode - lo) / (hi - lo), 0.0, 1.0);
    return u < c ? lo + std::sqrt(u * c) * (hi - lo) : hi - std::sqrt((1.0 - u) * (1.0 - c)) * (hi - lo);
}

}  // namespace

CaseModel draw_case(const CaseModel& base, const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt,
                    std::size_t i, std::vector<std::pair<std::string, double>>* wq_drawn) {
    std::mt19937_64 g(splitmix64(opt.seed ^ splitmix64(static_cast<std::uint64_t>(i))));
    CaseModel m = base;
    std::vector<std::pair<std::string, double>> load_factor;
    bool coefficients_changed = false;
    std::vector<std::string> named_rows;
    for (const auto& p : params) {
        const KineticKey kk = kinetic_key(p.key);
        std::string cat, ck, par;
        if (kk.c >= 0) {
            double& v = kk.theta ? m.kinetics.theta[kk.c] : m.kinetics.k20_per_d[kk.c];
            v = draw(g, p.dist, p.low, p.high, std::isnan(p.mode) ? v : p.mode);
        } else if (p.key.rfind("load.", 0) == 0) {
            load_factor.emplace_back(p.key.substr(5), draw(g, p.dist, p.low, p.high, std::isnan(p.mode) ? 1.0 : p.mode));
        } else if (is_water_quality_key(p.key)) {
            const double v = draw(g, p.dist, p.low, p.high, std::isnan(p.mode) ? 0.5 * (p.low + p.high) : p.mode);
            if (wq_drawn) wq_drawn->emplace_back(p.key, v);
        } else if (split_coefficient(p.key, cat, ck, par)) {
            if (auto* r = find_coefficient_row(m, cat, ck, par)) {
                r->value = draw(g, p.dist, p.low, p.high, std::isnan(p.mode) ? r->value : p.mode);
                coefficients_changed = true;
                named_rows.push_back(p.key);
            }
        }
    }
    if (opt.draw_coefficients && !m.inventory.empty())
        for (auto& r : m.inventory.coefficients.rows()) {
            if (!(r.high > r.low)) continue;
            if (std::find(named_rows.begin(), named_rows.end(), coefficient_key(r)) != named_rows.end()) continue;
            r.value = draw(g, Distribution::Triangular, r.low, r.high, std::clamp(r.value, r.low, r.high));
            coefficients_changed = true;
        }
    if (coefficients_changed) refresh_sources(m);
    for (const auto& [type, f] : load_factor)
        for (auto& s : m.sources)
            if (s.type == type)
                for (auto& l : s.load_gs) l *= f;
    return m;
}

double quantile_sorted(const std::vector<double>& x, double p) {
    if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double h = (static_cast<double>(x.size()) - 1.0) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

std::size_t ensemble_items(std::size_t scenarios, std::size_t draws) { return (scenarios + 1) * draws; }

std::pair<std::size_t, std::size_t> ensemble_share(std::size_t items, int part, int parts) {
    if (parts < 1 || part < 0 || part >= parts) throw std::logic_error("ensemble_share: part outside [0, parts)");
    const std::size_t p = static_cast<std::size_t>(parts), r = static_cast<std::size_t>(part);
    const std::size_t q = items / p, extra = items % p;  // the first `extra` parts take one item more
    const std::size_t first = r * q + std::min(r, extra);
    return {first, q + (r < extra ? 1 : 0)};
}

DrawBlock sample_ensemble(const CaseModel& base, const std::vector<Scenario>& chosen, const std::vector<UncertainParameter>& params,
                          const MonteCarloOptions& opt, std::size_t first, std::size_t count) {
    const std::size_t n = opt.draws, ns = base.sections.size();
    if (first + count > ensemble_items(chosen.size(), n)) throw std::logic_error("sample_ensemble: items beyond the ensemble");
    DrawBlock b;
    b.first = first;
    b.count = count;
    b.sections = ns;
    b.conc_mgL.resize(count * ns * kNumConstituents);
    b.meets.resize(count * ns);
    if (count == 0) return b;
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    const std::size_t step = std::max<std::size_t>(1, count / 200);
    tbb::parallel_for(std::size_t(0), count, [&](std::size_t off) {
        const std::size_t k = first + off, j = k / n, i = k % n;
        Evaluation e;
        try {
            CaseModel m = draw_case(base, params, opt, i);
            if (j > 0) m = apply_scenario(m, chosen[j - 1]);
            e = evaluate(m);
        } catch (const ModelError& err) {
            throw ModelError("Monte Carlo " + (j == 0 ? std::string("baseline") : "scenario " + chosen[j - 1].id) + ", draw " +
                             std::to_string(i) + " (seed " + std::to_string(opt.seed) + "): " + err.what());
        }
        for (std::size_t s = 0; s < ns; ++s) {
            for (int c = 0; c < kNumConstituents; ++c) b.conc_mgL[(off * ns + s) * kNumConstituents + c] = e.sections[s].conc_mgL[c];
            b.meets[off * ns + s] = e.sections[s].cls.meets ? 1 : 0;
        }
        const std::size_t d = ++done;
        if (opt.progress && (d % step == 0 || d == count)) {
            std::lock_guard<std::mutex> lock(progress_mutex);
            opt.progress(static_cast<double>(d) / static_cast<double>(count));
        }
    });
    return b;
}

namespace {

MonteCarloResult summarise_model(const CaseModel& base, const std::vector<std::string>& drawn, const MonteCarloOptions& opt,
                                 const DrawBlock& all, std::size_t j) {
    MonteCarloResult res;
    res.draws = opt.draws;
    res.seed = opt.seed;
    res.drawn = drawn;
    const std::size_t ns = base.sections.size(), n = opt.draws;
    res.sections.resize(ns);
    if (n == 0) return res;
    std::vector<double> v(n);
    for (std::size_t s = 0; s < ns; ++s) {
        auto& b = res.sections[s];
        std::size_t met = 0;
        for (std::size_t i = 0; i < n; ++i) met += all.meets[(j * n + i) * ns + s];
        b.p_meets = static_cast<double>(met) / static_cast<double>(n);
        for (auto c : kConstituents) {
            const int ci = idx(c);
            const double L = base.classes.limit(key(c), base.sections[s].water_body, base.sections[s].target_class);
            for (std::size_t i = 0; i < n; ++i) v[i] = all.conc_mgL[((j * n + i) * ns + s) * kNumConstituents + ci];
            std::size_t ok = 0;
            double sum = 0.0;
            for (double x : v) {  // in draw order: the sum is the same however the draws were shared out
                ok += x <= L ? 1 : 0;
                sum += x;
            }
            b.p_meets_c[ci] = static_cast<double>(ok) / static_cast<double>(n);
            b.mean[ci] = sum / static_cast<double>(n);
            std::vector<double> sorted = v;
            std::sort(sorted.begin(), sorted.end());
            b.p5[ci] = quantile_sorted(sorted, 0.05);
            b.p50[ci] = quantile_sorted(sorted, 0.50);
            b.p95[ci] = quantile_sorted(sorted, 0.95);
        }
    }
    return res;
}

}  // namespace

std::vector<ScenarioMonteCarlo> summarise_ensemble(const CaseModel& base, const std::vector<Scenario>& chosen,
                                                   const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt,
                                                   const DrawBlock& all) {
    const std::size_t ns = base.sections.size();
    if (all.first != 0 || all.count != ensemble_items(chosen.size(), opt.draws) || all.sections != ns ||
        all.meets.size() != all.count * ns || all.conc_mgL.size() != all.count * ns * kNumConstituents)
        throw std::logic_error("summarise_ensemble: the block is not the whole ensemble");
    std::vector<std::string> drawn;
    for (const auto& p : params) drawn.push_back(p.key);
    if (opt.draw_coefficients && !base.inventory.empty())
        for (const auto& r : base.inventory.coefficients.rows())
            if (r.high > r.low && std::find(drawn.begin(), drawn.end(), coefficient_key(r)) == drawn.end())
                drawn.push_back(coefficient_key(r));
    std::vector<ScenarioMonteCarlo> out(chosen.size() + 1);
    out[0].name = "基准（现状）";
    out[0].name_en = "Baseline (current)";
    for (std::size_t j = 0; j < out.size(); ++j) {
        if (j > 0) {
            out[j].id = chosen[j - 1].id;
            out[j].name = chosen[j - 1].name;
            out[j].name_en = chosen[j - 1].name_en;
        }
        out[j].result = summarise_model(base, drawn, opt, all, j);
    }
    return out;
}

std::vector<ScenarioMonteCarlo> monte_carlo_scenarios(const CaseModel& base, const std::vector<Scenario>& chosen,
                                                      const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt) {
    const std::size_t items = ensemble_items(chosen.size(), opt.draws);
    return summarise_ensemble(base, chosen, params, opt, sample_ensemble(base, chosen, params, opt, 0, items));
}

MonteCarloResult monte_carlo(const CaseModel& base, const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt) {
    return std::move(monte_carlo_scenarios(base, {}, params, opt).front().result);
}

}  // namespace qingliu::scenarios
