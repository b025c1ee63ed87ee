// Message validation: roles, content, and each family's rules on system messages and
// turn order (the rules the families' own Jinja templates enforce with raise_exception).
#include <optional>

#include "llm/chat/chat_messages.h"

namespace maas::llm {
namespace chat_detail {
namespace {

std::optional<Role> parse_role(std::string_view role) {
  if (role == "system" || role == "developer") return Role::kSystem;  // OpenAI's newer name
  if (role == "user") return Role::kUser;
  if (role == "assistant") return Role::kAssistant;
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kSystem: return "system";
    case Role::kUser: return "user";
    case Role::kAssistant: return "assistant";
  }
  return "?";
}

// Families whose templates accept a system message only as the very first message.
bool system_only_first(ChatFamily family) {
  switch (family) {
    case ChatFamily::kLlama2:
    case ChatFamily::kLlama2Sys:
    case ChatFamily::kMistralV1:
    case ChatFamily::kMistralV3:
    case ChatFamily::kMistralV3Tekken:
    case ChatFamily::kGemma:
      return true;
    default:
      return false;
  }
}

// Families whose templates require user/assistant/user/... after the optional system.
bool requires_alternation(ChatFamily family) { return system_only_first(family); }

}  // namespace

Result<std::vector<Turn>> to_turns(ChatFamily family, const std::vector<ChatMessage>& messages) {
  if (messages.empty()) return invalid_argument("messages: must contain at least one message");
  std::vector<Turn> turns;
  turns.reserve(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    std::optional<Role> role = parse_role(m.role);
    if (!role) {
      return invalid_argument(
          "messages[{}].role: unknown role '{}' (expected system, user or assistant)", i, m.role);
    }
    if (!m.content) return invalid_argument("messages[{}].content: missing", i);
    turns.push_back(Turn{*role, role_name(*role), *m.content});
  }

  const char* name = chat_family_name(family);
  if (system_only_first(family)) {
    for (size_t i = 1; i < turns.size(); ++i) {
      if (turns[i].role == Role::kSystem) {
        return invalid_argument(
            "messages[{}].role: a system message is only allowed as the first message with "
            "the {} chat template", i, name);
      }
    }
  }
  if (requires_alternation(family)) {
    size_t first = turns[0].role == Role::kSystem ? 1 : 0;
    for (size_t i = first; i < turns.size(); ++i) {
      Role expected = (i - first) % 2 == 0 ? Role::kUser : Role::kAssistant;
      if (turns[i].role != expected) {
        return invalid_argument(
            "messages[{}].role: expected '{}' here: the {} chat template needs user and "
            "assistant messages to alternate, starting with user", i, role_name(expected), name);
      }
    }
  }
  return turns;
}

}  // namespace chat_detail

Status validate_chat_messages(ChatFamily family, const std::vector<ChatMessage>& messages) {
  auto turns = chat_detail::to_turns(family, messages);
  return turns.status();
}

}  // namespace maas::llm
