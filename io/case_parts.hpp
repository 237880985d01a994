// Parts of the case reader (case_reader.cpp) kept in files of their own.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <toml++/toml.h>

#include "common/error.hpp"
#include "io/snap.hpp"
#include "io/table.hpp"
#include "reaches/classes.hpp"
#include "reaches/kinetics.hpp"
#include "scenarios/case.hpp"

namespace qingliu::io {

/// The water-quality kinetics' rates from the [kinetics] rows of the parameter table (`params`, as read) and the form
/// of each oxygen effect (kinetics.<process>.o2_effect) (case_kinetics.cpp).
void read_water_quality_kinetics(const toml::table& root, const std::unordered_map<std::string, double>& params,
                                 const std::string& file, Problems& probs, reaches::wq::Parameters& p);

/// The case's own class table ([tables] classes, any table format), read with the parser of the built-in one, so
/// both share one reader; `classes` is left as it is where the table has problems (case_classes.cpp).
void read_class_table(const TableRef& ref, Problems& probs, reaches::ClassTable& classes);

/// One reach's line as read from the reaches table, with its id and the id of the reach it flows into.
struct ReachLine {
    std::string_view id, downstream;
    const std::vector<XY>* line;  ///< empty where the record has no line geometry
};

/// Reach lines in a planar metric frame, oriented upstream -> downstream using connectivity where possible.
struct ReachGeometry {
    std::vector<std::vector<XY>> lines;  ///< in the local metric frame
    std::vector<bool> reversed;          ///< the line was digitised downstream to upstream
    std::vector<double> length;
    bool geographic = false;
    LocalProjection proj;
    bool usable = false;                 ///< some reach has a line
};

/// The lines of the reaches table (`geographic`: longitude/latitude) oriented and measured (case_geometry.cpp).
ReachGeometry reach_geometry(const std::vector<ReachLine>& rows, bool geographic);

/// The reach lines as read (in the table's CRS), oriented upstream to downstream, kept in the case model by reach
/// (`rindex`: a reach id's row); the model's CRS from the table (case_geometry.cpp).
void keep_reach_lines(scenarios::CaseModel& m, const std::vector<ReachLine>& rows,
                      const std::unordered_map<std::string, std::int32_t>& rindex, const ReachGeometry& geo, const Table& t);

}  // namespace qingliu::io
