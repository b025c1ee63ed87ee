// How requests and commands name a model version: "name", "name:3" or "name@alias".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace maas::registry {

struct ModelRef {
  std::string name;
  std::optional<int64_t> version;  // "name:3"
  std::optional<std::string> alias;  // "name@production"
};

Result<ModelRef> parse_model_ref(std::string_view text);

// Model names and aliases: 1..128 of [A-Za-z0-9._-], starting with a letter or digit.
// (':' and '@' are reserved for references, '/' for URLs.)
Status check_model_name(std::string_view name);
Status check_alias_name(std::string_view alias);

}  // namespace maas::registry
