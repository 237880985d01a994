// The report on paper: the Leshan case (11 scenarios, 9 sections) printed to PDF by headless Chromium with the page's
// own A4 print stylesheet, the PDF read back with poppler's pdftotext and pdfinfo. And English throughout: no
// Chinese left in the English half of the page.
#include <catch2/catch.hpp>

#include <cstdio>
#include <regex>
#include <set>

#include "../common/command_output.hpp"
#include "../io/helpers.hpp"
#include "common/constituent.hpp"
#include "common/csv_text.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

/// The text between the first `from` and the first `to` after it ("" when `from` is missing).
std::string between(const std::string& text, const std::string& from, const std::string& to) {
    const auto a = text.find(from);
    if (a == std::string::npos) return "";
    const auto b = text.find(to, a + from.size());
    return text.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

bool has_han(const std::string& s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0xE4 && c <= 0xE9) return true;  // U+4E00..U+9FFF lead bytes
    }
    return false;
}

/// The Leshan case run into a fresh store and reported; returns the report folder.
fs::path leshan_report(const fs::path& work, const std::string& lang) {
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    std::string log;
    REQUIRE(run_cli(store + "run " + (source_dir() / "data/cases/leshan").string() + " --out " + (work / "run").string(), &log) == 0);
    INFO(log);
    REQUIRE(run_cli(store + "report latest --lang " + lang + " --out " + (work / "report").string(), &log) == 0);
    return work / "report";
}

}  // namespace

TEST_CASE("report: printed to A4 PDF by Chromium, nothing lost", "[report][print][chromium]") {
    // CI installs chromium and poppler-utils (scripts/debian-packages.txt): their absence is a failure, not a skip
    REQUIRE(on_path("chromium"));
    REQUIRE(on_path("pdftotext"));
    REQUIRE(on_path("pdfinfo"));
    const fs::path work = temp_dir("repprint");
    const fs::path rep = leshan_report(work, "zh"), pdf = work / "report.pdf";
    const std::string flags = " --headless=new --no-sandbox --disable-gpu --no-pdf-header-footer --user-data-dir=" +
                              (work / "profile").string();
    REQUIRE(std::system(("timeout 180 chromium" + flags + " --print-to-pdf=" + pdf.string() + " file://" +
                         fs::absolute(rep / "report.html").string() + " > /dev/null 2>&1").c_str()) == 0);
    REQUIRE(fs::exists(pdf));

    const std::string info = command_output("pdfinfo '" + pdf.string() + "'");
    INFO(info);
    CHECK(info.find("(A4)") != std::string::npos);  // the page's @page size, portrait
    std::smatch m;
    REQUIRE(std::regex_search(info, m, std::regex("Pages:\\s+([0-9]+)")));
    const int pages = std::stoi(m[1]);
    // plausible for 11 scenarios x 9 sections, 4 rivers' profiles, 99 apportionment charts and 62 sources: more than
    // the 11 section tables alone, fewer than one page per chart
    CHECK(pages >= 12);
    CHECK(pages <= 90);

    const std::string text = command_output("pdftotext -enc UTF-8 '" + pdf.string() + "' -");
    REQUIRE(!text.empty());
    // every page carries the header (case and run) and the footer (page k / n)
    std::vector<std::string> page_text;
    for (std::size_t a = 0, b; a < text.size(); a = b + 1) {
        b = text.find('\f', a);
        if (b == std::string::npos) b = text.size();
        page_text.push_back(text.substr(a, b - a));
    }
    while (!page_text.empty() && page_text.back().find_first_not_of(" \n") == std::string::npos) page_text.pop_back();
    REQUIRE(static_cast<int>(page_text.size()) == pages);
    for (int k = 0; k < pages; ++k) {
        INFO("page " << k + 1);
        CHECK(page_text[k].find(std::to_string(k + 1) + " / " + std::to_string(pages)) != std::string::npos);
        CHECK(page_text[k].find("运行 run 1") != std::string::npos);
        CHECK(page_text[k].find("乐山") != std::string::npos);
    }

    const auto scen = read_csv_rows(rep / "scenarios.csv");
    const auto secs = read_csv_rows(rep / "sections.csv");
    REQUIRE(scen.size() == 12);  // header + baseline + 10 scenarios
    // section tables: every section id printed under every scenario
    const std::string sec_part = between(text, "二、断面水质与达标情况", "三、全部指标断面评价（水质模型）");
    REQUIRE(!sec_part.empty());
    CHECK(occurrences(sec_part, "类别") >= 11);  // the class column heading of each scenario's table
    std::set<std::string> ids;
    for (std::size_t r = 1; r < secs.size(); ++r) ids.insert(secs[r][column(secs[0], "section_id")]);
    CHECK(ids.size() == 9);
    for (const auto& id : ids) {
        INFO(id);
        CHECK(occurrences(sec_part, id) == 11);
    }
    // the water-quality model's sections: every section id printed under every scenario, each table with its deciding
    // items' column
    const std::string wq_part = between(text, "三、全部指标断面评价（水质模型）", "四、沿程浓度剖面");
    REQUIRE(!wq_part.empty());
    CHECK(occurrences(wq_part, "定类因子") >= 11);
    CHECK(wq_part.find("未模拟藻类") != std::string::npos);
    for (const auto& id : ids) {
        INFO(id);
        CHECK(occurrences(wq_part, id) == 11);
    }
    // the load inventory by type: every scenario in each table (one per state variable: COD, NH3-N, TP)
    const std::string load_part = between(text, "七、污染负荷清单", "污染源清单（现状）");
    REQUIRE(!load_part.empty());
    for (std::size_t r = 1; r < scen.size(); ++r) {
        const std::string id = scen[r][column(scen[0], "scenario")];
        INFO(id);
        CHECK(std::regex_search(load_part, std::regex("\\[" + id + "\\]")));
        CHECK(occurrences(load_part, "[" + id + "]") == kNumConstituents);
    }
    // the load allocation: one table per grouping, section and state variable of allocation.csv, each with its total
    // row printed, and every allocation unit named
    const std::string alloc_part = between(text, "六、总量分配", "七、污染负荷清单");
    REQUIRE(!alloc_part.empty());
    const auto alloc = read_csv_rows(rep / "allocation.csv");
    REQUIRE(alloc.size() > 1);
    std::set<std::string> tables, units;
    for (std::size_t r = 1; r < alloc.size(); ++r) {
        tables.insert(alloc[r][column(alloc[0], "by")] + "/" + alloc[r][column(alloc[0], "section_id")] + "/" + alloc[r][column(alloc[0], "constituent")]);
        if (alloc[r][column(alloc[0], "by")] == "town") units.insert(alloc[r][column(alloc[0], "unit")]);
    }
    CHECK(occurrences(alloc_part, "合计") == static_cast<int>(tables.size()));
    for (const auto& u : units) {
        INFO(u);
        CHECK(alloc_part.find(u) != std::string::npos);
    }
    // every section heading of the parts, and no control of the screen page (scenario bar, download buttons)
    for (const char* h : {"一、概况", "二、断面水质与达标情况", "三、全部指标断面评价（水质模型）", "四、沿程浓度剖面",
                          "五、断面污染来源解析", "六、总量分配", "七、污染负荷清单", "八、水系水质示意图", "九、方法与输入"})
        CHECK(text.find(h) != std::string::npos);
    CHECK(text.find("English") == std::string::npos);  // the language buttons
    CHECK(text.find("PNG") == std::string::npos);      // the download buttons of the charts
}

TEST_CASE("report: the English page has no Chinese left but 劣V (worse than V)", "[report][names]") {
    const fs::path rep = leshan_report(temp_dir("repnames"), "en");
    const std::string h = read_file(rep / "report.html");
    // every English span (the page shows class="en" and hides class="zh" when English is chosen)
    static const std::regex en_re(R"re(<(span|tspan) class="en">([^<]*)</(span|tspan)>)re");
    int spans = 0, with_han = 0;
    std::string first_bad;
    for (auto it = std::sregex_iterator(h.begin(), h.end(), en_re); it != std::sregex_iterator(); ++it) {
        ++spans;
        std::string t = (*it)[2];
        for (std::size_t p; (p = t.find("劣V (worse than V)")) != std::string::npos;) t.erase(p, std::string("劣V (worse than V)").size());
        if (has_han(t)) {
            ++with_han;
            if (first_bad.empty()) first_bad = t;
        }
    }
    INFO("first English text with Chinese: " << first_bad);
    CHECK(spans > 1000);
    CHECK(with_han == 0);
    // names given by the case and transliterated names are both there
    CHECK(h.find("<span class=\"en\">Minjiang at Yuelai ferry (inflow)</span>") != std::string::npos);  // sections.csv name_en
    CHECK(h.find("<span class=\"en\">Mangxi River</span>") != std::string::npos);                        // transliterated river
    CHECK(h.find("Urban sewage treatment rate 85 % -&gt; 95 %") != std::string::npos);                   // measure name_en
    CHECK(h.find("劣V (worse than V)") != std::string::npos);
}

TEST_CASE("report: each chart downloads as a standalone SVG and a PNG", "[report][chromium]") {
    REQUIRE(on_path("chromium"));
    const fs::path work = temp_dir("repexport");
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    std::string log;
    REQUIRE(run_cli(store + "run " + (source_dir() / "tests/data/mini").string() + " --out " + (work / "run").string(), &log) == 0);
    REQUIRE(run_cli(store + "report latest --lang en --out " + (work / "report").string(), &log) == 0);
    // the page's own export check (report.html#export-check) runs the download code on the first chart of each kind
    // and writes the results into the page; virtual time lets the PNG encoding finish before the DOM is dumped
    // on a loaded machine the image decoding can outlast the virtual time budget: up to three tries, each a fresh browser
    const fs::path dom = work / "dom.html";
    std::string d;
    std::smatch m;
    bool found = false;
    for (int attempt = 0; attempt < 3 && !found; ++attempt) {
        REQUIRE(std::system(("timeout 120 chromium --headless=new --no-sandbox --disable-gpu --virtual-time-budget=" +
                             std::to_string(10000 * (attempt + 1)) + " --user-data-dir=" + (work / ("profile" + std::to_string(attempt))).string() +
                             " --dump-dom 'file://" + fs::absolute(work / "report" / "report.html").string() + "#export-check' > " +
                             dom.string() + " 2> /dev/null").c_str()) == 0);
        d = read_file(dom);
        found = std::regex_search(d, m, std::regex("data-export=\"([^\"]*)\""));
    }
    REQUIRE(found);
    const std::string res = m[1];
    INFO(res);
    for (const char* kind : {"apportion", "map", "profile"}) {
        std::smatch k;
        REQUIRE(std::regex_search(res, k, std::regex(std::string(kind) + ":svg=([0-9]+),png=([0-9]+)")));
        CHECK(std::stoi(k[1]) > 2000);  // a drawing, not an empty frame
        CHECK(std::stoi(k[2]) > 5000);  // a PNG of 2x the chart's size
        const auto at = d.find(std::string("<pre id=\"ql-export-") + kind + "-png\">data:image/png;base64,iVBORw0KGgo");
        CHECK(at != std::string::npos);  // base64 of the PNG signature \x89PNG\r\n\x1a\n
    }
    // the profile's SVG stands alone: XML prolog, styles inlined, English title and the legend of its four lines
    const auto a = d.find("<pre id=\"ql-export-profile-svg\">");
    REQUIRE(a != std::string::npos);
    const std::string svg = d.substr(a, d.find("</pre>", a) - a);
    CHECK(svg.find("&lt;?xml version=\"1.0\" encoding=\"UTF-8\"?&gt;") != std::string::npos);
    CHECK(svg.find("stroke-dasharray") != std::string::npos);
    CHECK(svg.find("class=\"zh\"") == std::string::npos);  // the hidden language was left out
    CHECK(occurrences(svg, "&gt;Baseline (current)&lt;/text&gt;") == 1);  // the legend of the visible lines: all 4 of the mini case
    CHECK(occurrences(svg, "stroke-width:2.2;stroke-dasharray") == 4);  // its 4 line samples
}

TEST_CASE("report: English reach and river names from the reach table win over the transliteration", "[report][names]") {
    const fs::path c = copy_case(source_dir() / "tests/data/mini", "repnames-case");
    // the mini case with an English name for river 甲河 and for reach A1 (columns river_en, name_en)
    const auto rows = parse_csv_text(read_file(c / "reaches.csv"));
    std::string text;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (const auto& f : rows[r]) line += (line.empty() ? "" : ",") + f;
        if (r == 0) line += ",river_en,name_en";
        else if (rows[r][2] == "甲河") line += std::string(",Jia River (given)") + (rows[r][0] == "A1" ? ",Upper Jia (given)" : ",");
        else line += ",,";
        text += line + "\n";
    }
    write_file(c / "reaches.csv", text);
    const fs::path work = temp_dir("repnames-run");
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    std::string log;
    REQUIRE(run_cli(store + "run " + c.string() + " --out " + (work / "run").string(), &log) == 0);
    INFO(log);
    REQUIRE(run_cli(store + "report latest --out " + (work / "report").string(), &log) == 0);
    const std::string h = read_file(work / "report" / "report.html");
    CHECK(h.find("<span class=\"zh\">甲河</span><span class=\"en\">Jia River (given)</span>") != std::string::npos);
    CHECK(h.find("<span class=\"en\">Jia River</span>") == std::string::npos);  // no transliteration of 甲河 left
    CHECK(h.find("<span class=\"en\">Yi River</span>") != std::string::npos);  // 乙河 has none: transliterated
    const auto re = read_csv_rows(work / "report" / "reaches.csv");
    int given = 0;
    for (std::size_t r = 1; r < re.size(); ++r) {
        const auto& row = re[r];
        if (row[column(re[0], "river")] == "甲河") {
            CHECK(row[column(re[0], "river_en")] == "Jia River (given)");
            given += row[column(re[0], "reach_id")] == "A1" && row[column(re[0], "name_en")] == "Upper Jia (given)";
        }
    }
    CHECK(given == 4);  // A1 under each of the 4 scenarios
}
