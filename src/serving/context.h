// What route handlers reach: the registry (what exists), the family table (how to
// load), and the model manager (what is loaded). Owned by Service; routes hold a
// reference for the server's lifetime.
#pragma once

#include <string>

#include "registry/store.h"
#include "serving/model_manager.h"
#include "serving/traffic.h"

namespace maas::serving {

class JobManager;

struct ServingContext {
  registry::Registry& registry;
  const FamilyTable& families;
  ModelManager& models;
  TrafficCache& traffic;
  int max_json_depth = 64;
  JobManager* jobs = nullptr;  // background training and evaluation jobs
};

// Imports a model file as a new version: the family and format come from the file
// (FamilyTable::detect); a family named in the request must agree. The family's
// validate runs before anything is stored; a corrupt file is the caller's bad input.
Result<registry::ImportResult> import_model_file(registry::Registry& registry, const FamilyTable& families,
                                                 registry::ImportRequest request,
                                                 const std::string& expected_family = "");
// The manager's coordinates for a registry version.
LoadTarget load_target(const registry::VersionInfo& v);

}  // namespace maas::serving
