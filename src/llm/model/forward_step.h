// The building blocks of one forward pass over a batch, for the architecture files to
// compose (see arch/llama.cpp). Every block works on all tokens of the batch at once:
// activations are n_tokens x width row-major, and a weight matrix is applied to all of
// them in one matmul, so the weights are read once per step however many sequences the
// batch carries. Only attention is per sequence, over that sequence's own KV cache.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "llm/model/hparams.h"
#include "llm/runtime/batch.h"
#include "llm/runtime/kv_cache.h"
#include "tensor/ops.h"

namespace maas::llm {

// n_tokens rows of `width` floats.
struct Activations {
  int64_t n_tokens = 0;
  int64_t width = 0;
  std::vector<float> data;
  float* row(int64_t t) { return data.data() + t * width; }
  const float* row(int64_t t) const { return data.data() + t * width; }
};

class ForwardStep {
 public:
  // `batch` must have been validated against `cache` (Model::forward does).
  // `rope_freqs` (may be empty) divides the rotation frequency of each dimension pair.
  ForwardStep(const Hparams& hp, const std::vector<float>& rope_freqs, const Batch& batch, KvCache& cache,
              tensor::ThreadPool& pool, ForwardResult* out);

  int64_t n_tokens() const { return n_tokens_; }
  Activations activations(int64_t width) const;

  // x[t] = token_embd[token t]
  void embed(const tensor::Matrix& token_embd, Activations& x) const;
  // out[t] = x[t] / rms(x[t]) * weight
  void rmsnorm(const Activations& x, const std::vector<float>& weight, Activations& out) const;
  // y[t] = W x[t]
  void matmul(const tensor::Matrix& w, const Activations& x, Activations& y);
  // y_i[t] = W_i x[t] for matrices sharing the input (Q/K/V, gate/up): one call, x
  // converted once, the rows of all of them split over the threads together.
  void matmuls(const Activations& x, std::initializer_list<std::pair<const tensor::Matrix*, Activations*>> outs);
  // y[t] += W x[t]  (residual connections)
  void matmul_add(const tensor::Matrix& w, const Activations& x, Activations& y);
  // y[t] += b
  void add_bias(Activations& y, const std::vector<float>& b) const;
  // Rotates each of the n_heads heads of x[t] by token t's position.
  void rope(Activations& x, int64_t n_heads) const;
  // Writes k and v into each sequence's cache, then for every token and query head:
  // out = softmax(q·K^T / sqrt(head_dim)) V over the sequence's positions up to the
  // token's own (causal), with query head h reading KV head h / (n_head / n_head_kv).
  void attention(int layer, const Activations& q, const Activations& k, const Activations& v, Activations& out);
  // gate[t] = silu(gate[t]) * up[t]
  void swiglu(Activations& gate, const Activations& up) const;
  // Final norm, then the logits rows the batch asked for (and hidden states if asked).
  void output(const Activations& x, const std::vector<float>& norm, const tensor::Matrix& w_out);

 private:


  const Hparams& hp_;
  const Batch& batch_;
  KvCache& cache_;
  tensor::ThreadPool& pool_;
  ForwardResult* out_;
  int64_t n_tokens_ = 0;
  std::vector<int64_t> first_token_;  // per sequence
  std::vector<int64_t> pos_;          // per token
  std::vector<uint32_t> seq_of_;      // per token: its sequence's index in the batch
  std::vector<float> rope_cos_, rope_sin_;  // n_tokens x n_rot/2
  Activations scratch_;
};

}  // namespace maas::llm
