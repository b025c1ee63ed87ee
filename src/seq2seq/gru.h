// One GRU cell step for a batch, forward and backward, in PyTorch's gate order (r, z, n):
//   r  = sigmoid(x W_ir + b_ir + h W_hr + b_hr)
//   z  = sigmoid(x W_iz + b_iz + h W_hz + b_hz)
//   n  = tanh(x W_in + b_in + r * (h W_hn + b_hn))
//   h' = (1 - z) * n + z * h
// The input part gi = x W_ih^T + b_ih is computed by the caller (for a whole sequence at
// once when it can); rows that are not `active` (padding) carry h unchanged.
#pragma once

#include <cstdint>
#include <vector>

namespace maas::tensor {
class ThreadPool;
}

namespace maas::seq2seq {

struct GruWeights {
  const float* w_ih = nullptr;  // [3H x in]
  const float* w_hh = nullptr;  // [3H x H]
  const float* b_ih = nullptr;  // [3H]
  const float* b_hh = nullptr;  // [3H]
  int64_t in = 0, hidden = 0;
};

struct GruGrads {
  float* w_ih = nullptr;
  float* w_hh = nullptr;
  float* b_ih = nullptr;
  float* b_hh = nullptr;
};

// Values one step keeps for its backward pass, per row: r, z, n and gh_n = h W_hn + b_hn.
inline constexpr int64_t kGruCachePerHidden = 4;

// h_new = GRU(gi, h_prev) for `rows` rows. `cache` is rows x 4H. `active` may be null
// (all rows active). `gh` is scratch of rows x 3H.
void gru_step_forward(const GruWeights& w, int64_t rows, const float* gi, const float* h_prev, const uint8_t* active,
                      float* h_new, float* cache, float* gh, tensor::ThreadPool* pool);

// Given dh_new, writes dgi and dgh (rows x 3H; zero for inactive rows) and sets
// dh_prev = dL/dh_prev (the carry through z, plus dgh W_hh). The weight gradients are
// the caller's: dW_hh += dgh^T h_prev, db_hh += sum dgh, dW_ih += dgi^T x, db_ih += sum dgi.
void gru_step_backward(const GruWeights& w, int64_t rows, const float* h_prev, const float* cache,
                       const uint8_t* active, const float* dh_new, float* dgi, float* dgh, float* dh_prev,
                       tensor::ThreadPool* pool);

// A whole direction of a (bidirectional) encoder layer over time-major input
// x [steps*rows x in] (row t*rows+b is step t of sequence b). `reverse` runs from the
// last step to the first. Outputs y [steps*rows x H] (zero where inactive).
struct GruSequenceCache {
  std::vector<float> h_prev;  // steps*rows x H: the state each step started from
  std::vector<float> gates;   // steps*rows x 4H
  // Scratch, kept to reuse its memory from batch to batch.
  std::vector<float> gi, gh, h, h_next, dgi, dgh, dh, dh_prev, dh_new;
};
void gru_sequence_forward(const GruWeights& w, int64_t steps, int64_t rows, const float* x, const uint8_t* active,
                          bool reverse, float* y, GruSequenceCache& cache, tensor::ThreadPool* pool);
// dy [steps*rows x H] in; weight gradients added to g; dx [steps*rows x in] += .
void gru_sequence_backward(const GruWeights& w, const GruGrads& g, int64_t steps, int64_t rows, const float* x,
                           const uint8_t* active, bool reverse, GruSequenceCache& cache, const float* dy,
                           float* dx, tensor::ThreadPool* pool);

// Adds the column sums of m [rows x cols] to out [cols] (bias gradients), in row order.
void add_column_sums(const float* m, int64_t rows, int64_t cols, float* out);

}  // namespace maas::seq2seq
