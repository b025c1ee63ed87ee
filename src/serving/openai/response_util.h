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

}  // namespace maas::serving::openai
