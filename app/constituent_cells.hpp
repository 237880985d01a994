// Cells of terminal tables that hold one value per state variable (common/constituent.hpp), in table order.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "app/text_table.hpp"
#include "common/constituent.hpp"

namespace qingliu::app {

/// row followed by label_en(c) + suffix for every state variable: with_labels({"断面 Section"}, " t/a").
inline std::vector<std::string> with_labels(std::vector<std::string> row, std::string_view suffix = {}) {
    for (auto c : kConstituents) row.push_back(std::string(label_en(c)) + std::string(suffix));
    return row;
}

/// row followed by f(c) for every state variable.
template <class F>
std::vector<std::string> with_each(std::vector<std::string> row, F&& f) {
    for (auto c : kConstituents) row.push_back(f(c));
    return row;
}

/// row followed by v[c] * scale with the variable's decimals for concentrations (conc_digits + extra_digits).
inline std::vector<std::string> with_conc(std::vector<std::string> row, const PerConstituent& v, double scale = 1.0,
                                          int extra_digits = 0) {
    return with_each(std::move(row), [&](Constituent c) { return fixed(v[idx(c)] * scale, variable(c).conc_digits + extra_digits); });
}

/// The rest of a row after the per-constituent cells.
inline std::vector<std::string> then(std::vector<std::string> row, std::vector<std::string> rest) {
    row.insert(row.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
    return row;
}

}  // namespace qingliu::app
