// The HTTP server: binds, dispatches through the Router and middleware, renders every
// error as an OpenAI body, logs one structured line per request, and drains in-flight
// requests on shutdown. Connections are held by the edge loop (edge_loop.h); cpp-httplib
// parses each request. Only src/serving/http/ includes httplib.h.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "serving/http/router.h"

namespace maas::serving {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                     // 0: any free port
  size_t max_body_bytes = 8 << 20;
  int max_json_depth = 64;
  int http_threads = 256;              // requests processed at once (idle connections need none)
  int max_connections = 1024;          // open connections; beyond, the longest-idle one closes, else 503
  int header_timeout_seconds = 10;     // a request head must arrive within this
  int body_timeout_seconds = 30;       // and its body within this after the head
  int drain_timeout_seconds = 30;
  int keep_alive_seconds = 5;          // an idle kept-alive connection is closed after this
  std::string tls_cert;                // both set: HTTPS
  std::string tls_key;
  bool log_bodies = false;             // never on by default
  std::vector<std::string> allowed_hosts;  // Host names accepted besides loopback ones
};

// Runs before the handler; returning a response short-circuits (auth, quotas).
using Middleware = std::function<std::optional<HttpResponse>(HttpRequest&, const Route&)>;
// Sees every finished request (metrics, usage); `route` is null for 404/405.
using RequestObserver =
    std::function<void(const HttpRequest&, const Route* route, const HttpResponse&, double seconds)>;

class HttpServer {
 public:
  explicit HttpServer(HttpOptions options);
  ~HttpServer();

  Router& router() { return router_; }
  void add_middleware(Middleware m) { middleware_.push_back(std::move(m)); }
  void add_observer(RequestObserver o) { observers_.push_back(std::move(o)); }

  // Binds the socket; an error names the address and the reason (e.g. in use).
  Status bind();
  int port() const { return bound_port_; }
  // Serves until stop(); returns once in-flight requests finished or the drain
  // timeout passed.
  Status serve();
  // Stops accepting; safe from any thread.
  void stop();
  int in_flight() const { return in_flight_.load(); }

 private:
  struct Impl;
  HttpResponse handle(HttpRequest& req, const Route** route);
  HttpOptions options_;
  Router router_;
  std::vector<Middleware> middleware_;
  std::vector<RequestObserver> observers_;
  std::unique_ptr<Impl> impl_;
  int bound_port_ = 0;
  std::atomic<int> in_flight_{0};
};

}  // namespace maas::serving
