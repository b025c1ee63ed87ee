// The request observer that meters usage: for every finished request on a non-public
// route it queues one usage row (key, model, version, route, tokens, items, latency,
// status, cost at the current price), charges the key's token bucket and spend, and —
// only for keys created with log_requests — queues the redacted request and response
// bodies. Nothing here touches the database on the request thread.
#pragma once

#include "serving/auth/key_cache.h"
#include "serving/auth/rate_limiter.h"
#include "serving/http/server.h"
#include "serving/usage/price_book.h"
#include "serving/usage/usage_recorder.h"

namespace maas::serving::usage {

RequestObserver make_usage_observer(UsageRecorder& recorder, PriceBook& prices, auth::RateLimiter& limiter,
                                    auth::KeyCache& keys);

}  // namespace maas::serving::usage
