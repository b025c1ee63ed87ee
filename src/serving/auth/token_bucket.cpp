#include "serving/auth/token_bucket.h"

#include <algorithm>

namespace maas::serving::auth {

TokenBucket::TokenBucket(double per_minute, Clock::time_point now)
    : capacity_(per_minute), per_second_(per_minute / 60.0), tokens_(per_minute), last_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(capacity_, tokens_ + elapsed * per_second_);
  last_ = now;
}

bool TokenBucket::try_take(double n, Clock::time_point now) {
  refill(now);
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

bool TokenBucket::positive(Clock::time_point now) {
  refill(now);
  return tokens_ > 0;
}

void TokenBucket::charge(double n, Clock::time_point now) {
  refill(now);
  tokens_ -= n;
}

double TokenBucket::seconds_until(double n, Clock::time_point now) {
  refill(now);
  if (tokens_ >= n || per_second_ <= 0) return 0;
  return (n - tokens_) / per_second_;
}

}  // namespace maas::serving::auth
