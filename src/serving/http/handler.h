// Thin handlers: a function returning Result<HttpResponse>; an error Status becomes an
// OpenAI error body (with its field as "param") in one place.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "serving/http/errors.h"
#include "serving/http/json_body.h"
#include "serving/http/router.h"

namespace maas::serving {

using ResultHandler = std::function<Result<HttpResponse>(HttpRequest&)>;

inline Handler wrap(ResultHandler fn) {
  return [fn = std::move(fn)](HttpRequest& req) -> HttpResponse {
    Result<HttpResponse> r = fn(req);
    if (r.is_ok()) return std::move(r).value();
    return error_response(r.status(), req.request_id);
  };
}

}  // namespace maas::serving
