// Network topology: reaches as nodes, flow links as edges. Attributes live in index-aligned vectors elsewhere.
// A reach passes its outflow to its main downstream reach, optionally a fixed fraction to a second reach
// (a side channel that splits off and rejoins), and optionally fixed flows to other reaches (transfers,
// e.g. a water-system connection). Cycles are rejected with the reaches on the cycle named.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <typeindex>
#include <utility>
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

    /// Data derived from the links alone (a solver's routing plan), of type T and a parameter of the caller's:
    /// made by make() at its first use, then kept and shared by this topology's copies, which have the same links (a
    /// topology built anew starts without). Sweeps, plans and Monte Carlo solve one network many times. Safe from
    /// several threads at once; make() must not ask this topology for derived data itself.
    template <class T, class Make>
    std::shared_ptr<const T> derived(std::size_t param, Make&& make) const {
        if (!derived_) return std::make_shared<const T>(make());  // a moved-from topology keeps nothing
        const std::pair<std::type_index, std::size_t> key{typeid(T), param};
        std::lock_guard<std::mutex> lock(derived_->mutex);
        for (const auto& [k, p] : derived_->items)
            if (k == key) return std::static_pointer_cast<const T>(p);
        auto p = std::make_shared<const T>(make());
        derived_->items.emplace_back(key, p);
        return p;
    }

private:
    std::vector<std::string> ids_;
    std::vector<std::int32_t> downstream_, split_to_;
    std::vector<double> split_fraction_;
    std::vector<Transfer> transfers_;
    std::vector<std::int32_t> order_, in_degree_;
    std::vector<std::vector<std::int32_t>> transfers_from_;
    struct Derived {
        std::mutex mutex;
        std::vector<std::pair<std::pair<std::type_index, std::size_t>, std::shared_ptr<const void>>> items;
    };
    std::shared_ptr<Derived> derived_ = std::make_shared<Derived>();
};

}  // namespace qingliu
