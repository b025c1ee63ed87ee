// Shadow traffic: a copy of a request is replayed against a shadow version on a
// background thread after the caller has its answer; the shadow's answer is compared
// with the caller's (same text = agreement) and only recorded, never returned. A
// bounded queue drops copies under load rather than slowing real traffic.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "serving/http/router.h"
#include "serving/rollout_monitor.h"

namespace maas::serving {

class ShadowRunner {
 public:
  ShadowRunner(RolloutMonitor& monitor, size_t max_queue = 64);
  ~ShadowRunner();

  // Queues a replay of `req` (its JSON body's "model" becomes model:shadow_version).
  void submit(Handler handler, const HttpRequest& req, const std::string& model, int64_t shadow_version,
              std::string primary_text, double primary_seconds);
  int64_t dropped() const;

 private:
  struct Task {
    Handler handler;
    HttpRequest request;
    std::string model;
    int64_t version = 0;
    std::string primary_text;
    double primary_seconds = 0;
  };
  void loop();
  void run(Task& task);

  RolloutMonitor& monitor_;
  size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  int64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace maas::serving
