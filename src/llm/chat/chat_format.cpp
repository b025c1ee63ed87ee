// Built-in writers, one per family. References for each format are in the comments;
// the expected strings in tests/llm/chat_format_test.cpp come from the same sources.
#include <string>

#include "llm/chat/chat_messages.h"

namespace maas::llm {
namespace {

using chat_detail::Role;
using chat_detail::Turn;

// Python's str.strip(): the Jinja templates apply it with `| trim` or `.strip()`.
std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

std::string eos_of(const ChatTemplateInfo& info) {
  return info.eos_text.empty() ? "</s>" : info.eos_text;
}
std::string bos_of(const ChatTemplateInfo& info) {
  return info.bos_text.empty() ? "<s>" : info.bos_text;
}

// Text helper: out += a + b + ...
template <typename... Parts>
void append(std::string& out, const Parts&... parts) {
  (out.append(std::string_view(parts)), ...);
}

// Qwen3-style reasoning templates drop the <think>...</think> part of assistant answers
// that came before the last user message: what follows the last "</think>", without
// its leading newlines.
std::string_view without_reasoning(std::string_view content) {
  size_t end = content.rfind("</think>");
  if (end == std::string_view::npos) return content;
  content.remove_prefix(end + std::string_view("</think>").size());
  while (!content.empty() && content.front() == '\n') content.remove_prefix(1);
  return content;
}

// ChatML (OpenAI chatml.md; Qwen's template): <|im_start|>role\ncontent<|im_end|>\n.
std::string format_chatml(const std::vector<Turn>& turns, bool gen, bool strip_reasoning) {
  size_t last_user = 0;
  for (size_t i = 0; i < turns.size(); ++i) {
    if (turns[i].role == Role::kUser) last_user = i;
  }
  std::string out;
  for (size_t i = 0; i < turns.size(); ++i) {
    const Turn& t = turns[i];
    std::string_view content = t.content;
    if (strip_reasoning && t.role == Role::kAssistant && i < last_user) {
      content = without_reasoning(content);
    }
    append(out, "<|im_start|>", t.role_name, "\n", content, "<|im_end|>\n");
  }
  if (gen) out += "<|im_start|>assistant\n";
  return out;
}

// Llama 3 (Meta's prompt-format page): header, blank line, trimmed content, <|eot_id|>.
std::string format_llama3(const std::vector<Turn>& turns, bool gen) {
  std::string out;
  for (const Turn& t : turns) {
    append(out, "<|start_header_id|>", t.role_name, "<|end_header_id|>\n\n", trim(t.content),
           "<|eot_id|>");
  }
  if (gen) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

// Llama 2 chat (Meta's llama/generation.py chat_completion and the HF template): the
// system block opens the first user message; each exchange is
// <s>[INST] user [/INST] answer </s>, everything stripped; the first <s> is the tokenizer's.
std::string format_llama2_sys(const std::vector<Turn>& turns, const ChatTemplateInfo& info) {
  std::string out;
  std::string_view system;
  bool first_user = true;
  for (const Turn& t : turns) {
    if (t.role == Role::kSystem) {
      system = t.content;
    } else if (t.role == Role::kUser) {
      std::string content(t.content);
      if (first_user && !system.empty()) {
        content = "<<SYS>>\n" + std::string(system) + "\n<</SYS>>\n\n" + content;
      }
      if (!first_user) out += bos_of(info);
      append(out, "[INST] ", trim(content), " [/INST]");
      first_user = false;
    } else {
      append(out, " ", trim(t.content), " ", eos_of(info));
    }
  }
  if (first_user && !system.empty()) {  // only a system message: stripped like the rest
    append(out, "[INST] <<SYS>>\n", system, "\n<</SYS>> [/INST]");
  }
  return out;
}

// [INST] templates without a system block (Mistral 7B Instruct v0.1/v0.2 as first
// published): [INST] user [/INST]answer</s>. A leading system message is prepended to
// the first user message, separated by a blank line.
std::string format_llama2(const std::vector<Turn>& turns, const ChatTemplateInfo& info) {
  std::string out;
  std::string_view system;
  bool first_user = true;
  for (const Turn& t : turns) {
    if (t.role == Role::kSystem) {
      system = t.content;
    } else if (t.role == Role::kUser) {
      out += "[INST] ";
      if (first_user && !system.empty()) append(out, system, "\n\n");
      append(out, t.content, " [/INST]");
      first_user = false;
    } else {
      append(out, t.content, eos_of(info));
    }
  }
  if (first_user && !system.empty()) append(out, "[INST] ", system, " [/INST]");
  return out;
}

// Mistral's official templates (mistralai cookbook, concept-deep-dive/tokenization):
//  v1:        " [INST] user [/INST] answer</s>", system + "\n\n" before the first user text
//  v3:        "[INST] user[/INST] answer</s>", answer trimmed, system before the last user text
//  v3-tekken: "[INST]user[/INST]answer</s>", system before the last user text
std::string format_mistral_v1_v3(ChatFamily family, const std::vector<Turn>& turns,
                                 const ChatTemplateInfo& info) {
  const bool v1 = family == ChatFamily::kMistralV1;
  const bool tekken = family == ChatFamily::kMistralV3Tekken;
  const std::string open = v1 ? " [INST] " : tekken ? "[INST]" : "[INST] ";
  const std::string close = v1 ? " [/INST]" : "[/INST]";
  const std::string answer_prefix = tekken ? "" : " ";

  std::string_view system;
  size_t system_target = turns.size();  // index of the user turn that carries the system text
  if (!turns.empty() && turns[0].role == Role::kSystem) {
    system = turns[0].content;
    for (size_t i = 1; i < turns.size(); ++i) {
      if (turns[i].role != Role::kUser) continue;
      if (v1) { system_target = i; break; }  // v1: the first user turn
      system_target = i;                     // v3: the last user turn
    }
  }

  std::string out;
  for (size_t i = 0; i < turns.size(); ++i) {
    const Turn& t = turns[i];
    if (t.role == Role::kSystem) continue;
    if (t.role == Role::kUser) {
      out += open;
      if (i == system_target) append(out, system, "\n\n");
      append(out, t.content, close);
    } else {
      std::string_view answer = family == ChatFamily::kMistralV3 ? trim(t.content) : t.content;
      append(out, answer_prefix, answer, eos_of(info));
    }
  }
  if (!system.empty() && system_target == turns.size()) append(out, open, system, close);
  return out;
}

// Mistral v7 (Mistral-Large-Instruct-2411 / Mistral-Small-3.1 model cards): system
// messages anywhere as [SYSTEM_PROMPT]...[/SYSTEM_PROMPT]; tekken drops the spaces.
std::string format_mistral_v7(ChatFamily family, const std::vector<Turn>& turns,
                              const ChatTemplateInfo& info) {
  const std::string sp = family == ChatFamily::kMistralV7 ? " " : "";
  std::string out;
  for (const Turn& t : turns) {
    switch (t.role) {
      case Role::kSystem: append(out, "[SYSTEM_PROMPT]", sp, t.content, "[/SYSTEM_PROMPT]"); break;
      case Role::kUser: append(out, "[INST]", sp, t.content, "[/INST]"); break;
      case Role::kAssistant: append(out, sp, t.content, eos_of(info)); break;
    }
  }
  return out;
}

// Gemma (ai.google.dev "prompt structure"; Gemma 3's template): roles user and model,
// content trimmed; no system role, so a leading system text + "\n\n" opens the first
// user turn.
std::string format_gemma(const std::vector<Turn>& turns, bool gen) {
  std::string out;
  std::string_view system;
  bool system_pending = false;
  for (const Turn& t : turns) {
    if (t.role == Role::kSystem) {
      system = t.content;
      system_pending = true;
      continue;
    }
    append(out, "<start_of_turn>", t.role == Role::kAssistant ? "model" : "user", "\n");
    if (system_pending) {
      append(out, system, "\n\n");
      system_pending = false;
    }
    append(out, trim(t.content), "<end_of_turn>\n");
  }
  if (system_pending) append(out, "<start_of_turn>user\n", trim(system), "<end_of_turn>\n");
  if (gen) out += "<start_of_turn>model\n";
  return out;
}

// Zephyr (HuggingFaceH4/zephyr-7b-beta model card): <|role|>\ncontent EOS \n.
// Phi-3 (microsoft/Phi-3 model cards): the same shape with <|end|>.
std::string format_role_tags(const std::vector<Turn>& turns, bool gen, const std::string& end) {
  std::string out;
  for (const Turn& t : turns) append(out, "<|", t.role_name, "|>\n", t.content, end, "\n");
  if (gen) out += "<|assistant|>\n";
  return out;
}

}  // namespace

Result<std::string> format_chat(ChatFamily family, const ChatTemplateInfo& info,
                                const std::vector<ChatMessage>& messages,
                                bool add_generation_prompt) {
  MAAS_ASSIGN_OR_RETURN(std::vector<Turn> turns, chat_detail::to_turns(family, messages));
  const bool gen = add_generation_prompt;
  switch (family) {
    case ChatFamily::kChatML: {
      const bool reasoning_template =
          info.template_text.find("</think>") != std::string::npos;
      return format_chatml(turns, gen, reasoning_template);
    }
    case ChatFamily::kLlama2: return format_llama2(turns, info);
    case ChatFamily::kLlama2Sys: return format_llama2_sys(turns, info);
    case ChatFamily::kLlama3: return format_llama3(turns, gen);
    case ChatFamily::kMistralV1:
    case ChatFamily::kMistralV3:
    case ChatFamily::kMistralV3Tekken: return format_mistral_v1_v3(family, turns, info);
    case ChatFamily::kMistralV7:
    case ChatFamily::kMistralV7Tekken: return format_mistral_v7(family, turns, info);
    case ChatFamily::kGemma: return format_gemma(turns, gen);
    case ChatFamily::kZephyr: return format_role_tags(turns, gen, eos_of(info));
    case ChatFamily::kPhi3: return format_role_tags(turns, gen, "<|end|>");
  }
  return internal_error("chat template family {} has no writer", static_cast<int>(family));
}

Result<std::string> apply_chat_template(const ChatTemplateInfo& info,
                                        const std::vector<ChatMessage>& messages,
                                        bool add_generation_prompt) {
  return format_chat(detect_chat_template(info).family, info, messages, add_generation_prompt);
}

std::string chat_end_of_turn(ChatFamily family, const ChatTemplateInfo& info) {
  switch (family) {
    case ChatFamily::kChatML: return "<|im_end|>";
    case ChatFamily::kLlama3: return "<|eot_id|>";
    case ChatFamily::kGemma: return "<end_of_turn>";
    case ChatFamily::kPhi3: return "<|end|>";
    default: return eos_of(info);
  }
}

}  // namespace maas::llm
