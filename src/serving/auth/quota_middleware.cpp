#include "serving/auth/quota_middleware.h"

#include <cmath>

#include "serving/auth/auth_middleware.h"
#include "serving/http/errors.h"

namespace maas::serving::auth {

Middleware make_quota_middleware(KeyCache& keys, RateLimiter& limiter, RefusalSink on_refusal) {
  return [&keys, &limiter, on_refusal](HttpRequest& req, const Route&) -> std::optional<HttpResponse> {
    std::string name = req.header(kKeyHeader);
    if (name.empty()) return std::nullopt;  // public route or auth off
    std::optional<registry::ApiKey> key = keys.by_name(name);
    if (!key) return std::nullopt;
    Admission a = limiter.admit(*key);
    if (a.allowed) return std::nullopt;
    if (on_refusal) on_refusal(name, a.reason);
    if (a.reason == "budget") {
      HttpResponse r = error_response(429, a.message, "", "insufficient_quota");
      r.headers.erase("Retry-After");
      return r;
    }
    HttpResponse r = error_response(429, a.message, "", "rate_limit_exceeded");
    r.headers.erase("Retry-After");
    r.set_header("Retry-After", std::to_string(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(a.retry_after_seconds)))));
    return r;
  };
}

}  // namespace maas::serving::auth
