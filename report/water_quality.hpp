// The water-quality model's sections (analyses/water_quality.hpp: QUAL2K-class kinetics, every GB 3838 item) in a run's
// report: per scenario and section the class over every modelled item, the deciding items (those of the worst class),
// every exceeding item (超标因子) with its exceedance multiple value / limit - 1, and for DO, a minimum, its shortfall
// limit - value (mg/L) instead. `run` and `compare` evaluate it for cases that declare [water_quality]; the run store
// keeps the table (io/store_water_quality.hpp), water_quality_sections.csv is its CSV (io/water_quality_csv.hpp), the
// report's part, its workbook sheet and its GeoPackage layers are written from it.
#pragma once
#include <string>
#include <vector>

#include "analyses/water_quality.hpp"
#include "reaches/wq_classes.hpp"
#include "scenarios/case.hpp"

namespace qingliu::report {

struct ReportData;

/// One section under one scenario.
struct WaterQualityRow {
    std::string scenario = "baseline";
    std::string section_id, name, name_en, river, reach_id;
    std::string water_body = "river";  ///< "river" or "lake" (which GB 3838 limits apply)
    double position_km = 0.0;          ///< from the reach's upstream end
    int target_class = 0;
    double flow_m3s = 0.0;
    /// items in the order of reaches::wq::gb3838_items (do, codmn, cod, bod5, nh3n, tp, tn), each with its value,
    /// class, target-class limit and exceedance (DO: shortfall); overall class, exceeding items worst first, meets
    reaches::wq::ItemsEvaluation evaluation;
    std::vector<std::string> deciding;  ///< keys of the items of the worst class ("nh3n", "tp")
};

/// What the rows were judged in: one entry per scenario.
struct WaterQualityScenario {
    std::string id = "baseline";
    std::string condition_id = "design";     ///< design, or the scenario's `conditions` measure
    std::string condition_zh, condition_en;  ///< one line each naming the condition (flows, temperature)
};

struct WaterQualityTable {
    std::string model = "plug";   ///< "plug" or "elements"
    int elements_per_reach = 1;   ///< model = "elements"
    std::string reaeration;       ///< reaeration formula key (reaches/oxygen.hpp)
    double temperature_c = 0.0;   ///< the case's water temperature (a `conditions` measure may change it: see scenarios)
    double inflow_do_share = 0.0; ///< DO of headwater and lateral inflow, share of saturation
    std::vector<WaterQualityScenario> scenarios;  ///< the baseline first
    std::vector<WaterQualityRow> rows;            ///< scenario by scenario, sections in case order
};

/// The rows of evaluated runs of case m (the baseline and scenarios, analyses/water_quality.hpp), in their order.
std::vector<WaterQualityRow> water_quality_rows(const scenarios::CaseModel& m, const std::vector<scenarios::WaterQualityRun>& runs);

/// "NH3-N; TP" / "氨氮、总磷": the labels of item keys.
std::string item_labels(const std::vector<std::string>& keys, bool chinese);

/// The report's part: per scenario (a panel the scenario bar switches) a table of sections with every item's value
/// and class, the section's class, the deciding items, the exceeding items with their multiples and the DO shortfall;
/// a note naming the design condition, the model and what it leaves out (algae, the diel heat budget).
std::string water_quality_section_html(const WaterQualityTable& t, const ReportData& d, const std::string& title_html);

}  // namespace qingliu::report
