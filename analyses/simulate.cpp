// The dynamic model of a case in one call (see simulate.hpp).
#include "analyses/simulate.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <tuple>

#include "common/error.hpp"
#include "common/units.hpp"
#include "hydro/flow_series.hpp"

namespace qingliu::scenarios {

namespace {

int simulated_days(const DynamicInputs& in) { return in.days > 0 ? in.days : hydro::days_in_year(in.year); }

// 1..12: the month of day d (0: 1 January of `year`), the calendar repeating after the year's last day.
int month_of(int year, int d) { return hydro::date_from_day(year, d % hydro::days_in_year(year)).month; }

}  // namespace

reaches::DynamicForcing dynamic_forcing(const CaseModel& m, const DynamicInputs& in) {
    const std::size_t n = m.net.size();
    hydro::FlowInputs fi;
    fi.year = in.year;
    fi.days = simulated_days(in);
    fi.design_headwater_m3s = m.net.headwater_flow_m3s;
    fi.design_lateral_m3s = m.net.lateral_flow_m3s;
    fi.local_area_km2 = in.local_area_km2;
    fi.local_area_km2.resize(n, std::nan(""));
    fi.gauge_reach = in.gauge_reach;
    fi.gauge_m3s = in.gauge_m3s;
    fi.reach_series = in.reach_flows_m3s;
    reaches::DynamicForcing f;
    try {
        f.flow = hydro::make_flow_forcing(m.net.topo, fi);
    } catch (const std::invalid_argument& e) {
        throw InputError("flows cannot be scaled", {{in.flows_file, "", "flow_m3s", "", e.what()}});
    }
    const hydro::FlowForcing& ff = f.flow;
    // Runoff washing off diffuse loads: the reach's own series, or the network's runoff index.
    std::vector<std::vector<double>> own_total;
    for (std::size_t i = 0; i < ff.own_headwater_m3s.size(); ++i) {
        std::vector<double> t(ff.own_headwater_m3s[i].size());
        for (std::size_t d = 0; d < t.size(); ++d) t[d] = ff.own_headwater_m3s[i][d] + ff.own_lateral_m3s[i][d];
        own_total.push_back(std::move(t));
    }
    std::vector<const std::vector<double>*> runoff(n, &ff.runoff_index);
    for (std::size_t r = 0; r < n && !ff.reach_series.empty(); ++r)
        if (ff.reach_series[r] != kNone) runoff[r] = &own_total[ff.reach_series[r]];
    loads::LoadPatterns lp = loads::make_load_patterns(m.sources, in.load_series, runoff, in.washoff_exponent);
    f.steps = static_cast<std::size_t>(fi.days);
    f.step_days = 1.0;
    f.load_patterns = std::move(lp.patterns);
    f.input_pattern = std::move(lp.source_pattern);
    if (in.monthly_temperature_c.size() == 12) {
        for (int d = 0; d < fi.days; ++d)
            f.k_per_d.push_back(m.kinetics.at(in.monthly_temperature_c[month_of(in.year, d) - 1]));
    } else {
        f.k_per_d = {m.kinetics.at(m.temperature_c)};
    }
    return f;
}

std::pair<double, double> design_year_factor(const CaseModel& base, const DynamicInputs& in) {
    if (in.gauge_m3s.empty() || in.gauge_reach == kNone)
        throw InputError("no gauge series to scale", {{in.flows_file, "", "flow_m3s", "", "--dry-year needs a gauge flow table (date, flow_m3s)"}});
    // Natural design flow at the gauge: the design inflows routed without effluent.
    const double design = reaches::steady_flows(base.net, {}).flow_out_m3s[in.gauge_reach];
    try {
        return {hydro::dry_year_factor(in.gauge_m3s, in.year, design), design};
    } catch (const std::invalid_argument& e) {
        throw InputError("flows cannot be scaled to a dry year", {{in.flows_file, "", "flow_m3s", "", e.what()}});
    }
}

namespace {

// The daily classes, annual classes, flows and mass totals of a solved scenario.
void summarise(ScenarioSimulation& sr, const Simulation& sim) {
    const CaseModel& m = sr.model;
    const reaches::DynamicResult& r = sr.result;
    const int days = sim.days;
    const std::size_t n_sections = m.sections.size();
    sr.compliance = reaches::section_compliance(r, m.sections, m.classes, sim.month_of_day);
    sr.daily_class.assign(n_sections * static_cast<std::size_t>(days), 0);
    for (std::size_t s = 0; s < n_sections; ++s) {
        const reaches::Section& sec = m.sections[s];
        double qsum = 0.0, msum[12] = {}, mdays[12] = {};
        for (int d = 0; d < days; ++d) {
            sr.daily_class[s * days + d] =
                static_cast<std::int8_t>(reaches::evaluate_section(m.classes, r.conc(d, s), sec.water_body, sec.target_class).overall);
            const double q = r.obs_flow_m3s[d * r.nobs + s];
            qsum += q;
            msum[sim.month_of_day[d] - 1] += q;
            mdays[sim.month_of_day[d] - 1] += 1.0;
        }
        double lowest = 1e300;
        for (int mo = 0; mo < 12; ++mo)
            if (mdays[mo] > 0.0) lowest = std::min(lowest, msum[mo] / mdays[mo]);
        sr.mean_flow_m3s.push_back(qsum / days);
        sr.lowest_month_flow_m3s.push_back(lowest);
        sr.annual.push_back(reaches::evaluate_section(m.classes, sr.compliance[s].annual_mean_mgL, sec.water_body, sec.target_class));
    }
    for (int c = 0; c < kNumConstituents; ++c) {
        sr.input_kg_d[c] = r.input_g[c] / kGramsPerKg / days;
        sr.outlet_kg_d[c] = r.outlet_g[c] / kGramsPerKg / days;
        sr.decayed_kg_d[c] = r.decayed_g[c] / kGramsPerKg / days;
    }
}

// The steady verdict of the scenario in the design condition beside the dynamic one, per section.
void compare_steady(ScenarioSimulation& sr) {
    const Evaluation steady = evaluate(sr.model);
    bool diffuse = false;
    for (const auto& src : sr.model.sources) diffuse = diffuse || src.diffuse;
    for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
        const SectionResult& st = steady.sections[s];
        SteadyComparison c;
        c.steady = st.cls;
        c.steady_flow_m3s = st.flow_m3s;
        c.explanation = explain_steady_dynamic({st.cls.meets, sr.compliance[s].share_days(),
                                                st.flow_m3s > 0.0 ? sr.lowest_month_flow_m3s[s] / st.flow_m3s : 1.0, diffuse});
        sr.steady.push_back(std::move(c));
    }
}

}  // namespace

Simulation simulate(const CaseModel& base, const std::vector<Scenario>& chosen, const DynamicInputs& inputs,
                    const SimulateOptions& options) {
    Simulation sim;
    sim.year = inputs.year;
    sim.days = simulated_days(inputs);
    for (int d = 0; d < sim.days; ++d) sim.month_of_day.push_back(month_of(inputs.year, d));
    sim.design_year = options.year == DynamicYear::Design || (options.year == DynamicYear::Auto && !inputs.gauge_m3s.empty());
    DynamicInputs in = inputs;
    if (sim.design_year) {
        std::tie(sim.dry_year_factor, sim.design_flow_m3s) = design_year_factor(base, inputs);
        for (double& q : in.gauge_m3s) q *= sim.dry_year_factor;
    }
    sim.scenarios.reserve(chosen.size() + 1);
    for (std::size_t k = 0; k <= chosen.size(); ++k) {
        ScenarioSimulation sr;
        sr.id = k == 0 ? "baseline" : chosen[k - 1].id;
        sr.model = k == 0 ? base : apply_scenario(base, chosen[k - 1]);
        const reaches::DynamicForcing f = dynamic_forcing(sr.model, in);
        sr.wet_month = f.flow.wet_month;
        reaches::DynamicOptions solver = options.solver;
        if (options.before_scenario) options.before_scenario(sim, k, sr.id, solver);
        sr.result = reaches::solve_dynamic(sr.model.net, point_inputs(sr.model), observations(sr.model), f, solver);
        summarise(sr, sim);
        if (options.compare_steady) compare_steady(sr);
        sim.scenarios.push_back(std::move(sr));
        if (options.after_scenario) options.after_scenario(sim, k);
    }
    return sim;
}

}  // namespace qingliu::scenarios
