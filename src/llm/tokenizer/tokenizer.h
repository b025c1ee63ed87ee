// Text <-> token ids for a GGUF model, matching llama.cpp token for token.
//
//   auto tok = Tokenizer::from_gguf(file);          // tokenizer.ggml.* metadata
//   std::vector<TokenId> ids = (*tok)->encode("Hello", /*add_bos=*/true, /*parse_special=*/true);
//   std::string text = (*tok)->decode(ids);
//
// Models: tokenizer.ggml.model "llama" (SentencePiece with byte fallback) and "gpt2"
// (byte-level BPE; pre-tokenizers qwen2, llama-bpe / llama3, gpt-2). A Tokenizer is
// immutable after loading and safe to share between threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/gguf/gguf.h"
#include "llm/tokenizer/vocab.h"

namespace maas::llm {

class TextEncoder;

class Tokenizer {
 public:
  static Result<std::shared_ptr<const Tokenizer>> from_gguf(const GgufFile& file);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Token ids of `text` (any bytes; invalid UTF-8 is handled as llama.cpp does).
  // add_bos: add the tokens the model asks for around a prompt (BOS when
  //   tokenizer.ggml.add_bos_token, EOS when add_eos_token), i.e. llama.cpp's add_special.
  //   Qwen3 asks for none, Llama 2/3 for BOS.
  // parse_special: text like "<|im_start|>" becomes that control token; when false it is
  //   tokenized as plain text (user-defined tokens such as "<think>" are split out always).
  std::vector<TokenId> encode(std::string_view text, bool add_bos = true, bool parse_special = true) const;

  // The bytes `ids` stand for, joined (llama.cpp's detokenize). With render_special false,
  // control tokens (BOS, <|im_end|>, ...) give no text. Ids outside the vocabulary are
  // skipped (check them with valid_ids first where that matters).
  std::string decode(std::span<const TokenId> ids, bool render_special = true) const;

  // The bytes of one token (control tokens as their text); "" for an invalid id. A piece
  // may be part of a UTF-8 character (byte tokens, byte-level BPE).
  const std::string& token_to_piece(TokenId id) const;
  // The token's string in the vocabulary ("Ġthe", "▁Once", "<0x0A>"); "" for an invalid id.
  const std::string& token_text(TokenId id) const;
  // The id of a vocabulary string, or kNoToken.
  TokenId find_token(std::string_view text) const { return vocab_.find(text); }

  size_t vocab_size() const { return vocab_.size(); }
  bool valid_id(TokenId id) const { return vocab_.valid(id); }
  Status valid_ids(std::span<const TokenId> ids) const;
  TokenType token_type(TokenId id) const { return valid_id(id) ? vocab_.type(id) : TokenType::kUndefined; }

  TokenId bos() const { return vocab_.special.bos; }  // kNoToken if the model has none
  TokenId eos() const { return vocab_.special.eos; }
  TokenId eot() const { return vocab_.special.eot; }
  TokenId unk() const { return vocab_.special.unk; }
  TokenId pad() const { return vocab_.special.pad; }
  const SpecialTokens& special() const { return vocab_.special; }
  // End-of-generation tokens (eos, eot, <|im_end|>, <|endoftext|>, FIM pad/repo/sep ...).
  const std::vector<TokenId>& eog_ids() const { return vocab_.eog; }
  bool is_eog(TokenId id) const;
  bool adds_bos() const { return vocab_.add_bos; }
  bool adds_eos() const { return vocab_.add_eos; }

  const std::string& model_name() const { return vocab_.model_name; }  // "llama", "gpt2"
  const std::string& pre_name() const { return vocab_.pre_name; }      // "qwen2", ...

 private:
  explicit Tokenizer(Vocab vocab);
  std::string clean_up_spaces(std::string text) const;

  Vocab vocab_;
  std::unique_ptr<TextEncoder> encoder_;
  std::vector<std::string> pieces_;  // token_to_piece for every id
};

}  // namespace maas::llm
