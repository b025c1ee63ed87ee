// The admin API under /admin/v1: import and inspect models, see what is loaded.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_admin_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
