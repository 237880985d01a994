// Reads a case's inventory tables (plants, outfalls, industry, farms, cropland, villages, ponds), the case's
// coefficient and standard overrides, prohibited-zone and sub-catchment polygons, into loads::Inventory. Every problem
// is named by file, record and field.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/given_species.hpp"
#include "io/table.hpp"
#include "loads/inventory.hpp"
#include "reaches/classes.hpp"

namespace qingliu::io {

struct InventoryRefs {
    std::optional<TableRef> plants, outfalls, industry, farms, cropland, villages, ponds;
    std::optional<TableRef> coefficients, standards, prohibited_zones, catchments;
};

/// Locates a point record on a reach (reach_id + position_km, or a point geometry snapped to the reach lines);
/// returns false after adding a problem.
using PointLocator = std::function<bool(RowReader&, const Table&, std::int32_t& reach, double& position_m)>;
/// Snaps a point geometry to a reach only (diffuse records without reach_id); returns kNone after adding a problem.
using ReachLocator = std::function<std::int32_t(RowReader&, const Table&)>;

struct InventoryContext {
    const std::unordered_map<std::string, std::int32_t>* reach_index = nullptr;
    std::vector<double> reach_length_m;
    PointLocator locate_point;
    ReachLocator locate_reach;
    std::vector<std::string>* warnings = nullptr;  ///< receives the tables' warnings (GBK text, units assumed ...)
    const reaches::ClassTable* classes = nullptr;  ///< the case's class table: GB3838-I..V effluent targets
};

/// The items a record's water gives beside COD, NH3-N and TP: the optional columns <prefix><item>_mgL of
/// common/given_species.hpp (do_mgL, bod5_mgL, headwater_tn_mgL ...), each within its range and, where the water's
/// COD, NH3-N and TP are known (`conc_mgL`), consistent with them (given_species_problems). Every problem names the
/// record and the field.
GivenSpecies read_given_species(RowReader& r, const PerConstituent* conc_mgL, std::string_view prefix = {});
/// The quality of a reach's headwater or lateral inflow (`prefix` "headwater_" or "lateral_"): its COD, NH3-N and TP
/// (<prefix><key>_mgL, else `background`), returned, and the items it gives, into `given`.
PerConstituent read_inflow_quality(RowReader& r, std::string_view prefix, const PerConstituent& background,
                                   GivenSpecies& given);
/// One problem per header of `t` that names a given item (by column name or alias), for a table whose records carry
/// no water to give them: `why` says so.
void reject_given_species(const Table& t, const std::string& why, Problems& problems);
/// The columns of the items `g` gives, comma-separated (for messages).
std::string given_columns_of(const GivenSpecies& g, std::string_view prefix = {});

/// Reads every named table; the shipped coefficients and standards are the base, case tables override rows.
loads::Inventory read_inventory(const InventoryRefs& refs, const InventoryContext& ctx, Problems& problems);

/// Polygons of a layer (GeoPackage, Shapefile, GeoJSON ...) with an attribute, for point-in-polygon tests.
struct PolygonLayer;
class Polygons {
public:
    Polygons();
    ~Polygons();
    Polygons(Polygons&&) noexcept;
    Polygons& operator=(Polygons&&) noexcept;
    /// Attribute `field` of the first polygon containing (x, y), or nullopt; "" when field is empty and a polygon
    /// contains the point.
    std::optional<std::string> which(double x, double y) const;
    std::size_t size() const;
    static Polygons read(const TableRef& ref, const std::string& field, Problems& problems);

private:
    PolygonLayer* p_ = nullptr;
};

}  // namespace qingliu::io
