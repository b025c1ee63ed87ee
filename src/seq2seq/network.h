// The encoder-decoder's forward and backward passes for a padded batch, written out step
// by step on tensor::gemm. Sequences are stored time-major (row t*rows + b is step t of
// sequence b); the encoder outputs are regrouped batch-major for attention.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "seq2seq/layout.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::seq2seq {

inline constexpr int32_t kPad = 0, kUnk = 1, kBos = 2, kEos = 3;

// A padded batch of token-id pairs.
struct Batch {
  int64_t rows = 0, src_steps = 0, tgt_steps = 0;
  std::vector<int32_t> src;      // src_steps*rows, kPad past a sequence's end
  std::vector<int32_t> src_len;  // rows
  std::vector<int32_t> tgt_in;   // tgt_steps*rows: BOS y1 .. y_n (kPad after)
  std::vector<int32_t> tgt_out;  // tgt_steps*rows: y1 .. y_n EOS (-1 after)
  int64_t target_tokens = 0;     // non-padding entries of tgt_out
};
Batch make_batch(const std::vector<const std::vector<int32_t>*>& sources,
                 const std::vector<const std::vector<int32_t>*>& targets);

// What the decoder reads from the encoder.
struct Encoded {
  int64_t rows = 0, steps = 0;
  std::vector<int32_t> src_len;
  std::vector<float> values;  // rows x steps x 2H: encoder outputs
  std::vector<float> keys;    // rows x steps x H: values W_a^T
  std::vector<float> h0;      // rows x H: the decoder's first state
};

// The encoder for inference (no dropout). `src` is time-major steps*rows.
Encoded encode(const Layout& l, const float* p, const std::vector<int32_t>& src, const std::vector<int32_t>& src_len,
               int64_t rows, int64_t steps, tensor::ThreadPool* pool);

// The decoder's state between steps: GRU state and the attentional state fed back.
struct DecoderState {
  std::vector<float> h;     // rows x H
  std::vector<float> feed;  // rows x H
};
DecoderState initial_state(const Layout& l, const Encoded& enc);

// One decoder step for inference: `prev` tokens (rows) -> log-probabilities
// (rows x Vt) and attention weights (rows x steps); advances `state`.
void decode_step(const Layout& l, const float* p, const Encoded& enc, const int32_t* prev, DecoderState& state,
                 std::vector<float>& logprobs, std::vector<float>& attention, tensor::ThreadPool* pool);

// How a training batch is run.
struct TrainSettings {
  float dropout = 0.0f;          // on embeddings, encoder layer inputs and the output layer's input
  float teacher_forcing = 1.0f;  // probability of feeding the reference token (else the argmax)
  uint64_t seed = 0;             // with `counter`, picks dropout masks and sampling coins
  uint64_t counter = 0;
};

struct LossSum {
  double nll = 0;      // summed negative log-likelihood of the target tokens
  int64_t tokens = 0;  // target tokens scored
};

// The buffers of a training pass, kept from batch to batch so that a step allocates
// (and faults in) no memory once the largest batch has been seen.
class Workspace {
 public:
  Workspace();
  ~Workspace();
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Forward and backward: g (same layout as p) += d(mean NLL per target token)/dp.
LossSum forward_backward(const Layout& l, const float* p, float* g, const Batch& batch, const TrainSettings& settings,
                         Workspace& ws, tensor::ThreadPool* pool);
// Forward only, teacher-forced, no dropout (validation loss).
LossSum batch_loss(const Layout& l, const float* p, const Batch& batch, Workspace& ws, tensor::ThreadPool* pool);
// The same with a workspace of their own (tests, one-off calls).
LossSum forward_backward(const Layout& l, const float* p, float* g, const Batch& batch, const TrainSettings& settings,
                         tensor::ThreadPool* pool);
LossSum batch_loss(const Layout& l, const float* p, const Batch& batch, tensor::ThreadPool* pool);
// The loss forward_backward differentiates, with the same dropout masks and sampling
// coins (for checking gradients with dropout on).
LossSum training_loss(const Layout& l, const float* p, const Batch& batch, const TrainSettings& settings,
                      tensor::ThreadPool* pool);

}  // namespace maas::seq2seq
