// Items (inputs, observations) grouped by reach as compressed rows: the items of reach r are
// idx[start[r] .. start[r+1]), in their original order (bucket_by_reach) or by position (bucket_by_position). Shared by the steady and dynamic solvers.
#pragma once
#include <algorithm>
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

/// As bucket_by_reach, then each reach's items sorted (stably) by position_m.
template <class T>
void bucket_by_position(std::size_t n, const std::vector<T>& items, std::vector<std::int32_t>& start, std::vector<std::int32_t>& idx) {
    bucket_by_reach(n, items, start, idx);
    // most reaches hold zero to a few items, sorted in place without a buffer
    auto before = [&](std::int32_t a, std::int32_t b) { return items[a].position_m < items[b].position_m; };
    for (std::size_t r = 0; r < n; ++r) {
        if (start[r + 1] - start[r] > 16) {
            std::stable_sort(idx.begin() + start[r], idx.begin() + start[r + 1], before);
            continue;
        }
        for (std::int32_t i = start[r] + 1; i < start[r + 1]; ++i) {
            const std::int32_t v = idx[i];
            std::int32_t k = i;
            for (; k > start[r] && before(v, idx[k - 1]); --k) idx[k] = idx[k - 1];
            idx[k] = v;
        }
    }
}

}  // namespace qingliu::reaches::detail
