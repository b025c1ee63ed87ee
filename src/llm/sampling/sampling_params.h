// What a request asks of the sampler (OpenAI and llama.cpp parameters).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/status.h"

namespace maas::llm {

struct SamplingParams {
  float temperature = 0.8f;      // 0 = greedy (argmax)
  int32_t top_k = 40;            // keep the k most likely; 0 = off
  float top_p = 0.95f;           // keep the smallest set with this much probability; 1 = off
  float min_p = 0.05f;           // drop tokens below min_p x the top probability; 0 = off
  float repeat_penalty = 1.0f;   // llama.cpp: divides positive logits of seen tokens; 1 = off
  float presence_penalty = 0.0f;   // OpenAI: minus this once for every seen token
  float frequency_penalty = 0.0f;  // OpenAI: minus this times the token's count
  int32_t penalty_last_n = 64;     // how many recent tokens the penalties look at; -1 = all
  std::vector<std::pair<int32_t, float>> logit_bias;  // added to the logit of the token
  std::optional<uint64_t> seed;  // same seed + same input = same output; unset = random
  int32_t n_probs = 0;           // also report the n most likely alternatives (0..20)
  bool logprobs = true;          // report the chosen token's log-probability (a pass over
                                 // the vocabulary per token; servers ask only when needed)
};

// Checks ranges (negative temperature, top_p outside (0, 1], bias ids outside the
// vocabulary, ...); errors name the parameter.
Status validate_sampling(const SamplingParams& p, int64_t n_vocab);

}  // namespace maas::llm
