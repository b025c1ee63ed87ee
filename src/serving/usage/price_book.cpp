#include "serving/usage/price_book.h"

#include "core/log.h"

namespace maas::serving::usage {

registry::Prices PriceBook::prices(const std::string& model) {
  const Clock::time_point now = Clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(model);
    if (it != cache_.end() && now - it->second.second < ttl_) return it->second.first;
  }
  Result<registry::Prices> p = store_.prices(model);
  if (!p.is_ok()) {
    log_event(LogLevel::kWarn, "prices_unreadable", {{"model", model}, {"error", p.status().to_string()}});
    return {};
  }
  std::lock_guard lock(mu_);
  cache_[model] = {*p, now};
  return *p;
}

void PriceBook::invalidate() {
  std::lock_guard lock(mu_);
  cache_.clear();
}

}  // namespace maas::serving::usage
