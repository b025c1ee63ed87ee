// Training and evaluation as background jobs: POST /admin/v1/train, GET /admin/v1/jobs,
// GET /admin/v1/jobs/{id}, POST /admin/v1/jobs/{id}/cancel.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_job_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
