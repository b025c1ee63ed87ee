#include "serving/traffic.h"

namespace maas::serving {

std::optional<int64_t> pick_version(const std::vector<registry::TrafficEntry>& table, double u) {
  double total = 0;
  for (const auto& e : table)
    if (!e.shadow && e.weight > 0) total += e.weight;
  if (total <= 0) return std::nullopt;
  double acc = 0;
  std::optional<int64_t> last;
  for (const auto& e : table) {
    if (e.shadow || e.weight <= 0) continue;
    acc += e.weight / total;
    last = e.version;
    if (u < acc) return e.version;
  }
  return last;  // u rounding at the very top
}

double sticky_draw(const std::string& model, const std::string& key) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(model);
  mix(key);
  // splitmix64 finaliser spreads FNV's low-entropy high bits.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

std::vector<registry::TrafficEntry> TrafficCache::get(const std::string& model) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(model);
    if (it != cache_.end() && now - it->second.fetched < ttl_) return it->second.table;
  }
  std::vector<registry::TrafficEntry> table;
  if (Result<registry::ModelDetails> d = registry_.get_model(model); d.is_ok()) table = d->traffic;
  std::lock_guard<std::mutex> lock(mu_);
  cache_[model] = {now, table};
  return table;
}

void TrafficCache::invalidate(const std::string& model) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(model);
}

void TrafficCache::invalidate_all() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

}  // namespace maas::serving
