// Report data written at run time and reread from the run store: apportionment adds up, profiles end at the reach-end
// concentrations, the inventory holds the case's loads.
#include <catch2/catch.hpp>

#include <cmath>

#include "../io/helpers.hpp"
#include "common/error.hpp"
#include "io/case_reader.hpp"
#include "io/export_tables.hpp"
#include "io/run_data.hpp"
#include "io/store_allocation.hpp"
#include "io/store_report.hpp"
#include "io/store_water_quality.hpp"
#include "report/html.hpp"
#include "scenarios/measures.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

struct Stored {
    io::LoadedCase lc;
    std::int64_t id = 0;
    report::ReportData d;
};

Stored store_mini(io::RunStore& store) {
    Stored s{io::load_case((source_dir() / "tests/data/mini").string()), 0, {}};
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(s.lc.model);
    const auto solved = scenarios::solve_scenarios(s.lc.model, s.lc.scenarios, so);
    s.id = io::save_run_with_report(store, io::make_run_data(s.lc, "run", io::make_results(solved)),
                                    report::collect_extras(s.lc.model, solved));
    s.d = io::load_report_data(store, s.id);
    return s;
}

}  // namespace

TEST_CASE("report data round trip through the run store", "[report][store]") {
    io::RunStore store((temp_dir("repstore") / "runs.sqlite").string());
    const Stored s = store_mini(store);
    const auto& d = s.d;
    CHECK(d.case_name == "测试小流域");
    CHECK(d.notes.empty());
    REQUIRE(d.network.size() == 6);
    CHECK(d.network[2].id == "A2");
    CHECK(d.network[2].split_to == "S1");
    CHECK(d.network[2].split_fraction == Approx(0.25).margin(1e-15));
    REQUIRE(d.scenarios.size() == 1 + s.lc.scenarios.size());
    CHECK(d.scenarios[0].id == "baseline");
    CHECK(d.scenarios[1].id == "plan");
    CHECK(d.scenarios[1].name == "规划措施");
    CHECK(d.scenarios[1].measures.size() == 3);
    // plan = upgrade_p1 (3000) + park_cut (1500) + close_p3 (800) = 5300 (10^4 yuan), from scenarios.toml
    CHECK(d.scenarios[1].invest_wan == Approx(5300.0).margin(1e-9));

    for (const auto& sc : d.scenarios) {
        INFO("scenario " << sc.id);
        REQUIRE(sc.apportionment.size() == sc.sections.size());
        for (std::size_t k = 0; k < sc.sections.size(); ++k) {
            const auto& a = sc.apportionment[k];
            CHECK(a.section_id == sc.sections[k].id);
            for (int c = 0; c < 3; ++c) {
                // linearity: background + every source type = the modelled concentration stored in section_results
                // (1e-9 relative: separate solves of one linear system, rounding only)
                double sum = 0.0;
                for (const auto& t : a.by_type) sum += t.conc_mgL[c];
                CHECK(sum == Approx(sc.sections[k].conc_mgL[c]).epsilon(1e-9));
                CHECK(a.total_mgL[c] == Approx(sc.sections[k].conc_mgL[c]).epsilon(1e-9));
            }
        }
        // the profile's last point on each reach is the reach-end concentration of reach_results: profile points
        // sample the integrated segments without splitting them, so the two are one computation (1e-12 relative:
        // the store keeps doubles; only the order of a few divisions differs).
        for (const auto& r : sc.reaches) {
            const report::ProfilePoint* last = nullptr;
            for (const auto& p : sc.profile)
                if (p.reach_id == r.id) last = &p;
            REQUIRE(last);
            for (int c = 0; c < 3; ++c) CHECK(last->conc_mgL[c] == Approx(r.conc_mgL[c]).epsilon(1e-12));
        }
    }
    // S01 sits at the head of headwater reach A1: nothing but background reaches it
    const auto& s01 = d.scenarios[0].apportionment[0];
    REQUIRE(s01.by_type.size() == 1);
    CHECK(s01.by_type[0].key == "background");
    CHECK(s01.top_sources.empty());

    // inventory: COD load of the baseline = sum of flow x concentration over sources.csv
    //   P1 0.3 x 30 + P2 0.1 x 50 + P3 0.05 x 50 = 16.5 g/s = 520.344 t/a (x 31.536)
    double cod_gs = 0.0;
    for (const auto& x : d.scenarios[0].sources) cod_gs += x.load_gs[0];
    CHECK(cod_gs == Approx(16.5).epsilon(1e-12));
    // in the plan, P3 is closed (its load is gone) and P2's COD is cut by 40 %: P2 = 5 x 0.6 = 3 g/s
    for (const auto& x : d.scenarios[1].sources) {
        if (x.id == "P3") CHECK(x.load_gs[0] == Approx(0.0).margin(1e-12));
        if (x.id == "P2") CHECK(x.load_gs[0] == Approx(3.0).epsilon(1e-12));
    }
    const auto csvs = io::report_tables(d);
    bool found = false;
    for (const auto& [name, text] : csvs)
        if (name == "loads_by_type.csv") {
            found = true;
            // baseline sewage plants: (9 + 2.5) g/s x 31.536 = 362.664 t/a, written with 6 significant digits
            CHECK(text.find("baseline,sewage_plant,污水处理厂,Sewage treatment plant,2,362.664,") != std::string::npos);
        }
    CHECK(found);
}

TEST_CASE("the case's class table is stored with the run and judges the report", "[report][store]") {
    io::RunStore store((temp_dir("repclasses") / "runs.sqlite").string());
    auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    // a case table with class III COD at 25 mg/L instead of GB 3838-2002's 20
    lc.model.classes = reaches::ClassTable::parse(
        "parameter,water_body,direction,I,II,III,IV,V,unit,source\n"
        "cod,any,max,15,15,25,30,40,mg/L,test\nnh3n,any,max,0.15,0.5,1.0,1.5,2.0,mg/L,test\n"
        "tp,river,max,0.02,0.1,0.2,0.3,0.4,mg/L,test\ntp,lake,max,0.01,0.025,0.05,0.1,0.2,mg/L,test\n",
        "test");
    const auto solved = scenarios::solve_scenarios(lc.model, {});
    const auto id = io::save_run_with_report(store, io::make_run_data(lc, "run", io::make_results(solved)),
                                             report::collect_extras(lc.model, solved));
    const auto d = io::load_report_data(store, id);
    CHECK(d.notes.empty());
    REQUIRE(d.classes.rows().size() == 4);
    CHECK(d.classes.limit("cod", reaches::WaterBody::River, 3) == 25.0);
    CHECK(d.classes.limit("tp", reaches::WaterBody::Lake, 3) == 0.05);
    CHECK_FALSE(d.classes.find("cod", reaches::WaterBody::Lake)->water_body);  // "any" comes back as any
    // COD 22 mg/L: class III by the stored table, IV by the built-in GB 3838-2002 one
    CHECK(report::reach_class(d.classes, {22.0, 0.1, 0.01}) == 3);
    CHECK(report::reach_class(reaches::ClassTable::gb3838(), {22.0, 0.1, 0.01}) == 4);
    // the surface-water effluent targets follow the same table: GB3838-III COD 25
    CHECK(scenarios::surface_water_standards(lc.model.classes)[2].limit_mgL[0] == 25.0);
}

TEST_CASE("resolve_run: latest, numbers, and clear errors", "[report][store]") {
    const fs::path db = temp_dir("represolve") / "runs.sqlite";
    io::RunStore store(db.string());
    CHECK_THROWS_AS(io::resolve_run(store, "latest"), InputError);
    const Stored a = store_mini(store);
    const Stored b = store_mini(store);
    CHECK(io::resolve_run(store, "latest") == b.id);
    CHECK(io::resolve_run(store, std::to_string(a.id)) == a.id);
    CHECK_THROWS_AS(io::resolve_run(store, "abc"), InputError);
    CHECK_THROWS_AS(io::load_report_data(store, b.id + 10), InputError);
}

TEST_CASE("a run stored without report data still gives a report, with a note", "[report][store]") {
    io::RunStore store((temp_dir("repbare") / "runs.sqlite").string());
    const auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    const auto id = store.save(io::make_run_data(lc, "run", {io::make_result(lc.model, scenarios::evaluate(lc.model), "baseline")}));
    const auto d = io::load_report_data(store, id);
    CHECK(d.notes.size() == 1);
    CHECK(d.network.size() == 6);
    CHECK(d.scenarios[0].apportionment.empty());
    const std::string html = report::render_html(d, report::make_layout(d));
    CHECK(html.find("<tr class=\"sec-row") != std::string::npos);
    CHECK(html.find("without report data") != std::string::npos);
}

TEST_CASE("a run and its report data are stored in one transaction, or not at all", "[report][store]") {
    io::RunStore store((temp_dir("repatomic") / "runs.sqlite").string());
    const auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    const io::RunData rd = io::make_run_data(lc, "run", {io::make_result(lc.model, scenarios::evaluate(lc.model), "baseline")});
    const auto solved = scenarios::solve_scenarios(lc.model, {});
    const io::ReportExtras x = report::collect_extras(lc.model, solved);
    // The extras fail after the core tables and part of the report tables are written: nothing of the run stays.
    CHECK_THROWS_AS(store.save(rd, [&](std::int64_t id) {
                        io::save_report_extras(store, id, x);
                        throw OutputError("disk full");
                    }),
                    OutputError);
    CHECK(store.list().empty());
    CHECK_THROWS_AS(io::resolve_run(store, "latest"), InputError);
    // Report data outside a run's transaction is refused rather than written row by row.
    const auto id = store.save(rd);
    CHECK_THROWS_AS(io::save_report_extras(store, id, x), OutputError);
    // Saved together, the run comes back with its report data (no note about missing data).
    const auto id2 = io::save_run_with_report(store, rd, x);
    CHECK(io::load_report_data(store, id2).notes.empty());
    CHECK(store.list().size() == 2);
}

TEST_CASE("load allocation and water-quality tables come back from the run store field for field", "[report][store]") {
    // every field of every row a value of its own, so that two columns swapped or one left out shows
    report::AllocationTable a;
    a.condition = "dry";
    a.condition_label = "dry: driest month";
    a.condition_label_zh = "枯水期";
    a.mos = 0.1;
    for (int k = 0; k < 2; ++k) {
        report::AllocationRow x;
        x.by = k ? "type" : "town";
        x.section_id = "S" + std::to_string(k);
        x.section_name = "断面" + std::to_string(k);
        x.constituent = k ? "tp" : "nh3n";
        x.method = k ? "gini" : "contribution";
        x.unit = k ? "livestock" : "五通桥";
        x.current_t_a = 10.0 + k;
        x.allowed_t_a = 7.0 + k;
        x.cut_t_a = 3.0 + 0.5 * k;
        x.cut_share = 0.3 + 0.01 * k;
        x.section_mgL = 0.2 + k;
        x.total_mgL = 0.4 + k;
        x.target_mgL = 0.18 + k;
        x.feasible = k == 0;
        x.gini_indicators = {"population", "area"};
        x.gini_current = {0.25 + k, 1.0 / 3.0};
        x.gini_allowed = {0.2, 0.1 + k};
        a.rows.push_back(x);
    }
    report::WaterQualityTable w;
    w.model = "elements";
    w.elements_per_reach = 4;
    w.reaeration = "owens_gibbs";
    w.temperature_c = 12.5;
    w.inflow_do_share = 0.9;
    w.scenarios = {{"baseline", "design", "设计流量", "design flow"}, {"plan", "dry", "枯水", "dry"}};
    for (int k = 0; k < 2; ++k) {
        report::WaterQualityRow x;
        x.scenario = k ? "plan" : "baseline";
        x.section_id = "S" + std::to_string(k);
        x.name = "断面" + std::to_string(k);
        x.name_en = "Section " + std::to_string(k);
        x.river = k ? "茫溪河" : "岷江";
        x.reach_id = "R" + std::to_string(k);
        x.water_body = k ? "lake" : "river";
        x.position_km = 1.5 + k;
        x.target_class = 3 + k;
        x.flow_m3s = 40.0 + k;
        x.evaluation.overall = 4 - k;
        x.evaluation.meets = k == 1;
        w.rows.push_back(x);
    }
    io::RunStore store((temp_dir("store-columns") / "runs.sqlite").string());
    const auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    const auto id = store.save(io::make_run_data(lc, "run", {io::make_result(lc.model, scenarios::evaluate(lc.model), "baseline")}),
                               [&](std::int64_t run) {
                                   io::save_allocation(store, run, a);
                                   io::save_water_quality(store, run, w);
                               });
    const auto a2 = io::load_allocation(store, id);
    REQUIRE(a2);
    CHECK(a2->condition == a.condition);
    CHECK(a2->condition_label == a.condition_label);
    CHECK(a2->condition_label_zh == a.condition_label_zh);
    CHECK(a2->mos == a.mos);
    REQUIRE(a2->rows.size() == 2);
    for (int k = 0; k < 2; ++k) {
        const auto &x = a.rows[k], &y = a2->rows[k];
        CHECK(y.by == x.by);
        CHECK(y.section_id == x.section_id);
        CHECK(y.section_name == x.section_name);
        CHECK(y.constituent == x.constituent);
        CHECK(y.method == x.method);
        CHECK(y.unit == x.unit);
        // reals are stored as doubles: back bit for bit
        CHECK(y.current_t_a == x.current_t_a);
        CHECK(y.allowed_t_a == x.allowed_t_a);
        CHECK(y.cut_t_a == x.cut_t_a);
        CHECK(y.cut_share == x.cut_share);
        CHECK(y.section_mgL == x.section_mgL);
        CHECK(y.total_mgL == x.total_mgL);
        CHECK(y.target_mgL == x.target_mgL);
        CHECK(y.feasible == x.feasible);
        CHECK(y.gini_indicators == x.gini_indicators);
        CHECK(y.gini_current == x.gini_current);  // 17 significant digits: exact
        CHECK(y.gini_allowed == x.gini_allowed);
    }
    const auto w2 = io::load_water_quality(store, id);
    REQUIRE(w2);
    CHECK(w2->model == w.model);
    CHECK(w2->elements_per_reach == w.elements_per_reach);
    CHECK(w2->reaeration == w.reaeration);
    CHECK(w2->temperature_c == w.temperature_c);
    CHECK(w2->inflow_do_share == w.inflow_do_share);
    REQUIRE(w2->scenarios.size() == 2);
    for (int k = 0; k < 2; ++k) {
        CHECK(w2->scenarios[k].id == w.scenarios[k].id);
        CHECK(w2->scenarios[k].condition_id == w.scenarios[k].condition_id);
        CHECK(w2->scenarios[k].condition_zh == w.scenarios[k].condition_zh);
        CHECK(w2->scenarios[k].condition_en == w.scenarios[k].condition_en);
    }
    REQUIRE(w2->rows.size() == 2);
    for (int k = 0; k < 2; ++k) {
        const auto &x = w.rows[k], &y = w2->rows[k];
        CHECK(y.scenario == x.scenario);
        CHECK(y.section_id == x.section_id);
        CHECK(y.name == x.name);
        CHECK(y.name_en == x.name_en);
        CHECK(y.river == x.river);
        CHECK(y.reach_id == x.reach_id);
        CHECK(y.water_body == x.water_body);
        CHECK(y.position_km == x.position_km);
        CHECK(y.target_class == x.target_class);
        CHECK(y.flow_m3s == x.flow_m3s);
        CHECK(y.evaluation.overall == x.evaluation.overall);
        CHECK(y.evaluation.meets == x.evaluation.meets);
    }
}
