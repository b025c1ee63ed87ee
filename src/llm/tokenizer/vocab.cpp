#include "llm/tokenizer/vocab.h"

#include <algorithm>
#include <array>

namespace maas::llm {
namespace {

// The array stored under `key`, or nullptr if the key is absent; an error if it is not
// an array of one of `allowed` element types.
Result<const GgufArray*> find_array(const GgufFile& file, const std::string& key,
                                    std::initializer_list<GgufType> allowed) {
  const GgufValue* v = file.find(key);
  if (!v) return static_cast<const GgufArray*>(nullptr);
  const auto* a = std::get_if<std::shared_ptr<GgufArray>>(&v->v);
  if (!a || !*a) return invalid_argument("metadata '{}' is {}, want an array", key, gguf_type_name(v->type));
  const GgufType elem = (*a)->elem_type;
  if (!(*a)->items.empty() && std::find(allowed.begin(), allowed.end(), elem) == allowed.end())
    return invalid_argument("metadata '{}' is an array of {}", key, gguf_type_name(elem));
  return a->get();
}

double number_of(const GgufValue& v) {
  if (const auto* d = std::get_if<double>(&v.v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v.v)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<uint64_t>(&v.v)) return static_cast<double>(*u);
  return 0;
}

TokenType token_type_of(int64_t t) {
  return (t >= 0 && t <= 6) ? static_cast<TokenType>(t) : TokenType::kUndefined;
}

Status load_tokens(const GgufFile& file, Vocab& vocab) {
  MAAS_ASSIGN_OR_RETURN(const GgufArray* tokens, find_array(file, "tokenizer.ggml.tokens", {GgufType::kString}));
  if (!tokens || tokens->items.empty()) return invalid_argument("the model has no vocabulary (tokenizer.ggml.tokens)");
  if (tokens->items.size() > static_cast<size_t>(INT32_MAX))
    return invalid_argument("vocabulary of {} tokens is too large", tokens->items.size());
  const size_t n = tokens->items.size();
  MAAS_ASSIGN_OR_RETURN(const GgufArray* scores,
                        find_array(file, "tokenizer.ggml.scores", {GgufType::kFloat32, GgufType::kInt32}));
  MAAS_ASSIGN_OR_RETURN(const GgufArray* types, find_array(file, "tokenizer.ggml.token_type", {GgufType::kInt32}));
  if (scores && scores->items.size() < n)
    return invalid_argument("tokenizer.ggml.scores has {} entries for {} tokens", scores->items.size(), n);
  if (types && types->items.size() < n)
    return invalid_argument("tokenizer.ggml.token_type has {} entries for {} tokens", types->items.size(), n);

  vocab.texts.resize(n);
  vocab.types.assign(n, TokenType::kNormal);
  vocab.scores.assign(n, 0.0f);
  vocab.index = StringIndex(n);
  for (size_t i = 0; i < n; ++i) {
    std::string& text = vocab.texts[i];
    text = std::get<std::string>(tokens->items[i].v);
    if (text.empty()) text = "[EMPTY_" + std::to_string(i) + "]";  // as llama.cpp: keep ids unique
    if (scores) vocab.scores[i] = static_cast<float>(number_of(scores->items[i]));
    if (types) vocab.types[i] = token_type_of(static_cast<int64_t>(number_of(types->items[i])));
    const int32_t earlier = vocab.index.add(vocab.texts, static_cast<int32_t>(i));
    if (earlier >= 0)
      return invalid_argument("duplicate token '{}' in the vocabulary (ids {} and {})", text, earlier, i);
  }
  return Status::ok();
}

// Model-type and pre-tokenizer defaults, as llama.cpp sets them before reading overrides.
Status set_model_defaults(const GgufFile& file, Vocab& vocab) {
  MAAS_ASSIGN_OR_RETURN(vocab.model_name, file.get_string("tokenizer.ggml.model"));
  MAAS_ASSIGN_OR_RETURN(vocab.pre_name, file.get_string_or("tokenizer.ggml.pre", ""));
  SpecialTokens& s = vocab.special;
  if (vocab.model_name == "llama") {
    vocab.model = VocabModel::kSentencePiece;
    s.bos = 1, s.eos = 2, s.unk = 0;
    vocab.add_space_prefix = true;
    vocab.add_bos = true;
    return Status::ok();
  }
  if (vocab.model_name != "gpt2")
    return Status(Code::kUnimplemented,
                  fmt::format("tokenizer model '{}' is not supported (supported: llama, gpt2)", vocab.model_name));
  vocab.model = VocabModel::kByteLevelBpe;
  s.bos = 11, s.eos = 11;  // llama.cpp's defaults for gpt2 vocabularies
  vocab.clean_spaces = true;
  const std::string& pre = vocab.pre_name;
  if (pre.empty() || pre == "default" || pre == "gpt-2" || pre == "gpt2" || pre == "phi-2" || pre == "mpt" ||
      pre == "olmo") {
    vocab.pre = PreTokenizer::kGpt2;
  } else if (pre == "llama3" || pre == "llama-v3" || pre == "llama-bpe" || pre == "falcon3") {
    vocab.pre = PreTokenizer::kLlama3;
    vocab.ignore_merges = true;
    vocab.add_bos = true;
  } else if (pre == "qwen2" || pre == "deepseek-r1-qwen") {
    vocab.pre = PreTokenizer::kQwen2;
    vocab.clean_spaces = false;
  } else if (pre == "megrez" || pre == "stablelm2") {
    vocab.pre = PreTokenizer::kQwen2;
  } else {
    return Status(Code::kUnimplemented,
                  fmt::format("pre-tokenizer '{}' is not supported (supported: qwen2, llama-bpe, gpt-2)", pre));
  }
  return Status::ok();
}

Status read_special_ids(const GgufFile& file, Vocab& vocab) {
  SpecialTokens& s = vocab.special;
  const std::pair<const char*, TokenId*> keys[] = {
      {"tokenizer.ggml.bos_token_id", &s.bos},         {"tokenizer.ggml.eos_token_id", &s.eos},
      {"tokenizer.ggml.eot_token_id", &s.eot},         {"tokenizer.ggml.eom_token_id", &s.eom},
      {"tokenizer.ggml.unknown_token_id", &s.unk},     {"tokenizer.ggml.seperator_token_id", &s.sep},
      {"tokenizer.ggml.padding_token_id", &s.pad},     {"tokenizer.ggml.mask_token_id", &s.mask},
      {"tokenizer.ggml.fim_pre_token_id", &s.fim_pre}, {"tokenizer.ggml.fim_suf_token_id", &s.fim_suf},
      {"tokenizer.ggml.fim_mid_token_id", &s.fim_mid}, {"tokenizer.ggml.fim_pad_token_id", &s.fim_pad},
      {"tokenizer.ggml.fim_rep_token_id", &s.fim_rep}, {"tokenizer.ggml.fim_sep_token_id", &s.fim_sep},
      {"tokenizer.ggml.prefix_token_id", &s.fim_pre},  {"tokenizer.ggml.suffix_token_id", &s.fim_suf},
      {"tokenizer.ggml.middle_token_id", &s.fim_mid},
  };
  for (const auto& [key, id] : keys) {
    if (!vocab.valid(*id)) *id = kNoToken;  // a default outside a small vocabulary
    // A missing, negative or out-of-range id keeps the default, as in llama.cpp.
    Result<uint64_t> value = file.get_uint_or(key, UINT64_MAX);
    if (value.is_ok() && *value < vocab.size()) *id = static_cast<TokenId>(*value);
  }
  MAAS_ASSIGN_OR_RETURN(vocab.add_bos, file.get_bool_or("tokenizer.ggml.add_bos_token", vocab.add_bos));
  MAAS_ASSIGN_OR_RETURN(vocab.add_eos, file.get_bool_or("tokenizer.ggml.add_eos_token", vocab.add_eos));
  MAAS_ASSIGN_OR_RETURN(vocab.add_space_prefix,
                        file.get_bool_or("tokenizer.ggml.add_space_prefix", vocab.add_space_prefix));
  if (vocab.add_bos && s.bos == kNoToken)
    return invalid_argument("tokenizer.ggml.add_bos_token is true but the model has no BOS token");
  if (vocab.add_eos && s.eos == kNoToken)
    return invalid_argument("tokenizer.ggml.add_eos_token is true but the model has no EOS token");
  return Status::ok();
}

// Finds a token by well-known names, in order; marks it control (as llama.cpp does).
TokenId find_named(Vocab& vocab, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    const TokenId id = vocab.find(name);
    if (id != kNoToken) {
      vocab.types[static_cast<size_t>(id)] = TokenType::kControl;
      return id;
    }
  }
  return kNoToken;
}

// Tokens whose text says they end a generation (llama.cpp's list).
constexpr std::array<std::string_view, 13> kEogNames = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
    "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
    "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",  // DeepSeek
};

void resolve_end_of_generation(Vocab& vocab) {
  SpecialTokens& s = vocab.special;
  auto fill = [&](TokenId& id, std::initializer_list<std::string_view> names) {
    if (id == kNoToken) id = find_named(vocab, names);
  };
  fill(s.eot, {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
               "<EOT>", "_<EOT>", "<end_of_utterance>"});
  fill(s.eom, {"<|eom_id|>"});
  fill(s.fim_pre, {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<PRE>", "\xE2\x96\x81<PRE>"});
  fill(s.fim_suf, {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<SUF>", "\xE2\x96\x81<SUF>"});
  fill(s.fim_mid, {"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<MID>", "\xE2\x96\x81<MID>"});
  fill(s.fim_pad, {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"});
  fill(s.fim_rep, {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"});
  fill(s.fim_sep, {"<|file_sep|>"});

  std::vector<TokenId> eog = {s.fim_pad, s.fim_rep, s.fim_sep, s.eos, s.eot, s.eom};
  for (std::string_view name : kEogNames) eog.push_back(find_named(vocab, {name}));
  eog.erase(std::remove(eog.begin(), eog.end(), kNoToken), eog.end());
  std::sort(eog.begin(), eog.end());
  eog.erase(std::unique(eog.begin(), eog.end()), eog.end());
  // gpt-oss style vocabularies: <|end|> closes a message, not the generation.
  const TokenId end = vocab.find("<|end|>");
  if (end != kNoToken && vocab.find("<|return|>") != kNoToken && vocab.find("<|call|>") != kNoToken) {
    eog.erase(std::remove(eog.begin(), eog.end(), end), eog.end());
    vocab.types[static_cast<size_t>(end)] = TokenType::kUserDefined;
  }
  vocab.eog = std::move(eog);
}

void collect_split_specials(Vocab& vocab) {
  for (size_t i = 0; i < vocab.size(); ++i) {
    const TokenType t = vocab.types[i];
    if (t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown)
      vocab.split_specials.push_back(static_cast<TokenId>(i));
  }
  std::stable_sort(vocab.split_specials.begin(), vocab.split_specials.end(), [&](TokenId a, TokenId b) {
    return vocab.texts[static_cast<size_t>(a)].size() > vocab.texts[static_cast<size_t>(b)].size();
  });
}

}  // namespace

Result<Vocab> load_vocab(const GgufFile& file) {
  Vocab vocab;
  MAAS_RETURN_IF_ERROR(set_model_defaults(file, vocab));
  MAAS_RETURN_IF_ERROR(load_tokens(file, vocab));
  MAAS_RETURN_IF_ERROR(read_special_ids(file, vocab));
  resolve_end_of_generation(vocab);
  collect_split_specials(vocab);
  return vocab;
}

}  // namespace maas::llm
