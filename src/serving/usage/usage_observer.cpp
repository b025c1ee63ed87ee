#include "serving/usage/usage_observer.h"

#include "core/clock.h"
#include "core/redact.h"
#include "serving/auth/auth_middleware.h"

namespace maas::serving::usage {

RequestObserver make_usage_observer(UsageRecorder& recorder, PriceBook& prices, auth::RateLimiter& limiter,
                                    auth::KeyCache& keys) {
  return [&recorder, &prices, &limiter, &keys](const HttpRequest& req, const Route* route, const HttpResponse& res,
                                               double seconds) {
    if (!route || route->public_route) return;
    registry::UsageRecord row;
    row.time_ms = unix_millis();
    row.key_name = req.header(auth::kKeyHeader);
    row.route = route->pattern;
    row.method = req.method;
    row.status = res.status;
    row.latency_ms = seconds * 1e3;
    row.request_id = req.request_id;
    if (const RequestUsage* u = res.usage.get()) {
      row.model = u->model;
      row.version = u->version;
      row.prompt_tokens = u->prompt_tokens;
      row.completion_tokens = u->completion_tokens;
      row.items = u->items;
    }
    if (!row.model.empty()) {
      registry::Prices p = prices.prices(row.model);
      // Failed calls pay for the tokens they used, not the per-call price.
      row.cost_usd = p.cost(row.prompt_tokens, row.completion_tokens) - (res.status >= 400 ? p.per_call : 0);
    }
    if (!row.key_name.empty()) {
      limiter.charge(row.key_name, row.prompt_tokens + row.completion_tokens, row.cost_usd);
      std::optional<registry::ApiKey> key = keys.by_name(row.key_name);
      if (key && key->log_requests) {
        recorder.record_log({row.time_ms, row.key_name, row.request_id, row.route, row.status, redact_body(req.body),
                             res.stream ? std::string() : redact_body(res.body)});
      }
    }
    recorder.record(std::move(row));
  };
}

}  // namespace maas::serving::usage
