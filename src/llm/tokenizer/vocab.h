// A tokenizer vocabulary as GGUF describes it (tokenizer.ggml.*): token texts, types,
// scores, special token ids and the end-of-generation set, resolved the way llama.cpp
// resolves them (defaults per model type, names of well-known control tokens).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/gguf/gguf.h"
#include "llm/tokenizer/pretokenizer.h"
#include "llm/tokenizer/string_index.h"

namespace maas::llm {

using TokenId = int32_t;
inline constexpr TokenId kNoToken = -1;

// tokenizer.ggml.token_type values.
enum class TokenType : int32_t {
  kUndefined = 0, kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6,
};

enum class VocabModel { kSentencePiece, kByteLevelBpe };  // tokenizer.ggml.model llama / gpt2

struct SpecialTokens {
  TokenId bos = kNoToken, eos = kNoToken, eot = kNoToken, eom = kNoToken, unk = kNoToken;
  TokenId sep = kNoToken, pad = kNoToken, mask = kNoToken;
  TokenId fim_pre = kNoToken, fim_suf = kNoToken, fim_mid = kNoToken;
  TokenId fim_pad = kNoToken, fim_rep = kNoToken, fim_sep = kNoToken;
};

struct Vocab {
  VocabModel model = VocabModel::kSentencePiece;
  std::string model_name;  // tokenizer.ggml.model
  std::string pre_name;    // tokenizer.ggml.pre ("" if absent)
  PreTokenizer pre = PreTokenizer::kGpt2;

  std::vector<std::string> texts;
  std::vector<TokenType> types;
  std::vector<float> scores;
  StringIndex index;  // text -> id

  SpecialTokens special;
  std::vector<TokenId> eog;             // sorted
  std::vector<TokenId> split_specials;  // control/user-defined/unknown, longest text first

  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = false;  // SentencePiece: a leading space before the first word
  bool clean_spaces = false;      // decode: " ," -> "," etc.
  bool ignore_merges = false;     // BPE: a word that is a token is not merged (llama-3)

  size_t size() const { return texts.size(); }
  bool valid(TokenId id) const { return id >= 0 && static_cast<size_t>(id) < texts.size(); }
  TokenId find(std::string_view text) const { return index.find(texts, text); }
  TokenType type(TokenId id) const { return types[static_cast<size_t>(id)]; }
  // Control and unknown tokens: text only shown when asked (decode render_special).
  bool is_control_like(TokenId id) const {
    return type(id) == TokenType::kControl || type(id) == TokenType::kUnknown;
  }
};

// Reads the vocabulary from GGUF metadata; an error names the key that is wrong.
Result<Vocab> load_vocab(const GgufFile& file);

}  // namespace maas::llm
