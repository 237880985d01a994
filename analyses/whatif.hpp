// What-if (情景推演): a selection of the case's measures (each on or off, its rate or standard as chosen) and of
// actions on single outfalls (close, connect to a plant, remediate), turned into measure records and evaluated at
// once. The selection is expressed as the same MeasureSpec / ScenarioSpec records a scenarios file holds, so a
// selection saved as a scenario is read back into exactly the measures evaluated here.
//
// Evaluation: Sweep (sweep.hpp) — the linear response C = B + sum T L when the selection leaves every flow as it is,
// a full steady solve otherwise. Each section gets its class (GB 3838-2002 single-factor), every parameter exceeding
// the target class with its exceedance multiple (value / limit - 1), and its margin: the smallest headroom
// (limit - value) / limit over the parameters (negative: the target is missed by that share).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"
#include "analyses/sweep.hpp"

namespace qingliu::scenarios {

/// The number of a measure the user may change (a rate, a coverage, a share cut), or its standard (a choice).
struct MeasureKnob {
    std::string param;          ///< parameter key in the measure record ("rate", "coverage", "reduction_pct", "standard")
    bool choice = false;        ///< true: a discharge standard chosen from a list
    double min = 0.0, max = 1.0, step = 0.01;
    std::string unit;           ///< "" (share 0..1) or "%"
    double value = 0.0;         ///< the case's value (numbers)
    std::string text;           ///< the case's value (standard)
};
/// The knob of a measure record, if its kind has one and the record gives it: plant_collection collection_rate,
/// manure_utilisation rate, rural_sewage / aquaculture_treatment coverage, fertiliser_cut / source_reduction /
/// wetland / outfall remediate reduction_pct (0-100 %), plant_standard standard.
std::optional<MeasureKnob> measure_knob(const MeasureSpec& spec);

/// One measure of the case, switched on; `value` / `standard` replace the record's knob when given.
struct MeasureChoice {
    std::string id;
    std::optional<double> value;
    std::optional<std::string> standard;
};
/// An action on one outfall (a source of type "outfall").
struct OutfallChoice {
    std::string outfall;
    std::string action;                  ///< close, connect, remediate
    std::string plant;                   ///< connect: receiving sewage plant (source id)
    std::optional<double> reduction_pct; ///< remediate: share of the load removed (%), default 70 when no standard
    std::optional<std::string> standard; ///< remediate: discharge standard instead of a share
};
struct Selection {
    std::vector<MeasureChoice> measures;  ///< applied in the order of the case's measure records
    std::vector<OutfallChoice> outfalls;  ///< applied after the measures, in the order given
};

/// The records a selection stands for: `measures` holds every record the scenario uses (the case's own where the
/// selection leaves it unchanged, new records otherwise), `scenario` lists them in application order, and
/// `added` the ids of the new records.
struct SelectionRecords {
    std::vector<MeasureSpec> measures;
    ScenarioSpec scenario;
    std::vector<std::string> added;
};

struct WhatIfSection {
    SectionResult result;    ///< concentrations, flow, class per constituent and overall
    double margin = 0.0;     ///< min over parameters of (limit - value) / limit of the target class
    std::vector<int> exceeding;  ///< constituent indices above the target-class limit
};

struct WhatIfOutcome {
    std::vector<WhatIfSection> sections;  ///< aligned with CaseModel::sections
    bool linear = false;                   ///< linear response (true) or full solve
    double invest_wan = 0.0, annual_wan = 0.0;
    int meeting = 0;                       ///< sections meeting their target
    Scenario scenario;                     ///< the compiled selection
};

/// Holds the case and its linear response (built once); every method is const and safe from several threads.
class WhatIf {
public:
    /// `base` must outlive the WhatIf. `measures`: the case's measure records in file order.
    WhatIf(const CaseModel& base, std::vector<MeasureSpec> measures);

    const CaseModel& base() const { return base_; }
    const std::vector<MeasureSpec>& measures() const { return measures_; }
    /// Indices of the sources of type "outfall" and "sewage_plant".
    std::vector<std::size_t> outfalls() const;
    std::vector<std::size_t> plants() const;

    /// The records for a selection. New records are named `<scenario_id>-<measure id>` (changed knob) and
    /// `<scenario_id>-<outfall id>-<action>` (outfall actions not already a case measure on that outfall alone);
    /// an outfall action equal to a case measure on that outfall alone reuses that record (and its cost).
    /// Throws InputError naming every unknown measure, outfall, action or plant.
    SelectionRecords records(const Selection& sel, const std::string& scenario_id) const;
    /// Compiles records into a scenario; throws InputError with the problems (values out of range ...).
    Scenario compile(const SelectionRecords& r) const;
    /// Evaluates the selection. Throws InputError for a bad selection, ModelError where the model cannot carry it.
    WhatIfOutcome evaluate(const Selection& sel) const;
    /// Evaluates a compiled scenario.
    WhatIfOutcome evaluate(const Scenario& s) const;

private:
    const CaseModel& base_;
    std::vector<MeasureSpec> measures_;
    Sweep sweep_;
};

/// Margin and exceeding parameters of a section result against its target class.
WhatIfSection section_outcome(const CaseModel& m, std::size_t section, const SectionResult& r);

}  // namespace qingliu::scenarios
