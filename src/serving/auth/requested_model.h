// The model a request is about, for per-key model allow-lists: the top-level "model"
// string of the JSON body of a POST to a non-admin route (/v1/*, /tokenize,
// /detokenize; found with a SAX pass that stops there, so the body is not
// materialised), the {id} of GET /v1/models/{id}, or the {model}/{name} path parameter
// of /v2/models/... routes.
// Returns the base name ("m:3" and "m@prod" -> "m"); nullopt when the request names none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "serving/http/router.h"

namespace maas::serving::auth {

std::optional<std::string> requested_model(const HttpRequest& req, const Route& route);
// The top-level "model" string of a JSON object body, if any.
std::optional<std::string> body_model_field(std::string_view body);
// "m:3" / "m@alias" -> "m".
std::string base_model_name(std::string_view reference);

}  // namespace maas::serving::auth
