// `qingliu compare` on a case with [water_quality]: its grid and compare.csv list every GB 3838 item of the
// water-quality model, cell by cell the values `qingliu water-quality` gives, classified here independently from the
// limits of GB 3838-2002 table 1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "../common/command_output.hpp"
#include "helpers.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// GB 3838-2002 table 1 limits for classes I..V (mg/L), written here from the standard (the code reads its own
// copy, data/standards/gb3838_2002.csv): DO item 3 (not less than), CODMn 4, COD 5, BOD5 6,
// NH3-N 7, TP 8 (rivers; lakes and reservoirs), TN 9 (lakes and reservoirs only).
struct Limits {
    std::array<double, 5> v;
    bool minimum;
};
const Limits* gb_limits(const std::string& key, bool lake) {
    static const std::map<std::string, Limits> any = {{"do", {{7.5, 6, 5, 3, 2}, true}},
                                                      {"codmn", {{2, 4, 6, 10, 15}, false}},
                                                      {"cod", {{15, 15, 20, 30, 40}, false}},
                                                      {"bod5", {{3, 3, 4, 6, 10}, false}},
                                                      {"nh3n", {{0.15, 0.5, 1.0, 1.5, 2.0}, false}}};
    static const Limits tp_river{{0.02, 0.1, 0.2, 0.3, 0.4}, false}, tp_lake{{0.01, 0.025, 0.05, 0.1, 0.2}, false},
        tn_lake{{0.2, 0.5, 1.0, 1.5, 2.0}, false};
    if (key == "tp") return lake ? &tp_lake : &tp_river;
    if (key == "tn") return lake ? &tn_lake : nullptr;
    const auto it = any.find(key);
    return it == any.end() ? nullptr : &it->second;
}
/// The best class whose limit the value meets (1..5), else 6 (worse than V).
int gb_class(const Limits& l, double x) {
    for (int c = 0; c < 5; ++c)
        if (l.minimum ? x >= l.v[c] : x <= l.v[c]) return c + 1;
    return 6;
}
int roman_class(const std::string& s) {
    static const std::map<std::string, int> m = {{"I", 1}, {"II", 2}, {"III", 3}, {"IV", 4}, {"V", 5}, {"劣V", 6}};
    const auto it = m.find(s);
    return it == m.end() ? 0 : it->second;
}
double number(const std::string& s) {
    REQUIRE(!s.empty());
    return std::stod(s);
}

}  // namespace

TEST_CASE("compare on a case with [water_quality] lists every GB 3838 item as qingliu water-quality computes it",
          "[compare][water_quality][cli]") {
    const std::vector<std::string> keys = {"do", "codmn", "cod", "bod5", "nh3n", "tp", "tn"};
    for (const char* name : {"leshan", "ledu"}) {
        INFO("case " << name);
        const fs::path dir = source_dir() / "data/cases" / name;
        const fs::path work = temp_dir(std::string("compare-items-") + name);
        std::string log;
        REQUIRE(run_cli("--quiet --store " + (work / "a.sqlite").string() + " compare " + dir.string() + " --out " +
                            (work / "cmp").string(),
                        &log) == 0);
        REQUIRE(run_cli("--quiet --store " + (work / "b.sqlite").string() + " water-quality " + dir.string() + " --out " +
                            (work / "wq").string(),
                        &log) == 0);
        const auto cmp = read_csv(work / "cmp" / "compare.csv");
        const auto wq = read_csv(work / "wq" / "water_quality_sections.csv");
        REQUIRE(!cmp.empty());
        REQUIRE(cmp.size() == wq.size());  // one row per scenario and section in both
        std::map<std::pair<std::string, std::string>, const std::map<std::string, std::string>*> by_cell;
        for (const auto& r : wq) by_cell[{r.at("scenario_id"), r.at("section_id")}] = &r;
        std::map<std::pair<std::string, std::string>, int> baseline_class;
        int assessed = 0;
        for (const auto& c : cmp) {
            const auto it = by_cell.find({c.at("scenario"), c.at("section_id")});
            REQUIRE(it != by_cell.end());
            const auto& w = *it->second;
            INFO(c.at("scenario") << " " << c.at("section_id"));
            const bool lake = w.at("water_body") == "lake";
            const int target = roman_class(c.at("target_class"));
            REQUIRE(target >= 1);
            int worst = 0;
            for (const auto& k : keys) {
                INFO(k);
                const double exact = number(w.at(k + "_mgL"));  // 12 significant digits
                const double shown = number(c.at("wq_" + k + "_mgL"));
                CHECK(shown == Approx(exact).epsilon(1e-5).margin(1e-12));  // compare.csv: 6 significant digits
                const Limits* l = gb_limits(k, lake);
                if (!l) {  // TN in a river: no limit, not classified
                    CHECK(c.at("wq_" + k + "_class").empty());
                    CHECK(c.at("wq_" + k + "_exceedance").empty());
                    continue;
                }
                const int cls = gb_class(*l, exact);
                ++assessed;
                CHECK(roman_class(c.at("wq_" + k + "_class")) == cls);
                CHECK(roman_class(w.at(k + "_class")) == cls);
                worst = std::max(worst, cls);
                if (cls > target) {
                    const double lim = l->v[static_cast<std::size_t>(target - 1)];
                    // multiple value / limit - 1, DO its shortfall limit - value (mg/L); 6 significant digits
                    const double want = l->minimum ? lim - exact : exact / lim - 1.0;
                    CHECK(number(c.at("wq_" + k + "_exceedance")) == Approx(want).epsilon(1e-5).margin(1e-9));
                } else {
                    CHECK(c.at("wq_" + k + "_exceedance").empty());
                }
            }
            // the section's class is its worst item's
            CHECK(roman_class(c.at("wq_class")) == worst);
            CHECK(c.at("wq_meets") == (worst <= target ? "yes" : "no"));
            CHECK(c.at("wq_exceeding") == w.at("exceeding_en"));
            CHECK(c.at("wq_exceeding_zh") == w.at("exceeding_zh"));
            CHECK(c.at("wq_exceeding").empty() == (worst <= target));
            if (c.at("scenario") == "baseline")
                baseline_class[{"", c.at("section_id")}] = worst;
            else
                CHECK(std::stoi(c.at("wq_class_change")) == worst - baseline_class.at({"", c.at("section_id")}));
            // the routed three-constituent columns stay those of the load model
            CHECK(!c.at("cod_mgL").empty());
            CHECK(!c.at("class").empty());
        }
        CHECK(assessed >= static_cast<int>(cmp.size()) * 6);
        // the console grid of the baseline and one scenario (narrow enough that no cell wraps): ✓ for each section
        // meeting its target over every item, ✗ for each one missing it and for each exceeding item under it
        std::string console;
        REQUIRE(run_cli("--store " + (work / "a.sqlite").string() + " compare " + dir.string() + " -s plan --out " +
                            (work / "cmp2").string(),
                        &console) == 0);
        const std::size_t grid_end = console.find("类别 class, 浓度 mg/L");  // the grid's legend
        REQUIRE(grid_end != std::string::npos);
        const std::string grid = console.substr(0, grid_end);
        int meets = 0, marks = 0;
        for (const auto& c : cmp) {
            if (c.at("scenario") != "baseline" && c.at("scenario") != "plan") continue;
            meets += c.at("wq_meets") == "yes" ? 1 : 0;
            marks += c.at("wq_meets") == "yes" ? 0 : 1;
            for (const auto& k : keys) marks += c.at("wq_" + k + "_exceedance").empty() ? 0 : 1;
        }
        CHECK(occurrences(grid, "✓") == meets);
        CHECK(occurrences(grid, "✗") == marks);
        CHECK(meets + marks > 0);
        // a row per item under every section, labelled as in the variable table
        for (const char* k : {"溶解氧 DO", "高锰酸盐指数 CODMn", "化学需氧量 COD", "五日生化需氧量 BOD5", "氨氮 NH3-N", "总磷 TP", "总氮 TN"})
            CHECK(occurrences(grid, std::string("\n  ") + k + " ") == static_cast<int>(baseline_class.size()));
        fs::remove_all(work);
    }
}
