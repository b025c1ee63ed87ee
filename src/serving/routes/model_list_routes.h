// GET /v1/models and GET /v1/models/{id} in the OpenAI list format, from the registry.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_model_list_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
