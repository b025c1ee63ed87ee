// Chat templates: detection from real templates, each family's output against the
// formats documented by the model authors (and llama.cpp's tests/test-chat-template.cpp
// conversation), validation errors, and Qwen3's real template from its GGUF.
#include <gtest/gtest.h>

#include "llm/chat/chat_template.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

const std::string kQwen =
    std::string(MAAS_SHARED_DIR) + "/models/tokenizers/qwen3-vocab-tiny-random.gguf";
const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

// The conversation llama.cpp's chat template tests use.
std::vector<ChatMessage> conversation() {
  return {
      {"system", "You are a helpful assistant"},
      {"user", "Hello"},
      {"assistant", "Hi there"},
      {"user", "Who are you"},
      {"assistant", "   I am an assistant   "},
      {"user", "Another question"},
  };
}

ChatTemplateInfo info_with(std::string tmpl, std::string arch = "llama") {
  ChatTemplateInfo info;
  info.template_text = std::move(tmpl);
  info.architecture = std::move(arch);
  info.bos_text = "<s>";
  info.eos_text = "</s>";
  return info;
}

std::string format(ChatFamily family, const std::vector<ChatMessage>& messages, bool gen = true,
                   const ChatTemplateInfo& info = info_with("")) {
  auto r = format_chat(family, info, messages, gen);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : std::string();
}

// ---- detection, from real templates (abridged where they are long) ----

struct DetectCase {
  const char* name;
  const char* tmpl;
  ChatFamily family;
};

const DetectCase kDetectCases[] = {
    {"teknium/OpenHermes-2.5-Mistral-7B",
     "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] "
     "+ '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' "
     "}}{% endif %}",
     ChatFamily::kChatML},
    {"mistralai/Mistral-7B-Instruct-v0.2 (original)",
     "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + "
     "message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ "
     "message['content'] + eos_token}}{% endif %}{% endfor %}",
     ChatFamily::kLlama2},
    {"meta-llama/Llama-2-7b-chat-hf",
     "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set "
     "system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set "
     "system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 "
     "and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + "
     "'\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% "
     "endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' "
     "[/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + "
     "eos_token }}{% endif %}{% endfor %}",
     ChatFamily::kLlama2Sys},
    {"mistralai v1",
     "{%- for message in loop_messages %}{%- if message['role'] == 'user' %}{%- if loop.first and "
     "system_message is defined %}{{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + "
     "' [/INST]' }}{%- else %}{{- ' [INST] ' + message['content'] + ' [/INST]' }}{%- endif %}{%- "
     "elif message['role'] == 'assistant' %}{{- ' ' + message['content'] + eos_token}}{%- endif "
     "%}{%- endfor %}",
     ChatFamily::kMistralV1},
    {"mistralai/Mistral-Large-Instruct-2407 (v3)",
     "{%- if tools is not none and (message == user_messages[-1]) %}{{- \"[AVAILABLE_TOOLS] [\" "
     "}}{%- endif %}{%- if loop.last and system_message is defined %}{{- \"[INST] \" + "
     "system_message + \"\\n\\n\" + message[\"content\"] + \"[/INST]\" }}{%- else %}{{- \"[INST] \" "
     "+ message[\"content\"] + \"[/INST]\" }}{%- endif %}",
     ChatFamily::kMistralV3},
    {"mistralai/Mistral-Nemo-Instruct-2407 (v3-tekken)",
     "{{- \"[AVAILABLE_TOOLS][\" }}{%- if loop.last and system_message is defined %}{{- \"[INST]\" "
     "+ system_message + \"\\n\\n\" + message[\"content\"] + \"[/INST]\" }}{%- else %}{{- "
     "\"[INST]\" + message[\"content\"] + \"[/INST]\" }}{%- endif %}",
     ChatFamily::kMistralV3Tekken},
    {"mistralai/Mistral-Large-Instruct-2411 (v7)",
     "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + "
     "message['content'] + '[/INST]' }}{% elif message['role'] == 'system' %}{{ '[SYSTEM_PROMPT] ' "
     "+ message['content'] + '[/SYSTEM_PROMPT]' }}{% elif message['role'] == 'assistant' %}{{ ' ' + "
     "message['content'] + eos_token }}{% endif %}{% endfor %}",
     ChatFamily::kMistralV7},
    {"mistralai/Mistral-Small-3.1 (v7-tekken)",
     "{%- if message['role'] == 'system' %}{{- '[SYSTEM_PROMPT]' + message['content'] + "
     "'[/SYSTEM_PROMPT]' }}{%- elif message['role'] == 'user' %}{{- '[INST]' + message['content'] + "
     "'[/INST]' }}{%- endif %}",
     ChatFamily::kMistralV7Tekken},
    {"meta-llama/Meta-Llama-3-8B-Instruct",
     "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
     "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | "
     "trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% "
     "endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ "
     "'<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
     ChatFamily::kLlama3},
    {"google/gemma-7b-it",
     "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
     "supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'assistant') "
     "%}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ "
     "'<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor "
     "%}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}",
     ChatFamily::kGemma},
    {"HuggingFaceH4/zephyr-7b-beta",
     "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + "
     "message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + "
     "message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ "
     "'<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and "
     "add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
     ChatFamily::kZephyr},
    {"microsoft/Phi-3-small",
     "{{ bos_token }}{% for message in messages %}{{'<|' + message['role'] + '|>' + '\n' + "
     "message['content'] + '<|end|>\n' }}{% endfor %}{% if add_generation_prompt %}{{ "
     "'<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}",
     ChatFamily::kPhi3},
};

TEST(ChatDetect, RecognisesRealTemplates) {
  for (const DetectCase& c : kDetectCases) {
    DetectedChatTemplate d = detect_chat_template(info_with(c.tmpl));
    EXPECT_EQ(d.family, c.family) << c.name << ": got " << chat_family_name(d.family);
    EXPECT_EQ(d.source, ChatFamilySource::kTemplate) << c.name;
  }
}

TEST(ChatDetect, UnknownTemplateFallsBackToChatMLAndSaysSo) {
  // Vicuna's format is not one maas writes.
  DetectedChatTemplate d = detect_chat_template(info_with(
      "{%- for message in messages %}{%- if message['role'] == 'user' -%}{{-'USER: ' + "
      "message['content'] + '\\n'-}}{%- else -%}{{-'ASSISTANT: ' + message['content'] + "
      "'</s>\\n' -}}{%- endif -%}{%- endfor -%}"));
  EXPECT_EQ(d.family, ChatFamily::kChatML);
  EXPECT_EQ(d.source, ChatFamilySource::kFallback);
  EXPECT_EQ(d.describe(), "chatml (fallback: tokenizer.chat_template not recognised)");
  // Phi-4 uses <|im_start|> but is not ChatML: not recognised rather than misformatted.
  EXPECT_EQ(detect_chat_template(info_with("{{'<|im_start|>system<|im_sep|>'}}")).source,
            ChatFamilySource::kFallback);
}

TEST(ChatDetect, MissingTemplateUsesArchitectureThenFallback) {
  DetectedChatTemplate gemma = detect_chat_template(info_with("", "gemma2"));
  EXPECT_EQ(gemma.family, ChatFamily::kGemma);
  EXPECT_EQ(gemma.source, ChatFamilySource::kArchitecture);
  EXPECT_EQ(gemma.describe(), "gemma (no tokenizer.chat_template; from architecture gemma2)");
  DetectedChatTemplate llama = detect_chat_template(info_with("", "llama"));
  EXPECT_EQ(llama.family, ChatFamily::kChatML);
  EXPECT_EQ(llama.source, ChatFamilySource::kFallback);
  EXPECT_EQ(llama.describe(), "chatml (fallback: no tokenizer.chat_template)");
}

TEST(ChatDetect, NamesRoundTrip) {
  for (const DetectCase& c : kDetectCases) {
    auto back = chat_family_from_name(chat_family_name(c.family));
    ASSERT_TRUE(back.has_value()) << chat_family_name(c.family);
    EXPECT_EQ(*back, c.family);
  }
  EXPECT_FALSE(chat_family_from_name("jinja").has_value());
}

// ---- formatting ----

TEST(ChatFormat, ChatML) {
  EXPECT_EQ(format(ChatFamily::kChatML, conversation()),
            "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
            "<|im_start|>user\nHello<|im_end|>\n"
            "<|im_start|>assistant\nHi there<|im_end|>\n"
            "<|im_start|>user\nWho are you<|im_end|>\n"
            "<|im_start|>assistant\n   I am an assistant   <|im_end|>\n"
            "<|im_start|>user\nAnother question<|im_end|>\n"
            "<|im_start|>assistant\n");
  EXPECT_EQ(format(ChatFamily::kChatML, {{"user", "Hi"}}, /*gen=*/false),
            "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatFormat, Llama3) {
  // Meta's Llama 3 prompt format: contents are trimmed.
  EXPECT_EQ(format(ChatFamily::kLlama3, conversation()),
            "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nI am an assistant<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nAnother question<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatFormat, Llama2WithSystemBlock) {
  // Meta's chat_completion: <s>[INST] <<SYS>>..<</SYS>> u [/INST] a </s><s>[INST] ...
  // (the leading <s> is added by the tokenizer).
  EXPECT_EQ(format(ChatFamily::kLlama2Sys, conversation()),
            "[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST] Hi there </s>"
            "<s>[INST] Who are you [/INST] I am an assistant </s>"
            "<s>[INST] Another question [/INST]");
  EXPECT_EQ(format(ChatFamily::kLlama2Sys, {{"user", " Hi "}}), "[INST] Hi [/INST]");
  EXPECT_EQ(format(ChatFamily::kLlama2Sys, {{"system", "S"}}), "[INST] <<SYS>>\nS\n<</SYS>> [/INST]");
  // Prefill: the answer so far ends the text, still followed by its EOS like the template.
  EXPECT_EQ(format(ChatFamily::kLlama2Sys, {{"user", "Q"}, {"assistant", "A"}}),
            "[INST] Q [/INST] A </s>");
}

TEST(ChatFormat, Llama2WithoutSystemBlock) {
  // Mistral-7B-Instruct v0.1/v0.2 as first published; system text opens the first turn.
  EXPECT_EQ(format(ChatFamily::kLlama2, conversation()),
            "[INST] You are a helpful assistant\n\nHello [/INST]Hi there</s>"
            "[INST] Who are you [/INST]   I am an assistant   </s>"
            "[INST] Another question [/INST]");
}

TEST(ChatFormat, MistralV1) {
  EXPECT_EQ(format(ChatFamily::kMistralV1, conversation()),
            " [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s>"
            " [INST] Who are you [/INST]    I am an assistant   </s>"
            " [INST] Another question [/INST]");
}

TEST(ChatFormat, MistralV3PutsSystemInLastUserTurn) {
  EXPECT_EQ(format(ChatFamily::kMistralV3, conversation()),
            "[INST] Hello[/INST] Hi there</s>[INST] Who are you[/INST] I am an assistant</s>"
            "[INST] You are a helpful assistant\n\nAnother question[/INST]");
  EXPECT_EQ(format(ChatFamily::kMistralV3Tekken, conversation()),
            "[INST]Hello[/INST]Hi there</s>[INST]Who are you[/INST]   I am an assistant   </s>"
            "[INST]You are a helpful assistant\n\nAnother question[/INST]");
}

TEST(ChatFormat, MistralV7) {
  EXPECT_EQ(format(ChatFamily::kMistralV7, conversation()),
            "[SYSTEM_PROMPT] You are a helpful assistant[/SYSTEM_PROMPT][INST] Hello[/INST] Hi "
            "there</s>[INST] Who are you[/INST]    I am an assistant   </s>[INST] Another "
            "question[/INST]");
  EXPECT_EQ(format(ChatFamily::kMistralV7Tekken, conversation()),
            "[SYSTEM_PROMPT]You are a helpful assistant[/SYSTEM_PROMPT][INST]Hello[/INST]Hi "
            "there</s>[INST]Who are you[/INST]   I am an assistant   </s>[INST]Another "
            "question[/INST]");
  // v7 has a real system role: it may appear later in the conversation.
  EXPECT_EQ(format(ChatFamily::kMistralV7, {{"user", "a"}, {"system", "b"}, {"user", "c"}}),
            "[INST] a[/INST][SYSTEM_PROMPT] b[/SYSTEM_PROMPT][INST] c[/INST]");
}

TEST(ChatFormat, Gemma) {
  // Google's Gemma prompt structure: assistant is "model"; system opens the first user turn.
  EXPECT_EQ(format(ChatFamily::kGemma, conversation()),
            "<start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n"
            "<start_of_turn>model\nHi there<end_of_turn>\n"
            "<start_of_turn>user\nWho are you<end_of_turn>\n"
            "<start_of_turn>model\nI am an assistant<end_of_turn>\n"
            "<start_of_turn>user\nAnother question<end_of_turn>\n"
            "<start_of_turn>model\n");
}

TEST(ChatFormat, Zephyr) {
  // The zephyr-7b-beta model card's example, word for word.
  EXPECT_EQ(format(ChatFamily::kZephyr,
                   {{"system", "You are a friendly chatbot who always responds in the style of a "
                               "pirate"},
                    {"user", "How many helicopters can a human eat in one sitting?"}}),
            "<|system|>\nYou are a friendly chatbot who always responds in the style of a "
            "pirate</s>\n<|user|>\nHow many helicopters can a human eat in one sitting?</s>\n"
            "<|assistant|>\n");
  // StableLM 2 Zephyr: the same shape, its EOS is <|endoftext|>.
  ChatTemplateInfo stablelm = info_with("");
  stablelm.eos_text = "<|endoftext|>";
  EXPECT_EQ(format(ChatFamily::kZephyr, {{"user", "Hi"}, {"assistant", "Yo"}}, false, stablelm),
            "<|user|>\nHi<|endoftext|>\n<|assistant|>\nYo<|endoftext|>\n");
}

TEST(ChatFormat, Phi3) {
  EXPECT_EQ(format(ChatFamily::kPhi3, {{"system", "S"}, {"user", "Hello"}}),
            "<|system|>\nS<|end|>\n<|user|>\nHello<|end|>\n<|assistant|>\n");
}

TEST(ChatFormat, EndOfTurnMarkers) {
  ChatTemplateInfo info = info_with("");
  EXPECT_EQ(chat_end_of_turn(ChatFamily::kChatML, info), "<|im_end|>");
  EXPECT_EQ(chat_end_of_turn(ChatFamily::kLlama3, info), "<|eot_id|>");
  EXPECT_EQ(chat_end_of_turn(ChatFamily::kGemma, info), "<end_of_turn>");
  EXPECT_EQ(chat_end_of_turn(ChatFamily::kMistralV7, info), "</s>");
}

TEST(ChatFormat, ApplyUsesDetectedFamily) {
  auto r = apply_chat_template(info_with(kDetectCases[9].tmpl), {{"user", "Hi"}}, true);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(*r, "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
}

// ---- validation ----

TEST(ChatValidate, NamesTheOffendingField) {
  auto bad_role = format_chat(ChatFamily::kChatML, info_with(""),
                              {{"user", "a"}, {"assistant", "b"}, {"tool", "c"}}, true);
  ASSERT_FALSE(bad_role.is_ok());
  EXPECT_EQ(bad_role.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad_role.status().message(),
            "messages[2].role: unknown role 'tool' (expected system, user or assistant)");

  auto no_content = format_chat(ChatFamily::kChatML, info_with(""),
                                {{"user", "a"}, {"assistant", std::nullopt}}, true);
  ASSERT_FALSE(no_content.is_ok());
  EXPECT_EQ(no_content.status().message(), "messages[1].content: missing");

  auto empty = format_chat(ChatFamily::kChatML, info_with(""), {}, true);
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().message(), "messages: must contain at least one message");
}

TEST(ChatValidate, SystemPlacementPerFamily) {
  std::vector<ChatMessage> late_system = {{"user", "a"}, {"assistant", "b"}, {"system", "c"},
                                          {"user", "d"}};
  for (ChatFamily f : {ChatFamily::kLlama2, ChatFamily::kLlama2Sys, ChatFamily::kMistralV1,
                       ChatFamily::kMistralV3, ChatFamily::kGemma}) {
    Status s = validate_chat_messages(f, late_system);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << chat_family_name(f);
    EXPECT_EQ(s.message(), std::string("messages[2].role: a system message is only allowed as the "
                                       "first message with the ") +
                               chat_family_name(f) + " chat template");
  }
  for (ChatFamily f : {ChatFamily::kChatML, ChatFamily::kLlama3, ChatFamily::kMistralV7,
                       ChatFamily::kZephyr, ChatFamily::kPhi3}) {
    EXPECT_TRUE(validate_chat_messages(f, late_system).is_ok()) << chat_family_name(f);
  }
}

TEST(ChatValidate, AlternationWhereTheTemplateRequiresIt) {
  Status s = validate_chat_messages(ChatFamily::kGemma, {{"system", "s"}, {"assistant", "a"}});
  EXPECT_EQ(s.message(),
            "messages[1].role: expected 'user' here: the gemma chat template needs user and "
            "assistant messages to alternate, starting with user");
  EXPECT_FALSE(validate_chat_messages(ChatFamily::kMistralV3, {{"user", "a"}, {"user", "b"}}).is_ok());
  EXPECT_TRUE(validate_chat_messages(ChatFamily::kChatML, {{"user", "a"}, {"user", "b"}}).is_ok());
  // An assistant message last (prefill) is fine.
  EXPECT_TRUE(validate_chat_messages(ChatFamily::kGemma, {{"user", "a"}, {"assistant", "b"}}).is_ok());
}

TEST(ChatValidate, DeveloperIsSystem) {
  EXPECT_EQ(format(ChatFamily::kChatML, {{"developer", "Be brief"}, {"user", "Hi"}}),
            "<|im_start|>system\nBe brief<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n");
}

// ---- real model files ----

TEST(ChatGguf, Qwen3TemplateIsChatML) {
  auto file = GgufFile::open(kQwen);
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  auto info = chat_template_info_from_gguf(**file);
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  EXPECT_NE(info->template_text.find("<|im_start|>"), std::string::npos);
  EXPECT_EQ(info->architecture, "qwen2");
  EXPECT_EQ(info->bos_text, "<|endoftext|>");
  EXPECT_EQ(info->eos_text, "<|im_end|>");

  DetectedChatTemplate d = detect_chat_template(*info);
  EXPECT_EQ(d.family, ChatFamily::kChatML);
  EXPECT_EQ(d.source, ChatFamilySource::kTemplate);
  EXPECT_EQ(d.describe(), "chatml (from tokenizer.chat_template)");

  auto prompt = apply_chat_template(
      *info, {{"system", "You are a helpful assistant."}, {"user", "What is 2+2?"}}, true);
  ASSERT_TRUE(prompt.is_ok()) << prompt.status().message();
  // What Qwen3's Jinja template renders for these messages (no tools, no thinking flag).
  EXPECT_EQ(*prompt,
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(ChatGguf, Qwen3DropsReasoningFromEarlierAnswers) {
  auto file = GgufFile::open(kQwen);
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  auto info = chat_template_info_from_gguf(**file);
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  // As Qwen3's template renders it: an answer before the last user message keeps only
  // what follows </think>; a plain ChatML template keeps everything.
  std::vector<ChatMessage> messages = {{"user", "Hi"},
                                       {"assistant", "<think>\nThe user greets.\n</think>\n\nHello!"},
                                       {"user", "Again"}};
  auto prompt = apply_chat_template(*info, messages, true);
  ASSERT_TRUE(prompt.is_ok()) << prompt.status().message();
  EXPECT_EQ(*prompt,
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\n");
  auto plain = apply_chat_template(info_with(kDetectCases[0].tmpl), messages, true);
  ASSERT_TRUE(plain.is_ok());
  EXPECT_NE(plain->find("<think>\nThe user greets.\n</think>\n\nHello!"), std::string::npos);
}

TEST(ChatGguf, StoriesHasNoTemplate) {
  auto file = GgufFile::open(kStories);
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  auto info = chat_template_info_from_gguf(**file);
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  EXPECT_TRUE(info->template_text.empty());
  EXPECT_EQ(info->architecture, "llama");
  EXPECT_EQ(info->bos_text, "<s>");
  EXPECT_EQ(info->eos_text, "</s>");
  EXPECT_EQ(detect_chat_template(*info).source, ChatFamilySource::kFallback);
}

}  // namespace
}  // namespace maas::llm
