// Report building blocks: river axes, the schematic layout and class colours, against closed forms.
#include <catch2/catch.hpp>

#include <cmath>

#include "report/layout.hpp"
#include "report/report.hpp"

using namespace qingliu;
using namespace qingliu::report;

namespace {

// The mini test basin's topology (tests/data/mini/reaches.csv): A1 and B1 join at A2, A2 splits 25 % to the side
// channel S1, A2 -> A3 -> A4, S1 rejoins at A4.
ReportData mini_network() {
    ReportData d;
    d.network = {{"A1", "", "甲河", "A2", "", 0.0, 8.0, {}},  {"B1", "", "乙河", "A2", "", 0.0, 6.0, {}},
                 {"A2", "", "甲河", "A3", "S1", 0.25, 5.0, {}}, {"S1", "", "汊河", "A4", "", 0.0, 4.0, {}},
                 {"A3", "", "甲河", "A4", "", 0.0, 4.0, {}},  {"A4", "", "甲河", "", "", 0.0, 10.0, {}}};
    Scenario s;
    SectionResult a, b;
    a.id = "S02";
    a.reach_id = "B1";
    a.position_km = 6.0;  // the mouth of B1
    b.id = "S03";
    b.reach_id = "A4";
    b.position_km = 2.5;  // a quarter along A4
    s.sections = {a, b};
    d.scenarios.push_back(s);
    return d;
}

double dist(XY a, XY b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

TEST_CASE("river axes: offsets are sums of upstream reach lengths on the same river", "[report][layout]") {
    const auto d = mini_network();
    const auto axes = river_axes(d.network);
    REQUIRE(axes.size() == 3);
    const RiverAxis* jia = nullptr;
    for (const auto& a : axes)
        if (a.river == "甲河") jia = &a;
    REQUIRE(jia);
    REQUIRE(jia->reaches.size() == 4);
    // A1 0, A2 8, A3 8+5 = 13, A4 13+4 = 17; river length 17+10 = 27 km (exact sums of the table's lengths)
    const std::vector<std::string> ids = {"A1", "A2", "A3", "A4"};
    const std::vector<double> off = {0.0, 8.0, 13.0, 17.0};
    for (std::size_t k = 0; k < 4; ++k) {
        CHECK(d.network[jia->reaches[k]].id == ids[k]);
        CHECK(jia->offset_km[k] == Approx(off[k]).margin(1e-12));
    }
    CHECK(jia->length_km == Approx(27.0).margin(1e-12));
}

TEST_CASE("schematic layout: true lengths, tributaries end at their confluence, side channels at split and rejoin",
          "[report][layout]") {
    const auto d = mini_network();
    const Layout L = make_layout(d);
    REQUIRE(L.schematic);
    REQUIRE(L.reach_lines.size() == d.network.size());
    auto line = [&](const char* id) -> const std::vector<XY>& {
        for (std::size_t i = 0; i < d.network.size(); ++i)
            if (d.network[i].id == id) return L.reach_lines[i];
        FAIL("no reach " << id);
        return L.reach_lines[0];
    };
    // main river and tributary reaches are drawn at their length in km (straight lines; 1e-9 km rounding)
    for (const char* id : {"A1", "A2", "A3", "A4", "B1"}) {
        double len = 0.0;
        for (const auto& r : d.network)
            if (r.id == id) len = r.length_km;
        CHECK(polyline_length(line(id)) == Approx(len).margin(1e-9));
    }
    // the main river is continuous: each reach starts where the one above ends
    CHECK(dist(line("A1").back(), line("A2").front()) < 1e-9);
    CHECK(dist(line("A2").back(), line("A3").front()) < 1e-9);
    CHECK(dist(line("A3").back(), line("A4").front()) < 1e-9);
    // the tributary B1 ends at the head of A2 (its confluence)
    CHECK(dist(line("B1").back(), line("A2").front()) < 1e-9);
    // the side channel leaves at the end of A2 and rejoins at the head of A4
    CHECK(dist(line("S1").front(), line("A2").back()) < 1e-9);
    CHECK(dist(line("S1").back(), line("A4").front()) < 1e-9);
    // sections sit at their position: S02 at the mouth of B1, S03 a quarter along A4 (2.5 of 10 km)
    REQUIRE(L.section_points.size() == 2);
    CHECK(dist(L.section_points[0], line("B1").back()) < 1e-9);
    CHECK(dist(L.section_points[1], line("A4").front()) == Approx(2.5).margin(1e-9));
}

TEST_CASE("case geometry is used when every reach has a line", "[report][layout]") {
    auto d = mini_network();
    for (std::size_t i = 0; i < d.network.size(); ++i) d.network[i].line = {{0.0, double(i)}, {1.0, double(i)}, {3.0, double(i)}};
    d.srs_wkt = "EPSG:32648";
    const Layout L = make_layout(d);
    CHECK_FALSE(L.schematic);
    CHECK(L.reach_lines[0].size() == 3);
    // S03 at 2.5 of A4's 10 km: a quarter of the 3-unit line, x = 0.75 (1e-12: arithmetic rounding)
    CHECK(L.section_points[1].x == Approx(0.75).margin(1e-12));
    CHECK(L.section_points[1].y == Approx(5.0).margin(1e-12));
}

TEST_CASE("reach class by GB 3838-2002: limits belong to the better class", "[report][classes]") {
    // GB 3838-2002 Table 1 (rivers), class III limits: COD 20, NH3-N 1.0, TP 0.2 mg/L; class IV: 30, 1.5, 0.3
    CHECK(reach_class(reaches::ClassTable::gb3838(), {20.0, 1.0, 0.2}) == 3);
    CHECK(reach_class(reaches::ClassTable::gb3838(), {20.0001, 1.0, 0.2}) == 4);
    CHECK(reach_class(reaches::ClassTable::gb3838(), {10.0, 1.6, 0.05}) == 5);   // NH3-N 1.6 > 1.5 (IV), <= 2.0 (V)
    CHECK(reach_class(reaches::ClassTable::gb3838(), {10.0, 0.1, 0.45}) == 6);   // TP 0.45 > 0.4 (V): worse than V
    CHECK(std::string(class_colour(3)) == "#2e9e44");
    CHECK(std::string(class_colour(6)) == "#d62728");
}
