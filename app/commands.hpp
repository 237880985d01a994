// Command registration for the `qingliu` command line. Each command lives in its own file and registers itself
// here; main() is the one place that turns typed errors into messages and exit codes.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace qingliu::app {

/// Exit codes: 0 ok, 1 input problems (the command line included), 2 model could not be evaluated, 3 output/store
/// failure, 4 internal error.
enum Exit { kOk = 0, kInputProblems = 1, kModelError = 2, kOutputError = 3, kInternal = 4 };

struct Globals {
    bool verbose = false;
    bool quiet = false;
    std::string store = "qingliu-runs.sqlite";  ///< run store
};

/// The output folder a command writes to when --out is not given: out/<case>/<command>, <case> being the case folder's
/// name (or the case file's stem).
std::string default_out(const std::string& case_path, const std::string& command);

/// Throws InputError when the run store does not exist: commands that read runs never create an empty store.
void require_store(const Globals& g);

/// A command sets `action`; main() runs it inside the error handler.
using Action = std::function<int()>;

void register_check_run(CLI::App& app, Globals& g, Action& action);    // app/cmd_run.cpp: check, run
void register_store_cmds(CLI::App& app, Globals& g, Action& action);   // app/cmd_store.cpp: runs, show
void register_params(CLI::App& app, Globals& g, Action& action);       // app/cmd_run.cpp: params
void register_scenario_cmds(CLI::App& app, Globals& g, Action& action);  // app/cmd_scenarios.cpp: compare, apportion, capacity
void register_optimize(CLI::App& app, Globals& g, Action& action);   // app/cmd_optimize.cpp: optimize
void register_calibrate(CLI::App& app, Globals& g, Action& action);  // app/cmd_calibrate.cpp: calibrate

/// `run --monte-carlo N` (app/cmd_montecarlo.cpp): options added to the run command, and the run itself.
struct MonteCarloCli {
    std::size_t draws = 0;  ///< 0: an ordinary run
    std::uint64_t seed = 20250101;
    std::string uncertainty;
    bool no_coefficients = false;
    std::vector<std::string> scenarios;  ///< besides the baseline; empty: every scenario of the case
};
void add_monte_carlo_options(CLI::App* run, MonteCarloCli& o);
int run_monte_carlo(Globals& g, const std::string& case_path, const std::string& out_dir, const MonteCarloCli& o);
void register_loads(CLI::App& app, Globals& g, Action& action);  // app/cmd_loads.cpp: loads
void register_dynamic(CLI::App& app, Globals& g, Action& action);  // app/cmd_dynamic.cpp: dynamic
void register_report(CLI::App& app, Globals& g, Action& action);  // app/cmd_report.cpp: report
void register_validate(CLI::App& app, Globals& g, Action& action);  // app/cmd_validate.cpp: validate
void register_allocate(CLI::App& app, Globals& g, Action& action);  // app/cmd_allocate.cpp: allocate
void register_serve(CLI::App& app, Globals& g, Action& action);   // app/cmd_serve.cpp: serve
void register_mixing(CLI::App& app, Globals& g, Action& action);  // app/cmd_mixing.cpp: mixing
void register_network(CLI::App& app, Globals& g, Action& action);  // app/cmd_network.cpp: network
void register_water_quality(CLI::App& app, Globals& g, Action& action);  // app/cmd_water_quality.cpp: water-quality

/// Progress line on stderr for long runs ("\r[label] 42%"), silent when quiet or not a terminal.
class Progress {
public:
    Progress(std::string label, bool enabled);
    void operator()(double fraction);
    ~Progress();

private:
    std::string label_;
    bool enabled_, shown_ = false;
    int last_ = -1;
};

}  // namespace qingliu::app
