// Load allocation (总量分配) in the report, in report.xlsx and in allocation.csv: what the allocation analysis
// (analyses/allocation.hpp) gave for each controlling section and state variable, by every method, per allocation
// unit (town or source type), in t/a, with the margin of safety kept. One layout of allocation.csv, used by
// `qingliu allocate` and by the report's workbook.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "analyses/allocation.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::report {

/// One allocation unit under one method at one section and state variable.
struct AllocationRow {
    std::string by = "town";  ///< units: "town" or "type" (source type key)
    std::string section_id, section_name;
    std::string constituent;  ///< state-variable key ("tp")
    std::string method;       ///< allocation method key ("equal_ratio", "contribution", "least_cost", "gini")
    std::string unit;         ///< town name ("(none)" for sources without one) or source type key
    double current_t_a = 0.0, allowed_t_a = 0.0, cut_t_a = 0.0;
    double cut_share = 0.0;   ///< cut / current
    double section_mgL = 0.0; ///< the section's concentration after the method's cuts (= target when feasible)
    double total_mgL = 0.0;   ///< the section's modelled concentration now
    double target_mgL = 0.0;  ///< limit x (1 - mos)
    bool feasible = true;     ///< false: cutting every unit entirely does not reach the target (the rest is upstream)
    std::vector<std::string> gini_indicators;         ///< indicators of the Gini coefficients (towns only)
    std::vector<double> gini_current, gini_allowed;   ///< aligned with gini_indicators
};

struct AllocationTable {
    std::string condition = "design";  ///< design condition id (scenarios/conditions.hpp)
    std::string condition_label;       ///< in English: id, English name and basis
    std::string condition_label_zh;    ///< in Chinese: id, name and basis_zh
    double mos = 0.0;                  ///< margin of safety, fraction of the target limit
    std::vector<AllocationRow> rows;   ///< grouping, section, state variable, method, unit (the analysis' order)
};

/// Condition id, label and Chinese label of a design condition.
void set_condition(AllocationTable& t, const scenarios::DesignCondition& d);

/// The rows of an allocation analysis (scenarios::allocation_table of the case `m` in the condition) grouped by `by`.
/// Loads g/s become t/a (x 31.536).
void append_allocation(AllocationTable& t, const scenarios::CaseModel& m, const std::vector<scenarios::AllocationEntry>& entries,
                       scenarios::AllocationBy by);

/// English name of an allocation method key ("Equal-ratio cut" ...) and its Chinese name (analyses/allocation.hpp).
std::string allocation_method_en(const std::string& key);
std::string allocation_method_zh(const std::string& key);

/// Town and source-type names in English for the report's allocation table (unit -> English); units not listed are
/// shown as they are.
struct AllocationNames {
    std::vector<std::pair<std::string, std::string>> town_en;
    std::vector<std::pair<std::string, std::string>> section_en;  ///< section id -> English name
};

/// The report's part (under the heading `title_html`): per grouping, section and state variable a table of units (rows) by
/// methods (columns), each cell the allowed load and the cut in t/a, with the section's concentration, target and
/// margin above it and the Gini coefficients below.
std::string allocation_section_html(const AllocationTable& t, const AllocationNames& names, const std::string& title_html);

}  // namespace qingliu::report
