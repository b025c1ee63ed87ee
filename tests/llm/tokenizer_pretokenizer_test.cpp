// The hand-written pre-tokenizer regexes and the Unicode helpers under them.
#include <gtest/gtest.h>

#include "llm/tokenizer/pretokenizer.h"
#include "llm/tokenizer/unicode.h"

namespace maas::llm {
namespace {

using Pieces = std::vector<std::string>;
using unicode::CharClass;

Pieces split(PreTokenizer kind, const std::string& text) {
  const std::vector<uint32_t> cps = unicode::decode_utf8(text);
  Pieces out;
  size_t covered = 0;
  for (const CodepointRange& r : pretokenize(kind, cps)) {
    EXPECT_EQ(r.begin, covered) << "ranges cover the text in order";
    covered = r.end;
    std::string piece;
    for (size_t i = r.begin; i < r.end; ++i) unicode::append_utf8(cps[i], piece);
    out.push_back(piece);
  }
  EXPECT_EQ(covered, cps.size());
  return out;
}

TEST(TokenizerPretokenizer, Llama3) {
  const auto k = PreTokenizer::kLlama3;
  EXPECT_EQ(split(k, "Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(split(k, "1234567"), (Pieces{"123", "456", "7"}));
  EXPECT_EQ(split(k, "don't"), (Pieces{"don", "'t"}));
  EXPECT_EQ(split(k, "DON'T we'LL"), (Pieces{"DON", "'T", " we", "'LL"}));
  EXPECT_EQ(split(k, "  \n\n  x"), (Pieces{"  \n\n", " ", " x"}));
  EXPECT_EQ(split(k, "a  b"), (Pieces{"a", " ", " b"}));
  EXPECT_EQ(split(k, "x   "), (Pieces{"x", "   "}));
  EXPECT_EQ(split(k, "hello!!\n\nworld"), (Pieces{"hello", "!!\n\n", "world"}));
  EXPECT_EQ(split(k, "...abc .x"), (Pieces{"...", "abc", " .", "x"}));
  EXPECT_EQ(split(k, "\tindent"), (Pieces{"\tindent"}));
  EXPECT_EQ(split(k, "a\xE3\x80\x80" "b"), (Pieces{"a", "\xE3\x80\x80" "b"}));  // U+3000 leads the word
  EXPECT_EQ(split(k, "x 42"), (Pieces{"x", " ", "42"}));
  EXPECT_EQ(split(k, ""), Pieces{});
}

TEST(TokenizerPretokenizer, Qwen2SplitsDigitsOneByOne) {
  const auto k = PreTokenizer::kQwen2;
  EXPECT_EQ(split(k, "1234 and 3.14"), (Pieces{"1", "2", "3", "4", " and", " ", "3", ".", "1", "4"}));
  EXPECT_EQ(split(k, "na\xC3\xAFve \xE4\xB8\xAD\xE6\x96\x87"), (Pieces{"na\xC3\xAFve", " \xE4\xB8\xAD\xE6\x96\x87"}));
  // NFD: the combining accent (a mark, not a letter) is a piece of its own.
  EXPECT_EQ(split(k, "Cafe\xCC\x81!"), (Pieces{"Cafe", "\xCC\x81!"}));
}

TEST(TokenizerPretokenizer, Gpt2) {
  const auto k = PreTokenizer::kGpt2;
  EXPECT_EQ(split(k, "Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(split(k, "1234567 x"), (Pieces{"1234567", " x"}));
  EXPECT_EQ(split(k, "don't DON'T"), (Pieces{"don", "'t", " DON", "'", "T"}));
  EXPECT_EQ(split(k, "a  b"), (Pieces{"a", " ", " b"}));
  EXPECT_EQ(split(k, "x\n\ny"), (Pieces{"x", "\n", "\n", "y"}));
  EXPECT_EQ(split(k, "end.  "), (Pieces{"end", ".", "  "}));
}

TEST(TokenizerUnicode, CharacterClasses) {
  EXPECT_EQ(unicode::char_class('A'), CharClass::kLetter);
  EXPECT_EQ(unicode::char_class('5'), CharClass::kNumber);
  EXPECT_EQ(unicode::char_class('_'), CharClass::kOther);
  EXPECT_EQ(unicode::char_class(' '), CharClass::kWhitespace);
  EXPECT_EQ(unicode::char_class(0x0661), CharClass::kNumber);  // Arabic-Indic one (Nd)
  EXPECT_EQ(unicode::char_class(0x2160), CharClass::kNumber);  // Roman numeral one (Nl)
  EXPECT_EQ(unicode::char_class(0x00BD), CharClass::kNumber);  // one half (No)
  EXPECT_EQ(unicode::char_class(0x4E2D), CharClass::kLetter);  // 中
  EXPECT_EQ(unicode::char_class(0xAC00), CharClass::kLetter);  // 가
  EXPECT_EQ(unicode::char_class(0x00E9), CharClass::kLetter);  // é
  EXPECT_EQ(unicode::char_class(0x0301), CharClass::kOther);   // combining acute (Mn)
  EXPECT_EQ(unicode::char_class(0x00A0), CharClass::kWhitespace);
  EXPECT_EQ(unicode::char_class(0x3000), CharClass::kWhitespace);
  EXPECT_EQ(unicode::char_class(0x200B), CharClass::kOther);   // zero width space (Cf)
  EXPECT_EQ(unicode::char_class(0x1F600), CharClass::kOther);  // emoji (So)
  EXPECT_EQ(unicode::char_class(0x20000), CharClass::kLetter); // CJK extension B
  EXPECT_EQ(unicode::char_class(0x10FFFF), CharClass::kOther);
  EXPECT_EQ(unicode::char_class(0x1FFFFF), CharClass::kOther);
}

TEST(TokenizerUnicode, DecodesUtf8LikeLlamaCpp) {
  using V = std::vector<uint32_t>;
  EXPECT_EQ(unicode::decode_utf8("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"), (V{'a', 0xE9, 0x4E2D, 0x1F600}));
  EXPECT_EQ(unicode::decode_utf8("\xFF\xFE"), (V{0xFFFD, 0xFFFD}));
  EXPECT_EQ(unicode::decode_utf8("\xE2\x82 "), (V{0xFFFD, 0xFFFD, ' '}));       // cut sequence
  EXPECT_EQ(unicode::decode_utf8("\xF0\x9F\x98"), (V{0xFFFD, 0xFFFD, 0xFFFD}));  // cut at the end
  EXPECT_EQ(unicode::decode_utf8("\xC3("), (V{0xFFFD, '('}));
  EXPECT_EQ(unicode::decode_utf8(std::string("\0", 1)), (V{0}));
}

TEST(TokenizerUnicode, ByteLevelMap) {
  unicode::ByteLevelMap map;
  EXPECT_EQ(map.encode(' '), "\xC4\xA0");   // Ġ
  EXPECT_EQ(map.encode('\n'), "\xC4\x8A");  // Ċ
  EXPECT_EQ(map.encode('A'), "A");
  for (int b = 0; b < 256; ++b) {
    const std::vector<uint32_t> cps = unicode::decode_utf8(map.encode(static_cast<uint8_t>(b)));
    ASSERT_EQ(cps.size(), 1u);
    EXPECT_EQ(map.decode(cps[0]), b);
  }
  EXPECT_EQ(map.decode(0x4E2D), -1);
}

}  // namespace
}  // namespace maas::llm
