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

namespace {
constexpr int kGap = 2;          // spaces between columns
constexpr int kMinColumn = 8;    // a column is never narrowed below this (or its natural width)

// Byte length of the UTF-8 character starting at s[i].
std::size_t char_len(const std::string& s, std::size_t i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    return std::min(n, s.size() - i);
}
}  // namespace

std::vector<std::string> wrap_text(const std::string& text, int width) {
    std::vector<std::string> lines;
    if (width < 1 || display_width(text) <= width) return {text};
    std::string line, word;
    auto flush_line = [&] {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        lines.push_back(line);
        line.clear();
    };
    auto put_word = [&] {
        if (word.empty()) return;
        if (!line.empty() && display_width(line) + display_width(word) > width) flush_line();
        // a word longer than the line is cut between characters (CJK text has no spaces)
        for (std::size_t i = 0; i < word.size();) {
            const std::size_t n = char_len(word, i);
            const std::string ch = word.substr(i, n);
            if (display_width(line) + display_width(ch) > width) flush_line();
            line += ch;
            i += n;
        }
        word.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = char_len(text, i);
        if (text[i] == ' ') {
            put_word();
            if (!line.empty() && display_width(line) < width) line += ' ';
        } else {
            word += text.substr(i, n);
        }
        i += n;
    }
    put_word();
    if (!line.empty()) flush_line();
    return lines;
}

std::vector<int> TextTable::column_widths() const {
    std::vector<int> width(header_.size(), 0);
    auto measure = [&](const std::vector<std::string>& r) {
        for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
    };
    measure(header_);
    for (const auto& r : rows_) measure(r);
    auto total = [&] {
        int t = 0;
        for (int w : width) t += w;
        return t + kGap * static_cast<int>(width.empty() ? 0 : width.size() - 1);
    };
    // narrow the widest column one step at a time until the table fits (or nothing can be narrowed further)
    while (total() > max_width_) {
        const auto widest = std::max_element(width.begin(), width.end());
        if (widest == width.end() || *widest <= kMinColumn) break;
        *widest -= 1;
    }
    return width;
}

std::string TextTable::str() const {
    const std::vector<int> width = column_widths();
    std::string out;
    auto line = [&](const std::vector<std::string>& r) {
        std::vector<std::vector<std::string>> cells(width.size());
        std::size_t height = 1;
        for (std::size_t i = 0; i < width.size(); ++i) {
            cells[i] = wrap_text(i < r.size() ? r[i] : "", width[i]);
            height = std::max(height, cells[i].size());
        }
        for (std::size_t k = 0; k < height; ++k) {
            std::string text;
            for (std::size_t i = 0; i < width.size(); ++i) {
                const std::string cell = k < cells[i].size() ? cells[i][k] : "";
                text += cell;
                if (i + 1 < width.size()) text += std::string(static_cast<std::size_t>(std::max(0, width[i] - display_width(cell)) + kGap), ' ');
            }
            while (!text.empty() && text.back() == ' ') text.pop_back();
            out += text + "\n";
        }
    };
    line(header_);
    std::string rule;
    for (std::size_t i = 0; i < width.size(); ++i) rule += std::string(static_cast<std::size_t>(width[i]), '-') + (i + 1 < width.size() ? "  " : "");
    out += rule + "\n";
    for (const auto& r : rows_) line(r);
    return out;
}

}  // namespace qingliu::app
