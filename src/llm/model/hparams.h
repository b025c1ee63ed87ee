// Hyper-parameters of a decoder-only transformer, read from GGUF metadata keys
// "{arch}.embedding_length", "{arch}.block_count", ... (llama.cpp's names).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace maas::llm {

class GgufFile;

// How RoPE pairs the dimensions of a head (llama.cpp's rope modes).
enum class RopeStyle {
  kAdjacent,  // "normal": rotates (x[2i], x[2i+1]); llama
  kNeox,      // rotates (x[i], x[i + n_rot/2]); qwen2, gpt-neox
};

struct Hparams {
  std::string arch;            // general.architecture
  int64_t n_vocab = 0;         // rows of token_embd
  int64_t n_embd = 0;          // model width (dim)
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim = 0;        // {arch}.attention.key_length, else n_embd / n_head
  int64_t n_ff = 0;            // SwiGLU hidden width
  int64_t n_ctx_train = 0;     // {arch}.context_length
  int64_t n_rot = 0;           // {arch}.rope.dimension_count, else head_dim
  double rope_freq_base = 10000.0;
  double rope_freq_scale = 1.0;  // 1 / rope.scaling.factor for linear scaling
  RopeStyle rope_style = RopeStyle::kAdjacent;
  double rms_eps = 1e-5;

  int64_t q_dim() const { return n_head * head_dim; }
  int64_t kv_dim() const { return n_head_kv * head_dim; }
  int64_t heads_per_kv() const { return n_head / n_head_kv; }
};

// Reads the keys every llama-like architecture shares; n_vocab is left 0 (the
// architecture sets it from token_embd). Missing required keys and inconsistent values
// (n_head not a multiple of n_head_kv, odd n_rot, ...) are errors naming the key.
Result<Hparams> read_hparams(const GgufFile& file, const std::string& arch, RopeStyle style);

}  // namespace maas::llm
