// What differs between tokenizer models: how plain text becomes ids, and how one id
// reads back as bytes. Tokenizer (tokenizer.h) does everything around it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llm/tokenizer/vocab.h"

namespace maas::llm {

class TextEncoder {
 public:
  virtual ~TextEncoder() = default;
  // Appends the ids of a plain-text fragment. `after_special` is true at the start of the
  // text and right after a special token (SentencePiece then adds its space prefix).
  virtual void encode(std::string_view text, bool after_special, std::vector<TokenId>& out) const = 0;
  // The bytes token `id` stands for; control-like tokens give their text.
  virtual std::string piece(TokenId id) const = 0;
};

}  // namespace maas::llm
