#include "serving/openai/response_util.h"

#include "core/hash.h"
#include "serving/http/errors.h"
#include "serving/openai/sse.h"

namespace maas::serving::openai {

std::string new_id(const char* prefix) { return std::string(prefix) + "-" + random_hex(12); }

nlohmann::json usage_json(int64_t prompt_tokens, int64_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens}};
}

void add_route_headers(HttpResponse& res, const RoutedModel& routed) {
  for (const auto& [k, v] : routed.headers) res.set_header(k, v);
  res.set_header("X-Maas-Model-Version", routed.version.model + ":" + std::to_string(routed.version.version));
  res.usage = std::make_shared<RequestUsage>();
  res.usage->model = routed.version.model;
  res.usage->version = routed.version.version;
  res.usage->shadow_versions = routed.shadows;
}

nlohmann::json stream_error(const Status& status) {
  HttpResponse r = error_response(status);
  return nlohmann::json::parse(r.body);
}

nlohmann::json envelope(const std::string& id, const char* object, int64_t created, const std::string& model) {
  return {{"id", id}, {"object", object}, {"created", created}, {"model", model}, {"system_fingerprint", "maas"}};
}

nlohmann::json usage_chunk(bool include, const std::string& id, const char* object, int64_t created,
                           const std::string& model, int64_t prompt_tokens, int64_t completion_tokens) {
  if (!include) return nullptr;
  nlohmann::json chunk = envelope(id, object, created, model);
  chunk["choices"] = nlohmann::json::array();
  chunk["usage"] = usage_json(prompt_tokens, completion_tokens);
  return chunk;
}

void end_stream(StreamWriter& w, const Status& status, const nlohmann::json& usage_chunk) {
  if (!status.is_ok()) {
    if (status.code() != Code::kCancelled) send_event(w, stream_error(status));
    return;
  }
  if (!usage_chunk.is_null() && !send_event(w, usage_chunk)) return;
  send_done(w);
}

}  // namespace maas::serving::openai
