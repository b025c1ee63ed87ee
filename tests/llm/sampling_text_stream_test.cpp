// Streaming text out of sampled tokens: whole UTF-8 characters only, stop sequences
// held back until they are ruled out, nothing after a stop.
#include <gtest/gtest.h>

#include "llm/runtime/text_stream.h"

namespace maas::llm {
namespace {

TEST(SamplingTextStream, SplitsMultiByteCharactersNever) {
  TextStream s;
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  EXPECT_EQ(s.push("a"), "a");
  EXPECT_EQ(s.push(euro.substr(0, 1)), "");
  EXPECT_EQ(s.push(euro.substr(1, 1)), "");
  EXPECT_EQ(s.push(euro.substr(2) + "b"), euro + "b");
  EXPECT_EQ(s.push("\xF0\x9F"), "");  // half an emoji
  EXPECT_EQ(s.finish(), "\xEF\xBF\xBD");  // ends unfinished: U+FFFD
}

TEST(SamplingTextStream, StopSequenceAcrossTokens) {
  TextStream s({"\n\nUser:", "END"});
  std::string out;
  for (const char* piece : {"Hello", " world", "\n", "\nUs", "er", ": hi"}) out += s.push(piece);
  EXPECT_TRUE(s.stopped());
  EXPECT_EQ(out, "Hello world");
  EXPECT_EQ(s.push("more"), "");
}

TEST(SamplingTextStream, HeldBackPrefixIsReleasedWhenItIsNotAStop) {
  TextStream s({"END"});
  EXPECT_EQ(s.push("the EN"), "the ");
  EXPECT_EQ(s.push("D"), "");
  EXPECT_TRUE(s.stopped());

  TextStream t({"END"});
  EXPECT_EQ(t.push("an EN"), "an ");
  EXPECT_EQ(t.push("Ds"), "");  // "an ENDs" contains END: nothing more
  EXPECT_TRUE(t.stopped());

  TextStream u({"END"});
  EXPECT_EQ(u.push("E"), "");
  EXPECT_EQ(u.push("X"), "EX");
  EXPECT_EQ(u.push("E"), "");
  EXPECT_EQ(u.finish(), "E");
  EXPECT_FALSE(u.stopped());
}

TEST(SamplingTextStream, CompletePrefix) {
  EXPECT_EQ(utf8_complete_prefix("abc"), 3u);
  EXPECT_EQ(utf8_complete_prefix("ab\xC3"), 2u);
  EXPECT_EQ(utf8_complete_prefix("ab\xC3\xA9"), 4u);
  EXPECT_EQ(utf8_complete_prefix("\xF0\x9F\x98"), 0u);
  EXPECT_EQ(utf8_complete_prefix("\x80\x80"), 2u);  // stray continuation bytes pass through
}

}  // namespace
}  // namespace maas::llm
