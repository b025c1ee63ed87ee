// Perplexity of a model on a token stream: exp(mean negative log-likelihood of each
// token given the ones before it), over consecutive windows of the context. The
// evaluation gate of the `llm` family.
#pragma once

#include <cstdint>
#include <span>

#include "core/status.h"

namespace maas::llm {

class Model;

struct PerplexityResult {
  double perplexity = 0;
  double mean_nll = 0;        // nats per token
  int64_t tokens_scored = 0;
  int64_t windows = 0;
};

// `tokens` is scored in windows of `window` tokens (0: min(context, 512)); the first
// token of each window is context only. `max_tokens` > 0 caps how many are scored.
Result<PerplexityResult> perplexity(Model& model, std::span<const int32_t> tokens, int64_t window = 0,
                                    int64_t max_tokens = 0);

}  // namespace maas::llm
