#include "tensor/thread_pool.h"

#include "core/thread_name.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <sched.h>

namespace maas::tensor {
namespace {

// How long a thread spins before it sleeps. By time, not iterations: PAUSE costs from
// a few ns to ~100 ns (in some VMs) depending on the machine.
constexpr auto kWorkerSpin = std::chrono::microseconds(100);
constexpr auto kCallerSpin = std::chrono::microseconds(50);
constexpr uint64_t kClosed = uint64_t(1) << 31;
constexpr uint64_t kCountMask = kClosed - 1;

inline void cpu_relax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// Spins until done() or `budget` has passed; returns done().
template <typename Done>
bool spin_until(Done done, std::chrono::microseconds budget) {
  const auto end = std::chrono::steady_clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 8; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= end) return done();
  }
}

int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(n_threads > 0 ? n_threads : available_cpus()) {
  workers_.reserve(n_threads_ - 1);
  for (int i = 1; i < n_threads_; ++i)
    workers_.emplace_back([this] {
      set_thread_name("maas-pool");
      worker_main();
    });
}

ThreadPool::~ThreadPool() {
  stop_.store(true);
  generation_.fetch_add(1);
  generation_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::take_chunks() {
  for (;;) {
    const int64_t begin = next_.fetch_add(chunk_, std::memory_order_relaxed);
    if (begin >= n_) return;
    fn_(ctx_, begin, std::min(n_, begin + chunk_));
  }
}

void ThreadPool::worker_main() {
  uint32_t seen = 0;
  for (;;) {
    uint32_t gen = seen;
    spin_until([&] { return (gen = generation_.load(std::memory_order_acquire)) != seen; }, kWorkerSpin);
    if (gen == seen) {
      sleeping_workers_.fetch_add(1);
      while ((gen = generation_.load()) == seen) generation_.wait(seen);
      sleeping_workers_.fetch_sub(1);
    }
    seen = gen;
    if (stop_.load()) return;
    // Join job `gen` unless the caller already closed it (or moved on).
    uint64_t s = state_.load();
    bool joined = false;
    while ((s >> 32) == gen && !(s & kClosed)) {
      if (state_.compare_exchange_weak(s, s + 1)) {
        joined = true;
        break;
      }
    }
    if (!joined) continue;
    take_chunks();
    const uint64_t before = state_.fetch_sub(1);
    if ((before & kCountMask) == 1 && (before & kClosed) && caller_sleeping_.load()) {
      state_.notify_one();
    }
  }
}

void ThreadPool::run(int64_t n, int64_t grain, Trampoline fn, void* ctx) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  const int64_t units = (n + grain - 1) / grain;
  if (n_threads_ == 1 || units == 1 || !run_mu_.try_lock()) {
    fn(ctx, 0, n);
    return;
  }
  // About four chunks per thread: balances load without much counter traffic.
  const int64_t per_chunk = std::max<int64_t>(1, units / (int64_t(n_threads_) * 4));
  fn_ = fn;
  ctx_ = ctx;
  n_ = n;
  chunk_ = per_chunk * grain;
  next_.store(0, std::memory_order_relaxed);
  const uint32_t gen = generation_.load() + 1;
  state_.store(uint64_t(gen) << 32);  // open, nobody inside
  generation_.store(gen);
  if (sleeping_workers_.load() > 0) generation_.notify_all();

  take_chunks();

  // Close the job; wait only for the workers inside it (they are finishing chunks).
  uint64_t s = state_.fetch_or(kClosed) | kClosed;
  if ((s & kCountMask) != 0) spin_until([&] { return ((s = state_.load()) & kCountMask) == 0; }, kCallerSpin);
  if ((s & kCountMask) != 0) {
    caller_sleeping_.store(true);
    while (((s = state_.load()) & kCountMask) != 0) state_.wait(s);
    caller_sleeping_.store(false);
  }
  run_mu_.unlock();
}

}  // namespace maas::tensor
