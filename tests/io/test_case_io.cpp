// Reading cases from CSV, XLSX and GeoPackage; bad input named by file, record and field; nothing half-written.
#include <catch2/catch.hpp>

#include <regex>

#include "common/error.hpp"
#include "gdal_helpers.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "io/store.hpp"
#include "io/run_data.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

const fs::path kMini = source_dir() / "tests/data/mini";

scenarios::Evaluation eval(const fs::path& dir) { return scenarios::evaluate(io::load_case(dir.string()).model); }

}  // namespace

TEST_CASE("the mini case loads from CSV", "[io]") {
    const io::LoadedCase lc = io::load_case(kMini.string());
    CHECK(lc.model.net.size() == 6);
    CHECK(lc.model.sources.size() == 3);
    CHECK(lc.model.sections.size() == 3);
    CHECK(lc.model.name == "测试小流域");
    CHECK(lc.input_files.size() == 5);  // case.toml, three tables, scenarios.toml
    CHECK(lc.model.temperature_c == 20.0);
    CHECK(lc.model.kinetics.k20_per_d[0] == 0.2);
    // a source's load is flow x concentration (g/s): P2 0.1 m3/s x 50 mg/L
    CHECK(lc.model.sources[1].load_gs[0] == Approx(5.0).epsilon(1e-15));
}

TEST_CASE("CSV, XLSX and GeoPackage tables give the same results", "[io]") {
    const fs::path dir = temp_dir("formats");
    const std::string toml = read_file(kMini / "case.toml");
    // XLSX: one workbook per table
    fs::create_directories(dir / "xlsx");
    for (const char* t : {"reaches", "sources", "sections"})
        translate(kMini / (std::string(t) + ".csv"), dir / "xlsx" / (std::string(t) + ".xlsx"), t, "XLSX", false);
    write_file(dir / "xlsx/case.toml", std::regex_replace(toml, std::regex("\\.csv"), ".xlsx"));
    // GeoPackage: one file, three layers
    fs::create_directories(dir / "gpkg");
    translate(kMini / "reaches.csv", dir / "gpkg/case.gpkg", "reaches", "GPKG", false);
    translate(kMini / "sources.csv", dir / "gpkg/case.gpkg", "sources", "GPKG", true);
    translate(kMini / "sections.csv", dir / "gpkg/case.gpkg", "sections", "GPKG", true);
    std::string g = toml;
    for (const char* t : {"reaches", "sources", "sections"})
        g = std::regex_replace(g, std::regex(std::string("\"") + t + "\\.csv\""),
                               std::string("{ path = \"case.gpkg\", layer = \"") + t + "\" }");
    write_file(dir / "gpkg/case.toml", g);
    for (const char* sub : {"xlsx", "gpkg"}) fs::copy_file(kMini / "scenarios.toml", dir / sub / "scenarios.toml");

    const auto base = eval(kMini), x = eval(dir / "xlsx"), p = eval(dir / "gpkg");
    REQUIRE(x.sections.size() == base.sections.size());
    REQUIRE(p.sections.size() == base.sections.size());
    for (std::size_t i = 0; i < base.sections.size(); ++i)
        for (int c = 0; c < 3; ++c) {
            CHECK(x.sections[i].conc_mgL[c] == Approx(base.sections[i].conc_mgL[c]).epsilon(1e-12));
            CHECK(p.sections[i].conc_mgL[c] == Approx(base.sections[i].conc_mgL[c]).epsilon(1e-12));
        }
}

TEST_CASE("bad input: every problem at once, each naming file, record and field", "[io][bad-input]") {
    const fs::path dir = copy_case(kMini, "bad");
    // sources: missing tp_mgL column is checked separately below; here a negative flow and an unknown reach
    write_file(dir / "sources.csv",
               "source_id,name,type,reach_id,position_km,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL\n"
               "P1,厂一,sewage_plant,A2,1.5,-0.3,30,1.5,0.3\n"
               "P2,厂二,sewage_plant,ZZ9,1.0,0.1,30,1.5,0.3\n"
               "P3,厂三,sewage_plant,A3,99,0.1,30,abc,0.3\n");
    write_file(dir / "sections.csv",
               "section_id,name,river,reach_id,position_km,level,target_class\n"
               "S01,断面一,甲河,A1,0,provincial,VII\n");
    {
        const InputError e = test::rejection(dir);
        const std::string t = problems_text(e);
        INFO(t);
        const std::string src = (dir / "sources.csv").lexically_normal().string();
        CHECK_THAT(t, Catch::Contains(src + ": row 2: field 'flow_m3s' = '-0.3': must be >= 0"));
        CHECK_THAT(t, Catch::Contains(src + ": row 3: field 'reach_id' = 'ZZ9': unknown reach id"));
        CHECK_THAT(t, Catch::Contains(src + ": row 4: field 'position_km' = '99'"));
        CHECK_THAT(t, Catch::Contains(src + ": row 4: field 'nh3n_mgL' = 'abc': expected a number"));
        CHECK_THAT(t, Catch::Contains("sections.csv: row 2: field 'target_class' = 'VII'"));
        CHECK(e.problems().size() == 5);
    }
}

TEST_CASE("bad input: a missing column is named", "[io][bad-input]") {
    const fs::path dir = copy_case(kMini, "nocol");
    write_file(dir / "sources.csv", "source_id,name,type,reach_id,position_km,flow_m3s,cod_mgL,nh3n_mgL\nP1,a,outfall,A2,1,0.1,30,1\n");
    REQUIRE_THROWS_WITH(io::load_case(dir.string()), Catch::Contains("sources.csv: header: field 'tp_mgL': required column missing"));
}

TEST_CASE("bad input: a cycle names the reaches on it", "[io][bad-input]") {
    const fs::path dir = copy_case(kMini, "cycle");
    std::string r = read_file(kMini / "reaches.csv");
    r = std::regex_replace(r, std::regex("A4,甲河出口段,甲河,,"), "A4,甲河出口段,甲河,A2,");
    write_file(dir / "reaches.csv", r);
    REQUIRE_THROWS_WITH(io::load_case(dir.string()),
                        Catch::Contains("reaches.csv: field 'downstream_id'") && Catch::Contains("cycle") &&
                            Catch::Contains("A2 -> A3 -> A4 -> A2"));
}

TEST_CASE("bad input: unreadable and missing files", "[io][bad-input]") {
    const fs::path dir = copy_case(kMini, "unreadable");
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0binary";
    write_file(dir / "sections.csv", std::string(png, sizeof png - 1));
    fs::remove(dir / "sources.csv");
    {
        const InputError e = test::rejection(dir);
        const std::string t = problems_text(e);
        INFO(t);
        CHECK_THAT(t, Catch::Contains("sources.csv: file not found"));
        CHECK_THAT(t, Catch::Contains("sections.csv"));
    }
    REQUIRE_THROWS_WITH(io::load_case((dir / "nowhere").string()), Catch::Contains("case file not found"));
}

TEST_CASE("GBK-encoded CSV is read, with a warning saying so", "[io]") {
    const fs::path dir = copy_case(kMini, "gbk");
    // "甲河" in GBK is bytes 0xBC 0xD7 0xBA 0xD3
    write_file(dir / "sections.csv", "section_id,name,river,reach_id,position_km,level,target_class\n"
                                     "S01,\xBC\xD7\xBA\xD3,\xBC\xD7\xBA\xD3,A1,0,provincial,III\n");
    const io::LoadedCase lc = io::load_case(dir.string());
    REQUIRE(lc.model.sections.size() == 1);
    CHECK(lc.model.sections[0].name == "甲河");
    REQUIRE(!lc.warnings.empty());
    CHECK_THAT(lc.warnings[0], Catch::Contains("sections.csv: text is GBK/GB18030"));
}

TEST_CASE("a failed run leaves no output files and no run in the store", "[io][bad-input][cli]") {
    const fs::path dir = copy_case(kMini, "nohalf");
    write_file(dir / "sources.csv", "source_id,name,type,reach_id,position_km,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL\nP1,a,outfall,A2,1,-1,30,1,0.1\n");
    const fs::path out = temp_dir("nohalf-out");
    const fs::path store = out.parent_path() / (out.filename().string() + ".sqlite");
    std::string log;
    CHECK(run_cli("--store " + store.string() + " run " + dir.string() + " --out " + out.string(), &log) == 1);
    CHECK_THAT(log, Catch::Contains("flow_m3s"));
    CHECK(fs::is_empty(out));
    // an unwritable store (output failure after the results are computed) also leaves nothing behind
    CHECK(run_cli("--store /nonexistent-dir/x.sqlite run " + kMini.string() + " --out " + out.string(), &log) == 3);
    CHECK(fs::is_empty(out));
    // and a good run writes both files and one run
    CHECK(run_cli("--store " + store.string() + " run " + kMini.string() + " --out " + out.string(), &log) == 0);
    CHECK(fs::exists(out / "sections.csv"));
    CHECK(fs::exists(out / "reaches.csv"));
    io::RunStore s(store.string());
    CHECK(s.list().size() == 1);
}
