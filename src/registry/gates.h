// Evaluation gates as pure code (no I/O): does a candidate version's evaluation meet the
// model's thresholds, and does it not regress past the production version evaluated on
// the same data? The orchestration (loading, evaluating, transitions) is in
// serving/lifecycle/evaluation.h.
//
// Thresholds are a JSON object of numbers:
//   "min_<metric>"   the candidate's <metric> must be >= the bound
//   "max_<metric>"   the candidate's <metric> must be <= the bound
//   "max_regression" relative tolerance against production (default 0: no worse than
//                    production), applied to every metric that has a direction
//   "regression_metrics" optional list of metric names: compare only these with
//                    production (e.g. ["perplexity"] when mean_nll, its log, should
//                    not be held to the same relative tolerance)
// e.g. {"max_perplexity": 30, "min_accuracy": 0.8, "max_regression": 0.05}.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/family.h"
#include "core/status.h"

namespace maas::registry {

inline constexpr const char* kMaxRegression = "max_regression";
inline constexpr const char* kRegressionMetrics = "regression_metrics";

// One bound of the thresholds object.
struct ThresholdBound {
  std::string key;     // "max_perplexity"
  std::string metric;  // "perplexity"
  bool is_max = false;
  double bound = 0;
};

struct ParsedThresholds {
  std::vector<ThresholdBound> bounds;  // in key order
  double max_regression = 0;
  std::optional<std::vector<std::string>> regression_metrics;  // absent: every metric with a direction
};

// Errors (kInvalidArgument) name the offending key: not an object, a key that is not
// min_<metric>/max_<metric>/max_regression/regression_metrics, a value that is not a
// finite number, a negative max_regression, regression_metrics not a list of names.
Result<ParsedThresholds> parse_thresholds(const nlohmann::json& thresholds);

enum class CheckKind { kThreshold, kRegression };
const char* check_kind_name(CheckKind kind);

struct GateCheck {
  std::string metric;
  CheckKind kind = CheckKind::kThreshold;
  std::string rule;                  // "max_perplexity", "min_accuracy", "max_regression"
  std::optional<double> candidate;   // absent: the evaluation did not report the metric
  std::optional<double> bound;       // the value the candidate was held to
  std::optional<double> baseline;    // regression: production's value
  bool passed = false;
  std::string message;               // why it passed or failed, one line
};

struct GateReport {
  bool passed = false;
  std::vector<GateCheck> checks;
  std::string summary;  // one line: the verdict and every failed check (or every check)
};

// What the candidate is compared against.
struct Baseline {
  std::string label;  // "production v1"
  Metrics metrics;    // evaluated on the same data as the candidate
};

// Applies the thresholds, then (when a baseline is given) the regression check to every
// metric with a direction in either side's higher_is_better (or those regression_metrics
// names; one with no direction fails its check). A metric a threshold or
// the baseline needs but the candidate did not report fails its check; a non-finite
// candidate value fails too. With no checks at all the gate passes, and says so.
Result<GateReport> apply_gates(const Metrics& candidate, const nlohmann::json& thresholds, const Baseline* baseline);

nlohmann::json to_json(const GateCheck& check);
nlohmann::json to_json(const GateReport& report);

}  // namespace maas::registry
