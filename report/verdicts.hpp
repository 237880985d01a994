// Steady and dynamic verdicts side by side in the report of a dynamic run: per scenario and section the steady class
// in the design condition and the dynamic year's annual class and shares of days and months meeting the target, and
// where they disagree the one-line reason (analyses/verdict.hpp). Computed by `qingliu dynamic`, stored with its run.
#pragma once
#include <string>
#include <vector>

namespace qingliu::report {

struct VerdictRow {
    std::string scenario, section_id, name, name_en;
    int target_class = 0;
    int steady_class = 0;           ///< 1..6, design condition
    bool steady_meets = false;
    std::string steady_exceeding;   ///< every exceeding parameter with its multiple ("TP 0.35, NH3-N 0.12"); "" if none
    int dynamic_class = 0;          ///< class of the annual means
    double share_days = 0.0, share_months = 0.0;  ///< of the dynamic year meeting the target
    bool agree = true;
    std::string why_zh, why_en;     ///< the reason they differ; empty when they agree
};

struct VerdictTable {
    int year = 0;
    bool design_year = false;  ///< recorded flows scaled so that the driest month carries the design flow
    double dry_factor = 1.0;   ///< that scale
    std::vector<VerdictRow> rows;
};

/// The report's part: the side-by-side table, disagreements marked and explained.
std::string verdicts_section_html(const VerdictTable& t, const std::string& title_html);

}  // namespace qingliu::report
