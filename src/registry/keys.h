// API keys: who may call the service, on which models, how fast and for how much.
// The secret ("maas-" + 64 hex characters = 32 random bytes) is shown once at creation
// or rotation and never stored: the row keeps its first 12 hex characters in clear (to
// find the row) and sha256(salt || secret) with a random per-key salt. Secrets carry 256
// random bits, so a fast salted hash is as strong as a slow one here and keeps the
// per-request check cheap. Revoked and rotated-away secrets never authenticate again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "registry/sqlite.h"

namespace maas::registry {

struct ApiKey {
  int64_t id = 0;
  std::string name;
  std::string key_id;               // first 12 hex characters of the secret, in clear
  std::string role = "user";        // admin | user
  std::vector<std::string> models;  // model names this key may call; empty: all
  int64_t rpm = 0;                  // requests per minute; 0: unlimited
  int64_t tpm = 0;                  // prompt + completion tokens per minute; 0: unlimited
  std::optional<double> budget_usd; // spend limit; none: unlimited
  bool log_requests = false;        // keep a redacted log of this key's requests
  std::optional<int64_t> expires_at_ms;
  std::optional<int64_t> revoked_at_ms;
  int64_t created_at_ms = 0;
  std::string created_by;
  std::optional<int64_t> rotated_at_ms;

  bool is_admin() const { return role == "admin"; }
  bool allows_model(const std::string& model) const;
  // "active", "revoked" or "expired" at `now_ms`.
  std::string state(int64_t now_ms) const;
};

struct NewKey {
  std::string name;
  std::string role = "user";
  std::vector<std::string> models;
  int64_t rpm = 0;
  int64_t tpm = 0;
  std::optional<double> budget_usd;
  std::optional<int64_t> expires_at_ms;
  bool log_requests = false;
  std::string actor = "cli";
};

struct IssuedKey {
  ApiKey key;
  std::string secret;  // shown once
};

// Why a presented secret was refused; the message never repeats the secret.
enum class KeyRefusal { kNone, kMalformed, kUnknown, kRevoked, kExpired };

class KeyStore {
 public:
  // `db_path`: the registry database (schema already migrated by Registry::open).
  static Result<std::unique_ptr<KeyStore>> open(const std::string& db_path,
                                                std::function<int64_t()> now_ms = nullptr);
  ~KeyStore();

  // Errors: kInvalidArgument (bad name, role, limits, expiry in the past),
  // kAlreadyExists (name taken, also by a revoked key).
  Result<IssuedKey> create(const NewKey& request);
  Result<std::vector<ApiKey>> list();
  Result<ApiKey> get(const std::string& name);
  // Effective at once for every process reading this database.
  Result<ApiKey> revoke(const std::string& name, const std::string& actor);
  // A new secret for the same key (limits and usage kept); the old secret stops working.
  Result<IssuedKey> rotate(const std::string& name, const std::string& actor);
  // Keys neither revoked nor expired.
  Result<int64_t> count_active();

  // The key a presented secret belongs to, if it is valid now; otherwise the refusal
  // (kUnauthenticated, with `refusal` filled when given).
  Result<ApiKey> authenticate(const std::string& secret, KeyRefusal* refusal = nullptr);

 private:
  KeyStore(std::unique_ptr<Db> db, std::function<int64_t()> now_ms);
  int64_t now() const;
  Result<ApiKey> get_locked(const std::string& name);

  std::unique_ptr<Db> db_;
  std::function<int64_t()> now_ms_;
  std::mutex mu_;
};

// Key names: 1-64 characters of letters, digits, '.', '_' and '-'.
Status check_key_name(const std::string& name);
// "maas-<64 hex>" -> the 12-character key id; "" when the text is not shaped like one.
std::string key_id_of_secret(const std::string& secret);

nlohmann::json to_json(const ApiKey& key, int64_t now_ms);

}  // namespace maas::registry
