// Bag of n-grams weighted by TF-IDF: a text becomes a sparse vector x with
//   x_t = tf(t, text) * idf(t),   idf(t) = ln((1 + N) / (1 + df(t))) + 1,
// then x / ||x||_2. tf is the count, or 1 + ln(count) when sublinear. Terms seen in fewer
// than `min_df` training texts are left out of the vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace maas::text {

struct SparseVector {
  std::vector<int32_t> index;  // ascending term ids
  std::vector<float> value;
  size_t size() const { return index.size(); }
};

struct TfidfOptions {
  int ngram_min = 1;
  int ngram_max = 2;
  int char_min = 0;  // character n-grams of each word too, when char_min > 0
  int char_max = 0;
  int64_t min_df = 2;
  int64_t max_features = 0;  // 0: no limit; else the most frequent terms (by df, then term)
  bool sublinear_tf = true;
};

class TfidfVectorizer {
 public:
  // Learns the vocabulary and idf from training texts. Terms are ordered by
  // decreasing df, ties by the term itself (deterministic).
  static TfidfVectorizer fit(const std::vector<std::string>& texts, const TfidfOptions& options);
  // From a saved model; the error names what does not fit.
  static Result<TfidfVectorizer> from_parts(TfidfOptions options, std::vector<std::string> terms,
                                            std::vector<float> idf);

  SparseVector transform(const std::string& text) const;
  // The id of a term, or -1 when it is not in the vocabulary.
  int32_t id(const std::string& term) const {
    auto it = id_.find(term);
    return it == id_.end() ? -1 : it->second;
  }

  const TfidfOptions& options() const { return options_; }
  const std::vector<std::string>& terms() const { return terms_; }
  const std::vector<float>& idf() const { return idf_; }
  int64_t size() const { return static_cast<int64_t>(terms_.size()); }
  uint64_t memory_bytes() const;

 private:
  TfidfOptions options_;
  std::vector<std::string> terms_;
  std::vector<float> idf_;
  std::unordered_map<std::string, int32_t> id_;
};

}  // namespace maas::text
