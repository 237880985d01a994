// The reach network as plain, index-aligned vectors over a Topology. Built in code (tests) or by io/ from tables.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/constituent.hpp"
#include "common/topology.hpp"
#include "hydro/hydraulics.hpp"

namespace qingliu::reaches {

/// First-order kinetics: k_T = k20 * theta^(T - 20)  (Chapra 1997, eq. 2.44). k in 1/d.
/// COD: decay; NH3-N: nitrification; TP: net settling, expressed as an apparent first-order loss.
struct Kinetics {
    PerConstituent k20_per_d{};
    PerConstituent theta = default_theta();
    static PerConstituent default_theta() {
        PerConstituent t{};
        for (auto c : kConstituents) t[idx(c)] = variable(c).kinetics.theta;
        return t;
    }
    PerConstituent at(double temperature_c) const;
};

struct Network {
    Topology topo;
    std::vector<std::string> river;                 ///< river name per reach
    std::vector<std::string> name;                  ///< optional reach name
    std::vector<double> length_m;
    std::vector<hydro::Hydraulics> hydraulics;
    std::vector<double> headwater_flow_m3s;         ///< inflow at the upstream end (headwaters; 0 elsewhere)
    std::vector<double> lateral_flow_m3s;           ///< flow gained uniformly along the reach
    std::vector<PerConstituent> headwater_conc_mgL; ///< concentration of the headwater inflow
    std::vector<PerConstituent> lateral_conc_mgL;   ///< concentration of the lateral inflow

    std::size_t size() const { return topo.size(); }
};

/// A copy of `from` whose per-reach numeric arrays are, where large, on transparent huge pages
/// (reach_walk.hpp's reserve_huge): the solvers read them in topological order, scattered in memory, and on 4 KB
/// pages nearly every read of a large network misses the TLB. The same values as a plain copy.
Network copy_for_solving(const Network& from);

/// A load entering a reach: at a point, or spread uniformly from position_m to end_m (diffuse sources).
/// Flow may be 0 for a pure mass input.
struct PointInput {
    std::int32_t reach = kNone;
    double position_m = 0.0;      ///< from the reach's upstream end
    double end_m = -1.0;          ///< > position_m: spread uniformly over [position_m, end_m]
    double flow_m3s = 0.0;
    PerConstituent load_gs{};
    std::int32_t source = kNone;  ///< index of the originating source (for apportionment), or kNone
};

/// A place where concentrations are reported (a monitoring section).
struct Observation {
    std::int32_t reach = kNone;
    double position_m = 0.0;
    std::int32_t section = kNone;
};

/// Adds a reach to a network under construction in code; returns its index. Topology is set by finish().
class NetworkBuilder {
public:
    struct Reach {
        std::string id, river;
        std::string downstream;   ///< "" at an outlet
        double length_km = 1.0;
        hydro::Hydraulics hydraulics = hydro::Hydraulics::constant(0.5);
        double headwater_flow_m3s = 0.0;
        double lateral_flow_m3s = 0.0;
        PerConstituent headwater_conc_mgL{};
        PerConstituent lateral_conc_mgL{};
        std::string split_to;
        double split_fraction = 0.0;
        std::string name;
    };
    struct TransferSpec {
        std::string from, to;
        double flow_m3s = 0.0;
    };
    std::int32_t add(Reach r);
    void transfer(TransferSpec t) { transfers_.push_back(std::move(t)); }
    /// Resolves ids; throws ModelError for unknown ids or cycles.
    Network finish() const;

private:
    std::vector<Reach> reaches_;
    std::vector<TransferSpec> transfers_;
};

}  // namespace qingliu::reaches
