// A fixed set of worker threads for data-parallel loops. parallel_for is called
// hundreds of times per generated token, so a call allocates nothing, workers spin
// briefly before sleeping (futex via std::atomic::wait), and work is handed out in
// chunks through one atomic counter. On a shared machine a worker may be descheduled:
// workers join a job explicitly, and the caller only waits for those that joined
// before it finished the last chunk, so a sleeping worker never stalls a call.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace maas::tensor {

class ThreadPool {
 public:
  // n_threads counts the calling thread too; 0 = number of CPUs available.
  explicit ThreadPool(int n_threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // Calls fn(begin, end) on disjoint ranges covering [0, n) exactly once, on all
  // threads, and returns when all are done. Ranges start at multiples of `grain`.
  // A call made while the pool is busy (from a worker or another thread) runs inline.
  template <typename Fn>
  void parallel_for(int64_t n, Fn&& fn, int64_t grain = 1) {
    using F = std::remove_reference_t<Fn>;
    run(n, grain, [](void* ctx, int64_t b, int64_t e) { (*static_cast<F*>(ctx))(b, e); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using Trampoline = void (*)(void* ctx, int64_t begin, int64_t end);
  void run(int64_t n, int64_t grain, Trampoline fn, void* ctx);
  void worker_main();
  void take_chunks();

  int n_threads_;
  std::vector<std::thread> workers_;
  std::mutex run_mu_;  // one parallel_for at a time

  // The job in flight (written before `generation_` is bumped).
  Trampoline fn_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0;
  int64_t chunk_ = 1;
  alignas(64) std::atomic<int64_t> next_{0};
  alignas(64) std::atomic<uint32_t> generation_{0};  // bumped per job; workers wait on it
  // Join protocol: generation (high 32 bits) | closed flag | workers inside the job.
  alignas(64) std::atomic<uint64_t> state_{0};
  std::atomic<int> sleeping_workers_{0};  // notify only when someone sleeps
  std::atomic<bool> caller_sleeping_{false};
  std::atomic<bool> stop_{false};
};

}  // namespace maas::tensor
