// Admin API for usage and prices (admin key needed when auth is on):
//   GET /admin/v1/usage?key=&model=&since=&until=&group_by=day|key|model
//       calls, errors, tokens, items and cost (since/until: YYYY-MM-DD or RFC 3339 UTC)
//   GET /admin/v1/request-log?key=&limit=   redacted bodies of keys with log_requests
//   GET /admin/v1/models/{name}/prices, PUT the same with
//       {"input_per_1k": USD, "output_per_1k": USD, "per_call": USD}
#pragma once

#include "registry/store.h"
#include "registry/usage_store.h"
#include "serving/http/router.h"
#include "serving/usage/price_book.h"
#include "serving/usage/usage_recorder.h"

namespace maas::serving::usage {

struct UsageRouteDeps {
  registry::Registry& registry;
  registry::UsageStore& store;
  UsageRecorder& recorder;
  PriceBook& prices;
  int max_json_depth = 64;
};

void add_usage_routes(Router& router, UsageRouteDeps deps);

}  // namespace maas::serving::usage
