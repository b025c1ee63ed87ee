// The operations layer of the service, assembled: API keys (auth middleware), per-key
// rate limits and budgets (quota middleware), usage metering (observer + background
// writer), Prometheus metrics (observer + GET /metrics) and their admin routes.
// Service creates it after the registry is open, installs it on the HTTP server, and
// stops it once the server has drained (flushing every queued usage row).
#pragma once

#include <memory>
#include <string>

#include "serving/context.h"
#include "serving/http/server.h"
#include "serving/ops_options.h"

namespace maas::serving {

class Operations {
 public:
  // Errors: --auth off on a non-loopback host, an unreadable key/usage database.
  static Result<std::unique_ptr<Operations>> open(const OpsOptions& options, const std::string& host,
                                                  ServingContext& ctx);
  ~Operations();

  // Adds the middleware, observers and routes (/metrics, /admin/v1/keys, usage, prices).
  void install(HttpServer& server, Router& router);
  // The auth mode in force ("auto", "on", "off") and the active keys at start.
  std::string auth_mode() const;
  int64_t active_keys_at_start() const;
  // Writes every queued usage row; later rows are written synchronously.
  void stop();

 private:
  struct Parts;
  explicit Operations(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace maas::serving
