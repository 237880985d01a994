#include <cstdio>
#include <exception>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "common/error.hpp"

namespace qingliu::app {

Progress::Progress(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled && isatty(2)) {}
void Progress::operator()(double f) {
    if (!enabled_) return;
    const int pct = static_cast<int>(f * 100.0);
    if (pct == last_) return;
    last_ = pct;
    shown_ = true;
    std::fprintf(stderr, "\r[%s] %3d%%", label_.c_str(), pct);
    std::fflush(stderr);
}
Progress::~Progress() {
    if (shown_) std::fprintf(stderr, "\r[%s] 100%%\n", label_.c_str());
}

std::string default_out(const std::string& case_path, const std::string& command) {
    std::filesystem::path p(case_path);
    while (!p.empty() && !p.has_filename()) p = p.parent_path();  // "data/cases/leshan/"
    std::string name = std::filesystem::is_directory(p) ? p.filename().string() : p.stem().string();
    if (name.empty() || name == "." || name == "..") name = "case";
    return (std::filesystem::path("out") / name / command).string();
}

void require_store(const Globals& g) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(g.store, ec))
        throw InputError("no run store", {{g.store, "", "--store", g.store,
                                           "no such run store: give --store FILE, or make a run first (`qingliu run CASE`)"}});
}

}  // namespace qingliu::app

int main(int argc, char** argv) {
    using namespace qingliu;
    using namespace qingliu::app;
    CLI::App cli{"qingliu: watershed water-quality and load-reduction model (清流 流域水质与污染负荷削减模型)"};
    cli.set_version_flag("--version", std::string("qingliu ") + QINGLIU_VERSION);
    cli.require_subcommand(1);
    cli.fallthrough();  // inherited by every subcommand: global options are accepted after the command too
    Globals g;
    cli.add_flag("-v,--verbose", g.verbose, "Detailed log on stderr");
    cli.add_flag("-q,--quiet", g.quiet, "Only errors on stderr");
    cli.add_option("--store", g.store, "Run store (SQLite file)")->capture_default_str();
    Action action;
    register_check_run(cli, g, action);
    register_params(cli, g, action);
    register_store_cmds(cli, g, action);
    register_scenario_cmds(cli, g, action);
    register_optimize(cli, g, action);
    register_calibrate(cli, g, action);
    register_loads(cli, g, action);
    register_report(cli, g, action);
    register_dynamic(cli, g, action);
    register_validate(cli, g, action);
    register_allocate(cli, g, action);
    register_serve(cli, g, action);
    register_mixing(cli, g, action);
    register_network(cli, g, action);
    register_water_quality(cli, g, action);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // help and version exit 0; every other command-line error is an input problem (exit 1), as documented
        return cli.exit(e) == 0 ? kOk : kInputProblems;
    }
    auto logger = spdlog::stderr_color_mt("qingliu");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%^[%l]%$ %v");
    spdlog::set_level(g.verbose ? spdlog::level::debug : g.quiet ? spdlog::level::err : spdlog::level::info);
    try {
        return action ? action() : kOk;
    } catch (const InputError& e) {
        spdlog::error("{}", e.what());
        return kInputProblems;
    } catch (const ModelError& e) {
        spdlog::error("model: {}", e.what());
        return kModelError;
    } catch (const OutputError& e) {
        spdlog::error("output: {}", e.what());
        return kOutputError;
    } catch (const std::exception& e) {
        spdlog::error("internal error: {}", e.what());
        return kInternal;
    }
}
