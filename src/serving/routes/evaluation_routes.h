// The evaluation gate over the admin API:
//   POST /admin/v1/models/{name}/versions/{version}/evaluate  {"data": FILE, "max_tokens": N, "window": N}
//        -> 200 with the report (passed, checks, new stage) whether the gate passed or not
//   GET  /admin/v1/models/{name}/thresholds
//   PUT  /admin/v1/models/{name}/thresholds  body = the thresholds object
// The actor is the X-Maas-Actor header (default "http").
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_evaluation_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
