// What `qingliu water-quality --apportion / --optimize / --monte-carlo` found over every assessed GB 3838 item, as rows
// that its CSV files, the run store and the report share: the command builds them from the analyses
// (app/water_quality_tables.hpp, from analyses/water_quality_apportion.hpp, optimize/water_quality_optimize.hpp and
// optimize/water_quality_montecarlo.hpp), writes its CSVs from them (io/water_quality_csv.hpp), stores them with its
// run (io/store_wq_analyses.hpp), and `qingliu report` shows them (a part of report.html, sheets of report.xlsx, the
// same CSVs beside it).
// One row here is one row of the named CSV file (docs/outputs.md), plus what the report alone shows.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <memory>

namespace qingliu::report {

struct ReportData;

/// water_quality_reduction.csv: one section and assessed item in the apportionment's condition (loads in t/a).
struct WqReductionRow {
    std::string condition, section_id, section_name;
    int target_class = 0;
    std::string item;          ///< key: do, codmn, cod, bod5, nh3n, tp, tn
    bool minimum = false;      ///< DO: the limit is a lower bound
    double value_mgL = 0.0, limit_mgL = 0.0, mos = 0.0, target_mgL = 0.0;
    bool meets_target = true;  ///< the full model meets the target with the margin
    double background_mgL = 0.0, boundary_mgL = 0.0, sources_mgL = 0.0, oxygen_effects_mgL = 0.0;
    std::string cut_sources;   ///< ids of the sources cut, ";"
    double source_load_t_a = 0.0, cut_share_linear = 0.0, cut_share = 0.0, cut_t_a = 0.0, allowed_t_a = 0.0;
    double boundary_cut_share = 0.0, value_after_cut_mgL = 0.0;
    bool feasible = true;
    /// report only: the three sources harming the item most here, "id mg/L" joined by "; " (DO: mg/L taken away)
    std::string top_sources;
};

/// water_quality_capacity.csv: one reach and item whose sources must cut.
struct WqCapacityRow {
    std::string condition, reach_id, item;
    double load_t_a = 0.0, cut_t_a = 0.0, allowed_t_a = 0.0;
    std::string binding_section;
};

struct WqApportionTable {
    std::string condition, condition_zh, condition_en;  ///< its id and a line naming it
    double mos = 0.0;                                   ///< margin of safety, share of the limit
    bool linear_exact = true;                           ///< no oxygen effects: the shares are exact
    std::vector<WqReductionRow> rows;                   ///< sections in case order, items in gb3838_items order
    std::vector<WqCapacityRow> capacity;
};

/// water_quality_plan.csv: one candidate measure (the layout of plan.csv).
struct WqPlanMeasureRow {
    std::string measure_id, name, name_en, kind, group;
    double invest_wan = 0.0, annual_wan = 0.0, cost_wan = 0.0;  ///< cost = invest + F annual
    bool chosen = false;
    std::string note, note_zh;  ///< why the plan dropped it (note_zh: report only)
};

/// water_quality_plan_sections.csv: one condition, section and assessed item.
struct WqPlanSectionRow {
    std::string condition, section_id, name, item;
    bool minimum = false;
    int target_class = 0;
    double limit_mgL = 0.0, mos = 0.0, target_mgL = 0.0, baseline_mgL = 0.0, predicted_mgL = 0.0, plan_mgL = 0.0, gap_mgL = 0.0;
    bool reachable = true;
    int baseline_class = 0, plan_class = 0;  ///< the section's, over every assessed item
    bool baseline_meets = false, plan_meets = false;  ///< the section's target class (report only: the CSV has the classes)
    std::string plan_exceeding_en, plan_exceeding_zh;
};

struct WqPlanCondition {
    std::string id, label;  ///< label: scenarios::condition_label (Chinese and English)
};

struct WqPlanTable {
    std::string status;  ///< plan_status_text: optimal, gap-minimised, not-solved (the report says what each means)
    double cost_wan = 0.0, invest_wan = 0.0, annual_wan = 0.0, annual_cost_factor = 0.0, mos = 0.0;
    bool verified_ok = true;  ///< the re-evaluated plan meets every target it claims to meet
    std::vector<WqPlanCondition> conditions;
    std::vector<WqPlanMeasureRow> measures;  ///< every candidate, in candidate order
    std::vector<WqPlanSectionRow> sections;  ///< condition by condition, sections in case order, items in order
};

/// water_quality_montecarlo.csv: one scenario (the baseline first), section and item.
struct WqMonteCarloRow {
    std::string scenario, scenario_name, scenario_name_en, section_id, name, item;
    bool assessed = false;
    double p_meets = 0.0, p5_mgL = 0.0, p50_mgL = 0.0, p95_mgL = 0.0, mean_mgL = 0.0, section_p_meets = 0.0;
    int target_class = 0;  ///< report only
};

struct WqMonteCarloTable {
    std::size_t draws = 0;
    std::uint64_t seed = 0;
    std::vector<WqMonteCarloRow> rows;
};

/// What one `water-quality` run found; each part null where it was not asked for.
struct WaterQualityAnalyses {
    std::shared_ptr<const WqApportionTable> apportion;
    std::shared_ptr<const WqPlanTable> plan;
    std::shared_ptr<const WqMonteCarloTable> montecarlo;
    bool empty() const { return !apportion && !plan && !montecarlo; }
};

/// The report's part: the apportionment's failing items with their largest sources and cuts, the plan's measures and
/// its sections in every condition, the probabilities of meeting the target per scenario and section.
std::string water_quality_analyses_html(const WaterQualityAnalyses& a, const ReportData& d, const std::string& title_html);

}  // namespace qingliu::report
