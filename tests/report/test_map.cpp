// The report map's scale bar, north arrow and coordinate frame, against a closed form.
#include <catch2/catch.hpp>

#include <cmath>
#include <regex>
#include <vector>

#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/layout.hpp"
#include "report/report.hpp"

using namespace qingliu;
using namespace qingliu::report;

namespace {

// Two reaches along one meridian, spanning exactly one degree of latitude (29.0 to 30.0 N at 103.8 E).
ReportData meridian_case(bool geographic_lines) {
    ReportData d;
    d.case_name = "测试";
    d.network = {{"R1", "上段", "河", "R2", "", 0.0, 50.0, {}}, {"R2", "下段", "河", "", "", 0.0, 61.2, {}}};
    if (geographic_lines) {
        d.network[0].line = {{103.8, 30.0}, {103.8, 29.55}};
        d.network[1].line = {{103.8, 29.55}, {103.8, 29.0}};
        d.geographic = true;
        d.srs_wkt = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],"
                    "UNIT[\"degree\",0.0174532925199433]]";
    }
    Scenario s;
    d.scenarios.push_back(s);
    return d;
}

// width in px of the scale bar ("M<x> <y>v5h<width>v-5") and its label
std::pair<double, std::string> scale_bar(const std::string& html) {
    std::smatch m;
    REQUIRE(std::regex_search(html, m, std::regex("class=\"scalebar\"><path d=\"M[0-9.]+ [0-9.]+v5h([0-9.]+)v-5")));
    const double w = std::stod(m[1]);
    std::smatch l;
    REQUIRE(std::regex_search(html, l, std::regex("text-anchor=\"middle\">([0-9]+ k?m)</text></g>")));
    return {w, l[1]};
}

}  // namespace

TEST_CASE("report map: geographic lines get a scale bar in km, a north arrow and the CRS named", "[report][map]") {
    const auto d = meridian_case(true);
    const std::string h = render_html(d, make_layout(d));
    // The map is 900 px wide with 50 px padding and 150 px for labels: 650 px for the 1-degree span, and one degree
    // of latitude is 6371.0088 km x pi / 180 = 111.19508 km, so 5.84557 px/km. A fifth of the 800 px drawing width is
    // 27.4 km: the 1-2-5 bar is 20 km = 116.911 px (0.05 px: one decimal written).
    const auto [w, label] = scale_bar(h);
    CHECK(label == "20 km");
    CHECK(w == Approx(20.0 * 650.0 / (6371.0088 * M_PI / 180.0)).margin(0.05));
    CHECK(h.find("class=\"north\"") != std::string::npos);
    CHECK(h.find("坐标系 CRS: WGS 84") != std::string::npos);
}

TEST_CASE("report map: a schematic layout has a scale bar in km, no north arrow, and says it is schematic",
          "[report][map]") {
    const auto d = meridian_case(false);
    const std::string h = render_html(d, make_layout(d));
    // schematic: the longest river is drawn along x with its true length, 111.2 km over 650 px = 5.84532 px/km;
    // a fifth of 800 px is 27.4 km -> a 20 km bar of 116.906 px
    const auto [w, label] = scale_bar(h);
    CHECK(label == "20 km");
    CHECK(w == Approx(20.0 * 650.0 / 111.2).margin(0.05));
    CHECK(h.find("class=\"north\"") == std::string::npos);
    CHECK(h.find("schematic frame in km") != std::string::npos);
}

TEST_CASE("report map: section names close together are written where they do not overlap", "[report][map]") {
    // Four sections within 1.5 km of one another on the upper reach: at 5.85 px/km (first test case) their dots lie
    // 2.9 px apart, so names written each right of its dot and above it would overlap. Each name's box is recomputed
    // here from the written x, y and anchor and the width label_tspans gives (11 px text: baseline - 11 to + 3).
    auto d = meridian_case(true);
    for (int i = 0; i < 4; ++i) {
        SectionResult sec;
        sec.id = "S" + std::to_string(i);
        sec.name = "断面" + std::to_string(i);
        sec.name_en = "Section number " + std::to_string(i);
        sec.reach_id = "R1";
        sec.position_km = 20.0 + 0.5 * i;
        sec.overall = 3;
        sec.target_class = 3;
        sec.meets = true;
        d.scenarios.front().sections.push_back(sec);
    }
    const std::string h = render_html(d, make_layout(d));
    const std::size_t m0 = h.find("<svg class=\"chart map\""), m1 = h.find("</svg>", m0);
    REQUIRE(m0 != std::string::npos);
    const std::string map = h.substr(m0, m1 - m0);
    struct Box {
        double x0, y0, x1, y1;
    };
    std::vector<Box> boxes;
    const std::regex re("<text class=\"seclabel\" x=\"([0-9.]+)\" y=\"([0-9.]+)\"( text-anchor=\"end\")?>");
    int i = 0;
    for (auto it = std::sregex_iterator(map.begin(), map.end(), re); it != std::sregex_iterator(); ++it, ++i) {
        double w = 0.0;
        html::label_tspans("断面" + std::to_string(i), "Section number " + std::to_string(i), 11.0, &w);
        const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
        const bool end = (*it)[3].matched;
        boxes.push_back({end ? x - w : x, y - 11.0, end ? x : x + w, y + 3.0});
    }
    REQUIRE(boxes.size() == 4);
    for (std::size_t a = 0; a < boxes.size(); ++a) {
        CHECK(boxes[a].x0 >= 2.0);    // inside the 900 px map
        CHECK(boxes[a].x1 <= 898.0);
        for (std::size_t b = a + 1; b < boxes.size(); ++b) {
            INFO(a << " " << b);
            // tolerance 0.1 px: one decimal written
            const bool apart = boxes[a].x1 <= boxes[b].x0 + 0.1 || boxes[b].x1 <= boxes[a].x0 + 0.1 ||
                               boxes[a].y1 <= boxes[b].y0 + 0.1 || boxes[b].y1 <= boxes[a].y0 + 0.1;
            CHECK(apart);
        }
    }
}
