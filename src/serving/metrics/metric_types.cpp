#include "serving/metrics/metric_types.h"

#include <algorithm>
#include <bit>

namespace maas::serving::metrics {

void Gauge::set(double v) { bits_.store(std::bit_cast<uint64_t>(v), std::memory_order_relaxed); }
double Gauge::value() const { return std::bit_cast<double>(bits_.load(std::memory_order_relaxed)); }

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  // First bound >= v ("le" is inclusive); past the end is the +Inf bucket.
  size_t i = static_cast<size_t>(std::lower_bound(bounds_->begin(), bounds_->end(), v) - bounds_->begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
  while (!sum_bits_.compare_exchange_weak(old_bits, std::bit_cast<uint64_t>(std::bit_cast<double>(old_bits) + v),
                                          std::memory_order_relaxed)) {
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;  // consistent with the buckets even while others observe
  s.sum = std::bit_cast<double>(sum_bits_.load(std::memory_order_relaxed));
  return s;
}

}  // namespace maas::serving::metrics
