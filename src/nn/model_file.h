// The trained MLP as one GGUF file (general.architecture "mlp"): the schema under mlp.*
// keys (columns, kinds, statistics, categories, labels, target, baseline), the layers
// as F32 tensors "layer.<l>.weight" (GGUF dims {in, out}) and "layer.<l>.bias" ({out}).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "nn/network.h"
#include "nn/schema.h"

namespace maas::llm {
class GgufFile;
}

namespace maas::nn {

inline constexpr const char* kArchitecture = "mlp";

struct MlpArtifact {
  Schema schema;
  Network<float> net;
  nlohmann::json train_options = nlohmann::json::object();  // as trained (for the record)
};

// Written atomically (temp file + rename).
Status save_mlp(const std::string& path, const MlpArtifact& model);
// Reads and checks everything: keys, shapes chaining from the schema's width to its
// outputs, finite weights. Errors name the key or tensor.
Result<MlpArtifact> load_mlp(const llm::GgufFile& file);
Result<MlpArtifact> load_mlp(const std::string& path);

}  // namespace maas::nn
