// The lifecycle over the admin API: stage transitions, promote, deprecate (with sunset
// and successor), retire, rollback, and the traffic table (canary weights, shadows).
// Every call is one registry transaction with its audit row; the actor is the caller.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_lifecycle_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving
