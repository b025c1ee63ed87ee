// BLEU and chrF against values computed by hand (and two published sacreBLEU chrF values).
#include <gtest/gtest.h>

#include <cmath>

#include "seq2seq/metrics.h"

namespace maas::seq2seq {
namespace {

TEST(Seq2seqMetrics, Tokenize13a) {
  EXPECT_EQ(tokenize_13a("Hello, world."), "Hello , world .");
  EXPECT_EQ(tokenize_13a("3.14 and 1,000 cost $5"), "3.14 and 1,000 cost $ 5");
  EXPECT_EQ(tokenize_13a("it's (a) test-case"), "it's ( a ) test-case");
  EXPECT_EQ(tokenize_13a("5-3"), "5 - 3");
  EXPECT_EQ(tokenize_13a("&quot;x&quot; &amp; y"), "\" x \" & y");
  EXPECT_EQ(tokenize_13a("  many   spaces\there "), "many spaces here");
  EXPECT_EQ(tokenize_13a("Dijo Dios: Sea la luz."), "Dijo Dios : Sea la luz .");
}

TEST(Seq2seqMetrics, BleuIdentical) {
  EXPECT_NEAR(corpus_bleu({"the cat sat on the mat"}, {"the cat sat on the mat"}).score, 100.0, 1e-9);
}

TEST(Seq2seqMetrics, BleuWithBrevityPenalty) {
  // 1-4 gram precisions 4/5, 3/4, 2/3, 1/2; hypothesis 5 tokens, reference 6.
  const BleuStats s = corpus_bleu({"a b c d e"}, {"a b c d f g"});
  EXPECT_NEAR(s.precisions[0], 80.0, 1e-9);
  EXPECT_NEAR(s.precisions[3], 50.0, 1e-9);
  EXPECT_NEAR(s.brevity_penalty, std::exp(1.0 - 6.0 / 5.0), 1e-12);
  EXPECT_NEAR(s.score, 100.0 * std::pow(0.8 * 0.75 * (2.0 / 3.0) * 0.5, 0.25) * std::exp(-0.2), 1e-9);
}

TEST(Seq2seqMetrics, BleuSmoothsAMissingOrder) {
  // No 4-gram matches: sacreBLEU's "exp" smoothing uses 100 / (2 * 1) for it.
  const BleuStats s = corpus_bleu({"a b c x"}, {"a b c d"});
  EXPECT_NEAR(s.precisions[3], 50.0, 1e-9);
  EXPECT_NEAR(s.score, 100.0 * std::pow(0.75 * (2.0 / 3.0) * 0.5 * 0.5, 0.25), 1e-9);
}

TEST(Seq2seqMetrics, BleuIsCorpusLevel) {
  // Statistics are summed before the mean: "a b c d" exact plus an empty hypothesis.
  const BleuStats s = corpus_bleu({"a b c d", ""}, {"a b c d", "e f"});
  EXPECT_EQ(s.hyp_len, 4);
  EXPECT_EQ(s.ref_len, 6);
  EXPECT_NEAR(s.score, 100.0 * std::exp(1.0 - 6.0 / 4.0), 1e-9);
  EXPECT_EQ(corpus_bleu({"x y"}, {"a b c d"}).score, corpus_bleu({"x y"}, {"a b c d"}).score);
  EXPECT_LT(corpus_bleu({"x y"}, {"a b c d"}).score, 1e-6);
}

TEST(Seq2seqMetrics, ChrfByHand) {
  EXPECT_NEAR(corpus_chrf({"ab"}, {"ab"}), 100.0, 1e-9);
  // n=1: 2/3 matched each way; n=2: 1/2; n=3: 0/1; n>3: no n-grams (not averaged).
  EXPECT_NEAR(corpus_chrf({"abc"}, {"abd"}), 100.0 * (2.0 / 3.0 + 0.5 + 0.0) / 3.0, 1e-9);
  // Whitespace is removed before the n-grams are taken.
  EXPECT_NEAR(corpus_chrf({"a b c"}, {"abd"}), corpus_chrf({"abc"}, {"abd"}), 1e-12);
}

TEST(Seq2seqMetrics, ChrfMatchesSacrebleu) {
  // Values sacreBLEU's CHRF() gives (quoted in the HuggingFace metric card for chrF).
  EXPECT_NEAR(corpus_chrf({"The relationship between Obama and Netanyahu is not exactly friendly."},
                          {"The ties between Obama and Netanyahu are not particularly friendly."}),
              61.576379378113785, 1e-9);
  EXPECT_NEAR(corpus_chrf({"The relationship between cats and dogs is not exactly friendly.",
                           "a good bookshop is just a genteel black hole that knows how to read."},
                          {"The relationship between dogs and cats is not exactly friendly.",
                           "A good bookshop is just a genteel Black Hole that knows how to read."}),
              84.64214891738334, 1e-9);
}

}  // namespace
}  // namespace maas::seq2seq
