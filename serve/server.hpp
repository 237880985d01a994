// The HTTP side of `qingliu serve` (cpp-httplib): one page with its script and styles compiled into the binary, and a
// small JSON API over a Session.
//
//   GET  /                 the page (HTML with inline CSS and JavaScript; works offline)
//   GET  /api/case         the case: map, sections, measures and their knobs, outfalls, plants, baseline results
//   POST /api/evaluate     {selection, profile?} -> every section's class, parameters, margin; costs; profiles
//   POST /api/scenarios    {id, name?, name_en?, selection} -> appended to the case's scenarios file (201)
//   POST /api/report       {selection, lang?} -> the report of baseline and selection (HTML download)
//   POST /api/jobs         {kind: optimize | montecarlo, draws?, selection?} -> a background job (202)
//   GET  /api/jobs/ID      the job's state, progress and result
//
// Safe by default: binds to 127.0.0.1 unless told otherwise; with a token every request must carry it (header
// "X-Qingliu-Token" or query "token=", compared in constant time); bodies over the limit get 413, anything
// malformed a 4xx with a JSON {"error": message} and no change; no request ever names a file.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "serve/session.hpp"

namespace httplib {
class Server;
}

namespace qingliu::serve {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                       ///< 0: any free port (see Server::port)
    std::string token;                     ///< "" : no token required
    std::size_t max_body_bytes = 256 * 1024;
    int read_timeout_s = 10;               ///< a client that stops sending is dropped after this
};

class Server {
public:
    Server(Session& session, ServerOptions opt);
    ~Server();
    /// Binds the socket; returns the port. Throws OutputError if the address cannot be bound.
    int bind();
    /// Serves until stop() (call bind() first).
    void run();
    void stop();
    int port() const { return port_; }

private:
    Session& session_;
    ServerOptions opt_;
    std::unique_ptr<httplib::Server> http_;
    int port_ = 0;
    std::string page_;
};

/// The page with its styles and script inlined.
std::string page_html();

}  // namespace qingliu::serve
