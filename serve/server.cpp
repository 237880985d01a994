#include "serve/server.hpp"

#include <httplib.h>

#include "common/error.hpp"

namespace qingliu::serve {

// compiled in from serve/assets/ (cmake/Embed.cmake)
extern const char* const kPageHtml;
extern const char* const kPageJs;
extern const char* const kPageCss;

namespace {

bool same_token(const std::string& a, const std::string& b) {
    // constant time in the length of the expected token
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < b.size(); ++i) diff |= static_cast<unsigned char>(b[i] ^ (i < a.size() ? a[i] : 0));
    return diff == 0;
}

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"; }

/// The name part of a Host header ("127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "[::1]").
std::string host_name(const std::string& h) {
    if (!h.empty() && h.front() == '[') return h.substr(0, h.find(']') + 1);
    return h.substr(0, h.find(':'));
}

void send_json(httplib::Response& res, int status, const Json& j) {
    res.status = status;
    res.set_content(j.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message, const Json& problems = Json()) {
    Json j = {{"error", message}};
    if (!problems.is_null()) j["problems"] = problems;
    send_json(res, status, j);
}

Json parse_body(const httplib::Request& req) {
    if (req.body.empty()) throw RequestError(400, "empty request body (expected JSON)");
    try {
        return Json::parse(req.body);
    } catch (const Json::parse_error& e) {
        throw RequestError(400, std::string("malformed JSON: ") + e.what());
    }
}

/// Runs a handler, turning every error into a 4xx/5xx answer with a message.
template <class F>
void guarded(httplib::Response& res, F&& f) {
    try {
        f();
    } catch (const RequestError& e) {
        send_error(res, e.status(), e.what());
    } catch (const InputError& e) {
        Json probs = Json::array();
        for (const auto& p : e.problems()) probs.push_back(format_problem(p));
        std::string msg = e.what();
        for (const auto& p : e.problems()) msg += "\n" + format_problem(p);
        send_error(res, 400, msg, probs);
    } catch (const ModelError& e) {
        send_error(res, 422, std::string("the model cannot evaluate this selection: ") + e.what());
    } catch (const OutputError& e) {
        send_error(res, 500, std::string("could not write: ") + e.what());
    } catch (const std::exception& e) {
        send_error(res, 500, std::string("internal error: ") + e.what());
    }
}

std::string replace_once(std::string s, const std::string& what, const std::string& with) {
    const auto p = s.find(what);
    if (p != std::string::npos) s.replace(p, what.size(), with);
    return s;
}

}  // namespace

std::string page_html() {
    std::string p = kPageHtml;
    p = replace_once(p, "/*%STYLE%*/", kPageCss);
    p = replace_once(p, "/*%SCRIPT%*/", kPageJs);
    return p;
}

Server::Server(Session& session, ServerOptions opt) : session_(session), opt_(std::move(opt)), http_(std::make_unique<httplib::Server>()), page_(page_html()) {
    auto& h = *http_;
    h.set_payload_max_length(opt_.max_body_bytes);
    h.set_read_timeout(opt_.read_timeout_s, 0);
    h.set_write_timeout(opt_.read_timeout_s, 0);
    h.set_keep_alive_max_count(100);
    h.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}, {"Referrer-Policy", "no-referrer"}});
    h.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        // Listening on this machine only: a page from elsewhere that resolves its own name to 127.0.0.1 (DNS
        // rebinding) sends its own name as Host, so only loopback names are served.
        if (loopback(opt_.host) && !loopback(host_name(req.get_header_value("Host")))) {
            send_error(res, 403, "this server answers requests to 127.0.0.1 or localhost only");
            return httplib::Server::HandlerResponse::Handled;
        }
        // JSON only: a cross-site form cannot send it without the browser asking first (which is refused)
        if (req.method == "POST" && req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
            send_error(res, 415, "send the request body as application/json");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (opt_.token.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string given = req.get_header_value("X-Qingliu-Token");
        if (given.empty() && req.has_param("token")) given = req.get_param_value("token");
        if (same_token(given, opt_.token)) return httplib::Server::HandlerResponse::Unhandled;
        send_error(res, 401, given.empty() ? "this server needs its token (open the address printed by qingliu serve)" : "wrong token");
        return httplib::Server::HandlerResponse::Handled;
    });
    h.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        if (res.status == 413) send_error(res, 413, "request body too large");
        else if (res.status == 404) send_error(res, 404, "no such address: " + req.method + " " + req.path);
        else send_error(res, res.status, "bad request");
    });
    h.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            send_error(res, 500, std::string("internal error: ") + e.what());
        } catch (...) {
            send_error(res, 500, "internal error");
        }
    });
    h.Get("/", [this](const httplib::Request&, httplib::Response& res) {
        res.set_header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'");
        res.set_content(page_, "text/html; charset=utf-8");
    });
    h.Get("/api/case", [this](const httplib::Request&, httplib::Response& res) {
        guarded(res, [&] { send_json(res, 200, session_.case_info()); });
    });
    h.Post("/api/evaluate", [this](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] { send_json(res, 200, session_.evaluate(parse_body(req))); });
    });
    h.Post("/api/scenarios", [this](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] { send_json(res, 201, session_.save(parse_body(req))); });
    });
    h.Post("/api/report", [this](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] {
            const std::string html = session_.report_html(parse_body(req));
            res.set_header("Content-Disposition", "attachment; filename=\"report.html\"");
            res.set_content(html, "text/html; charset=utf-8");
        });
    });
    h.Post("/api/jobs", [this](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] { send_json(res, 202, session_.start_job(parse_body(req))); });
    });
    h.Get(R"(/api/jobs/([0-9]{1,12}))", [this](const httplib::Request& req, httplib::Response& res) {
        guarded(res, [&] { send_json(res, 200, session_.job(req.matches[1].str())); });
    });
}

Server::~Server() { stop(); }

int Server::bind() {
    if (opt_.port == 0) {
        port_ = http_->bind_to_any_port(opt_.host);
        if (port_ <= 0) throw OutputError("cannot listen on " + opt_.host + " (any port)");
    } else {
        if (!http_->bind_to_port(opt_.host, opt_.port)) throw OutputError("cannot listen on " + opt_.host + ":" + std::to_string(opt_.port) + " (in use, or not an address of this machine)");
        port_ = opt_.port;
    }
    return port_;
}

void Server::run() { http_->listen_after_bind(); }

void Server::stop() {
    if (http_) http_->stop();
}

}  // namespace qingliu::serve
