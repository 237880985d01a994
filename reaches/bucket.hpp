// Items (inputs, observations) grouped by reach as compressed rows: the items of reach r are
// idx[start[r] .. start[r+1]), in their original order. Shared by the steady and dynamic solvers.
#pragma once
#include <cstdint>
#include <vector>

#include "common/error.hpp"

namespace qingliu::reaches::detail {

template <class T>
void bucket_by_reach(std::size_t n, const std::vector<T>& items, std::vector<std::int32_t>& start,
                     std::vector<std::int32_t>& idx) {
    start.assign(n + 1, 0);
    for (const auto& it : items) {
        if (it.reach < 0 || static_cast<std::size_t>(it.reach) >= n) throw ModelError("input or section on an unknown reach index");
        ++start[it.reach + 1];
    }
    for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    idx.resize(items.size());
    std::vector<std::int32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < items.size(); ++i) idx[fill[items[i].reach]++] = static_cast<std::int32_t>(i);
}

}  // namespace qingliu::reaches::detail
