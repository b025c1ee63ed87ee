// Typed, strict access to OpenAI request fields: each error names the field (rendered
// as the OpenAI "param") and says what was expected. Unknown fields are rejected by
// name, never silently ignored.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas::serving::openai {

class Fields {
 public:
  explicit Fields(const nlohmann::json& body) : body_(body) {}

  // Rejects any field not in `known`; fields in `unsupported` get "not supported by maas".
  Status check_known(const std::set<std::string>& known, const std::set<std::string>& unsupported = {}) const;

  bool has(const char* name) const { return body_.contains(name) && !body_[name].is_null(); }
  const nlohmann::json& raw(const char* name) const { return body_[name]; }

  Result<std::string> string(const char* name) const;  // required
  Result<std::optional<std::string>> opt_string(const char* name) const;
  Result<bool> boolean(const char* name, bool fallback) const;
  Result<int64_t> integer(const char* name, int64_t fallback, int64_t min, int64_t max) const;
  Result<std::optional<int64_t>> opt_integer(const char* name, int64_t min, int64_t max) const;
  Result<double> number(const char* name, double fallback, double min, double max) const;
  // A string or an array of up to `max_items` strings (OpenAI `stop`).
  Result<std::vector<std::string>> string_or_list(const char* name, size_t max_items) const;

 private:
  const nlohmann::json& body_;
};

}  // namespace maas::serving::openai
