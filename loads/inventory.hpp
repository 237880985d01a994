// The source inventory a water bureau keeps (plants and their standards, outfall surveys, farms and head counts,
// cropland, villages, ponds, industry permits) and how it becomes loads of COD, NH3-N and TP on reaches.
//
// Equations (loads in kg/d before conversion to g/s; coefficient keys name the row in the coefficient table):
//   sewage plant        Q = capacity_m3d · load_factor (or measured flow_m3d); C = measured mg/L or the standard's
//                       limits; load = Q · C / 1000 kg/d.
//   urban uncollected   pop · (1 − collection_rate) · g/cap/d (urban, per constituent) · entry(urban) / 1000
//   outfall             Q · C / 1000, status closed or connected → no load on the river (connected adds its flow to
//                       the receiving plant at the plant's effluent concentration)
//   industry            Q · C / 1000, or permitted t/a / 365 · 1000
//   livestock           heads · kg/head/a (species) · (1 − utilisation) · entry(livestock, scale) / 365
//   cropland            area_mu · kg/mu/a (crop) · fertiliser_index · entry(cropland) / 365
//   rural domestic      pop · g/cap/d (rural) · (1 − coverage · removal) · entry(rural) / 1000
//   aquaculture         area_mu · kg/mu/a (pond) · (1 − treated_share · removal) / 365
// Diffuse types (urban uncollected, livestock, cropland, rural, aquaculture) are spread along their whole reach
// unless a position is given.
#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/constituent.hpp"
#include "common/error.hpp"
#include "common/topology.hpp"
#include "loads/source.hpp"

namespace qingliu::loads {

/// One coefficient: (category, key, parameter) → value with its plausible range and source.
/// category: livestock | livestock_entry | cropland | cropland_entry | rural | rural_entry | urban | urban_entry |
///           aquaculture | treatment ; parameter e.g. cod_kg_head_a, pig_equivalent, cod_g_cap_d, removal.
struct Coefficient {
    std::string category, key, parameter;
    double value = 0.0, low = 0.0, high = 0.0;
    std::string unit, source;
    std::string origin;  ///< file and record it was read from
};

class Coefficients {
public:
    /// Adds or replaces the row with the same (category, key, parameter).
    void set(Coefficient c);
    const Coefficient* find(const std::string& category, const std::string& key, const std::string& parameter) const;
    const std::vector<Coefficient>& rows() const { return rows_; }
    std::vector<Coefficient>& rows() { return rows_; }

private:
    std::vector<Coefficient> rows_;
};

/// A named discharge standard (GB 18918-2002 grades, DB51/2311-2016, surface-water classes as effluent targets).
/// A limit the standard does not set (GB 18918-2002 grade 3 has no NH3-N limit) is NaN. A row with `base` and
/// `built_before_year` holds the limits that bind plants of the base standard built before that year (GB 18918-2002
/// Table 1: TP of grades 1A and 1B for plants built before 2006-01-01).
constexpr std::array<double, kNumGivenItems> no_item_limits() {
    std::array<double, kNumGivenItems> a{};
    for (double& v : a) v = std::numeric_limits<double>::quiet_NaN();
    return a;
}

struct EffluentStandard {
    std::string key, name_zh, name_en;
    PerConstituent limit_mgL{};
    std::string source;
    std::string base;           ///< standard this row is an older-plant variant of; "" = none
    int built_before_year = 0;  ///< with `base`: binds plants built before 1 January of this year
    /// Limits of the other items the table gives (optional columns bod5_mgL, codmn_mgL, tn_mgL ...; DO is never
    /// set: GB 3838 bounds it from below and discharge standards do not set it); NaN where not set. An upgrade to the
    /// standard caps the items a source gives (docs/case-format.md, measures).
    std::array<double, kNumGivenItems> item_limit_mgL = no_item_limits();
    bool sets_all() const;      ///< every constituent has a limit
};

class EffluentStandards {
public:
    void add(EffluentStandard s);
    const EffluentStandard* find(const std::string& key) const;  ///< case-insensitive, ignores spaces
    /// The row binding a plant of standard `key` built in `built_year` (0 = not known: the row `key` itself, i.e.
    /// limits for plants built now); nullptr when `key` is unknown.
    const EffluentStandard* for_plant(const std::string& key, int built_year) const;
    const std::vector<EffluentStandard>& all() const { return all_; }

private:
    std::vector<EffluentStandard> all_;
};

struct Plant {
    std::string id, name, town;
    std::int32_t reach = kNone;
    double position_m = 0.0;
    double capacity_m3d = 0.0;
    double load_factor = 1.0;       ///< share of capacity in use
    double flow_m3d = -1.0;         ///< measured flow; < 0: capacity · load_factor
    std::string standard;           ///< discharge standard key; empty: measured concentrations
    int built_year = 0;             ///< year the plant was built (GB 18918-2002 TP by build date); 0 = not known
    std::optional<PerConstituent> measured_mgL;
    double service_population = 0.0;  ///< people in the service area (for the uncollected share)
    double collection_rate = 1.0;     ///< 0..1
    std::string origin;
    GivenSpecies given;               ///< other items of its effluent (mg/L): DO, BOD5, TN ...
};

struct Outfall {
    std::string id, name, town, type;  ///< type: industrial | municipal | combined | rain
    std::string status = "active";     ///< active | remediated | connected | closed
    std::int32_t reach = kNone;
    double position_m = 0.0;
    double flow_m3d = 0.0;
    PerConstituent conc_mgL{};
    std::string connect_to;            ///< receiving plant id when connected
    std::string origin;
    GivenSpecies given;                ///< other items of its water (mg/L)
};

struct Industry {
    std::string id, name, town;
    std::int32_t reach = kNone;
    double position_m = 0.0;
    double flow_m3d = 0.0;
    std::optional<PerConstituent> conc_mgL;     ///< or
    std::optional<PerConstituent> permitted_t_a;
    std::string origin;
    GivenSpecies given;                         ///< other items of its wastewater (mg/L); needs flow_m3d
};

struct Farm {
    std::string id, name, town, species;
    std::string scale = "scale";  ///< scale | household
    std::int32_t reach = kNone;
    double position_m = -1.0;     ///< < 0: spread along the reach
    double head_count = 0.0;      ///< head in stock (year-end) of the species
    double utilisation = 0.0;     ///< manure utilisation rate 0..1
    double entry = -1.0;          ///< < 0: coefficient table livestock_entry/<scale>
    bool in_prohibited_zone = false;
    bool closed = false;
    std::optional<std::pair<double, double>> xy;  ///< for prohibited-zone polygons (case CRS)
    std::string origin;
};

struct Cropland {
    std::string id, town, crop;
    std::int32_t reach = kNone;
    double area_mu = 0.0;          ///< 亩 (1 mu = 666.67 m2)
    double fertiliser_index = 1.0;  ///< fertiliser use relative to the coefficient's basis
    std::string origin;
};

struct Village {
    std::string id, name, town;
    std::int32_t reach = kNone;
    double population = 0.0;
    double coverage = 0.0;   ///< share of people served by effective treatment 0..1
    double removal = -1.0;   ///< < 0: coefficient table treatment/rural_sewage
    std::string origin;
};

struct Pond {
    std::string id, town;
    std::int32_t reach = kNone;
    double area_mu = 0.0;
    double treated_share = 0.0;  ///< share of tail water treated 0..1
    double removal = -1.0;       ///< < 0: coefficient table treatment/aquaculture_tail_water
    std::string origin;
};

struct Inventory {
    std::vector<Plant> plants;
    std::vector<Outfall> outfalls;
    std::vector<Industry> industry;
    std::vector<Farm> farms;
    std::vector<Cropland> cropland;
    std::vector<Village> villages;
    std::vector<Pond> ponds;
    Coefficients coefficients;
    EffluentStandards standards;
    bool empty() const;
};

/// The shipped tables (data/coefficients/coefficients.csv, data/standards/effluent_standards.csv), parsed; sources
/// named per row. Throws ModelError if the embedded tables are malformed.
const Coefficients& default_coefficients();
const EffluentStandards& default_standards();
/// Parse the two tables' CSV text (header row first); problems are added with `file` and row numbers.
Coefficients parse_coefficients(const std::string& csv, const std::string& file, Problems& problems);
EffluentStandards parse_standards(const std::string& csv, const std::string& file, Problems& problems);

/// Turns the inventory into sources (ids: the record's id; a plant's uncollected sewage gets "<plant id>:uncollected").
/// One source per record (plus one per plant with a service population) in table order, whatever the statuses:
/// closed farms and closed or connected outfalls resolve to zero load, so positions are stable under measures.
/// `reach_length_m[i]` spreads diffuse loads. Every missing coefficient or unknown standard is added to `problems`
/// with the record's origin; the result is then incomplete and must not be used.
std::vector<Source> resolve(const Inventory& inv, const std::vector<double>& reach_length_m, Problems& problems);

/// Per-type totals of resolved sources, t/a (types in first-seen order).
struct TypeTotal {
    std::string type;
    PerConstituent t_a{};
    std::size_t count = 0;
};
std::vector<TypeTotal> totals_by_type(const std::vector<Source>& sources);

}  // namespace qingliu::loads
