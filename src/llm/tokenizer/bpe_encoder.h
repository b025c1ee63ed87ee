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
  // A merge of two symbols: its rank (lower merges first) and the token it makes.
  struct Merge {
    int rank = -1;
    TokenId merged = kNoToken;
  };
  // Merges keyed by the token ids of their halves, in an open-addressing table.
  class PairTable {
   public:
    void reserve(size_t n);
    void add(TokenId left, TokenId right, Merge m);  // keeps the first of equal keys
    Merge find(TokenId left, TokenId right) const;

   private:
    struct Slot {
      uint64_t key = ~uint64_t{0};
      Merge merge;
    };
    static uint64_t key_of(TokenId l, TokenId r) { return (uint64_t(uint32_t(l)) << 32) | uint32_t(r); }
    std::vector<Slot> slots_;
  };

  explicit BpeEncoder(const Vocab& vocab);
  void add_merge(std::string_view line, int rank);
  // Merges one pre-tokenized word (already in the byte-level alphabet).
  void encode_word(const std::string& word, std::vector<TokenId>& out) const;

  const Vocab& vocab_;
  unicode::ByteLevelMap bytes_;
  TokenId byte_symbol_ids_[256];  // the token of each byte's stand-in character
  PairTable pair_merges_;         // merges whose halves are both tokens (all, in practice)
  // Merges with a half that is no token, looked up by their text "left right".
  std::vector<std::string> text_merges_;
  std::vector<Merge> text_merge_info_;
  StringIndex text_merge_index_;
};

}  // namespace maas::llm
