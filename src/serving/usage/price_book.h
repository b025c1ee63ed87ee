// Model prices for costing requests, read from the registry and cached for a few
// seconds (prices change rarely; a change through this server applies at once).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "registry/usage_store.h"

namespace maas::serving::usage {

class PriceBook {
 public:
  explicit PriceBook(registry::UsageStore& store, std::chrono::milliseconds ttl = std::chrono::milliseconds(2000))
      : store_(store), ttl_(ttl) {}
  // Free when the model has no prices (or they cannot be read, which is logged).
  registry::Prices prices(const std::string& model);
  void invalidate();

 private:
  using Clock = std::chrono::steady_clock;
  registry::UsageStore& store_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, std::pair<registry::Prices, Clock::time_point>> cache_;
};

}  // namespace maas::serving::usage
