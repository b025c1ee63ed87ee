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

// The version's family must offer `capability` (a core/capability kName; else 400
// naming what the model serves; empty: no check); `as<C>()` on the result's model
// then gives it.
// The request's `user` field (else its API key) keeps a caller on one version of a
// traffic split. Records the chosen version on `req` (routed_model/routed_version).
Result<RoutedModel> route_model(ServingContext& ctx, HttpRequest& req, const std::string& requested,
                                const std::string& capability, const std::string& user);

// The routed model as capability C (its family declared C::kName, so this holds).
template <class C>
Result<C*> capability_of(const RoutedModel& routed) {
  C* c = routed.model->as<C>();
  if (!c) return Status(Code::kInternal, fmt::format("model {}:{} does not implement '{}'", routed.version.model,
                                                     routed.version.version, C::kName));
  return c;
}

}  // namespace maas::serving
