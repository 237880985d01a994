// `qingliu water-quality --apportion --optimize --monte-carlo` stores its run, and `qingliu report` of that run shows
// what the analyses found: the report's CSVs are the command's own files byte for byte (the rows round-trip the run
// store exactly), report.html has the part, report.xlsx the sheets; a run whose store cannot be written writes no
// output file.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "helpers.hpp"

using namespace qingliu::test;

namespace {

const char* const kAnalysesFiles[] = {"water_quality_reduction.csv", "water_quality_capacity.csv", "water_quality_plan.csv",
                                      "water_quality_plan_sections.csv", "water_quality_montecarlo.csv"};

}  // namespace

TEST_CASE("water-quality analyses in the report: the report's files are the command's, byte for byte", "[water-quality][report][cli]") {
    const fs::path work = temp_dir("wq-analyses-report");
    const fs::path leshan = source_dir() / "data/cases/leshan";
    const std::string store = "--store " + (work / "runs.sqlite").string() + " ";
    std::string log;
    REQUIRE(run_cli(store + "water-quality " + leshan.string() + " --apportion --optimize --monte-carlo 30 --seed 3 --out " +
                        (work / "wq").string(),
                    &log) == 0);
    INFO(log.substr(0, 4000));
    CHECK(log.find("Run 1 stored in") != std::string::npos);
    REQUIRE(run_cli(store + "--quiet report latest --out " + (work / "report").string(), &log) == 0);
    for (const char* f : kAnalysesFiles) {
        INFO(f);
        const std::string mine = read_file(work / "wq" / f), reported = read_file(work / "report" / f);
        REQUIRE(mine.size() > 200);
        CHECK(reported == mine);
    }
    const std::string html = read_file(work / "report/report.html");
    CHECK(html.find("id=\"water-quality-analyses\"") != std::string::npos);
    CHECK(html.find("id=\"water-quality\"") != std::string::npos);  // the sections over every item, as run's report
    // the Monte Carlo panel of every scenario the run covered (Leshan: the baseline and its ten scenarios)
    const auto rows = read_csv_rows(work / "wq/water_quality_montecarlo.csv");
    std::set<std::string> scenarios;
    for (std::size_t r = 1; r < rows.size(); ++r) scenarios.insert(rows[r][0]);
    CHECK(scenarios.size() > 2);
    for (const auto& s : scenarios) {
        INFO(s);
        CHECK(html.find("data-scen=\"" + s + "\"") != std::string::npos);
    }
    REQUIRE(fs::file_size(work / "report/report.xlsx") > 10000);

    // without the analyses: the run is stored, its report has the sections over every item and no analyses part
    REQUIRE(run_cli(store + "--quiet water-quality " + leshan.string() + " --scenario upgrade --out " + (work / "wq2").string()) == 0);
    REQUIRE(run_cli(store + "--quiet report latest --out " + (work / "report2").string()) == 0);
    const std::string html2 = read_file(work / "report2/report.html");
    CHECK(html2.find("id=\"water-quality\"") != std::string::npos);
    CHECK(html2.find("id=\"water-quality-analyses\"") == std::string::npos);
    for (const char* f : kAnalysesFiles) CHECK_FALSE(fs::exists(work / "report2" / f));
}

TEST_CASE("water-quality: a run store that cannot be written writes no output file", "[water-quality][cli]") {
    const fs::path work = temp_dir("wq-analyses-nostore");
    const fs::path leshan = source_dir() / "data/cases/leshan";
    std::string log;
    const int rc = run_cli("--store " + (work / "no/such/folder/runs.sqlite").string() + " water-quality " + leshan.string() +
                               " --apportion --out " + (work / "wq").string(),
                           &log);
    INFO(log.substr(0, 4000));
    CHECK(rc == 3);  // output or store error
    // the folder may have been made (OutputDir makes it before staging), but nothing is in it
    if (fs::exists(work / "wq")) CHECK(fs::is_empty(work / "wq"));
}
