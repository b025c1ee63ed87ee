#include "registry/keys.h"

#include <openssl/crypto.h>

#include "core/clock.h"
#include "core/hash.h"
#include "registry/ops_db.h"

namespace maas::registry {
namespace {

constexpr size_t kSecretHexChars = 64;  // 32 random bytes
constexpr size_t kKeyIdChars = 12;
constexpr const char* kSecretPrefix = "maas-";

#define MAAS_KEY_COLUMNS                                                                             \
  "id, name, key_id, role, models_json, rpm, tpm, budget_usd, log_requests, expires_at_ms, revoked_at_ms," \
  " created_at_ms, created_by, rotated_at_ms"
constexpr const char* kKeySelect = "SELECT " MAAS_KEY_COLUMNS " FROM api_keys";

ApiKey read_key(const Stmt& s) {
  ApiKey k;
  k.id = s.int_at(0);
  k.name = s.text_at(1);
  k.key_id = s.text_at(2);
  k.role = s.text_at(3);
  nlohmann::json models = nlohmann::json::parse(s.text_at(4), nullptr, false);
  if (models.is_array())
    for (const auto& m : models)
      if (m.is_string()) k.models.push_back(m.get<std::string>());
  k.rpm = s.int_at(5);
  k.tpm = s.int_at(6);
  if (!s.null_at(7)) k.budget_usd = s.real_at(7);
  k.log_requests = s.int_at(8) != 0;
  if (!s.null_at(9)) k.expires_at_ms = s.int_at(9);
  if (!s.null_at(10)) k.revoked_at_ms = s.int_at(10);
  k.created_at_ms = s.int_at(11);
  k.created_by = s.text_at(12);
  if (!s.null_at(13)) k.rotated_at_ms = s.int_at(13);
  return k;
}

std::string hash_secret(const std::string& salt, const std::string& secret) { return sha256_hex(salt + secret); }

struct FreshSecret {
  std::string secret, key_id, salt, hash;
};

FreshSecret fresh_secret() {
  FreshSecret f;
  f.secret = kSecretPrefix + random_hex(kSecretHexChars / 2);
  f.key_id = key_id_of_secret(f.secret);
  f.salt = random_hex(16);
  f.hash = hash_secret(f.salt, f.secret);
  return f;
}

Status check_new_key(const NewKey& r, int64_t now_ms) {
  MAAS_RETURN_IF_ERROR(check_key_name(r.name));
  if (r.role != "admin" && r.role != "user") return invalid_argument("role must be admin or user, not '{}'", r.role);
  if (r.rpm < 0) return invalid_argument("rpm must be >= 0 (0: unlimited)");
  if (r.tpm < 0) return invalid_argument("tpm must be >= 0 (0: unlimited)");
  if (r.budget_usd && !(*r.budget_usd >= 0)) return invalid_argument("budget must be >= 0 USD");
  if (r.expires_at_ms && *r.expires_at_ms <= now_ms) return invalid_argument("expiry must be in the future");
  if (r.actor.empty()) return invalid_argument("actor must not be empty");
  for (const auto& m : r.models)
    if (m.empty()) return invalid_argument("model names in the key's list must not be empty");
  return Status::ok();
}

}  // namespace

bool ApiKey::allows_model(const std::string& model) const {
  if (models.empty()) return true;
  for (const auto& m : models)
    if (m == model) return true;
  return false;
}

std::string ApiKey::state(int64_t now_ms) const {
  if (revoked_at_ms) return "revoked";
  if (expires_at_ms && *expires_at_ms <= now_ms) return "expired";
  return "active";
}

Status check_key_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return invalid_argument("key name must be 1-64 characters").with_field("name");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return invalid_argument("key name '{}' may only hold letters, digits, '.', '_' and '-'", name).with_field("name");
  }
  return Status::ok();
}

std::string key_id_of_secret(const std::string& secret) {
  const std::string prefix = kSecretPrefix;
  if (secret.size() != prefix.size() + kSecretHexChars || secret.compare(0, prefix.size(), prefix) != 0) return "";
  for (size_t i = prefix.size(); i < secret.size(); ++i)
    if (!std::isxdigit(static_cast<unsigned char>(secret[i]))) return "";
  return secret.substr(prefix.size(), kKeyIdChars);
}

KeyStore::KeyStore(std::unique_ptr<Db> db, std::function<int64_t()> now_ms)
    : db_(std::move(db)), now_ms_(std::move(now_ms)) {}
KeyStore::~KeyStore() = default;

Result<std::unique_ptr<KeyStore>> KeyStore::open(const std::string& db_path, std::function<int64_t()> now_ms) {
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, open_ops_db(db_path));
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(db), std::move(now_ms)));
}

int64_t KeyStore::now() const { return now_ms_ ? now_ms_() : unix_millis(); }

Result<IssuedKey> KeyStore::create(const NewKey& r) {
  std::lock_guard lock(mu_);
  MAAS_RETURN_IF_ERROR(check_new_key(r, now()));
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  {
    MAAS_ASSIGN_OR_RETURN(Stmt exists, Stmt::prepare(*db_, "SELECT revoked_at_ms IS NOT NULL FROM api_keys WHERE name = ?"));
    exists.bind_text(1, r.name);
    MAAS_ASSIGN_OR_RETURN(bool found, exists.step());
    if (found) {
      return error(Code::kAlreadyExists, "key '{}' already exists{}", r.name,
                   exists.int_at(0) ? " (revoked; names are not reused)" : "")
          .with_field("name");
    }
  }
  FreshSecret f = fresh_secret();
  MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_,
      "INSERT INTO api_keys(name, key_id, salt, secret_hash, role, models_json, rpm, tpm, budget_usd, log_requests,"
      " expires_at_ms, created_at_ms, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  ins.bind_text(1, r.name).bind_text(2, f.key_id).bind_text(3, f.salt).bind_text(4, f.hash).bind_text(5, r.role);
  ins.bind_text(6, nlohmann::json(r.models).dump()).bind_int(7, r.rpm).bind_int(8, r.tpm);
  if (r.budget_usd) ins.bind_real(9, *r.budget_usd); else ins.bind_null(9);
  ins.bind_int(10, r.log_requests ? 1 : 0);
  if (r.expires_at_ms) ins.bind_int(11, *r.expires_at_ms); else ins.bind_null(11);
  ins.bind_int(12, now()).bind_text(13, r.actor);
  MAAS_RETURN_IF_ERROR(ins.run());
  MAAS_RETURN_IF_ERROR(tx->commit());
  MAAS_ASSIGN_OR_RETURN(ApiKey key, get_locked(r.name));
  return IssuedKey{std::move(key), std::move(f.secret)};
}

Result<std::vector<ApiKey>> KeyStore::list() {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, (std::string(kKeySelect) + " ORDER BY name").c_str()));
  std::vector<ApiKey> out;
  while (true) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    out.push_back(read_key(s));
  }
  return out;
}

Result<ApiKey> KeyStore::get(const std::string& name) {
  std::lock_guard lock(mu_);
  return get_locked(name);
}

Result<ApiKey> KeyStore::get_locked(const std::string& name) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, (std::string(kKeySelect) + " WHERE name = ?").c_str()));
  s.bind_text(1, name);
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return not_found("key '{}' not found", name);
  return read_key(s);
}

Result<ApiKey> KeyStore::revoke(const std::string& name, const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(ApiKey key, get_locked(name));
  if (key.revoked_at_ms) return error(Code::kFailedPrecondition, "key '{}' is already revoked", name);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "UPDATE api_keys SET revoked_at_ms = ?, revoked_by = ? WHERE id = ?"));
  s.bind_int(1, now()).bind_text(2, actor).bind_int(3, key.id);
  MAAS_RETURN_IF_ERROR(s.run());
  MAAS_RETURN_IF_ERROR(tx->commit());
  return get_locked(name);
}

Result<IssuedKey> KeyStore::rotate(const std::string& name, const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(ApiKey key, get_locked(name));
  if (key.revoked_at_ms) return error(Code::kFailedPrecondition, "key '{}' is revoked; create a new key", name);
  FreshSecret f = fresh_secret();
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
      "UPDATE api_keys SET key_id = ?, salt = ?, secret_hash = ?, rotated_at_ms = ?, rotated_by = ? WHERE id = ?"));
  s.bind_text(1, f.key_id).bind_text(2, f.salt).bind_text(3, f.hash).bind_int(4, now()).bind_text(5, actor);
  s.bind_int(6, key.id);
  MAAS_RETURN_IF_ERROR(s.run());
  MAAS_RETURN_IF_ERROR(tx->commit());
  MAAS_ASSIGN_OR_RETURN(ApiKey updated, get_locked(name));
  return IssuedKey{std::move(updated), std::move(f.secret)};
}

Result<int64_t> KeyStore::count_active() {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
      "SELECT COUNT(*) FROM api_keys WHERE revoked_at_ms IS NULL AND (expires_at_ms IS NULL OR expires_at_ms > ?)"));
  s.bind_int(1, now());
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.int_at(0) : 0;
}

Result<ApiKey> KeyStore::authenticate(const std::string& secret, KeyRefusal* refusal) {
  auto refuse = [&](KeyRefusal why, const char* message) -> Status {
    if (refusal) *refusal = why;
    return Status(Code::kUnauthenticated, message);
  };
  if (refusal) *refusal = KeyRefusal::kNone;
  std::string key_id = key_id_of_secret(secret);
  if (key_id.empty()) return refuse(KeyRefusal::kMalformed, "invalid API key (expected 'maas-' and 64 hex characters)");
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(*db_,
      "SELECT " MAAS_KEY_COLUMNS ", salt, secret_hash FROM api_keys WHERE key_id = ?"));
  q.bind_text(1, key_id);
  MAAS_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return refuse(KeyRefusal::kUnknown, "invalid API key");
  std::string expected = q.text_at(15);
  std::string actual = hash_secret(q.text_at(14), secret);
  if (expected.size() != actual.size() || CRYPTO_memcmp(expected.data(), actual.data(), actual.size()) != 0)
    return refuse(KeyRefusal::kUnknown, "invalid API key");
  ApiKey key = read_key(q);
  if (key.revoked_at_ms) return refuse(KeyRefusal::kRevoked, "API key has been revoked");
  if (key.expires_at_ms && *key.expires_at_ms <= now()) return refuse(KeyRefusal::kExpired, "API key has expired");
  return key;
}

nlohmann::json to_json(const ApiKey& k, int64_t now_ms) {
  nlohmann::json j = {{"name", k.name},
                      {"key_id", k.key_id},
                      {"role", k.role},
                      {"models", k.models},
                      {"rpm", k.rpm},
                      {"tpm", k.tpm},
                      {"budget_usd", k.budget_usd ? nlohmann::json(*k.budget_usd) : nlohmann::json(nullptr)},
                      {"log_requests", k.log_requests},
                      {"state", k.state(now_ms)},
                      {"created_at", rfc3339_utc(k.created_at_ms / 1000)},
                      {"created_by", k.created_by}};
  j["expires_at"] = k.expires_at_ms ? nlohmann::json(rfc3339_utc(*k.expires_at_ms / 1000)) : nlohmann::json(nullptr);
  j["revoked_at"] = k.revoked_at_ms ? nlohmann::json(rfc3339_utc(*k.revoked_at_ms / 1000)) : nlohmann::json(nullptr);
  j["rotated_at"] = k.rotated_at_ms ? nlohmann::json(rfc3339_utc(*k.rotated_at_ms / 1000)) : nlohmann::json(nullptr);
  return j;
}

}  // namespace maas::registry
