// The tensors of a llama-like decoder. Matrices point into the mapped GGUF file (they
// stay quantized); 1-D tensors (norms, biases) are copied out as floats.
#pragma once

#include <vector>

#include "tensor/ops.h"

namespace maas::llm {

struct LayerWeights {
  std::vector<float> attn_norm;
  tensor::Matrix wq, wk, wv, wo;
  std::vector<float> bq, bk, bv;  // empty when the architecture has no QKV bias
  std::vector<float> ffn_norm;
  tensor::Matrix ffn_gate, ffn_up, ffn_down;
};

struct ModelWeights {
  tensor::Matrix token_embd;      // n_vocab rows of n_embd
  std::vector<float> output_norm;
  tensor::Matrix output;          // == token_embd when the embeddings are tied
  bool tied_output = false;
  std::vector<float> rope_freqs;  // optional per-dimension-pair frequency divisors
  std::vector<LayerWeights> layers;
};

}  // namespace maas::llm
