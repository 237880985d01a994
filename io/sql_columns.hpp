// Column declarations and placeholders of the run store's per-constituent columns (one per state variable,
// common/constituent.hpp), so that the schema follows the state-variable table.
#pragma once
#include <string>
#include <string_view>

#include "common/constituent.hpp"

namespace qingliu::io {

/// "cod_mgL REAL, nh3n_mgL REAL, tp_mgL REAL" for suffix "_mgL", type "REAL"; names alone without a type.
inline std::string sql_columns(std::string_view suffix, std::string_view type = {}) {
    return join_each([&](int c) { return column(kConstituents[c], suffix) + (type.empty() ? "" : " " + std::string(type)); }, ", ");
}

/// n placeholders: "?,?,?".
inline std::string sql_placeholders(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += i ? ",?" : "?";
    return s;
}

}  // namespace qingliu::io
