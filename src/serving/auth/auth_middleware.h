// Authentication and authorisation of every non-public route:
//   Authorization: Bearer maas-<64 hex>
// 401 when the key is missing, malformed, unknown, revoked or expired; 403 when a user
// key calls an admin route or names a model outside its allow-list. On success the
// request carries the key's name in X-Maas-Key and X-Maas-Actor (audit rows) and its
// model allow-list in X-Maas-Models (lists such as GET /v1/models show only those);
// values a client sent in those headers are always dropped first, auth or not.
#pragma once

#include <optional>
#include <string>

#include "serving/auth/key_cache.h"
#include "serving/http/server.h"

namespace maas::serving::auth {

enum class AuthMode { kAuto, kOn, kOff };  // auto: on while any active key exists
Result<AuthMode> parse_auth_mode(const std::string& text);
const char* auth_mode_name(AuthMode mode);
// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

// Request headers set by the middleware (never trusted from clients).
inline constexpr const char* kKeyHeader = "X-Maas-Key";
inline constexpr const char* kActorHeader = "X-Maas-Actor";
// The key's model allow-list, comma-separated; absent when the key may use every model.
inline constexpr const char* kModelsHeader = "X-Maas-Models";
// Whether the request's key (kModelsHeader) may use `model` (a base name).
bool request_allows_model(const HttpRequest& req, const std::string& model);

Middleware make_auth_middleware(KeyCache& keys, AuthMode mode);

}  // namespace maas::serving::auth
