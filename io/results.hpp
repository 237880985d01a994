// Result tables as plain rows: built from an evaluation, written to CSV, stored in and reread from the run store.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "scenarios/solve.hpp"

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

ScenarioResult make_result(const scenarios::CaseModel& m, const scenarios::Evaluation& e, const std::string& scenario);
/// make_result of every solved scenario, in order.
std::vector<ScenarioResult> make_results(const std::vector<scenarios::SolvedScenario>& solved);

/// sections.csv: section_id,name,river,cod_mgL,nh3n_mgL,tp_mgL,class,target_class,meets,exceedance, then extras.
std::string sections_csv(const std::vector<SectionRow>& rows, bool with_scenario = false, const std::string& scenario = "");
/// reaches.csv: reach_id,flow_m3s,velocity_ms,cod_mgL,nh3n_mgL,tp_mgL (downstream end), then extras.
std::string reaches_csv(const std::vector<ReachRow>& rows);

/// loads_by_source.csv: source_id,name,type,type_zh,type_en,town,reach_id,river,diffuse,flow_m3s,cod_t_a,nh3n_t_a,
/// tp_t_a,origin (loads entering the river, t/a = g/s × 31.536).
std::string loads_by_source_csv(const scenarios::CaseModel& m);
/// loads_by_type.csv: type,type_zh,type_en,count,cod_t_a,nh3n_t_a,tp_t_a,cod_share,nh3n_share,tp_share.
std::string loads_by_type_csv(const scenarios::CaseModel& m);

/// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break.
std::string csv_quote(const std::string& s);

/// Number formatting shared by every writer: up to 6 significant digits, no exponent for ordinary magnitudes.
std::string num(double v);
/// Every constituent's value (times scale) with num, comma-separated in the order of the state-variable table.
std::string nums(const PerConstituent& v, double scale = 1.0);

}  // namespace qingliu::io
