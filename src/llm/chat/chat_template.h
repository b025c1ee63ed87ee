// Chat templates: turns OpenAI-style messages into the prompt text a chat model was
// trained on. maas does not run Jinja; like llama.cpp's llm_chat_detect_template it
// recognises the template family from characteristic substrings of the GGUF's
// `tokenizer.chat_template` and formats with built-in code per family.
//
// The text never starts with BOS: tokenize it with the model's own add-BOS setting and
// with special-token parsing on (markers such as <|im_start|> must become one token).
// BOS/EOS texts that belong *inside* the history (Llama 2's `</s><s>[INST]`) are written
// from ChatTemplateInfo.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace maas::llm {

class GgufFile;

// One message of a chat request: role "system", "user" or "assistant". content is
// absent when the client sent none (or null); that is an error for every family.
struct ChatMessage {
  std::string role;
  std::optional<std::string> content;
};

// What the model file says about its chat format.
struct ChatTemplateInfo {
  std::string template_text;  // tokenizer.chat_template; may be empty
  std::string architecture;   // general.architecture ("llama", "qwen2", "gemma3", ...)
  std::string bos_text;       // text of the BOS token ("<s>", "<bos>", ...); may be empty
  std::string eos_text;       // text of the EOS token ("</s>", "<|im_end|>", ...); may be empty
};

// The formats maas can write. Names (chat_family_name) follow llama.cpp's where they exist.
enum class ChatFamily {
  kChatML,           // "chatml": <|im_start|>role\n...<|im_end|>\n (Qwen, Yi, Hermes, SmolLM);
                     // with a Qwen3-style template (one that mentions </think>), answers
                     // before the last user message lose their <think>...</think> part
  kLlama2,           // "llama2": [INST] u [/INST]a</s>, no system block (Mistral 7B v0.1/v0.2)
  kLlama2Sys,        // "llama2-sys": Meta's Llama 2 chat, <<SYS>> block, <s>[INST] per turn
  kLlama3,           // "llama3": <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>
  kMistralV1,        // "mistral-v1": " [INST] u [/INST] a</s>"
  kMistralV3,        // "mistral-v3": "[INST] u[/INST] a</s>", system in the last user turn
  kMistralV3Tekken,  // "mistral-v3-tekken": as v3 without the spaces
  kMistralV7,        // "mistral-v7": [SYSTEM_PROMPT] s[/SYSTEM_PROMPT][INST] u[/INST] a</s>
  kMistralV7Tekken,  // "mistral-v7-tekken": as v7 without the spaces
  kGemma,            // "gemma": <start_of_turn>user\n...<end_of_turn>\n, assistant is "model"
  kZephyr,           // "zephyr": <|role|>\n...EOS\n (HuggingFaceH4/zephyr, StableLM 2 Zephyr)
  kPhi3,             // "phi3": <|role|>\n...<|end|>\n
};

// Where the family came from, for the server's log line.
enum class ChatFamilySource {
  kTemplate,      // recognised in tokenizer.chat_template
  kArchitecture,  // no template in the file; chosen from general.architecture
  kFallback,      // template missing or not recognised: ChatML
};

struct DetectedChatTemplate {
  ChatFamily family = ChatFamily::kChatML;
  ChatFamilySource source = ChatFamilySource::kFallback;
  std::string reason;  // "tokenizer.chat_template", "no chat template, architecture gemma2", ...
  // "<family> (<reason>)", e.g. "chatml (fallback: tokenizer.chat_template not recognised)".
  std::string describe() const;
};

const char* chat_family_name(ChatFamily family);
const char* chat_family_source_name(ChatFamilySource source);
// Inverse of chat_family_name, for an operator override ("--chat-template gemma").
std::optional<ChatFamily> chat_family_from_name(std::string_view name);

// Recognises the family of info.template_text; falls back to the architecture, then ChatML.
DetectedChatTemplate detect_chat_template(const ChatTemplateInfo& info);

// Checks the messages against what `family` can express. Errors are InvalidArgument and
// name the offending field, e.g. "messages[2].role: unknown role 'tool' ...".
Status validate_chat_messages(ChatFamily family, const std::vector<ChatMessage>& messages);

// Validates, then writes the prompt in `family`'s format. With add_generation_prompt the
// text ends with the opening of an assistant turn (for families that have one).
Result<std::string> format_chat(ChatFamily family, const ChatTemplateInfo& info,
                                const std::vector<ChatMessage>& messages,
                                bool add_generation_prompt);

// detect_chat_template + format_chat.
Result<std::string> apply_chat_template(const ChatTemplateInfo& info,
                                        const std::vector<ChatMessage>& messages,
                                        bool add_generation_prompt);

// The text that ends an assistant turn in `family` ("<|im_end|>", "<|eot_id|>",
// "<end_of_turn>", the EOS text, ...): a stop string for models whose tokenizer does not
// already mark it as end-of-generation.
std::string chat_end_of_turn(ChatFamily family, const ChatTemplateInfo& info);

// Reads tokenizer.chat_template, general.architecture and the BOS/EOS token texts.
// Missing keys give empty fields; a key of the wrong type is an error.
Result<ChatTemplateInfo> chat_template_info_from_gguf(const GgufFile& file);

}  // namespace maas::llm
