// A synthetic river system in a local metre frame, drawn once as a hand-built network (the truth) and once as a
// line layer with every defect the network builder must handle. Shared by the core and the layer tests.
//
//   H1 (0,30000)           Main: H1 -> J1 -> J2 -> S1 -> S2 -> O (0,0), 30 km
//    |   H2 (8000,26000)   T1:   H2 -> (6000,21000) -> J1
//   J1 /                   T2:   H3 (-7000,14000) -> K (-3500,12000) -> J2
//    |    H3               T3:   H4 (-6000,6000) -> K
//   J2 --K-- H4            Yongsi (side channel): S1 (0,6000) -> (800,4500) -> S2 (0,3000)
//   S1 \  (side channel)
//   S2 / Yongsi
//    O
#pragma once
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "reaches/line_network.hpp"

namespace qingliu::test {

using reaches::LineFeature;
using P = std::pair<double, double>;

struct HandReach {
    std::string river;
    std::vector<P> line;  // upstream -> downstream
    int downstream;       // index into the hand network, -1 at the outlet
    int split_to = -1;
    double length_m() const {
        double s = 0;
        for (std::size_t i = 1; i < line.size(); ++i) s += std::hypot(line[i].first - line[i - 1].first, line[i].second - line[i - 1].second);
        return s;
    }
};

// The truth: ten reaches. Reach 2 (J2 -> S1) splits: the main path S1 -> S2 (3 km) is shorter than the side channel.
inline std::vector<HandReach> hand_network() {
    const P H1{0, 30000}, J1{0, 20000}, J2{0, 10000}, S1{0, 6000}, S2{0, 3000}, O{0, 0};
    const P H2{8000, 26000}, B1{6000, 21000}, H3{-7000, 14000}, K{-3500, 12000}, H4{-6000, 6000}, Y{800, 4500};
    return {
        {"岷江", {H1, J1}, 1},        // 0
        {"岷江", {J1, J2}, 2},        // 1
        {"岷江", {J2, S1}, 3, 9},     // 2: splits into 3 (main) and 9 (side channel)
        {"岷江", {S1, S2}, 4},        // 3
        {"岷江", {S2, O}, -1},        // 4
        {"青衣江", {H2, B1, J1}, 1},  // 5
        {"茫溪河", {H3, K}, 7},       // 6
        {"茫溪河", {K, J2}, 2},       // 7
        {"支沟", {H4, K}, 7},         // 8
        {"永丝河", {S1, Y, S2}, 4},   // 9
    };
}

// The layer: the same rivers as bureaus' layers have them, with every defect. Tolerance 1 m, gap 20 m.
inline std::vector<LineFeature> defective_layer() {
    std::vector<LineFeature> f;
    auto add = [&](std::string id, std::string name, std::vector<std::vector<P>> parts) {
        LineFeature x;
        x.id = std::move(id);
        x.name = std::move(name);
        x.parts = std::move(parts);
        f.push_back(std::move(x));
    };
    // upper main stem: its downstream end 0.4 m from J1 (a near-miss, snapped)
    add("1", "岷江", {{{0, 30000}, {0, 24000}, {0.4, 20000}}});
    // the rest of the main stem as one line digitised upstream (reversed), through J2, S1 and S2 (junctions on it)
    add("2", "岷江", {{{0, 0}, {0, 3000}, {0, 10000}, {0, 20000}}});
    // T1 in two parts (multi-part) that meet at their ends
    add("3", "青衣江", {{{8000, 26000}, {6000, 21000}}, {{6000, 21000}, {0, 20000}}});
    // T2 overshoots the main stem by 16 m past J2 (a dangle)
    add("4", "茫溪河", {{{-7000, 14000}, {-3500, 12000}, {14, 9992}}});
    // T3 ends on T2's interior vertex K (a junction)
    add("5", "支沟", {{{-6000, 6000}, {-3500, 12000}}});
    // a creek ending 8 m short of the main stem (a gap): not connected
    add("6", "断沟", {{{5000, 8000}, {8, 8000}}});
    // the side channel in two features, leaving and rejoining the main stem on its interior (a loop)
    add("7", "永丝河", {{{0, 6000}, {800, 4500}}});
    add("8", "永丝河", {{{800, 4500}, {0, 3000}}});
    // a canal crossing the upper main stem far from its ends (a crossing): not connected
    add("9", "渠", {{{-3000, 25000}, {3000, 25000}}});
    // a closed line (a pond outline)
    add("10", "塘", {{{9000, 1000}, {9500, 1000}, {9500, 1500}, {9000, 1000}}});
    return f;
}

inline double distance(P a, P b) { return std::hypot(a.first - b.first, a.second - b.second); }

// Index of the built reach with the hand reach's end points and middle (within `tol`, native units), -1 if none.
inline int match_reach(const reaches::LineNetwork& net, const HandReach& h, const std::function<P(P)>& to_native, double tol) {
    for (std::size_t i = 0; i < net.reaches.size(); ++i) {
        const auto& r = net.reaches[i];
        if (distance(r.line.front(), to_native(h.line.front())) > tol || distance(r.line.back(), to_native(h.line.back())) > tol) continue;
        if (h.line.size() == 3) {  // the side channel and the main stem share their ends: tell them by a middle vertex
            bool found = false;
            for (const auto& v : r.line) found = found || distance(v, to_native(h.line[1])) <= tol;
            if (!found) continue;
        }
        return static_cast<int>(i);
    }
    return -1;
}

// Same topology as the hand network, same rivers, lengths within `rel` (0.1 % unless told).
inline void require_hand_network(const reaches::LineNetwork& net, const std::function<P(P)>& to_native = [](P p) { return p; },
                                 double tol = 1.0, double rel = 1e-3) {
    const auto hand = hand_network();
    REQUIRE(net.reaches.size() == hand.size());
    std::vector<int> m(hand.size());
    for (std::size_t i = 0; i < hand.size(); ++i) {
        m[i] = match_reach(net, hand[i], to_native, tol);
        INFO("hand reach " << i << " (" << hand[i].river << ")");
        REQUIRE(m[i] >= 0);
    }
    REQUIRE(std::set<int>(m.begin(), m.end()).size() == hand.size());
    for (std::size_t i = 0; i < hand.size(); ++i) {
        const auto& r = net.reaches[m[i]];
        INFO("hand reach " << i << ": built " << r.id);
        CHECK(r.river == hand[i].river);
        CHECK(r.length_m == Approx(hand[i].length_m()).epsilon(rel));
        CHECK(r.downstream == (hand[i].downstream < 0 ? "" : net.reaches[m[hand[i].downstream]].id));
        CHECK(r.split_to == (hand[i].split_to < 0 ? "" : net.reaches[m[hand[i].split_to]].id));
        CHECK(r.headwater == (i == 0 || i == 5 || i == 6 || i == 8));
    }
}

}  // namespace qingliu::test
