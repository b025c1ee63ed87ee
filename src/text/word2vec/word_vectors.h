// A table of word vectors: the vocabulary (most frequent first when counts are known),
// one float row per word, and a word -> row index. Rows are `stride` floats apart
// (dim rounded up to 16, the padding zero) so SIMD loops need no tails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace maas::text::word2vec {

// Floats per row for a dimension: dim rounded up to a multiple of 16 (64 bytes).
inline int64_t row_stride(int64_t dim) { return (dim + 15) / 16 * 16; }

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using WordIndex = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

class WordVectors {
 public:
  WordVectors() = default;
  // An all-zero table of `words` with `dim` dimensions; a duplicate word is an error
  // naming both of its places (1-based vector numbers).
  static Result<WordVectors> create(std::vector<std::string> words, int64_t dim);

  int64_t size() const { return static_cast<int64_t>(words_.size()); }
  int64_t dim() const { return dim_; }
  int64_t stride() const { return stride_; }
  const std::vector<std::string>& words() const { return words_; }
  const std::string& word(int64_t i) const { return words_[static_cast<size_t>(i)]; }
  float* row(int64_t i) { return data_.data() + i * stride_; }
  const float* row(int64_t i) const { return data_.data() + i * stride_; }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }

  // Corpus counts per word (empty when the file had none, e.g. imported text vectors).
  const std::vector<int64_t>& counts() const { return counts_; }
  void set_counts(std::vector<int64_t> counts) { counts_ = std::move(counts); }

  // The row of `word`, or -1.
  int32_t find(std::string_view word) const;
  // The row of `word` as written, else lower-cased (ASCII), else with leading and
  // trailing punctuation removed and lower-cased; -1 when none is in the vocabulary.
  int32_t lookup(std::string_view word) const;

 private:
  int64_t dim_ = 0, stride_ = 0;
  std::vector<std::string> words_;
  std::vector<int64_t> counts_;
  std::vector<float> data_;
  WordIndex index_;
};

bool is_valid_utf8(std::string_view s);
std::string ascii_lower(std::string_view s);

// Each row scaled to unit length (zero rows stay zero): cosine becomes a dot product.
std::vector<float> normalized_rows(const WordVectors& v);

}  // namespace maas::text::word2vec
