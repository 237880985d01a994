// The share of a reach's remaining outflow that a fixed transfer takes, as the steady solver and its linear response
// both apply it (transfers first, then the split by fraction). Internal to the reaches module.
#pragma once
#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "common/topology.hpp"

namespace qingliu::reaches::detail {

/// Share (0..1) of q_rem (m3/s, what is left of reach `from`'s outflow) that transfer tr takes; throws ModelError
/// when the transfer is larger than the supply.
inline double transfer_share(const Topology& topo, std::int32_t from, const Transfer& tr, double q_rem) {
    if (tr.flow_m3s > q_rem * (1.0 + 1e-12))
        throw ModelError("reach " + topo.id(from) + " cannot supply a transfer of " + std::to_string(tr.flow_m3s) +
                         " m3/s to reach " + topo.id(tr.to) + ": its outflow is " + std::to_string(q_rem) + " m3/s");
    return q_rem > 0.0 ? std::min(tr.flow_m3s / q_rem, 1.0) : 0.0;
}

}  // namespace qingliu::reaches::detail
