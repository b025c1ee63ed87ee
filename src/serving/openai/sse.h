// Server-sent events as the OpenAI API streams them: "data: {json}\n\n" ... "data: [DONE]\n\n".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "serving/http/http_types.h"

namespace maas::serving::openai {

inline bool send_event(StreamWriter& w, const nlohmann::json& chunk) {
  return w.write("data: " + chunk.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n");
}
inline bool send_done(StreamWriter& w) { return w.write("data: [DONE]\n\n"); }

inline HttpResponse sse_response() {
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Accel-Buffering", "no");
  return r;
}

}  // namespace maas::serving::openai
