// The network builder's graph logic on synthetic lines in a metre frame: a layer with every defect gives the
// hand-built network (same topology, lengths within 0.1 %), each defect is reported with its feature ids, and
// reach ids do not depend on feature order or digitised direction.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "reaches/line_network.hpp"
#include "synthetic_lines.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using qingliu::test::P;

namespace {

double d(P a, P b) { return test::distance(a, b); }

LineNetworkOptions options() {
    LineNetworkOptions o;
    o.tolerance_m = 1.0;
    o.outlet = P{0, -3};  // 3 m below the outlet end: snapped to it
    return o;
}

using test::require_hand_network;

std::vector<const LineFinding*> of_kind(const LineNetwork& net, FindingKind k) {
    std::vector<const LineFinding*> v;
    for (const auto& f : net.findings)
        if (f.kind == k) v.push_back(&f);
    return v;
}

bool has(const LineFinding* f, const std::string& id) { return std::count(f->features.begin(), f->features.end(), id) > 0; }

}  // namespace

TEST_CASE("network from a defective line layer equals the hand-built network", "[network]") {
    const auto net = build_line_network(test::defective_layer(), options(), planar_metric());
    require_hand_network(net);
    double total = 0;
    for (const auto& r : net.reaches) total += r.length_m;
    // 30 km main stem + T1 (5385.2 + 6082.8) + T2 (2 x 4031.1) + T3 (6500) + side channel (2 x 1700); 0.1 %
    CHECK(total == Approx(30000 + std::hypot(2000, 5000) + std::hypot(6000, 1000) + 2 * std::hypot(3500, 2000) + 6500 + 3400).epsilon(1e-3));
    // distance to the outlet along the main path: the headwater reach of T1 ends at J1, 20 km above the outlet
    for (const auto& r : net.reaches)
        if (r.river == "青衣江") CHECK(r.to_outlet_m == Approx(20000).margin(1.0));
}

TEST_CASE("network builder reports every defect with its feature ids", "[network]") {
    const auto net = build_line_network(test::defective_layer(), options(), planar_metric());
    auto snapped = of_kind(net, FindingKind::Snapped);
    REQUIRE(snapped.size() == 1);
    CHECK((has(snapped[0], "1") && has(snapped[0], "2") && has(snapped[0], "3")));
    CHECK(snapped[0]->distance_m == Approx(0.8 / 3).margin(1e-6));  // 0.4 m end, node at the mean of three ends

    auto junctions = of_kind(net, FindingKind::Junction);
    REQUIRE(junctions.size() == 3);  // T3 on T2 at K; side channel leaving and rejoining the main stem
    auto dangles = of_kind(net, FindingKind::Dangle);
    REQUIRE(dangles.size() == 1);
    CHECK(dangles[0]->features == std::vector<std::string>{"4", "2"});
    CHECK(dangles[0]->distance_m == Approx(0.004 * std::hypot(3500, 2000)).epsilon(1e-9));  // the overshoot, 16.1 m
    auto gaps = of_kind(net, FindingKind::Gap);
    REQUIRE(gaps.size() == 1);
    CHECK(gaps[0]->features == std::vector<std::string>{"6", "2"});
    CHECK(gaps[0]->distance_m == Approx(8.0).epsilon(1e-9));
    auto crossings = of_kind(net, FindingKind::Crossing);
    for (auto* c : crossings) UNSCOPED_INFO(c->features[0] << " x " << c->features[1] << " at " << c->where.first << "," << c->where.second);
    REQUIRE(crossings.size() == 1);
    CHECK((has(crossings[0], "1") && has(crossings[0], "9")));
    auto multi = of_kind(net, FindingKind::MultiPart);
    REQUIRE(multi.size() == 1);
    CHECK(multi[0]->features == std::vector<std::string>{"3"});
    auto reversed = of_kind(net, FindingKind::Reversed);
    REQUIRE(reversed.size() == 1);
    CHECK(reversed[0]->features == std::vector<std::string>{"2"});
    auto loops = of_kind(net, FindingKind::Loop);
    REQUIRE(loops.size() == 2);  // the closed pond outline; the side channel with the main stem
    bool ring = false, braid = false;
    for (auto* l : loops) {
        ring = ring || l->features == std::vector<std::string>{"10"};
        braid = braid || l->features == std::vector<std::string>{"2", "7", "8"};
    }
    CHECK(ring);
    CHECK(braid);
    auto disc = of_kind(net, FindingKind::Disconnected);
    REQUIRE(disc.size() == 2);  // the creek short of the main stem; the canal
    auto outlet = of_kind(net, FindingKind::Outlet);
    REQUIRE(outlet.size() == 1);
    CHECK(outlet[0]->distance_m == Approx(3.0).epsilon(1e-9));
    CHECK(d(net.outlet, {0, 0}) < 1e-9);
}

TEST_CASE("reach ids do not depend on feature order or digitised direction", "[network]") {
    const auto a = build_line_network(test::defective_layer(), options(), planar_metric());
    auto layer = test::defective_layer();
    std::mt19937 rng(7);
    std::shuffle(layer.begin(), layer.end(), rng);
    for (auto& f : layer)
        if (f.id == "1" || f.id == "5" || f.id == "7") {  // digitised the other way
            for (auto& p : f.parts) std::reverse(p.begin(), p.end());
            std::reverse(f.parts.begin(), f.parts.end());
        }
    const auto b = build_line_network(layer, options(), planar_metric());
    require_hand_network(b);
    REQUIRE(a.reaches.size() == b.reaches.size());
    for (std::size_t i = 0; i < a.reaches.size(); ++i) {
        CHECK(a.reaches[i].id == b.reaches[i].id);
        CHECK(a.reaches[i].downstream == b.reaches[i].downstream);
        CHECK(a.reaches[i].split_to == b.reaches[i].split_to);
        CHECK(a.reaches[i].length_m == Approx(b.reaches[i].length_m).epsilon(1e-12));
    }
    // the reversed ones are now 1, 2, 5 and 7
    std::set<std::string> rev;
    for (const auto& f : b.findings)
        if (f.kind == FindingKind::Reversed) rev.insert(f.features[0]);
    CHECK(rev == std::set<std::string>{"1", "2", "5", "7"});
}

TEST_CASE("split points cut the reach they snap to", "[network]") {
    auto o = options();
    o.split_points = {{"S01", {5, 15000}}, {"far", {50000, 50000}}, {"node", {0.3, 10000}}};
    const auto net = build_line_network(test::defective_layer(), o, planar_metric());
    REQUIRE(net.reaches.size() == 11);  // J1 -> J2 becomes two reaches of 5 km
    REQUIRE(net.points.size() == 2);
    const auto& s = net.points[0];
    CHECK(s.id == "S01");
    // J1 was snapped 0.13 m east (mean of three ends), so the line J1 -> J2 leans: the foot is 0.067 m east of x = 0
    CHECK(s.distance_m == Approx(5.0 - 0.4 / 6).epsilon(1e-9));
    CHECK(s.position_m == 0.0);
    const LineReach* r = nullptr;
    for (const auto& x : net.reaches)
        if (x.id == s.reach) r = &x;
    REQUIRE(r);
    CHECK(d(r->line.front(), {0.4 / 6, 15000}) < 1e-3);
    CHECK(r->length_m == Approx(5000).epsilon(1e-6));
    // a point on an existing node does not split; its reach starts there (J2, below the confluence)
    CHECK(net.points[1].id == "node");
    for (const auto& x : net.reaches)
        if (x.id == net.points[1].reach) CHECK(d(x.line.front(), {0, 10000}) < 1e-9);
    REQUIRE(of_kind(net, FindingKind::SplitPointFar).size() == 1);
}

namespace {
// The hand network as a clean layer: one feature per hand reach, digitised downstream except those named.
std::vector<LineFeature> clean_layer(const std::set<int>& reversed) {
    std::vector<LineFeature> v;
    const auto hand = test::hand_network();
    for (std::size_t i = 0; i < hand.size(); ++i) {
        LineFeature f;
        f.id = "c" + std::to_string(i);
        f.name = hand[i].river;
        auto line = hand[i].line;
        if (reversed.count(static_cast<int>(i))) std::reverse(line.begin(), line.end());
        f.parts = {line};
        v.push_back(f);
    }
    return v;
}
}  // namespace

TEST_CASE("flow direction and elevation fields orient lines; the outlet is inferred from them", "[network]") {
    auto layer = clean_layer({1, 4, 6});
    layer[1].direction = -1;  // declared: flows against its digitised order
    layer[4].elevation_first = 300.0, layer[4].elevation_last = 310.0;
    layer[6].elevation_first = 350.0, layer[6].elevation_last = 351.5;
    LineNetworkOptions o;  // no outlet: the only free end where lines arrive and none leave
    const auto net = build_line_network(layer, o, planar_metric());
    require_hand_network(net);
    CHECK(of_kind(net, FindingKind::Reversed).empty());  // every reversed line was declared
    CHECK(d(net.outlet, {0, 0}) < 1e-9);
}

TEST_CASE("contradicting flow directions are an error naming the features", "[network]") {
    auto layer = clean_layer({});
    layer[5].direction = -1;  // T1 said to flow from J1 up to its source: its source becomes a sink
    LineNetworkOptions o;
    o.outlet = P{0, 0};
    try {
        build_line_network(layer, o, planar_metric());
        FAIL("expected an error");
    } catch (const InputError& e) {
        REQUIRE(e.problems().size() >= 1);
        CHECK(e.problems()[0].message.find("c5") != std::string::npos);
    }
    // without an outlet and with two free ends where lines arrive, the outlet cannot be told
    auto two = clean_layer({});
    two[0].parts[0] = {{0, 20000}, {0, 30000}};  // the main stem's top digitised upwards: a second sink
    CHECK_THROWS_AS(build_line_network(two, LineNetworkOptions{}, planar_metric()), InputError);
}

TEST_CASE("unnamed lines get a river name from their feature; river-name changes end a reach", "[network]") {
    std::vector<LineFeature> v(3);
    v[0].id = "a", v[0].name = "上河", v[0].parts = {{{0, 2000}, {0, 1000}}};
    v[1].id = "b", v[1].name = "下河", v[1].parts = {{{0, 1000}, {0, 0}}};
    v[2].id = "c", v[2].parts = {{{500, 1500}, {0, 1000}}};
    LineNetworkOptions o;
    o.outlet = P{0, 0};
    const auto net = build_line_network(v, o, planar_metric());
    REQUIRE(net.reaches.size() == 3);
    std::set<std::string> rivers;
    for (const auto& r : net.reaches) rivers.insert(r.river);
    CHECK(rivers == std::set<std::string>{"上河", "下河", "unnamed c"});
    // same river name across a degree-2 node: one reach
    v[1].name = "上河";
    v.pop_back();
    const auto one = build_line_network(v, o, planar_metric());
    REQUIRE(one.reaches.size() == 1);
    CHECK(one.reaches[0].length_m == Approx(2000).epsilon(1e-12));
    CHECK(one.reaches[0].features == std::vector<std::string>{"a", "b"});
}
