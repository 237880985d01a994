#include "report/report.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <unordered_map>

#include "reaches/classes.hpp"

namespace qingliu::report {

bool ReportData::has_geometry() const {
    if (network.empty()) return false;
    for (const auto& r : network)
        if (r.line.size() < 2) return false;
    return true;
}

const char* class_colour(int cls) {
    switch (cls) {
        case 1: return "#1f5fbf";  // I: blue
        case 2: return "#4fa3e0";  // II: light blue
        case 3: return "#2e9e44";  // III: green
        case 4: return "#f2c12e";  // IV: yellow
        case 5: return "#f08c00";  // V: orange
        case 6: return "#d62728";  // worse than V: red
        default: return "#9e9e9e";
    }
}

int reach_class(const reaches::ClassTable& t, const PerConstituent& conc_mgL) {
    int worst = 1;
    for (auto c : kConstituents)
        worst = std::max(worst, t.classify(key(c), reaches::WaterBody::River, conc_mgL[idx(c)]));
    return worst;
}

std::vector<RiverAxis> river_axes(const std::vector<Reach>& network) {
    std::unordered_map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < network.size(); ++i) index.emplace(network[i].id, static_cast<std::int32_t>(i));
    // reaches of the same river feeding each reach (main links and splits)
    std::vector<std::vector<std::int32_t>> feeders(network.size());
    for (std::size_t i = 0; i < network.size(); ++i)
        for (const std::string* to : {&network[i].downstream_id, &network[i].split_to}) {
            auto it = index.find(*to);
            if (it != index.end() && network[it->second].river == network[i].river)
                feeders[it->second].push_back(static_cast<std::int32_t>(i));
        }
    std::vector<double> offset(network.size(), -1.0);
    std::vector<char> visiting(network.size(), 0);
    std::function<double(std::int32_t)> off = [&](std::int32_t r) -> double {
        if (offset[r] >= 0.0) return offset[r];
        if (visiting[r]) return 0.0;  // a cycle (rejected when the case was read); never loop
        visiting[r] = 1;
        double o = 0.0;
        for (auto u : feeders[r]) o = std::max(o, off(u) + network[u].length_km);
        visiting[r] = 0;
        return offset[r] = o;
    };
    std::map<std::string, std::size_t> by_river;  // river -> axis (in order of first appearance)
    std::vector<RiverAxis> axes;
    for (std::size_t i = 0; i < network.size(); ++i) {
        auto [it, fresh] = by_river.emplace(network[i].river, axes.size());
        if (fresh) axes.push_back({network[i].river, {}, {}, 0.0});
        axes[it->second].reaches.push_back(static_cast<std::int32_t>(i));
    }
    for (auto& a : axes) {
        std::vector<std::pair<double, std::int32_t>> order;
        for (auto r : a.reaches) order.emplace_back(off(r), r);
        std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        a.reaches.clear();
        for (auto [o, r] : order) {
            a.reaches.push_back(r);
            a.offset_km.push_back(o);
            a.length_km = std::max(a.length_km, o + network[r].length_km);
        }
    }
    return axes;
}

}  // namespace qingliu::report
