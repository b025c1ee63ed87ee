// Keeps what is served in line with the registry (TF Serving's "desired vs loaded"):
// every few seconds it retires deprecated versions whose sunset has passed, loads every
// version a traffic table names (so a canary is warm before it gets requests), unloads
// retired and rejected versions, and purges artifacts retired longer than the retention.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "serving/context.h"

namespace maas::serving {

struct ReconcilerOptions {
  std::chrono::milliseconds interval{2000};
  int64_t artifact_retention_ms = 30LL * 24 * 3600 * 1000;  // < 0: never purge
};

class Reconciler {
 public:
  Reconciler(ServingContext& ctx, ReconcilerOptions options);
  ~Reconciler();
  // One pass (also used by tests).
  void reconcile_once();

 private:
  void loop();
  ServingContext& ctx_;
  ReconcilerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace maas::serving
