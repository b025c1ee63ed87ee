// Threads that run complete, buffered requests. Threads start on demand up to
// `max_threads`; jobs wait in a queue of at most `max_queued` while every thread is
// busy, and beyond that try_submit() refuses at once (the caller answers 503) instead
// of queueing without bound.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace maas::serving {

class WorkerPool {
 public:
  WorkerPool(int max_threads, int max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when every thread is busy and the queue is full.
  bool try_submit(std::function<void()> job);
  // Runs every queued job, then joins the threads. Idempotent.
  void shutdown();
  int threads() const;

 private:
  void work();

  const int max_threads_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  int idle_ = 0;
  bool stopping_ = false;
};

}  // namespace maas::serving
