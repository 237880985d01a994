// Measures (措施) and scenarios (情景). A measure is a small typed record that changes a copy of the case: loads,
// flows or conditions. Every kind is declared once in the kind table (measures.cpp): its key, labels, parameters,
// how it is checked and how it is applied. Readers hand over generic parameter maps, so file formats stay in io/.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "scenarios/case.hpp"

namespace qingliu::scenarios {

/// A parameter value as read from a scenario file, with where it was read (for messages).
struct ParamValue {
    std::variant<double, std::string, std::vector<std::string>> value;
    std::string record;  ///< e.g. "line 12"
};
using ParamMap = std::map<std::string, ParamValue>;

struct MeasureSpec {
    std::string id, name, name_en, kind;
    double invest_wan = 0.0;  ///< investment, 10^4 yuan (万元)
    double annual_wan = 0.0;  ///< yearly running cost, 10^4 yuan per year
    std::string deadline;     ///< e.g. "2025-12-31"
    ParamMap params;
    std::string file, record;  ///< where it was declared
};

struct ScenarioSpec {
    std::string id, name, name_en, description;
    std::vector<std::string> measures;  ///< measure ids, applied in order
    std::string file, record;
};

enum class MeasureKind {
    SourceReduction,   ///< cut the load of chosen sources by a share per constituent
    PlantStandard,     ///< a plant's effluent meets a named discharge standard
    PlantCollection,   ///< a plant collects more of its service area's sewage
    Outfall,           ///< close, connect to a plant, or remediate outfalls
    Manure,            ///< raise manure utilisation (all farms, a town, or a list)
    ProhibitedFarms,   ///< close farms inside prohibited zones
    Fertiliser,        ///< cut fertiliser use by a share
    RuralSewage,       ///< raise rural sewage treatment coverage
    Aquaculture,       ///< treat aquaculture tail water
    Wetland,           ///< a tail-water wetland or buffer strip removing a share of chosen loads
    Transfer,          ///< move x m3/s from one reach to another (water-system connection)
    EcoFlow,           ///< guarantee a minimum flow entering a reach (ecological flow release)
    Conditions,        ///< set temperature and scale design flows (dry vs wet season)
};

struct Measure {
    std::string id, name, name_en;
    MeasureKind kind = MeasureKind::SourceReduction;
    double invest_wan = 0.0, annual_wan = 0.0;
    std::string deadline;
    // selection
    std::vector<std::int32_t> sources;    ///< source indices (CaseModel::sources)
    std::vector<std::string> source_ids;  ///< ids as given (inventory measures resolve them against inventory records)
    std::vector<std::string> types;       ///< source types
    std::vector<std::int32_t> reaches;    ///< reach indices
    std::vector<std::string> towns;
    // effect
    PerConstituent removal{};  ///< share removed, 0..1
    PerConstituent limit_mgL{};
    /// Limits of the given items (BOD5, CODMn, TN ...) the standard sets, NaN where none: an upgrade caps what a
    /// source gives of them (given_after_upgrade).
    std::array<double, kNumGivenItems> item_limit_mgL = loads::no_item_limits();
    std::string standard;
    std::string action;               ///< outfall: close / connect / remediate
    std::int32_t plant = kNone;       ///< outfall connect: receiving plant (source index)
    double value = 0.0;               ///< rate, coverage, share or flow, as the kind says
    double value2 = 0.0;              ///< second number (e.g. flow factor)
    bool has_value = false, has_value2 = false;
    std::int32_t from = kNone, to = kNone;
    PerConstituent conc_mgL{};  ///< concentration of added water (eco flow)
    bool has_conc = false;
    GivenSpecies given{};       ///< items of the added water (eco flow: do_mgL, bod5_mgL, codmn_mgL ...)
};

struct MeasureKindDef {
    MeasureKind kind;
    const char* key;
    const char* zh;
    const char* en;
    std::string params;  ///< parameters it takes, for docs and messages
};
const std::vector<MeasureKindDef>& measure_kinds();
const MeasureKindDef& kind_def(MeasureKind k);

struct Scenario {
    std::string id, name, name_en, description;
    std::vector<Measure> measures;
    double invest_wan() const;
    double annual_wan() const;
};

/// Checks measure specs against the case and turns them into typed measures; scenarios reference them by id.
/// Every problem is added to `problems` (file, record, field).
std::vector<Scenario> compile_scenarios(const CaseModel& base, const std::vector<MeasureSpec>& measures,
                                        const std::vector<ScenarioSpec>& scenarios, Problems& problems);

/// The case with the scenario's measures applied in order (the base is not changed).
CaseModel apply_scenario(const CaseModel& base, const Scenario& s);
void apply_measure(CaseModel& m, const Measure& x);

/// Effluent limits (mg/L) of a discharge standard by name; nullopt if unknown. Set by the loads module's standards
/// table; surface-water classes (GB 3838 III/IV/V) are always known.
std::optional<PerConstituent> effluent_limits(const CaseModel& m, const std::string& standard);
/// What a source gives after an upgrade to a standard, its COD, NH3-N and TP now `conc_mgL` (capped): each item
/// the standard limits at most its limit, then each kept consistent with the capped totals (BOD5 and CODMn at most
/// COD, a given organic N or NO3-N at most TN - NH3-N, TN at least NH3-N, a given P species at most TP). Items not
/// given stay not given: they follow the capped COD, NH3-N and TP by the composition of the source's kind.
GivenSpecies given_after_upgrade(GivenSpecies g, const std::array<double, kNumGivenItems>& item_limit_mgL,
                                 const PerConstituent& conc_mgL);
/// Surface-water classes I..V of a class table (river rows) as effluent targets GB3838-I .. GB3838-V ("准IV类"), so
/// that the case's one class table also sets these limits.
std::vector<loads::EffluentStandard> surface_water_standards(const reaches::ClassTable& classes);

// Kinds that act on the source inventory (plants' service areas, farms, cropland, villages, ponds): checked and
// applied in inventory_measures.cpp.
struct Reader;
void compile_inventory_measure(Reader& r, const CaseModel& m, Measure& x);
void apply_inventory_measure(CaseModel& m, const Measure& x);
/// Limits of a named discharge standard from the loads module's standards table (nullopt if unknown).
std::optional<PerConstituent> plant_standard_limits(const CaseModel& m, const std::string& standard);

}  // namespace qingliu::scenarios
