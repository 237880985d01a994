#include "io/store_tables.hpp"

#include <sqlite3.h>

#include "common/error.hpp"
#include "io/sql_columns.hpp"

namespace qingliu::io {

StoreTables::StoreTables(RunStore& store, const std::string& schema, std::string what)
    : db_(store.handle()), what_(std::move(what)) {
    exec_sql(db_, schema.c_str(), what_);
}

void require_run_transaction(RunStore& store, const std::string& what, const std::string& data) {
    if (sqlite3_get_autocommit(store.handle())) throw OutputError(what + ": " + data + " must be written in the run's transaction");
}

Statement StoreTables::insert(const std::string& table, int columns) const {
    return prepare("INSERT INTO " + table + " VALUES(" + sql_placeholders(columns) + ")");
}

Statement& bind_reals(Statement& s, int first, const PerConstituent& v) {
    for (int c = 0; c < kNumConstituents; ++c) s.bind(first + c, v[c]);
    return s;
}

PerConstituent read_reals(const Statement& s, int first) {
    PerConstituent v{};
    for (int c = 0; c < kNumConstituents; ++c) v[c] = s.real(first + c);
    return v;
}

std::string join_lines(const std::vector<std::string>& v) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? "\n" : "") + v[i];
    return o;
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t a = 0; a < s.size();) {
        const std::size_t e = s.find('\n', a);
        out.push_back(s.substr(a, e == std::string::npos ? std::string::npos : e - a));
        a = e == std::string::npos ? s.size() : e + 1;
    }
    return out;
}

}  // namespace qingliu::io
