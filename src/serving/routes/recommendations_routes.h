// The Recommender capability's routes: POST /v1/recommendations, GET
// /v1/items/{id}/similar?model=M&k=K, POST /v1/feedback.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_recommendations_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
