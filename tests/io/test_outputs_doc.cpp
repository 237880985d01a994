// docs/outputs.md against the files the commands write: every CSV a command writes on the shipped Leshan case is
// documented, and its header is the documented one, column for column.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "helpers.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

/// Each "### `NAME.csv`" section of docs/outputs.md: the lines of its first ```csv block (the header, then the header
/// of a second table where the file holds two).
std::map<std::string, std::vector<std::string>> documented_headers(const std::string& md) {
    std::map<std::string, std::vector<std::string>> out;
    std::istringstream in(md);
    std::string line, file;
    bool in_block = false;
    while (std::getline(in, line)) {
        if (line.rfind("### `", 0) == 0 && line.size() > 6 && line.back() == '`') {
            file = line.substr(5, line.size() - 6);
            out[file];
            in_block = false;
        } else if (!file.empty() && line == "```csv" && out[file].empty()) {
            in_block = true;
        } else if (in_block && line == "```") {
            in_block = false;
            file.clear();
        } else if (in_block) {
            out[file].push_back(line);
        }
    }
    return out;
}

/// The files named in the overview table ("| `NAME.csv` | ...").
std::set<std::string> overview_files(const std::string& md) {
    std::set<std::string> out;
    std::istringstream in(md);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("| `", 0) == 0) {
            const std::string name = line.substr(3, line.find('`', 3) - 3);
            if (name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0) out.insert(name);
        }
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("docs/outputs.md: each file's documented header is the header the commands write", "[outputs][docs][cli]") {
    const std::string md = read_file(source_dir() / "docs/outputs.md");
    const auto docs = documented_headers(md);
    REQUIRE(docs.size() >= 30);
    for (const auto& [file, header] : docs) {
        INFO(file);
        CHECK(header.size() >= 1);  // a section without its header block
    }
    std::set<std::string> sections;
    for (const auto& [file, header] : docs) sections.insert(file);
    CHECK(overview_files(md) == sections);  // the overview and the sections list the same files

    // every command that writes CSV, on the shipped Leshan case (calibrate on the mini case with observed values: Leshan's
    // observations are published class statements). A header does not depend on how many scenarios or outfalls a run
    // covers: the dynamic year (three constituents and the water-quality model) runs the baseline alone, the mixing
    // zones one plant (each of Leshan's ten scenarios costs a dynamic year, each outfall a plume)
    const fs::path work = temp_dir("outputs-doc");
    const fs::path leshan = source_dir() / "data/cases/leshan";
    const std::string q = "--quiet --store " + (work / "runs.sqlite").string() + " ";
    const std::vector<std::pair<std::string, std::string>> runs = {
        {"run", "run " + leshan.string() + " --profile-step-km 1"},
        {"report", "report latest"},
        {"show", "show latest"},
        {"compare", "compare " + leshan.string()},
        {"apportion", "apportion " + leshan.string()},
        {"capacity", "capacity " + leshan.string()},
        {"loads", "loads " + leshan.string()},
        {"allocate", "allocate " + leshan.string()},
        {"optimize", "optimize " + leshan.string() + " --chance 0.9 --chance-draws 20 --check-draws 100"},
        {"validate", "validate " + leshan.string()},
        {"mixing", "mixing " + leshan.string() + " --outfall LS-P1"},
        {"water-quality", "water-quality " + leshan.string() + " --apportion --optimize --monte-carlo 20 --seed 1"},
        {"water-quality-report", "report latest"},  // the analyses' rows as stored with that run
        {"dynamic", "dynamic " + leshan.string() + " --scenario baseline"},
        {"montecarlo", "run " + leshan.string() + " --monte-carlo 20 --seed 1"},
        {"montecarlo-report", "report latest"},
    };
    for (const auto& [dir, args] : runs) {
        std::string log;
        const int rc = run_cli(q + args + " --out " + (work / dir).string(), &log);
        INFO("qingliu " << args << "\n" << log);
        REQUIRE(rc == 0);
    }
    const fs::path mini = copy_case(source_dir() / "tests/data/mini", "outputs-doc-mini");
    write_file(mini / "observations.csv", "section_id,date,cod_mgL,nh3n_mgL,tp_mgL\nS01,2023-05-01,8.5,0.25,0.06\nS02,2023-05-01,12,0.6,0.1\n");
    REQUIRE(run_cli(q + "calibrate " + mini.string() + " --out " + (work / "calibrate").string()) == 0);
    REQUIRE(run_cli(q + "network " + (source_dir() / "tests/data/network/ne_10m_minjiang_dadu.geojson").string() + " --out " +
                    (work / "network").string()) == 0);

    std::set<std::string> checked;
    for (const auto& folder : fs::directory_iterator(work)) {
        if (!folder.is_directory()) continue;
        for (const auto& f : fs::directory_iterator(folder.path())) {
            const std::string name = f.path().filename().string();
            if (f.path().extension() != ".csv") continue;
            if (folder.path().filename() == "network" && name == "sections.csv") continue;  // the case's input table
            INFO(folder.path().filename().string() << "/" << name);
            auto it = docs.find(name);
            REQUIRE(it != docs.end());  // a file written but not documented
            REQUIRE(!it->second.empty());
            const auto written = lines_of(strip_bom(read_file(f.path())));
            REQUIRE(!written.empty());
            CHECK(written[0] == it->second[0]);
            for (std::size_t k = 1; k < it->second.size(); ++k)  // the header of a second table, on a line of its own
                CHECK(std::find(written.begin(), written.end(), it->second[k]) != written.end());
            checked.insert(name);
        }
    }
    // split_points.csv needs a split-point layer: its header as pinned by the network golden test
    for (const auto& [file, header] : docs)
        if (!checked.count(file)) {
            const fs::path gold = source_dir() / "tests/golden/network-synthetic/network" / file;
            INFO(file << " was written by no command of this test");
            REQUIRE(fs::exists(gold));
            CHECK(lines_of(strip_bom(read_file(gold))).at(0) == header.at(0));
            checked.insert(file);
        }
    CHECK(checked == sections);
}
