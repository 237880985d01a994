// Network topology: reaches as nodes, flow links as edges. Attributes live in index-aligned vectors elsewhere.
// A reach passes its outflow to its main downstream reach, optionally a fixed fraction to a second reach
// (a side channel that splits off and rejoins), and optionally fixed flows to other reaches (transfers,
// e.g. a water-system connection). Cycles are rejected with the reaches on the cycle named.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qingliu {

inline constexpr std::int32_t kNone = -1;

struct Transfer {
    std::int32_t from = kNone;  ///< reach whose downstream end supplies the water
    std::int32_t to = kNone;    ///< reach whose upstream end receives it
    double flow_m3s = 0.0;      ///< fixed transferred flow
};

class Topology {
public:
    Topology() = default;
    /// ids: reach ids (for messages); downstream[i], split_to[i]: reach index or kNone;
    /// split_fraction[i]: share of reach i's outflow sent to split_to[i].
    /// Throws ModelError naming the reaches on a cycle.
    Topology(std::vector<std::string> ids, std::vector<std::int32_t> downstream, std::vector<std::int32_t> split_to,
             std::vector<double> split_fraction, std::vector<Transfer> transfers = {});

    std::size_t size() const { return ids_.size(); }
    const std::string& id(std::size_t i) const { return ids_[i]; }
    const std::vector<std::string>& ids() const { return ids_; }
    std::int32_t downstream(std::size_t i) const { return downstream_[i]; }
    std::int32_t split_to(std::size_t i) const { return split_to_[i]; }
    double split_fraction(std::size_t i) const { return split_fraction_[i]; }
    const std::vector<Transfer>& transfers() const { return transfers_; }
    /// Upstream-first order: every reach comes after all reaches that feed it.
    const std::vector<std::int32_t>& order() const { return order_; }
    /// Number of reaches feeding reach i (main links, splits and transfers).
    std::int32_t in_degree(std::size_t i) const { return in_degree_[i]; }
    bool is_headwater(std::size_t i) const { return in_degree_[i] == 0; }
    /// Transfers leaving reach i (indices into transfers()).
    const std::vector<std::int32_t>& transfers_from(std::size_t i) const { return transfers_from_[i]; }
    /// Index of a reach id, or kNone.
    std::int32_t find(const std::string& id) const;

private:
    std::vector<std::string> ids_;
    std::vector<std::int32_t> downstream_, split_to_;
    std::vector<double> split_fraction_;
    std::vector<Transfer> transfers_;
    std::vector<std::int32_t> order_, in_degree_;
    std::vector<std::vector<std::int32_t>> transfers_from_;
};

}  // namespace qingliu
