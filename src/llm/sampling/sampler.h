// Picks the next token of one sequence from its logits. Order (llama.cpp's chain):
// penalties and logit bias, then greedy argmax if temperature is 0, else top-k, top-p,
// min-p, temperature, and a draw from the sequence's own seeded RNG.
// Reported log-probabilities are those of the model's distribution after penalties
// and bias, before temperature and truncation.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <vector>

#include "llm/sampling/sampling_params.h"

namespace maas::llm {

struct TokenLogprob {
  int32_t token = 0;
  float logprob = 0;
};

struct SampledToken {
  int32_t token = 0;
  float logprob = 0;               // of the chosen token
  std::vector<TokenLogprob> top;   // n_probs most likely, most likely first
};

class Sampler {
 public:
  explicit Sampler(SamplingParams params);

  // Records a token of the sequence (prompt or generated) for the penalties.
  void accept(int32_t token);
  void accept(std::span<const int32_t> tokens);

  // Chooses the next token; does not accept it.
  SampledToken sample(std::span<const float> logits);

  // The logits after penalties and logit bias (what sample() starts from).
  std::vector<float> adjusted_logits(std::span<const float> logits) const;

 private:
  int32_t draw(const std::vector<float>& logits);

  SamplingParams p_;
  std::mt19937_64 rng_;
  std::deque<int32_t> recent_;  // the last penalty_last_n tokens (all if -1)
};

}  // namespace maas::llm
