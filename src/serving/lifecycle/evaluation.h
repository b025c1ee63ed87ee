// The evaluation gate end to end: evaluate a registered/testing version on a held-out
// data file through its family, store the metrics on the version, compare with the
// production version on the same data, and move the version to staging (gate passed)
// or rejected (gate failed) with the report's summary as the audit reason.
// Used by `maas models evaluate` and POST /admin/v1/models/{name}/versions/{v}/evaluate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/family.h"
#include "core/status.h"
#include "registry/gates.h"
#include "registry/store.h"
#include "serving/model_manager.h"

namespace maas::serving {

// Keys this code adds to a version's metrics next to the family's own values.
inline constexpr const char* kEvalDataSha256 = "eval_data_sha256";
inline constexpr const char* kEvalDataPath = "eval_data_path";
inline constexpr const char* kEvalOptions = "eval_options";
inline constexpr const char* kHigherIsBetter = "higher_is_better";

struct EvaluationReport {
  std::string model;
  int64_t version = 0;
  std::string data_path;
  std::string data_sha256;
  nlohmann::json options = nlohmann::json::object();     // the EvalSpec options used
  nlohmann::json thresholds = nlohmann::json::object();  // the model's, as applied
  Metrics metrics;                                        // the candidate's
  std::optional<int64_t> production_version;
  std::optional<Metrics> production_metrics;
  bool production_reused = false;  // stored metrics on the same data, not re-evaluated
  registry::GateReport gate;
  registry::Stage stage = registry::Stage::kTesting;  // the version's stage afterwards
};

// Runs the gate for `name:version`. The version must be registered or testing; a
// registered one first moves to testing (audited). Inputs are checked before anything
// changes (data file readable, thresholds valid, family known). If loading or
// evaluating fails the version stays in testing and the error is returned; metrics
// already computed stay recorded. Production's stored metrics are reused when they
// were computed on the same data (sha256) with the same options; otherwise production
// is evaluated too and its metrics recorded.
Result<EvaluationReport> evaluate_version(registry::Registry& registry, const FamilyTable& families,
                                          const std::string& name, int64_t version, const EvalSpec& spec,
                                          const std::string& actor);

// The family metrics plus direction, as recorded on a version (the inverse of what
// evaluate_version stores): numeric values only, bookkeeping keys dropped.
Metrics metrics_from_recorded(const nlohmann::json& recorded);

nlohmann::json to_json(const EvaluationReport& report);

}  // namespace maas::serving
