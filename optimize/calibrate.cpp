#include "optimize/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include <nlopt.hpp>

#include "scenarios/parameters.hpp"

namespace qingliu::scenarios {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Slot {
    int c = -1;                   ///< >= 0: k20 of constituent c
    std::size_t row = 0;          ///< else: coefficient row
    double low = 0.0, high = 0.0, initial = 0.0;
    std::string key;
};

void apply(CaseModel& m, const std::vector<Slot>& slots, const std::vector<std::size_t>& which, const std::vector<double>& x) {
    bool coef = false;
    for (std::size_t i = 0; i < which.size(); ++i) {
        const Slot& s = slots[which[i]];
        if (s.c >= 0) m.kinetics.k20_per_d[s.c] = x[i];
        else {
            m.inventory.coefficients.rows()[s.row].value = x[i];
            coef = true;
        }
    }
    if (coef) refresh_sources(m);
}

struct Objective {
    const CaseModel* base;
    const std::vector<ObservedValue>* obs;
    const std::vector<Slot>* slots;
    std::vector<std::size_t> which;              ///< slots being fitted
    std::array<bool, kNumConstituents> counted;  ///< constituents in the sum
    PerConstituent scale;
    int evaluations = 0;
    std::exception_ptr error{};
    nlopt::opt* opt = nullptr;

    double operator()(const std::vector<double>& x) {
        CaseModel m = *base;
        apply(m, *slots, which, x);
        const Evaluation e = evaluate(m);
        ++evaluations;
        double j = 0.0;
        for (const auto& o : *obs)
            for (int c = 0; c < kNumConstituents; ++c)
                if (counted[c] && o.has[c]) {
                    const double r = (e.sections[o.section].conc_mgL[c] - o.conc_mgL[c]) / scale[c];
                    j += r * r;
                }
        return j;
    }
};

double nlopt_callback(const std::vector<double>& x, std::vector<double>& /*grad*/, void* data) {
    auto* f = static_cast<Objective*>(data);
    try {
        return (*f)(x);
    } catch (...) {
        f->error = std::current_exception();
        f->opt->force_stop();
        return std::numeric_limits<double>::max();
    }
}

const char* result_text(nlopt::result r) {
    switch (r) {
        case nlopt::SUCCESS: return "success";
        case nlopt::STOPVAL_REACHED: return "objective reached its stop value";
        case nlopt::FTOL_REACHED: return "objective tolerance reached";
        case nlopt::XTOL_REACHED: return "parameter tolerance reached";
        case nlopt::MAXEVAL_REACHED: return "evaluation limit reached";
        case nlopt::MAXTIME_REACHED: return "time limit reached";
        default: return "stopped";
    }
}

// Fits slots `which` against constituents `counted`; writes the fitted values into x.
std::string fit(Objective& f, std::vector<double>& x, const std::vector<Slot>& slots, const CalibrationOptions& opt) {
    const std::size_t n = f.which.size();
    std::vector<double> lo(n), hi(n), step(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Slot& s = slots[f.which[i]];
        lo[i] = s.low;
        hi[i] = s.high;
        x[i] = std::clamp(x[i], s.low, s.high);
        const double w = s.high - s.low;
        step[i] = std::clamp(0.25 * std::abs(x[i]), 1e-3 * w, 0.25 * w);
    }
    nlopt::opt o(nlopt::LN_BOBYQA, static_cast<unsigned>(n));
    f.opt = &o;
    o.set_lower_bounds(lo);
    o.set_upper_bounds(hi);
    o.set_min_objective(nlopt_callback, &f);
    o.set_xtol_rel(opt.xtol_rel);
    o.set_ftol_abs(1e-30);
    o.set_maxeval(opt.max_evaluations);
    o.set_initial_step(step);
    double minf = 0.0;
    std::string why;
    try {
        why = result_text(o.optimize(x, minf));
    } catch (const nlopt::roundoff_limited&) {
        why = "round-off limited (best point kept)";
    } catch (const nlopt::forced_stop&) {
        if (f.error) std::rethrow_exception(f.error);
        why = "stopped";
    }
    if (f.error) std::rethrow_exception(f.error);
    return why;
}

std::array<FitStats, kNumConstituents> stats_of(const CaseModel& m, const std::vector<ObservedValue>& obs,
                                                std::vector<Residual>* residuals) {
    const Evaluation e = evaluate(m);
    std::array<FitStats, kNumConstituents> out;
    for (int c = 0; c < kNumConstituents; ++c) {
        std::vector<double> o, md;
        for (std::size_t i = 0; i < obs.size(); ++i)
            if (obs[i].has[c]) {
                o.push_back(obs[i].conc_mgL[c]);
                md.push_back(e.sections[obs[i].section].conc_mgL[c]);
                if (residuals) residuals->push_back({i, c, o.back(), md.back(), o.back() - md.back()});
            }
        out[c] = fit_stats(o, md);
    }
    return out;
}

}  // namespace

FitStats fit_stats(const std::vector<double>& o, const std::vector<double>& m) {
    FitStats s;
    s.n = std::min(o.size(), m.size());
    if (s.n == 0) {
        s.rmse_mgL = s.bias_mgL = s.nse = s.r2 = kNaN;
        return s;
    }
    const double n = static_cast<double>(s.n);
    double se = 0.0, bias = 0.0, mo = 0.0, mm = 0.0;
    for (std::size_t i = 0; i < s.n; ++i) {
        se += (m[i] - o[i]) * (m[i] - o[i]);
        bias += m[i] - o[i];
        mo += o[i];
        mm += m[i];
    }
    mo /= n;
    mm /= n;
    double so = 0.0, sm = 0.0, som = 0.0;
    for (std::size_t i = 0; i < s.n; ++i) {
        so += (o[i] - mo) * (o[i] - mo);
        sm += (m[i] - mm) * (m[i] - mm);
        som += (o[i] - mo) * (m[i] - mm);
    }
    s.rmse_mgL = std::sqrt(se / n);
    s.bias_mgL = bias / n;
    s.nse = (s.n >= 2 && so > 0.0) ? 1.0 - se / so : kNaN;
    s.r2 = (s.n >= 2 && so > 0.0 && sm > 0.0) ? som * som / (so * sm) : kNaN;
    return s;
}

CalibrationResult calibrate(const CaseModel& base, const std::vector<ObservedValue>& obs, const CalibrationOptions& opt) {
    Problems probs;
    PerConstituent scale{};
    std::array<std::size_t, kNumConstituents> count{};
    for (const auto& o : obs) {
        if (o.section < 0 || static_cast<std::size_t>(o.section) >= base.sections.size()) {
            probs.add(o.file, o.record, "section_id", "", "observation names no section of the case");
            continue;
        }
        for (int c = 0; c < kNumConstituents; ++c)
            if (o.has[c]) {
                if (!(o.conc_mgL[c] >= 0.0) || !std::isfinite(o.conc_mgL[c]))
                    probs.add(o.file, o.record, std::string(key(kConstituents[c])) + "_mgL", std::to_string(o.conc_mgL[c]),
                              "must be a finite value >= 0");
                scale[c] += o.conc_mgL[c];
                ++count[c];
            }
    }
    std::vector<Slot> slots;
    for (auto c : kConstituents) {
        const int ci = idx(c);
        if (!opt.fit_k[ci]) continue;
        const std::string k = kinetics_key(c, "k20_per_d");
        if (count[ci] == 0) {
            probs.add("", "", k, "", std::string("no observations of ") + std::string(label_en(c)) + " to fit its rate to");
            continue;
        }
        const ParamDef* d = find_parameter(k);
        Slot s;
        s.c = ci;
        s.key = k;
        s.low = opt.k_low[ci] >= 0.0 ? opt.k_low[ci] : (d ? d->min : 0.0);
        s.high = opt.k_high[ci] >= 0.0 ? opt.k_high[ci] : (d ? d->max : 10.0);
        if (!(s.high > s.low)) probs.add("", "", k, std::to_string(s.low) + " .. " + std::to_string(s.high), "empty range");
        s.initial = base.kinetics.k20_per_d[ci];
        slots.push_back(s);
    }
    if (opt.fit_entry) {
        const auto& rows = base.inventory.coefficients.rows();
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const auto& row = rows[r];
            const std::string suffix = "_entry";
            if (row.category.size() < suffix.size() ||
                row.category.compare(row.category.size() - suffix.size(), suffix.size(), suffix) != 0 || !(row.high > row.low))
                continue;
            Slot s;
            s.row = r;
            s.key = "coefficient." + row.category + "." + row.key + "." + row.parameter;
            s.low = row.low;
            s.high = row.high;
            s.initial = row.value;
            slots.push_back(s);
        }
    }
    if (slots.empty()) probs.add("", "", "params", "", "nothing to fit");
    probs.throw_if_any("calibration");
    for (int c = 0; c < kNumConstituents; ++c) scale[c] = count[c] ? scale[c] / static_cast<double>(count[c]) : 1.0;
    for (auto& s : scale)
        if (!(s > 0.0)) s = 1.0;

    CalibrationResult res;
    res.before = stats_of(base, obs, nullptr);
    Objective f{&base, &obs, &slots, {}, uniform(true), scale};
    std::vector<std::size_t> all(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) all[i] = i;
    {
        Objective f0 = f;
        f0.which = all;
        std::vector<double> x0;
        for (const auto& s : slots) x0.push_back(s.initial);
        res.objective_before = f0(x0);
    }
    std::vector<double> fitted(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) fitted[i] = slots[i].initial;
    bool coef = false;
    for (const auto& s : slots) coef = coef || s.c < 0;
    if (!coef) {
        // separable: one constituent at a time
        for (std::size_t i = 0; i < slots.size(); ++i) {
            Objective fi = f;
            fi.which = {i};
            fi.counted = {};
            fi.counted[slots[i].c] = true;
            std::vector<double> x{slots[i].initial};
            const std::string why = fit(fi, x, slots, opt);
            fitted[i] = x[0];
            res.evaluations += fi.evaluations;
            res.stop_reason += (res.stop_reason.empty() ? "" : "; ") + std::string(label_en(kConstituents[slots[i].c])) + ": " + why;
        }
    } else {
        Objective fa = f;
        fa.which = all;
        std::vector<double> x = fitted;
        res.stop_reason = fit(fa, x, slots, opt);
        fitted = x;
        res.evaluations += fa.evaluations;
    }
    res.fitted = base;
    apply(res.fitted, slots, all, fitted);
    {
        Objective fe = f;
        fe.which = all;
        res.objective_after = fe(fitted);
    }
    res.after = stats_of(res.fitted, obs, &res.residuals);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Slot& s = slots[i];
        const double w = s.high - s.low;
        res.parameters.push_back({s.key, s.initial, fitted[i], s.low, s.high,
                                  fitted[i] - s.low <= 1e-9 * w || s.high - fitted[i] <= 1e-9 * w});
    }
    return res;
}

}  // namespace qingliu::scenarios
