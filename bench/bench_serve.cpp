// Latency of `qingliu serve` from a change of the selection to the updated section table: an HTTP POST
// /api/evaluate over loopback to an in-process server, timed at the client (request, evaluation, JSON, answer).
// Every change is one measure switched on, or one outfall closed, from the empty selection.
//   - each shipped case (data/cases/*): target 100 ms
//   - a synthetic 10^4-reach case (bench/synthetic.hpp) with source cuts (linear response) and outfall closures
//     (full solve): target 1 s
// Prints median and worst latency and worst / target; "+profile" also returns the longitudinal profiles the page
// draws (a full solve with points along every reach).
//   build/bench/bench_serve [--source DIR] [--reaches N] [--repeat R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include <httplib.h>

#include "bench/synthetic.hpp"
#include "serve/server.hpp"

using namespace qingliu;
namespace fs = std::filesystem;

namespace {

struct Stats {
    std::vector<double> ms;
    int linear = 0;
    double median() {
        std::sort(ms.begin(), ms.end());
        return ms.empty() ? 0.0 : ms[ms.size() / 2];
    }
    double worst() const { return ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()); }
};

/// Times every change on a session's case through HTTP.
void run(serve::Session& session, const std::string& label, double target_ms, int repeat, std::size_t max_outfalls = 1000) {
    serve::ServerOptions o;
    o.port = 0;
    serve::Server server(session, o);
    const int port = server.bind();
    std::thread th([&] { server.run(); });
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    const auto snap = session.snapshot();
    std::vector<std::string> changes;
    for (const auto& m : snap->records.measures) changes.push_back(R"({"measures":[{"id":")" + m.id + R"("}]})");
    for (std::size_t i : snap->whatif->outfalls())
        if (changes.size() < snap->records.measures.size() + max_outfalls)
            changes.push_back(R"({"outfalls":[{"outfall":")" + snap->lc.model.sources[i].id + R"(","action":"close"}]})");
    for (bool profile : {false, true}) {
        Stats st;
        int failures = 0;
        for (int r = 0; r < repeat; ++r)
            for (const auto& sel : changes) {
                const std::string body = std::string(R"({"selection":)") + sel + (profile ? R"(,"profile":true})" : "}");
                const auto t0 = std::chrono::steady_clock::now();
                auto res = c.Post("/api/evaluate", body, "application/json");
                const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                if (!res || res->status != 200) {
                    ++failures;
                    continue;
                }
                st.ms.push_back(ms);
                if (r == 0 && res->body.find("\"linear\":true") != std::string::npos) ++st.linear;
            }
        const double med = st.median(), worst = st.worst();
        std::printf("%-28s %-9s %4zu changes (%2d linear, %zu full)  median %8.1f ms  worst %8.1f ms  worst/target %.3f (target %.0f ms)%s\n",
                    label.c_str(), profile ? "+profile" : "table", changes.size(), st.linear, changes.size() - st.linear, med, worst,
                    worst / target_ms, target_ms, failures ? "  FAILED REQUESTS" : "");
    }
    server.stop();
    th.join();
}

}  // namespace

int main(int argc, char** argv) {
    fs::path source = QINGLIU_SOURCE_DIR;
    std::size_t reaches = 10000;
    int repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--source")) source = argv[i + 1];
        else if (!std::strcmp(argv[i], "--reaches")) reaches = std::stoul(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--repeat")) repeat = std::stoi(argv[i + 1]);
    }
    std::printf("change -> updated section table over HTTP (loopback), %u hardware threads\n", std::thread::hardware_concurrency());
    std::vector<fs::path> cases;
    for (const auto& d : fs::directory_iterator(source / "data/cases"))
        if (fs::exists(d.path() / "case.toml")) cases.push_back(d.path());
    std::sort(cases.begin(), cases.end());
    for (const auto& d : cases) {
        serve::Session s(d.string());
        run(s, d.filename().string(), 100.0, repeat);
    }
    // synthetic: 10^4 reaches, 2,000 sources, 200 sections; 20 source cuts of 50 sources each, and outfall closures
    bench::SyntheticSpec spec;
    spec.reaches = reaches;
    spec.sources = 2000;
    spec.sections = 200;
    spec.side_channels = reaches / 100;
    io::LoadedCase lc;
    lc.model = bench::make_synthetic(spec);
    io::ScenarioRecords rec;
    std::mt19937_64 rng(7);
    for (int m = 0; m < 20; ++m) {
        scenarios::MeasureSpec x;
        x.id = "cut" + std::to_string(m);
        x.kind = "source_reduction";
        x.file = "synthetic";
        std::vector<std::string> ids;
        for (int k = 0; k < 50; ++k) ids.push_back(lc.model.sources[rng() % lc.model.sources.size()].id);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        x.params["sources"] = {ids, "synthetic"};
        x.params["reduction_pct"] = {30.0 + m, "synthetic"};
        rec.measures.push_back(x);
    }
    const auto t0 = std::chrono::steady_clock::now();
    serve::Session s(serve::make_snapshot(std::move(lc), std::move(rec), ""));
    std::printf("synthetic case: linear response, baseline and map prepared in %.2f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    // outfalls are 25 % of the 2,000 sources; 20 of them are closed one at a time
    run(s, "synthetic " + std::to_string(reaches) + " reaches", 1000.0, 1, 20);
    return 0;
}
