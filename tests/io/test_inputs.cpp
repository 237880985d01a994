// Bureau spreadsheets as they are: all-text XLSX, numbers stored as text, GBK CSV, Chinese column names with units,
// and a wrong header answered once with "did you mean". Every file is built here.
#include <catch2/catch.hpp>

#include <map>
#include <regex>

#include "common/error.hpp"
#include "gdal_helpers.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "io/columns.hpp"
#include "io/table.hpp"
#include "scenarios/case.hpp"
#include "tests/common/case_rejection.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

const fs::path kMini = source_dir() / "tests/data/mini";

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

}  // namespace

TEST_CASE("an XLSX whose cells are all text reads its header row as the header and its numbers", "[io][inputs]") {
    const fs::path dir = temp_dir("textxlsx");
    for (const char* t : {"reaches", "sources", "sections"})
        translate(kMini / (std::string(t) + ".csv"), dir / (std::string(t) + ".xlsx"), t, "XLSX", false, {}, true);
    write_file(dir / "case.toml", std::regex_replace(read_file(kMini / "case.toml"), std::regex("\\.csv"), ".xlsx"));
    fs::copy_file(kMini / "scenarios.toml", dir / "scenarios.toml");

    Problems p;
    const io::Table t = io::read_table({(dir / "reaches.xlsx").string(), ""}, p, "reaches");
    REQUIRE(p.empty());
    CHECK(t.columns.front() == "reach_id");
    CHECK(t.records.size() == 6);  // the header is not a record
    CHECK(t.records.front().label == "row 2");

    // The same case from all-text workbooks gives the CSV case's concentrations (same numbers parsed from the same
    // digits: equal to the last bit, tolerance 1e-12 relative).
    const auto base = scenarios::evaluate(io::load_case(kMini.string()).model);
    const auto x = scenarios::evaluate(io::load_case(dir.string()).model);
    REQUIRE(x.sections.size() == base.sections.size());
    for (std::size_t i = 0; i < base.sections.size(); ++i)
        for (int c = 0; c < 3; ++c) CHECK(x.sections[i].conc_mgL[c] == Approx(base.sections[i].conc_mgL[c]).epsilon(1e-12));
}

TEST_CASE("numbers typed as text: spaces, full-width digits, thousands separators, percentages", "[io][inputs]") {
    const fs::path dir = temp_dir("numtext");
    write_file(dir / "farms.csv",
               "farm_id,species,head_count,utilisation\n"
               "F1,pig,\" 12,500 \",75%\n"
               "F2,pig,\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x90,0.6\n"  // full-width "１２０"
               "F3,pig,1\xE3\x80\x80,  0.5\n"                         // ideographic space after the digit
               "F4,pig,\"1,20\",0.5\n");                              // not a thousands grouping
    Problems p;
    const io::Table t = io::read_table({(dir / "farms.csv").string(), ""}, p, "farms");
    REQUIRE(p.empty());
    std::vector<double> heads, util;
    for (const auto& rec : t.records) {
        io::RowReader r(t, rec, p);
        heads.push_back(r.number("head_count", true).value_or(-1));
        util.push_back(r.number("utilisation", true, 0.0, 1.0).value_or(-1));
    }
    CHECK(heads[0] == 12500.0);
    CHECK(util[0] == Approx(0.75).epsilon(1e-15));
    CHECK(heads[1] == 120.0);
    CHECK(heads[2] == 1.0);
    CHECK(util[2] == 0.5);
    CHECK(heads[3] == -1.0);
    REQUIRE(p.size() == 1);
    CHECK(p.items()[0].record == "row 5");
    CHECK(p.items()[0].field == "head_count");
    CHECK(p.items()[0].message == "expected a number");

    // a percentage is not a concentration
    write_file(dir / "outfalls.csv", "outfall_id,flow_m3d,cod_mgL,nh3n_mgL,tp_mgL\nO1,100,5%,1,0.1\n");
    Problems q;
    const io::Table o = io::read_table({(dir / "outfalls.csv").string(), ""}, q, "outfalls");
    io::RowReader r(o, o.records.front(), q);
    CHECK_FALSE(r.number("cod_mgL", true).has_value());
    CHECK(q.size() == 1);
}

TEST_CASE("a GBK CSV is detected and read with a warning; text in no known encoding is refused", "[io][inputs]") {
    const fs::path dir = copy_case(kMini, "gbk");
    // GB18030/GBK bytes of: 断面编号,断面名称,河流,河段编号,位置,断面级别,水质目标 / S01,断面一,甲河,A1,0,省控,Ⅲ
    write_file(dir / "sections.csv",
               "\xb6\xcf\xc3\xe6\xb1\xe0\xba\xc5,\xb6\xcf\xc3\xe6\xc3\xfb\xb3\xc6,\xba\xd3\xc1\xf7,"
               "\xba\xd3\xb6\xce\xb1\xe0\xba\xc5,\xce\xbb\xd6\xc3,\xb6\xcf\xc3\xe6\xbc\xb6\xb1\xf0,\xcb\xae\xd6\xca\xc4\xbf\xb1\xea\r\n"
               "S01,\xb6\xcf\xc3\xe6\xd2\xbb,\xbc\xd7\xba\xd3,A1,0,\xca\xa1\xbf\xd8,\xa2\xf3\r\n");
    const io::LoadedCase lc = io::load_case(dir.string());
    REQUIRE(lc.model.sections.size() == 1);
    CHECK(lc.model.sections[0].name == "断面一");
    CHECK(lc.model.sections[0].river == "甲河");
    CHECK(lc.model.sections[0].level == "provincial");
    CHECK(lc.model.sections[0].target_class == 3);
    CHECK_THAT(joined(lc.warnings), Catch::Contains("sections.csv: text is GBK/GB18030"));

    // 0xFF starts no character in UTF-8 nor in GB18030
    write_file(dir / "sections.csv", "section_id,name\nS01,\xFF\xFF\n");
    REQUIRE_THROWS_WITH(io::load_case(dir.string()), Catch::Contains("sections.csv: text is neither UTF-8 nor GBK/GB18030"));
}

TEST_CASE("Chinese column names are read through the alias table, units in headers converted", "[io][inputs]") {
    const fs::path dir = copy_case(kMini, "alias");
    std::string toml = read_file(kMini / "case.toml");
    toml = std::regex_replace(toml, std::regex("sections = \"sections.csv\""),
                              "sections = \"sections.csv\"\noutfalls = \"outfalls.csv\"\nfarms = \"farms.csv\"");
    write_file(dir / "case.toml", toml);
    write_file(dir / "outfalls.csv",
               "排污口编号,排污口名称,所在河段,位置（km）,流量（万吨/日）,COD(mg/L),氨氮,总磷\n"
               "O1,东门排口,A3,1.0,0.5,40,4,0.5\n");
    write_file(dir / "farms.csv",
               "养殖场编号,所在河段,畜种,存栏量（万头）,粪污综合利用率(%),入河系数\n"
               "F1,A1,pig,0.2,75,0.3\n");
    const io::LoadedCase lc = io::load_case(dir.string());
    const auto& src = lc.model.sources;
    auto find = [&](const std::string& id) {
        for (const auto& s : src)
            if (s.id == id) return &s;
        FAIL("no source " + id);
        return static_cast<const loads::Source*>(nullptr);
    };
    // outfall: 0.5 万吨/日 = 5000 m3/d; COD 5000 m3/d x 40 mg/L = 200 kg/d = 200 000 g / 86 400 s
    const loads::Source* o = find("O1");
    CHECK(o->flow_m3s == Approx(5000.0 / 86400.0).epsilon(1e-12));
    CHECK(o->load_gs[0] == Approx(200000.0 / 86400.0).epsilon(1e-12));
    CHECK(o->load_gs[2] == Approx(5000.0 * 0.5 / 86400.0).epsilon(1e-12));
    CHECK(o->position_m == Approx(1000.0).epsilon(1e-12));
    // farm: 0.2 万头 = 2000 pigs, utilisation 75 % -> 0.75, entry 0.3:
    // COD = 2000 x coefficient x 0.25 x 0.3 / 365 kg/d
    const double cod = loads::default_coefficients().find("livestock", "pig", "cod_kg_head_a")->value;
    const loads::Source* f = find("F1");
    CHECK(f->load_gs[0] == Approx(2000.0 * cod * 0.25 * 0.3 / 365.0 * 1000.0 / 86400.0).epsilon(1e-12));

    // an alias of a column with a unit, written without one, is read in the column's unit with a warning
    write_file(dir / "outfalls.csv", "排污口编号,所在河段,位置,流量,COD,氨氮,总磷\nO1,A3,1.0,5000,40,4,0.5\n");
    const io::LoadedCase lc2 = io::load_case(dir.string());
    CHECK_THAT(joined(lc2.warnings), Catch::Contains("outfalls.csv: column '流量' names no unit: read as flow_m3d (m3/d)"));
    for (const auto& s : lc2.model.sources)
        if (s.id == "O1") CHECK(s.flow_m3s == Approx(5000.0 / 86400.0).epsilon(1e-12));

    // a unit that does not belong to the column is a problem naming the column
    write_file(dir / "outfalls.csv", "排污口编号,所在河段,位置,流量(m3/s),COD,氨氮,总磷\nO1,A3,1.0,0.05,40,4,0.5\n");
    {
        const InputError e = test::rejection(dir, "a flow in m3/s accepted as m3/d");
        INFO(problems_text(e));
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].field == "流量(m3/s)");
        CHECK_THAT(e.problems()[0].message, Catch::Contains("unit not understood for flow_m3d"));
    }
}

TEST_CASE("a misspelt header is one problem naming the nearest known column; its row errors are not repeated",
          "[io][inputs][bad-input]") {
    SECTION("lenght_km in a shipped case") {
        const fs::path dir = copy_case(source_dir() / "data/cases/leshan", "lenght");
        std::string r = read_file(dir / "reaches.csv");
        const auto pos = r.find("length_km");
        REQUIRE(pos != std::string::npos);
        r.replace(pos, 9, "lenght_km");
        write_file(dir / "reaches.csv", r);
        {
            const InputError e = test::rejection(dir);
            const std::string t = problems_text(e);
            INFO(t);
            REQUIRE(e.problems().size() == 1);
            CHECK_THAT(t, Catch::Contains("reaches.csv: header: field 'lenght_km': unknown column: did you mean length_km?"));
        }
    }
    SECTION("a Chinese header one character off") {
        const fs::path dir = copy_case(kMini, "badalias");
        write_file(dir / "case.toml", std::regex_replace(read_file(kMini / "case.toml"), std::regex("sections = \"sections.csv\""),
                                                         "sections = \"sections.csv\"\noutfalls = \"outfalls.csv\""));
        write_file(dir / "outfalls.csv", "排污口编码,所在河段,位置,流量（m3/d）,COD,氨氮,总磷\n"
                                         "O1,A3,1.0,500,40,4,0.5\nO2,A3,2.0,500,40,4,0.5\n");
        {
            const InputError e = test::rejection(dir);
            const std::string t = problems_text(e);
            INFO(t);
            REQUIRE(e.problems().size() == 1);
            CHECK_THAT(t, Catch::Contains("field '排污口编码': unknown column: did you mean 排污口编号 (outfall_id)?"));
        }
    }
    SECTION("columns close to nothing known are ignored, English names match regardless of case") {
        const fs::path dir = copy_case(kMini, "extra");
        std::string r = read_file(kMini / "reaches.csv");
        r = std::regex_replace(r, std::regex("^reach_id,"), "Reach_ID,");
        r = std::regex_replace(r, std::regex("split_fraction\n"), "split_fraction,备注\n");
        write_file(dir / "reaches.csv", r);
        CHECK(io::load_case(dir.string()).model.net.size() == 6);
    }
}

TEST_CASE("the column table: unique names per table, aliases unambiguous, every entry listed in docs/inputs.md",
          "[io][inputs]") {
    const std::string doc = read_file(source_dir() / "docs/inputs.md");
    for (const auto& kind : io::table_kinds()) {
        std::map<std::string, std::string> owner;  // normalised spelling -> column
        for (const auto& c : io::column_table()) {
            if (kind != c.table) continue;
            std::vector<std::string> names = {c.column};
            std::string cur;
            for (const char* p = c.aliases;; ++p) {
                if (*p == '|' || *p == '\0') {
                    if (!cur.empty()) names.push_back(cur);
                    cur.clear();
                    if (*p == '\0') break;
                } else {
                    cur += *p;
                }
            }
            for (const auto& n : names) {
                INFO(kind << ": " << n);
                auto [it, fresh] = owner.emplace(io::normalise_header(n), c.column);
                CHECK((fresh || it->second == c.column));
                CHECK_THAT(doc, Catch::Contains("`" + n + "`"));
            }
        }
        CHECK_THAT(doc, Catch::Contains("### " + kind));
    }
    CHECK(io::edit_distance("lenght_km", "length_km") == 1);  // one adjacent transposition
    CHECK(io::edit_distance("排污口编码", "排污口编号") == 1);
    CHECK(io::unit_factor("m3/d", io::normalise_header("万吨／日")) == 1e4);
    CHECK(io::unit_factor("mu", "公顷") == 15.0);  // 1 ha = 15 mu
}
