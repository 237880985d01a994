// Plain-text tables for the terminal, aligned by display width (CJK characters take two columns).
#pragma once
#include <string>
#include <vector>

namespace qingliu::app {

int display_width(const std::string& utf8);
/// A number with a fixed count of decimals, for terminal tables.
std::string fixed(double v, int digits);

/// Splits `text` into lines of at most `width` display columns, at spaces where it can, else between characters.
std::vector<std::string> wrap_text(const std::string& text, int width);

/// A table aligned by display width. A table wider than `max_width` (default 120 terminal columns) has its widest
/// columns narrowed and their cells wrapped onto further lines, so that it fits.
class TextTable {
public:
    explicit TextTable(std::vector<std::string> header, int max_width = 120) : header_(std::move(header)), max_width_(max_width) {}
    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    std::string str() const;

private:
    std::vector<int> column_widths() const;
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
    int max_width_;
};

}  // namespace qingliu::app
