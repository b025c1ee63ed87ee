#include "serving/http/json_body.h"

namespace maas::serving {

Result<nlohmann::json> parse_json_object(const std::string& body, int max_depth) {
  if (body.empty()) return invalid_argument("request body is empty; expected a JSON object");
  bool too_deep = false;
  auto depth_guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > max_depth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(body, depth_guard, /*allow_exceptions=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    if (too_deep) return invalid_argument("request JSON is nested deeper than {} levels", max_depth);
    return invalid_argument("request body is not valid JSON (byte {}): {}", e.byte,
                            std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
  }
  if (too_deep) return invalid_argument("request JSON is nested deeper than {} levels", max_depth);
  if (!value.is_object()) return invalid_argument("request body must be a JSON object");
  return value;
}

}  // namespace maas::serving
