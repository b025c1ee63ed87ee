#include "serving/http/server.h"

#include <httplib.h>

#include <cerrno>
#include <cstring>

#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/redact.h"
#include "serving/http/errors.h"
#include "serving/http/request_guard.h"

namespace maas::serving {

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
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
  return req;
}

void log_request(const HttpRequest& req, int status, double seconds, const HttpOptions& opts) {
  nlohmann::json fields = {{"request_id", req.request_id}, {"method", req.method}, {"path", req.path},
                           {"status", status}, {"latency_ms", std::round(seconds * 1e5) / 100.0},
                           {"remote", req.remote_addr}};
  if (opts.log_bodies) fields["body"] = redact_body(req.body);  // even when asked for: redacted
  log_event(LogLevel::kInfo, "request", std::move(fields));
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
    auto ssl = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!ssl->is_valid())
      return invalid_argument("cannot load TLS certificate '{}' / key '{}'", options_.tls_cert, options_.tls_key);
    impl_->server = std::move(ssl);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& svr = *impl_->server;
  int threads = options_.http_threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  svr.set_payload_max_length(options_.max_body_bytes);
  svr.set_keep_alive_timeout(options_.keep_alive_seconds);
  svr.set_keep_alive_max_count(1000);
  svr.set_tcp_nodelay(true);  // SSE chunks are small: do not wait for the peer's delayed ACK
  svr.set_read_timeout(30);
  svr.set_write_timeout(30);

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
    out.set_chunked_content_provider(
        shared_res->content_type.c_str(),
        [this, shared_req, shared_res, route, clock](size_t, httplib::DataSink& sink) {
          SinkWriter writer(sink);
          shared_res->stream(writer);
          sink.done();
          for (const auto& obs : observers_) obs(*shared_req, route, *shared_res, clock.seconds());
          log_request(*shared_req, shared_res->status, clock.seconds(), options_);
          --in_flight_;
          return true;
        },
        [this, shared_req](bool success) {
          // Called when the provider finished or the client went away before it ran.
          (void)success;
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
    log_request(req, out.status, 0.0, options_);
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& out, std::exception_ptr) {
    HttpResponse r = error_response(500, "internal server error");
    out.status = 500;
    out.set_content(r.body, "application/json");
  });

  errno = 0;
  if (options_.port == 0) {
    bound_port_ = svr.bind_to_any_port(options_.host);
    if (bound_port_ < 0) bound_port_ = 0;
  } else if (svr.bind_to_port(options_.host, options_.port)) {
    bound_port_ = options_.port;
  }
  if (bound_port_ == 0) {
    std::string why = errno == EADDRINUSE ? "address already in use"
                      : errno != 0        ? std::strerror(errno)
                                          : "cannot bind (address in use or not available)";
    return error(Code::kUnavailable, "cannot listen on {}:{}: {}", options_.host, options_.port, why);
  }
  return Status::ok();
}

Status HttpServer::serve() {
  if (!impl_->server) return internal_error("serve() before bind()");
  log_event(LogLevel::kInfo, "listening", {{"host", options_.host}, {"port", bound_port_},
                                          {"tls", !options_.tls_cert.empty()}});
  impl_->server->listen_after_bind();
  return Status::ok();
}

void HttpServer::stop() {
  if (impl_->server) impl_->server->stop();
}

}  // namespace maas::serving
