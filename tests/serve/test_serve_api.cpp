// The HTTP API of `qingliu serve`, in-process on a loopback port: every endpoint, bad and oversized requests, tokens,
// concurrent clients and clients that disconnect.
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // the event listener below
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "../io/helpers.hpp"
#include "io/store_report.hpp"
#include "serve/server.hpp"

using namespace qingliu;
using namespace qingliu::test;
using serve::Json;

namespace {

struct Running {
    serve::Session session;
    serve::Server server;
    int port = 0;
    std::thread th;
    Running(const fs::path& dir, serve::ServerOptions o) : session(dir.string()), server(session, with_any_port(o)) {
        port = server.bind();
        th = std::thread([this] { server.run(); });
    }
    ~Running() {
        server.stop();
        th.join();
    }
    static serve::ServerOptions with_any_port(serve::ServerOptions o) {
        o.port = 0;
        return o;
    }
    httplib::Client client(const std::string& token = "") const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(60, 0);
        if (!token.empty()) c.set_default_headers({{"X-Qingliu-Token", token}});
        return c;
    }
};

std::unique_ptr<Running>& leshan_slot() {
    static std::unique_ptr<Running> r;
    return r;
}

/// One server on a copy of the Leshan case for the whole file.
Running& leshan() {
    static std::once_flag once;
    std::call_once(once, [] { leshan_slot() = std::make_unique<Running>(copy_case(source_dir() / "data/cases/leshan", "serve-api"), serve::ServerOptions{}); });
    return *leshan_slot();
}

/// The shared server stops when the test run ends, before the program's static objects are destroyed, so a request
/// it is still answering (the report abandoned by the disconnecting client below) finishes while all it uses is alive.
struct StopSharedServer : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    void testRunEnded(const Catch::TestRunStats& stats) override {
        leshan_slot().reset();
        TestEventListenerBase::testRunEnded(stats);
    }
};
fs::path leshan_scenarios() { return fs::path(leshan().session.snapshot()->scenarios_file); }

Json post(httplib::Client& c, const std::string& path, const std::string& body, int expect) {
    auto r = c.Post(path.c_str(), body, "application/json");
    REQUIRE(r);
    INFO(path << " -> " << r->status << " " << r->body.substr(0, 500));
    CHECK(r->status == expect);
    if (r->get_header_value("Content-Type").find("json") == std::string::npos) return Json();
    return Json::parse(r->body);
}

/// A raw connection to the server (for requests a client library would not send).
int raw_connect(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return fd;
}
std::string raw_exchange(int port, const std::string& request) {
    const int fd = raw_connect(port);
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return got;
}

const char* kPlan = R"({"selection":{"measures":[{"id":"treat95"},{"id":"upgrade"}],"outfalls":[{"outfall":"OF-MX4","action":"close"}]}})";
const char* kLinear = R"({"selection":{"measures":[{"id":"upgrade","standard":"GB3838-IV"}]}})";

}  // namespace

CATCH_REGISTER_LISTENER(StopSharedServer)

TEST_CASE("the page and the case", "[serve][api]") {
    auto c = leshan().client();
    auto r = c.Get("/");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK_THAT(r->body, Catch::Contains("清流") && Catch::Contains("/api/evaluate"));
    // offline: nothing fetched from elsewhere
    CHECK(r->body.find("<script src") == std::string::npos);
    CHECK(r->body.find("<link") == std::string::npos);
    CHECK(r->body.find("https://") == std::string::npos);
    CHECK(r->body.find("%SCRIPT%") == std::string::npos);
    r = c.Get("/api/case");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const Json j = Json::parse(r->body);
    const auto& snap = *leshan().session.snapshot();
    CHECK(j["measures"].size() == snap.records.measures.size());
    CHECK(j["sections"].size() == snap.lc.model.sections.size());
    CHECK(j["outfalls"].size() == 6);  // data/cases/leshan/outfalls.csv: six active outfalls (OF-MX1..4, OF-YS1, OF-MJ1)
    CHECK(j["baseline"]["sections"].size() == snap.lc.model.sections.size());
    CHECK(c.Get("/nothing/here")->status == 404);
    CHECK(c.Get("/api/jobs/77777")->status == 404);
}

TEST_CASE("evaluate answers what the library computes", "[serve][api]") {
    auto c = leshan().client();
    const Json a = post(c, "/api/evaluate", kPlan, 200);
    const auto& snap = *leshan().session.snapshot();
    const auto sel = serve::parse_selection(Json::parse(kPlan)["selection"]);
    const auto o = snap.whatif->evaluate(sel);
    REQUIRE(a["sections"].size() == o.sections.size());
    for (std::size_t k = 0; k < o.sections.size(); ++k) {
        CHECK(a["sections"][k]["class"] == o.sections[k].result.cls.overall);
        for (int q = 0; q < kNumConstituents; ++q)
            CHECK(a["sections"][k]["conc_mgL"][q].get<double>() == o.sections[k].result.conc_mgL[q]);  // JSON keeps 17 digits
    }
    CHECK(a["linear"] == false);  // closing an outfall and collecting more sewage change flows
    CHECK(a["invest_wan"].get<double>() == 6000 + 2600 + 150);  // treat95 + upgrade + outfall_close_industrial
    const Json b = post(c, "/api/evaluate", kLinear, 200);
    CHECK(b["linear"] == true);
    // with the profile: one series per river of the network
    const Json p = post(c, "/api/evaluate", R"({"selection":{},"profile":true})", 200);
    CHECK(p["profile"].size() == Json::parse(c.Get("/api/case")->body)["rivers"].size());
}

TEST_CASE("bad, malformed and oversized requests get a 4xx with a message and change nothing", "[serve][api]") {
    auto c = leshan().client();
    const std::string before = read_file(leshan_scenarios());
    struct Bad {
        const char* path;
        std::string body;
        int status;
        const char* says;
    };
    const std::vector<Bad> bad = {
        {"/api/evaluate", "{not json", 400, "malformed JSON"},
        {"/api/evaluate", "", 400, "empty request body"},
        {"/api/evaluate", "[1,2]", 400, "expected a JSON object"},
        {"/api/evaluate", R"({"nothing":1})", 400, "'selection' is required"},
        {"/api/evaluate", R"({"selection":{"measures":"treat95"}})", 400, "expected a list"},
        {"/api/evaluate", R"({"selection":{"measures":[{"id":"nope"}]}})", 400, "no such measure"},
        {"/api/evaluate", R"({"selection":{"measures":[{"id":"manure90","value":7}]}})", 400, "must be within"},
        {"/api/evaluate", R"({"selection":{"measures":[{"id":"manure90","value":"lots"}]}})", 400, "must be a number"},
        {"/api/evaluate", R"({"selection":{"outfalls":[{"outfall":"OF-MX1","action":"explode"}]}})", 400, "expected close, connect or remediate"},
        {"/api/evaluate", R"({"selection":{"file":"/etc/passwd"}})", 400, "unknown key"},
        {"/api/scenarios", R"({"id":"../../etc/x","selection":{}})", 400, "use 1-64 letters"},
        {"/api/scenarios", R"({"id":"plan","selection":{}})", 409, "exists already"},
        {"/api/scenarios", R"({"id":"baseline","selection":{}})", 409, "reserved"},
        {"/api/scenarios", R"({"id":"ok1","selection":{"measures":[{"id":"nope"}]}})", 400, "no such measure"},
        {"/api/report", R"({"selection":{},"lang":"fr"})", 400, "lang"},
        {"/api/report", R"({"selection":{},"lang":7})", 400, "must be text"},
        {"/api/evaluate", R"({"selection":{},"profile":"yes"})", 400, "'profile' must be true or false"},
        {"/api/jobs", R"({"kind":"mine"})", 400, "optimize or montecarlo"},
        {"/api/jobs", R"({"kind":"montecarlo","draws":1e9,"selection":{}})", 400, "draws"},
        {"/api/jobs", R"({"kind":"montecarlo","draws":100})", 400, "'selection' is required"},
        {"/api/evaluate", std::string(100000, '[') + std::string(100000, ']'), 400, "expected a JSON object"},  // deep nesting
        {"/api/evaluate", std::string(300 * 1024, ' '), 413, "too large"},
    };
    for (const auto& b : bad) {
        INFO(b.path << " " << b.body.substr(0, 80));
        auto r = c.Post(b.path, b.body, "application/json");
        if (!r && b.status == 413) {
            // the server may close before the client has sent the whole body; ask again with the header alone
            const std::string got = raw_exchange(leshan().port, "POST /api/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                                "Content-Length: 300000\r\nConnection: close\r\n\r\n{");
            CHECK_THAT(got, Catch::StartsWith("HTTP/1.1 413"));
            continue;
        }
        REQUIRE(r);
        CHECK(r->status == b.status);
        const Json j = Json::parse(r->body);
        CHECK_THAT(j["error"].get<std::string>(), Catch::Contains(b.says));
    }
    CHECK(read_file(leshan_scenarios()) == before);  // nothing written
    // a body that is not declared JSON (what a cross-site form sends), and a Host that is not this machine
    CHECK(c.Post("/api/scenarios", R"({"id":"form","selection":{}})", "text/plain")->status == 415);
    CHECK_THAT(raw_exchange(leshan().port, "GET /api/case HTTP/1.1\r\nHost: attacker.example:8080\r\nConnection: close\r\n\r\n"),
               Catch::StartsWith("HTTP/1.1 403"));
    CHECK(read_file(leshan_scenarios()) == before);
    // a request line the parser refuses, and an unsupported method
    CHECK_THAT(raw_exchange(leshan().port, "GARBAGE\r\n\r\n"), Catch::StartsWith("HTTP/1.1 400"));
    CHECK(c.Delete("/api/case")->status >= 400);
}

TEST_CASE("saving a scenario appends it and run reads it back", "[serve][api][save]") {
    auto c = leshan().client();
    const std::string before = read_file(leshan_scenarios());
    const Json a = post(c, "/api/evaluate", kPlan, 200);
    Json req = Json::parse(kPlan);
    req["id"] = "api_saved";
    req["name"] = "接口保存";
    const Json s = post(c, "/api/scenarios", req.dump(), 201);
    CHECK(s["id"] == "api_saved");
    const std::string after = read_file(leshan_scenarios());
    CHECK(after.substr(0, before.size()) == before);
    CHECK_THAT(after, Catch::Contains("id = \"api_saved\""));
    // the saved scenario, evaluated from the re-read file, gives the selection's numbers
    for (std::size_t k = 0; k < a["sections"].size(); ++k)
        for (int q = 0; q < kNumConstituents; ++q)
            CHECK(s["outcome"]["sections"][k]["conc_mgL"][q].get<double>() ==
                  Approx(a["sections"][k]["conc_mgL"][q].get<double>()).epsilon(1e-12));
    // and it is listed at once; a second save under the same id is refused
    const Json info = Json::parse(c.Get("/api/case")->body);
    bool listed = false;
    for (const auto& x : info["scenarios"]) listed = listed || x["id"] == "api_saved";
    CHECK(listed);
    post(c, "/api/scenarios", req.dump(), 409);
    // `qingliu run` evaluates the file with the new scenario
    const fs::path work = temp_dir("serve-run");
    std::string out;
    REQUIRE(run_cli("--store " + (work / "r.sqlite").string() + " -q run " + leshan_scenarios().parent_path().string() + " --out " +
                    (work / "o").string(), &out) == 0);
    // the stored run holds the scenario with the page's numbers (the store keeps doubles)
    io::RunStore store((work / "r.sqlite").string());
    const report::ReportData d = io::load_report_data(store, io::resolve_run(store, "latest"));
    const report::Scenario* saved = nullptr;
    for (const auto& x : d.scenarios)
        if (x.id == "api_saved") saved = &x;
    REQUIRE(saved);
    REQUIRE(saved->sections.size() == a["sections"].size());
    for (std::size_t k = 0; k < saved->sections.size(); ++k) {
        CHECK(saved->sections[k].overall == a["sections"][k]["class"].get<int>());
        for (int q = 0; q < kNumConstituents; ++q)
            CHECK(saved->sections[k].conc_mgL[q] == Approx(a["sections"][k]["conc_mgL"][q].get<double>()).epsilon(1e-12));
    }
}

TEST_CASE("the report of the current selection", "[serve][api]") {
    auto c = leshan().client();
    auto r = c.Post("/api/report", kLinear, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK_THAT(r->get_header_value("Content-Disposition"), Catch::Contains("report.html"));
    CHECK_THAT(r->body, Catch::Contains("<html") && Catch::Contains("Current selection") && Catch::Contains("当前选择"));
}

TEST_CASE("Monte Carlo and least-cost plan as background jobs", "[serve][api][jobs]") {
    auto c = leshan().client();
    auto wait = [&](const Json& started) {
        const std::string id = started["id"].get<std::string>();
        Json s;
        double last = -1;
        for (int i = 0; i < 2400; ++i) {
            s = Json::parse(c.Get(("/api/jobs/" + id).c_str())->body);
            if (!s["progress"].is_null()) {
                CHECK(s["progress"].get<double>() >= last);  // progress never goes back
                last = s["progress"].get<double>();
            }
            if (s["state"] != "running") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return s;
    };
    const Json mc = wait(post(c, "/api/jobs", R"({"kind":"montecarlo","draws":40,"selection":{"measures":[{"id":"upgrade"}]}})", 202));
    REQUIRE(mc["state"] == "done");
    CHECK(mc["progress"].get<double>() == 1.0);
    CHECK(mc["result"]["draws"] == 40);
    for (const auto& s : mc["result"]["sections"]) {
        const double p = s["p_meets"].get<double>();
        CHECK(p >= 0.0);
        CHECK(p <= 1.0);
        CHECK(std::abs(p * 40 - std::round(p * 40)) < 1e-9);  // a share of 40 draws
    }
    const Json op = wait(post(c, "/api/jobs", R"({"kind":"optimize"})", 202));
    REQUIRE(op["state"] == "done");
    // the plan as an applicable selection of case measures; its cost is what the plan says
    double invest = 0;
    const auto& recs = leshan().session.snapshot()->records.measures;
    for (const auto& m : op["result"]["selection"]["measures"])
        for (const auto& r : recs)
            if (r.id == m["id"]) invest += r.invest_wan;
    CHECK(op["result"]["invest_wan"].get<double>() == Approx(invest));
}

TEST_CASE("concurrent clients get consistent answers while a scenario is saved", "[serve][api][concurrency]") {
    auto c0 = leshan().client();
    const Json ea = post(c0, "/api/evaluate", kPlan, 200)["sections"];
    const Json eb = post(c0, "/api/evaluate", kLinear, 200)["sections"];
    std::atomic<int> wrong{0}, done{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 6; ++t)
        ts.emplace_back([&, t] {
            auto c = leshan().client();
            for (int i = 0; i < 8; ++i) {
                const bool a = (i + t) % 2 == 0;
                auto r = c.Post("/api/evaluate", a ? kPlan : kLinear, "application/json");
                if (!r || r->status != 200 || Json::parse(r->body)["sections"] != (a ? ea : eb)) ++wrong;
                ++done;
            }
        });
    ts.emplace_back([&] {
        auto c = leshan().client();
        Json req = Json::parse(kLinear);
        req["id"] = "concurrent_save";
        auto r = c.Post("/api/scenarios", req.dump(), "application/json");
        if (!r || r->status != 201) ++wrong;
    });
    for (auto& t : ts) t.join();
    CHECK(done == 48);
    CHECK(wrong == 0);
}

TEST_CASE("a client that disconnects mid-request or mid-answer does not stop the server", "[serve][api]") {
    const int port = leshan().port;
    {
        // announces 1000 bytes, sends 10, hangs up
        const int fd = raw_connect(port);
        const std::string part = "POST /api/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"selecti";
        ::send(fd, part.data(), part.size(), MSG_NOSIGNAL);
        ::close(fd);
    }
    {
        // asks for the report and hangs up before the answer
        const int fd = raw_connect(port);
        const std::string body = kLinear;
        const std::string req = "POST /api/report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
        ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
        ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto c = leshan().client();
    auto r = c.Get("/api/case");
    REQUIRE(r);
    CHECK(r->status == 200);
    post(c, "/api/evaluate", kLinear, 200);
}

TEST_CASE("with a token every request needs it", "[serve][api][token]") {
    serve::ServerOptions o;
    o.token = "s3cret-token";
    Running srv(source_dir() / "tests/data/mini", o);
    auto none = srv.client();
    auto wrong = srv.client("s3cret-tokeN");
    auto right = srv.client("s3cret-token");
    for (const char* path : {"/", "/api/case", "/api/jobs/1"}) {
        INFO(path);
        auto r = none.Get(path);
        REQUIRE(r);
        CHECK(r->status == 401);
        CHECK_THAT(r->body, Catch::Contains("token"));
        r = wrong.Get(path);
        REQUIRE(r);
        CHECK(r->status == 401);
        CHECK_THAT(r->body, Catch::Contains("wrong token"));
    }
    CHECK(none.Post("/api/evaluate", R"({"selection":{}})", "application/json")->status == 401);
    CHECK(wrong.Post("/api/scenarios", R"({"id":"x","selection":{}})", "application/json")->status == 401);
    CHECK(right.Get("/")->status == 200);
    CHECK(right.Get("/api/case")->status == 200);
    CHECK(right.Post("/api/evaluate", R"({"selection":{}})", "application/json")->status == 200);
    CHECK(none.Get("/?token=s3cret-token")->status == 200);  // the address printed by `qingliu serve`
    // default: loopback only
    CHECK(serve::ServerOptions{}.host == "127.0.0.1");
}
