#include "serving/auth/auth_middleware.h"

#include "serving/auth/requested_model.h"
#include "serving/http/errors.h"

namespace maas::serving::auth {
namespace {

// The token of "Authorization: Bearer <token>" (scheme case-insensitive); "" if absent.
std::string bearer_token(const HttpRequest& req) {
  std::string h = req.header("Authorization");
  if (h.size() < 7) return "";
  for (size_t i = 0; i < 6; ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != "bearer"[i]) return "";
  if (h[6] != ' ') return "";
  size_t start = h.find_first_not_of(' ', 6);
  if (start == std::string::npos) return "";
  size_t end = h.find_last_not_of(" \t");
  return h.substr(start, end - start + 1);
}

HttpResponse refusal_response(const KeyCheck& check, const std::string& request_id) {
  using registry::KeyRefusal;
  switch (check.refusal) {
    case KeyRefusal::kRevoked: return error_response(401, "API key has been revoked", "", "revoked_api_key");
    case KeyRefusal::kExpired: return error_response(401, "API key has expired", "", "expired_api_key");
    case KeyRefusal::kMalformed:
    case KeyRefusal::kUnknown: return error_response(401, "invalid API key", "", "invalid_api_key");
    case KeyRefusal::kNone: break;
  }
  return error_response(check.status, request_id);  // the key store failed (busy, I/O)
}

}  // namespace

Result<AuthMode> parse_auth_mode(const std::string& text) {
  if (text == "auto") return AuthMode::kAuto;
  if (text == "on") return AuthMode::kOn;
  if (text == "off") return AuthMode::kOff;
  return invalid_argument("--auth must be auto, on or off, not '{}'", text);
}

const char* auth_mode_name(AuthMode mode) {
  switch (mode) {
    case AuthMode::kAuto: return "auto";
    case AuthMode::kOn: return "on";
    case AuthMode::kOff: return "off";
  }
  return "?";
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool request_allows_model(const HttpRequest& req, const std::string& model) {
  auto it = req.headers.find(kModelsHeader);
  if (it == req.headers.end()) return true;
  std::string_view list = it->second;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (list.substr(0, comma) == model) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Middleware make_auth_middleware(KeyCache& keys, AuthMode mode) {
  return [&keys, mode](HttpRequest& req, const Route& route) -> std::optional<HttpResponse> {
    req.headers.erase(kKeyHeader);
    req.headers.erase(kActorHeader);
    req.headers.erase(kModelsHeader);
    if (route.public_route || mode == AuthMode::kOff) return std::nullopt;
    if (mode == AuthMode::kAuto && !keys.any_active_key()) return std::nullopt;

    std::string token = bearer_token(req);
    if (token.empty()) {
      HttpResponse r = error_response(401, "missing API key: send 'Authorization: Bearer <key>'", "", "missing_api_key");
      r.set_header("WWW-Authenticate", "Bearer");
      return r;
    }
    KeyCheck check = keys.authenticate(token);
    if (!check.key) {
      HttpResponse r = refusal_response(check, req.request_id);
      if (r.status == 401) r.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return r;
    }
    const registry::ApiKey& key = *check.key;
    if (route.admin && !key.is_admin()) {
      return error_response(403, "key '" + key.name + "' is not an admin key; admin routes need role admin", "",
                            "insufficient_permissions");
    }
    if (std::optional<std::string> model = requested_model(req, route); model && !key.allows_model(*model)) {
      return error_response(403, "key '" + key.name + "' may not use model '" + *model + "'", "model",
                            "model_not_allowed");
    }
    req.headers.emplace(kKeyHeader, key.name);
    req.headers.emplace(kActorHeader, key.name);
    if (!key.models.empty()) {
      std::string list;
      for (const std::string& m : key.models) list += (list.empty() ? "" : ",") + m;
      req.headers.emplace(kModelsHeader, list);
    }
    return std::nullopt;
  };
}

}  // namespace maas::serving::auth
