// Refuses a request whose key is over a limit with 429: `rate_limit_exceeded` (rpm,
// tpm; Retry-After = whole seconds until the bucket admits again) or
// `insufficient_quota` (budget spent; no Retry-After, a budget does not refill).
// Runs after the auth middleware (reads the key it set).
#pragma once

#include <functional>
#include <string>

#include "serving/auth/key_cache.h"
#include "serving/auth/rate_limiter.h"
#include "serving/http/server.h"

namespace maas::serving::auth {

// Called for each refusal (metrics): key name and reason.
using RefusalSink = std::function<void(const std::string& key, const std::string& reason)>;

Middleware make_quota_middleware(KeyCache& keys, RateLimiter& limiter, RefusalSink on_refusal);

}  // namespace maas::serving::auth
