// The steady water-quality solve limited to the reaches downstream of changed inputs (analyses/water_quality_sweep.hpp).
//
// A problem that differs from a solved base problem only in the inputs on some reaches (same network, flows,
// inflow quality, reach data and kinetics) has the base solution on every reach that none of them reaches: the
// steady solver routes in topological order and a reach's result depends on its feeders and its own inputs only.
// The reaches downstream of the changed ones (closed under main links, splits and transfers: D) are solved as a
// network of their own, each reach of D receiving from its feeders outside D what they pass on in the base solution
// (their outflow and loads, transfers first, then the split: reaches/pass_on.hpp) as a point input at its upstream
// end; a point input there and the upstream inflow mix before the first segment alike, so D's results are the full
// solve's to rounding. Sections outside D keep the base concentrations exactly.
#pragma once
#include <cstdint>
#include <vector>

#include "analyses/water_quality.hpp"

namespace qingliu::scenarios {

class DownstreamSolve {
public:
    /// Prepares the network's feeders and order (the network of every problem passed to solve()).
    explicit DownstreamSolve(const reaches::Network& net);

    /// The section concentrations of problem p with `inputs` instead of its own, where these differ from the inputs
    /// of the problem solved as `base` (same network, reach data and kinetics) only on `changed` reaches. Throws
    /// ModelError as the solver does.
    std::vector<reaches::wq::State> solve(const WaterQualityProblem& p, const std::vector<reaches::wq::Input>& inputs,
                                          const std::vector<std::int32_t>& changed, const reaches::wq::Result& base,
                                          std::size_t* reaches_solved = nullptr) const;

    /// True when p's reach data give each per-reach attribute for every reach or for none, as solve() needs, and no
    /// dispersion between elements carries a change upstream.
    static bool covers(const WaterQualityProblem& p);

    /// The reaches downstream of `from` (themselves included), in topological order.
    std::vector<std::int32_t> downstream_of(const std::vector<std::int32_t>& from) const;

private:
    const reaches::Network& net_;
    std::vector<std::int32_t> rank_;                    ///< position in the topological order
    std::vector<std::int32_t> feed_start_, feed_;       ///< feeders of each reach (main links, splits, transfers)
};

}  // namespace qingliu::scenarios
