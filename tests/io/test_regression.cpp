// The run store round trip, and the mass balance on every shipped case (golden files: test_goldens.cpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <thread>

#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "helpers.hpp"
#include "io/case_reader.hpp"
#include "io/export_tables.hpp"
#include "io/store_report.hpp"
#include "io/run_data.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/store.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

std::vector<fs::path> shipped_cases() {
    std::vector<fs::path> cases = {source_dir() / "tests/data/mini"};
    const fs::path data = source_dir() / "data/cases";
    if (fs::exists(data))
        for (const auto& e : fs::directory_iterator(data))
            if (fs::exists(e.path() / "case.toml")) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    return cases;
}

}  // namespace

TEST_CASE("mass balance on every shipped case", "[massbalance]") {
    for (const auto& dir : shipped_cases()) {
        INFO("case " << dir.string());
        io::LoadedCase lc = io::load_case(dir.string());
        // with decay: per-reach audit and network totals, in - out - decayed = 0
        const auto e = scenarios::evaluate(lc.model);
        CHECK(e.steady.max_reach_imbalance < 1e-9);
        for (int c = 0; c < 3; ++c) {
            const double in = e.steady.total_input_gs[c];
            CHECK(std::abs(in - e.steady.outlet_load_gs[c] - e.steady.total_decayed_gs[c]) <= 1e-9 * in);
        }
        // k = 0: the outlet load equals the sum of all loads, summed independently from the inputs
        lc.model.kinetics.k20_per_d = {};
        const auto z = scenarios::evaluate(lc.model);
        for (int c = 0; c < 3; ++c) {
            double sum = 0.0;
            for (std::size_t r = 0; r < lc.model.net.size(); ++r)
                sum += lc.model.net.headwater_flow_m3s[r] * lc.model.net.headwater_conc_mgL[r][c] +
                       lc.model.net.lateral_flow_m3s[r] * lc.model.net.lateral_conc_mgL[r][c];
            for (const auto& s : lc.model.sources) sum += s.load_gs[c];
            CHECK(z.steady.outlet_load_gs[c] == Approx(sum).epsilon(1e-9));
        }
        // no NaN or infinity anywhere in the outputs
        for (const auto& s : e.sections)
            for (double v : s.conc_mgL) CHECK(std::isfinite(v));
        for (const auto& r : e.steady.conc_out_mgL)
            for (double v : r) CHECK(std::isfinite(v));
        // and every numeric cell of the written tables is a finite number (the writer leaves non-finite cells empty)
        const auto d = io::report_data_of(io::make_run_data(lc, "run", {io::make_result(lc.model, e, "baseline")}));
        for (const std::string& text : {io::sections_csv(d), io::reaches_csv(d)}) {
            const auto rows = parse_csv_text(text);
            for (std::size_t r = 1; r < rows.size(); ++r)
                for (std::size_t c = 0; c < rows[r].size(); ++c) {
                    const std::string& col = rows[0][c];
                    const bool numeric = col.find("_mgL") != std::string::npos || col.find("_m3s") != std::string::npos ||
                                         col.find("_kg_d") != std::string::npos || col.find("exceedance") != std::string::npos ||
                                         col == "velocity_ms" || col == "travel_time_d";
                    double v = 0.0;
                    if (numeric) CHECK(parse_double(rows[r][c], v));
                }
        }
    }
}

TEST_CASE("run store: a run is reread as it was written", "[store]") {
    const auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    const auto res = io::make_result(lc.model, scenarios::evaluate(lc.model), "baseline");
    const fs::path db = temp_dir("store") / "runs.sqlite";
    io::RunStore store(db.string());
    const auto id = store.save(io::make_run_data(lc, "run", {res}));
    const io::RunData d = store.load(id);
    CHECK(d.case_name == "测试小流域");
    REQUIRE(d.inputs.size() == lc.input_files.size());
    CHECK(d.inputs[0].content == read_file(lc.input_files[0]));
    CHECK(d.inputs[0].sha256.size() == 64);
    REQUIRE(d.scenarios.size() == 1);
    const auto reread = io::report_data_of(d), written = io::report_data_of(io::make_run_data(lc, "run", {res}));
    CHECK(io::sections_csv(reread) == io::sections_csv(written));
    CHECK(io::reaches_csv(reread) == io::reaches_csv(written));
    CHECK(d.parameters.size() == lc.parameters.size());
    REQUIRE_THROWS_AS(store.load(id + 100), InputError);
}

TEST_CASE("run store: two runs writing at once both land", "[store]") {
    const auto lc = io::load_case((source_dir() / "tests/data/mini").string());
    const auto res = io::make_result(lc.model, scenarios::evaluate(lc.model), "baseline");
    const fs::path db = temp_dir("store2") / "runs.sqlite";
    { io::RunStore init(db.string()); }
    auto writer = [&] {
        io::RunStore s(db.string());  // own connection, as two processes would have
        for (int i = 0; i < 5; ++i) s.save(io::make_run_data(lc, "run", {res}));
    };
    std::thread a(writer), b(writer);
    a.join();
    b.join();
    io::RunStore s(db.string());
    CHECK(s.list().size() == 10);
}

TEST_CASE("sha256 of known text", "[store]") {
    // FIPS 180-2 test vector
    CHECK(io::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
