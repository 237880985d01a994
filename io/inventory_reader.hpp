// Reads a case's inventory tables (plants, outfalls, industry, farms, cropland, villages, ponds), the case's
// coefficient and standard overrides, prohibited-zone and sub-catchment polygons, into loads::Inventory. Every problem
// is named by file, record and field.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

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
