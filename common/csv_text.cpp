#include "common/csv_text.hpp"

#include <cmath>
#include <cstdlib>

namespace qingliu {

std::vector<std::vector<std::string>> parse_csv_text(std::string_view t) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    std::size_t i = 0;
    if (t.size() >= 3 && t.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte-order mark
    auto end_row = [&] {
        if (any || !field.empty() || !row.empty()) {
            row.push_back(std::move(field));
            rows.push_back(std::move(row));
        }
        row.clear();
        field.clear();
        any = false;
    };
    for (; i < t.size(); ++i) {
        const char ch = t[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < t.size() && t[i + 1] == '"') { field += '"'; ++i; }
                else quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == '"') {
            quoted = true;
            any = true;
        } else if (ch == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
            end_row();
        } else {
            field += ch;
        }
    }
    end_row();
    return rows;
}

std::string trim(std::string_view s) {
    std::size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n')) --b;
    return std::string(s.substr(a, b - a));
}

bool parse_double(std::string_view s, double& out) {
    const std::string t = trim(s);
    if (t.empty()) return false;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(v)) return false;
    out = v;
    return true;
}

}  // namespace qingliu
