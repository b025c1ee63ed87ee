// Small llama / qwen2 models with random weights, written with GgufWriter, for
// comparing the engine against the reference forward (ref_forward.h).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "tensor/dtype.h"

namespace maas::testing {

struct RandomModelSpec {
  std::string arch = "llama";  // "llama" or "qwen2" (qwen2 gets Q/K/V biases)
  int n_vocab = 96;
  int n_embd = 64;
  int n_layer = 2;
  int n_head = 4;
  int n_head_kv = 2;
  int n_ff = 96;
  int n_ctx = 128;
  int n_rot = 0;  // 0 = the whole head
  bool tied = false;  // no output.weight
  tensor::DType type = tensor::DType::kF32;  // type of the 2-D weights
  uint64_t seed = 1;
};

// Writes the model, with a tiny SentencePiece-style vocabulary (<unk> <s> </s>, the 256
// byte tokens when n_vocab allows, then words).
Status write_random_model(const std::string& path, const RandomModelSpec& spec);

}  // namespace maas::testing
