// A token bucket: holds up to `capacity` tokens, refilled continuously at
// `capacity / 60` per second (limits are "per minute"). A bucket may go negative when
// a request is charged after the fact (tokens per minute); it admits again once it has
// refilled above zero.
#pragma once

#include <chrono>

namespace maas::serving::auth {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double per_minute, Clock::time_point now);

  // Takes `n` tokens if at least `n` are there.
  bool try_take(double n, Clock::time_point now);
  // Whether the bucket holds more than zero tokens.
  bool positive(Clock::time_point now);
  // Removes `n` tokens (may go below zero).
  void charge(double n, Clock::time_point now);
  // Seconds until the bucket holds `n` tokens (0 if it already does).
  double seconds_until(double n, Clock::time_point now);
  double per_minute() const { return capacity_; }

 private:
  void refill(Clock::time_point now);
  double capacity_;
  double per_second_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace maas::serving::auth
