// Plain-text tables for the terminal, aligned by display width (CJK characters take two columns).
#pragma once
#include <string>
#include <vector>

namespace qingliu::app {

int display_width(const std::string& utf8);
/// A number with a fixed count of decimals, for terminal tables.
std::string fixed(double v, int digits);

class TextTable {
public:
    explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    std::string str() const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace qingliu::app
