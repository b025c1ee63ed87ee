// Key checks on the request path without a database read per request: outcomes of
// KeyStore::authenticate are cached for at most `ttl` (1 s by default), so a key revoked
// by any process (CLI, other replica) stops working within that time, and at once when
// revoked through this server (invalidate()). Secrets are cached by their sha256 only.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "registry/keys.h"

namespace maas::serving::auth {

struct KeyCheck {
  std::optional<registry::ApiKey> key;  // set when the secret is valid now
  registry::KeyRefusal refusal = registry::KeyRefusal::kNone;
  Status status;  // the refusal (kUnauthenticated) or a database error
};

class KeyCache {
 public:
  explicit KeyCache(registry::KeyStore& store, std::chrono::milliseconds ttl = std::chrono::milliseconds(1000));

  KeyCheck authenticate(const std::string& secret);
  // Whether any key is active (auth "auto" turns on with the first key). Errors count
  // as "yes": a database problem never opens the service.
  bool any_active_key();
  // The last authenticated state of a key, by name (for quotas and the request log).
  std::optional<registry::ApiKey> by_name(const std::string& name);
  // Forget everything (after a revoke or rotate through this process).
  void invalidate();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    KeyCheck check;
    Clock::time_point at;
  };
  registry::KeyStore& store_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_secret_hash_;
  std::unordered_map<std::string, registry::ApiKey> by_name_;
  std::optional<bool> any_active_;
  Clock::time_point any_active_at_;
};

}  // namespace maas::serving::auth
