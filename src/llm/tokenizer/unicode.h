// The few Unicode facts the tokenizers need: UTF-8 decoding as llama.cpp does it
// (an invalid byte becomes U+FFFD), character classes for the pre-tokenizer regexes
// (\p{L}, \p{N}, \s), and GPT-2's byte <-> printable-character mapping.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace maas::llm::unicode {

inline constexpr uint32_t kReplacementChar = 0xFFFD;

enum class CharClass : uint8_t { kOther = 0, kLetter, kNumber, kWhitespace };

// \p{L} -> kLetter, \p{N} -> kNumber, White_Space -> kWhitespace, anything else kOther.
CharClass char_class(uint32_t cp);

// Bytes of the UTF-8 sequence a lead byte announces (1 for continuation/invalid bytes).
size_t utf8_sequence_length(uint8_t lead);

// Decodes UTF-8 into code points. A byte that does not start a well-formed sequence
// (bad lead byte, missing or bad continuation bytes) becomes U+FFFD and decoding goes
// on at the next byte. Overlong forms are accepted, like llama.cpp.
std::vector<uint32_t> decode_utf8(std::string_view text);

void append_utf8(uint32_t cp, std::string& out);

// GPT-2 byte-level BPE alphabet: every byte has a printable stand-in character.
class ByteLevelMap {
 public:
  ByteLevelMap();
  // UTF-8 of the stand-in for `byte`.
  const std::string& encode(uint8_t byte) const { return byte_to_utf8_[byte]; }
  // The byte a stand-in code point represents, or -1 if it is not one.
  int decode(uint32_t cp) const { return cp < cp_to_byte_.size() ? cp_to_byte_[cp] : -1; }

 private:
  std::array<std::string, 256> byte_to_utf8_;
  std::array<int16_t, 324> cp_to_byte_;  // stand-ins are all below U+0144
};

}  // namespace maas::llm::unicode
