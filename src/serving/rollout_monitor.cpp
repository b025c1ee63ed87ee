#include "serving/rollout_monitor.h"

#include <algorithm>
#include <vector>

#include "core/log.h"

namespace maas::serving {

void RolloutMonitor::Window::trim(std::chrono::steady_clock::time_point now, std::chrono::seconds window) {
  while (!samples.empty() && now - samples.front().at > window) samples.pop_front();
}

double RolloutMonitor::Window::error_rate() const {
  if (samples.empty()) return 0;
  size_t errors = 0;
  for (const auto& s : samples) errors += s.error ? 1 : 0;
  return static_cast<double>(errors) / static_cast<double>(samples.size());
}

double RolloutMonitor::Window::p95() const {
  if (samples.empty()) return 0;
  std::vector<double> t;
  for (const auto& s : samples) t.push_back(s.seconds);
  const size_t k = std::min(t.size() - 1, static_cast<size_t>(0.95 * static_cast<double>(t.size())));
  std::nth_element(t.begin(), t.begin() + static_cast<long>(k), t.end());
  return t[k];
}

bool RolloutMonitor::check_locked(const std::string& model, std::string* reason, int64_t* stable) {
  const auto table = ctx_.traffic.get(model);
  const registry::TrafficEntry* heaviest = nullptr;
  int live = 0;
  for (const auto& e : table) {
    if (e.shadow || e.weight <= 0) continue;
    ++live;
    if (!heaviest || e.weight > heaviest->weight) heaviest = &e;
  }
  if (live < 2) return false;
  const Window& base = windows_[{model, heaviest->version}];
  for (const auto& e : table) {
    if (e.shadow || e.weight <= 0 || e.version == heaviest->version) continue;
    const Window& canary = windows_[{model, e.version}];
    if (static_cast<int>(canary.samples.size()) < options_.min_requests) continue;
    const double base_err = base.error_rate();
    if (canary.error_rate() > base_err + options_.max_error_rate_delta) {
      *reason = fmt::format("automatic rollback: version {} error rate {:.3f} exceeds stable version {}'s {:.3f} + {:.3f}",
                            e.version, canary.error_rate(), heaviest->version, base_err, options_.max_error_rate_delta);
      *stable = heaviest->version;
      return true;
    }
    if (static_cast<int>(base.samples.size()) >= options_.min_requests &&
        canary.p95() > base.p95() * options_.max_p95_ratio) {
      *reason = fmt::format("automatic rollback: version {} p95 latency {:.3f}s exceeds {:.1f}x stable version {}'s {:.3f}s",
                            e.version, canary.p95(), options_.max_p95_ratio, heaviest->version, base.p95());
      *stable = heaviest->version;
      return true;
    }
  }
  return false;
}

bool RolloutMonitor::observe(const std::string& model, int64_t version, bool server_error, double seconds) {
  const auto now = std::chrono::steady_clock::now();
  std::string reason;
  int64_t stable = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Window& w = windows_[{model, version}];
    w.samples.push_back({now, server_error, seconds});
    w.trim(now, options_.window);
    if (!options_.auto_rollback || !check_locked(model, &reason, &stable)) return false;
    // Start the comparison afresh after the revert.
    for (auto it = windows_.begin(); it != windows_.end();)
      it = it->first.first == model ? windows_.erase(it) : std::next(it);
  }
  std::vector<registry::TrafficEntry> revert = {{stable, 1.0, false}};
  Status st = ctx_.registry.set_traffic(model, revert, "rollout-guard", reason);
  ctx_.traffic.invalidate(model);
  log_event(st.is_ok() ? LogLevel::kWarn : LogLevel::kError, "auto_rollback",
            {{"model", model}, {"stable_version", stable}, {"reason", reason}, {"applied", st.is_ok()},
             {"error", st.is_ok() ? "" : st.message()}});
  return st.is_ok();
}

void RolloutMonitor::observe_shadow(const std::string& model, int64_t shadow_version, bool agreed, bool error,
                                    double shadow_seconds, double primary_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ShadowStats& s = shadows_[{model, shadow_version}];
  ++s.requests;
  s.agreed += agreed ? 1 : 0;
  s.errors += error ? 1 : 0;
  s.shadow_seconds += shadow_seconds;
  s.primary_seconds += primary_seconds;
}

nlohmann::json RolloutMonitor::report(const std::string& model) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json versions = nlohmann::json::array();
  for (auto& [key, w] : windows_) {
    if (key.first != model) continue;
    w.trim(now, options_.window);
    versions.push_back({{"version", key.second}, {"requests", w.samples.size()}, {"error_rate", w.error_rate()},
                        {"p95_seconds", w.p95()}});
  }
  nlohmann::json shadows = nlohmann::json::array();
  for (const auto& [key, s] : shadows_) {
    if (key.first != model || s.requests == 0) continue;
    const double n = static_cast<double>(s.requests);
    shadows.push_back({{"version", key.second},
                       {"requests", s.requests},
                       {"agreement_rate", static_cast<double>(s.agreed) / n},
                       {"errors", s.errors},
                       {"mean_seconds", s.shadow_seconds / n},
                       {"primary_mean_seconds", s.primary_seconds / n}});
  }
  return {{"model", model},
          {"window_seconds", options_.window.count()},
          {"auto_rollback", options_.auto_rollback},
          {"versions", versions},
          {"shadows", shadows}};
}

}  // namespace maas::serving
