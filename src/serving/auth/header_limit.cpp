#include "serving/auth/header_limit.h"

#include "serving/http/errors.h"

namespace maas::serving::auth {

Middleware make_header_limit_middleware(int max_headers) {
  return [max_headers](HttpRequest& req, const Route&) -> std::optional<HttpResponse> {
    if (static_cast<int>(req.headers.size()) <= max_headers) return std::nullopt;
    return error_response(431, "too many request headers: " + std::to_string(req.headers.size()) + " (limit " +
                                   std::to_string(max_headers) + ")",
                          "", "too_many_headers");
  };
}

}  // namespace maas::serving::auth
