// Golden files of every command on every shipped case (data/cases/*) and the 5-reach test case (tests/data/mini).
//
// Each test runs the qingliu binary as a user would and compares every CSV it writes with
// tests/golden/<case>/<command>/<file>.csv, cell by cell: numbers to a relative tolerance, text exactly, and the same set
// of files. After a deliberate change in results, regenerate with
//   QINGLIU_UPDATE_GOLDEN=1 ctest -R regression
// and review the diff (git diff tests/golden) before committing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "common/csv_text.hpp"
#include "helpers.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

// Every writer prints numbers with 6 significant digits (io::num); a change of one unit in the 6th digit is at most
// 1e-5 relative, so 1e-5 relative catches every change a reader of the file could see. Differences below 1e-9 in absolute
// value (e.g. a change of -1e-17 mg/L against 0) are rounding noise of the subtraction, not a change.
constexpr double kRelTol = 1e-5;
constexpr double kAbsTol = 1e-9;

void compare_csv(const std::string& got, const std::string& want, const std::string& what) {
    const auto g = parse_csv_text(strip_bom(got)), w = parse_csv_text(strip_bom(want));
    INFO(what);
    REQUIRE(!w.empty());
    CHECK(g.size() == w.size());
    REQUIRE(!g.empty());
    REQUIRE(g[0] == w[0]);  // the header: same columns in the same order
    for (std::size_t r = 1; r < std::min(g.size(), w.size()); ++r) {
        INFO(what << " line " << r + 1);
        REQUIRE(g[r].size() == w[r].size());
        for (std::size_t c = 0; c < g[r].size(); ++c) {
            double a = 0.0, b = 0.0;
            INFO(what << " line " << r + 1 << " column " << w[0][c] << ": got " << g[r][c] << ", want " << w[r][c]);
            if (parse_double(g[r][c], a) && parse_double(w[r][c], b))
                CHECK(std::abs(a - b) <= std::max(kRelTol * std::max(std::abs(a), std::abs(b)), kAbsTol));
            else
                CHECK(g[r][c] == w[r][c]);
        }
    }
}

// The daily tables of `qingliu dynamic` hold a row per day, reach or section and scenario (several MB per case); their
// golden files keep the 1st and 16th of every month, which still pins the daily series (their monthly means and
// compliance are in monthly_sections.csv and compliance.csv, kept whole).
// Paths inside the checkout are written relative to it, so the golden files hold on any clone.
std::string golden_text(const std::string& file, const std::string& raw) {
    std::string text = strip_bom(raw);
    const std::string top = source_dir().string() + "/";
    for (std::size_t at = text.find(top); at != std::string::npos; at = text.find(top, at)) text.erase(at, top.size());
    if (file.rfind("daily_", 0) != 0) return text;
    const auto rows = parse_csv_text(text);
    if (rows.empty()) return "";
    const auto date = std::find(rows[0].begin(), rows[0].end(), "date");
    if (date == rows[0].end()) return text;
    const std::size_t d = static_cast<std::size_t>(date - rows[0].begin());
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (r > 0 && !(rows[r][d].size() == 10 && (rows[r][d].substr(8) == "01" || rows[r][d].substr(8) == "16"))) continue;
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            const std::string& f = rows[r][c];
            const bool quote = f.find_first_of(",\"\n\r") != std::string::npos;
            std::string q;
            for (char ch : f) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            out += (c ? "," : "") + (quote ? "\"" + q + "\"" : f);
        }
        out += "\n";
    }
    return out;
}

std::set<std::string> csv_files(const fs::path& dir) {
    std::set<std::string> out;
    if (fs::exists(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".csv") out.insert(e.path().filename().string());
    return out;
}

/// Compares (or, with QINGLIU_UPDATE_GOLDEN set, rewrites) the CSV files of one command's output folder.
void check_goldens(const fs::path& out, const std::string& case_name, const std::string& command) {
    const fs::path gold = source_dir() / "tests/golden" / case_name / command;
    const auto got = csv_files(out);
    REQUIRE(!got.empty());
    if (std::getenv("QINGLIU_UPDATE_GOLDEN")) {
        for (const auto& f : csv_files(gold)) fs::remove(gold / f);
        fs::create_directories(gold);
        for (const auto& f : got) write_file(gold / f, golden_text(f, read_file(out / f)));
        WARN("golden files rewritten in " << gold.string());
    }
    INFO("case " << case_name << ", command " << command << " (golden files in " << gold.string() << ")");
    CHECK(got == csv_files(gold));
    for (const auto& f : got)
        if (fs::exists(gold / f))
            compare_csv(golden_text(f, read_file(out / f)), read_file(gold / f), case_name + "/" + command + "/" + f);
}

struct Case {
    std::string name;
    fs::path dir;
    bool dynamic = false;  ///< the case file has a [dynamic] section
};

std::vector<Case> golden_cases() {
    std::vector<Case> cases = {{"mini", source_dir() / "tests/data/mini", false},
                               {"dynamic-mini", source_dir() / "tests/data/dynamic-mini", true}};
    const fs::path data = source_dir() / "data/cases";
    for (const auto& e : fs::directory_iterator(data))
        if (fs::exists(e.path() / "case.toml"))
            cases.push_back({e.path().filename().string(), e.path(),
                             read_file(e.path() / "case.toml").find("[dynamic]") != std::string::npos});
    std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
    return cases;
}

/// Runs `qingliu --store S <command> <case> <args> --out D` and checks D against the golden files in <case>/<label>.
void golden_command(const std::string& label, const std::string& command, const std::string& args, bool dynamic_only = false) {
    for (const auto& c : golden_cases()) {
        if (dynamic_only && !c.dynamic) continue;
        if (!dynamic_only && c.name == "dynamic-mini") continue;
        const fs::path work = temp_dir("golden-" + label);
        const fs::path out = work / label;
        std::string log;
        INFO("qingliu " << command << " " << c.dir.string() << args);
        REQUIRE(run_cli("--quiet --store " + (work / "runs.sqlite").string() + " " + command + " " + c.dir.string() + args +
                            " --out " + out.string(),
                        &log) == 0);
        check_goldens(out, c.name, label);
        if (label == "run") {  // the report of that run: its CSV tables
            REQUIRE(run_cli("--quiet --store " + (work / "runs.sqlite").string() + " report latest --out " + (work / "report").string(),
                            &log) == 0);
            check_goldens(work / "report", c.name, "report");
        }
        fs::remove_all(work);
    }
}

}  // namespace

TEST_CASE("regression: run (with profile) and its report on every shipped case", "[regression]") {
    golden_command("run", "run", " --profile-step-km 1");
}

TEST_CASE("regression: compare on every shipped case", "[regression]") { golden_command("compare", "compare", ""); }

TEST_CASE("regression: apportion on every shipped case", "[regression]") { golden_command("apportion", "apportion", ""); }

TEST_CASE("regression: capacity on every shipped case", "[regression]") { golden_command("capacity", "capacity", ""); }

TEST_CASE("regression: loads on every shipped case", "[regression]") { golden_command("loads", "loads", ""); }

TEST_CASE("regression: dynamic on every shipped case", "[regression]") { golden_command("dynamic", "dynamic", "", true); }

TEST_CASE("regression: optimize on every shipped case", "[regression]") { golden_command("optimize", "optimize", ""); }

// Monte Carlo draws are reproducible for a seed on any number of threads, so the probabilities are golden too.
TEST_CASE("regression: run --monte-carlo on every shipped case", "[regression]") {
    golden_command("montecarlo", "run", " --monte-carlo 200 --seed 7");
}

// Outfall mixing zones of every point discharge (mixing.csv; the GeoPackage and report are checked in tests/mixing).
TEST_CASE("regression: mixing on every shipped case", "[regression]") { golden_command("mixing", "mixing", ""); }

// Sections over every GB 3838 item with the QUAL2K-class kinetics, on the cases that declare [water_quality] (the
// others have reaches without depth).
TEST_CASE("regression: water-quality on the cases with [water_quality]", "[regression]") {
    int checked = 0;
    for (const auto& c : golden_cases()) {
        if (read_file(c.dir / "case.toml").find("[water_quality]") == std::string::npos) continue;
        const fs::path work = temp_dir("golden-water-quality");
        std::string log;
        INFO("qingliu water-quality " << c.dir.string());
        REQUIRE(run_cli("--quiet --store " + (work / "runs.sqlite").string() + " water-quality " + c.dir.string() + " --out " + (work / "wq").string(), &log) == 0);
        check_goldens(work / "wq", c.name, "water-quality");
        fs::remove_all(work);
        ++checked;
    }
    CHECK(checked > 0);
}

// Every item's apportionment, required cut, capacity, least-cost plan and Monte Carlo (water-quality --apportion
// --optimize --monte-carlo 100 --seed 7: draws are reproducible for a seed on any number of threads), on
// the cases that declare [water_quality].
TEST_CASE("regression: water-quality --apportion --optimize on the cases with [water_quality]", "[regression]") {
    int checked = 0;
    for (const auto& c : golden_cases()) {
        if (read_file(c.dir / "case.toml").find("[water_quality]") == std::string::npos) continue;
        const fs::path work = temp_dir("golden-water-quality-analyses");
        std::string log;
        INFO("qingliu water-quality --apportion --optimize " << c.dir.string());
        REQUIRE(run_cli("--quiet --store " + (work / "runs.sqlite").string() + " water-quality " + c.dir.string() + " --apportion --optimize --monte-carlo 100 --seed 7 --out " + (work / "wq").string(), &log) == 0);
        fs::remove(work / "wq" / "water_quality_sections.csv");  // pinned by the water-quality goldens
        check_goldens(work / "wq", c.name, "water-quality-analyses");
        fs::remove_all(work);
        ++checked;
    }
    CHECK(checked > 0);
}
