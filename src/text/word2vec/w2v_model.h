// A loaded word-vector model: its vectors, unit-length copies for cosine search
// (computed once at load), and the rules that split a text into words. Offers Embedder
// (a text's vector: the mean of its known words' vectors, optionally SIF-weighted) and
// WordNeighbours.
#pragma once

#include <memory>

#include "core/capability/embedder.h"
#include "core/capability/word_neighbours.h"
#include "core/family.h"
#include "text/word2vec/formats.h"
#include "text/word2vec/neighbours.h"

namespace maas::text::word2vec {

class Word2vecModel final : public LoadedModel, public Embedder, public WordNeighbours {
 public:
  explicit Word2vecModel(VectorModel model);

  std::string family() const override { return kArchitecture; }
  uint64_t memory_bytes() const override;
  nlohmann::json stats() const override;

  int64_t dimensions() const override { return model_.vectors.dim(); }
  // options: {"sif": bool} (weights a/(a + p(w)), a = 1e-3, from the model's word counts),
  // {"sif_a": number}.
  Result<EmbedResult> embed(const std::vector<EmbedInput>& inputs, const nlohmann::json& options) override;
  Result<std::vector<WordNeighbour>> similar_words(const NeighbourQuery& query) override;

  const VectorModel& model() const { return model_; }
  const UnitVectors& unit_vectors() const { return *unit_; }

 protected:
  void* find_capability(const std::type_info& type) override {
    return offer<Embedder, WordNeighbours>(this, type);
  }

 private:
  VectorModel model_;
  std::unique_ptr<UnitVectors> unit_;  // points into model_.vectors
  int64_t total_count_ = 0;
};

}  // namespace maas::text::word2vec
