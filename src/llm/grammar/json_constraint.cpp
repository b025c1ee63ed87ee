// The JSON constraint and the mask-and-resample picker.
#include "llm/grammar/json_constraint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace maas::llm {

bool JsonConstraint::allows_text(std::string_view bytes) const {
  if (bytes.empty() || state_.closed()) return false;
  JsonState next = state_;
  return next.accept(bytes);
}

bool JsonConstraint::advance(std::string_view bytes) {
  if (bytes.empty() || state_.closed()) return false;
  return state_.accept(bytes);
}

namespace {

bool is_end_token(int32_t token, int32_t eos_id, std::span<const int32_t> others) {
  return token == eos_id || std::find(others.begin(), others.end(), token) != others.end();
}

// Feeds `token` to `json` if it is allowed; true if it was.
bool take(int32_t token, const TokenBytesViewFn& token_bytes, int32_t eos_id,
          std::span<const int32_t> other_end_ids, JsonConstraint& json) {
  if (is_end_token(token, eos_id, other_end_ids)) return json.allows_end();
  return json.advance(token_bytes(token));
}

}  // namespace

int32_t constrained_pick(std::span<float> logits, const TokenBytesViewFn& token_bytes, int32_t eos_id,
                         JsonConstraint& json, const SampleFn& sample,
                         const ConstrainedPickOptions& options) {
  const auto n_vocab = static_cast<int32_t>(logits.size());
  const float masked = -std::numeric_limits<float>::infinity();
  auto valid = [&](int32_t t) { return t >= 0 && t < n_vocab && logits[t] != masked; };

  for (int attempt = 0; attempt < options.max_resamples; ++attempt) {
    int32_t t = sample(logits);
    if (!valid(t)) break;  // the sampler has nothing left to offer
    if (take(t, token_bytes, eos_id, options.other_end_ids, json)) return t;
    logits[t] = masked;
  }

  // Ordered scan. Sorting a 150k vocabulary costs more than checking its best tokens,
  // so order it in growing slices: the best 64, the next 1024, ..., then the rest.
  std::vector<int32_t> order;
  order.reserve(logits.size());
  for (int32_t t = 0; t < n_vocab; ++t) {
    if (logits[t] != masked && !std::isnan(logits[t])) order.push_back(t);
  }
  auto by_logit = [&](int32_t a, int32_t b) {
    return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
  };
  size_t done = 0;
  for (size_t slice = 64; done < order.size(); slice *= 16) {
    const size_t end = std::min(order.size(), done + slice);
    std::partial_sort(order.begin() + static_cast<long>(done), order.begin() + static_cast<long>(end),
                      order.end(), by_logit);
    for (size_t i = done; i < end; ++i) {
      if (take(order[i], token_bytes, eos_id, options.other_end_ids, json)) return order[i];
    }
    done = end;
  }
  return kNoAllowedToken;
}

}  // namespace maas::llm
