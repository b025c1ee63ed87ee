// Intrinsic evaluation of word vectors from a file whose kind is told by its content:
// - analogies in the questions-words.txt format (": section" lines, then "a b c d"):
//   accuracy of 3CosAdd (d = the nearest word to b - a + c, a, b, c excluded) over the
//   whole vocabulary; questions with a word the model does not know are skipped and
//   counted;
// - word pairs with a human score ("w1 w2 score" per line, whitespace or tab separated,
//   '#' comments): Spearman's rank correlation of cosine and score over known pairs.
#pragma once

#include <string>

#include "core/family.h"
#include "core/status.h"
#include "text/word2vec/neighbours.h"

namespace maas::text::word2vec {

Result<Metrics> evaluate_file(const UnitVectors& vectors, const std::string& path);
Result<Metrics> evaluate_text(const UnitVectors& vectors, const std::string& text);

// Spearman's rho with average ranks for ties (NaN when a side is constant).
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace maas::text::word2vec
