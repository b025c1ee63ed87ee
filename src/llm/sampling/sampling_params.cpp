#include "llm/sampling/sampling_params.h"

#include <cmath>

namespace maas::llm {

Status validate_sampling(const SamplingParams& p, int64_t n_vocab) {
  if (!(p.temperature >= 0) || p.temperature > 100) return invalid_argument("temperature {} must be in [0, 100]", p.temperature);
  if (p.top_k < 0) return invalid_argument("top_k {} must be >= 0", p.top_k);
  if (!(p.top_p > 0 && p.top_p <= 1)) return invalid_argument("top_p {} must be in (0, 1]", p.top_p);
  if (!(p.min_p >= 0 && p.min_p <= 1)) return invalid_argument("min_p {} must be in [0, 1]", p.min_p);
  if (!(p.repeat_penalty > 0) || !std::isfinite(p.repeat_penalty))
    return invalid_argument("repeat_penalty {} must be positive", p.repeat_penalty);
  if (!(std::fabs(p.presence_penalty) <= 2)) return invalid_argument("presence_penalty {} must be in [-2, 2]", p.presence_penalty);
  if (!(std::fabs(p.frequency_penalty) <= 2)) return invalid_argument("frequency_penalty {} must be in [-2, 2]", p.frequency_penalty);
  if (p.penalty_last_n < -1) return invalid_argument("penalty_last_n {} must be >= -1", p.penalty_last_n);
  if (p.n_probs < 0 || p.n_probs > 20) return invalid_argument("n_probs {} must be in [0, 20]", p.n_probs);
  for (const auto& [token, bias] : p.logit_bias) {
    if (token < 0 || token >= n_vocab) return invalid_argument("logit_bias token {} is outside the vocabulary of {}", token, n_vocab);
    if (std::isnan(bias)) return invalid_argument("logit_bias for token {} is not a number", token);
  }
  return Status::ok();
}

}  // namespace maas::llm
