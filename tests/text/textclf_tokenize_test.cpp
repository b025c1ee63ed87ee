// Words, word n-grams and character n-grams as textclf's features see them.
#include <cmath>

#include <gtest/gtest.h>

#include "text/textclf/tfidf.h"
#include "text/textclf/tokenize.h"

namespace maas::text {
namespace {

using V = std::vector<std::string>;

TEST(TextClfTokenize, LowerCasesAndSplitsOnNonLetters) {
  EXPECT_EQ(words("Don't  STOP!the-music, 2x faster..."), (V{"don't", "stop", "the", "music", "2x", "faster"}));
  EXPECT_EQ(words(""), V{});
  EXPECT_EQ(words(" ,.;!? "), V{});
}

TEST(TextClfTokenize, KeepsOnlyInnerApostrophes) {
  EXPECT_EQ(words("'quoted' dogs' rock'n'roll isn\xE2\x80\x99t ''"), (V{"quoted", "dogs", "rock'n'roll", "isn't"}));
}

TEST(TextClfTokenize, KeepsUtf8WordsWhole) {
  EXPECT_EQ(words("Québec, CAFÉ"), (V{"québec", "cafÉ"}));  // only ASCII letters are lower-cased
}

TEST(TextClfTokenize, WordNgramsInOrderOfLength) {
  EXPECT_EQ(ngrams({"not", "very", "good"}, 1, 2), (V{"not", "very", "good", "not very", "very good"}));
  EXPECT_EQ(ngrams({"not", "very", "good"}, 3, 3), (V{"not very good"}));
  EXPECT_EQ(ngrams({"one"}, 2, 3), V{});
}

TEST(TextClfTokenize, CharacterNgramsOverCodePoints) {
  EXPECT_EQ(char_ngrams({"good"}, 3, 3), (V{"[<go]", "[goo]", "[ood]", "[od>]"}));
  EXPECT_EQ(char_ngrams({"é"}, 2, 3), (V{"[<é]", "[é>]", "[<é>]"}));
}

TEST(TextClfTfidf, VocabularyByDocumentFrequencyAndUnitLength) {
  TfidfOptions o;
  o.ngram_min = 1;
  o.ngram_max = 1;
  o.min_df = 2;
  o.sublinear_tf = false;
  const TfidfVectorizer v = TfidfVectorizer::fit({"good good film", "bad film", "good plot"}, o);
  EXPECT_EQ(v.terms(), (V{"film", "good"}));  // df 2 each, ties by the term; df-1 terms dropped
  // idf = ln((1 + 3) / (1 + 2)) + 1 for both; "good good film": tf 2 and 1 -> (2, 1) / sqrt(5).
  EXPECT_NEAR(v.idf()[0], std::log(4.0 / 3.0) + 1, 1e-6);
  const SparseVector x = v.transform("Good good FILM unknown");
  ASSERT_EQ(x.index, (std::vector<int32_t>{0, 1}));
  EXPECT_NEAR(x.value[0], 1 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(x.value[1], 2 / std::sqrt(5.0), 1e-6);
  EXPECT_EQ(v.transform("nothing known").size(), 0u);

  o.min_df = 1;
  o.max_features = 1;  // the most frequent term only: "film" and "good" tie on df 2, "film" sorts first
  EXPECT_EQ(TfidfVectorizer::fit({"good good film", "bad film", "good plot"}, o).terms(), V{"film"});
}

TEST(TextClfTfidf, SublinearTermFrequency) {
  TfidfOptions o;
  o.ngram_max = 1;
  o.min_df = 1;
  o.sublinear_tf = true;
  const TfidfVectorizer v = TfidfVectorizer::fit({"a b", "a c"}, o);
  // "a": df 2, idf 1 + ln(3/3) = 1, tf 1 + ln 3; "b": df 1, idf 1 + ln(3/2), tf 1.
  const SparseVector x = v.transform("a a a b");
  const double a = 1 + std::log(3.0), b = 1 + std::log(1.5), norm = std::sqrt(a * a + b * b);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(v.terms()[static_cast<size_t>(x.index[0])], "a");
  EXPECT_NEAR(x.value[0], a / norm, 1e-6);
  EXPECT_NEAR(x.value[1], b / norm, 1e-6);
}

}  // namespace
}  // namespace maas::text
