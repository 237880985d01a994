// Result tables as plain rows: built from an evaluation, stored in and reread from the run store, written as CSV
// (io/results.hpp).
#pragma once
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "analyses/solve.hpp"

namespace qingliu::io {

struct SectionRow {
    std::string section_id, name, name_en, river, reach_id, level;
    double position_km = 0.0;
    int target_class = 0;
    double flow_m3s = 0.0;
    PerConstituent conc_mgL{};
    PerConstituentOf<int> cls{};
    int overall = 0;
    int worst = 0;  ///< constituent index setting the class
    bool meets = false;
    PerConstituent exceedance{};
    double exceedance_max = 0.0;
};

struct ReachRow {
    std::string reach_id, river, downstream_id;
    double length_km = 0.0;
    double flow_in_m3s = 0.0, flow_m3s = 0.0, velocity_ms = 0.0, travel_time_d = 0.0;
    PerConstituent conc_mgL{};        ///< at the downstream end
    PerConstituent load_out_kg_d{};
    PerConstituent decayed_kg_d{};
    bool dry = false;
};

struct ScenarioResult {
    std::string scenario = "baseline";
    std::vector<SectionRow> sections;
    std::vector<ReachRow> reaches;
    PerConstituent input_kg_d{}, outlet_kg_d{}, decayed_kg_d{};
    double max_reach_imbalance = 0.0;
};

/// The row of section i of a case: its description, and the flow, concentrations and classification given.
SectionRow section_row(const scenarios::CaseModel& m, std::size_t i, double flow_m3s, const PerConstituent& conc_mgL,
                       const reaches::SectionClass& cls);

ScenarioResult make_result(const scenarios::CaseModel& m, const scenarios::Evaluation& e, const std::string& scenario);
/// make_result of every solved scenario, in order.
std::vector<ScenarioResult> make_results(const std::vector<scenarios::SolvedScenario>& solved);

}  // namespace qingliu::io
