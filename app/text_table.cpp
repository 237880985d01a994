#include "app/text_table.hpp"

#include <cstdio>

#include <algorithm>

namespace qingliu::app {

std::string fixed(double v, int digits) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

int display_width(const std::string& s) {
    int w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        unsigned cp;
        int n;
        if (c < 0x80) { cp = c; n = 1; }
        else if ((c >> 5) == 6 && i + 1 < s.size()) { cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F); n = 2; }
        else if ((c >> 4) == 14 && i + 2 < s.size()) { cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F); n = 3; }
        else { cp = 0x10000; n = 4; }
        // East Asian wide and fullwidth ranges (Unicode UAX #11, the common blocks)
        const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                          (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x10000;
        w += wide ? 2 : 1;
        i += n;
    }
    return w;
}

std::string TextTable::str() const {
    std::vector<int> width(header_.size(), 0);
    auto measure = [&](const std::vector<std::string>& r) {
        for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
    };
    measure(header_);
    for (const auto& r : rows_) measure(r);
    std::string out;
    auto line = [&](const std::vector<std::string>& r) {
        for (std::size_t i = 0; i < width.size(); ++i) {
            const std::string cell = i < r.size() ? r[i] : "";
            out += cell;
            if (i + 1 < width.size()) out += std::string(width[i] - display_width(cell) + 2, ' ');
        }
        out += "\n";
    };
    line(header_);
    std::string rule;
    for (std::size_t i = 0; i < width.size(); ++i) rule += std::string(width[i], '-') + (i + 1 < width.size() ? "  " : "");
    out += rule + "\n";
    for (const auto& r : rows_) line(r);
    return out;
}

}  // namespace qingliu::app
