// The generation parameters completions and chat share, parsed strictly from the body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "llm/runtime/generate.h"
#include "serving/openai/fields.h"

namespace maas::serving::openai {

struct SamplingRequest {
  llm::GenerateParams params;       // max_tokens filled in once the prompt is known
  std::optional<int64_t> max_tokens;  // absent: up to the context (chat) or 16 (completions)
  int n = 1;
  bool stream = false;
  bool include_usage = false;       // stream_options.include_usage
  std::string user;
};

// Reads max_tokens (and max_completion_tokens for chat), n, temperature, top_p, top_k,
// min_p, stop, seed, presence/frequency/repetition penalties, logit_bias, stream,
// stream_options, user, ignore_eos. `n_vocab` bounds logit_bias ids; `max_n` bounds n.
Result<SamplingRequest> parse_sampling(const Fields& f, int64_t n_vocab, int max_n, bool chat);

// The field names parse_sampling reads plus `extra` (for Fields::check_known).
std::set<std::string> request_field_names(std::initializer_list<const char*> extra);

}  // namespace maas::serving::openai
