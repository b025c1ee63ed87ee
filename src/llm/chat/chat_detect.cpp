// Template family detection by characteristic substrings of the Jinja source, in the
// spirit of llama.cpp's llm_chat_detect_template (the checks and their order are ours).
#include <array>
#include <utility>

#include "llm/chat/chat_template.h"

namespace maas::llm {
namespace {

constexpr std::array<std::pair<ChatFamily, const char*>, 12> kNames = {{
    {ChatFamily::kChatML, "chatml"},
    {ChatFamily::kLlama2, "llama2"},
    {ChatFamily::kLlama2Sys, "llama2-sys"},
    {ChatFamily::kLlama3, "llama3"},
    {ChatFamily::kMistralV1, "mistral-v1"},
    {ChatFamily::kMistralV3, "mistral-v3"},
    {ChatFamily::kMistralV3Tekken, "mistral-v3-tekken"},
    {ChatFamily::kMistralV7, "mistral-v7"},
    {ChatFamily::kMistralV7Tekken, "mistral-v7-tekken"},
    {ChatFamily::kGemma, "gemma"},
    {ChatFamily::kZephyr, "zephyr"},
    {ChatFamily::kPhi3, "phi3"},
}};

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The [INST] families: Mistral's official v1/v3/v7 templates and Llama 2 style ones.
ChatFamily detect_inst_family(std::string_view t) {
  if (contains(t, "[SYSTEM_PROMPT]")) {
    // v7 writes '[SYSTEM_PROMPT] ' + content; v7-tekken has no space.
    return contains(t, "[SYSTEM_PROMPT] ") ? ChatFamily::kMistralV7
                                          : ChatFamily::kMistralV7Tekken;
  }
  const bool official_mistral =
      contains(t, "' [INST] ' + system_message") || contains(t, "[AVAILABLE_TOOLS]");
  if (official_mistral) {
    if (contains(t, " [INST]")) return ChatFamily::kMistralV1;    // leading space
    if (contains(t, "\"[INST]\"")) return ChatFamily::kMistralV3Tekken;  // no trailing one
    return ChatFamily::kMistralV3;
  }
  return contains(t, "<<SYS>>") ? ChatFamily::kLlama2Sys : ChatFamily::kLlama2;
}

std::optional<ChatFamily> detect_from_template(std::string_view t) {
  if (contains(t, "<|im_start|>")) {
    // Phi-4 (<|im_sep|>) and SmolVLM (<end_of_utterance>) reuse the marker but are not
    // ChatML; they are not supported here.
    if (contains(t, "<|im_sep|>") || contains(t, "<end_of_utterance>")) return std::nullopt;
    return ChatFamily::kChatML;
  }
  if (starts_with(t, "mistral") || contains(t, "[INST]")) return detect_inst_family(t);
  if (contains(t, "<|start_header_id|>") && contains(t, "<|end_header_id|>")) {
    return ChatFamily::kLlama3;
  }
  if (contains(t, "<start_of_turn>")) return ChatFamily::kGemma;
  // Phi-3 templates may build the role tag ('<|' + role + '|>'), so key on its markers.
  if (contains(t, "<|assistant|>") && contains(t, "<|end|>")) return ChatFamily::kPhi3;
  if (contains(t, "<|user|>")) {
    if (contains(t, "[gMASK]")) return std::nullopt;  // ChatGLM
    // Zephyr ends every turn with the EOS token (written as eos_token or literally).
    if (contains(t, "eos_token") || contains(t, "<|endoftext|>")) return ChatFamily::kZephyr;
  }
  return std::nullopt;
}

std::optional<ChatFamily> detect_from_architecture(std::string_view arch) {
  if (starts_with(arch, "gemma")) return ChatFamily::kGemma;
  if (starts_with(arch, "qwen")) return ChatFamily::kChatML;
  if (arch == "phi3") return ChatFamily::kPhi3;
  return std::nullopt;
}

}  // namespace

const char* chat_family_name(ChatFamily family) {
  for (const auto& [f, name] : kNames) {
    if (f == family) return name;
  }
  return "?";
}

const char* chat_family_source_name(ChatFamilySource source) {
  switch (source) {
    case ChatFamilySource::kTemplate: return "template";
    case ChatFamilySource::kArchitecture: return "architecture";
    case ChatFamilySource::kFallback: return "fallback";
  }
  return "?";
}

std::optional<ChatFamily> chat_family_from_name(std::string_view name) {
  for (const auto& [f, n] : kNames) {
    if (name == n) return f;
  }
  return std::nullopt;
}

std::string DetectedChatTemplate::describe() const {
  return std::string(chat_family_name(family)) + " (" + reason + ")";
}

DetectedChatTemplate detect_chat_template(const ChatTemplateInfo& info) {
  DetectedChatTemplate d;
  if (!info.template_text.empty()) {
    if (auto f = detect_from_template(info.template_text)) {
      d.family = *f;
      d.source = ChatFamilySource::kTemplate;
      d.reason = "from tokenizer.chat_template";
      return d;
    }
    d.family = ChatFamily::kChatML;
    d.source = ChatFamilySource::kFallback;
    d.reason = "fallback: tokenizer.chat_template not recognised";
    return d;
  }
  if (auto f = detect_from_architecture(info.architecture)) {
    d.family = *f;
    d.source = ChatFamilySource::kArchitecture;
    d.reason = "no tokenizer.chat_template; from architecture " + info.architecture;
    return d;
  }
  d.family = ChatFamily::kChatML;
  d.source = ChatFamilySource::kFallback;
  d.reason = "fallback: no tokenizer.chat_template";
  return d;
}

}  // namespace maas::llm
