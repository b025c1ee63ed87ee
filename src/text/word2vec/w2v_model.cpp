#include "text/word2vec/w2v_model.h"

#include <numeric>

#include "tensor/ops.h"

namespace maas::text::word2vec {

Word2vecModel::Word2vecModel(VectorModel model)
    : model_(std::move(model)),
      unit_(std::make_unique<UnitVectors>(model_.vectors)),
      total_count_(std::accumulate(model_.vectors.counts().begin(), model_.vectors.counts().end(), int64_t{0})) {}

uint64_t Word2vecModel::memory_bytes() const {
  const WordVectors& v = model_.vectors;
  uint64_t words = 0;
  for (const std::string& w : v.words()) words += w.size() + 64;  // string + index entry
  return 2 * static_cast<uint64_t>(v.size() * v.stride()) * sizeof(float) + words;
}

nlohmann::json Word2vecModel::stats() const {
  return {{"words", model_.vectors.size()},
          {"dimensions", model_.vectors.dim()},
          {"split", model_.rules.split_name()},
          {"lowercase", model_.rules.lowercase},
          {"has_counts", !model_.vectors.counts().empty()}};
}

Result<EmbedResult> Word2vecModel::embed(const std::vector<EmbedInput>& inputs, const nlohmann::json& options) {
  bool sif = false;
  double sif_a = 1e-3;
  for (const auto& [key, value] : options.items()) {
    if (key == "sif") {
      if (!value.is_boolean()) return invalid_argument("'sif' must be a boolean").with_field("sif");
      sif = value.get<bool>();
    } else if (key == "sif_a") {
      if (!value.is_number() || value.get<double>() <= 0)
        return invalid_argument("'sif_a' must be a positive number").with_field("sif_a");
      sif_a = value.get<double>();
    } else {
      return invalid_argument("unknown field '{}' for a word2vec embedding (known: sif, sif_a)", key).with_field(key);
    }
  }
  const WordVectors& v = model_.vectors;
  if (sif && total_count_ <= 0)
    return invalid_argument("'sif' weighting needs word counts, which this model does not have (imported vectors)")
        .with_field("sif");
  EmbedResult out;
  out.unknown.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].is_tokens)
      return invalid_argument("input[{}]: word2vec models take text, not token ids", i).with_field("input");
    std::vector<float> sum(static_cast<size_t>(v.stride()), 0.0f);
    double weight_sum = 0;
    int64_t words = 0;
    const std::string text = prepare_text(inputs[i].text, model_.rules);
    for_each_word(
        text, model_.rules,
        [&](std::string_view w) {
          ++words;
          const int32_t id = v.lookup(w);
          if (id < 0) {
            out.unknown[i].emplace_back(w);
            return;
          }
          const double p = sif ? static_cast<double>(v.counts()[static_cast<size_t>(id)]) / total_count_ : 0;
          const double weight = sif ? sif_a / (sif_a + p) : 1.0;
          tensor::axpy(static_cast<float>(weight), v.row(id), v.stride(), sum.data());
          weight_sum += weight;
        },
        [] {});
    out.tokens += words;
    if (weight_sum == 0)
      return invalid_argument("input[{}]: none of its {} words is in the model's vocabulary", i, words)
          .with_field("input");
    sum.resize(static_cast<size_t>(v.dim()));
    tensor::scale(sum.data(), static_cast<float>(1.0 / weight_sum), v.dim());
    out.vectors.push_back(std::move(sum));
  }
  return out;
}

Result<std::vector<WordNeighbour>> Word2vecModel::similar_words(const NeighbourQuery& query) {
  const WordVectors& v = model_.vectors;
  auto ids = [&](const std::vector<std::string>& words, const char* field) -> Result<std::vector<int32_t>> {
    std::vector<int32_t> out;
    for (size_t i = 0; i < words.size(); ++i) {
      const int32_t id = v.lookup(words[i]);
      if (id < 0)
        return invalid_argument("the word '{}' is not in the model's vocabulary", words[i])
            .with_field(fmt::format("{}[{}]", field, i));
      out.push_back(id);
    }
    return out;
  };
  MAAS_ASSIGN_OR_RETURN(std::vector<int32_t> positive, ids(query.positive, "positive"));
  MAAS_ASSIGN_OR_RETURN(std::vector<int32_t> negative, ids(query.negative, "negative"));
  std::vector<WordNeighbour> out;
  for (const auto& [id, score] : unit_->nearest(positive, negative, query.k)) out.push_back({v.word(id), score});
  return out;
}

}  // namespace maas::text::word2vec
