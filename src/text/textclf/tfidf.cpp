#include "text/textclf/tfidf.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "text/textclf/tokenize.h"

namespace maas::text {
namespace {

std::vector<std::string> terms_of(const std::string& text, const TfidfOptions& o) {
  const std::vector<std::string> w = words(text);
  std::vector<std::string> terms = ngrams(w, o.ngram_min, o.ngram_max);
  if (o.char_min > 0) {
    std::vector<std::string> chars = char_ngrams(w, o.char_min, o.char_max);
    terms.insert(terms.end(), std::make_move_iterator(chars.begin()), std::make_move_iterator(chars.end()));
  }
  return terms;
}

}  // namespace

TfidfVectorizer TfidfVectorizer::fit(const std::vector<std::string>& texts, const TfidfOptions& options) {
  // df(t): the number of texts that contain t at least once.
  std::unordered_map<std::string, int64_t> df;
  for (const std::string& text : texts) {
    std::vector<std::string> terms = terms_of(text, options);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    for (std::string& t : terms) ++df[std::move(t)];
  }
  std::vector<std::pair<std::string, int64_t>> kept;
  for (auto& [term, count] : df)
    if (count >= options.min_df) kept.emplace_back(term, count);
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (options.max_features > 0 && static_cast<int64_t>(kept.size()) > options.max_features)
    kept.resize(static_cast<size_t>(options.max_features));

  const double n = static_cast<double>(texts.size());
  TfidfVectorizer v;
  v.options_ = options;
  for (auto& [term, count] : kept) {
    v.id_.emplace(term, static_cast<int32_t>(v.terms_.size()));
    v.terms_.push_back(term);
    v.idf_.push_back(static_cast<float>(std::log((1.0 + n) / (1.0 + static_cast<double>(count))) + 1.0));
  }
  return v;
}

Result<TfidfVectorizer> TfidfVectorizer::from_parts(TfidfOptions options, std::vector<std::string> terms,
                                                    std::vector<float> idf) {
  if (options.ngram_min < 1 || options.ngram_max < options.ngram_min)
    return invalid_argument("n-gram range {}..{} is not valid", options.ngram_min, options.ngram_max);
  if (options.char_min < 0 || (options.char_min > 0 && options.char_max < options.char_min))
    return invalid_argument("character n-gram range {}..{} is not valid", options.char_min, options.char_max);
  if (terms.size() != idf.size())
    return invalid_argument("the vocabulary has {} terms but idf has {} values", terms.size(), idf.size());
  TfidfVectorizer v;
  v.options_ = options;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (!std::isfinite(idf[i]) || idf[i] <= 0) return invalid_argument("idf of term {} is not a positive number", i);
    if (!v.id_.emplace(terms[i], static_cast<int32_t>(i)).second)
      return invalid_argument("the vocabulary holds '{}' twice", terms[i]);
  }
  v.terms_ = std::move(terms);
  v.idf_ = std::move(idf);
  return v;
}

SparseVector TfidfVectorizer::transform(const std::string& text) const {
  std::map<int32_t, int> counts;  // ordered: the vector comes out with ascending ids
  for (const std::string& t : terms_of(text, options_)) {
    auto it = id_.find(t);
    if (it != id_.end()) ++counts[it->second];
  }
  SparseVector x;
  double norm2 = 0;
  for (auto [id, count] : counts) {
    const double tf = options_.sublinear_tf ? 1.0 + std::log(static_cast<double>(count)) : count;
    const double w = tf * idf_[static_cast<size_t>(id)];
    x.index.push_back(id);
    x.value.push_back(static_cast<float>(w));
    norm2 += w * w;
  }
  if (norm2 > 0) {
    const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (float& w : x.value) w *= inv;
  }
  return x;
}

uint64_t TfidfVectorizer::memory_bytes() const {
  uint64_t bytes = idf_.size() * sizeof(float);
  for (const auto& t : terms_) bytes += 2 * (t.size() + 48);  // the term and its map entry
  return bytes;
}

}  // namespace maas::text
