// Admin API for keys (admin key needed when auth is on):
//   POST /admin/v1/keys                  create; the answer holds the secret, once
//   GET  /admin/v1/keys                  list (never secrets)
//   GET  /admin/v1/keys/{name}
//   POST /admin/v1/keys/{name}/revoke    effective at once
//   POST /admin/v1/keys/{name}/rotate    new secret; the old one stops working
#pragma once

#include "registry/keys.h"
#include "serving/auth/key_cache.h"
#include "serving/http/router.h"

namespace maas::serving::auth {

void add_key_routes(Router& router, registry::KeyStore& store, KeyCache& cache, int max_json_depth);

// The JSON body of POST /admin/v1/keys as a NewKey (strict: unknown fields are errors).
Result<registry::NewKey> parse_new_key(const nlohmann::json& body);

}  // namespace maas::serving::auth
