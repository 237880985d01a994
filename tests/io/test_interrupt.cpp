// The run store under interruption and concurrent use: a run killed at any moment leaves the store consistent
// (whole runs or none), and two processes writing to one store both land.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

#include <sqlite3.h>

#include "helpers.hpp"

extern char** environ;

using namespace qingliu::test;

namespace {

// A case large enough that storing its results takes a noticeable time: a comb of n reaches, a section on each.
fs::path big_case(int n) {
    const fs::path d = temp_dir("big");
    write_file(d / "case.toml", "[tables]\nreaches = \"reaches.csv\"\nsections = \"sections.csv\"\n"
                                "[background]\nheadwater = { cod_mgL = 8.0, nh3n_mgL = 0.2, tp_mgL = 0.05 }\n");
    std::string r = "reach_id,river,downstream_id,length_km,velocity_ms,headwater_flow_m3s\n";
    std::string s = "section_id,name,river,reach_id,position_km,level,target_class\n";
    for (int i = 0; i < n; ++i) {
        const std::string id = "R" + std::to_string(i);
        const bool main = i % 2 == 0;
        const std::string down = main ? (i + 2 < n ? "R" + std::to_string(i + 2) : "") : "R" + std::to_string(i + 1 < n ? i + 1 : i - 1);
        r += id + ",河" + std::to_string(i % 7) + "," + down + ",2.5,0.4," + (i < 2 || !main ? "1.5" : "") + "\n";
        s += "S" + std::to_string(i) + ",断面" + std::to_string(i) + ",河,R" + std::to_string(i) + ",1.0,municipal,III\n";
    }
    write_file(d / "reaches.csv", r);
    write_file(d / "sections.csv", s);
    return d;
}

pid_t spawn_cli(const std::vector<std::string>& args) {
    std::vector<std::string> all = {QINGLIU_BINARY, "-q"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    return pid;
}

int wait_exit(pid_t pid) {
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

struct StoreState {
    std::string integrity;
    std::vector<std::pair<long long, long long>> runs;  // (sections, reaches) per run
};

StoreState inspect(const fs::path& db) {
    StoreState st;
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, nullptr);
    if (sqlite3_step(s) == SQLITE_ROW) st.integrity = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(h,
                           "SELECT (SELECT COUNT(*) FROM section_results x WHERE x.run_id = r.run_id),"
                           " (SELECT COUNT(*) FROM reach_results x WHERE x.run_id = r.run_id) FROM runs r",
                           -1, &s, nullptr) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) st.runs.emplace_back(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
    return st;
}

}  // namespace

TEST_CASE("a run killed at any moment leaves whole runs or none", "[store][interrupt]") {
    const int n = 20000;
    const fs::path c = big_case(n);
    const fs::path work = temp_dir("kill");
    const fs::path db = work / "runs.sqlite";
    // time one uninterrupted run
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(wait_exit(spawn_cli({"--store", db.string(), "run", c.string(), "--out", (work / "out0").string()})) == 0);
    const double full_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    int killed = 0;
    for (int i = 1; i <= 12; ++i) {
        const fs::path out = work / ("out" + std::to_string(i));
        const pid_t pid = spawn_cli({"--store", db.string(), "run", c.string(), "--out", out.string()});
        std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(full_ms * 1000.0 * i / 13.0)));
        if (kill(pid, SIGKILL) == 0) ++killed;
        wait_exit(pid);
        // the final files are whole or absent (only hidden temporaries may be left behind)
        for (const char* f : {"sections.csv", "reaches.csv"})
            if (fs::exists(out / f)) CHECK(read_file(out / f) == read_file(work / "out0" / f));
    }
    CHECK(killed >= 6);
    const StoreState st = inspect(db);
    CHECK(st.integrity == "ok");
    REQUIRE(!st.runs.empty());
    for (const auto& [sections, reach_rows] : st.runs) {
        CHECK(sections == n);
        CHECK(reach_rows == n);
    }
    // and the store still takes new runs
    REQUIRE(wait_exit(spawn_cli({"--store", db.string(), "run", c.string(), "--out", (work / "after").string()})) == 0);
    CHECK(inspect(db).runs.size() == st.runs.size() + 1);
}

TEST_CASE("two processes writing to one store at once both land", "[store][concurrent]") {
    const fs::path c = big_case(4000);
    const fs::path work = temp_dir("two");
    const fs::path db = work / "runs.sqlite";
    const pid_t a = spawn_cli({"--store", db.string(), "run", c.string(), "--out", (work / "a").string()});
    const pid_t b = spawn_cli({"--store", db.string(), "run", c.string(), "--out", (work / "b").string()});
    CHECK(wait_exit(a) == 0);
    CHECK(wait_exit(b) == 0);
    const StoreState st = inspect(db);
    CHECK(st.integrity == "ok");
    REQUIRE(st.runs.size() == 2);
    CHECK(st.runs[0].first == 4000);
    CHECK(st.runs[1].first == 4000);
}
