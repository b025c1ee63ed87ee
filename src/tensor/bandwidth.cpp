#include "tensor/bandwidth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "tensor/thread_pool.h"

namespace maas::tensor {
namespace {

constexpr size_t kBufferBytes = size_t(512) << 20;  // 16x a 32 MiB L3
constexpr int kPasses = 5;

// Reads [p, p + n) with independent accumulators (vectorised by the compiler);
// the result only keeps the loads alive.
uint64_t read_words(const uint64_t* p, size_t n) {
  uint64_t acc[8] = {};
  for (size_t i = 0; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] ^= p[i + j];
  uint64_t r = 0;
  for (uint64_t v : acc) r ^= v;
  return r;
}

}  // namespace

double measure_read_bandwidth(ThreadPool& pool) {
  const size_t words = kBufferBytes / sizeof(uint64_t);
  std::unique_ptr<uint64_t, decltype(&std::free)> buf(
      static_cast<uint64_t*>(std::aligned_alloc(64, kBufferBytes)), &std::free);
  if (!buf) return 0;
  uint64_t* data = buf.get();
  // Touch every page from the pool so pages are spread like the reads will be.
  pool.parallel_for(int64_t(words), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) data[i] = uint64_t(i) * 0x9e3779b97f4a7c15ull;
  }, 4096);

  const int64_t chunk_words = 1 << 16;  // 512 KiB per task
  const int64_t chunks = int64_t(words) / chunk_words;
  std::vector<double> rates;
  std::atomic<uint64_t> sink{0};
  for (int pass = 0; pass < kPasses; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    pool.parallel_for(chunks, [&](int64_t b, int64_t e) {
      uint64_t r = 0;
      for (int64_t c = b; c < e; ++c) r ^= read_words(data + c * chunk_words, chunk_words);
      sink.fetch_xor(r, std::memory_order_relaxed);
    });
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(double(chunks * chunk_words * sizeof(uint64_t)) / secs);
  }
  std::sort(rates.begin(), rates.end());
  return sink.load() == 42 ? rates[kPasses / 2] + 0.0 : rates[kPasses / 2];
}

}  // namespace maas::tensor
