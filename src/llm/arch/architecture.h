// An architecture is one file (llama.cpp, qwen2.cpp, ...): its hyper-parameters, the
// names and shapes of its tensors, and its forward pass. registry.cpp lists them;
// adding an architecture is adding a file and one line there.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/model/forward_step.h"
#include "llm/model/hparams.h"
#include "llm/model/tensor_loader.h"
#include "llm/model/weights.h"

namespace maas::llm {

class GgufFile;

struct Architecture {
  std::string_view name;  // general.architecture
  Result<Hparams> (*read_hparams)(const GgufFile& file);
  // Finds and checks every tensor; also sets hp->n_vocab.
  Result<ModelWeights> (*load_weights)(const TensorLoader& tensors, Hparams* hp);
  void (*forward)(const Hparams& hp, const ModelWeights& w, ForwardStep& step);
};

// The architecture named `name`, or nullptr.
const Architecture* find_architecture(std::string_view name);
std::vector<std::string_view> architecture_names();

}  // namespace maas::llm
