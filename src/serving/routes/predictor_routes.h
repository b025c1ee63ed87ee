// Routes of the Predictor capability (core/capability/predictor.h):
//  - the Open Inference Protocol v2 as KServe and Triton speak it over HTTP/JSON:
//    GET /v2, GET /v2/health/live, GET /v2/health/ready,
//    GET /v2/models/{m}[/versions/{v}] (metadata: inputs/outputs names, datatypes, shapes),
//    GET /v2/models/{m}[/versions/{v}]/ready, POST /v2/models/{m}[/versions/{v}]/infer.
//    Errors are OIP bodies {"error": "..."} (400 for a bad request, 404 for no model).
//  - POST /v1/predictions {"model", "inputs": [{column: value}]} -> {"predictions": [...]}
//    (OpenAI-style errors, like the other /v1 routes).
// Both go through route_model: traffic splits, lifecycle headers, keys, quotas, usage.
#pragma once

#include <functional>

#include "serving/context.h"
#include "serving/http/router.h"
#include "serving/routes/health_routes.h"

namespace maas::serving {

void add_predictor_routes(Router& router, ServingContext& ctx, std::function<Readiness()> readiness);

}  // namespace maas::serving
