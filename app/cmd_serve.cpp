// qingliu serve CASE [--port 8080] [--host 127.0.0.1] [--token T]: the what-if web application (serve/server.hpp).
#include <csignal>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "serve/server.hpp"

namespace qingliu::app {

namespace {
serve::Server* g_server = nullptr;
extern "C" void stop_on_signal(int) {
    if (g_server) g_server->stop();
}
}  // namespace

void register_serve(CLI::App& cli, Globals& g, Action& action) {
    auto* sv = cli.add_subcommand("serve", "What-if in the browser: toggle measures and outfalls, see every section's class at once");
    struct Opts {
        std::string case_path, host = "127.0.0.1", token;
        int port = 8080;
    };
    auto o = std::make_shared<Opts>();
    sv->add_option("CASE", o->case_path, "Case folder")->required();
    sv->add_option("--port", o->port, "Port (0: any free port)")->check(CLI::Range(0, 65535))->capture_default_str();
    sv->add_option("--host", o->host, "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every network)")->capture_default_str();
    sv->add_option("--token", o->token, "Require this token on every request (give it when listening beyond this machine)");
    sv->callback([&g, &action, o] {
        action = [&g, o] {
            serve::Session session(o->case_path);
            const auto snap = session.snapshot();
            for (const auto& w : snap->lc.warnings) spdlog::warn("{}", w);
            serve::ServerOptions so;
            so.host = o->host;
            so.port = o->port;
            so.token = o->token;
            serve::Server server(session, so);
            const int port = server.bind();
            if (o->host != "127.0.0.1" && o->host != "localhost" && o->host != "::1" && o->token.empty())
                spdlog::warn("listening on {} without --token: anyone who can reach this machine can use the page and save scenarios", o->host);
            const std::string shown = o->host == "0.0.0.0" ? "127.0.0.1" : o->host;
            std::printf("qingliu serve: %s\n  open http://%s:%d/%s\n  (Ctrl-C stops)\n", snap->lc.model.name.c_str(), shown.c_str(), port,
                        o->token.empty() ? "" : ("?token=" + o->token).c_str());
            std::fflush(stdout);
            std::signal(SIGPIPE, SIG_IGN);  // a client that disconnects mid-answer must not end the server
            g_server = &server;
            std::signal(SIGINT, stop_on_signal);
            std::signal(SIGTERM, stop_on_signal);
            server.run();
            g_server = nullptr;
            (void)g;
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
