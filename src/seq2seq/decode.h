// Decoding: greedy (many sources at once, batched) and beam search (one source, the
// beams as the batch), with GNMT's length penalty lp(Y) = ((5 + |Y|) / 6)^alpha, score =
// log P(Y | X) / lp(Y), and a maximum length relative to the source. A beam search's
// answer is never below the greedy one by the same score: the greedy hypothesis competes
// in the final choice.
#pragma once

#include <cstdint>
#include <vector>

#include "seq2seq/layout.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::seq2seq {

struct DecodeOptions {
  int beam = 1;                   // 1: greedy
  double length_penalty = 0.0;    // alpha; 0: plain log-probability
  double max_length_ratio = 2.0;  // target tokens <= ratio * source tokens + extra
  int max_length_extra = 10;
  bool attention = false;         // keep the attention weights of every step
};

struct Hypothesis {
  std::vector<int32_t> tokens;  // without BOS; ends in EOS unless cut at the maximum length
  double log_prob = 0;          // sum of the model's log-probabilities of `tokens`
  double score = 0;             // log_prob / lp(|tokens|)
  // attention[i][j]: weight of source position j (its tokens, then EOS) for tokens[i].
  std::vector<std::vector<float>> attention;
};

double length_normalised(double log_prob, size_t length, double alpha);
int64_t max_target_length(int64_t source_tokens, const DecodeOptions& options);

std::vector<Hypothesis> greedy_decode(const Layout& l, const float* p, const std::vector<std::vector<int32_t>>& sources,
                                      const DecodeOptions& options, tensor::ThreadPool* pool);
Hypothesis beam_decode(const Layout& l, const float* p, const std::vector<int32_t>& source,
                       const DecodeOptions& options, tensor::ThreadPool* pool);
// Greedy when options.beam <= 1, else beam search per source.
std::vector<Hypothesis> translate_ids(const Layout& l, const float* p, const std::vector<std::vector<int32_t>>& sources,
                                      const DecodeOptions& options, tensor::ThreadPool* pool);

}  // namespace maas::seq2seq
