// `qingliu network`: the river line layer read (io/line_layer.hpp), the network built by reaches::build_line_network,
// and the case tables written.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "io/line_layer.hpp"

namespace qingliu::io {

struct NetworkCaseOptions {
    LineLayerOptions lines;
    std::string out_dir;
    reaches::LineNetworkOptions network;
    std::string split_points;           ///< a point layer, "" none
    std::string split_id_field;
    std::optional<double> headwater_flow_m3s;  ///< written on headwater reaches (a placeholder the user replaces)
    std::optional<double> velocity_ms;         ///< written on every reach (likewise)
};

struct NetworkCaseResult {
    LineLayer layer;
    reaches::LineNetwork network;
    std::vector<std::string> written;  ///< files written
    std::size_t carried_over = 0;      ///< reaches whose filled-in attributes were kept from an earlier reaches.gpkg
    std::vector<std::string> not_carried;  ///< reach ids of the earlier reaches.gpkg with values but no reach now
    bool wrote_case_file = false, wrote_sections = false;
};

/// Reads the layer, builds the network and writes into out_dir: reaches.gpkg (layers `reaches`, the case's reach table
/// with line geometry, and `findings`), network_findings.csv, split_points.csv (with split points), and case.toml and
/// sections.csv when they do not exist. Values a user filled into an earlier reaches.gpkg (flows, hydraulics ...) are
/// kept for reaches whose id is unchanged. Files appear whole or not at all.
NetworkCaseResult build_network_case(const NetworkCaseOptions& options);

}  // namespace qingliu::io
