#include "serving/operations.h"

#include "core/log.h"
#include "registry/keys.h"
#include "registry/usage_store.h"
#include "serving/auth/auth_middleware.h"
#include "serving/auth/header_limit.h"
#include "serving/auth/key_routes.h"
#include "serving/auth/quota_middleware.h"
#include "serving/metrics/service_metrics.h"
#include "serving/usage/usage_observer.h"
#include "serving/usage/usage_routes.h"

namespace maas::serving {

struct Operations::Parts {
  ServingContext& ctx;
  auth::AuthMode mode = auth::AuthMode::kAuto;
  int max_headers = 100;
  std::unique_ptr<registry::KeyStore> keys;
  std::unique_ptr<registry::UsageStore> usage_store;
  std::unique_ptr<registry::UsageStore> price_store;  // own connection: a price lookup never waits for a usage batch
  std::unique_ptr<auth::KeyCache> key_cache;
  auth::RateLimiter limiter;
  std::unique_ptr<metrics::ServiceMetrics> metrics;
  std::unique_ptr<usage::PriceBook> prices;
  std::unique_ptr<usage::UsageRecorder> recorder;  // last: stopped (flushed) first
};

Operations::Operations(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Operations::~Operations() { stop(); }

Result<std::unique_ptr<Operations>> Operations::open(const OpsOptions& options, const std::string& host,
                                                     ServingContext& ctx) {
  std::unique_ptr<Parts> p(new Parts{ctx});
  MAAS_ASSIGN_OR_RETURN(p->mode, auth::parse_auth_mode(options.auth));
  p->max_headers = options.max_headers;
  if (p->mode == auth::AuthMode::kOff && !auth::is_loopback_host(host)) {
    return invalid_argument("--auth off is only allowed when bound to loopback (127.0.0.1, ::1, localhost), not '{}'",
                            host);
  }
  const std::string db_path = ctx.registry.db_path();
  MAAS_ASSIGN_OR_RETURN(p->keys, registry::KeyStore::open(db_path));
  MAAS_ASSIGN_OR_RETURN(p->usage_store, registry::UsageStore::open(db_path));
  MAAS_ASSIGN_OR_RETURN(auto spent, p->usage_store->spend_by_key());
  p->limiter.set_spent(std::move(spent));
  p->key_cache = std::make_unique<auth::KeyCache>(*p->keys, std::chrono::milliseconds(options.key_cache_ms));
  p->metrics = std::make_unique<metrics::ServiceMetrics>(ctx.models);
  MAAS_ASSIGN_OR_RETURN(p->price_store, registry::UsageStore::open(db_path));
  p->prices = std::make_unique<usage::PriceBook>(*p->price_store);
  usage::RecorderOptions ro;
  ro.flush_interval = std::chrono::milliseconds(options.usage_flush_ms);
  metrics::ServiceMetrics* m = p->metrics.get();
  p->recorder = std::make_unique<usage::UsageRecorder>(*p->usage_store, ro, [m](uint64_t written, uint64_t failed) {
    if (written) m->usage_rows_written(written);
    if (failed) m->usage_rows_failed(failed);
  });
  Result<int64_t> active = p->keys->count_active();
  log_event(LogLevel::kInfo, "auth", {{"mode", auth::auth_mode_name(p->mode)},
                                      {"active_keys", active.is_ok() ? *active : -1},
                                      {"enforced_now", p->mode == auth::AuthMode::kOn ||
                                                           (p->mode == auth::AuthMode::kAuto && active.is_ok() && *active > 0)}});
  if (p->mode != auth::AuthMode::kOn && !auth::is_loopback_host(host) && active.is_ok() && *active == 0) {
    log_event(LogLevel::kWarn, "auth_open", {{"message", "no API keys exist: every route is open on a non-loopback "
                                                         "address until the first key is created (maas keys create)"}});
  }
  return std::unique_ptr<Operations>(new Operations(std::move(p)));
}

void Operations::install(HttpServer& server, Router& router) {
  Parts& p = *parts_;
  metrics::ServiceMetrics* m = p.metrics.get();
  server.add_middleware(auth::make_header_limit_middleware(p.max_headers));
  server.add_middleware(auth::make_auth_middleware(*p.key_cache, p.mode));
  server.add_middleware(auth::make_quota_middleware(*p.key_cache, p.limiter, [m](const std::string& key, const std::string& reason) {
    m->rate_limited(key, reason);
  }));
  server.add_observer([m](const HttpRequest& req, const Route* route, const HttpResponse& res, double s) {
    m->observe(req, route, res, s);
  });
  server.add_observer(usage::make_usage_observer(*p.recorder, *p.prices, p.limiter, *p.key_cache));
  metrics::add_metrics_route(router, *p.metrics);
  auth::add_key_routes(router, *p.keys, *p.key_cache, p.ctx.max_json_depth);
  usage::add_usage_routes(router, {p.ctx.registry, *p.usage_store, *p.recorder, *p.prices, p.ctx.max_json_depth});
}

void Operations::stop() {
  if (parts_ && parts_->recorder) parts_->recorder->stop();
}

}  // namespace maas::serving
