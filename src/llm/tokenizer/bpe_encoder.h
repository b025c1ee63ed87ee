// GPT-2 style byte-level BPE (tokenizer.ggml.model = gpt2): text is split by the
// pre-tokenizer regex, each piece's bytes are mapped to GPT-2's printable alphabet, then
// adjacent symbols are merged lowest merge rank first.
#pragma once

#include "llm/tokenizer/text_encoder.h"
#include "llm/tokenizer/string_index.h"
#include "llm/tokenizer/unicode.h"

namespace maas::llm {

class BpeEncoder : public TextEncoder {
 public:
  // `merges` are tokenizer.ggml.merges lines "left right"; rank = position.
  static Result<std::unique_ptr<BpeEncoder>> create(const Vocab& vocab, const std::vector<std::string>& merges);
  static Result<std::unique_ptr<BpeEncoder>> create(const Vocab& vocab, const GgufArray& merges);

  void encode(std::string_view text, bool after_special, std::vector<TokenId>& out) const override;
  std::string piece(TokenId id) const override;

 private:
  explicit BpeEncoder(const Vocab& vocab) : vocab_(vocab) {}
  void add_merge(std::string_view line, int rank);
  // Merges one pre-tokenized word (already in the byte-level alphabet).
  void encode_word(const std::string& word, std::vector<TokenId>& out) const;
  int rank_of(std::string_view left, std::string_view right, std::string& scratch) const;

  const Vocab& vocab_;
  unicode::ByteLevelMap bytes_;
  std::vector<std::string> merges_;  // "left right", in rank order
  StringIndex ranks_;                // merge line -> rank
};

}  // namespace maas::llm
