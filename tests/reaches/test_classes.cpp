// GB 3838-2002 classification against the limits in shared/reference/standards.md.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "reaches/classes.hpp"

using namespace qingliu;
using namespace qingliu::reaches;

TEST_CASE("single-factor class: best class whose limit the value meets", "[classes]") {
    const ClassTable& t = ClassTable::gb3838();
    CHECK(t.classify("cod", WaterBody::River, 15.0) == 1);    // shared I/II limit 15: the better class
    CHECK(t.classify("cod", WaterBody::River, 15.01) == 3);
    CHECK(t.classify("cod", WaterBody::River, 20.0) == 3);
    CHECK(t.classify("cod", WaterBody::River, 40.0) == 5);
    CHECK(t.classify("cod", WaterBody::River, 40.5) == kWorseThanV);
    CHECK(t.classify("nh3n", WaterBody::River, 0.15) == 1);
    CHECK(t.classify("nh3n", WaterBody::River, 1.2) == 4);
    CHECK(t.classify("tp", WaterBody::River, 0.2) == 3);
    CHECK(t.classify("tp", WaterBody::Lake, 0.2) == 5);       // lake TP limits are stricter
    CHECK(t.classify("tp", WaterBody::Lake, 0.05) == 3);
    CHECK(t.classify("do", WaterBody::River, 5.5) == 3);      // DO is a minimum
    CHECK(t.classify("do", WaterBody::River, 1.0) == kWorseThanV);
}

TEST_CASE("section class is the worst parameter, exceedance = value/limit - 1", "[classes]") {
    const auto s = evaluate_section(ClassTable::gb3838(), {18.0, 1.2, 0.25}, WaterBody::River, 3);
    CHECK(s.cls[0] == 3);
    CHECK(s.cls[1] == 4);
    CHECK(s.cls[2] == 4);
    CHECK(s.overall == 4);
    CHECK(s.worst == 2);  // TP exceeds its III limit by 25%, more than NH3-N's 20%
    CHECK_FALSE(s.meets);
    CHECK(s.exceedance[1] == Approx(0.2).epsilon(1e-12));
    CHECK(s.exceedance[2] == Approx(0.25).epsilon(1e-12));
    CHECK(s.exceedance_max == Approx(0.25).epsilon(1e-12));
    const auto ok = evaluate_section(ClassTable::gb3838(), {18.0, 1.2, 0.25}, WaterBody::River, 4);
    CHECK(ok.meets);
    CHECK(ok.exceedance[0] == Approx(18.0 / 30.0 - 1.0).epsilon(1e-12));
}

TEST_CASE("class names parse in the forms people write them", "[classes]") {
    CHECK(parse_class("III") == 3);
    CHECK(parse_class("Ⅳ") == 4);
    CHECK(parse_class("Ⅲ类") == 3);
    CHECK(parse_class("class ii") == 2);
    CHECK(parse_class("5") == 5);
    CHECK_FALSE(parse_class("VI").has_value());
    CHECK_FALSE(parse_class("").has_value());
    CHECK(class_roman(6) == "劣V");
    CHECK(class_label_zh(4) == "Ⅳ类");
}

TEST_CASE("a limit table with limits getting stricter is rejected naming row and field", "[classes]") {
    const char* bad = "parameter,water_body,direction,I,II,III,IV,V\ncod,any,max,15,15,20,10,40\n";
    try {
        ClassTable::parse(bad, "limits.csv");
        FAIL("accepted");
    } catch (const InputError& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].file == "limits.csv");
        CHECK(e.problems()[0].record == "row 2");
        CHECK(e.problems()[0].field == "IV");
    }
}
