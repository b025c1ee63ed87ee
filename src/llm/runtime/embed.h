// Sentence embeddings from a decoder model: the mean over the tokens of the final
// normalised hidden state (llama.cpp's "mean" pooling), optionally L2-normalised.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace maas::llm {

class Model;

// One vector of n_embd floats per input, all computed in one forward step (inputs are
// separate sequences of one batch, each in its own temporary KV slot).
Result<std::vector<std::vector<float>>> mean_pooled_embeddings(Model& model,
                                                               const std::vector<std::vector<int32_t>>& inputs,
                                                               bool normalize = true);

}  // namespace maas::llm
