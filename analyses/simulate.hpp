// The dynamic model of a case in one call, beside evaluate(): a year of daily flows and loads under the baseline and
// each chosen scenario, judged as monitoring judges a river.
//
// Forcing of each scenario (dynamic_forcing), from the case and its daily inputs:
//   flows   the gauge series spread over the reaches by drainage area, and per-reach own-inflow series
//           (hydro::make_flow_forcing, hydro/flow_series.hpp);
//   year    a design year by default (DynamicYear::Auto with a gauge series): the gauge series times
//           f = Q_design / (lowest monthly mean of the series) (hydro::dry_year_factor), Q_design the natural design
//           flow at the gauge — the base case's design inflows routed without effluent, as the gauge series stands
//           for the natural flow and the model adds the sources' water. DynamicYear::Recorded keeps the flows;
//   loads   diffuse loads washed off by the runoff of their reach (its own series, else the network's runoff
//           index), w_d = q_d^b / mean(q^b), b the wash-off exponent; point loads constant unless a load series
//           scales them (loads/load_series.hpp);
//   rates   k_T = k20 θ^(T−20) at each day's monthly temperature when twelve are given, else at the case's.
// Summaries per section (reaches::section_compliance and below): the class of every day, monthly means and
// classes, the annual mean and its class with every exceeding parameter, the shares of days and months meeting the
// target, the annual mean flow and the lowest monthly mean flow; with compare_steady, the steady verdict of the
// same scenario in the design condition and why the two differ (explain_steady_dynamic).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "loads/load_series.hpp"
#include "reaches/dynamic.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"
#include "analyses/verdict.hpp"

namespace qingliu::scenarios {

/// The daily inputs of a dynamic run (a case's [dynamic] section and its tables, read by io::read_dynamic_inputs,
/// or built in code).
struct DynamicInputs {
    int year = 2000;                    ///< calendar year; day 0 is 1 January
    int days = 0;                       ///< days simulated (0: the whole year; beyond it the calendar repeats)
    std::int32_t gauge_reach = kNone;   ///< reach whose downstream end gauge_m3s describes
    std::vector<double> gauge_m3s;      ///< per day (empty: no gauge series)
    /// Per-reach own inflow (headwater + lateral, m3/s) per day: reach index and series.
    std::vector<std::pair<std::int32_t, std::vector<double>>> reach_flows_m3s;
    std::vector<loads::LoadFactorSeries> load_series;  ///< per source id or type: a factor per day
    std::vector<double> local_area_km2;  ///< per reach: own catchment area (NaN or <= 0: unknown; empty: all unknown)
    double washoff_exponent = 1.0;       ///< b in w_d = q_d^b / mean(q^b)
    std::vector<double> monthly_temperature_c;  ///< 12 values, or empty: the case's temperature all year
    std::string flows_file;              ///< the flow table, named in errors ("" when built in code)
};

/// Which year is judged: Auto is Design with a gauge series and Recorded without one.
enum class DynamicYear { Auto, Design, Recorded };

struct ScenarioSimulation;
struct Simulation;

/// The pieces of the exchange between reaches in both dynamic models (days): each reach is driven by its feeders'
/// mean outflow over a piece. One piece a day lags the feeders' transient after each day's change of flows and loads:
/// a section's daily sample (the cell at the day's end) then trails by the travel time above it. On the shipped
/// cases' years, against pieces of 1/96 d, one piece a day moved daily section values by up to 2.2 % (Leshan COD
/// 0.19 mg/L, Ledu 0.34 mg/L) and changed 18 daily classes (12 at Ledu, 5 at Shizhong, 1 at Leshan), 1/4 d by up to
/// 0.30 % (one class), 1/8 d by at most 0.07 % (none); monthly means moved by up to 0.6 %, annual means by at most
/// 3e-4 mg/L, no monthly or annual class changing, the mass between reaches being exact in every piece. The dynamic
/// water-quality model's figures: DynamicWaterQuality.
constexpr double kExchangeStepD = 0.125;

struct SimulateOptions {
    DynamicYear year = DynamicYear::Auto;
    /// cells, stepper, tolerances, threads, record_reach_ends; the exchange between reaches in pieces of
    /// kExchangeStepD (solver.exchange_step_d)
    reaches::DynamicOptions solver = [] {
        reaches::DynamicOptions o;
        o.exchange_step_d = kExchangeStepD;
        return o;
    }();
    bool compare_steady = true;      ///< also evaluate each scenario in steady state and compare the verdicts
    /// Called before each scenario is solved (k = 0 is the baseline) with the run so far (period and design year
    /// set, earlier scenarios done); may set `solver` for this scenario, e.g. reach_series to stream the reach ends
    /// to a file, or progress.
    std::function<void(const Simulation& sim, std::size_t k, const std::string& id, reaches::DynamicOptions& solver)> before_scenario;
    /// Called once each scenario's results and summaries are complete (sim.scenarios[k]).
    std::function<void(const Simulation& sim, std::size_t k)> after_scenario;
};

/// A section's steady verdict (design condition) beside its dynamic one.
struct SteadyComparison {
    reaches::SectionClass steady;    ///< class of the steady concentrations at the design flow
    double steady_flow_m3s = 0.0;
    VerdictExplanation explanation;  ///< agree, or why not
};

struct ScenarioSimulation {
    std::string id;  ///< "baseline" or the scenario's id
    CaseModel model;  ///< the case with the scenario's measures applied
    reaches::DynamicResult result;
    std::vector<int> wet_month;  ///< 12 entries: 1 wet (丰水期), 0 dry (枯水期), -1 not simulated
    // per section (aligned with model.sections)
    std::vector<reaches::SectionCompliance> compliance;
    std::vector<std::int8_t> daily_class;  ///< section * days + day: GB 3838 class of the day's concentrations (1..6)
    std::vector<reaches::SectionClass> annual;  ///< class of the annual mean concentrations, every exceeding parameter
    std::vector<double> mean_flow_m3s;          ///< annual mean flow
    std::vector<double> lowest_month_flow_m3s;  ///< lowest monthly mean flow
    std::vector<SteadyComparison> steady;       ///< with compare_steady, else empty
    /// Network totals per day over the year (kg/d): load entering, leaving at the outlets, decayed.
    PerConstituent input_kg_d{}, outlet_kg_d{}, decayed_kg_d{};
};

struct Simulation {
    int year = 0;
    int days = 0;
    std::vector<int> month_of_day;  ///< 1..12 per day
    bool design_year = false;       ///< the gauge series was scaled to the design year
    double dry_year_factor = 1.0;   ///< the scale applied (1 when the recorded year is judged)
    double design_flow_m3s = 0.0;   ///< natural design flow at the gauge (design year only)
    std::vector<ScenarioSimulation> scenarios;  ///< the baseline first, then the chosen scenarios in order
};

/// The forcing of one case (a scenario applied or not) for a year of daily inputs, as simulate() builds it (no
/// design-year scaling: scale inputs.gauge_m3s first). Throws InputError naming inputs.flows_file when the flows
/// cannot be spread over the reaches (hydro::make_flow_forcing).
reaches::DynamicForcing dynamic_forcing(const CaseModel& m, const DynamicInputs& inputs);

/// The design-year scaling of a gauge series (see the header comment): the factor and the natural design flow at
/// the gauge of `base`. Throws InputError naming inputs.flows_file without a gauge series or a driest month
/// without flow.
std::pair<double, double> design_year_factor(const CaseModel& base, const DynamicInputs& inputs);

/// Runs the baseline and each of `chosen` (scenarios applied to `base`) through the year, one after another.
/// Throws InputError for inputs that do not fit the case and ModelError as reaches::solve_dynamic does.
Simulation simulate(const CaseModel& base, const std::vector<Scenario>& chosen, const DynamicInputs& inputs,
                    const SimulateOptions& options = {});

}  // namespace qingliu::scenarios
