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
#include "registry/types.h"
#include "serving/context.h"

namespace maas::serving {

struct RoutedModel {
  std::string requested;  // as the client named it (echoed as "model" in responses)
  registry::VersionInfo version;
  std::shared_ptr<LoadedModel> model;
  std::vector<std::pair<std::string, std::string>> headers;  // to add to the response
};

// `family` must match the version's family (else 400 naming the model's family).
// `sticky_key` (user field or API key) keeps a caller on one version of a traffic split.
Result<RoutedModel> route_model(ServingContext& ctx, const std::string& requested, const std::string& family,
                                const std::string& sticky_key);

}  // namespace maas::serving
