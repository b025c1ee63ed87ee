// One training run from request to registered version, shared by `maas train` (CLI,
// foreground) and the server's training jobs: resolve the family's options, check and
// hash the data, train into a temp file, register the file as a new version with its
// parameters, metrics, data digest and training time (one transaction), and leave
// nothing behind when anything fails or the run is cancelled.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/family.h"
#include "core/status.h"
#include "registry/store.h"
#include "serving/family_table.h"

namespace maas::serving {

struct TrainRequest {
  std::string family;
  std::string name;       // model name (created on the first version)
  std::string data_path;  // the main training data
  nlohmann::json options = nlohmann::json::object();  // the family's options, unresolved
  std::string description;
  std::string actor = "cli";
};

struct TrainOutcome {
  registry::VersionInfo version;
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json options = nlohmann::json::object();  // resolved, as recorded
  std::string data_sha256;
  double seconds = 0;
};

// Checks everything that can be checked before training starts (family, name, data
// file, options): a bad request fails fast and changes nothing.
Result<nlohmann::json> check_train_request(registry::Registry& registry, const FamilyTable& families,
                                           const TrainRequest& request);

Result<TrainOutcome> train_and_register(registry::Registry& registry, const FamilyTable& families,
                                        const TrainRequest& request, TrainMonitor& monitor);

nlohmann::json to_json(const TrainOutcome& outcome);

}  // namespace maas::serving
