// Capability: texts in one language in, translations out, each optionally with its
// alignment (for every output token, the attention weight on every input token) as the
// explanation. Served at /v1/translations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace maas {

struct TranslateRequest {
  std::vector<std::string> inputs;
  int beam = 1;                 // 1: greedy
  double length_penalty = 0.0;  // GNMT alpha; 0: plain log-probability
  bool alignment = false;
};

struct TranslationResult {
  std::string text;
  double log_prob = 0;  // the model's log-probability of its output tokens
  int64_t input_tokens = 0, output_tokens = 0;
  // When asked: the model's tokens on both sides and weights[output][input].
  std::vector<std::string> input_pieces, output_pieces;
  std::vector<std::vector<float>> weights;
};

class Translator {
 public:
  static constexpr const char* kName = "translations";
  virtual ~Translator() = default;
  virtual int max_beam() const = 0;
  // One result per input; an unusable input is a kInvalidArgument naming its index
  // ("input[2]: ..."), with field "input".
  virtual Result<std::vector<TranslationResult>> translate(const TranslateRequest& request) = 0;
};

}  // namespace maas
