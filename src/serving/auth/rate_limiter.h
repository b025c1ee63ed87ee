// Per-key limits: requests per minute and tokens per minute (token buckets, in memory)
// and a spend budget in USD (from stored usage at start, then from each request's cost).
// admit() runs before a request: rpm takes one token; tpm needs the bucket above zero;
// the budget needs spend below it. charge() runs after: tokens and cost of the request.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "registry/keys.h"
#include "serving/auth/token_bucket.h"

namespace maas::serving::auth {

struct Admission {
  bool allowed = true;
  std::string reason;            // "rpm", "tpm" or "budget" when refused
  double retry_after_seconds = 0;
  std::string message;
};

class RateLimiter {
 public:
  // Spend already recorded per key (usage rows), so budgets survive restarts.
  void set_spent(std::map<std::string, double> spent_by_key);
  Admission admit(const registry::ApiKey& key);
  void charge(const std::string& key_name, int64_t tokens, double cost_usd);
  double spent(const std::string& key_name);

 private:
  struct KeyState {
    std::unique_ptr<TokenBucket> rpm, tpm;
    double spent_usd = 0;
  };
  KeyState& state_locked(const std::string& name);
  std::mutex mu_;
  std::map<std::string, KeyState> keys_;
};

}  // namespace maas::serving::auth
