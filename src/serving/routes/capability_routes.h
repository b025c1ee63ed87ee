// Routes every family with the capability serves: /v1/classifications (Classifier),
// /v1/explanations (Explainer); and the routes families declare for themselves
// (ModelFamily::routes), mounted with the same routing, lifecycle and usage.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_capability_routes(Router& router, ServingContext& ctx);
void add_family_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
