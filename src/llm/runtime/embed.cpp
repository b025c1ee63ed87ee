#include "llm/runtime/embed.h"

#include <algorithm>
#include <cmath>

#include "llm/model/model.h"

namespace maas::llm {

Result<std::vector<std::vector<float>>> mean_pooled_embeddings(Model& model,
                                                               const std::vector<std::vector<int32_t>>& inputs,
                                                               bool normalize) {
  if (inputs.empty()) return invalid_argument("no inputs to embed");
  int64_t longest = 0;
  for (const auto& in : inputs) {
    if (in.empty()) return invalid_argument("an input to embed has no tokens");
    longest = std::max<int64_t>(longest, static_cast<int64_t>(in.size()));
  }
  MAAS_ASSIGN_OR_RETURN(KvCache cache,
                        model.make_cache({static_cast<int64_t>(inputs.size()), longest, tensor::DType::kF32}));
  Batch batch;
  batch.want_logits = false;
  batch.want_hidden = true;
  for (const auto& in : inputs) {
    MAAS_ASSIGN_OR_RETURN(SeqId seq, cache.allocate());
    batch.seqs.push_back({seq, in, 0, false});
  }
  MAAS_ASSIGN_OR_RETURN(ForwardResult out, model.forward(batch, cache));

  std::vector<std::vector<float>> result;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<double> sum(static_cast<size_t>(out.n_embd), 0.0);
    for (int64_t j = 0; j < static_cast<int64_t>(inputs[i].size()); ++j) {
      auto h = out.hidden_state(i, j);
      for (size_t k = 0; k < sum.size(); ++k) sum[k] += h[k];
    }
    double norm = 0;
    for (double& v : sum) {
      v /= static_cast<double>(inputs[i].size());
      norm += v * v;
    }
    const double scale = normalize && norm > 0 ? 1.0 / std::sqrt(norm) : 1.0;
    std::vector<float> e(sum.size());
    for (size_t k = 0; k < e.size(); ++k) e[k] = static_cast<float>(sum[k] * scale);
    result.push_back(std::move(e));
  }
  return result;
}

}  // namespace maas::llm
