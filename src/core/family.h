// The model-family plug-in interface (TF Serving's Loader): a family knows how to check,
// size, load, evaluate and (for families that train) train one kind of model. Adding a
// family is adding a folder that implements this and one line in the family table
// (serving/families.cpp). Nothing else changes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

// An immutable, content-addressed model file plus its registry metadata.
struct Artifact {
  std::string path;
  std::string sha256;
  std::string format;  // "gguf", ...
  uint64_t size_bytes = 0;
  nlohmann::json params = nlohmann::json::object();
};

struct LoadOptions {
  int threads = 0;         // 0: all cores
  int context_length = 0;  // 0: the model's own
  int max_sequences = 16;  // concurrent sequences a loaded LLM serves
  int max_queue = 64;      // requests waiting for a sequence slot before 429
  int step_token_budget = 256;  // tokens per forward step (prompt chunking)
  bool kv_cache_f16 = false;    // half the KV-cache memory, slightly less exact
};

// What `load` returns. Family-specific serving code downcasts to its own type.
class LoadedModel {
 public:
  virtual ~LoadedModel() = default;
  virtual std::string family() const = 0;
  // Bytes this model holds (weights + caches), for the manager's memory budget.
  virtual uint64_t memory_bytes() const = 0;
  // Live serving figures for the admin API and metrics (e.g. queue depth, KV use).
  virtual nlohmann::json stats() const { return nlohmann::json::object(); }
};

// A held-out data set and how to score on it.
struct EvalSpec {
  std::string data_path;
  nlohmann::json options = nlohmann::json::object();  // family-specific (e.g. max_tokens)
};

// Metric name -> value, plus which direction is better for each.
struct Metrics {
  nlohmann::json values = nlohmann::json::object();          // {"perplexity": 12.3}
  nlohmann::json higher_is_better = nlohmann::json::object();  // {"perplexity": false}
};

struct TrainSpec {
  std::string data_path;
  std::string output_path;
  nlohmann::json params = nlohmann::json::object();
};

class ModelFamily {
 public:
  virtual ~ModelFamily() = default;
  virtual std::string name() const = 0;
  // Strict; the error names what is wrong with the file.
  virtual Status validate(const Artifact& artifact) const = 0;
  // An upper bound on the bytes `load` will hold.
  virtual Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions& options) const = 0;
  virtual Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions& options) const = 0;
  virtual Result<Metrics> evaluate(LoadedModel& model, const EvalSpec& spec) const = 0;
  virtual bool can_train() const { return false; }
  virtual Result<Artifact> train(const TrainSpec&) const {
    return Status(Code::kUnimplemented, "family '" + name() + "' does not train");
  }
};

}  // namespace maas
