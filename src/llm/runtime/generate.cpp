#include "llm/runtime/generate.h"

#include <algorithm>

#include "core/clock.h"
#include "llm/model/model.h"
#include "llm/runtime/text_stream.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {

const char* finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::kLength: return "length";
    case FinishReason::kStop: return "stop";
    case FinishReason::kEndOfText: return "eos";
    case FinishReason::kCancelled: return "cancelled";
  }
  return "?";
}

Result<GenerateResult> generate(Model& model, std::span<const int32_t> prompt, const GenerateParams& params,
                                const TokenBytesFn& token_bytes, const OnTokenFn& on_token) {
  if (prompt.empty()) return invalid_argument("the prompt has no tokens");
  if (params.max_tokens < 0) return invalid_argument("max_tokens {} must be >= 0", params.max_tokens);
  MAAS_RETURN_IF_ERROR(validate_sampling(params.sampling, model.hparams().n_vocab));
  const int64_t n_ctx = static_cast<int64_t>(prompt.size()) + params.max_tokens;
  if (n_ctx > model.hparams().n_ctx_train)
    return invalid_argument("prompt ({} tokens) + max_tokens ({}) exceed the model's context of {}", prompt.size(),
                            params.max_tokens, model.hparams().n_ctx_train);
  MAAS_ASSIGN_OR_RETURN(KvCache cache, model.make_cache({1, std::max<int64_t>(n_ctx, 1), params.cache_type}));
  MAAS_ASSIGN_OR_RETURN(SeqId seq, cache.allocate());

  std::vector<int32_t> end_tokens = params.stop_tokens;
  if (!params.ignore_eos)
    for (int32_t id : {model.special_tokens().eos, model.special_tokens().eot})
      if (id >= 0) end_tokens.push_back(id);

  GenerateResult result;
  result.prompt_tokens = static_cast<int64_t>(prompt.size());
  Sampler sampler(params.sampling);
  sampler.accept(prompt);
  TextStream text(params.stop);

  // Step 0 computes the whole prompt; each later step feeds back the last token.
  Batch batch;
  batch.seqs.push_back({seq, std::vector<int32_t>(prompt.begin(), prompt.end()), 0, false});
  Stopwatch clock;
  for (int32_t i = 0; i < params.max_tokens; ++i) {
    MAAS_ASSIGN_OR_RETURN(ForwardResult out, model.forward(batch, cache));
    if (i == 0) {
      result.prompt_seconds = clock.seconds();
      clock = Stopwatch();
    }
    SampledToken next = sampler.sample(out.last_logits(0));
    sampler.accept(next.token);
    result.tokens.push_back(next.token);

    const bool at_end = std::find(end_tokens.begin(), end_tokens.end(), next.token) != end_tokens.end();
    GeneratedToken emitted{next.token, at_end ? "" : text.push(token_bytes(next.token)), next.logprob,
                           std::move(next.top)};
    result.text += emitted.text;
    if (on_token && !on_token(emitted)) {
      result.finish = FinishReason::kCancelled;
      break;
    }
    if (at_end || text.stopped()) {
      result.finish = at_end ? FinishReason::kEndOfText : FinishReason::kStop;
      break;
    }
    batch.seqs[0].start_pos += static_cast<int64_t>(batch.seqs[0].tokens.size());
    batch.seqs[0].tokens = {next.token};
  }
  result.generate_seconds = clock.seconds();
  if (!text.stopped()) {
    std::string rest = text.finish();
    if (!rest.empty()) {
      result.text += rest;
      if (on_token && result.finish != FinishReason::kCancelled) on_token(GeneratedToken{-1, rest, 0, {}});
    }
  }
  return result;
}

Result<GenerateResult> generate(Model& model, const Tokenizer& tokenizer, std::span<const int32_t> prompt,
                                const GenerateParams& params, const OnTokenFn& on_token) {
  GenerateParams p = params;
  if (!p.ignore_eos) p.stop_tokens.insert(p.stop_tokens.end(), tokenizer.eog_ids().begin(), tokenizer.eog_ids().end());
  return generate(model, prompt, p, [&](int32_t id) { return tokenizer.token_to_piece(id); }, on_token);
}

}  // namespace maas::llm
