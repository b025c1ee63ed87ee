// The BPE vocabulary: runs, learnt merges, lossless round trips, unknown characters,
// and rebuilding from the stored parts.
#include <gtest/gtest.h>

#include "seq2seq/network.h"
#include "seq2seq/vocabulary.h"

namespace maas::seq2seq {
namespace {

TEST(Seq2seqVocabulary, SplitsRunsAtSpacesAndPunctuation) {
  const std::vector<TextRun> runs = split_runs("In the beginning, God  créó.");
  ASSERT_EQ(runs.size(), 7u);
  EXPECT_EQ(runs[2].text, "beginning");
  EXPECT_TRUE(runs[2].word_start);
  EXPECT_EQ(runs[3].text, ",");
  EXPECT_FALSE(runs[3].word_start);
  EXPECT_EQ(runs[5].text, "créó");
}

TEST(Seq2seqVocabulary, LearnsFrequentPairsFirst) {
  const Vocabulary v = Vocabulary::train({"low low low lower", "newest, newest widest"}, 40, true);
  // "▁l" + "o" ... "▁low" becomes one piece: the text is one token per frequent word.
  const std::vector<int32_t> ids = v.encode("low");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(v.piece(ids[0]), "\xE2\x96\x81low");
  EXPECT_EQ(v.decode(v.encode("low lower newest, widest")), "low lower newest, widest");
  EXPECT_LE(v.size(), 40);
}

TEST(Seq2seqVocabulary, CharactersOnlyAndUnknowns) {
  const Vocabulary v = Vocabulary::train({"abc abc"}, 100, false);
  EXPECT_EQ(v.size(), 4 + 4);  // specials + ▁ a b c
  const std::vector<int32_t> ids = v.encode("abz");
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[3], kUnk);
  EXPECT_EQ(v.decode(ids), "ab");  // the unknown character is dropped
}

TEST(Seq2seqVocabulary, RebuildsFromStoredParts) {
  const Vocabulary v = Vocabulary::train({"the cat sat on the mat", "the hat"}, 30, true);
  Result<Vocabulary> w = Vocabulary::from_parts(v.pieces(), v.merge_left(), v.merge_right());
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  EXPECT_EQ(w->encode("the mat sat on a hat"), v.encode("the mat sat on a hat"));
  EXPECT_FALSE(Vocabulary::from_parts({"<pad>", "<unk>"}, {}, {}).is_ok());
  EXPECT_FALSE(Vocabulary::from_parts(v.pieces(), {4}, {}).is_ok());
}

}  // namespace
}  // namespace maas::seq2seq
