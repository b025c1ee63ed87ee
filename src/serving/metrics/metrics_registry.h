// A small Prometheus metrics registry: families of counters, gauges and fixed-bucket
// histograms, each child keyed by its label values, rendered in text format 0.0.4.
// Children live in 8 shards (by label hash) behind shared locks, so concurrent requests
// updating different series rarely touch the same lock; updates themselves are atomic.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "serving/metrics/metric_types.h"

namespace maas::serving::metrics {

using LabelValues = std::vector<std::string>;

class MetricFamilyBase {
 public:
  MetricFamilyBase(std::string name, std::string help, std::vector<std::string> label_names, std::string type);
  virtual ~MetricFamilyBase() = default;
  // "# HELP", "# TYPE" and one line per sample.
  void render(std::string& out) const;
  const std::string& name() const { return name_; }

 protected:
  virtual void render_samples(std::string& out) const = 0;
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::string type_;
};

template <typename T>
class Family : public MetricFamilyBase {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;
  Family(std::string name, std::string help, std::vector<std::string> label_names, std::string type, Factory make)
      : MetricFamilyBase(std::move(name), std::move(help), std::move(label_names), std::move(type)),
        make_(std::move(make)) {}

  // The child for these label values (one per label name), created on first use. The
  // reference stays valid until clear().
  T& with(const LabelValues& values) {
    Shard& shard = shards_[std::hash<std::string>{}(join(values)) % kShards];
    {
      std::shared_lock lock(shard.mu);
      auto it = shard.children.find(values);
      if (it != shard.children.end()) return *it->second;
    }
    std::unique_lock lock(shard.mu);
    auto [it, inserted] = shard.children.try_emplace(values, nullptr);
    if (inserted) it->second = make_();
    return *it->second;
  }

  // Drops every child. Only for families written by one owner that re-fills them
  // (gauges refreshed at scrape time), since it invalidates references from with().
  void clear() {
    for (Shard& s : shards_) {
      std::unique_lock lock(s.mu);
      s.children.clear();
    }
  }

  // Every child, ordered by label values.
  std::vector<std::pair<LabelValues, const T*>> children() const {
    std::vector<std::pair<LabelValues, const T*>> out;
    for (const Shard& s : shards_) {
      std::shared_lock lock(s.mu);
      for (const auto& [k, v] : s.children) out.emplace_back(k, v.get());
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
  }

 protected:
  void render_samples(std::string& out) const override;

 private:
  static constexpr size_t kShards = 8;
  struct Shard {
    mutable std::shared_mutex mu;
    std::map<LabelValues, std::unique_ptr<T>> children;
  };
  static std::string join(const LabelValues& values) {
    std::string key;
    for (const auto& v : values) (key += v) += '\x1f';
    return key;
  }
  Factory make_;
  std::array<Shard, kShards> shards_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;
template <> void Family<Counter>::render_samples(std::string& out) const;
template <> void Family<Gauge>::render_samples(std::string& out) const;
template <> void Family<Histogram>::render_samples(std::string& out) const;

class MetricsRegistry {
 public:
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> labels,
                             std::vector<double> bounds);
  // The whole exposition, families in registration order.
  std::string render() const;

 private:
  std::vector<std::unique_ptr<MetricFamilyBase>> families_;
  std::vector<std::unique_ptr<std::vector<double>>> bounds_;  // histogram buckets, stable addresses
};

// Bucket bounds used across maas: request latency and time to first token, seconds.
const std::vector<double>& latency_buckets_seconds();

}  // namespace maas::serving::metrics
