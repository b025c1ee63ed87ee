// Constrained decoding to JSON: which tokens may come next, and a picker for the serving
// loop. Usage, once per generated token of a response_format {"type":"json_object"}
// request:
//
//   JsonConstraint json({.require_object = true});          // per sequence
//   ...
//   int32_t t = constrained_pick(logits, token_text, eos_id, json,
//                                [&](std::span<const float> l) { return sampler.sample(l).token; });
//   if (t == kNoAllowedToken) -> finish the sequence (nothing can continue it)
//   else if t is EOS           -> finished, and json.state().complete() holds
//   else                       -> emit t (its bytes are already fed to `json`)
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "llm/grammar/json_state.h"

namespace maas::llm {

// Tracks one sequence's output. Rules:
//  - a text token is allowed if its bytes are non-empty, the top-level value is not yet
//    closed, and the bytes continue valid JSON (tokens with no bytes, such as control
//    tokens, are never allowed: they could repeat forever without progress);
//  - end-of-generation is allowed exactly when a whole value has been read;
//  - once the value is closed ("{...}" ended), only end-of-generation is allowed.
class JsonConstraint {
 public:
  explicit JsonConstraint(JsonOptions options = {}) : state_(options) {}

  const JsonState& state() const { return state_; }
  bool allows_text(std::string_view bytes) const;
  bool allows_end() const { return state_.complete(); }
  // Feeds an allowed token's bytes; false (and no change) if they are not allowed.
  bool advance(std::string_view bytes);

 private:
  JsonState state_;
};

// The bytes a token stands for (after byte-level decoding); empty for control tokens.
using TokenBytesViewFn = std::function<std::string_view(int32_t token)>;
// Draws a token from logits (the sequence's sampler: penalties, temperature, top-p...).
using SampleFn = std::function<int32_t(std::span<const float> logits)>;

inline constexpr int32_t kNoAllowedToken = -1;

struct ConstrainedPickOptions {
  int max_resamples = 8;                    // sampler draws before the ordered scan
  std::span<const int32_t> other_end_ids;   // end-of-generation ids besides eos_id
};

// Samples; if the token is not allowed, sets its logit to -inf and samples again, up to
// max_resamples draws; then scans tokens by descending logit for the first allowed one.
// The chosen token is fed to `json` (nothing is fed for an end token). Returns
// kNoAllowedToken if no token with a finite logit is allowed. `logits` is modified.
int32_t constrained_pick(std::span<float> logits, const TokenBytesViewFn& token_bytes, int32_t eos_id,
                         JsonConstraint& json, const SampleFn& sample,
                         const ConstrainedPickOptions& options = {});

}  // namespace maas::llm
