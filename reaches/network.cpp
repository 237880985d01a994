#include "reaches/network.hpp"

#include <cmath>
#include <unordered_map>

#include "common/error.hpp"
#include "reaches/reach_walk.hpp"

namespace qingliu::reaches {

PerConstituent Kinetics::at(double temperature_c) const {
    PerConstituent k{};
    for (int c = 0; c < kNumConstituents; ++c) k[c] = k20_per_d[c] * std::pow(theta[c], temperature_c - 20.0);
    return k;
}

std::int32_t NetworkBuilder::add(Reach r) {
    reaches_.push_back(std::move(r));
    return static_cast<std::int32_t>(reaches_.size() - 1);
}

Network copy_for_solving(const Network& from) {
    static_assert(sizeof(Network) == sizeof(Topology) + 8 * sizeof(std::vector<double>), "copy every field of Network");
    Network n;
    n.topo = from.topo;
    n.river = from.river;
    n.name = from.name;
    const auto copy = [](auto& to, const auto& v) {
        detail::reserve_huge(to, v.size());
        to.assign(v.begin(), v.end());
    };
    copy(n.length_m, from.length_m);
    copy(n.hydraulics, from.hydraulics);
    copy(n.headwater_flow_m3s, from.headwater_flow_m3s);
    copy(n.lateral_flow_m3s, from.lateral_flow_m3s);
    copy(n.headwater_conc_mgL, from.headwater_conc_mgL);
    copy(n.lateral_conc_mgL, from.lateral_conc_mgL);
    return n;
}

Network NetworkBuilder::finish() const {
    std::unordered_map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < reaches_.size(); ++i) index.emplace(reaches_[i].id, static_cast<std::int32_t>(i));
    auto resolve = [&](const std::string& id, const std::string& from) -> std::int32_t {
        if (id.empty()) return kNone;
        auto it = index.find(id);
        if (it == index.end()) throw ModelError("reach " + from + " links to unknown reach " + id);
        return it->second;
    };
    Network n;
    const std::size_t m = reaches_.size();
    detail::reserve_huge(n.length_m, m);
    detail::reserve_huge(n.hydraulics, m);
    detail::reserve_huge(n.headwater_flow_m3s, m);
    detail::reserve_huge(n.lateral_flow_m3s, m);
    detail::reserve_huge(n.headwater_conc_mgL, m);
    detail::reserve_huge(n.lateral_conc_mgL, m);
    std::vector<std::string> ids;
    std::vector<std::int32_t> down, split;
    std::vector<double> frac;
    detail::reserve_huge(down, m);
    detail::reserve_huge(split, m);
    detail::reserve_huge(frac, m);
    for (const auto& r : reaches_) {
        ids.push_back(r.id);
        down.push_back(resolve(r.downstream, r.id));
        split.push_back(resolve(r.split_to, r.id));
        frac.push_back(r.split_fraction);
        n.river.push_back(r.river);
        n.name.push_back(r.name);
        n.length_m.push_back(r.length_km * kMetresPerKm);
        n.hydraulics.push_back(r.hydraulics);
        n.headwater_flow_m3s.push_back(r.headwater_flow_m3s);
        n.lateral_flow_m3s.push_back(r.lateral_flow_m3s);
        n.headwater_conc_mgL.push_back(r.headwater_conc_mgL);
        n.lateral_conc_mgL.push_back(r.lateral_conc_mgL);
    }
    std::vector<Transfer> tr;
    for (const auto& t : transfers_) tr.push_back({resolve(t.from, "transfer"), resolve(t.to, "transfer"), t.flow_m3s});
    n.topo = Topology(std::move(ids), std::move(down), std::move(split), std::move(frac), std::move(tr));
    return n;
}

}  // namespace qingliu::reaches
