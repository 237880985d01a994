#include "analyses/dynamic_water_quality.hpp"

#include <cmath>
#include <limits>

namespace qingliu::scenarios {

namespace wq = reaches::wq;

namespace {

// The forcing of the water-quality cells from the case's daily forcing (flows, load patterns) and temperatures.
wq::DynamicForcing wq_forcing(const CaseModel& m, const Simulation& sim, const DynamicInputs& inputs) {
    DynamicInputs in = inputs;
    if (sim.design_year)
        for (double& q : in.gauge_m3s) q *= sim.dry_year_factor;
    in.days = sim.days;
    reaches::DynamicForcing f = dynamic_forcing(m, in);
    wq::DynamicForcing w;
    w.steps = f.steps;
    w.step_days = f.step_days;
    w.flow = std::move(f.flow);
    w.load_patterns = std::move(f.load_patterns);
    w.input_pattern = std::move(f.input_pattern);
    if (inputs.monthly_temperature_c.size() == 12)
        for (int d = 0; d < sim.days; ++d) w.temperature_c.push_back(inputs.monthly_temperature_c[sim.month_of_day[d] - 1]);
    return w;
}

// Daily items and classes, the shares of days meeting, the annual means and their classes, over the chosen items.
void judge(DynamicWaterQualityScenario& out, const CaseModel& m, const Simulation& sim, double k1, const ItemSet& chosen) {
    const wq::DynamicResult& r = out.result;
    const int days = sim.days;
    const std::size_t ns = m.sections.size();
    out.items.clear();
    for (const auto& it : chosen_items(wq::State{}, k1, chosen)) out.items.push_back(it.key);
    const std::size_t ni = out.items.size();
    out.daily_flow_m3s.assign(ns * days, 0.0);
    out.daily_mgL.assign(ns * days * ni, 0.0);
    out.daily_item_class.assign(ns * days * ni, 0);
    out.daily_class.assign(ns * days, 0);
    out.share_days_item.assign(ns * ni, 0.0);
    out.annual_mean_mgL.assign(ns * ni, 0.0);
    out.share_days.assign(ns, 0.0);
    for (std::size_t s = 0; s < ns; ++s) {
        const reaches::Section& sec = m.sections[s];
        std::vector<int> met(ni, 0), assessed(ni, 0);
        wq::State mean{};
        int days_met = 0;
        for (int d = 0; d < days; ++d) {
            const wq::State& c = r.obs_mgL[d + 1][s];  // the day's end (obs_mgL[0]: the start)
            for (int i = 0; i < wq::kNumSpecies; ++i) mean[i] += c[i] / days;
            const std::vector<wq::Item> items = chosen_items(c, k1, chosen);
            const wq::ItemsEvaluation e = wq::evaluate_items(m.classes, items, sec.water_body, sec.target_class);
            const std::size_t at = s * days + d;
            out.daily_flow_m3s[at] = r.obs_flow_m3s[d + 1][s];
            out.daily_class[at] = static_cast<std::int8_t>(e.overall);
            days_met += e.meets ? 1 : 0;
            for (std::size_t k = 0; k < ni; ++k) {
                out.daily_mgL[at * ni + k] = items[k].value_mgL;
                out.daily_item_class[at * ni + k] = static_cast<std::int8_t>(e.items[k].cls);
                if (e.items[k].cls > 0) {
                    ++assessed[k];
                    met[k] += e.items[k].exceeds ? 0 : 1;
                }
            }
        }
        out.share_days[s] = days > 0 ? double(days_met) / days : 0.0;
        // the annual means of the species, judged (BOD5, TN and TP from them, linear)
        const std::vector<wq::Item> annual_items = chosen_items(mean, k1, chosen);
        out.annual.push_back(wq::evaluate_items(m.classes, annual_items, sec.water_body, sec.target_class));
        for (std::size_t k = 0; k < ni; ++k) {
            out.annual_mean_mgL[s * ni + k] = annual_items[k].value_mgL;
            out.share_days_item[s * ni + k] = assessed[k] ? double(met[k]) / assessed[k] : std::numeric_limits<double>::quiet_NaN();
        }
    }
}

}  // namespace

DynamicWaterQuality simulate_water_quality(const Simulation& sim, const DynamicInputs& inputs, const WaterQualityOptions& opt,
                                           int cells, const std::function<void(double)>& progress,
                                           double oxygen_tolerance, double exchange_step_d) {
    DynamicWaterQuality out;
    out.cells_per_reach = cells;
    out.oxygen_tolerance = oxygen_tolerance;
    // Each reach takes its feeders' mean outflow over a piece as constant, so within a day it lags their transient
    // after the day's change of flows, loads and temperature. On Leshan's year, against pieces of 1/24 d, one piece a
    // day left section values up to 0.19 mg/L of DO and of COD off (0.04 of BOD5), pieces of 1/4 d 0.023 and 0.028, of
    // 1/8 d 0.0045 and 0.0048 (the run 4.3 s against 1.0 s for its 11 scenarios); pieces doubling from 1/64 or 1/128 d
    // did no better for their number (the transients last the day on its long reaches).
    out.exchange_step_d = exchange_step_d > 0.0 ? exchange_step_d : kExchangeStepD;
    out.oxygen_effects = wq::depends_on_oxygen(opt.steady.params);
    const double k1 = opt.steady.params.bod_bottle_k_per_d;
    for (std::size_t k = 0; k < sim.scenarios.size(); ++k) {
        const ScenarioSimulation& sr = sim.scenarios[k];
        const WaterQualityProblem p = water_quality_problem(sr.model, opt);
        const wq::DynamicForcing f = wq_forcing(sr.model, sim, inputs);
        wq::DynamicOptions o;
        o.steady = p.steady;
        o.cells_per_reach = cells;
        o.abs_tol = o.rel_tol = 1e-9;
        if (oxygen_tolerance > 0.0) o.frozen_abs_tol = o.frozen_rel_tol = oxygen_tolerance;
        o.start_steady = true;            // as the three-constituent run: the steady state of the first day
        o.exchange_step_d = out.exchange_step_d;
        o.record_reach_ends = false;
        if (progress)
            o.progress = [&](double x) { progress((static_cast<double>(k) + x) / static_cast<double>(sim.scenarios.size())); };
        DynamicWaterQualityScenario s;
        s.id = sr.id;
        s.result = wq::solve_dynamic_wq(p.net, p.data, p.inputs, p.observations, wq::State{}, f, o);
        s.input_g = s.result.input_g;
        s.outlet_g = s.result.outlet_g;
        s.storage_start_g = s.result.storage_start_g;
        s.storage_end_g = s.result.storage_end_g;
        s.processed_g = s.result.processed_g;
        judge(s, sr.model, sim, k1, opt.items);
        const WaterQualityEvaluation steady = evaluate_water_quality(sr.model, opt);
        for (const auto& sec : steady.sections) {
            s.steady.push_back(sec.evaluation);
            s.steady_mgL.push_back(sec.conc_mgL);
        }
        out.scenarios.push_back(std::move(s));
    }
    return out;
}

}  // namespace qingliu::scenarios
