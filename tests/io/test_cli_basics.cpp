// The command line's common behaviour: global options anywhere, documented exit codes, `latest` for a run id, a
// missing store is an error where runs are read, --out defaults, stale staged files removed, scratch folders removed.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>

#include "io/output.hpp"
#include "io/results.hpp"
#include "helpers.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {
const fs::path kMini = source_dir() / "tests/data/mini";

// Runs the binary in `cwd`; returns its exit code, with stdout+stderr in `output`.
int run_in(const fs::path& cwd, const std::string& args, std::string* output = nullptr) {
    const fs::path log = temp_dir("cli-log") / "out.txt";
    const std::string cmd =
        "cd '" + cwd.string() + "' && " + std::string(QINGLIU_BINARY) + " " + args + " > '" + log.string() + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    if (output) *output = read_file(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// The id of a process that has ended: a child that exits at once, reaped.
pid_t dead_pid() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}
}  // namespace

TEST_CASE("global options are accepted after the command", "[cli]") {
    const fs::path dir = temp_dir("globals");
    const fs::path store = dir / "after.sqlite";
    std::string log;
    REQUIRE(run_in(dir, "run " + kMini.string() + " --out o --store " + store.string() + " -q", &log) == 0);
    CHECK(fs::exists(store));
    CHECK(fs::exists(dir / "o" / "sections.csv"));
    CHECK(log.find("[info]") == std::string::npos);  // -q after the command silenced the log
}

TEST_CASE("command-line errors exit with the documented code 1, help exits 0", "[cli]") {
    const fs::path dir = temp_dir("exitcodes");
    std::string log;
    CHECK(run_in(dir, "run " + kMini.string() + " --no-such-option", &log) == 1);
    CHECK(log.find("no-such-option") != std::string::npos);
    CHECK(run_in(dir, "no-such-command") == 1);
    CHECK(run_in(dir, "run") == 1);  // CASE missing
    CHECK(run_in(dir, "--help") == 0);
    CHECK(run_in(dir, "run --help") == 0);
}

TEST_CASE("`latest` names the newest run for show and report, a missing store is an error, never created", "[cli]") {
    const fs::path dir = temp_dir("latest");
    std::string log;
    REQUIRE(run_in(dir, "--store s.sqlite run " + kMini.string() + " --out o") == 0);
    REQUIRE(run_in(dir, "--store s.sqlite show latest", &log) == 0);
    CHECK(log.find("run 1 ") != std::string::npos);
    REQUIRE(run_in(dir, "--store s.sqlite report latest --out rep") == 0);
    CHECK(fs::exists(dir / "rep" / "report.html"));

    for (const std::string cmd : {"runs", "show latest", "report latest"}) {
        INFO(cmd);
        CHECK(run_in(dir, "--store typo.sqlite " + cmd, &log) == 1);
        CHECK(log.find("no such run store") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "typo.sqlite"));
    }
}

TEST_CASE("the output folder defaults to out/<case>/<command>", "[cli]") {
    const fs::path dir = temp_dir("defaults");
    REQUIRE(run_in(dir, "--store s.sqlite run " + kMini.string()) == 0);
    CHECK(fs::exists(dir / "out/mini/run/sections.csv"));
    REQUIRE(run_in(dir, "--store s.sqlite compare " + kMini.string()) == 0);
    CHECK(fs::exists(dir / "out/mini/compare/compare.csv"));
    REQUIRE(run_in(dir, "--store s.sqlite report latest") == 0);
    CHECK(fs::exists(dir / "out/mini/report/report.html"));
    REQUIRE(run_in(dir, "loads " + kMini.string() + "/") == 0);  // a trailing slash names the same case
    CHECK(fs::exists(dir / "out/mini/loads/loads_by_type.csv"));
}

TEST_CASE("staged files of a killed run are removed when the folder is next written; others' are kept", "[cli]") {
    const fs::path dir = temp_dir("stale");
    const fs::path dead = dir / (".sections.csv.tmp-" + std::to_string(dead_pid()));
    const fs::path alive = dir / (".sections.csv.tmp-" + std::to_string(::getpid()));  // this process is running
    const fs::path other = dir / ".notes.tmp-abc";                                         // not a staged name
    for (const auto& p : {dead, alive, other}) write_file(p, "x");
    CHECK(io::remove_stale_temporaries(dir.string()) == 1);
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(alive));
    CHECK(fs::exists(other));

    // the same through the command: a run into the folder removes a dead process's leftovers
    write_file(dead, "x");
    REQUIRE(run_in(dir, "--store s.sqlite run " + kMini.string() + " --out " + dir.string()) == 0);
    CHECK_FALSE(fs::exists(dead));
}

TEST_CASE("a scratch root is removed with everything in it", "[cli]") {
    fs::path kept;
    {
        ScratchRoot root(fs::temp_directory_path() / ("qingliu-scratch-check-" + std::to_string(::getpid())));
        fs::create_directories(root.path() / "a/b");
        write_file(root.path() / "a/b/f.txt", "x");
        kept = root.path();
        REQUIRE(fs::exists(kept / "a/b/f.txt"));
    }
    CHECK_FALSE(fs::exists(kept));
}

TEST_CASE("whole numbers print whole, others with 6 significant digits", "[cli]") {
    CHECK(io::num(20250101.0) == "20250101");  // a seed, not 2.02501e+07
    CHECK(io::num(365.0) == "365");
    CHECK(io::num(-0.0) == "0");
    CHECK(io::num(0.1234567) == "0.123457");
    CHECK(io::num(1234567.5) == "1.23457e+06");
    CHECK(io::num(1e20) == "1e+20");  // beyond 1e15 the exponent form stays
    CHECK(io::num(std::nan("")).empty());
}

TEST_CASE("check reports what run would reject, naming the scenario, and run writes nothing then", "[cli]") {
    const fs::path dir = copy_case(source_dir() / "data/cases/leshan", "dry-scenario");
    // flow_factor 0 dries every reach, while sources still load the Mangxi: no water to carry the load
    write_file(dir / "scenarios.toml", read_file(dir / "scenarios.toml") +
                                           "\n[[measure]]\nid = \"drought\"\nkind = \"conditions\"\nflow_factor = 0\n"
                                           "\n[[scenario]]\nid = \"dry_zero\"\nmeasures = [\"drought\"]\n");
    std::string log;
    CHECK(run_in(dir, "check " + dir.string(), &log) == 2);
    CHECK(log.find("scenario dry_zero:") != std::string::npos);
    CHECK(log.find("carries no water") != std::string::npos);
    CHECK(run_in(dir, "--store s.sqlite run " + dir.string() + " --out o", &log) == 2);
    CHECK(log.find("scenario dry_zero:") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "o"));  // nothing written, not even an empty folder
    CHECK(run_in(source_dir(), "check " + (source_dir() / "data/cases/leshan").string()) == 0);  // the case as shipped
}

namespace {
// Terminal columns of a UTF-8 line: code points of U+1100 and above in the CJK ranges count two (a simpler rule than
// the program's, enough for the Chinese and Latin text of the shipped cases).
int terminal_columns(const std::string& s) {
    int w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) { w += 1; i += 1; continue; }
        if ((c >> 5) == 6) { w += 1; i += 2; continue; }
        const unsigned cp = (c >> 4) == 14 ? ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F) : 0x10000;
        w += (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFF60) || cp >= 0x10000 ? 2 : 1;
        i += (c >> 4) == 14 ? 3 : 4;
    }
    return w;
}
}  // namespace

TEST_CASE("run prints the section-by-scenario grid, and every line fits 120 columns", "[cli]") {
    const fs::path dir = temp_dir("grid");
    std::string log;
    REQUIRE(run_in(dir, "-q --store s.sqlite run " + (source_dir() / "data/cases/leshan").string() + " --out o") == 0);
    REQUIRE(run_in(dir, "--store s.sqlite run " + (source_dir() / "data/cases/leshan").string() + " --out o", &log) == 0);
    CHECK(log.find("Section class under each scenario") != std::string::npos);
    CHECK(log.find("10 = plan_dry") != std::string::npos);  // the legend names every scenario
    CHECK(log.find("达标断面 meeting") != std::string::npos);
    std::size_t lines = 0, widest = 0;
    for (std::size_t at = 0, nl; at < log.size(); at = nl + 1) {
        nl = log.find('\n', at);
        if (nl == std::string::npos) nl = log.size();
        const std::string line = log.substr(at, nl - at);
        if (line.rfind("[", 0) == 0) continue;  // log lines on stderr are not tables
        ++lines;
        widest = std::max<std::size_t>(widest, static_cast<std::size_t>(terminal_columns(line)));
    }
    CHECK(lines > 20);
    CHECK(widest <= 120);
}
