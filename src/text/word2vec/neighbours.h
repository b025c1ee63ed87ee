// Nearest words by cosine over unit-length rows: the query is the normalised sum of the
// positive words' unit vectors minus the negative ones' (3CosAdd for analogies), and
// the query words themselves are never answers.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "text/word2vec/word_vectors.h"

namespace maas::text::word2vec {

class UnitVectors {
 public:
  explicit UnitVectors(const WordVectors& v) : words_(&v), rows_(normalized_rows(v)) {}
  const WordVectors& vectors() const { return *words_; }
  const float* row(int64_t i) const { return rows_.data() + i * words_->stride(); }
  uint64_t bytes() const { return rows_.size() * sizeof(float); }

  // The k best (row, cosine) for the query made of `positive` and `negative` rows,
  // best first, skipping the query rows.
  std::vector<std::pair<int32_t, float>> nearest(const std::vector<int32_t>& positive,
                                                 const std::vector<int32_t>& negative, int64_t k) const;
  // Cosine of two rows.
  float cosine(int32_t a, int32_t b) const;

 private:
  const WordVectors* words_;
  std::vector<float> rows_;
};

}  // namespace maas::text::word2vec
