// A case choosing its GB 3838 items ([water_quality] items, common/item_set.hpp) on the Leshan case: the chosen
// items' numbers are those of the full set, each section's class is the worst of the full set's classes of the
// chosen items (each checked against GB 3838-2002 Table 1 restated in test_water_quality_cli.cpp), the outputs list
// the chosen items only, and unknown names are input problems with the nearest item key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "analyses/water_quality.hpp"
#include "common/item_set.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// The Leshan case with `line` appended to its last table, [water_quality].
fs::path leshan_with(const std::string& tag, const std::string& line) {
    const fs::path dir = copy_case(source_dir() / "data/cases/leshan", tag);
    write_file(dir / "case.toml", read_file(dir / "case.toml") + line + "\n");
    return dir;
}

}  // namespace

TEST_CASE("a case's chosen items: the same numbers as the full set, the class over the chosen items only",
          "[water-quality][items]") {
    const io::LoadedCase full = io::load_case((source_dir() / "data/cases/leshan").string());
    REQUIRE(full.water_quality.options.items == ItemSet::all());  // no items key: every item
    const auto ef = scenarios::evaluate_water_quality(full.model, full.water_quality.options);
    // the number of sections whose class over `chosen` is better than over every item
    auto check = [&](const std::vector<std::string>& chosen, const std::string& toml) {
        const fs::path dir = leshan_with("wq-items", "items = " + toml);
        const io::LoadedCase sub = io::load_case(dir.string());
        REQUIRE(sub.water_quality.options.items.keys() == chosen);
        const auto es = scenarios::evaluate_water_quality(sub.model, sub.water_quality.options);
        REQUIRE(es.sections.size() == ef.sections.size());
        REQUIRE(!es.sections.empty());
        int better = 0;
        for (std::size_t s = 0; s < es.sections.size(); ++s) {
            const auto& f = ef.sections[s].evaluation;
            const auto& e = es.sections[s].evaluation;
            INFO("section " << sub.model.sections[s].id << ", items " << toml);
            REQUIRE(e.items.size() == chosen.size());
            int worst = 0;
            for (std::size_t i = 0; i < chosen.size(); ++i) {
                CHECK(e.items[i].key == chosen[i]);
                const auto it = std::find_if(f.items.begin(), f.items.end(), [&](const auto& c) { return c.key == chosen[i]; });
                REQUIRE(it != f.items.end());
                // the same solve: equal to rounding (1e-12 relative)
                CHECK(std::abs(e.items[i].value_mgL - it->value_mgL) <= 1e-12 * std::max(1.0, std::abs(it->value_mgL)));
                CHECK(e.items[i].cls == it->cls);
                REQUIRE(it->cls > 0);  // every chosen item is assessed in rivers
                worst = std::max(worst, it->cls);
            }
            // the section's class: the worst of the chosen items' classes in the full set's evaluation
            CHECK(e.overall == worst);
            CHECK(e.meets == (worst <= sub.model.sections[s].target_class));
            CHECK(e.overall <= f.overall);  // fewer items can only improve the class
            for (int k : e.exceeding) CHECK(std::find(chosen.begin(), chosen.end(), e.items[k].key) != chosen.end());
            if (e.overall < f.overall) ++better;
        }
        fs::remove_all(dir);
        return better;
    };
    check({"do", "bod5", "nh3n", "tp"}, "[\"do\", \"bod5\", \"nh3n\", \"tp\"]");
    // in the order of GB 3838 table 1 whatever the order given; without BOD5 and TP, which decide LS01 (class III:
    // BOD5 3.17, TP 0.140 mg/L), LS01 is class II (CODMn 3.58, NH3-N 0.350 mg/L)
    CHECK(check({"do", "codmn", "nh3n"}, "[\"nh3n\", \"do\", \"codmn\"]") >= 1);
}

TEST_CASE("the chosen items alone in water_quality_sections.csv and compare.csv", "[water-quality][items][cli]") {
    const fs::path dir = leshan_with("wq-items-cli", "items = [\"do\", \"bod5\", \"nh3n\", \"tp\"]");
    std::string log;
    const std::string store = "--store " + (dir / "s.sqlite").string() + " ";
    REQUIRE(run_cli(store + "water-quality " + dir.string() + " --out " + (dir / "wq").string(), &log) == 0);
    CHECK(log.find("items assessed: do, bod5, nh3n, tp") != std::string::npos);
    REQUIRE(run_cli(store + "--quiet compare " + dir.string() + " --out " + (dir / "cmp").string(), &log) == 0);
    for (const auto& [file, prefix] : {std::pair<fs::path, std::string>{dir / "wq" / "water_quality_sections.csv", ""},
                                       {dir / "cmp" / "compare.csv", "wq_"}}) {
        INFO(file.string());
        const auto rows = read_csv_rows(file);
        REQUIRE(rows.size() > 1);
        const auto& h = rows.front();
        auto has = [&](const std::string& c) { return std::find(h.begin(), h.end(), prefix + c) != h.end(); };
        for (const char* k : {"do", "bod5", "nh3n", "tp"}) {
            CHECK(has(std::string(k) + "_mgL"));
            CHECK(has(std::string(k) + "_class"));
        }
        for (const char* k : {"codmn", "cod", "tn"}) {
            CHECK_FALSE(has(std::string(k) + "_mgL"));
            CHECK_FALSE(has(std::string(k) + "_exceedance"));
        }
        // the deciding items are chosen ones
        const auto col = std::find(h.begin(), h.end(), "deciding");
        if (col != h.end())
            for (std::size_t r = 1; r < rows.size(); ++r)
                for (const char* k : {"codmn", "cod;", "tn"}) CHECK(rows[r][col - h.begin()].find(k) == std::string::npos);
    }
    fs::remove_all(dir);
}

TEST_CASE("unknown [water_quality] items: one problem each, with the nearest item key", "[water-quality][items]") {
    const fs::path dir = leshan_with("wq-items-bad", "items = [\"do\", \"bod\", \"NH3-N\", \"orgn\", \"xyz123\"]");
    const InputError e = test::rejection(dir);
    REQUIRE(e.problems().size() == 4);
    auto problem = [&](const std::string& value) -> std::string {
        for (const auto& p : e.problems())
            if (p.value == value) {
                CHECK(p.field == "water_quality.items");
                CHECK(p.file == (dir / "case.toml").string());
                return p.message;
            }
        FAIL("no problem for " << value);
        return "";
    };
    CHECK_THAT(problem("bod"), Catch::Contains("unknown item: did you mean bod5?"));
    CHECK_THAT(problem("NH3-N"), Catch::Contains("did you mean nh3n?"));
    CHECK_THAT(problem("orgn"), Catch::Contains("species of the kinetics") && Catch::Contains("nh3n, tn"));
    const std::string far = problem("xyz123");
    CHECK_THAT(far, Catch::Contains("unknown item (items: do, codmn, cod, bod5, nh3n, tp, tn)"));
    fs::remove_all(dir);
}
