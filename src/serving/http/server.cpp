#include "serving/http/server.h"

#include <httplib.h>

#include <cerrno>
#include <cstring>

#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/redact.h"
#include "serving/http/edge_loop.h"
#include "serving/http/errors.h"
#include "serving/http/listener.h"
#include "serving/http/request_guard.h"

namespace maas::serving {

namespace {

// cpp-httplib parses and routes each request; the connections are maas's (EdgeLoop).
class EdgeHttp final : public httplib::Server {
 public:
  using httplib::Server::process_request;
  // cpp-httplib ends chunked streams once its own listening socket is gone; it has
  // none here, so it is told the edge loop's.
  void mark_listening(int fd) { svr_sock_ = fd; }
};

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<EdgeHttp> server;
  SSL_CTX* tls = nullptr;
  std::unique_ptr<EdgeLoop> loop;
  ~Impl() {
    loop.reset();
    if (tls) SSL_CTX_free(tls);
  }
};

namespace {

class SinkWriter final : public StreamWriter {
 public:
  explicit SinkWriter(httplib::DataSink& sink) : sink_(sink) {}
  bool write(std::string_view chunk) override {
    if (!alive_) return false;
    if (chunk.empty()) return true;
    alive_ = sink_.is_writable() && sink_.write(chunk.data(), chunk.size());
    return alive_;
  }
  bool is_alive() const override { return alive_ && sink_.is_writable(); }

 private:
  httplib::DataSink& sink_;
  bool alive_ = true;
};

// X-Request-Id from the client when it is sane, else a fresh one.
std::string request_id_for(const httplib::Request& req) {
  std::string id = req.get_header_value("X-Request-Id");
  bool sane = !id.empty() && id.size() <= 128;
  for (char c : id) sane = sane && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  return sane ? id : "req-" + random_hex(12);
}

HttpRequest to_request(const httplib::Request& in) {
  HttpRequest req;
  req.method = in.method;
  req.path = in.path;
  for (const auto& [k, v] : in.params) req.query.emplace(k, v);
  for (const auto& [k, v] : in.headers) req.headers.emplace(k, v);
  req.body = in.body;
  req.remote_addr = in.remote_addr;
  req.request_id = request_id_for(in);
  // Set by the edge (serve_one below): whether the client is still connected.
  if (in.progress) req.is_connection_alive = [alive = in.progress] { return alive(0, 0); };
  return req;
}

void log_request(const HttpRequest& req, int status, double seconds, const HttpOptions& opts) {
  nlohmann::json fields = {{"request_id", req.request_id}, {"method", req.method}, {"path", req.path},
                           {"status", status}, {"latency_ms", std::round(seconds * 1e5) / 100.0},
                           {"remote", req.remote_addr}};
  if (opts.log_bodies) fields["body"] = redact_body(req.body);  // even when asked for: redacted
  log_event(LogLevel::kInfo, "request", std::move(fields));
}

// maas answers JSON and event streams only, never a page: browsers must not sniff a
// body into HTML, frame it or run anything from it. No CORS headers are ever sent.
void add_security_headers(Headers& h) {
  h.emplace("X-Content-Type-Options", "nosniff");
  h.emplace("X-Frame-Options", "DENY");
  h.emplace("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  h.emplace("Referrer-Policy", "no-referrer");
}

const char* reason_phrase(int status) {
  switch (status) {
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

// A whole response written by the connection loop itself before it closes a connection.
std::string render_refusal(int status, const std::string& message, const std::string& code) {
  HttpResponse r = error_response(status, message, "", code);
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "Connection: close\r\n\r\n" + r.body;
  return out;
}

// Connection bounds from the settings, within the process's open-file limit (each
// connection is a descriptor; the registry, models and logs need some too).
EdgeOptions edge_options(const HttpOptions& o) {
  EdgeOptions e;
  const int fd_limit = raise_open_file_limit();
  e.max_connections = std::min(o.max_connections, std::max(16, fd_limit - 256));
  if (e.max_connections < o.max_connections)
    log_event(LogLevel::kWarn, "max_connections_lowered",
              {{"requested", o.max_connections}, {"max_connections", e.max_connections}, {"open_file_limit", fd_limit}});
  e.header_timeout = std::chrono::seconds(o.header_timeout_seconds);
  e.idle_timeout = std::chrono::seconds(o.keep_alive_seconds);
  e.body_timeout = std::chrono::seconds(o.body_timeout_seconds);
  e.write_timeout = std::chrono::seconds(30);
  e.max_body_bytes = o.max_body_bytes;
  e.worker_threads = o.http_threads;
  e.queued_requests = o.http_threads;
  return e;
}

}  // namespace

HttpServer::HttpServer(HttpOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}
HttpServer::~HttpServer() = default;

HttpResponse HttpServer::handle(HttpRequest& req, const Route** route) {
  RouteMatch m = router_.match(req);
  *route = m.route;
  if (!m.route) {
    if (!m.allowed_methods.empty()) {
      HttpResponse r = error_response(405, "method " + req.method + " is not allowed on " + req.path);
      std::string allow;
      for (const auto& a : m.allowed_methods) allow += (allow.empty() ? "" : ", ") + a;
      r.set_header("Allow", allow);
      return r;
    }
    return error_response(404, "no route for " + req.method + " " + req.path);
  }
  RequestGuardOptions guard{is_loopback_host_header(options_.host), options_.allowed_hosts};
  if (std::optional<HttpResponse> refused = guard_request(req, guard)) return std::move(*refused);
  for (const Middleware& mw : middleware_) {
    if (std::optional<HttpResponse> early = mw(req, *m.route)) return std::move(*early);
  }
  return m.route->handler(req);
}

Status HttpServer::bind() {
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    if (options_.tls_cert.empty() || options_.tls_key.empty())
      return invalid_argument("TLS needs both --tls-cert and --tls-key");
    MAAS_ASSIGN_OR_RETURN(impl_->tls, make_tls_context(options_.tls_cert, options_.tls_key));
  }
  impl_->server = std::make_unique<EdgeHttp>();
  httplib::Server& svr = *impl_->server;
  svr.set_payload_max_length(options_.max_body_bytes);
  // Only the Keep-Alive response header: the edge loop applies the limits.
  svr.set_keep_alive_timeout(options_.keep_alive_seconds);
  svr.set_keep_alive_max_count(1000);

  auto dispatch = [this](const httplib::Request& in, httplib::Response& out) {
    Stopwatch clock;
    ++in_flight_;
    HttpRequest req = to_request(in);
    HttpResponse res;
    const Route* route = nullptr;
    try {
      res = handle(req, &route);
    } catch (const std::exception& e) {
      res = error_response(Status(Code::kInternal, std::string("unhandled exception: ") + e.what()), req.request_id);
    }
    res.set_header("X-Request-Id", req.request_id);
    add_security_headers(res.headers);
    out.status = res.status;
    for (const auto& [k, v] : res.headers) out.set_header(k.c_str(), v);
    if (!res.stream) {
      out.set_content(res.body, res.content_type.c_str());
      for (const auto& obs : observers_) obs(req, route, res, clock.seconds());
      log_request(req, res.status, clock.seconds(), options_);
      --in_flight_;
      return;
    }
    auto shared_req = std::make_shared<HttpRequest>(std::move(req));
    auto shared_res = std::make_shared<HttpResponse>(std::move(res));
    // The provider runs once the headers are out, unless the client has already gone;
    // the releaser runs in every case (when cpp-httplib drops the response), so the
    // request is counted, observed (usage, metrics) and logged exactly once there.
    auto ran = std::make_shared<bool>(false);
    out.set_chunked_content_provider(
        shared_res->content_type.c_str(),
        [shared_res, ran](size_t, httplib::DataSink& sink) {
          *ran = true;
          SinkWriter writer(sink);
          shared_res->stream(writer);
          sink.done();
          return true;
        },
        [this, shared_req, shared_res, route, clock, ran](bool) {
          if (!*ran) shared_res->status = 499;  // the client closed before the stream began
          for (const auto& obs : observers_) obs(*shared_req, route, *shared_res, clock.seconds());
          log_request(*shared_req, shared_res->status, clock.seconds(), options_);
          --in_flight_;
        });
  };
  httplib::Server::Handler handler = dispatch;
  svr.Get(".*", handler);
  svr.Post(".*", handler);
  svr.Put(".*", handler);
  svr.Patch(".*", handler);
  svr.Delete(".*", handler);
  svr.Options(".*", handler);

  // Errors raised by httplib itself (body too large, malformed request line, ...).
  svr.set_error_handler([this](const httplib::Request& in, httplib::Response& out) {
    if (!out.body.empty() || out.has_header("X-Request-Id")) return;
    std::string msg = out.status == 413
                          ? "request body exceeds the limit of " + std::to_string(options_.max_body_bytes) + " bytes"
                          : "malformed HTTP request (status " + std::to_string(out.status) + ")";
    HttpResponse r = error_response(out.status, msg);
    HttpRequest req = to_request(in);
    out.set_content(r.body, "application/json");
    out.set_header("X-Request-Id", req.request_id);
    Headers security;
    add_security_headers(security);
    for (const auto& [k, v] : security) out.set_header(k.c_str(), v);
    log_request(req, out.status, 0.0, options_);
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& out, std::exception_ptr) {
    HttpResponse r = error_response(500, "internal server error");
    out.status = 500;
    out.set_content(r.body, "application/json");
  });

  EdgeOptions edge = edge_options(options_);
  edge.max_requests_per_connection = 1000;
  MAAS_ASSIGN_OR_RETURN(ListenSocket listening, listen_on(options_.host, options_.port, /*backlog=*/1024));
  bound_port_ = listening.port;
  EdgeHttp* http = impl_->server.get();
  http->mark_listening(listening.fd);
  auto serve_one = [http](ConnectionStream& stream, bool last) {
    bool closed = false;
    // cpp-httplib hands a handler nothing of its connection; the request's `progress`
    // hook (used only by its client side) carries "is the client still there" to
    // to_request(). The stream outlives the handler and any stream it writes.
    auto setup = [&stream](httplib::Request& r) {
      r.progress = [&stream](uint64_t, uint64_t) { return stream.peer_connected(); };
    };
    bool ok = http->process_request(stream, last, closed, setup);
    return ok && !closed;
  };
  auto priority = [this](const std::string& method, const std::string& path) {
    HttpRequest probe;
    probe.method = method;
    probe.path = path;
    RouteMatch m = router_.match(probe);
    return m.route != nullptr && m.route->public_route;
  };
  impl_->loop = std::make_unique<EdgeLoop>(listening.fd, impl_->tls, edge, serve_one, priority, render_refusal);
  return Status::ok();
}

Status HttpServer::serve() {
  if (!impl_->loop) return internal_error("serve() before bind()");
  const EdgeOptions& e = impl_->loop->options();
  log_event(LogLevel::kInfo, "listening",
            {{"host", options_.host}, {"port", bound_port_}, {"tls", impl_->tls != nullptr},
             {"max_connections", e.max_connections}, {"http_threads", e.worker_threads},
             {"header_timeout_s", options_.header_timeout_seconds}, {"idle_timeout_s", options_.keep_alive_seconds}});
  impl_->loop->run();
  EdgeStats st = impl_->loop->stats();
  log_event(LogLevel::kInfo, "connections", {{"accepted", st.accepted}, {"refused_full", st.refused_full},
                                             {"refused_busy", st.refused_busy}, {"evicted_idle", st.evicted_idle},
                                             {"timed_out", st.timed_out}});
  return Status::ok();
}

void HttpServer::stop() {
  if (impl_->loop) impl_->loop->stop();
}

}  // namespace maas::serving
