// What route handlers reach: the registry (what exists), the family table (how to
// load), and the model manager (what is loaded). Owned by Service; routes hold a
// reference for the server's lifetime.
#pragma once

#include <string>

#include "registry/store.h"
#include "serving/model_manager.h"
#include "serving/traffic.h"

namespace maas::serving {

struct ServingContext {
  registry::Registry& registry;
  const FamilyTable& families;
  ModelManager& models;
  TrafficCache& traffic;
  int max_json_depth = 64;
};

// The family's validator as a registry import check.
registry::Validator validator_for(const FamilyTable& families, const std::string& family);
// The manager's coordinates for a registry version.
LoadTarget load_target(const registry::VersionInfo& v);

}  // namespace maas::serving
