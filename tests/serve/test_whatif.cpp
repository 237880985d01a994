// What-if selections (analyses/whatif.hpp) without HTTP: the linear path agrees with the full solve, margins and
// exceeding parameters follow from the class limits, bad selections are refused whole, and a selection saved into
// the scenarios file reads back into the same numbers (also through `qingliu compare`).
#include <catch2/catch.hpp>

#include <cmath>

#include "../io/helpers.hpp"
#include "common/csv_text.hpp"
#include "io/case_reader.hpp"
#include "io/scenario_reader.hpp"
#include "analyses/whatif.hpp"
#include "serve/scenario_file.hpp"

using namespace qingliu;
using namespace qingliu::test;
using scenarios::Selection;

namespace {

struct Loaded {
    io::LoadedCase lc;
    io::ScenarioRecords rec;
    std::unique_ptr<scenarios::WhatIf> w;
};
std::unique_ptr<Loaded> load(const fs::path& dir) {
    auto l = std::make_unique<Loaded>();
    l->lc = io::load_case(dir.string());
    Problems p;
    l->rec = io::read_scenario_records((dir / "scenarios.toml").string(), p);
    REQUIRE(p.empty());
    l->w = std::make_unique<scenarios::WhatIf>(l->lc.model, l->rec.measures);
    return l;
}

/// The full steady solve of the compiled selection, as `qingliu compare` evaluates a scenario.
std::vector<scenarios::SectionResult> full(const scenarios::CaseModel& m, const scenarios::Scenario& s) {
    return scenarios::evaluate(scenarios::apply_scenario(m, s)).sections;
}

Selection measures_on(std::initializer_list<const char*> ids) {
    Selection s;
    for (const char* id : ids) s.measures.push_back({id, std::nullopt, std::nullopt});
    return s;
}

}  // namespace

TEST_CASE("whatif: every single measure of the shipped cases agrees with the full solve", "[whatif]") {
    for (const char* c : {"leshan", "ledu", "shizhong"}) {
        const auto l = load(source_dir() / "data/cases" / c);
        int linear = 0;
        for (const auto& spec : l->w->measures()) {
            INFO(c << " measure " << spec.id);
            const Selection sel = measures_on({spec.id.c_str()});
            const auto sc = l->w->compile(l->w->records(sel, "t"));
            const auto o = l->w->evaluate(sc);
            const auto f = full(l->lc.model, sc);
            linear += o.linear ? 1 : 0;
            REQUIRE(o.sections.size() == f.size());
            for (std::size_t k = 0; k < f.size(); ++k) {
                for (int q = 0; q < kNumConstituents; ++q)
                    // linear response vs full solve: superposition is exact up to rounding (README: ~5e-15 relative)
                    CHECK(o.sections[k].result.conc_mgL[q] == Approx(f[k].conc_mgL[q]).epsilon(1e-9));
                CHECK(o.sections[k].result.cls.overall == f[k].cls.overall);
            }
            CHECK(o.invest_wan == spec.invest_wan);
            CHECK(o.annual_wan == spec.annual_wan);
        }
        // source-level measures (plant standards, outfall remediation) took the linear path
        if (std::string(c) == "leshan") CHECK(linear >= 2);
    }
}

TEST_CASE("whatif: margin and exceeding parameters follow from the GB 3838 limits", "[whatif]") {
    const auto l = load(source_dir() / "data/cases/leshan");
    const auto o = l->w->evaluate(Selection{});
    const auto& m = l->lc.model;
    int exceeding = 0;
    for (std::size_t k = 0; k < m.sections.size(); ++k) {
        const auto& s = o.sections[k];
        double margin = 1e300;
        std::vector<int> over;
        for (auto c : kConstituents) {
            const double lim = m.classes.limit(key(c), m.sections[k].water_body, m.sections[k].target_class);
            const double v = s.result.conc_mgL[idx(c)];
            margin = std::min(margin, (lim - v) / lim);
            if (v > lim) over.push_back(idx(c));
        }
        CHECK(s.margin == Approx(margin).epsilon(1e-12));  // same formula, computed apart
        CHECK(s.exceeding == over);
        CHECK(s.result.cls.meets == over.empty());
        exceeding += over.empty() ? 0 : 1;
    }
    CHECK(exceeding > 0);  // the Leshan baseline misses targets on the Mangxi (README: IV -> III)
}

TEST_CASE("whatif: outfall actions, knobs and cost reuse", "[whatif]") {
    const auto l = load(source_dir() / "data/cases/leshan");
    const auto outs = l->w->outfalls();
    REQUIRE(outs.size() >= 3);
    const auto& m = l->lc.model;
    SECTION("closing an outfall removes its water: full solve, identical to apply_scenario") {
        Selection sel;
        sel.outfalls.push_back({m.sources[outs[0]].id, "close", "", std::nullopt, std::nullopt});
        const auto rec = l->w->records(sel, "t");
        const auto sc = l->w->compile(rec);
        const auto o = l->w->evaluate(sc);
        const auto f = full(m, sc);
        for (std::size_t k = 0; k < f.size(); ++k)
            for (int q = 0; q < kNumConstituents; ++q) CHECK(o.sections[k].result.conc_mgL[q] == f[k].conc_mgL[q]);
    }
    SECTION("an action equal to a case measure on that outfall alone reuses the record and its cost") {
        Selection sel;
        sel.outfalls.push_back({"OF-MX4", "close", "", std::nullopt, std::nullopt});
        const auto rec = l->w->records(sel, "t");
        REQUIRE(rec.scenario.measures == std::vector<std::string>{"outfall_close_industrial"});
        CHECK(rec.added.empty());
        CHECK(l->w->evaluate(l->w->compile(rec)).invest_wan == 150.0);  // invest_wan of that record
    }
    SECTION("a changed rate is a new record with that value; the case's value is the same record") {
        Selection sel = measures_on({"manure90"});
        sel.measures[0].value = 0.9;  // the record's own rate
        auto rec = l->w->records(sel, "t");
        CHECK(rec.added.empty());
        sel.measures[0].value = 0.8;
        rec = l->w->records(sel, "t");
        REQUIRE(rec.added == std::vector<std::string>{"t-manure90"});
        CHECK(std::get<double>(rec.measures[0].params.at("rate").value) == 0.8);
        // a lower utilisation leaves more manure load: no section gets cleaner than at 90 %
        const auto lo = l->w->evaluate(l->w->compile(rec));
        const auto hi = l->w->evaluate(measures_on({"manure90"}));
        for (std::size_t k = 0; k < lo.sections.size(); ++k)
            for (int q = 0; q < kNumConstituents; ++q) CHECK(lo.sections[k].result.conc_mgL[q] >= hi.sections[k].result.conc_mgL[q] * (1 - 1e-12));
    }
    SECTION("bad selections are refused with every problem named") {
        Selection sel = measures_on({"nope", "manure90", "manure90"});
        sel.measures[1].value = 1.5;
        sel.outfalls.push_back({"NOT-AN-OUTFALL", "close", "", std::nullopt, std::nullopt});
        sel.outfalls.push_back({m.sources[outs[0]].id, "explode", "", std::nullopt, std::nullopt});
        sel.outfalls.push_back({m.sources[outs[1]].id, "connect", "NO-PLANT", std::nullopt, std::nullopt});
        sel.outfalls.push_back({m.sources[outs[2]].id, "remediate", "", 120.0, std::nullopt});
        try {
            l->w->records(sel, "t");
            FAIL("accepted");
        } catch (const InputError& e) {
            // unknown measure, chosen twice, rate out of range, unknown outfall,
            // bad action, unknown plant, share out of range
            CHECK(e.problems().size() == 7);
            std::string all;
            for (const auto& p : e.problems()) all += format_problem(p) + "\n";
            CHECK_THAT(all, Catch::Contains("nope") && Catch::Contains("NOT-AN-OUTFALL") && Catch::Contains("explode") &&
                                Catch::Contains("NO-PLANT") && Catch::Contains("chosen twice"));
        }
    }
}

TEST_CASE("whatif: a saved selection is read back by run/compare with identical numbers", "[whatif][save]") {
    const fs::path dir = copy_case(source_dir() / "data/cases/leshan", "whatif-save");
    const auto l = load(dir);
    const std::string before = read_file(dir / "scenarios.toml");
    Selection sel = measures_on({"treat95", "upgrade", "manure90"});
    sel.measures[0].value = 0.9;
    sel.measures[1].standard = "GB3838-IV";
    sel.outfalls.push_back({"OF-MX2", "connect", "WTQ-T4", std::nullopt, std::nullopt});  // a case measure (reused)
    sel.outfalls.push_back({"OF-MX1", "remediate", "", 55.0, std::nullopt});             // new record
    auto rec = l->w->records(sel, "desk1");
    rec.scenario.name = "窗口测试 \"引号\"";
    const auto o = l->w->evaluate(l->w->compile(rec));
    serve::append_atomically((dir / "scenarios.toml").string(), serve::scenario_toml(rec));
    const std::string after = read_file(dir / "scenarios.toml");
    REQUIRE(after.substr(0, before.size()) == before);  // existing content kept byte for byte
    CHECK_THAT(after, Catch::Contains("id = \"desk1-treat95\"") && Catch::Contains("id = \"desk1-OF-MX1-remediate\""));
    // read back: the scenario evaluates, in full, to the numbers the selection gave
    const io::LoadedCase again = io::load_case(dir.string());
    const scenarios::Scenario* saved = nullptr;
    for (const auto& s : again.scenarios)
        if (s.id == "desk1") saved = &s;
    REQUIRE(saved);
    CHECK(saved->name == "窗口测试 \"引号\"");
    CHECK(saved->invest_wan() == o.invest_wan);
    const auto f = full(again.model, *saved);
    REQUIRE(f.size() == o.sections.size());
    for (std::size_t k = 0; k < f.size(); ++k)
        for (int q = 0; q < kNumConstituents; ++q)
            CHECK(f[k].conc_mgL[q] == Approx(o.sections[k].result.conc_mgL[q]).epsilon(1e-12));  // same records, same solve
    // `qingliu compare` on the saved scenario prints the same classes and concentrations (6 significant digits)
    const fs::path work = temp_dir("whatif-cmp");
    std::string out;
    REQUIRE(run_cli("--store " + (work / "r.sqlite").string() + " -q compare " + dir.string() + " -s desk1 --out " + (work / "cmp").string(), &out) == 0);
    const auto rows = read_csv_rows(work / "cmp" / "compare.csv");
    auto col = [&](const char* n) { return column(rows[0], n); };
    int checked = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r][col("scenario")] != "desk1") continue;
        std::size_t k = 0;
        while (k < again.model.sections.size() && again.model.sections[k].id != rows[r][col("section_id")]) ++k;
        REQUIRE(k < o.sections.size());
        CHECK(rows[r][col("class")] == reaches::class_roman(o.sections[k].result.cls.overall));
        double v = 0;
        REQUIRE(parse_double(rows[r][col("tp_mgL")], v));
        CHECK(v == Approx(o.sections[k].result.conc_mgL[2]).epsilon(1e-5));  // written with 6 significant digits
        ++checked;
    }
    CHECK(checked == static_cast<int>(o.sections.size()));
}
