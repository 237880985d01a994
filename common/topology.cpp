#include "common/topology.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/error.hpp"

namespace qingliu {

Topology::Topology(std::vector<std::string> ids, std::vector<std::int32_t> downstream,
                   std::vector<std::int32_t> split_to, std::vector<double> split_fraction,
                   std::vector<Transfer> transfers)
    : ids_(std::move(ids)),
      downstream_(std::move(downstream)),
      split_to_(std::move(split_to)),
      split_fraction_(std::move(split_fraction)),
      transfers_(std::move(transfers)) {
    const std::size_t n = ids_.size();
    if (downstream_.size() != n || split_to_.size() != n || split_fraction_.size() != n)
        throw ModelError("topology: attribute vectors differ in length from the reach list");
    in_degree_.assign(n, 0);
    transfers_from_.assign(n, {});
    // successors in CSR form
    std::vector<std::int32_t> start(n + 1, 0);
    auto count = [&](std::int32_t from, std::int32_t to) {
        if (to == kNone) return;
        if (to < 0 || static_cast<std::size_t>(to) >= n || from < 0 || static_cast<std::size_t>(from) >= n)
            throw ModelError("topology: link index out of range");
        ++start[from + 1];
        ++in_degree_[to];
    };
    for (std::size_t i = 0; i < n; ++i) {
        count(static_cast<std::int32_t>(i), downstream_[i]);
        count(static_cast<std::int32_t>(i), split_to_[i]);
    }
    for (std::size_t t = 0; t < transfers_.size(); ++t) {
        count(transfers_[t].from, transfers_[t].to);
        transfers_from_[transfers_[t].from].push_back(static_cast<std::int32_t>(t));
    }
    for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    std::vector<std::int32_t> succ(start[n]);
    std::vector<std::int32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
        if (downstream_[i] != kNone) succ[fill[i]++] = downstream_[i];
        if (split_to_[i] != kNone) succ[fill[i]++] = split_to_[i];
    }
    for (const auto& t : transfers_) succ[fill[t.from]++] = t.to;

    // Kahn's algorithm
    std::vector<std::int32_t> indeg = in_degree_;
    order_.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        if (indeg[i] == 0) order_.push_back(static_cast<std::int32_t>(i));
    for (std::size_t h = 0; h < order_.size(); ++h) {
        const std::int32_t r = order_[h];
        for (std::int32_t k = start[r]; k < start[r + 1]; ++k)
            if (--indeg[succ[k]] == 0) order_.push_back(succ[k]);
    }
    if (order_.size() != n) {
        // Every remaining node has a predecessor among the remaining: walk predecessors backwards to a repeat.
        std::vector<std::int32_t> pred(n, kNone);
        for (std::size_t i = 0; i < n; ++i)
            if (indeg[i] > 0)
                for (std::int32_t k = start[i]; k < start[i + 1]; ++k)
                    if (indeg[succ[k]] > 0) pred[succ[k]] = static_cast<std::int32_t>(i);
        std::int32_t r = kNone;
        for (std::size_t i = 0; i < n; ++i)
            if (indeg[i] > 0) { r = static_cast<std::int32_t>(i); break; }
        std::vector<char> seen(n, 0);
        while (!seen[r]) { seen[r] = 1; r = pred[r]; }
        std::vector<std::string> cyc;
        std::int32_t c = r;
        do { cyc.push_back(ids_[c]); c = pred[c]; } while (c != r);
        std::reverse(cyc.begin(), cyc.end());
        // start at the reach listed first, so the message reads the same however the cycle was found
        std::size_t first = 0;
        std::int32_t best = static_cast<std::int32_t>(n);
        for (std::size_t k = 0; k < cyc.size(); ++k) {
            const std::int32_t at = find(cyc[k]);
            if (at < best) { best = at; first = k; }
        }
        std::rotate(cyc.begin(), cyc.begin() + static_cast<std::ptrdiff_t>(first), cyc.end());
        std::string s;
        for (const auto& id : cyc) s += id + " -> ";
        s += cyc.front();
        throw ModelError("the reach network has a cycle: " + s);
    }
}

std::int32_t Topology::find(const std::string& id) const {
    for (std::size_t i = 0; i < ids_.size(); ++i)
        if (ids_[i] == id) return static_cast<std::int32_t>(i);
    return kNone;
}

}  // namespace qingliu
