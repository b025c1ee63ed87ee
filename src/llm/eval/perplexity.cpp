#include "llm/eval/perplexity.h"

#include <algorithm>
#include <cmath>

#include "llm/model/model.h"

namespace maas::llm {

Result<PerplexityResult> perplexity(Model& model, std::span<const int32_t> tokens, int64_t window,
                                    int64_t max_tokens) {
  const int64_t n_ctx = model.hparams().n_ctx_train;
  if (window <= 0) window = std::min<int64_t>(n_ctx, 512);  // bounds the logits held at once
  window = std::min(window, n_ctx);
  if (window < 2) return invalid_argument("perplexity needs a window of at least 2 tokens");
  int64_t n = static_cast<int64_t>(tokens.size());
  if (max_tokens > 0) n = std::min(n, max_tokens + 1);
  if (n < 2) return invalid_argument("the evaluation text has {} token(s); perplexity needs at least 2", n);

  MAAS_ASSIGN_OR_RETURN(KvCache cache, model.make_cache({1, window}));
  MAAS_ASSIGN_OR_RETURN(SeqId seq, cache.allocate());
  PerplexityResult r;
  double nll = 0;
  for (int64_t start = 0; start + 1 < n; start += window) {
    const int64_t len = std::min(window, n - start);
    if (len < 2) break;
    Batch batch;
    batch.seqs.push_back({seq, std::vector<int32_t>(tokens.begin() + start, tokens.begin() + start + len), 0, true});
    MAAS_ASSIGN_OR_RETURN(ForwardResult out, model.forward(batch, cache));
    for (int64_t i = 0; i + 1 < len; ++i) {
      std::span<const float> row = out.row(out.first_row[0] + i);
      const float max = *std::max_element(row.begin(), row.end());
      double sum = 0;
      for (float v : row) sum += std::exp(static_cast<double>(v - max));
      nll += (max + std::log(sum)) - row[tokens[start + i + 1]];
      ++r.tokens_scored;
    }
    ++r.windows;
  }
  r.mean_nll = nll / static_cast<double>(r.tokens_scored);
  r.perplexity = std::exp(r.mean_nll);
  return r;
}

}  // namespace maas::llm
