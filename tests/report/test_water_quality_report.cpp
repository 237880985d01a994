// The water-quality model's sections in the run store and the report of `run` and `compare`, against what
// `qingliu water-quality` writes for the same case: on every shipped case that declares [water_quality], the run's,
// the compare's and the report's water_quality_sections.csv equal the water-quality command's cell for cell, the
// stored rows (read with SQL, not through the program's reader) equal its values, and the report's page, workbook and
// GeoPackage hold every section's class and deciding items.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include "../common/command_output.hpp"
#include "../io/helpers.hpp"
#include "common/csv_text.hpp"
#include "io/case_reader.hpp"
#include "io/water_quality_csv.hpp"
#include "reaches/classes.hpp"
#include "reaches/wq_classes.hpp"
#include "report/report.hpp"
#include "report/water_quality.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// Both sides print a value with 12 significant digits (io/water_quality_csv.cpp), so equal doubles give equal text and
// 1e-9 relative is far above the printing's 5e-13 and far below any change a model edit makes.
constexpr double kRel = 1e-9;

bool close(double a, double b, double rel) { return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1e-300}); }

using Rows = std::vector<std::vector<std::string>>;

/// Every row of `got` equals the row of `want` at the same (scenario, section): numbers to kRel, text exactly.
/// Returns the number of cells compared.
int compare_rows(const Rows& got, const Rows& want, const std::string& what) {
    INFO(what);
    REQUIRE(!got.empty());
    REQUIRE(!want.empty());
    REQUIRE(got.front() == want.front());  // the same columns in the same order
    std::map<std::pair<std::string, std::string>, const std::vector<std::string>*> by_key;
    for (std::size_t r = 1; r < want.size(); ++r) by_key[{want[r][0], want[r][1]}] = &want[r];
    int cells = 0;
    for (std::size_t r = 1; r < got.size(); ++r) {
        const auto it = by_key.find({got[r][0], got[r][1]});
        INFO("scenario " << got[r][0] << ", section " << got[r][1]);
        REQUIRE(it != by_key.end());
        const auto& w = *it->second;
        REQUIRE(got[r].size() == w.size());
        for (std::size_t c = 0; c < w.size(); ++c, ++cells) {
            INFO("column " << want.front()[c] << ": got '" << got[r][c] << "', want '" << w[c] << "'");
            double a = 0.0, b = 0.0;
            if (parse_double(got[r][c], a) && parse_double(w[c], b)) CHECK(close(a, b, kRel));
            else CHECK(got[r][c] == w[c]);
        }
    }
    return cells;
}

std::map<std::string, std::string> row_map(const Rows& rows, std::size_t r) {
    std::map<std::string, std::string> m;
    for (std::size_t c = 0; c < rows.front().size() && c < rows[r].size(); ++c) m[rows.front()[c]] = rows[r][c];
    return m;
}

/// The stored item rows of the newest run, checked against the water-quality command's CSV row by row: value (to kRel),
/// class, target-class limit (the case's class table), the multiple and DO shortfall (their closed forms on the stored
/// value and limit, and the CSV's printed multiple), exceeding and deciding. Returns the item rows checked.
int check_store(const fs::path& store, const Rows& want, const reaches::ClassTable& classes) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    const char* sql =
        "SELECT i.scenario, i.section_id, i.item, i.value_mgL, i.class, i.minimum, i.target_limit_mgL, i.exceedance, "
        "i.do_shortfall_mgL, i.exceeds, i.exceeding_rank, i.deciding, s.water_body, s.target_class, s.class, s.meets "
        "FROM report_wq_items i JOIN report_wq_sections s ON s.run_id = i.run_id AND s.ord = i.ord "
        "WHERE i.run_id = (SELECT MAX(run_id) FROM runs) ORDER BY i.ord, i.item_ord";
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    std::map<std::pair<std::string, std::string>, std::size_t> row_of;
    for (std::size_t r = 1; r < want.size(); ++r) row_of[{want[r][0], want[r][1]}] = r;
    auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))); };
    auto null = [&](int c) { return sqlite3_column_type(st, c) == SQLITE_NULL; };
    int items = 0;
    std::map<std::pair<std::string, std::string>, std::vector<int>> ranks;
    std::set<std::pair<std::string, std::string>> seen;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const std::string scen = text(0), sec = text(1), item = text(2);
        INFO("stored " << scen << " " << sec << " " << item);
        const auto at = row_of.find({scen, sec});
        REQUIRE(at != row_of.end());
        seen.insert(at->first);
        const auto w = row_map(want, at->second);
        double want_value = 0.0;
        REQUIRE(parse_double(w.at(item + "_mgL"), want_value));
        const double value = sqlite3_column_double(st, 3);
        CHECK(close(value, want_value, kRel));
        const int target = sqlite3_column_int(st, 13);
        CHECK(reaches::class_roman(target) == w.at("target_class"));
        const bool minimum = sqlite3_column_int(st, 5) != 0, exceeds = sqlite3_column_int(st, 9) != 0;
        if (null(4)) {  // not assessed for this water body: no class, no limit, no multiple
            CHECK(w.at(item + "_class").empty());
            CHECK(null(6));
            CHECK(!exceeds);
        } else {
            CHECK(reaches::class_roman(sqlite3_column_int(st, 4)) == w.at(item + "_class"));
            const double limit = sqlite3_column_double(st, 6);
            const auto wb = reaches::parse_water_body(text(12));
            REQUIRE(wb);
            CHECK(limit == classes.limit(item, *wb, target));  // the class table's number, stored as it is
            if (minimum) {  // DO: no multiple, shortfall = limit - value (the same subtraction: equal to 1e-12 of the limit)
                CHECK(null(7));
                CHECK(std::abs(sqlite3_column_double(st, 8) - (limit - value)) <= 1e-12 * limit);
            } else {  // multiple = value / limit - 1 (the same division)
                CHECK(null(8));
                CHECK(std::abs(sqlite3_column_double(st, 7) - (value / limit - 1.0)) <= 1e-12 * std::max(1.0, value / limit));
            }
            // exceeding exactly where the CSV prints a multiple (6 significant digits there: 5e-6 relative)
            CHECK(exceeds == !w.at(item + "_exceedance").empty());
            double printed = 0.0;
            if (exceeds && parse_double(w.at(item + "_exceedance"), printed))
                CHECK(close(sqlite3_column_double(st, minimum ? 8 : 7), printed, 5e-6));
        }
        const int rank = sqlite3_column_int(st, 10);
        CHECK((rank > 0) == exceeds);
        if (rank > 0) ranks[at->first].push_back(rank);
        // deciding: the items the CSV lists
        const std::string d = ";" + w.at("deciding") + ";";
        CHECK((sqlite3_column_int(st, 11) != 0) == (d.find(";" + item + ";") != std::string::npos));
        CHECK(reaches::class_roman(sqlite3_column_int(st, 14)) == w.at("class"));
        CHECK((sqlite3_column_int(st, 15) != 0) == (w.at("meets") == "yes"));
        ++items;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(seen.size() == want.size() - 1);  // every section under every scenario
    for (auto& [key, r] : ranks) {          // ranks 1..n, each once
        std::sort(r.begin(), r.end());
        for (std::size_t k = 0; k < r.size(); ++k) CHECK(r[k] == static_cast<int>(k) + 1);
    }
    return items;
}

/// report.html: one row per scenario and section in the water-quality part, naming its deciding items in both languages.
void check_html(const fs::path& html_file, const Rows& want) {
    const std::string html = read_file(html_file);
    REQUIRE(html.find("id=\"water-quality\"") != std::string::npos);
    CHECK(html.find("Algae (phytoplankton) and the diel heat budget are not modelled") != std::string::npos);
    CHECK(html.find("未模拟藻类") != std::string::npos);
    static const std::regex row_re(
        R"re(<tr class="wq-row (pass|fail)" data-scen="([^"]*)" data-section="([^"]*)" data-deciding="([^"]*)">([\s\S]*?)</tr>)re");
    std::map<std::pair<std::string, std::string>, std::smatch> rows;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), row_re); it != std::sregex_iterator(); ++it)
        rows[{(*it)[2], (*it)[3]}] = *it;
    CHECK(rows.size() == want.size() - 1);
    for (std::size_t r = 1; r < want.size(); ++r) {
        const auto w = row_map(want, r);
        INFO("report.html, " << w.at("scenario_id") << " " << w.at("section_id"));
        const auto it = rows.find({w.at("scenario_id"), w.at("section_id")});
        REQUIRE(it != rows.end());
        const auto& m = it->second;
        CHECK(m[4].str() == w.at("deciding"));
        CHECK(m[1].str() == (w.at("meets") == "yes" ? "pass" : "fail"));
        std::string en, zh;
        for (std::size_t a = 0, b; a < w.at("deciding").size(); a = b + 1) {
            b = w.at("deciding").find(';', a);
            if (b == std::string::npos) b = w.at("deciding").size();
            const std::string k = w.at("deciding").substr(a, b - a);
            en += (en.empty() ? "" : ", ") + std::string(reaches::wq::item_label_en(k));
            zh += (zh.empty() ? "" : "、") + std::string(reaches::wq::item_label_zh(k));
        }
        // the deciding cell's text in each language, its entries each kept on one line
        const std::string cells = m[5];
        static const std::regex deciding_re(R"re(<td class="deciding"><span class="zh">(.*?)</span><span class="en">(.*?)</span></td>)re");
        std::smatch dm;
        REQUIRE(std::regex_search(cells, dm, deciding_re));
        static const std::regex tag_re("<[^>]*>");
        CHECK(std::regex_replace(dm[1].str(), tag_re, "") == zh);
        CHECK(std::regex_replace(dm[2].str(), tag_re, "") == en);
    }
}

/// Spreadsheet column letters of column c (0 = A).
std::string column_letters(std::size_t c) {
    std::string s;
    for (++c; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
    return s;
}

/// report.xlsx: the sheet 水质评价 holds the CSV's deciding and class columns row for row (text cells: the workbook is
/// written in constant-memory mode, so every text is an inline string <c r="AH4" [s="7"] t="inlineStr"><is><t>...).
void check_xlsx(const fs::path& xlsx, const Rows& want) {
    const std::string book = unzip_member(xlsx.string(), "xl/workbook.xml");
    std::vector<std::string> names;
    static const std::regex name_re(R"re(<sheet name="([^"]*)")re");
    for (auto it = std::sregex_iterator(book.begin(), book.end(), name_re); it != std::sregex_iterator(); ++it) names.push_back((*it)[1]);
    const auto at = std::find(names.begin(), names.end(), "水质评价 water quality");
    REQUIRE(at != names.end());
    const std::string xml = unzip_member(xlsx.string(), "xl/worksheets/sheet" + std::to_string(at - names.begin() + 1) + ".xml");
    auto cell = [&](std::size_t row, std::size_t col, bool* styled) {
        const std::regex re("<c r=\"" + column_letters(col) + std::to_string(row) + "\"( s=\"[0-9]+\")? t=\"inlineStr\"><is><t>([^<]*)</t>");
        std::smatch m;
        if (!std::regex_search(xml, m, re)) return std::string("(no text cell)");
        if (styled) *styled = m[1].matched;
        return m[2].str();
    };
    const auto& head = want.front();
    const std::size_t deciding = column(head, "deciding"), cls = column(head, "class");
    CHECK(cell(1, deciding, nullptr) == "定类因子");  // rows 1-3: Chinese, English, the CSV column
    CHECK(cell(3, deciding, nullptr) == "deciding");
    for (std::size_t r = 1; r < want.size(); ++r) {
        INFO("report.xlsx row " << r + 3);
        if (!want[r][deciding].empty()) CHECK(cell(r + 3, deciding, nullptr) == want[r][deciding]);
        bool styled = false;
        CHECK(cell(r + 3, cls, &styled) == want[r][cls]);
        CHECK(styled);  // filled with the class colour
    }
}

/// network.gpkg: a point layer per scenario with the CSV's columns and one feature per section, its values the CSV's.
void check_gpkg(const fs::path& gpkg, const Rows& want) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    REQUIRE(ds);
    std::map<std::string, int> rows_per_scenario;
    for (std::size_t r = 1; r < want.size(); ++r) ++rows_per_scenario[want[r][0]];
    std::map<std::pair<std::string, std::string>, std::size_t> row_of;
    for (std::size_t r = 1; r < want.size(); ++r) row_of[{want[r][0], want[r][1]}] = r;
    bool first = true;
    int features = 0;
    for (const auto& [scen, n] : rows_per_scenario) {
        std::string layer_name = "water_quality_sections";
        if (scen != "baseline") layer_name += "_" + scen;
        INFO("layer " << layer_name);
        OGRLayer* layer = ds->GetLayerByName(layer_name.c_str());
        REQUIRE(layer);
        CHECK(layer->GetGeomType() == wkbPoint);
        CHECK(layer->GetFeatureCount() == n);
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (const char* f : {"section_id", "class", "meets", "deciding", "exceeding_en", "exceeding_zh", "do_mgL", "do_exceedance",
                              "nh3n_class", "tp_exceedance", "condition"})
            CHECK(defn->GetFieldIndex(f) >= 0);
        layer->ResetReading();
        while (OGRFeature* f = layer->GetNextFeature()) {
            const auto at = row_of.find({scen, f->GetFieldAsString("section_id")});
            REQUIRE(at != row_of.end());
            const auto w = row_map(want, at->second);
            CHECK(std::string(f->GetFieldAsString("deciding")) == w.at("deciding"));
            CHECK(reaches::class_roman(f->GetFieldAsInteger("class")) == w.at("class"));
            CHECK(std::string(f->GetFieldAsString("exceeding_en")) == w.at("exceeding_en"));
            double v = 0.0;
            REQUIRE(parse_double(w.at("nh3n_mgL"), v));
            CHECK(close(f->GetFieldAsDouble("nh3n_mgL"), v, kRel));
            CHECK(f->IsFieldSetAndNotNull(defn->GetFieldIndex("tp_exceedance")) == !w.at("tp_exceedance").empty());
            CHECK(f->GetGeometryRef() != nullptr);
            OGRFeature::DestroyFeature(f);
            ++features;
        }
        first = false;
    }
    CHECK(!first);
    CHECK(features == static_cast<int>(want.size()) - 1);
}

}  // namespace

TEST_CASE("water quality in run, compare and report: the values of `qingliu water-quality`, class and deciding items shown",
          "[report][water-quality][cli]") {
    int cases = 0, cells = 0, items = 0;
    for (const auto& e : fs::directory_iterator(source_dir() / "data/cases")) {
        if (!fs::exists(e.path() / "case.toml") || read_file(e.path() / "case.toml").find("[water_quality]") == std::string::npos) continue;
        const std::string name = e.path().filename().string();
        INFO("case " << name);
        const fs::path work = temp_dir("wqreport-" + name);
        const std::string q = "--quiet --store " + (work / "runs.sqlite").string() + " ";
        std::string log;
        REQUIRE(run_cli(q + "water-quality " + e.path().string() + " --out " + (work / "wq").string(), &log) == 0);
        const Rows want = read_csv_rows(work / "wq/water_quality_sections.csv");
        REQUIRE(want.size() > 1);

        // run: the baseline's rows beside sections.csv; every scenario's in the store and the report
        REQUIRE(run_cli(q + "run " + e.path().string() + " --out " + (work / "run").string(), &log) == 0);
        const Rows run_rows = read_csv_rows(work / "run/water_quality_sections.csv");
        std::size_t baseline_rows = 0;
        for (std::size_t r = 1; r < want.size(); ++r) baseline_rows += want[r][0] == "baseline" ? 1 : 0;
        CHECK(run_rows.size() - 1 == baseline_rows);
        cells += compare_rows(run_rows, want, name + ": run/water_quality_sections.csv");
        const io::LoadedCase lc = io::load_case(e.path().string());
        items += check_store(work / "runs.sqlite", want, lc.model.classes);
        REQUIRE(run_cli(q + "report latest --out " + (work / "report").string(), &log) == 0);
        const Rows report_rows = read_csv_rows(work / "report/water_quality_sections.csv");
        CHECK(report_rows.size() == want.size());
        cells += compare_rows(report_rows, want, name + ": report/water_quality_sections.csv");
        check_html(work / "report/report.html", want);
        check_xlsx(work / "report/report.xlsx", want);
        check_gpkg(work / "report/network.gpkg", want);

        // compare: every scenario, stored the same way
        REQUIRE(run_cli(q + "compare " + e.path().string() + " --out " + (work / "compare").string(), &log) == 0);
        const Rows compare_rows_ = read_csv_rows(work / "compare/water_quality_sections.csv");
        CHECK(compare_rows_.size() == want.size());
        cells += compare_rows(compare_rows_, want, name + ": compare/water_quality_sections.csv");
        items += check_store(work / "runs.sqlite", want, lc.model.classes);
        fs::remove_all(work);
        ++cases;
    }
    CHECK(cases == 4);  // leshan, ledu, shizhong, yibin
    CHECK(cells > 1000);
    CHECK(items > 500);
}

TEST_CASE("water quality in run: the console names the deciding and exceeding items of each failing section",
          "[report][water-quality][cli]") {
    const fs::path work = temp_dir("wqreport-console");
    const fs::path leshan = source_dir() / "data/cases/leshan";
    std::string log;
    REQUIRE(run_cli("--quiet --store " + (work / "runs.sqlite").string() + " water-quality " + leshan.string() + " --out " +
                        (work / "wq").string(),
                    &log) == 0);
    const Rows want = read_csv_rows(work / "wq/water_quality_sections.csv");
    REQUIRE(run_cli("--store " + (work / "runs.sqlite").string() + " run " + leshan.string() + " --out " + (work / "run").string(), &log) == 0);
    // a section's line wrapped at spaces to 120 columns (continued 6 spaces in): read as one line
    log = std::regex_replace(log, std::regex("\n {6}"), " ");
    CHECK(log.find("Water-quality model, every GB 3838 item") != std::string::npos);
    CHECK(log.find("algae and the diel heat budget not modelled") != std::string::npos);
    int failing = 0;
    for (std::size_t r = 1; r < want.size(); ++r) {
        const auto w = row_map(want, r);
        if (w.at("meets") == "yes") continue;
        ++failing;
        INFO(w.at("scenario_id") << " " << w.at("section_id"));
        // "    LS05 <name>: IV (目标 target III); 定类因子 deciding NH3-N; 超标因子 <zh> / exceeding <en>"
        CHECK(log.find("\n    " + w.at("section_id") + " " + w.at("name") + ": " + w.at("class") + " (目标 target " + w.at("target_class") +
                       ")") != std::string::npos);
        CHECK(log.find("超标因子 " + w.at("exceeding_zh") + " / exceeding " + w.at("exceeding_en")) != std::string::npos);
    }
    CHECK(failing > 0);  // the Leshan baseline has sections missing their target over every item
    fs::remove_all(work);
}

// No shipped case has a section short of DO, so a section built in code: DO 3.2 mg/L and NH3-N 1.5 mg/L at a class III
// river section. GB 3838-2002 table 1: DO >= 5 (III), >= 3 (IV); NH3-N <= 1.0 (III), <= 1.5 (IV). Both are class IV,
// so both decide; DO is short by 5 - 3.2 = 1.8 mg/L (no multiple), NH3-N exceeds by 1.5 / 1.0 - 1 = 0.5; NH3-N is
// listed first (0.5 against DO's 1.8 / 5 = 0.36).
TEST_CASE("water quality part: a DO shortfall is shown in mg/L beside the multiples, never as a multiple", "[report][water-quality]") {
    const std::vector<reaches::wq::Item> items = {{"do", 3.2}, {"codmn", 4.0}, {"nh3n", 1.5}, {"tp", 0.1}, {"tn", 3.0}};
    report::WaterQualityRow row;
    row.section_id = "S1";
    row.name = "测试断面";
    row.name_en = "Test section";
    row.target_class = 3;
    row.evaluation = reaches::wq::evaluate_items(reaches::ClassTable::gb3838(), items, reaches::WaterBody::River, 3);
    for (const auto& c : row.evaluation.items)
        if (c.cls == row.evaluation.overall) row.deciding.push_back(c.key);
    REQUIRE(row.evaluation.overall == 4);
    CHECK(row.deciding == std::vector<std::string>{"do", "nh3n"});
    report::WaterQualityTable t;
    t.reaeration = "internal";
    t.scenarios.push_back({"baseline", "design", "设计条件", "design condition"});
    t.rows.push_back(row);
    report::ReportData d;

    const std::string html = report::water_quality_section_html(t, d, "title");
    // the shortfall column: 1.80 mg/L (two decimals); the exceeding list: NH3-N's multiple first, then DO's shortfall
    CHECK(html.find("<td class=\"n\">1.80</td></tr>") != std::string::npos);
    CHECK(html.find("<span class=\"item\">NH3-N 0.50</span><br><span class=\"item\">DO short by 1.80 mg/L</span>") != std::string::npos);
    CHECK(html.find("<span class=\"item\">氨氮 0.50倍</span><br><span class=\"item\">溶解氧 低于限值 1.80 mg/L</span>") !=
          std::string::npos);
    CHECK(html.find("data-deciding=\"do;nh3n\"") != std::string::npos);

    // the CSV: DO's exceedance column holds the shortfall, NH3-N's the multiple, TN (no river limit) no class
    const auto rows = parse_csv_text(io::water_quality_sections_csv(t.rows));
    REQUIRE(rows.size() == 2);
    const auto w = row_map(rows, 1);
    double x = 0.0;
    REQUIRE(parse_double(w.at("do_exceedance"), x));
    CHECK(std::abs(x - 1.8) <= 1e-12);  // 5 - 3.2, one subtraction
    REQUIRE(parse_double(w.at("nh3n_exceedance"), x));
    CHECK(std::abs(x - 0.5) <= 1e-12);  // 1.5 / 1.0 - 1
    CHECK(w.at("tp_exceedance").empty());
    CHECK(w.at("tn_class").empty());
    CHECK(w.at("class") == "IV");
    CHECK(w.at("meets") == "no");
    CHECK(w.at("exceeding_en") == "NH3-N 0.50; DO short by 1.80 mg/L");
}
