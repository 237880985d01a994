// What a report shows, as plain structs: filled from the run store by io/store_report, or in code by tests.
// Nothing here reads files or databases; the HTML writer turns these structs into text, io/export_tables.hpp into CSV.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/constituent.hpp"
#include "reaches/classes.hpp"

namespace qingliu::report {

struct XY {
    double x = 0.0, y = 0.0;
};

/// One reach of the network (topology and, if the case has it, its line geometry).
struct Reach {
    std::string id, name, river, downstream_id, split_to;
    double split_fraction = 0.0;
    double length_km = 0.0;
    std::vector<XY> line;  ///< case geometry, upstream to downstream, in the case's CRS; empty if none
    std::string name_en{}, river_en{};  ///< English names (report/names.hpp: the case's, else transliterated)
};

struct SectionResult {
    std::string id, name, name_en, river, reach_id, level;
    double position_km = 0.0;  ///< from the reach's upstream end
    int target_class = 0;
    double flow_m3s = 0.0;
    PerConstituent conc_mgL{};
    std::array<int, kNumConstituents> cls{};
    int overall = 0;  ///< 1..6 (6 = worse than V)
    int worst = 0;    ///< constituent index setting the class
    bool meets = false;
    PerConstituent exceedance{};  ///< value / target limit - 1
    double exceedance_max = 0.0;
    std::string river_en{};  ///< the river's English name (report/names.hpp)
};

struct ReachResult {
    std::string id;
    double flow_m3s = 0.0, velocity_ms = 0.0, travel_time_d = 0.0;
    PerConstituent conc_mgL{};  ///< at the downstream end
    PerConstituent load_out_kg_d{};
    bool dry = false;
    double flow_in_m3s = 0.0;        ///< at the upstream end (after the inflows there)
    PerConstituent decayed_kg_d{};  ///< lost to decay along the reach
};

struct ProfilePoint {
    std::string reach_id;
    double position_km = 0.0;  ///< from the reach's upstream end
    double flow_m3s = 0.0;
    PerConstituent conc_mgL{};
};

/// A part of a section's concentration: one source type, one source, or the background.
struct Contribution {
    std::string key;    ///< source type key, source id, or "background"
    std::string label;  ///< name shown (Chinese); label_en for English
    std::string label_en;
    PerConstituent conc_mgL{};
};

struct SectionApportionment {
    std::string section_id;
    PerConstituent total_mgL{};
    PerConstituent background_mgL{};
    std::vector<Contribution> by_type;      ///< background first, then source types (sum = total)
    std::vector<Contribution> top_sources;  ///< largest single sources (not all)
};

/// A resolved source as the model routes it (loads in g/s; t/a = g/s x 31.536).
struct Source {
    std::string id, name, type, town, reach_id, origin;
    double position_km = 0.0;
    double flow_m3s = 0.0;
    PerConstituent load_gs{};
    bool diffuse = false;
    std::string name_en{}, town_en{};  ///< English names (report/names.hpp: the case's, else transliterated)
};

struct Scenario {
    std::string id = "baseline", name, name_en;
    std::vector<std::string> measures;  ///< measure names (ids if unnamed)
    double invest_wan = 0.0, annual_wan = 0.0;
    std::vector<SectionResult> sections;
    std::vector<ReachResult> reaches;
    std::vector<ProfilePoint> profile;
    std::vector<SectionApportionment> apportionment;  ///< may be empty (not stored for this run)
    std::vector<Source> sources;                      ///< the scenario's resolved sources; may be empty
    std::vector<std::string> measures_en{};  ///< aligned with measures: their English names (report/names.hpp)
};

struct MixingSection;    // report/mixing.hpp
struct MonteCarloTable;  // report/montecarlo.hpp
struct AllocationTable;  // report/allocation.hpp
struct VerdictTable;     // report/verdicts.hpp
struct WaterQualityTable;  // report/water_quality.hpp
struct WaterQualityAnalyses;  // report/water_quality_analyses.hpp

struct ReportData {
    std::int64_t run_id = 0;
    std::string created_utc, command, case_name, case_name_en, case_dir, version;
    std::vector<std::pair<std::string, double>> parameters;
    std::vector<std::pair<std::string, std::string>> inputs;  ///< (path, sha256)
    std::vector<Reach> network;
    std::string srs_wkt;        ///< CRS of the reach lines ("" when there are none)
    bool geographic = false;    ///< reach lines in longitude/latitude degrees
    std::vector<Scenario> scenarios;  ///< the baseline first
    std::vector<std::string> notes;   ///< what is missing from this run's stored data, said to the reader
    reaches::ClassTable classes = reaches::ClassTable::gb3838();  ///< the class table the run was judged by
    std::shared_ptr<const MixingSection> mixing;  ///< outfall mixing zones (qingliu mixing); null: no such section
    std::shared_ptr<const MonteCarloTable> montecarlo;  ///< probabilities of meeting targets (run --monte-carlo); null: none
    std::shared_ptr<const AllocationTable> allocation;  ///< load allocation of the baseline (总量分配); null: not stored
    std::shared_ptr<const VerdictTable> verdicts;  ///< steady and dynamic verdicts (qingliu dynamic); null: none
    /// every GB 3838 item per section with the water-quality kinetics (run/compare of a case with [water_quality]); null: none
    std::shared_ptr<const WaterQualityTable> water_quality;
    /// the water-quality model's apportionment, least-cost plan and Monte Carlo (qingliu water-quality); null: none
    std::shared_ptr<const WaterQualityAnalyses> wq_analyses;

    bool has_geometry() const;  ///< every reach has a line of two or more vertices
};

/// GB 3838-2002 class colours as used in Chinese water-quality reports: I/II blue, III green, IV yellow, V orange,
/// worse than V red. cls 1..6; anything else grey.
const char* class_colour(int cls);
/// Class of the reach-end concentrations of a river reach by the run's class table (worst of COD, NH3-N, TP), 1..6.
int reach_class(const reaches::ClassTable& classes, const PerConstituent& conc_mgL);

/// Distance of each reach's upstream end from the head of its river (km), and each river's length.
/// A river's head is its reach(es) with no upstream reach on the same river; where two reaches of one river feed one
/// reach, the longer path counts.
struct RiverAxis {
    std::string river;
    std::vector<std::int32_t> reaches;  ///< upstream first
    std::vector<double> offset_km;      ///< aligned with reaches
    double length_km = 0.0;
};
std::vector<RiverAxis> river_axes(const std::vector<Reach>& network);

}  // namespace qingliu::report
