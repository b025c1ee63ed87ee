// Watches canary rollouts. Per model version it keeps the outcomes of recent requests
// (server errors, latency) over a sliding window; when a canary's error rate or p95
// latency exceeds the configured bound against the stable version (the heaviest entry
// of the traffic table), the table reverts to the stable version alone, with an audit
// row saying why. It also aggregates shadow comparisons (agreement, latency, errors).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "serving/context.h"

namespace maas::serving {

struct RolloutGuardOptions {
  bool auto_rollback = false;
  double max_error_rate_delta = 0.05;  // canary error rate may exceed stable's by this much
  double max_p95_ratio = 2.0;          // canary p95 latency may be this multiple of stable's
  int min_requests = 20;               // per version in the window before judging
  std::chrono::seconds window{60};
};

class RolloutMonitor {
 public:
  RolloutMonitor(ServingContext& ctx, RolloutGuardOptions options) : ctx_(ctx), options_(options) {}

  // A finished request served by model:version. Returns true if it triggered a rollback.
  bool observe(const std::string& model, int64_t version, bool server_error, double seconds);
  // A shadow copy's outcome, against the answer the caller got.
  void observe_shadow(const std::string& model, int64_t shadow_version, bool agreed, bool error,
                      double shadow_seconds, double primary_seconds);
  // Window figures per version and shadow comparisons for one model.
  nlohmann::json report(const std::string& model);

 private:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    bool error;
    double seconds;
  };
  struct Window {
    std::deque<Sample> samples;
    void trim(std::chrono::steady_clock::time_point now, std::chrono::seconds window);
    double error_rate() const;
    double p95() const;
  };
  struct ShadowStats {
    int64_t requests = 0, agreed = 0, errors = 0;
    double shadow_seconds = 0, primary_seconds = 0;
  };
  bool check_locked(const std::string& model, std::string* reason, int64_t* stable);

  ServingContext& ctx_;
  RolloutGuardOptions options_;
  std::mutex mu_;
  std::map<std::pair<std::string, int64_t>, Window> windows_;
  std::map<std::pair<std::string, int64_t>, ShadowStats> shadows_;
};

}  // namespace maas::serving
