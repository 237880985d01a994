// A group of run-store tables kept in its own file (report data, dynamic results, Monte Carlo, load allocation,
// verdicts), written and read through one shape: the group's schema made on first use, its statements naming the group
// in their errors, rows written with the run's id and their place, rows read back in that order.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/constituent.hpp"
#include "io/sqlite_statement.hpp"
#include "io/store.hpp"

namespace qingliu::io {

class StoreTables {
public:
    /// Makes the group's tables and indexes when missing. `schema` holds CREATE ... IF NOT EXISTS only, so this is safe
    /// inside the run's transaction and outside one; `what` names the group in errors ("run store (verdicts)").
    StoreTables(RunStore& store, const std::string& schema, std::string what);

    Statement prepare(const std::string& sql) const { return Statement(db_, sql.c_str(), what_); }
    /// "INSERT INTO table VALUES(?,...)" with `columns` placeholders.
    Statement insert(const std::string& table, int columns) const;

    /// One row per element of `rows`: parameter 1 is the run, 2 the element's place (the tables' `ord` column);
    /// bind(statement, element) binds the rest.
    template <class Rows, class Bind>
    static void write_rows(Statement& s, std::int64_t run_id, const Rows& rows, Bind&& bind) {
        std::size_t ord = 0;
        for (const auto& x : rows) {
            s.bind(1, run_id).bind(2, ord++);
            bind(s, x);
            s.run();
        }
    }

    /// Runs a query with `params` bound as parameters 1, 2, ...; read(statement) for each row. Returns the rows read.
    template <class Read, class... Params>
    std::size_t each_row(const std::string& sql, Read&& read, const Params&... params) const {
        Statement s = prepare(sql);
        int i = 0;
        (s.bind(++i, params), ...);
        std::size_t n = 0;
        for (; s.step(); ++n) read(static_cast<const Statement&>(s));
        return n;
    }

private:
    sqlite3* db_;
    std::string what_;
};

/// Throws OutputError ("<what>: <data> must be written in the run's transaction") unless the run's transaction is open
/// (RunStore::save's `more`): for a group stored with its run or not at all. Checked before any table is made.
void require_run_transaction(RunStore& store, const std::string& what, const std::string& data);

/// Binds v[0..N) as parameters first .. first + N - 1 (one per state variable, in table order).
Statement& bind_reals(Statement& s, int first, const PerConstituent& v);
/// Columns first .. first + N - 1 as one value per state variable.
PerConstituent read_reals(const Statement& s, int first);

/// One stored column of a row type: its name and the member it holds (a text, a real, an integer, or a flag stored as
/// 0/1). A table's list of these is the one place that pairs its columns with the row's members: the row is bound
/// and read back in that order, and the SELECT names the columns from it.
template <class Row>
struct Column {
    const char* name;
    std::variant<std::string Row::*, double Row::*, int Row::*, bool Row::*> member;
};
template <class Row, std::size_t K>
using Columns = std::array<Column<Row>, K>;

/// "a, b, c": the names of `cols`, for a SELECT.
template <class Row, std::size_t K>
std::string column_names(const Columns<Row, K>& cols) {
    std::string s;
    for (const auto& c : cols) s += (s.empty() ? "" : ", ") + std::string(c.name);
    return s;
}

/// Binds the members of x named by `cols` as parameters first, first + 1, ...
template <class Row, std::size_t K>
void bind_columns(Statement& s, int first, const Columns<Row, K>& cols, const Row& x) {
    for (const auto& c : cols) std::visit([&](auto m) { s.bind(first++, x.*m); }, c.member);
}

/// Reads result columns first, first + 1, ... into the members of x named by `cols`.
template <class Row, std::size_t K>
void read_columns(const Statement& s, int first, const Columns<Row, K>& cols, Row& x) {
    const auto read = [&](auto& v, int i) {
        using V = std::remove_reference_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) v = s.text(i);
        else if constexpr (std::is_same_v<V, double>) v = s.real(i);
        else if constexpr (std::is_same_v<V, bool>) v = s.i64(i) != 0;
        else v = static_cast<V>(s.i64(i));
    };
    for (const auto& c : cols) std::visit([&](auto m) { read(x.*m, first++); }, c.member);
}

/// A list of texts stored in one column: '\n'-separated (the texts hold no line breaks); split_lines reverses it.
std::string join_lines(const std::vector<std::string>& v);
std::vector<std::string> split_lines(const std::string& s);

}  // namespace qingliu::io
