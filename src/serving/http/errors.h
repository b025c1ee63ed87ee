// The one place that turns errors into OpenAI error bodies:
//   {"error": {"message", "type", "param", "code"}} with the right HTTP status.
#pragma once

#include <string>

#include "core/status.h"
#include "serving/http/http_types.h"

namespace maas::serving {

int http_status_for(Code code);

// OpenAI error `type` for an HTTP status: invalid_request_error, authentication_error,
// permission_error, not_found_error, rate_limit_error, server_error, ...
const char* openai_error_type(int http_status);

// An error response. `param` names the offending request field ("" → null);
// `code` is a short machine-readable code ("" → derived from the status).
HttpResponse error_response(int http_status, const std::string& message, const std::string& param = "",
                            const std::string& code = "");

// From a Status. Internal errors are logged with the request id and rendered with a
// generic message, so internals never leak to clients.
HttpResponse error_response(const Status& status, const std::string& request_id = "",
                            const std::string& param = "");

}  // namespace maas::serving
