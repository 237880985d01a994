// Inventory → loads: each source type against a hand computation, the shipped tables, inventory measures, and the
// reader's errors. Hand computations use their own coefficient values (set below), not the shipped table, so the
// equations are checked independently of the data.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../io/helpers.hpp"
#include "io/case_reader.hpp"
#include "loads/inventory.hpp"
#include "analyses/apportion.hpp"
#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kGsPerKgD = 1.0 / 86.4;  // 1 g/s = 86.4 kg/d

// A plant on reach 0 of `capacity_m3d` meeting `standard`, read from `origin`.
loads::Plant plant(const std::string& id, double capacity_m3d, const std::string& standard, const std::string& origin = "") {
    loads::Plant p;
    p.id = id;
    p.reach = 0;
    p.capacity_m3d = capacity_m3d;
    p.standard = standard;
    p.origin = origin;
    return p;
}

loads::Coefficients test_coefficients() {
    loads::Coefficients c;
    auto set = [&](const char* cat, const char* key, const char* par, double v) {
        c.set({cat, key, par, v, v * 0.5, v * 1.5, "", "test", ""});
    };
    set("livestock", "pig", "cod_kg_head_a", 36.5);
    set("livestock", "pig", "nh3n_kg_head_a", 3.65);
    set("livestock", "pig", "tp_kg_head_a", 0.73);
    set("livestock_entry", "scale", "entry", 0.2);
    set("livestock_entry", "household", "entry", 0.1);
    set("cropland", "paddy", "cod_kg_mu_a", 7.3);
    set("cropland", "paddy", "nh3n_kg_mu_a", 1.46);
    set("cropland", "paddy", "tp_kg_mu_a", 0.146);
    set("cropland_entry", "default", "entry", 0.5);
    set("rural", "default", "cod_g_cap_d", 40);
    set("rural", "default", "nh3n_g_cap_d", 4);
    set("rural", "default", "tp_g_cap_d", 0.5);
    set("rural_entry", "default", "entry", 0.25);
    set("urban", "default", "cod_g_cap_d", 60);
    set("urban", "default", "nh3n_g_cap_d", 8);
    set("urban", "default", "tp_g_cap_d", 1);
    set("urban_entry", "default", "entry", 0.75);
    set("aquaculture", "pond", "cod_kg_mu_a", 36.5);
    set("aquaculture", "pond", "nh3n_kg_mu_a", 3.65);
    set("aquaculture", "pond", "tp_kg_mu_a", 1.825);
    for (const char* k : {"cod_removal", "nh3n_removal", "tp_removal"}) {
        set("treatment", "rural_sewage", k, 0.6);
        set("treatment", "aquaculture_tail_water", k, 0.5);
    }
    return c;
}

loads::Inventory test_inventory() {
    loads::Inventory inv;
    inv.coefficients = test_coefficients();
    inv.standards.add({"STD-A", "", "", {50, 5, 0.5}, "test", "", 0});
    return inv;
}

const std::vector<double> kLengths{10000.0, 6000.0};

// The inventory's sources on reaches of kLengths; the test stops where resolving reports a problem.
std::vector<loads::Source> resolved(const loads::Inventory& inv) {
    Problems pr;
    auto s = loads::resolve(inv, kLengths, pr);
    REQUIRE(pr.empty());
    return s;
}

PerConstituent kg_d(const loads::Source& s) {
    return {s.load_gs[0] / kGsPerKgD, s.load_gs[1] / kGsPerKgD, s.load_gs[2] / kGsPerKgD};
}

}  // namespace

TEST_CASE("sewage plant: capacity x load factor x standard, and its uncollected sewage", "[loads]") {
    auto inv = test_inventory();
    loads::Plant p = plant("P", 20000, "std a");  // case and separators are ignored
    p.position_m = 2500;
    p.load_factor = 0.8;
    p.service_population = 100000;
    p.collection_rate = 0.8;
    inv.plants.push_back(p);
    const auto s = resolved(inv);
    REQUIRE(s.size() == 2);
    // Q = 20000·0.8 = 16000 m3/d; COD 16000·50/1000 = 800 kg/d; NH3-N 80; TP 8 (exact arithmetic, 1e-12 relative)
    CHECK_THAT(kg_d(s[0])[0], WithinRel(800.0, 1e-12));
    CHECK_THAT(kg_d(s[0])[1], WithinRel(80.0, 1e-12));
    CHECK_THAT(kg_d(s[0])[2], WithinRel(8.0, 1e-12));
    CHECK_THAT(s[0].flow_m3s, WithinRel(16000.0 / 86400.0, 1e-12));
    CHECK(s[0].type == "sewage_plant");
    CHECK_FALSE(s[0].diffuse);
    // uncollected: 100000·0.2·60 g·0.75 = 900 kg/d COD; ·8 g → 120; ·1 g → 15; spread over the whole reach
    CHECK(s[1].id == "P:uncollected");
    CHECK(s[1].type == "urban_uncollected");
    CHECK_THAT(kg_d(s[1])[0], WithinRel(900.0, 1e-12));
    CHECK_THAT(kg_d(s[1])[1], WithinRel(120.0, 1e-12));
    CHECK_THAT(kg_d(s[1])[2], WithinRel(15.0, 1e-12));
    CHECK(s[1].diffuse);
    CHECK(s[1].position_m == 0.0);
    CHECK(s[1].end_m == 10000.0);
}

TEST_CASE("measured plant flow and concentrations override capacity and standard", "[loads]") {
    auto inv = test_inventory();
    loads::Plant p;
    p.id = "P";
    p.reach = 1;
    p.capacity_m3d = 5000;
    p.flow_m3d = 3000;
    p.measured_mgL = PerConstituent{40, 4, 0.8};
    inv.plants.push_back(p);
    const auto s = resolved(inv);
    REQUIRE(s.size() == 1);  // no service population: no uncollected entry
    CHECK_THAT(kg_d(s[0])[0], WithinRel(120.0, 1e-12));  // 3000·40/1000
    CHECK_THAT(kg_d(s[0])[2], WithinRel(2.4, 1e-12));    // 3000·0.8/1000
}

TEST_CASE("outfalls: active, closed, and connected to a plant", "[loads]") {
    auto inv = test_inventory();
    loads::Plant p;
    p.id = "P";
    p.reach = 0;
    p.flow_m3d = 10000;
    p.standard = "STD-A";
    inv.plants.push_back(p);
    loads::Outfall a{"A", "", "", "combined", "active", 1, 1000, 2000, {80, 10, 1.2}, "", "t", {}};
    loads::Outfall b{"B", "", "", "municipal", "connected", 0, 500, 1000, {150, 20, 2.5}, "P", "t", {}};
    loads::Outfall c{"C", "", "", "industrial", "closed", 1, 3000, 500, {200, 15, 3}, "", "t", {}};
    inv.outfalls = {a, b, c};
    const auto s = resolved(inv);
    REQUIRE(s.size() == 4);
    // the plant takes the connected outfall's 1000 m3/d and releases it at its standard: (10000+1000)·50/1000
    CHECK_THAT(kg_d(s[0])[0], WithinRel(550.0, 1e-12));
    CHECK_THAT(s[0].flow_m3s, WithinRel(11000.0 / 86400.0, 1e-12));
    CHECK_THAT(kg_d(s[1])[0], WithinRel(160.0, 1e-12));  // 2000·80/1000
    CHECK_THAT(kg_d(s[1])[1], WithinRel(20.0, 1e-12));
    CHECK(kg_d(s[2])[0] == 0.0);  // connected: nothing enters the river here
    CHECK(s[2].flow_m3s == 0.0);
    CHECK(kg_d(s[3])[0] == 0.0);  // closed
}

TEST_CASE("industry by concentration or by permitted t/a", "[loads]") {
    auto inv = test_inventory();
    loads::Industry a;
    a.id = "A";
    a.reach = 1;
    a.flow_m3d = 1000;
    a.conc_mgL = PerConstituent{60, 5, 0.5};
    loads::Industry b;
    b.id = "B";
    b.reach = 1;
    b.permitted_t_a = PerConstituent{36.5, 3.65, 0.365};
    inv.industry = {a, b};
    const auto s = resolved(inv);
    CHECK_THAT(kg_d(s[0])[0], WithinRel(60.0, 1e-12));
    CHECK_THAT(kg_d(s[1])[0], WithinRel(100.0, 1e-12));  // 36.5 t/a = 100 kg/d
    CHECK_THAT(kg_d(s[1])[2], WithinRel(1.0, 1e-12));
}

TEST_CASE("livestock: heads x excretion x (1 - utilisation) x entry", "[loads]") {
    auto inv = test_inventory();
    loads::Farm f;
    f.id = "F";
    f.species = "pig";
    f.scale = "scale";
    f.reach = 1;
    f.head_count = 1000;
    f.utilisation = 0.75;
    inv.farms.push_back(f);
    f.id = "G";
    f.scale = "household";
    f.entry = -1;
    f.closed = true;
    inv.farms.push_back(f);
    const auto s = resolved(inv);
    // COD 1000·36.5·0.25·0.2/365 = 5 kg/d; NH3-N 0.5; TP 0.1
    CHECK_THAT(kg_d(s[0])[0], WithinRel(5.0, 1e-12));
    CHECK_THAT(kg_d(s[0])[1], WithinRel(0.5, 1e-12));
    CHECK_THAT(kg_d(s[0])[2], WithinRel(0.1, 1e-12));
    CHECK(s[0].diffuse);
    CHECK(s[0].end_m == 6000.0);
    CHECK(kg_d(s[1])[0] == 0.0);  // closed farms stay listed with no load
}

TEST_CASE("cropland, rural domestic and aquaculture", "[loads]") {
    auto inv = test_inventory();
    inv.cropland.push_back({"C", "", "paddy", 0, 10000, 0.8, "t"});
    inv.villages.push_back({"V", "", "", 1, 5000, 0.5, -1.0, "t"});
    inv.ponds.push_back({"Q", "", 0, 200, 0.5, -1.0, "t"});
    const auto s = resolved(inv);
    // cropland: 10000 mu·7.3·0.8·0.5/365 = 80 kg/d COD; TP 10000·0.146·0.8·0.5/365 = 1.6
    CHECK_THAT(kg_d(s[0])[0], WithinRel(80.0, 1e-12));
    CHECK_THAT(kg_d(s[0])[2], WithinRel(1.6, 1e-12));
    // rural: 5000·40 g·(1 − 0.5·0.6)·0.25/1000 = 35 kg/d COD
    CHECK_THAT(kg_d(s[1])[0], WithinRel(35.0, 1e-12));
    // aquaculture: 200·36.5·(1 − 0.5·0.5)/365 = 15 kg/d COD
    CHECK_THAT(kg_d(s[2])[0], WithinRel(15.0, 1e-12));
    CHECK(s[2].type == "aquaculture");
}

TEST_CASE("missing coefficients and unknown standards are named with the record", "[loads]") {
    auto inv = test_inventory();
    loads::Farm f;
    f.id = "F";
    f.species = "yak";
    f.reach = 0;
    f.head_count = 10;
    f.origin = "farms.csv row 3";
    inv.farms.push_back(f);
    inv.plants.push_back(plant("P", 1, "GB99999", "plants.csv row 2"));
    Problems pr;
    loads::resolve(inv, kLengths, pr);
    REQUIRE(pr.size() >= 2);
    bool farm = false, plant = false;
    for (const auto& x : pr.items()) {
        farm = farm || (x.file == "farms.csv row 3" && x.field == "species" && x.value == "yak");
        plant = plant || (x.file == "plants.csv row 2" && x.field == "standard" && x.value == "GB99999");
    }
    CHECK(farm);
    CHECK(plant);
}

TEST_CASE("shipped coefficient and standard tables: complete and sourced", "[loads][data]") {
    const auto& c = loads::default_coefficients();
    for (const auto& r : c.rows()) {
        INFO(r.category << "/" << r.key << "/" << r.parameter);
        CHECK_FALSE(r.source.empty());
        CHECK(r.low <= r.value);
        CHECK(r.value <= r.high);
    }
    for (const char* sp : {"pig", "cattle_dairy", "cattle_beef", "sheep", "poultry_layer", "poultry_broiler"})
        for (const char* par : {"pig_equivalent", "cod_kg_head_a", "nh3n_kg_head_a", "tp_kg_head_a"}) {
            INFO(sp << " " << par);
            CHECK(c.find("livestock", sp, par));
        }
    // pig equivalents (reference/standards.md: 30 layers = 60 broilers = 1 pig; dairy cow 10; beef 5; 3 sheep = 1)
    CHECK_THAT(c.find("livestock", "cattle_dairy", "pig_equivalent")->value, WithinRel(10.0, 1e-9));
    CHECK_THAT(c.find("livestock", "cattle_beef", "pig_equivalent")->value, WithinRel(5.0, 1e-9));
    CHECK_THAT(c.find("livestock", "poultry_layer", "pig_equivalent")->value, WithinRel(1.0 / 30, 1e-3));
    CHECK_THAT(c.find("livestock", "poultry_broiler", "pig_equivalent")->value, WithinRel(1.0 / 60, 1e-3));
    CHECK_THAT(c.find("livestock", "sheep", "pig_equivalent")->value, WithinRel(1.0 / 3, 1e-3));
    for (const char* crop : {"paddy", "dryland", "vegetable", "orchard"}) CHECK(c.find("cropland", crop, "tp_kg_mu_a"));
    const auto& s = loads::default_standards();
    // GB 18918-2002 Table 1 (reference/standards.md)
    REQUIRE(s.find("GB18918-1A"));
    CHECK(s.find("GB18918-1A")->limit_mgL == PerConstituent{50, 5, 0.5});
    CHECK(s.find("gb18918 1b")->limit_mgL == PerConstituent{60, 8, 1});
    REQUIRE(s.find("DB51/2311-2016"));
    CHECK(s.find("DB51/2311-2016")->limit_mgL == PerConstituent{30, 1.5, 0.3});
    // surface-water classes as effluent targets come from the class table (GB 3838-2002 Table 1 rivers: IV = 30, 1.5, 0.3)
    CHECK_FALSE(s.find("GB3838-IV"));
    const auto sw = scenarios::surface_water_standards(reaches::ClassTable::gb3838());
    REQUIRE(sw.size() == 5);
    CHECK(sw[3].key == "GB3838-IV");
    CHECK(sw[3].limit_mgL == PerConstituent{30, 1.5, 0.3});
}

TEST_CASE("shipped standards: a plant's build year picks its GB 18918-2002 TP limit; grade 3 sets no NH3-N limit",
          "[loads]") {
    loads::Inventory inv;
    inv.coefficients = test_coefficients();
    inv.standards = loads::default_standards();
    // GB 18918-2002 Table 1: TP 1 (1A) and 1.5 (1B) for plants built before 2006-01-01, 0.5 and 1 from then on
    CHECK(inv.standards.for_plant("GB18918-1A", 2005)->limit_mgL == PerConstituent{50, 5, 1});
    CHECK(inv.standards.for_plant("GB18918-1A", 2006)->limit_mgL == PerConstituent{50, 5, 0.5});
    CHECK(inv.standards.for_plant("GB18918-1A", 0)->limit_mgL == PerConstituent{50, 5, 0.5});  // year not known
    CHECK(inv.standards.for_plant("GB18918-1B", 1998)->limit_mgL == PerConstituent{60, 8, 1.5});
    CHECK(inv.standards.for_plant("GB18918-1B-12C", 2001)->limit_mgL == PerConstituent{60, 15, 1.5});
    CHECK(inv.standards.for_plant("GB18918-2", 1990)->limit_mgL == PerConstituent{100, 25, 3});  // no variant
    const auto* g3 = inv.standards.find("GB18918-3");
    REQUIRE(g3);
    CHECK(std::isnan(g3->limit_mgL[1]));
    CHECK_FALSE(g3->sets_all());

    // loads: Q x C with the limits for the plant's build year (10 000 m3/d x 1 mg/L = 10 kg/d TP before 2006)
    for (int year : {2003, 2010}) {
        loads::Inventory x = inv;
        x.plants.push_back(plant("P", 10000, "GB18918-1A", "plants.csv row 2"));
        x.plants.back().built_year = year;
        Problems probs;
        const auto src = loads::resolve(x, kLengths, probs);
        REQUIRE(probs.empty());
        CHECK_THAT(kg_d(src[0])[2], WithinRel(year < 2006 ? 10.0 : 5.0, 1e-12));
        CHECK_THAT(kg_d(src[0])[0], WithinRel(500.0, 1e-12));
    }
    // grade 3: no NH3-N limit, so the plant must give measured concentrations
    loads::Inventory x = inv;
    x.plants.push_back(plant("P3", 1000, "GB18918-3", "plants.csv row 3"));
    Problems probs;
    loads::resolve(x, kLengths, probs);
    REQUIRE(probs.size() == 1);
    CHECK(probs.items()[0].file == "plants.csv row 3");
    CHECK_THAT(probs.items()[0].message, Catch::Contains("sets no limit for nh3n"));
    x.plants[0].measured_mgL = PerConstituent{100, 20, 4};
    Problems ok;
    const auto src = loads::resolve(x, kLengths, ok);
    CHECK(ok.empty());
    CHECK_THAT(kg_d(src[0])[1], WithinRel(20.0, 1e-12));  // 1000 m3/d x 20 mg/L
}

TEST_CASE("shipped coefficients: the rural TP row spans its own basis; census-method livestock values", "[loads]") {
    const auto& c = loads::default_coefficients();
    // rural sewage TP 2.5-3.5 mg/L at 80-150 L/(person.d): 0.20-0.525 g/(person.d); value 3.0 mg/L x 120 L/d
    const auto* tp = c.find("rural", "default", "tp_g_cap_d");
    REQUIRE(tp);
    CHECK_THAT(tp->low, WithinRel(2.5 * 80 / 1000, 1e-12));
    CHECK_THAT(tp->high, WithinRel(3.5 * 150 / 1000, 0.01));  // 0.53 rounds 0.525 (1 %)
    CHECK_THAT(tp->value, WithinRel(3.0 * 120 / 1000, 1e-12));
    // generation per head in stock = kg/(head.d) of the census-method table x 365 (rounded to 0.1 %)
    CHECK_THAT(c.find("livestock", "pig", "cod_kg_head_a")->value, WithinRel(0.357 * 365, 1e-3));
    CHECK_THAT(c.find("livestock", "cattle_dairy", "cod_kg_head_a")->value, WithinRel(3.879 * 365, 1e-3));
    CHECK_THAT(c.find("livestock", "poultry_layer", "cod_kg_head_a")->value, WithinRel(0.021 * 365, 1e-3));
    // generation exceeds the first census 西南区 discharge coefficients (pig 0.086, dairy 1.460, beef 0.547 kg/(head.d))
    CHECK(c.find("livestock", "pig", "cod_kg_head_a")->low > 0.086 * 365);
    CHECK(c.find("livestock", "cattle_dairy", "cod_kg_head_a")->low >= 1.460 * 365 * (1 - 1e-3));
    CHECK(c.find("livestock", "cattle_beef", "cod_kg_head_a")->low >= 0.547 * 365 * (1 - 1e-3));
}

// ------------------------------------------------------------------ the inventory case folder

namespace {
const std::string kCase = std::string(QINGLIU_SOURCE_DIR) + "/tests/data/inventory";

const loads::Source& by_id(const scenarios::CaseModel& m, const std::string& id) {
    for (const auto& s : m.sources)
        if (s.id == id) return s;
    FAIL("no source " << id);
    throw;
}

const scenarios::Scenario& scenario(const io::LoadedCase& lc, const std::string& id) {
    for (const auto& s : lc.scenarios)
        if (s.id == id) return s;
    FAIL("no scenario " << id);
    throw;
}

// A scratch copy of the inventory case; `table_line` (e.g. `catchments = "c.geojson"`) is added under [tables].
std::filesystem::path scratch_case(const std::string& name, const std::string& table_line = "") {
    namespace fs = std::filesystem;
    const fs::path dir = qingliu::test::temp_dir(name);
    fs::copy(kCase, dir);
    if (!table_line.empty()) {
        std::ifstream in(dir / "case.toml");
        std::string text((std::istreambuf_iterator<char>(in)), {});
        text.replace(text.find("[tables]"), 8, "[tables]\n" + table_line);
        std::ofstream(dir / "case.toml") << text;
    }
    return dir;
}
}  // namespace

TEST_CASE("inventory case folder: loads as in the hand computation", "[loads][io]") {
    const auto lc = io::load_case(kCase);
    const auto& m = lc.model;
    REQUIRE(m.sources.size() == 14);
    // WWTP1: (20000·0.8 + 1000 connected from O2) m3/d · 50 mg/L (GB18918-1A) = 850 kg/d COD
    CHECK_THAT(kg_d(by_id(m, "WWTP1"))[0], WithinRel(850.0, 1e-12));
    // F1, shipped coefficients: 5000 pigs · cod_kg_head_a · (1 − 0.75) · entry(scale) / 365
    const auto& c = loads::default_coefficients();
    const double f1 = 5000 * c.find("livestock", "pig", "cod_kg_head_a")->value * 0.25 *
                      c.find("livestock_entry", "scale", "entry")->value / 365.0;
    CHECK_THAT(kg_d(by_id(m, "F1"))[0], WithinRel(f1, 1e-12));
    // I1: 36.5 t/a = 100 kg/d
    CHECK_THAT(kg_d(by_id(m, "I1"))[0], WithinRel(100.0, 1e-12));
}

TEST_CASE("inventory measures change loads as the equations say", "[loads][measures]") {
    const auto lc = io::load_case(kCase);
    const auto& base = lc.model;
    const auto all = scenarios::apply_scenario(base, scenario(lc, "all"));
    // manure 0.75 → 0.9: load × (1 − 0.9)/(1 − 0.75) = 0.4
    CHECK_THAT(by_id(all, "F1").load_gs[0], WithinRel(by_id(base, "F1").load_gs[0] * 0.4, 1e-12));
    // the prohibited-zone household farm is closed
    CHECK(by_id(all, "F2").load_gs[0] == 0.0);
    // fertiliser −20 %
    CHECK_THAT(by_id(all, "C1").load_gs[2], WithinRel(by_id(base, "C1").load_gs[2] * 0.8, 1e-12));
    // rural coverage 0.6 → 0.75 with removal r (shipped): (1 − 0.75 r)/(1 − 0.6 r)
    const double r = loads::default_coefficients().find("treatment", "rural_sewage", "cod_removal")->value;
    CHECK_THAT(by_id(all, "V1").load_gs[0], WithinRel(by_id(base, "V1").load_gs[0] * (1 - 0.75 * r) / (1 - 0.6 * r), 1e-12));
    // collection 0.8 → 0.95: the plant's own sewage flow 16000·0.95/0.8 = 19000 m3/d (within capacity 20000) plus
    // the 1000 m3/d connected outfall; uncollected load × 0.05/0.2
    CHECK_THAT(by_id(all, "WWTP1").flow_m3s, WithinRel(20000.0 / 86400.0, 1e-12));
    CHECK_THAT(kg_d(by_id(all, "WWTP1"))[0], WithinRel(20000.0 * 50 / 1000, 1e-12));
    CHECK_THAT(by_id(all, "WWTP1:uncollected").load_gs[1],
               WithinRel(by_id(base, "WWTP1:uncollected").load_gs[1] * 0.25, 1e-12));
    // O1 closed
    CHECK(by_id(all, "O1").load_gs[0] == 0.0);
    // untouched sources stay as they were
    CHECK(by_id(all, "I1").load_gs == by_id(base, "I1").load_gs);
}

TEST_CASE("a source-level measure applied before an inventory measure carries over", "[loads][measures]") {
    const auto lc = io::load_case(kCase);
    const auto& base = lc.model;
    // wetland −30 % on livestock, then manure to 0.9: 0.7 · 0.4 of the base load
    const auto m = scenarios::apply_scenario(base, scenario(lc, "farms"));
    CHECK_THAT(by_id(m, "F1").load_gs[1], WithinRel(by_id(base, "F1").load_gs[1] * 0.7 * 0.4, 1e-12));
    CHECK(by_id(m, "F2").load_gs[1] == 0.0);
}

TEST_CASE("plant collection beyond capacity leaves the excess uncollected", "[loads][measures]") {
    scenarios::CaseModel m;
    reaches::NetworkBuilder b;
    reaches::NetworkBuilder::Reach r;
    r.id = "R";
    r.river = "R";
    r.length_km = 5;
    r.hydraulics = hydro::Hydraulics::constant(0.5);
    r.headwater_flow_m3s = 2;
    b.add(r);
    m.net = b.finish();
    m.inventory = test_inventory();
    loads::Plant p = plant("P", 12000, "STD-A");
    p.load_factor = 0.8;  // 9600 m3/d at collection 0.6
    p.service_population = 50000;
    p.collection_rate = 0.6;
    m.inventory.plants.push_back(p);
    scenarios::refresh_sources(m);
    scenarios::Measure x;
    x.kind = scenarios::MeasureKind::PlantCollection;
    x.value = 0.9;  // would need 9600·0.9/0.6 = 14400 m3/d > 12000
    x.has_value = true;
    scenarios::apply_measure(m, x);
    CHECK_THAT(m.sources[0].flow_m3s, WithinRel(12000.0 / 86400.0, 1e-12));
    // effective collection 0.6·12000/9600 = 0.75; uncollected 50000·0.25·60 g·0.75 = 562.5 kg/d COD
    CHECK_THAT(m.inventory.plants[0].collection_rate, WithinRel(0.75, 1e-12));
    CHECK_THAT(kg_d(m.sources[1])[0], WithinRel(562.5, 1e-12));
}

TEST_CASE("inventory case: mass balance with k = 0 and apportionment by type", "[loads][io]") {
    auto lc = io::load_case(kCase);
    auto m = lc.model;
    m.kinetics.k20_per_d = {};
    const auto e = scenarios::evaluate(m);
    // outlet load = every source + headwater and lateral background, to 1e-9 relative
    for (int c = 0; c < kNumConstituents; ++c) {
        double in = 0;
        for (const auto& s : m.sources) in += s.load_gs[c];
        for (std::size_t i = 0; i < m.net.size(); ++i)
            in += m.net.headwater_flow_m3s[i] * m.net.headwater_conc_mgL[i][c] +
                  m.net.lateral_flow_m3s[i] * m.net.lateral_conc_mgL[i][c];
        CHECK_THAT(e.steady.outlet_load_gs[c], WithinRel(in, 1e-9));
    }
}

TEST_CASE("inventory reader: bad records named by file, record and field, all at once", "[loads][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = scratch_case("qingliu_bad_inventory");
    {
        std::ofstream f(dir / "farms.csv");
        f << "farm_id,name,town,reach_id,species,scale,head_count,utilisation,in_prohibited_zone\n"
             "F1,a,t,T1,pig,scale,-5,0.75,no\n"
             "F2,b,t,T1,yak,household,20,0.5,maybe\n"
             "F3,c,t,XX,pig,scale,20,1.5,no\n";
    }
    {
        std::ofstream f(dir / "plants.csv");
        f << "plant_id,name,town,reach_id,position_km,capacity_m3d,standard\n"
             "WWTP1,a,t,R1,5,20000,GB18918-9Z\n"
             "WWTP2,b,t,T1,3,1000,GB18918-1B\n";
    }
    {
        const InputError e = test::rejection(dir);
        auto has = [&](const std::string& file, const std::string& rec, const std::string& field) {
            for (const auto& p : e.problems())
                if (p.file.find(file) != std::string::npos && p.record == rec && p.field == field) return true;
            return false;
        };
        CHECK(has("farms.csv", "row 2", "head_count"));          // negative head count
        CHECK(has("farms.csv", "row 3", "species"));             // no coefficient for the species
        CHECK(has("farms.csv", "row 3", "in_prohibited_zone"));  // not yes/no
        CHECK(has("farms.csv", "row 4", "reach_id"));            // unknown reach
        CHECK(has("farms.csv", "row 4", "utilisation"));         // out of range
        CHECK(has("plants.csv", "row 2", "standard"));           // unknown standard
        CHECK(e.problems().size() >= 6);
    }
    fs::remove_all(dir);
}

TEST_CASE("farms inside a prohibited-zone polygon are flagged", "[loads][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = scratch_case("qingliu_zone_inventory", R"(prohibited_zones = "zones.geojson")");
    {
        std::ofstream f(dir / "farms.csv");
        f << "farm_id,name,town,reach_id,species,scale,head_count,utilisation,x,y\n"
             "F1,inside,t,T1,pig,scale,100,0.75,5,5\n"
             "F2,outside,t,T1,pig,scale,100,0.75,50,5\n";
    }
    {
        std::ofstream f(dir / "zones.geojson");
        f << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"z"},)"
             R"("geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}}]})";
    }
    const auto lc = io::load_case(dir.string());
    REQUIRE(lc.model.inventory.farms.size() == 2);
    CHECK(lc.model.inventory.farms[0].in_prohibited_zone);
    CHECK_FALSE(lc.model.inventory.farms[1].in_prohibited_zone);
    fs::remove_all(dir);
}

TEST_CASE("a case's coefficients table overrides the shipped rows", "[loads][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = scratch_case("qingliu_coef_inventory", R"(coefficients = "coef.csv")");
    std::ofstream(dir / "coef.csv") << "category,key,parameter,value,unit,low,high,source\n"
                                       "livestock_entry,scale,entry,0.5,1,0.4,0.6,local survey\n";
    const auto base = io::load_case(kCase);
    const auto over = io::load_case(dir.string());
    const double shipped = loads::default_coefficients().find("livestock_entry", "scale", "entry")->value;
    // load ∝ entry: ratio 0.5 / shipped, exact to rounding
    CHECK_THAT(by_id(over.model, "F1").load_gs[0], WithinRel(by_id(base.model, "F1").load_gs[0] * 0.5 / shipped, 1e-12));
    CHECK(by_id(over.model, "F2").load_gs[0] == by_id(base.model, "F2").load_gs[0]);  // household rows untouched
    fs::remove_all(dir);
}

TEST_CASE("diffuse records without reach_id are placed by sub-catchment polygons", "[loads][io]") {
    namespace fs = std::filesystem;
    const fs::path dir = scratch_case("qingliu_catchment_inventory", R"(catchments = "catchments.geojson")");
    // two catchments side by side: x in [0,10] drains to T1, x in [10,20] to R2
    std::ofstream(dir / "catchments.geojson")
        << R"({"type":"FeatureCollection","features":[)"
           R"({"type":"Feature","properties":{"reach_id":"T1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}},)"
           R"({"type":"Feature","properties":{"reach_id":"R2"},"geometry":{"type":"Polygon","coordinates":[[[10,0],[20,0],[20,10],[10,10],[10,0]]]}}]})";
    std::ofstream(dir / "cropland.csv") << "field_id,town,crop,area_mu,x,y\nC1,a,paddy,10000,3,4\nC2,b,vegetable,3000,15,2\n";
    const auto lc = io::load_case(dir.string());
    const auto& m = lc.model;
    CHECK(m.net.topo.id(by_id(m, "C1").reach) == "T1");
    CHECK(m.net.topo.id(by_id(m, "C2").reach) == "R2");
    CHECK(by_id(m, "C2").end_m == 8000.0);  // spread along R2 (8 km)
    fs::remove_all(dir);
}

TEST_CASE("standards may limit the given items; the shipped GB 18918-2002 rows set BOD5 and TN", "[loads][given]") {
    // GB 18918-2002 Table 1 (reference/standards.md): BOD5 10 / 20 / 30 / 60, TN 15 / 20 / - / - mg/L
    const auto& shipped = loads::default_standards();
    auto item = [&](const char* key, GivenItem i) { return shipped.find(key)->item_limit_mgL[static_cast<std::size_t>(i)]; };
    CHECK(item("GB18918-1A", GivenItem::BOD5) == 10.0);
    CHECK(item("GB18918-1A", GivenItem::TN) == 15.0);
    CHECK(item("GB18918-1B-pre2006", GivenItem::BOD5) == 20.0);
    CHECK(item("GB18918-1B", GivenItem::TN) == 20.0);
    CHECK(item("GB18918-3", GivenItem::BOD5) == 60.0);
    CHECK(std::isnan(item("GB18918-2", GivenItem::TN)));
    CHECK(std::isnan(item("DB51/2311-2016", GivenItem::BOD5)));  // not set: the table does not claim it
    CHECK(std::isnan(item("GB18918-1A", GivenItem::DO)));
    Problems p;
    const auto s = loads::parse_standards("standard,cod_mgL,nh3n_mgL,tp_mgL,codmn_mgL,do_mgL,tn_mgL,source\n"
                                          "X,40,2,0.4,12,5,-1,test\n",
                                          "std.csv", p);
    CHECK(s.find("X")->item_limit_mgL[static_cast<std::size_t>(GivenItem::CODMn)] == 12.0);
    REQUIRE(p.items().size() == 2);  // DO is never an effluent limit; TN must be > 0
    CHECK(p.items()[0].field == "do_mgL");
    CHECK(p.items()[1].field == "tn_mgL");
    CHECK(p.items()[1].record == "row 2");
}
