#include "serving/http/worker_pool.h"

namespace maas::serving {

WorkerPool::WorkerPool(int max_threads, int max_queued)
    : max_threads_(max_threads < 1 ? 1 : max_threads), max_queued_(max_queued < 0 ? 0 : static_cast<size_t>(max_queued)) {}

WorkerPool::~WorkerPool() { shutdown(); }

bool WorkerPool::try_submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    // Queued jobs take the idle threads first; the rest wait for a busy one.
    const size_t waiting = jobs_.size() > static_cast<size_t>(idle_) ? jobs_.size() - idle_ : 0;
    const bool thread_free = static_cast<size_t>(idle_) > jobs_.size();
    if (!thread_free && static_cast<int>(threads_.size()) < max_threads_) {
      ++idle_;  // counted from its start, so the next job does not start another
      threads_.emplace_back([this] { work(); });
    } else if (!thread_free && waiting >= max_queued_) {
      return false;
    }
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
    if (jobs_.empty()) break;  // stopping, nothing left
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    --idle_;
    lock.unlock();
    job();
    lock.lock();
    ++idle_;
  }
  --idle_;
}

void WorkerPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

int WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(threads_.size());
}

}  // namespace maas::serving
