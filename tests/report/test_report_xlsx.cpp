// report.xlsx read back without a spreadsheet library: `unzip -p` gives each sheet's XML, a few regular expressions
// give its cells, and every cell is compared with the field at the same place in the CSV file of the same report.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <regex>

#include <sys/wait.h>
#include <unistd.h>

#include "../io/helpers.hpp"
#include "common/csv_text.hpp"
#include "reaches/classes.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

std::string unzip(const fs::path& zip, const std::string& member) {
    const std::string cmd = "unzip -p '" + zip.string() + "' '" + member + "' 2> /dev/null";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

std::string unxml(std::string s) {
    for (auto [from, to] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}})
        for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, std::string(from).size(), to);
    return s;
}

struct Cell {
    std::string text;   ///< string value, or the number as stored
    bool number = false;
    int style = 0;
};

int col_index(const std::string& letters) {
    int c = 0;
    for (char l : letters) c = c * 26 + (l - 'A' + 1);
    return c - 1;
}

/// Cells of a worksheet's XML by (row, column), both from 0. Inline strings (constant-memory mode) and shared strings.
std::map<std::pair<int, int>, Cell> cells_of(const std::string& xml, const std::vector<std::string>& shared) {
    std::map<std::pair<int, int>, Cell> out;
    static const std::regex cell_re(R"re(<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>([\s\S]*?)</c>))re");
    static const std::regex t_re(R"re(<t[^>]*>([\s\S]*?)</t>)re"), v_re(R"re(<v>([^<]*)</v>)re"), s_re(R"re( s="([0-9]+)")re"),
        type_re(R"re( t="([a-zA-Z]+)")re");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), cell_re); it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        const std::string attrs = m[3], body = m[4];
        Cell c;
        std::smatch a;
        if (std::regex_search(attrs, a, s_re)) c.style = std::stoi(a[1]);
        std::string type;
        if (std::regex_search(attrs, a, type_re)) type = a[1];
        std::smatch v;
        if (type == "inlineStr" || type == "str") {
            if (std::regex_search(body, v, t_re)) c.text = unxml(v[1]);
        } else if (type == "s") {
            if (std::regex_search(body, v, v_re)) c.text = shared.at(std::stoul(v[1]));
        } else if (std::regex_search(body, v, v_re)) {
            c.text = v[1];
            c.number = true;
        } else
            continue;  // a styled empty cell
        out[{std::stoi(m[2]) - 1, col_index(m[1])}] = c;
    }
    return out;
}

}  // namespace

TEST_CASE("report: report.xlsx holds every CSV table, cell for cell, numbers as numbers", "[report][xlsx]") {
    const fs::path work = temp_dir("repxlsx");
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    std::string log;
    REQUIRE(run_cli(store + "run " + (source_dir() / "tests/data/mini").string() + " --out " + (work / "run").string(), &log) == 0);
    INFO(log);
    REQUIRE(run_cli(store + "report latest --out " + (work / "report").string(), &log) == 0);
    const fs::path rep = work / "report", xlsx = rep / "report.xlsx";
    REQUIRE(fs::exists(xlsx));
    CHECK(fs::exists(work / "run" / "report.xlsx"));  // `run` writes the same workbook beside its CSV files

    const std::string book = unzip(xlsx, "xl/workbook.xml");
    REQUIRE(!book.empty());
    std::vector<std::string> sheet_names;
    static const std::regex name_re(R"re(<sheet name="([^"]*)")re");
    for (auto it = std::sregex_iterator(book.begin(), book.end(), name_re); it != std::sregex_iterator(); ++it)
        sheet_names.push_back(unxml((*it)[1]));
    const std::vector<std::pair<std::string, std::string>> tables = {
        {"scenarios.csv", "情景 scenarios"},  {"sections.csv", "断面 sections"},         {"reaches.csv", "河段 reaches"},
        {"profile.csv", "剖面 profile"},      {"sources.csv", "污染源 sources"},         {"loads_by_type.csv", "分类负荷 loads by type"},
        {"apportionment.csv", "来源解析 apportionment"}, {"allocation.csv", "总量分配 allocation"}};
    // one sheet per CSV table in the report's order, then the About sheet
    REQUIRE(sheet_names.size() == tables.size() + 1);
    CHECK(sheet_names.back() == "说明 About");
    std::vector<std::string> shared;  // none in constant-memory mode; read when present
    {
        const std::string ss = unzip(xlsx, "xl/sharedStrings.xml");
        static const std::regex si_re(R"re(<si>[\s\S]*?<t[^>]*>([\s\S]*?)</t>[\s\S]*?</si>)re");
        for (auto it = std::sregex_iterator(ss.begin(), ss.end(), si_re); it != std::sregex_iterator(); ++it) shared.push_back(unxml((*it)[1]));
    }
    const std::string styles = unzip(xlsx, "xl/styles.xml");
    int compared_numbers = 0, compared_texts = 0, class_cells = 0;
    for (std::size_t t = 0; t < tables.size(); ++t) {
        INFO(tables[t].first);
        CHECK(sheet_names[t] == tables[t].second);
        const std::string xml = unzip(xlsx, "xl/worksheets/sheet" + std::to_string(t + 1) + ".xml");
        REQUIRE(!xml.empty());
        // three frozen header rows, an autofilter on the key row, column widths set
        CHECK(xml.find("ySplit=\"3\"") != std::string::npos);
        CHECK(xml.find("state=\"frozen\"") != std::string::npos);
        CHECK(std::regex_search(xml, std::regex("<autoFilter ref=\"A3:[A-Z]+[0-9]+\"")));
        CHECK(xml.find("<col ") != std::string::npos);
        const auto csv = read_csv_rows(rep / tables[t].first);
        REQUIRE(!csv.empty());
        const auto cells = cells_of(xml, shared);
        const auto& head = csv.front();
        for (std::size_t c = 0; c < head.size(); ++c) {
            // row 1 Chinese, row 2 English, row 3 the CSV column name
            REQUIRE(cells.count({2, static_cast<int>(c)}));
            CHECK(cells.at({2, static_cast<int>(c)}).text == head[c]);
            REQUIRE(cells.count({0, static_cast<int>(c)}));
            REQUIRE(cells.count({1, static_cast<int>(c)}));
            CHECK(!cells.at({0, static_cast<int>(c)}).text.empty());
        }
        // the data rows: exactly the CSV's, field by field
        int last_row = 0;
        for (const auto& [rc, cell] : cells) last_row = std::max(last_row, rc.first);
        CHECK(last_row == static_cast<int>(csv.size()) + 1);  // 3 header rows + (csv.size() - 1) data rows, from 0
        for (std::size_t r = 1; r < csv.size(); ++r)
            for (std::size_t c = 0; c < head.size(); ++c) {
                const std::string& want = c < csv[r].size() ? csv[r][c] : std::string();
                auto it = cells.find({static_cast<int>(r) + 2, static_cast<int>(c)});
                INFO("row " << r << " column " << head[c] << ": CSV '" << want << "'");
                if (want.empty()) {
                    CHECK(it == cells.end());
                    continue;
                }
                REQUIRE(it != cells.end());
                const bool numeric_col = head[c].size() > 4 &&
                                         (head[c].ends_with("_mgL") || head[c].ends_with("_t_a") || head[c].ends_with("_km") ||
                                          head[c].ends_with("_m3s") || head[c].ends_with("_share") || head[c].ends_with("_kg_d"));
                double a = 0.0, b = 0.0;
                if (numeric_col) REQUIRE(it->second.number);
                if (it->second.number) {
                    // stored as a number; the CSV has 6 significant digits and the cell keeps them all
                    REQUIRE(parse_double(want, a));
                    REQUIRE(parse_double(it->second.text, b));
                    CHECK(b == Approx(a).epsilon(1e-14).margin(1e-300));  // double -> text -> double: exact to 1e-14
                    ++compared_numbers;
                } else {
                    CHECK(it->second.text == want);
                    ++compared_texts;
                    if (head[c] == "class" || head[c] == "target_class") {
                        CHECK(it->second.style > 0);  // filled with the class colour
                        ++class_cells;
                    }
                }
            }
    }
    // the mini case: 4 scenarios x (3 sections, 6 reaches, profiles, 3 sources) — hundreds of numbers and texts
    CHECK(compared_numbers > 500);
    CHECK(compared_texts > 100);
    CHECK(class_cells == 4 * 3 * 2 + 4 * 6);  // sections: target and class; reaches: class (none dry)
    // class colours of the HTML report are in the styles (III green #2e9e44, worse than V red #d62728)
    CHECK(styles.find("FF2E9E44") != std::string::npos);
    CHECK(styles.find("FFD62728") != std::string::npos);
}

TEST_CASE("report: a workbook temporary left by a killed process is removed by the next workbook written", "[report][xlsx]") {
    // a process id that no longer exists: a child that has exited and been waited for
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    const fs::path orphan = fs::temp_directory_path() / ("qingliu-xlsx-" + std::to_string(child) + "-1.xlsx");
    write_file(orphan, "left by a killed run");
    const fs::path work = temp_dir("repxlsx-orphan");
    REQUIRE(run_cli("--store " + (work / "runs.sqlite").string() + " -q run " + (source_dir() / "tests/data/mini").string() + " --out " +
                    (work / "run").string()) == 0);
    CHECK(fs::exists(work / "run" / "report.xlsx"));
    CHECK_FALSE(fs::exists(orphan));
}

TEST_CASE("report: progress on stderr on a terminal only", "[report][cli]") {
    const fs::path work = temp_dir("repprog");
    const std::string store = "--store " + (work / "runs.sqlite").string() + " ";
    std::string log;
    REQUIRE(run_cli(store + "-q run " + (source_dir() / "tests/data/mini").string() + " --out " + (work / "run").string(), &log) == 0);
    // not a terminal (run_cli sends both streams to a file): no progress line
    REQUIRE(run_cli(store + "report latest --out " + (work / "r1").string(), &log) == 0);
    CHECK(log.find("[report]") == std::string::npos);
    // a terminal (script(1) gives the command a pseudo-terminal): the progress line, ending at 100 %
    if (std::system("command -v script > /dev/null 2>&1") != 0) {
        WARN("script(1) (util-linux) not installed: the terminal half was not checked");
        return;
    }
    const fs::path out = work / "tty.txt";
    const std::string cmd = std::string(QINGLIU_BINARY) + " " + store + "report latest --out " + (work / "r2").string();
    REQUIRE(std::system(("script -qec \"" + cmd + "\" /dev/null > " + out.string() + " 2>&1").c_str()) == 0);
    const std::string tty = read_file(out);
    CHECK(tty.find("\r[report]   0%") != std::string::npos);
    CHECK(tty.find("\r[report] 100%") != std::string::npos);
    CHECK(fs::exists(work / "r2" / "report.xlsx"));
}
