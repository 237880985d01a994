#include "optimize/water_quality_montecarlo.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>

#include <tbb/parallel_for.h>

namespace qingliu::scenarios {

namespace {

// The water-quality options of one draw: each drawn wq.<parameter> set, every reach's ka20 scaled by
// wq.reaeration.scale (ka_base: the rates of the base solve, per reach).
WaterQualityOptions drawn_options(WaterQualityOptions o, const std::vector<std::pair<std::string, double>>& drawn,
                                  const std::vector<double>& ka_base) {
    for (const auto& [key, v] : drawn) {
        if (key == kReaerationScaleKey) {
            o.reaches.ka20_per_d.resize(ka_base.size());
            for (std::size_t r = 0; r < ka_base.size(); ++r) o.reaches.ka20_per_d[r] = v * ka_base[r];
            continue;
        }
        for (const auto& d : reaches::wq::parameter_table())
            if (key == d.key) o.steady.params.*d.field = v;
    }
    return o;
}

// The wq.* modes not given: the case's value (the reaeration multiplier: 1). Sets scale_ka where the reaeration
// multiplier is drawn.
std::vector<UncertainParameter> with_modes(std::vector<UncertainParameter> params, const WaterQualityOptions& wq,
                                           bool& scale_ka) {
    scale_ka = false;
    for (auto& p : params) {
        if (!is_water_quality_key(p.key)) continue;
        if (p.key == kReaerationScaleKey) {
            scale_ka = true;
            if (std::isnan(p.mode)) p.mode = 1.0;
        } else if (std::isnan(p.mode)) {
            for (const auto& d : reaches::wq::parameter_table())
                if (p.key == d.key) p.mode = wq.steady.params.*d.field;
        }
    }
    return params;
}

// One model's draws: the baseline (scenario null) or a scenario applied to each drawn case. ka_base: the model's own
// undrawn reaeration per reach where the multiplier is drawn; one_done() after each draw.
WqMonteCarloResult sample_model(const CaseModel& base, const Scenario* scenario, const WaterQualityOptions& wq,
                                const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt,
                                const std::vector<double>& ka_base, const std::function<void()>& one_done) {
    const std::size_t n = opt.draws, ns = base.sections.size();
    // the chosen items (WaterQualityOptions::items), in the order every draw's evaluation lists them
    const std::vector<reaches::wq::Item> keys = chosen_items(reaches::wq::State{}, 0.0, wq.items);
    const std::size_t ni = keys.size();
    // value[(i * ns + s) * ni + item], meets the same, section_meets[i * ns + s]
    std::vector<double> value(n * ns * ni, 0.0);
    std::vector<std::uint8_t> item_meets(n * ns * ni, 0), assessed(ns * ni, 0), section_meets(n * ns, 0);
    tbb::parallel_for(std::size_t(0), n, [&](std::size_t i) {
        WaterQualityEvaluation e;
        try {
            std::vector<std::pair<std::string, double>> drawn;
            CaseModel m = draw_case(base, params, opt, i, &drawn);
            if (scenario) m = apply_scenario(m, *scenario);
            e = evaluate_water_quality(m, drawn.empty() ? wq : drawn_options(wq, drawn, ka_base));
        } catch (const ModelError& err) {
            throw ModelError("Monte Carlo " + (scenario ? "scenario " + scenario->id : std::string("baseline")) +
                             ", draw " + std::to_string(i) + ": " + err.what());
        }
        for (std::size_t s = 0; s < ns; ++s) {
            const auto& ev = e.sections[s].evaluation;
            section_meets[i * ns + s] = ev.meets ? 1 : 0;
            for (std::size_t k = 0; k < ni; ++k) {
                value[(i * ns + s) * ni + k] = ev.items[k].value_mgL;
                item_meets[(i * ns + s) * ni + k] = ev.items[k].exceeds ? 0 : 1;
                if (i == 0) assessed[s * ni + k] = ev.items[k].cls > 0 ? 1 : 0;
            }
        }
        one_done();
    });
    WqMonteCarloResult r;
    r.draws = n;
    r.seed = opt.seed;
    r.sections.resize(ns);
    std::vector<double> v(n);
    for (std::size_t s = 0; s < ns; ++s) {
        std::size_t met = 0;
        for (std::size_t i = 0; i < n; ++i) met += section_meets[i * ns + s];
        r.sections[s].p_meets = n ? static_cast<double>(met) / static_cast<double>(n) : 0.0;
        for (std::size_t k = 0; k < ni; ++k) {
            WqItemBand b;
            b.key = keys[k].key;
            b.assessed = n > 0 && assessed[s * ni + k];
            std::size_t ok = 0;
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                v[i] = value[(i * ns + s) * ni + k];
                sum += v[i];
                ok += item_meets[(i * ns + s) * ni + k];
            }
            if (n > 0) {
                std::sort(v.begin(), v.end());
                b.p_meets = b.assessed ? static_cast<double>(ok) / static_cast<double>(n) : 0.0;
                b.mean = sum / static_cast<double>(n);
                b.p5 = quantile_sorted(v, 0.05);
                b.p50 = quantile_sorted(v, 0.50);
                b.p95 = quantile_sorted(v, 0.95);
            }
            r.sections[s].items.push_back(b);
        }
    }
    return r;
}

}  // namespace

WqMonteCarloResult monte_carlo_water_quality(const CaseModel& base, const WaterQualityOptions& wq,
                                             const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt) {
    return std::move(monte_carlo_water_quality_scenarios(base, {}, wq, params, opt).front().result);
}

std::vector<WqScenarioMonteCarlo> monte_carlo_water_quality_scenarios(const CaseModel& base,
                                                                      const std::vector<Scenario>& chosen,
                                                                      const WaterQualityOptions& wq,
                                                                      const std::vector<UncertainParameter>& params_in,
                                                                      const MonteCarloOptions& opt) {
    bool scale_ka = false;
    const std::vector<UncertainParameter> params = with_modes(params_in, wq, scale_ka);
    // the reaeration each model (the base case, or a scenario applied to it) uses per reach, undrawn, where the
    // multiplier is drawn (flows do not change between draws, so neither do the hydraulics; a scenario may change
    // flows, so its own)
    auto ka_of = [&](const Scenario* s) {
        if (!scale_ka) return std::vector<double>{};
        return evaluate_water_quality(s ? apply_scenario(base, *s) : base, wq).steady.ka20_per_d;
    };
    const std::size_t total = (chosen.size() + 1) * opt.draws;
    std::atomic<std::size_t> done{0};
    std::mutex progress_lock;
    auto one_done = [&] {
        const std::size_t d = ++done;
        if (!opt.progress) return;
        std::lock_guard<std::mutex> lock(progress_lock);
        opt.progress(static_cast<double>(d) / static_cast<double>(total));
    };
    std::vector<WqScenarioMonteCarlo> out;
    out.push_back(
        {kBaselineId, kBaselineZh, kBaselineEn, sample_model(base, nullptr, wq, params, opt, ka_of(nullptr), one_done)});
    for (const Scenario& s : chosen)
        out.push_back({s.id, s.name, s.name_en, sample_model(base, &s, wq, params, opt, ka_of(&s), one_done)});
    return out;
}

}  // namespace qingliu::scenarios
