#include "serving/auth/key_cache.h"

#include "core/hash.h"

namespace maas::serving::auth {
namespace {
constexpr size_t kMaxCachedSecrets = 4096;  // bounds memory under a flood of random keys
}

KeyCache::KeyCache(registry::KeyStore& store, std::chrono::milliseconds ttl) : store_(store), ttl_(ttl) {}

KeyCheck KeyCache::authenticate(const std::string& secret) {
  const std::string digest = sha256_hex(secret);
  const Clock::time_point now = Clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = by_secret_hash_.find(digest);
    if (it != by_secret_hash_.end() && now - it->second.at < ttl_) return it->second.check;
  }
  KeyCheck check;
  Result<registry::ApiKey> r = store_.authenticate(secret, &check.refusal);
  if (r.is_ok()) {
    check.key = *r;
  } else {
    check.status = r.status();
  }
  std::lock_guard lock(mu_);
  if (!r.is_ok() && check.refusal == registry::KeyRefusal::kNone) return check;  // database error: not cached
  if (by_secret_hash_.size() >= kMaxCachedSecrets) by_secret_hash_.clear();
  by_secret_hash_[digest] = Entry{check, now};
  if (check.key) by_name_[check.key->name] = *check.key;
  return check;
}

bool KeyCache::any_active_key() {
  const Clock::time_point now = Clock::now();
  {
    std::lock_guard lock(mu_);
    if (any_active_ && now - any_active_at_ < ttl_) return *any_active_;
  }
  Result<int64_t> n = store_.count_active();
  bool any = !n.is_ok() || *n > 0;
  std::lock_guard lock(mu_);
  any_active_ = any;
  any_active_at_ = now;
  return any;
}

std::optional<registry::ApiKey> KeyCache::by_name(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

void KeyCache::invalidate() {
  std::lock_guard lock(mu_);
  by_secret_hash_.clear();
  any_active_.reset();
}

}  // namespace maas::serving::auth
