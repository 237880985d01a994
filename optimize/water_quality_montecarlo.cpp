#include "optimize/water_quality_montecarlo.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
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

}  // namespace

WqMonteCarloResult monte_carlo_water_quality(const CaseModel& base, const WaterQualityOptions& wq,
                                             const std::vector<UncertainParameter>& params_in, const MonteCarloOptions& opt) {
    const std::size_t n = opt.draws, ns = base.sections.size();
    // wq.* modes not given: the case's value (the reaeration multiplier: 1)
    std::vector<UncertainParameter> params = params_in;
    bool scale_ka = false;
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
    // the reaeration the base case uses per reach (flows do not change between draws, so neither do the hydraulics)
    const std::vector<double> ka_base = scale_ka ? evaluate_water_quality(base, wq).steady.ka20_per_d : std::vector<double>{};
    // the chosen items (WaterQualityOptions::items), in the order every draw's evaluation lists them
    const std::vector<reaches::wq::Item> keys = chosen_items(reaches::wq::State{}, 0.0, wq.items);
    const std::size_t ni = keys.size();
    // value[(i * ns + s) * ni + item], meets the same, section_meets[i * ns + s]
    std::vector<double> value(n * ns * ni, 0.0);
    std::vector<std::uint8_t> item_meets(n * ns * ni, 0), assessed(ns * ni, 0), section_meets(n * ns, 0);
    std::atomic<std::size_t> done{0};
    std::mutex progress_lock;
    tbb::parallel_for(std::size_t(0), n, [&](std::size_t i) {
        WaterQualityEvaluation e;
        try {
            std::vector<std::pair<std::string, double>> drawn;
            const CaseModel m = draw_case(base, params, opt, i, &drawn);
            e = evaluate_water_quality(m, drawn.empty() ? wq : drawn_options(wq, drawn, ka_base));
        } catch (const ModelError& err) {
            throw ModelError("Monte Carlo draw " + std::to_string(i) + ": " + err.what());
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
        const std::size_t d = ++done;
        if (opt.progress) {
            std::lock_guard<std::mutex> lock(progress_lock);
            opt.progress(static_cast<double>(d) / static_cast<double>(n));
        }
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

}  // namespace qingliu::scenarios
