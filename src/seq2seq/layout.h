// The network's weights: their shapes from the hyper-parameters and where each lives in
// one flat float buffer (so Adam, gradient clipping, checkpoints and the GGUF file all see
// one array). Gradients use the same layout.
//
//   src_emb [Vs x E], tgt_emb [Vt x E]
//   encoder: per layer a forward and a backward GRU (input E, then 2H)
//   init    [H x 2H] + [H]: decoder state = tanh(W mean_j enc_j + b)
//   decoder GRU, input [E ; H] (the embedding and the previous attentional state)
//   att     [H x 2H]: Luong general scores h . (W_a enc_j)
//   comb    [H x 3H] + [H]: attentional state = tanh(W_c [context ; h] + b_c)
//   out     [Vt x H] + [Vt]
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "seq2seq/gru.h"

namespace maas::seq2seq {

struct Hparams {
  int64_t src_vocab = 0, tgt_vocab = 0;
  int64_t embed = 64, hidden = 128, layers = 1;
};

struct TensorSlot {
  std::string name;
  int64_t rows = 0, cols = 0;  // cols contiguous; a bias is 1 x n
  size_t offset = 0;
  size_t size() const { return static_cast<size_t>(rows * cols); }
};

struct GruSlots {
  size_t w_ih = 0, w_hh = 0, b_ih = 0, b_hh = 0;
  int64_t in = 0;
};

struct Layout {
  Hparams hp;
  std::vector<TensorSlot> slots;  // in file order
  size_t total = 0;
  size_t src_emb = 0, tgt_emb = 0;
  std::vector<GruSlots> enc;  // [2 * layer] forward, [2 * layer + 1] backward
  GruSlots dec;
  size_t init_w = 0, init_b = 0, att_w = 0, comb_w = 0, comb_b = 0, out_w = 0, out_b = 0;

  static Layout make(const Hparams& hp);
  GruWeights gru(const float* p, const GruSlots& s) const {
    return {p + s.w_ih, p + s.w_hh, p + s.b_ih, p + s.b_hh, s.in, hp.hidden};
  }
  static GruGrads gru_grads(float* g, const GruSlots& s) { return {g + s.w_ih, g + s.w_hh, g + s.b_ih, g + s.b_hh}; }
};

// Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights, zero biases, N(0,1)*0.1 embeddings;
// deterministic for the seed.
std::vector<float> init_weights(const Layout& layout, uint64_t seed);

// Deterministic per-element randomness (dropout, scheduled sampling, shuffles): a
// uniform float in [0, 1) from (seed, stream, index), independent of threads.
float hash_uniform(uint64_t seed, uint64_t stream, uint64_t index);
uint64_t mix64(uint64_t x);

}  // namespace maas::seq2seq
