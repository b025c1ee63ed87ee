// Wall-clock helpers (UTC, RFC 3339) and a monotonic stopwatch.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace maas {

int64_t unix_seconds();
int64_t unix_millis();
std::string rfc3339_utc(int64_t unix_secs);
// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), for Sunset headers.
std::string http_date(int64_t unix_secs);
// Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" as UTC; returns false on a bad date.
bool parse_utc_date(const std::string& text, int64_t* unix_secs);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  double millis() const { return seconds() * 1e3; }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace maas
