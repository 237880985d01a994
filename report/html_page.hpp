// The HTML report page: its parts in order, each appending to one string. Internal to the report module.
//   html.cpp           the frame (head, language and scenario bar, method and inputs, scripts), the map, the
//                      water-quality part (report/water_quality.cpp) and the
//                      verdict and allocation parts, render_html;
//   html_summary.cpp   summary cards, scenarios compared, the monitoring sections' classes;
//   html_profiles.cpp  longitudinal profiles;
//   html_sources.cpp   source apportionment at each section, the load inventory;
//   html_style.cpp     the page's stylesheet and scripts.
#pragma once
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "report/html.hpp"
#include "report/html_parts.hpp"

namespace qingliu::report::html {

/// The screen stylesheet, the script run first (it counts script errors) and the script run last (language switch,
/// scenario tabs, render check).
extern const char* kCss;
extern const char* kHeadScript;
extern const char* kScript;

struct Page {
    const ReportData& d;
    const Layout& L;
    std::vector<RiverAxis> axes;
    std::unordered_map<std::string, std::pair<std::size_t, double>> axis_of;  // reach -> (axis, offset)
    std::unordered_map<std::string, double> len_of;
    std::string h;
    int parts = 0;  // parts headed so far: numbered in order, the load allocation one only when the run has it

    Page(const ReportData& data, const Layout& layout);

    /// "五、…" / "5. …": the next part's number and title.
    std::string part_title(const std::string& zh, const std::string& en);

    void head(Lang lang);
    void summary();
    void sections();
    /// The water-quality model's sections over every GB 3838 item, when the run has them (report/water_quality.hpp).
    void water_quality();
    /// The water-quality model's apportionment, least-cost plan and Monte Carlo, when the run has them
    /// (report/water_quality_analyses.hpp).
    void water_quality_analyses();
    void verdicts();
    void profiles();
    void apportionment();
    void allocation();
    void inventory();
    void map();
    /// Method and inputs, then the mixing and Monte Carlo parts when the run has them, then the scripts.
    void method();
};

}  // namespace qingliu::report::html
