// The model-family plug-in contract (TF Serving's Loader). A family knows how to
// recognise, check, size, load, evaluate and (if it trains) train one kind of model;
// loaded models offer capabilities (core/capability/*.h) that routes ask for, so no
// code outside a family names it. Adding a family is adding a folder that implements
// this and one line in the family table (serving/families.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/options.h"
#include "core/status.h"
#include "core/train.h"

namespace maas {

// An immutable, content-addressed model file plus its registry metadata.
struct Artifact {
  std::string path;
  std::string sha256;
  std::string format;  // "gguf", "word2vec-text", ...
  uint64_t size_bytes = 0;
  nlohmann::json params = nlohmann::json::object();
};

// What the platform tells a family about a file it has not seen before, so each family
// can say whether it reads it (maas models import / POST /admin/v1/models).
struct FileProbe {
  std::string path;
  uint64_t size_bytes = 0;
  std::string head;               // the first bytes of the file (up to 64 KiB)
  std::string gguf_architecture;  // general.architecture when the file is GGUF, else ""
};

struct LoadOptions {
  int threads = 0;         // 0: all cores
  int context_length = 0;  // 0: the model's own
  int max_sequences = 16;  // concurrent sequences a loaded LLM serves
  int max_queue = 64;      // requests waiting for a sequence slot before 429
  int step_token_budget = 256;  // tokens per forward step (prompt chunking)
  bool kv_cache_f16 = false;    // half the KV-cache memory, slightly less exact
  // A directory this model version may keep state in across restarts (e.g. feedback a
  // recommender received); empty when the platform gives none (CLI, tests).
  std::string state_dir;
};

// What `load` returns. Routes ask for a capability with `as<Embedder>()` etc.; a model
// offers the capabilities its `find_capability` returns (see `offer` below).
class LoadedModel {
 public:
  virtual ~LoadedModel() = default;
  virtual std::string family() const = 0;
  // Bytes this model holds (weights + caches), for the manager's memory budget.
  virtual uint64_t memory_bytes() const = 0;
  // Live serving figures for the admin API (e.g. queue depth, KV use).
  virtual nlohmann::json stats() const { return nlohmann::json::object(); }
  // Live gauges for Prometheus (labelled by model and version by the platform).
  struct Gauge {
    std::string name;  // full metric name, e.g. "maas_active_sequences"
    std::string help;
    double value = 0;
  };
  virtual std::vector<Gauge> gauges() const { return {}; }

  // This model as capability C (core/capability/*.h), or nullptr.
  template <class C>
  C* as() {
    return static_cast<C*>(find_capability(typeid(C)));
  }

 protected:
  virtual void* find_capability(const std::type_info&) { return nullptr; }
};

// For find_capability: `return offer<Embedder, Classifier>(this, type);`
template <class... Caps, class Self>
void* offer(Self* self, const std::type_info& type) {
  void* found = nullptr;
  ((found = found ? found : (type == typeid(Caps) ? static_cast<void*>(static_cast<Caps*>(self)) : nullptr)), ...);
  return found;
}

// A held-out data set and how to score on it.
struct EvalSpec {
  std::string data_path;
  nlohmann::json options = nlohmann::json::object();  // the family's eval_options, resolved
};

// Metric name -> value, plus which direction is better for each.
struct Metrics {
  nlohmann::json values = nlohmann::json::object();            // {"perplexity": 12.3}
  nlohmann::json higher_is_better = nlohmann::json::object();  // {"perplexity": false}
};

// A route of a family's own: POST `path` with a JSON body naming "model"; the platform
// resolves the model (routing, lifecycle, keys, quotas, usage) and calls `handle` with
// the loaded model and the body. The answer is the response body.
struct FamilyRoute {
  std::string path;  // e.g. "/v1/echo"
  std::function<Result<nlohmann::json>(LoadedModel& model, const nlohmann::json& body)> handle;
};

class ModelFamily {
 public:
  virtual ~ModelFamily() = default;
  virtual std::string name() const = 0;
  // Capability names (core/capability/*.h kName) its loaded models offer.
  virtual std::vector<std::string> capabilities() const = 0;

  // The format name if this family reads the file, else nullopt. Cheap: the probe holds
  // the file's first bytes and, for GGUF, its architecture.
  virtual std::optional<std::string> detect(const FileProbe& probe) const = 0;
  // Strict; the error names what is wrong with the file. Reads metadata, not weights.
  virtual Status validate(const Artifact& artifact) const = 0;
  // An upper bound on the bytes `load` will hold, from metadata alone.
  virtual Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions& options) const = 0;
  virtual Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions& options) const = 0;

  // The options `evaluate` reads from EvalSpec::options (resolved with defaults).
  virtual OptionSpecs eval_options() const { return {}; }
  virtual Result<Metrics> evaluate(LoadedModel& model, const EvalSpec& spec) const = 0;

  // Families that train declare their options (empty: the family does not train).
  virtual OptionSpecs train_options() const { return {}; }
  bool can_train() const { return !train_options().empty(); }
  virtual Result<TrainResult> train(const TrainSpec&) const {
    return Status(Code::kUnimplemented, "family '" + name() + "' does not train");
  }

  // Routes of the family's own (most families need none: capability routes serve them).
  virtual std::vector<FamilyRoute> routes() const { return {}; }
};

}  // namespace maas
