// What `qingliu serve` keeps between requests: one case, read once, as an immutable snapshot (model, measure
// records, linear response, map), replaced whole when a scenario is saved; and the background jobs (least-cost plan,
// Monte Carlo) with their progress. Requests work on the snapshot they took, so concurrent clients always see one
// consistent case. Requests and answers are JSON (nlohmann::json); nothing here reads a path from a request.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/case_reader.hpp"
#include "io/scenario_reader.hpp"
#include "analyses/whatif.hpp"

namespace qingliu::serve {

using Json = nlohmann::json;

/// A request the server refuses: HTTP status and a message for the user (nothing was changed).
class RequestError : public std::runtime_error {
public:
    RequestError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

/// The case as read, with everything derived from it once.
struct Snapshot {
    io::LoadedCase lc;
    std::string scenarios_file;          ///< "" when the case names none
    io::ScenarioRecords records;         ///< the scenarios file's records as written
    std::unique_ptr<scenarios::WhatIf> whatif;
    Json info;                           ///< GET /api/case (without the baseline's results)
};

/// Reads a selection from JSON: {"measures":[{"id","value"?,"standard"?}], "outfalls":[{"outfall","action","plant"?,
/// "reduction_pct"?,"standard"?}]}. Throws RequestError(400) naming what is wrong.
scenarios::Selection parse_selection(const Json& j);
/// A what-if outcome as JSON (sections with class, target, parameters, exceedances, margin; costs).
Json outcome_json(const scenarios::CaseModel& m, const scenarios::WhatIfOutcome& o);

struct Job {
    std::string id, kind;
    std::atomic<double> progress{0.0};
    std::atomic<int> state{0};  ///< 0 running, 1 done, 2 failed
    Json result;                ///< set before state becomes 1
    std::string error;          ///< set before state becomes 2
};

class Session {
public:
    /// Reads the case (throws InputError / ModelError as `qingliu check` would).
    explicit Session(const std::string& case_path);
    /// A case built in code (no folder: nothing can be saved).
    explicit Session(std::shared_ptr<const Snapshot> snapshot);
    ~Session();

    std::shared_ptr<const Snapshot> snapshot() const;

    Json case_info() const;                        ///< GET /api/case
    Json evaluate(const Json& request) const;      ///< POST /api/evaluate
    Json save(const Json& request);                ///< POST /api/scenarios (appends to the scenarios file)
    std::string report_html(const Json& request) const;  ///< POST /api/report
    Json start_job(const Json& request);           ///< POST /api/jobs
    Json job(const std::string& id) const;         ///< GET /api/jobs/ID

    static constexpr std::size_t kMaxRunningJobs = 2;
    static constexpr std::size_t kMaxDraws = 5000;

private:
    void start_thread(std::shared_ptr<Job> job, std::shared_ptr<const Snapshot> s, scenarios::Scenario sc, std::size_t draws);
    std::string case_path_;
    mutable std::mutex mu_;  ///< guards snap_ and jobs_
    std::shared_ptr<const Snapshot> snap_;
    std::mutex save_mu_;     ///< one save at a time
    std::map<std::string, std::shared_ptr<Job>> jobs_;
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
    std::uint64_t next_job_ = 1;
};

/// Reads a case folder into a snapshot.
std::shared_ptr<const Snapshot> load_snapshot(const std::string& case_path);
/// A snapshot of a case read or built elsewhere; `scenarios_file` "" when there is none to save into.
std::shared_ptr<const Snapshot> make_snapshot(io::LoadedCase lc, io::ScenarioRecords records, std::string scenarios_file);

}  // namespace qingliu::serve
