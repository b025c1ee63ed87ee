#include "registry/model_ref.h"

#include <charconv>

namespace maas::registry {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

Status check_identifier(std::string_view what, std::string_view text) {
  if (text.empty()) return invalid_argument("{} must not be empty", what);
  if (text.size() > 128) return invalid_argument("{} '{}' is longer than 128 characters", what, text);
  if (!is_name_char(text[0]) || text[0] == '.' || text[0] == '_' || text[0] == '-') {
    return invalid_argument("{} '{}' must start with a letter or digit", what, text);
  }
  for (char c : text) {
    if (!is_name_char(c)) {
      return invalid_argument("{} '{}' may contain only letters, digits, '.', '_' and '-'", what, text);
    }
  }
  return Status::ok();
}

}  // namespace

Status check_model_name(std::string_view name) { return check_identifier("model name", name); }
Status check_alias_name(std::string_view alias) { return check_identifier("alias", alias); }

Result<ModelRef> parse_model_ref(std::string_view text) {
  ModelRef ref;
  size_t colon = text.find(':');
  size_t at = text.find('@');
  if (colon != std::string_view::npos && at != std::string_view::npos) {
    return invalid_argument("model reference '{}' has both ':version' and '@alias'; use one", text);
  }
  if (colon != std::string_view::npos) {
    std::string_view digits = text.substr(colon + 1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || v < 1) {
      return invalid_argument("model reference '{}': version '{}' is not a positive integer", text, digits);
    }
    ref.version = v;
    text = text.substr(0, colon);
  } else if (at != std::string_view::npos) {
    std::string_view alias = text.substr(at + 1);
    MAAS_RETURN_IF_ERROR(check_alias_name(alias));
    ref.alias = std::string(alias);
    text = text.substr(0, at);
  }
  MAAS_RETURN_IF_ERROR(check_model_name(text));
  ref.name = std::string(text);
  return ref;
}

}  // namespace maas::registry
