// A plain generation loop for one sequence (the CLI, tests, and a reference for the
// scheduler): prompt in one forward step, then one token per step until max_tokens, an
// end-of-generation token or a stop sequence, streaming text as it becomes safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "llm/runtime/kv_cache.h"
#include "llm/sampling/sampler.h"

namespace maas::llm {

class Model;
class Tokenizer;

struct GenerateParams {
  SamplingParams sampling;
  int32_t max_tokens = 128;
  std::vector<std::string> stop;       // stop sequences (not included in the text)
  std::vector<int32_t> stop_tokens;    // extra end-of-generation ids
  bool ignore_eos = false;             // do not stop at the model's EOS / EOT ids
  tensor::DType cache_type = tensor::DType::kF32;
};

enum class FinishReason { kLength, kStop, kEndOfText, kCancelled };
const char* finish_reason_name(FinishReason r);  // "length", "stop", "eos", "cancelled"

struct GeneratedToken {
  int32_t token = 0;
  std::string text;  // text released by this token (may be empty: held back)
  float logprob = 0;
  std::vector<TokenLogprob> top;
};

struct GenerateResult {
  std::vector<int32_t> tokens;  // generated ids (not the prompt; includes a final EOS)
  std::string text;
  FinishReason finish = FinishReason::kLength;
  int64_t prompt_tokens = 0;
  double prompt_seconds = 0;    // the prompt's forward step
  double generate_seconds = 0;  // all following steps
};

// The bytes a token stands for (the tokenizer's piece, with byte tokens resolved).
using TokenBytesFn = std::function<std::string(int32_t)>;
// Called for every generated token; return false to stop (finish = kCancelled).
using OnTokenFn = std::function<bool(const GeneratedToken&)>;

Result<GenerateResult> generate(Model& model, std::span<const int32_t> prompt, const GenerateParams& params,
                                const TokenBytesFn& token_bytes, const OnTokenFn& on_token = nullptr);

// The same with the model's tokenizer: its pieces for the text, and all its
// end-of-generation ids (EOS, EOT, <|im_end|>, ...) as stop tokens unless ignore_eos.
Result<GenerateResult> generate(Model& model, const Tokenizer& tokenizer, std::span<const int32_t> prompt,
                                const GenerateParams& params, const OnTokenFn& on_token = nullptr);

}  // namespace maas::llm
