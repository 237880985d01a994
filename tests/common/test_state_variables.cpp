// The state-variable table (common/constituent.hpp) and what is derived from it: parameter rows, class rows, column
// names, unit constants (common/units.hpp).
#include <catch2/catch.hpp>

#include "common/constituent.hpp"
#include "reaches/classes.hpp"
#include "reaches/network.hpp"
#include "scenarios/parameters.hpp"

using namespace qingliu;

TEST_CASE("every state variable has its kinetics and backgrounds in the parameter table, with the table's defaults",
          "[state]") {
    for (auto c : kConstituents) {
        const StateVariable& v = variable(c);
        const scenarios::ParamDef* k20 = scenarios::find_parameter(scenarios::kinetics_key(c, "k20_per_d"));
        const scenarios::ParamDef* theta = scenarios::find_parameter(scenarios::kinetics_key(c, "theta"));
        REQUIRE(k20);
        REQUIRE(theta);
        CHECK(k20->default_value == v.kinetics.k20_per_d);  // copied, so exactly equal
        CHECK(theta->default_value == v.kinetics.theta);
        CHECK(k20->unit == "1/d");
        CHECK(!k20->source.empty());
        CHECK(!theta->source.empty());
        for (const char* which : {"headwater", "lateral"}) {
            const scenarios::ParamDef* bg = scenarios::find_parameter(scenarios::background_key(which, c));
            REQUIRE(bg);
            CHECK(bg->unit == v.unit);
            CHECK(bg->max == v.background_max_mgL);
        }
        // code-built networks start from the same temperature coefficients as a case file without [kinetics]
        CHECK(reaches::Kinetics{}.theta[idx(c)] == v.kinetics.theta);
    }
}

TEST_CASE("every state variable is classified by the shipped GB 3838-2002 table in its direction", "[state]") {
    const auto& gb = reaches::ClassTable::gb3838();
    for (auto c : kConstituents) {
        for (auto wb : {reaches::WaterBody::River, reaches::WaterBody::Lake}) {
            const reaches::ClassLimit* row = gb.find(key(c), wb);
            REQUIRE(row);
            CHECK(row->minimum == (variable(c).direction == LimitDirection::Minimum));
            // the class table names its item; it must be the state variable's
            CHECK_THAT(row->source, Catch::Contains("item " + std::to_string(variable(c).gb3838_item) + " "));
        }
        CHECK(variable(c).gb3838_item >= 1);
        CHECK(variable(c).gb3838_item <= 24);  // GB 3838-2002 table 1 has 24 items
    }
}

TEST_CASE("column names and keys follow the state-variable table", "[state]") {
    // The file formats users hold: these names are the case-file and output columns of the shipped cases.
    CHECK(columns("_mgL") == "cod_mgL,nh3n_mgL,tp_mgL");
    CHECK(columns("_mgL", "headwater_") == "headwater_cod_mgL,headwater_nh3n_mgL,headwater_tp_mgL");
    CHECK(columns_listed("_t_a") == "cod_t_a, nh3n_t_a and tp_t_a");
    CHECK(column_names("_class") == std::vector<std::string>{"cod_class", "nh3n_class", "tp_class"});
    CHECK(scenarios::kinetics_key(kConstituents[1], "theta") == "kinetics.nh3n.theta");
    CHECK(scenarios::background_key("lateral", kConstituents[2]) == "background.lateral.tp_mgL");
    for (auto c : kConstituents) CHECK(constituent_from_key(key(c)) == c);
    CHECK(!constituent_from_key("bod5"));
    CHECK(join_each([](int c) { return std::to_string(c); }, "|") == "0|1|2");
    CHECK(uniform(2.5) == PerConstituent{2.5, 2.5, 2.5});
    CHECK(!any_nonzero(PerConstituent{}));
    CHECK(any_positive(PerConstituent{0.0, -1.0, 1e-300}));
}

TEST_CASE("unit constants agree with one another", "[state]") {
    // 1 g/s over a day and a year; relative tolerance 1e-15 (products of exact decimal constants in double)
    CHECK(kKgPerDayPerGramPerSecond == Approx(kSecondsPerDay / kGramsPerKg).epsilon(1e-15));
    CHECK(kTonnePerYearPerGramPerSecond == Approx(kSecondsPerDay * kDaysPerYear / (kGramsPerKg * kKgPerTonne)).epsilon(1e-15));
    CHECK(kGramPerSecondPerKgPerDay * kKgPerDayPerGramPerSecond == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("the [dynamic] keys are rows of the parameter table", "[state]") {
    const auto dyn = scenarios::section_parameters("dynamic");
    std::vector<std::string> keys;
    for (const auto* d : dyn) keys.push_back(d->key);
    CHECK(keys == std::vector<std::string>{"dynamic.flows", "dynamic.gauge_reach", "dynamic.loads", "dynamic.year",
                                           "dynamic.washoff_exponent", "dynamic.monthly_temperature_c"});
    for (const auto* d : dyn) {
        CHECK(!d->en.empty());
        CHECK(!d->zh.empty());
        CHECK(!d->source.empty());
    }
}
