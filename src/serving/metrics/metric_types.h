// The three metric kinds, each one labelled child of a family. All updates are atomic
// (no locks): counters and histogram buckets are integer adds, gauges and sums store
// the bits of a double.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace maas::serving::metrics {

class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v);
  double value() const;

 private:
  std::atomic<uint64_t> bits_{0};  // 0 bits == 0.0
};

// Fixed upper bounds (ascending, +Inf implied). observe() is lock-free.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  const std::vector<double>* bounds_;  // owned by the family
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds + 1 (the +Inf bucket)
  std::atomic<uint64_t> sum_bits_{0};
  std::atomic<uint64_t> count_{0};
};

}  // namespace maas::serving::metrics
