// The three commands end to end on a copy of the mini case: optimize against an enumeration of every plan,
// run --monte-carlo against the library with the same seed, calibrate against the rates that made the observations.
#include <catch2/catch.hpp>

#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "common/csv_text.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "optimize/calibrate.hpp"
#include "optimize/chance.hpp"
#include "optimize/montecarlo.hpp"
#include "optimize/optimize.hpp"
#include "tests/io/helpers.hpp"
#include "tests/common/plan_enumeration.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// The mini case with dirtier plants, so that the class III target at the outlet is missed and measures are needed.
fs::path dirty_mini(const std::string& tag) {
    const fs::path dir = copy_case(source_dir() / "tests/data/mini", tag);
    write_file(dir / "sources.csv",
               "source_id,name,type,reach_id,position_km,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL\n"
               "P1,城区污水处理厂,sewage_plant,A2,1.5,0.3,400,20,3\n"
               "P2,工业园区排口,industry,A3,2.0,0.1,50,5,0.5\n"
               "P3,镇污水处理厂,sewage_plant,B1,3.0,0.05,300,30,3\n");
    return dir;
}

bool meets_every_target(const scenarios::Evaluation& e) {
    bool ok = true;
    for (const auto& s : e.sections) ok = ok && s.cls.meets;
    return ok;
}

}  // namespace

TEST_CASE("qingliu optimize: the plan is the cheapest of every combination, evaluated in full", "[optimize][cli]") {
    const fs::path dir = dirty_mini("opt-cli");
    const fs::path out = dir / "out";
    std::string log;
    REQUIRE(run_cli("--store " + (dir / "s.sqlite").string() + " optimize " + dir.string() + " --mos 0 --conditions design -o " +
                        out.string(),
                    &log) == 0);
    std::set<std::string> chosen;
    for (const auto& r : read_csv(out / "plan.csv"))
        if (r.at("chosen") == "1") chosen.insert(r.at("measure_id"));

    // Independent answer: every subset of the candidate measures (levels respected), each evaluated with the full
    // model; the cheapest that meets every target (10-year horizon as the command's default).
    const io::LoadedCase lc = io::load_case(dir.string());
    const auto c = scenarios::candidates_from(scenarios::scenario_measures(lc.scenarios));
    REQUIRE(c.size() == 4);  // the conditions measure (dry season) is not a candidate
    REQUIRE_FALSE(meets_every_target(scenarios::evaluate(lc.model)));  // the test needs a plan
    const test::Combination best = test::cheapest_combination(c, 10.0, [&](const std::vector<std::size_t>& pick) {
        return meets_every_target(scenarios::evaluate(scenarios::apply_plan(lc.model, c, pick)));
    });
    REQUIRE(best.cost < 1e300);
    std::set<std::string> best_set;
    for (std::size_t i : best.pick) best_set.insert(c[i].measure.id);
    CHECK(chosen == best_set);
    for (const auto& r : read_csv(out / "plan_sections.csv")) {
        CHECK(r.at("reachable") == "1");
        CHECK(r.at("gap_mgL") == "0");
    }
}

TEST_CASE("qingliu optimize by default: a 10 % margin in every declared condition, the condition measure named as left out",
          "[optimize][cli]") {
    const fs::path dir = dirty_mini("opt-robust");
    const fs::path out = dir / "out";
    std::string log;
    REQUIRE(run_cli("--store " + (dir / "s.sqlite").string() + " optimize " + dir.string() + " -o " + out.string(), &log) == 0);
    CHECK(log.find("10.0 % of each target limit") != std::string::npos);
    CHECK(log.find("dry_season") != std::string::npos);  // a design condition, and named among the measures left out
    std::set<std::string> conditions;
    bool all_met = true;
    for (const auto& r : read_csv(out / "plan_sections.csv")) {
        conditions.insert(r.at("condition"));
        CHECK(std::stod(r.at("target_mgL")) == Approx(0.9 * std::stod(r.at("limit_mgL"))).epsilon(1e-6));  // printed digits
        // a row either meets its target with the margin or carries its gap
        const double plan = std::stod(r.at("plan_mgL")), target = std::stod(r.at("target_mgL")), gap = std::stod(r.at("gap_mgL"));
        if (gap == 0.0) CHECK(plan <= target * (1 + 1e-6));
        else CHECK(plan - target == Approx(gap).epsilon(1e-5));
        all_met = all_met && gap == 0.0;
    }
    CHECK(conditions == std::set<std::string>{"design", "dry_season"});
    bool condition_row = false;
    for (const auto& r : read_csv(out / "plan.csv"))
        if (r.at("measure_id") == "dry_season") condition_row = r.at("kind") == "conditions" && !r.at("note").empty();
    CHECK(condition_row);
    UNSCOPED_INFO("all targets met with the margin in both conditions: " << all_met);
}

TEST_CASE("qingliu optimize --chance: the plan's probability per section, checked by the library with the same seeds",
          "[optimize][cli][chance]") {
    const fs::path dir = dirty_mini("opt-chance");
    write_file(dir / "uncertainty.csv",
               "parameter,low,high,distribution,mode\n"
               "kinetics.cod.k20_per_d,0.1,0.4,triangular,0.2\n"
               "load.sewage_plant,0.7,1.6,uniform,\n");
    const fs::path out = dir / "out";
    std::string log;
    REQUIRE(run_cli("--store " + (dir / "s.sqlite").string() + " optimize " + dir.string() +
                        " --chance 0.9 --chance-draws 10 --check-draws 300 --seed 11 --uncertainty " + (dir / "uncertainty.csv").string() +
                        " -o " + out.string(),
                    &log) == 0);
    INFO(log);
    CHECK(log.find("Chance constraint") != std::string::npos);
    CHECK(log.find("0.0 % of each target limit") != std::string::npos);  // no margin unless --mos is given
    const auto rows = read_csv(out / "plan_chance.csv");
    const io::LoadedCase lc = io::load_case(dir.string());
    REQUIRE(rows.size() == lc.model.sections.size());
    // The shares printed are what the library gives for the chosen plan in the check draws (same seeds): exact, to
    // the printed digits.
    std::vector<std::size_t> chosen;
    std::vector<scenarios::DroppedMeasure> left_out;
    std::vector<scenarios::Measure> ms;
    std::set<std::string> seen;
    for (const auto& sc : lc.scenarios)
        for (const auto& x : sc.measures)
            if (seen.insert(x.id).second) ms.push_back(x);
    const auto cands = scenarios::candidates_from(ms, left_out);
    std::set<std::string> on;
    for (const auto& r : read_csv(out / "plan.csv"))
        if (r.at("chosen") == "1") on.insert(r.at("measure_id"));
    for (std::size_t j = 0; j < cands.size(); ++j)
        if (on.count(cands[j].measure.id)) chosen.push_back(j);
    scenarios::MonteCarloOptions mc;
    mc.seed = scenarios::check_seed(11);
    const io::UncertaintyTable ut = io::read_uncertainty(lc, (dir / "uncertainty.csv").string());
    const auto share = scenarios::plan_meets_share(lc.model, cands, chosen, ut.params, mc, 300);
    for (std::size_t s = 0; s < rows.size(); ++s) {
        const double p = std::stod(rows[s].at("p_meets"));
        CHECK(p == Approx(share[s]).margin(1e-9));
        CHECK(std::stod(rows[s].at("low95")) <= p);
        CHECK(std::stod(rows[s].at("high95")) >= p);
        CHECK((rows[s].at("holds") == "yes") == (p >= 0.9));
    }
}

TEST_CASE("qingliu run --monte-carlo: reproducible, and what the library gives for the same seed", "[montecarlo][cli]") {
    const fs::path dir = copy_case(source_dir() / "tests/data/mini", "mc-cli");
    write_file(dir / "uncertainty.csv",
               "parameter,low,high,distribution,mode\n"
               "kinetics.cod.k20_per_d,0.1,0.4,triangular,0.2\n"
               "kinetics.nh3n.k20_per_d,0.05,0.3,uniform,\n"
               "load.sewage_plant,0.7,1.6,uniform,\n");
    const std::string store = " --store " + (dir / "s.sqlite").string();
    for (const char* o : {"a", "b"})
        REQUIRE(run_cli(store + " run " + dir.string() + " -o " + (dir / o).string() + " --monte-carlo 300 --seed 5") == 0);
    REQUIRE(run_cli(store + " run " + dir.string() + " -o " + (dir / "c").string() + " --monte-carlo 300 --seed 6") == 0);
    const std::string a = read_file(dir / "a" / "montecarlo.csv");
    CHECK(a == read_file(dir / "b" / "montecarlo.csv"));
    CHECK(a != read_file(dir / "c" / "montecarlo.csv"));

    io::LoadedCase lc = io::load_case(dir.string());
    std::vector<scenarios::UncertainParameter> ps(3);
    ps[0] = {"kinetics.cod.k20_per_d", 0.1, 0.4, 0.2, scenarios::Distribution::Triangular, "", ""};
    ps[1] = {"kinetics.nh3n.k20_per_d", 0.05, 0.3, std::numeric_limits<double>::quiet_NaN(), scenarios::Distribution::Uniform, "", ""};
    ps[2] = {"load.sewage_plant", 0.7, 1.6, std::numeric_limits<double>::quiet_NaN(), scenarios::Distribution::Uniform, "", ""};
    scenarios::MonteCarloOptions o;
    o.draws = 300;
    o.seed = 5;
    const auto r = scenarios::monte_carlo_scenarios(lc.model, lc.scenarios, ps, o);
    const auto rows = read_csv(dir / "a" / "montecarlo.csv");
    // one row per model (the baseline, then every scenario of the case) and section
    REQUIRE(r.size() == lc.scenarios.size() + 1);
    REQUIRE(rows.size() == r.size() * lc.model.sections.size());
    for (std::size_t j = 0; j < r.size(); ++j)
        for (std::size_t s = 0; s < lc.model.sections.size(); ++s) {
            const auto& row = rows[j * lc.model.sections.size() + s];
            const auto& b = r[j].result.sections[s];
            CHECK(row.at("scenario") == r[j].id);
            CHECK(row.at("section_id") == lc.model.sections[s].id);
            CHECK(std::stod(row.at("p_meets")) == Approx(b.p_meets).margin(1e-12));
            // CSV keeps 6 significant digits: 1e-5 relative
            CHECK(std::stod(row.at("cod_p95_mgL")) == Approx(b.p95[0]).epsilon(1e-5));
            CHECK(std::stod(row.at("nh3n_p5_mgL")) == Approx(b.p5[1]).epsilon(1e-5));
        }
    // the baseline alone, and the report of the stored run: its table and the same montecarlo.csv
    REQUIRE(run_cli(store + " run " + dir.string() + " -o " + (dir / "e").string() + " --monte-carlo 300 --seed 5 --scenario baseline") == 0);
    CHECK(read_csv(dir / "e" / "montecarlo.csv").size() == lc.model.sections.size());
    REQUIRE(run_cli(store + " report latest -o " + (dir / "rep").string()) == 0);
    CHECK(read_file(dir / "rep" / "report.html").find("id=\"montecarlo\"") != std::string::npos);
    const auto rep = read_csv(dir / "rep" / "montecarlo.csv");
    REQUIRE(rep.size() == lc.model.sections.size());
    for (std::size_t s = 0; s < rep.size(); ++s) CHECK(rep[s].at("p_meets") == rows[s].at("p_meets"));
    // an unknown scenario, and --scenario without --monte-carlo, are input errors
    std::string bad;
    CHECK(run_cli(store + " run " + dir.string() + " -o " + (dir / "f").string() + " --monte-carlo 10 --scenario nosuch", &bad) == 1);
    CHECK(bad.find("nosuch") != std::string::npos);
    CHECK(run_cli(store + " run " + dir.string() + " -o " + (dir / "g").string() + " --scenario " + lc.scenarios.front().id) == 1);
    // a bad range is an input error (exit 1) naming the table
    write_file(dir / "uncertainty.csv", "parameter,low,high\nkinetics.cod.k20_per_d,0.4,0.1\n");
    std::string log;
    CHECK(run_cli(store + " run " + dir.string() + " -o " + (dir / "d").string() + " --monte-carlo 10", &log) == 1);
    CHECK(log.find("uncertainty.csv") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "d" / "montecarlo.csv"));
}

TEST_CASE("qingliu calibrate: recovers the rates behind the observations table", "[calibrate][cli]") {
    const fs::path dir = copy_case(source_dir() / "tests/data/mini", "cal-cli");
    // observations made by the model with k20 = (0.35, 0.25, 0.08)
    io::LoadedCase lc = io::load_case(dir.string());
    scenarios::CaseModel truth = lc.model;
    truth.kinetics.k20_per_d = {0.35, 0.25, 0.08};
    const auto e = scenarios::evaluate(truth);
    std::string obs = "section_id,date,cod_mgL,nh3n_mgL,tp_mgL\n";
    for (std::size_t s = 0; s < lc.model.sections.size(); ++s) {
        char line[256];
        std::snprintf(line, sizeof line, "%s,2024-01-15,%.17g,%.17g,%.17g\n", lc.model.sections[s].id.c_str(), e.sections[s].conc_mgL[0],
                      e.sections[s].conc_mgL[1], e.sections[s].conc_mgL[2]);
        obs += line;
    }
    write_file(dir / "observations.csv", obs);
    std::string log;
    REQUIRE(run_cli("--store " + (dir / "s.sqlite").string() + " calibrate " + dir.string() + " -o " + (dir / "out").string(), &log) == 0);
    std::map<std::string, double> fitted;
    for (const auto& r : read_csv(dir / "out" / "calibration.csv")) fitted[r.at("parameter")] = std::stod(r.at("fitted"));
    // CSV keeps 6 significant digits; the fit itself is tighter (see test_calibrate): 1e-5 relative
    CHECK(fitted.at("kinetics.cod.k20_per_d") == Approx(0.35).epsilon(1e-5));
    CHECK(fitted.at("kinetics.nh3n.k20_per_d") == Approx(0.25).epsilon(1e-5));
    CHECK(fitted.at("kinetics.tp.k20_per_d") == Approx(0.08).epsilon(1e-5));
    // the same observations as observed_* columns of the sections table (no observations table)
    fs::remove(dir / "observations.csv");
    std::string sections = "section_id,name,name_en,river,reach_id,position_km,level,target_class,water_body,"
                           "observed_cod_mgL,observed_nh3n_mgL,observed_tp_mgL\n";
    const char* place[] = {"A1,0", "B1,6", "A4,10"};
    for (std::size_t s = 0; s < lc.model.sections.size(); ++s) {
        const auto& sec = lc.model.sections[s];
        char line[512];
        std::snprintf(line, sizeof line, "%s,%s,%s,%s,%s,provincial,%d,river,%.17g,%.17g,%.17g\n", sec.id.c_str(), sec.name.c_str(),
                      sec.name_en.c_str(), sec.river.c_str(), place[s], sec.target_class, e.sections[s].conc_mgL[0],
                      e.sections[s].conc_mgL[1], e.sections[s].conc_mgL[2]);
        sections += line;
    }
    write_file(dir / "sections.csv", sections);
    REQUIRE(run_cli("--store " + (dir / "s.sqlite").string() + " calibrate " + dir.string() + " -o " + (dir / "out2").string(), &log) == 0);
    fitted.clear();
    for (const auto& r : read_csv(dir / "out2" / "calibration.csv")) fitted[r.at("parameter")] = std::stod(r.at("fitted"));
    CHECK(fitted.at("kinetics.cod.k20_per_d") == Approx(0.35).epsilon(1e-5));  // 6 significant digits in the CSV
    CHECK(fitted.at("kinetics.tp.k20_per_d") == Approx(0.08).epsilon(1e-5));
    // an unknown section is an input error naming the table and record
    write_file(dir / "observations.csv", "section_id,cod_mgL\nNOPE,10\n");
    CHECK(run_cli("--store " + (dir / "s.sqlite").string() + " calibrate " + dir.string(), &log) == 1);
    CHECK(log.find("observations.csv") != std::string::npos);
    CHECK(log.find("NOPE") != std::string::npos);
}

TEST_CASE("least-cost plan on the shipped cases: re-evaluated in full, and the cheapest of every combination", "[optimize][cases]") {
    for (const char* name : {"leshan", "ledu"}) {
        INFO(name);
        const io::LoadedCase lc = io::load_case((source_dir() / "data/cases" / name).string());
        const auto c = scenarios::candidates_from(scenarios::scenario_measures(lc.scenarios));
        REQUIRE(c.size() <= 14);  // enumeration below stays within a few seconds
        const scenarios::OptimizeResult r = scenarios::optimize(lc.model, c, {});
        REQUIRE(r.status != scenarios::PlanStatus::NotSolved);
        CHECK(r.verified_ok);
        // the plan, evaluated in full here, meets every target it claims to meet
        const auto e = scenarios::evaluate(scenarios::apply_plan(lc.model, c, r.chosen));
        for (std::size_t s = 0; s < lc.model.sections.size(); ++s)
            for (int k = 0; k < kNumConstituents; ++k) {
                const auto& t = r.sections[s].c[k];
                CHECK(e.sections[s].conc_mgL[k] == Approx(t.verified_mgL).epsilon(1e-12));
                if (r.status == scenarios::PlanStatus::Optimal) CHECK(e.sections[s].conc_mgL[k] <= t.limit_mgL * (1 + 1e-9));
            }
        if (r.status != scenarios::PlanStatus::Optimal) continue;
        // every combination (levels respected), each evaluated in full: none that meets every target is cheaper
        const double best = test::cheapest_combination(c, 10.0, [&](const std::vector<std::size_t>& pick) {
                                return meets_every_target(scenarios::evaluate(scenarios::apply_plan(lc.model, c, pick)));
                            }).cost;
        UNSCOPED_INFO("cheapest by enumeration " << best << "; corrections " << r.corrections << " max linear error "
                                                 << r.max_linear_error_mgL);
        CHECK(r.cost_wan == Approx(best).margin(1e-6));
    }
}
