#include "llm/tokenizer/tokenizer.h"

#include <algorithm>

#include "llm/tokenizer/bpe_encoder.h"
#include "llm/tokenizer/special_split.h"
#include "llm/tokenizer/spm_encoder.h"

namespace maas::llm {
namespace {

const std::string kEmpty;

Result<std::unique_ptr<TextEncoder>> make_encoder(const GgufFile& file, const Vocab& vocab) {
  if (vocab.model == VocabModel::kSentencePiece) return std::unique_ptr<TextEncoder>(new SpmEncoder(vocab));
  const GgufValue* merges = file.find("tokenizer.ggml.merges");
  if (!merges) return invalid_argument("byte-level BPE model without tokenizer.ggml.merges");
  const auto* array = std::get_if<std::shared_ptr<GgufArray>>(&merges->v);
  if (!array || !*array)
    return invalid_argument("metadata 'tokenizer.ggml.merges' is {}, want an array", gguf_type_name(merges->type));
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<BpeEncoder> bpe, BpeEncoder::create(vocab, **array));
  return std::unique_ptr<TextEncoder>(std::move(bpe));
}

}  // namespace

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {}
Tokenizer::~Tokenizer() = default;

Result<std::shared_ptr<const Tokenizer>> Tokenizer::from_gguf(const GgufFile& file) {
  Result<Vocab> vocab = load_vocab(file);
  if (!vocab.is_ok()) return vocab.status().with_context("loading the tokenizer");
  std::shared_ptr<Tokenizer> tok(new Tokenizer(std::move(vocab).value()));
  Result<std::unique_ptr<TextEncoder>> encoder = make_encoder(file, tok->vocab_);
  if (!encoder.is_ok()) return encoder.status().with_context("loading the tokenizer");
  tok->encoder_ = std::move(encoder).value();
  tok->pieces_.reserve(tok->vocab_.size());
  for (size_t i = 0; i < tok->vocab_.size(); ++i) tok->pieces_.push_back(tok->encoder_->piece(static_cast<TokenId>(i)));
  return std::shared_ptr<const Tokenizer>(std::move(tok));
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
  std::vector<TokenId> out;
  out.reserve(text.size() / 3 + 2);
  if (add_bos && vocab_.add_bos) out.push_back(vocab_.special.bos);
  bool after_special = true;
  for (const Fragment& f : split_special_tokens(vocab_, text, parse_special)) {
    if (f.token != kNoToken) {
      out.push_back(f.token);
      after_special = true;
    } else {
      encoder_->encode(f.text, after_special, out);
      after_special = false;
    }
  }
  if (add_bos && vocab_.add_eos) out.push_back(vocab_.special.eos);
  return out;
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool render_special) const {
  std::string text;
  bool strip_space = vocab_.add_space_prefix;  // the space SentencePiece put before the text
  for (TokenId id : ids) {
    if (!valid_id(id)) continue;
    const bool hidden = !render_special && vocab_.is_control_like(id);
    std::string_view piece = hidden ? std::string_view() : std::string_view(pieces_[static_cast<size_t>(id)]);
    if (strip_space && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    strip_space = false;
    text += piece;
  }
  return vocab_.clean_spaces ? clean_up_spaces(std::move(text)) : text;
}

// llama.cpp's clean_spaces: " ?" " !" " ." " ," lose the space, " ' " becomes "'", and
// " 's" " 'm" " 're" " 've" lose the space.
std::string Tokenizer::clean_up_spaces(std::string in) const {
  if (in.size() < 2) return in;
  std::string out(1, in[0]);
  for (size_t i = 1; i < in.size(); ++i) {
    const char x = in[i];
    if (in[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) out.pop_back();
    out.push_back(x);
  }
  in.swap(out);
  out.assign(1, in[0]);
  for (size_t i = 1; i < in.size(); ++i) {
    const char x = in[i];
    if (x == '\'' && i + 1 < in.size() && in[i - 1] == ' ' && in[i + 1] == ' ') {
      out.pop_back();
      in[++i] = '\0';  // the next space is dropped (and no longer counts as a space)
    }
    out.push_back(x);
  }
  in.swap(out);
  out.assign(1, in[0]);
  for (size_t i = 1; i < in.size(); ++i) {
    const char x = in[i];
    if (in[i - 1] == ' ' && x == '\'' && i + 1 < in.size()) {
      const char x1 = in[i + 1];
      const char x2 = i + 2 < in.size() ? in[i + 2] : '\0';
      if (x1 == 's' || x1 == 'm' || (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) out.pop_back();
    }
    out.push_back(x);
  }
  return out;
}

const std::string& Tokenizer::token_to_piece(TokenId id) const {
  return valid_id(id) ? pieces_[static_cast<size_t>(id)] : kEmpty;
}

const std::string& Tokenizer::token_text(TokenId id) const {
  return valid_id(id) ? vocab_.texts[static_cast<size_t>(id)] : kEmpty;
}

Status Tokenizer::valid_ids(std::span<const TokenId> ids) const {
  for (size_t i = 0; i < ids.size(); ++i)
    if (!valid_id(ids[i]))
      return invalid_argument("token id {} at position {} is outside the vocabulary of {} tokens", ids[i], i,
                              vocab_size());
  return Status::ok();
}

bool Tokenizer::is_eog(TokenId id) const { return std::binary_search(vocab_.eog.begin(), vocab_.eog.end(), id); }

}  // namespace maas::llm
