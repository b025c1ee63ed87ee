// SentencePiece-style BPE (tokenizer.ggml.model = llama): spaces become U+2581 "▁", a
// space is put in front of the text, adjacent symbols merge highest score first, and
// symbols that are no token fall back to byte tokens <0xNN>.
#pragma once

#include "llm/tokenizer/text_encoder.h"

namespace maas::llm {

class SpmEncoder : public TextEncoder {
 public:
  explicit SpmEncoder(const Vocab& vocab);
  void encode(std::string_view text, bool after_special, std::vector<TokenId>& out) const override;
  std::string piece(TokenId id) const override;

 private:
  void push_bytes(std::string_view symbol, std::vector<TokenId>& out) const;

  const Vocab& vocab_;
  TokenId byte_tokens_[256];  // <0xNN> (or the plain one-byte token), kNoToken if neither
};

}  // namespace maas::llm
