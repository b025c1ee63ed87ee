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

namespace {

// Off loopback, `--auth auto` means `on` (revoking the last key must not open the
// server), and with no key yet the server refuses to start: every route, /admin
// included, would answer anyone who can reach the address. `--auth on` starts anyway,
// closed until the first key exists.
Status settle_off_loopback_auth(const std::string& host, int64_t active_keys, const std::string& data_dir,
                                auth::AuthMode* mode) {
  if (auth::is_loopback_host(host) || *mode != auth::AuthMode::kAuto) return Status::ok();
  if (active_keys == 0) {
    return error(Code::kFailedPrecondition,
        "refusing to serve on '{}' with no API key: anyone reaching it could create an admin key. Create the "
        "first key with `maas keys create --name admin --role admin --data-dir {}`, or pass --auth on to start "
        "with every route closed until a key exists",
        host, data_dir);
  }
  *mode = auth::AuthMode::kOn;
  return Status::ok();
}

}  // namespace

struct Operations::Parts {
  ServingContext& ctx;
  auth::AuthMode mode = auth::AuthMode::kAuto;
  int64_t active_keys_at_start = 0;
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
  MAAS_ASSIGN_OR_RETURN(int64_t active, p->keys->count_active());
  MAAS_RETURN_IF_ERROR(settle_off_loopback_auth(host, active, ctx.registry.data_dir(), &p->mode));
  p->active_keys_at_start = active;
  log_event(LogLevel::kInfo, "auth", {{"mode", auth::auth_mode_name(p->mode)},
                                      {"active_keys", active},
                                      {"enforced_now", p->mode == auth::AuthMode::kOn || active > 0}});
  if (p->mode == auth::AuthMode::kOn && active == 0) {
    log_event(LogLevel::kWarn, "auth_closed",
              {{"message", "no API keys exist: every route but /healthz, /readyz and /metrics answers 401 until "
                           "one is created with: maas keys create --name admin --role admin --data-dir " +
                               ctx.registry.data_dir()}});
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

std::string Operations::auth_mode() const { return auth::auth_mode_name(parts_->mode); }
int64_t Operations::active_keys_at_start() const { return parts_->active_keys_at_start; }

void Operations::stop() {
  if (parts_ && parts_->recorder) parts_->recorder->stop();
}

}  // namespace maas::serving
