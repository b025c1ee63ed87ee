// Training as the platform runs it: a family's `train` reads TrainSpec, reports progress
// and checks for cancellation through TrainMonitor, writes its artifact to
// `output_path`, and returns what the registry records. The platform owns everything
// else: the progress bar or job state, hashing the data, registering the version, and
// removing the output when training fails or is cancelled.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

// A snapshot of a training run; fields left at their defaults are not shown.
struct TrainProgress {
  std::string phase = "train";  // "load", "train", "validate", "save", ...
  int64_t epoch = 0, epochs = 0;  // 1-based epoch of `epochs`
  int64_t step = 0, steps = 0;    // work done of the whole run (any unit), for the ETA
  double loss = NAN;
  std::string metric;             // e.g. "val_accuracy"
  double metric_value = NAN;
  double items_per_second = 0;
  std::string unit = "items";     // "samples", "words", "tokens", "ratings"
};

class TrainMonitor {
 public:
  virtual ~TrainMonitor() = default;
  virtual void progress(const TrainProgress& p) = 0;
  virtual void log(const std::string& line) = 0;
  // True once the job was cancelled: `train` should stop at the next step and return
  // a kCancelled status.
  virtual bool cancelled() const = 0;
};

struct TrainSpec {
  std::string data_path;        // the main training data file
  nlohmann::json options;       // the family's train_options, resolved with defaults
  std::string output_path;      // write the artifact here (the platform removes it on failure)
  TrainMonitor* monitor = nullptr;  // never null when called by the platform
};

struct TrainResult {
  std::string format = "gguf";  // of the artifact written to output_path
  nlohmann::json metrics = nlohmann::json::object();          // e.g. validation figures
  nlohmann::json higher_is_better = nlohmann::json::object();  // direction of each metric
  nlohmann::json params = nlohmann::json::object();           // recorded on the version
};

// A monitor that ignores progress and is never cancelled (library callers, tests).
class NullTrainMonitor final : public TrainMonitor {
 public:
  void progress(const TrainProgress&) override {}
  void log(const std::string&) override {}
  bool cancelled() const override { return false; }
};

}  // namespace maas
