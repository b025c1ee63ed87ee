// Pieces every OpenAI response shares: ids, timestamps, usage, and applying the routed
// model's headers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "serving/http/http_types.h"
#include "serving/model_router.h"

namespace maas::serving::openai {

std::string new_id(const char* prefix);  // "cmpl-...", "chatcmpl-..."
nlohmann::json usage_json(int64_t prompt_tokens, int64_t completion_tokens);
// Adds the routed version's headers and starts res.usage for it.
void add_route_headers(HttpResponse& res, const RoutedModel& routed);
// A Status as an in-stream error event body.
nlohmann::json stream_error(const Status& status);

// The fields every response and chunk starts with: id, object, created, model,
// system_fingerprint.
nlohmann::json envelope(const std::string& id, const char* object, int64_t created, const std::string& model);

// The last chunk of a stream with stream_options.include_usage: the envelope, no
// choices, the usage. Null when `include` is false.
nlohmann::json usage_chunk(bool include, const std::string& id, const char* object, int64_t created,
                           const std::string& model, int64_t prompt_tokens, int64_t completion_tokens);

// Ends a stream: an error event unless the client left; else the usage chunk (when
// asked for: `usage_chunk` not null) and [DONE].
void end_stream(StreamWriter& w, const Status& status, const nlohmann::json& usage_chunk);

}  // namespace maas::serving::openai
