// What the report wrote, read back by the tests: a command's output (pdftotext, unzip), and report.xlsx without a
// spreadsheet library: `unzip -p` gives each sheet's XML, a few regular expressions give its cells.
#pragma once
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace qingliu::test {

/// Standard output of a shell command.
inline std::string capture(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

/// One member of a zip file.
inline std::string unzip(const std::filesystem::path& zip, const std::string& member) {
    return capture("unzip -p '" + zip.string() + "' '" + member + "' 2> /dev/null");
}

inline std::string unxml(std::string s) {
    for (auto [from, to] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}})
        for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, std::string(from).size(), to);
    return s;
}

struct Cell {
    std::string text;   ///< string value, or the number as stored
    bool number = false;
    int style = 0;
};

inline int col_index(const std::string& letters) {
    int c = 0;
    for (char l : letters) c = c * 26 + (l - 'A' + 1);
    return c - 1;
}

/// Cells of a worksheet's XML by (row, column), both from 0. Inline strings (constant-memory mode) and shared strings.
inline std::map<std::pair<int, int>, Cell> cells_of(const std::string& xml, const std::vector<std::string>& shared) {
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


/// The workbook's sheet names in order.
inline std::vector<std::string> sheet_names_of(const std::filesystem::path& xlsx) {
    const std::string book = unzip(xlsx, "xl/workbook.xml");
    std::vector<std::string> names;
    static const std::regex name_re(R"re(<sheet name="([^"]*)")re");
    for (auto it = std::sregex_iterator(book.begin(), book.end(), name_re); it != std::sregex_iterator(); ++it) names.push_back(unxml((*it)[1]));
    return names;
}

}  // namespace qingliu::test
