// Parsing request bodies as JSON objects with a nesting bound, and typed field access
// that reports the offending parameter by name.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas::serving {

// A Status carrying the request field it is about (rendered as OpenAI "param").
struct ParamError {
  Status status;
  std::string param;
};

// Parses `body` as a JSON object; errors: empty body, invalid JSON (with position),
// not an object, nesting deeper than `max_depth`.
Result<nlohmann::json> parse_json_object(const std::string& body, int max_depth);

}  // namespace maas::serving
