#include "serving/auth/rate_limiter.h"

#include <cmath>

#include <fmt/format.h>

namespace maas::serving::auth {

void RateLimiter::set_spent(std::map<std::string, double> spent_by_key) {
  std::lock_guard lock(mu_);
  for (auto& [name, usd] : spent_by_key) state_locked(name).spent_usd = usd;
}

RateLimiter::KeyState& RateLimiter::state_locked(const std::string& name) { return keys_[name]; }

Admission RateLimiter::admit(const registry::ApiKey& key) {
  const auto now = TokenBucket::Clock::now();
  std::lock_guard lock(mu_);
  KeyState& st = state_locked(key.name);
  // Limits are read from the key each time; a changed limit starts a fresh bucket.
  if (key.rpm > 0 && (!st.rpm || st.rpm->per_minute() != static_cast<double>(key.rpm)))
    st.rpm = std::make_unique<TokenBucket>(static_cast<double>(key.rpm), now);
  if (key.tpm > 0 && (!st.tpm || st.tpm->per_minute() != static_cast<double>(key.tpm)))
    st.tpm = std::make_unique<TokenBucket>(static_cast<double>(key.tpm), now);

  if (key.budget_usd && st.spent_usd >= *key.budget_usd) {
    return {false, "budget", 0,
            fmt::format("key '{}' has used its budget of ${:.4f} (spent ${:.4f})", key.name, *key.budget_usd,
                        st.spent_usd)};
  }
  if (key.tpm > 0 && !st.tpm->positive(now)) {
    return {false, "tpm", st.tpm->seconds_until(1e-9, now),
            fmt::format("key '{}' exceeded its limit of {} tokens per minute", key.name, key.tpm)};
  }
  if (key.rpm > 0 && !st.rpm->try_take(1, now)) {
    return {false, "rpm", st.rpm->seconds_until(1, now),
            fmt::format("key '{}' exceeded its limit of {} requests per minute", key.name, key.rpm)};
  }
  return {};
}

void RateLimiter::charge(const std::string& key_name, int64_t tokens, double cost_usd) {
  const auto now = TokenBucket::Clock::now();
  std::lock_guard lock(mu_);
  KeyState& st = state_locked(key_name);
  if (st.tpm && tokens > 0) st.tpm->charge(static_cast<double>(tokens), now);
  st.spent_usd += cost_usd;
}

double RateLimiter::spent(const std::string& key_name) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key_name);
  return it == keys_.end() ? 0 : it->second.spent_usd;
}

}  // namespace maas::serving::auth
