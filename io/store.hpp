// The run store: one SQLite file holding every run (case, inputs with digests and contents, parameters, results
// per scenario). A run is written in one transaction, so an interrupted run leaves no trace; WAL mode and a busy
// timeout let two runs write to one store at once.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/result_rows.hpp"

struct sqlite3;

namespace qingliu::io {

struct RunInput {
    std::string path;
    std::string sha256;
    std::string content;  ///< the file's bytes, so the run can be reproduced
};

struct RunData {
    std::int64_t run_id = 0;
    std::string created_utc;
    std::string command;  ///< e.g. "run", "compare"
    std::string case_name, case_name_en, case_dir;
    std::string version;
    std::vector<std::pair<std::string, double>> parameters;
    std::vector<RunInput> inputs;
    std::vector<ScenarioResult> scenarios;
};

struct RunSummary {
    std::int64_t run_id = 0;
    std::string created_utc, command, case_name, case_dir;
    int scenarios = 0, sections = 0, sections_meeting = 0;
};

class RunStore {
public:
    explicit RunStore(const std::string& path);  ///< opens or creates; throws OutputError
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    /// Saves a whole run in one transaction and returns its id. `more`, if given, writes what the run has beyond
    /// the core tables (report data, dynamic results) in the same transaction, given the new run's id; if it
    /// throws, nothing of the run is kept.
    std::int64_t save(const RunData& run, const std::function<void(std::int64_t run_id)>& more = {});
    std::vector<RunSummary> list();
    /// Rereads a run (throws InputError if there is no such run).
    RunData load(std::int64_t run_id);
    const std::string& path() const { return path_; }
    /// The open database, for store extensions kept in their own files (they create their own tables).
    sqlite3* handle() { return db_; }

private:
    void exec(const char* sql);
    sqlite3* db_ = nullptr;
    std::string path_;
};

std::string utc_now();

}  // namespace qingliu::io
