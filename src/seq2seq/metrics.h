// Corpus-level translation metrics as sacreBLEU 2.x computes them by default, one
// reference per sentence:
//  - BLEU-4: the 13a tokenisation (mteval-v13a), clipped n-gram precisions for n = 1..4,
//    geometric mean, brevity penalty exp(1 - r/c) when c < r, and sacreBLEU's default
//    "exp" smoothing (the k-th order with no match counts 1 / (2^k * total)).
//  - chrF2: character n-grams n = 1..6 with whitespace removed, statistics summed over
//    the corpus, precision and recall averaged over the orders, F-beta with beta = 2.
// Both on a 0-100 scale.
#pragma once

#include <string>
#include <vector>

namespace maas::seq2seq {

// sacreBLEU's tokenizer_13a.
std::string tokenize_13a(const std::string& line);

struct BleuStats {
  double score = 0;
  double precisions[4] = {0, 0, 0, 0};  // 0-100, after smoothing
  double brevity_penalty = 0;
  long long hyp_len = 0, ref_len = 0;
};
BleuStats corpus_bleu(const std::vector<std::string>& hypotheses, const std::vector<std::string>& references);

double corpus_chrf(const std::vector<std::string>& hypotheses, const std::vector<std::string>& references);

}  // namespace maas::seq2seq
