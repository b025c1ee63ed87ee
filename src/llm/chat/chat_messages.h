// Internal to src/llm/chat: validated messages with their role parsed.
#pragma once

#include <string_view>
#include <vector>

#include "llm/chat/chat_template.h"

namespace maas::llm::chat_detail {

enum class Role { kSystem, kUser, kAssistant };

struct Turn {
  Role role = Role::kUser;
  std::string_view role_name;  // "system", "user" or "assistant"
  std::string_view content;
};

// Validates `messages` for `family` and returns them as turns (views into `messages`).
Result<std::vector<Turn>> to_turns(ChatFamily family, const std::vector<ChatMessage>& messages);

}  // namespace maas::llm::chat_detail
