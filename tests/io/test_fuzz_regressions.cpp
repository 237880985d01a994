// Replays the fuzz corpus and every saved crash input through the reader entry points: each must end normally.
#include <catch2/catch.hpp>

#include "fuzz/targets.hpp"
#include "helpers.hpp"

using namespace qingliu::test;

TEST_CASE("fuzz corpus and regression inputs are read without crashing", "[fuzz][bad-input]") {
    using Fn = int (*)(const std::uint8_t*, std::size_t);
    const std::pair<const char*, Fn> targets[] = {{"csv_text", qingliu::fuzz::csv_text},
                                                  {"table_csv", qingliu::fuzz::table_csv},
                                                  {"case_tables", qingliu::fuzz::case_tables},
                                                  {"case_file", qingliu::fuzz::case_file},
                                                  {"scenario_file", qingliu::fuzz::scenario_file},
                                                  {"inventory_tables", qingliu::fuzz::inventory_tables},
                                                  {"series_tables", qingliu::fuzz::series_tables},
                                                  {"observation_tables", qingliu::fuzz::observation_tables}};
    int replayed = 0;
    for (const auto& [name, fn] : targets)
        for (const char* set : {"corpus", "regressions"}) {
            const fs::path dir = source_dir() / "fuzz" / set / name;
            if (!fs::exists(dir)) continue;
            for (const auto& e : fs::directory_iterator(dir)) {
                const std::string bytes = read_file(e.path());
                INFO(e.path().string());
                CHECK(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
                ++replayed;
            }
        }
    CHECK(replayed >= 7);
}
