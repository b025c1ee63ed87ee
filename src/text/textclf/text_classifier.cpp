#include "text/textclf/text_classifier.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "text/textclf/tokenize.h"

namespace maas::text {
namespace {

// Where each vocabulary term occurs in the text: per occurrence, the word positions it spans.
std::map<int32_t, std::vector<std::vector<size_t>>> occurrences(const TfidfVectorizer& features,
                                                                const std::vector<std::string>& w) {
  const TfidfOptions& o = features.options();
  std::map<int32_t, std::vector<std::vector<size_t>>> at;
  for (int n = o.ngram_min; n <= o.ngram_max; ++n)
    for (size_t start = 0; start + static_cast<size_t>(n) <= w.size(); ++start) {
      std::string gram = w[start];
      std::vector<size_t> span{start};
      for (size_t k = start + 1; k < start + static_cast<size_t>(n); ++k) gram += ' ' + w[k], span.push_back(k);
      if (const int32_t t = features.id(gram); t >= 0) at[t].push_back(std::move(span));
    }
  if (o.char_min > 0)
    for (size_t i = 0; i < w.size(); ++i)
      for (const std::string& gram : char_ngrams({w[i]}, o.char_min, o.char_max))
        if (const int32_t t = features.id(gram); t >= 0) at[t].push_back({i});
  return at;
}

}  // namespace

Explanation TextClassifier::explain(const std::string& text) const {
  const SparseVector x = features.transform(text);
  const std::vector<double> z = linear.logits(x);
  // The predicted class and the runner-up: the two largest logits (ties: lower index).
  std::vector<int> order(z.size());
  for (size_t k = 0; k < z.size(); ++k) order[k] = static_cast<int>(k);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return z[a] > z[b]; });

  Explanation e;
  e.label = order[0];
  e.versus = order[1];
  e.logit_difference = z[e.label] - z[e.versus];
  e.bias = static_cast<double>(linear.bias[e.label]) - linear.bias[e.versus];
  for (size_t n = 0; n < x.size(); ++n) {
    const int32_t t = x.index[n];
    const double dw = static_cast<double>(linear.w(e.label, t)) - linear.w(e.versus, t);
    e.contributions.push_back({features.terms()[static_cast<size_t>(t)], x.value[n], x.value[n] * dw});
  }
  std::stable_sort(e.contributions.begin(), e.contributions.end(),
                   [](const Contribution& a, const Contribution& b) { return std::abs(a.weight) > std::abs(b.weight); });

  // Each term's weight shared by its occurrences, each occurrence's by its words.
  const std::vector<std::string> w = words(text);
  std::map<int32_t, double> weight_of;
  for (const Contribution& c : e.contributions) weight_of[features.id(c.term)] = c.weight;
  std::map<std::string, double> by_word;
  for (const auto& [t, spans] : occurrences(features, w))
    for (const auto& span : spans)
      for (size_t i : span) by_word[w[i]] += weight_of[t] / static_cast<double>(spans.size() * span.size());
  for (const auto& [word, weight] : by_word) e.words.push_back({word, weight});
  std::stable_sort(e.words.begin(), e.words.end(),
                   [](const WordWeight& a, const WordWeight& b) { return std::abs(a.weight) > std::abs(b.weight); });
  e.probabilities = softmax(z);
  return e;
}

}  // namespace maas::text
