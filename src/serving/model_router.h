// Turns the `model` a request names ("name", "name:3", "name@alias") into a loaded
// model version: resolves it in the registry, applies the lifecycle (retired: 410 with
// the successor; deprecated: Deprecation/Sunset/Link headers), and acquires it from the
// model manager (loading on demand).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/family.h"
#include "serving/http/http_types.h"
#include "registry/types.h"
#include "serving/context.h"

namespace maas::serving {

struct RoutedModel {
  std::string requested;  // as the client named it (echoed as "model" in responses)
  registry::VersionInfo version;
  std::shared_ptr<LoadedModel> model;
  std::vector<std::pair<std::string, std::string>> headers;  // to add to the response
  std::vector<int64_t> shadows;  // versions that get a copy of this request (traffic table)
};

// `family` must match the version's family (else 400 naming the model's family).
// The request's `user` field (else its API key) keeps a caller on one version of a
// traffic split. Records the chosen version on `req` (routed_model/routed_version).
Result<RoutedModel> route_model(ServingContext& ctx, HttpRequest& req, const std::string& requested,
                                const std::string& family, const std::string& user);

}  // namespace maas::serving
