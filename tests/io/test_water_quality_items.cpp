// A case choosing its GB 3838 items ([water_quality] items, common/item_set.hpp) on the Leshan case: the chosen
// items' numbers are those of the full set, each section's class is the worst over the chosen items by GB 3838-2002
// Table 1 restated here, the outputs list the chosen items only, and unknown names are input problems with the
// nearest item key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "analyses/water_quality.hpp"
#include "common/item_set.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// GB 3838-2002 Table 1, rivers, limits of classes I..V (mg/L): DO (at least), CODMn, COD, BOD5, NH3-N, TP
struct Limits {
    double v[5];
    bool minimum;
};
const std::map<std::string, Limits> kRiver = {
    {"do", {{7.5, 6, 5, 3, 2}, true}},          {"codmn", {{2, 4, 6, 10, 15}, false}},
    {"cod", {{15, 15, 20, 30, 40}, false}},     {"bod5", {{3, 3, 4, 6, 10}, false}},
    {"nh3n", {{0.15, 0.5, 1.0, 1.5, 2.0}, false}}, {"tp", {{0.02, 0.1, 0.2, 0.3, 0.4}, false}},
};

int gb3838_class(const Limits& l, double x) {
    for (int c = 0; c < 5; ++c)
        if (l.minimum ? x >= l.v[c] : x <= l.v[c]) return c + 1;
    return 6;
}

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
    const fs::path dir = leshan_with("wq-items", "items = [\"do\", \"bod5\", \"nh3n\", \"tp\"]");
    const io::LoadedCase sub = io::load_case(dir.string());
    const std::vector<std::string> chosen = {"do", "bod5", "nh3n", "tp"};
    REQUIRE(sub.water_quality.options.items.keys() == chosen);

    const auto ef = scenarios::evaluate_water_quality(full.model, full.water_quality.options);
    const auto es = scenarios::evaluate_water_quality(sub.model, sub.water_quality.options);
    REQUIRE(es.sections.size() == ef.sections.size());
    REQUIRE(!es.sections.empty());
    int better = 0;
    for (std::size_t s = 0; s < es.sections.size(); ++s) {
        const auto& f = ef.sections[s].evaluation;
        const auto& e = es.sections[s].evaluation;
        INFO("section " << sub.model.sections[s].id);
        REQUIRE(e.items.size() == chosen.size());
        int worst = 0;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            CHECK(e.items[i].key == chosen[i]);
            const auto it = std::find_if(f.items.begin(), f.items.end(), [&](const auto& c) { return c.key == chosen[i]; });
            REQUIRE(it != f.items.end());
            // the same solve: equal to rounding (1e-12 relative)
            CHECK(std::abs(e.items[i].value_mgL - it->value_mgL) <= 1e-12 * std::max(1.0, std::abs(it->value_mgL)));
            CHECK(e.items[i].cls == it->cls);
            worst = std::max(worst, gb3838_class(kRiver.at(chosen[i]), e.items[i].value_mgL));
        }
        // the section's class: the worst chosen item by the restated limits (every Leshan section is a river)
        CHECK(e.overall == worst);
        CHECK(e.meets == (worst <= sub.model.sections[s].target_class));
        CHECK(e.overall <= f.overall);  // fewer items can only improve the class
        for (int k : e.exceeding) CHECK(std::find(chosen.begin(), chosen.end(), e.items[k].key) != chosen.end());
        if (e.overall < f.overall) ++better;
    }
    INFO("sections with a better class over the chosen items: " << better);
    fs::remove_all(dir);
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
