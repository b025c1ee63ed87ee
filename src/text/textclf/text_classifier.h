// A trained text classifier: TF-IDF features of the text, then softmax regression,
//   p(label | text) = softmax(W x(text) + b).
// Immutable once built, so any number of threads may classify at once.
#pragma once

#include <string>
#include <vector>

#include "text/textclf/softmax_regression.h"
#include "text/textclf/tfidf.h"

namespace maas::text {

// Why a text got its label: each feature t of the text adds
//   x_t (W[label, t] - W[versus, t])
// to the logit difference z_label - z_versus, and the biases add b_label - b_versus, so
// sum(contributions) + bias == logit_difference (up to float rounding).
struct Contribution {
  std::string term;
  double value = 0;   // x_t, the term's TF-IDF weight in this text
  double weight = 0;  // its signed share of the logit difference
};
// The same weights by word: a term's weight is shared evenly by its occurrences in the
// text, and an occurrence's share evenly by the words it spans (a character n-gram by
// its one word). So the words' weights add up to the terms'.
struct WordWeight {
  std::string word;
  double weight = 0;
};
struct Explanation {
  int label = 0;   // the predicted class
  int versus = 0;  // the runner-up (the other class, for two)
  double logit_difference = 0;
  double bias = 0;
  std::vector<Contribution> contributions;  // by decreasing |weight|
  std::vector<WordWeight> words;            // by decreasing |weight|
  std::vector<double> probabilities;
};

struct TextClassifier {
  TfidfVectorizer features;
  LinearModel linear;
  std::vector<std::string> labels;  // class k is labels[k]

  std::vector<double> probabilities(const std::string& text) const { return softmax(linear.logits(features.transform(text))); }
  Explanation explain(const std::string& text) const;
};

}  // namespace maas::text
