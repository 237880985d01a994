// One prepared SQLite statement: typed binding (NaN as NULL), stepping, and column access read back as written
// (NULL as NaN). Failures become OutputError naming what was being written. The run store's one SQLite wrapper.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include <sqlite3.h>

#include "common/error.hpp"

namespace qingliu::io {

class Statement {
public:
    Statement(sqlite3* db, const char* sql, std::string what = "run store") : db_(db), what_(std::move(what)) {
        if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) fail();
    }
    ~Statement() { sqlite3_finalize(s_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, const std::string& v) {
        sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, double v) {
        std::isnan(v) ? sqlite3_bind_null(s_, i) : sqlite3_bind_double(s_, i, v);
        return *this;
    }
    template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
    Statement& bind(int i, T v) {
        sqlite3_bind_int64(s_, i, static_cast<std::int64_t>(v));
        return *this;
    }
    Statement& blob(int i, const std::string& v) {
        sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    /// true while rows come
    bool step() {
        const int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail();
    }
    /// Executes the bound statement and makes it ready for the next row.
    void run() {
        step();
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    std::string text(int c) const {
        auto p = sqlite3_column_text(s_, c);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    std::string bytes(int c) const {
        auto p = static_cast<const char*>(sqlite3_column_blob(s_, c));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, c))) : std::string();
    }
    double real(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(s_, c); }
    std::int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }

private:
    [[noreturn]] void fail() const { throw OutputError(what_ + ": " + sqlite3_errmsg(db_)); }
    sqlite3* db_;
    std::string what_;
    sqlite3_stmt* s_ = nullptr;
};

/// Executes SQL text (schema, pragmas, transactions); OutputError naming `what` on failure.
inline void exec_sql(sqlite3* db, const char* sql, const std::string& what = "run store") {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw OutputError(what + ": " + msg);
    }
}

}  // namespace qingliu::io
