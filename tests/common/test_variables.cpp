// The variable table (common/variables.hpp) and its views: the routed constituents (kStateVariables), the
// water-quality species (reaches/kinetics.hpp kSpecies), the given items (common/given_species.hpp kGivenItems) and
// the GB 3838 items every water-quality output lists.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "common/constituent.hpp"
#include "common/given_species.hpp"
#include "common/item_set.hpp"
#include "common/variables.hpp"
#include "reaches/classes.hpp"
#include "reaches/kinetics.hpp"
#include "reaches/steady_wq.hpp"
#include "reaches/wq_classes.hpp"

using namespace qingliu;

TEST_CASE("every GB 3838 item of the variable table has the standard's item number and direction", "[variables]") {
    // GB 3838-2002 (地表水环境质量标准), table 1 (地表水环境质量标准基本项目标准限值): item 3 溶解氧 (≥, a minimum),
    // 4 高锰酸盐指数, 5 化学需氧量, 6 五日生化需氧量, 7 氨氮, 8 总磷, 9 总氮 (≤, maxima). Written here from the standard,
    // not from the table under test.
    struct Ref {
        const char* key;
        int item;
        bool minimum;
    };
    const std::vector<Ref> gb = {{"do", 3, true},    {"codmn", 4, false}, {"cod", 5, false}, {"bod5", 6, false},
                                 {"nh3n", 7, false}, {"tp", 8, false},    {"tn", 9, false}};
    std::vector<std::string> items_in_table;
    for (const VariableDef& d : kVariables)
        if (d.gb3838_item > 0) items_in_table.emplace_back(d.key);
    CHECK(items_in_table.size() == gb.size());  // no item more or less than the standard's seven modelled ones
    const auto& table = reaches::ClassTable::gb3838();
    for (const Ref& r : gb) {
        INFO(r.key);
        const VariableDef* d = find_variable(r.key);
        REQUIRE(d);
        CHECK(d->gb3838_item == r.item);
        CHECK((d->direction == LimitDirection::Minimum) == r.minimum);
        CHECK(d->unit == "mg/L");
        // the shipped class table (data/standards/gb3838_2002.csv) agrees: same direction, same item in its source
        const reaches::ClassLimit* row = table.find(r.key, reaches::WaterBody::Lake);  // TN has limits for lakes only
        REQUIRE(row);
        CHECK(row->minimum == r.minimum);
        CHECK_THAT(row->source, Catch::Contains("item " + std::to_string(r.item) + " "));
    }
    // kGb3838Set lists them by item number: the column order of water_quality_sections.csv
    std::vector<std::string> order;
    for (Var v : kGb3838Set) order.emplace_back(variable_def(v).key);
    CHECK(order == std::vector<std::string>{"do", "codmn", "cod", "bod5", "nh3n", "tp", "tn"});
    // every key is unique and found by find_variable
    for (const VariableDef& d : kVariables) CHECK(find_variable(d.key) == &d);
    CHECK(find_variable("ss") == nullptr);
}

TEST_CASE("the routed constituents, the species and the given items are rows of the variable table", "[variables]") {
    auto same = [](const VariableDef& d, std::string_view key, std::string_view en, std::string_view zh) {
        return d.key == key && d.label_en == en && d.label_zh == zh;
    };
    // routed: key, unit, labels, item and direction copied from the table
    REQUIRE(kStateVariables.size() == kRoutedSet.size());
    for (std::size_t i = 0; i < kRoutedSet.size(); ++i) {
        const VariableDef& d = variable_def(kRoutedSet[i]);
        const StateVariable& s = kStateVariables[i];
        CHECK(same(d, s.key, s.label_en, s.label_zh));
        CHECK(s.unit == d.unit);
        CHECK(s.gb3838_item == d.gb3838_item);
        CHECK(s.direction == d.direction);
    }
    // the names users read in every output of the three-constituent model, as before the table
    CHECK((kStateVariables[0].key == "cod" && kStateVariables[0].label_en == "COD" && kStateVariables[0].label_zh == "化学需氧量"));
    CHECK((kStateVariables[1].key == "nh3n" && kStateVariables[1].label_en == "NH3-N" && kStateVariables[1].label_zh == "氨氮"));
    CHECK((kStateVariables[2].key == "tp" && kStateVariables[2].label_en == "TP" && kStateVariables[2].label_zh == "总磷"));

    // species, in the order of the kinetics' state vector
    const std::vector<std::string> species_keys = {"orgn", "nh3n", "no3n", "cbodu", "codmn", "cod", "orgp", "ip", "do"};
    REQUIRE(reaches::wq::kSpecies.size() == species_keys.size());
    for (std::size_t i = 0; i < species_keys.size(); ++i) {
        const auto& sp = reaches::wq::kSpecies[i];
        CHECK(sp.key == species_keys[i]);
        CHECK(same(variable_def(kWaterQualitySet[i]), sp.key, sp.label_en, sp.label_zh));
        CHECK(variable_def(kWaterQualitySet[i]).in_kinetics.empty());  // a species is carried, not computed
    }
    CHECK(reaches::wq::kSpecies[reaches::wq::DO].label_zh == "溶解氧");
    CHECK(reaches::wq::kSpecies[reaches::wq::CBOD].label_en == "CBODu");

    // given items: keys, labels and the family whose load cut applies to them
    const std::vector<std::vector<std::string>> given = {
        {"do", "DO", "溶解氧", ""},           {"bod5", "BOD5", "五日生化需氧量", "cod"}, {"codmn", "CODMn", "高锰酸盐指数", "cod"},
        {"tn", "TN", "总氮", "nh3n"},         {"orgn", "Organic N", "有机氮", "nh3n"},   {"no3n", "NO3-N", "硝酸盐氮", "nh3n"},
        {"orgp", "Organic P", "有机磷", "tp"}, {"ip", "Inorganic P", "无机磷", "tp"}};
    REQUIRE(kGivenItems.size() == given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
        const GivenItemDef& g = kGivenItems[i];
        INFO(given[i][0]);
        CHECK((g.key == given[i][0] && g.label_en == given[i][1] && g.label_zh == given[i][2] && g.family == given[i][3]));
        CHECK(same(variable_def(kGivenSet[i]), g.key, g.label_en, g.label_zh));
        CHECK((g.family.empty() || constituent_from_key(g.family)));  // a family is a routed constituent
    }

    // the item labels of the water-quality outputs are the table's
    for (Var v : kGb3838Set) {
        CHECK(std::string(reaches::wq::item_label_en(std::string(variable_def(v).key))) == variable_def(v).label_en);
        CHECK(std::string(reaches::wq::item_label_zh(std::string(variable_def(v).key))) == variable_def(v).label_zh);
    }
}

TEST_CASE("gb3838_items gives every GB 3838 item of the table from a state, sums and BOD5 by their closed forms",
          "[variables]") {
    using namespace reaches::wq;
    State c{};
    c[OrgN] = 0.4;
    c[NH3N] = 1.2;
    c[NO3N] = 2.1;
    c[CBOD] = 8.0;
    c[CODMn] = 5.5;
    c[COD] = 21.0;
    c[OrgP] = 0.07;
    c[IP] = 0.11;
    c[DO] = 6.3;
    const double k1 = 0.23;  // bottle rate, 1/d
    const auto items = gb3838_items(c, k1);
    REQUIRE(items.size() == kGb3838Set.size());
    for (std::size_t i = 0; i < items.size(); ++i) CHECK(std::string(items[i].key) == variable_def(kGb3838Set[i]).key);
    // relative tolerance 1e-15: one or two roundings of sums and of the exponential
    CHECK(items[0].value_mgL == 6.3);                                                      // do
    CHECK(items[1].value_mgL == 5.5);                                                      // codmn
    CHECK(items[2].value_mgL == 21.0);                                                     // cod
    CHECK(items[3].value_mgL == Approx(8.0 * (1.0 - std::exp(-5.0 * 0.23))).epsilon(1e-15));  // bod5
    CHECK(items[4].value_mgL == 1.2);                                                      // nh3n
    CHECK(items[5].value_mgL == Approx(0.07 + 0.11).epsilon(1e-15));                       // tp = orgp + ip
    CHECK(items[6].value_mgL == Approx(0.4 + 1.2 + 2.1).epsilon(1e-15));                   // tn = orgn + nh3n + no3n
}

TEST_CASE("the items' console label: the same words for the default set and for a chosen one", "[variables][items]") {
    CHECK(ItemSet::all().label_en() == "every GB 3838 item");
    CHECK(ItemSet::all().label_zh() == "全部 GB 3838 指标");
    ItemSet s;
    s.add(Var::TP);
    s.add(Var::DO);  // listed in the order of GB 3838 table 1, not as added
    CHECK(s.label_en() == "the items assessed (do, tp)");
    CHECK(s.label_zh() == "评价项目 do, tp");
}
