// ChatTemplateInfo from a GGUF file's metadata.
#include <memory>

#include "llm/chat/chat_template.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

// Text of token `id` in tokenizer.ggml.tokens, read in place (the array can hold
// 150k strings); empty when the id or the array is missing.
Result<std::string> token_text(const GgufFile& file, const std::string& id_key) {
  if (!file.has(id_key)) return std::string();
  MAAS_ASSIGN_OR_RETURN(uint64_t id, file.get_uint(id_key));
  const GgufValue* tokens = file.find("tokenizer.ggml.tokens");
  if (tokens == nullptr) return std::string();
  const auto* array = std::get_if<std::shared_ptr<GgufArray>>(&tokens->v);
  if (array == nullptr || !*array || (*array)->elem_type != GgufType::kString) {
    return invalid_argument("tokenizer.ggml.tokens: expected an array of strings");
  }
  if (id >= (*array)->items.size()) {
    return invalid_argument("{} = {} is outside the vocabulary ({} tokens)", id_key, id,
                            (*array)->items.size());
  }
  return std::get<std::string>((*array)->items[id].v);
}

}  // namespace

Result<ChatTemplateInfo> chat_template_info_from_gguf(const GgufFile& file) {
  ChatTemplateInfo info;
  MAAS_ASSIGN_OR_RETURN(info.template_text, file.get_string_or("tokenizer.chat_template", ""));
  MAAS_ASSIGN_OR_RETURN(info.architecture, file.get_string_or("general.architecture", ""));
  MAAS_ASSIGN_OR_RETURN(info.bos_text, token_text(file, "tokenizer.ggml.bos_token_id"));
  MAAS_ASSIGN_OR_RETURN(info.eos_text, token_text(file, "tokenizer.ggml.eos_token_id"));
  return info;
}

}  // namespace maas::llm
