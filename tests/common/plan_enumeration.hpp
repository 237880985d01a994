// The independent check of the least-cost plans: every combination of the candidates enumerated, each evaluated by
// the caller in full, the cheapest one meeting every target kept.
#pragma once
#include <cstddef>
#include <limits>
#include <vector>

#include "optimize/optimize.hpp"

namespace qingliu::test {

struct Combination {
    std::vector<std::size_t> pick;                        ///< candidate indices, ascending
    double cost = std::numeric_limits<double>::infinity();  ///< invest + F annual; infinity: no combination meets
};

/// The cheapest combination of `c` that takes at most one level of each group and that `meets(pick)` accepts; cost
/// invest + F annual. `meets` is asked only of combinations cheaper than the best found so far; of equally cheap
/// ones the first in enumeration order (candidate i as bit i of a counter) is kept.
template <class Meets>
Combination cheapest_combination(const std::vector<scenarios::Candidate>& c, double F, Meets&& meets) {
    Combination best;
    for (unsigned mask = 0; mask < (1u << c.size()); ++mask) {
        std::vector<std::size_t> pick;
        bool levels_ok = true;
        double cost = 0.0;
        for (std::size_t i = 0; i < c.size(); ++i)
            if (mask & (1u << i)) {
                for (std::size_t j : pick)
                    if (!c[i].group.empty() && c[i].group == c[j].group) levels_ok = false;
                pick.push_back(i);
                cost += c[i].measure.invest_wan + F * c[i].measure.annual_wan;
            }
        if (!levels_ok || !(cost < best.cost) || !meets(pick)) continue;
        best.pick = pick;
        best.cost = cost;
    }
    return best;
}

}  // namespace qingliu::test
