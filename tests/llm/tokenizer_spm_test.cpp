// SentencePiece-style tokenizer of stories260K (512 tokens, byte fallback <0x00>..<0xFF>).
#include <gtest/gtest.h>

#include "llm/gguf/gguf.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {
namespace {

using Ids = std::vector<TokenId>;

class TokenizerSpm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto file = GgufFile::open(std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf");
    ASSERT_TRUE(file.is_ok()) << file.status().message();
    auto tok = Tokenizer::from_gguf(**file);
    ASSERT_TRUE(tok.is_ok()) << tok.status().message();
    tokenizer_ = *tok;
  }
  static void TearDownTestSuite() { tokenizer_.reset(); }
  static std::shared_ptr<const Tokenizer> tokenizer_;
};
std::shared_ptr<const Tokenizer> TokenizerSpm::tokenizer_;

TokenId byte_id(uint8_t b) { return 3 + b; }

TEST_F(TokenizerSpm, Vocabulary) {
  const Tokenizer& t = *tokenizer_;
  EXPECT_EQ(t.vocab_size(), 512u);
  EXPECT_EQ(t.model_name(), "llama");
  EXPECT_EQ(t.bos(), 1);
  EXPECT_EQ(t.eos(), 2);
  EXPECT_EQ(t.unk(), 0);
  EXPECT_TRUE(t.adds_bos());
  EXPECT_EQ(t.eog_ids(), Ids{2});
  EXPECT_FALSE(t.is_eog(1)) << "BOS ends a llama2.c story but is no EOG for llama.cpp";
  EXPECT_EQ(t.token_type(byte_id(0x0A)), TokenType::kByte);
  EXPECT_EQ(t.token_to_piece(byte_id(0x0A)), "\n");
  EXPECT_EQ(t.token_to_piece(403), " Once");
  EXPECT_EQ(t.token_text(403), "\xE2\x96\x81Once");
  EXPECT_EQ(t.token_to_piece(1), "<s>");
}

TEST_F(TokenizerSpm, OnceUponATime) {
  const Tokenizer& t = *tokenizer_;
  EXPECT_EQ(t.encode("Once upon a time", true, true), (Ids{1, 403, 407, 261, 378}));
  EXPECT_EQ(t.encode("Once upon a time", false, true), (Ids{403, 407, 261, 378}));
  EXPECT_EQ(t.decode(Ids{403, 407, 261, 378}), "Once upon a time");
  // As llama.cpp's detokenize: the leading-space strip applies to the first token (BOS).
  EXPECT_EQ(t.decode(Ids{1, 403, 407, 261, 378}), "<s> Once upon a time");
  EXPECT_EQ(t.decode(Ids{1, 403, 407, 261, 378}, false), " Once upon a time");
  // The README's greedy continuation.
  const Ids continuation = {432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267,
                            337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432};
  std::string text;
  for (TokenId id : continuation) text += t.token_to_piece(id);
  EXPECT_EQ(text, ", there was a little girl named Lily. She loved to play outside in the park. One day,");
}

TEST_F(TokenizerSpm, EmptyTextIsJustBos) {
  const Tokenizer& t = *tokenizer_;
  EXPECT_EQ(t.encode("", true, true), Ids{1});
  EXPECT_EQ(t.encode("", false, true), Ids{});
}

TEST_F(TokenizerSpm, ByteFallbackForCharactersNotInTheVocabulary) {
  const Tokenizer& t = *tokenizer_;
  // "ü" is C3 BC; the vocabulary has no such piece ("é" and "ñ" it has), so it is two
  // byte tokens after the word-start piece "▁".
  EXPECT_EQ(t.encode("\xC3\xBC", false, true), (Ids{410, byte_id(0xC3), byte_id(0xBC)}));
  EXPECT_EQ(t.encode("\xC3\xB1", false, true), (Ids{410, 493}));
  EXPECT_EQ(t.encode("\xE4\xB8\xAD", false, true), (Ids{410, byte_id(0xE4), byte_id(0xB8), byte_id(0xAD)}));
  const Ids ids = t.encode("Z\xC3\xBCrich", false, true);
  EXPECT_EQ(t.decode(ids), "Z\xC3\xBCrich");
  // An emoji is four byte tokens and comes back whole.
  const std::string emoji = "Lily saw a \xF0\x9F\x98\x80 and a \xE2\x9C\xA8!";
  const Ids e = t.encode(emoji, false, true);
  EXPECT_NE(std::find(e.begin(), e.end(), byte_id(0xF0)), e.end());
  EXPECT_NE(std::find(e.begin(), e.end(), byte_id(0x80)), e.end());
  EXPECT_EQ(t.decode(e), emoji);
}

TEST_F(TokenizerSpm, RoundTripsAnyBytes) {
  const Tokenizer& t = *tokenizer_;
  // Invalid UTF-8 comes back byte for byte too (unless a broken lead byte swallows a
  // following space marker, as in llama.cpp).
  for (const std::string& s : {std::string("line one\nline two\r\n\ttab"), std::string("  two  spaces  "),
                              std::string("bad \xFF\xFExyzw bytes\xC3("), std::string("\xE4\xB8\xAD\xE6\x96\x87"),
                              std::string("a\0b", 3)}) {
    EXPECT_EQ(t.decode(t.encode(s, false, true)), s) << s;
    EXPECT_EQ(t.decode(t.encode(s, true, true), false), " " + s) << s;
  }
  EXPECT_EQ(t.encode("\n", false, true), (Ids{410, byte_id(0x0A)}));
}

TEST_F(TokenizerSpm, SpecialTokenText) {
  const Tokenizer& t = *tokenizer_;
  const Ids parsed = t.encode("<s>Once</s>", false, true);
  EXPECT_EQ(parsed.front(), 1);
  EXPECT_EQ(parsed.back(), 2);
  EXPECT_EQ(t.decode(parsed), "<s> Once</s>") << "a space prefix follows a special token";
  const Ids plain = t.encode("<s>Once</s>", false, false);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 1), 0);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 2), 0);
  EXPECT_EQ(t.decode(plain), "<s>Once</s>");
}

}  // namespace
}  // namespace maas::llm
