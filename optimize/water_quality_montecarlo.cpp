#include "optimize/water_quality_montecarlo.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include <tbb/parallel_for.h>

namespace qingliu::scenarios {

WqMonteCarloResult monte_carlo_water_quality(const CaseModel& base, const WaterQualityOptions& wq,
                                             const std::vector<UncertainParameter>& params, const MonteCarloOptions& opt) {
    const std::size_t n = opt.draws, ns = base.sections.size();
    const std::size_t ni = reaches::wq::gb3838_items(reaches::wq::State{}, 0.0).size();
    // value[(i * ns + s) * ni + item], meets the same, section_meets[i * ns + s]
    std::vector<double> value(n * ns * ni, 0.0);
    std::vector<std::uint8_t> item_meets(n * ns * ni, 0), assessed(ns * ni, 0), section_meets(n * ns, 0);
    std::atomic<std::size_t> done{0};
    std::mutex progress_lock;
    tbb::parallel_for(std::size_t(0), n, [&](std::size_t i) {
        WaterQualityEvaluation e;
        try {
            e = evaluate_water_quality(draw_case(base, params, opt, i), wq);
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
    const auto keys = reaches::wq::gb3838_items(reaches::wq::State{}, 0.0);
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
