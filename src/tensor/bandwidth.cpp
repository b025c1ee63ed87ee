#include "tensor/bandwidth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <time.h>

#include "tensor/kernels/kernels.h"
#include "tensor/thread_pool.h"

namespace maas::tensor {
namespace {

constexpr size_t kBufferBytes = size_t(512) << 20;  // 16x a 32 MiB L3
constexpr int kPasses = 5;

}  // namespace

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double measure_read_bandwidth(ThreadPool& pool) { return measure_read_bandwidth_detail(pool).wall; }

ReadBandwidth measure_read_bandwidth_detail(ThreadPool& pool) {
  // Reads with the active vector kernels (sum of squares: one load and one FMA per
  // vector, several vectors in flight), so the probe reads as fast as the matmuls do.
  const size_t count = kBufferBytes / sizeof(float);
  std::unique_ptr<float, decltype(&std::free)> buf(
      static_cast<float*>(std::aligned_alloc(64, kBufferBytes)), &std::free);
  if (!buf) return {0, 0};
  float* data = buf.get();
  // Touch every page from the pool so pages are spread like the reads will be.
  pool.parallel_for(int64_t(count), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) data[i] = 1e-3f * float(i & 255);
  }, 4096);

  const VectorKernels& vec = kernels().vec;
  const int64_t chunk = 1 << 17;  // 512 KiB per task
  const int64_t chunks = int64_t(count) / chunk;
  std::vector<double> rates, cpu_rates;
  std::atomic<int64_t> sink{0};
  for (int pass = 0; pass < kPasses; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_seconds();
    pool.parallel_for(chunks, [&](int64_t b, int64_t e) {
      float r = 0;
      for (int64_t c = b; c < e; ++c) r += vec.sum_squares(data + c * chunk, chunk);
      sink.fetch_add(int64_t(r), std::memory_order_relaxed);
    });
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_secs = (process_cpu_seconds() - cpu_start) / pool.size();
    rates.push_back(double(chunks * chunk) * sizeof(float) / secs);
    cpu_rates.push_back(double(chunks * chunk) * sizeof(float) / cpu_secs);
  }
  std::sort(rates.begin(), rates.end());
  std::sort(cpu_rates.begin(), cpu_rates.end());
  return {rates[kPasses / 2], cpu_rates[kPasses / 2]};
}

}  // namespace maas::tensor
