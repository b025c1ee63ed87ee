#include "serving/reconciler.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/thread_name.h"

namespace maas::serving {

Reconciler::Reconciler(ServingContext& ctx, ReconcilerOptions options) : ctx_(ctx), options_(options) {
  thread_ = std::thread([this] {
    set_thread_name("maas-reconcile");
    loop();
  });
}

Reconciler::~Reconciler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Reconciler::reconcile_once() {
  const int64_t now = unix_millis();
  if (Result<std::vector<registry::VersionInfo>> retired = ctx_.registry.retire_expired(now, "sunset"); retired.is_ok()) {
    for (const auto& v : *retired) {
      log_event(LogLevel::kInfo, "version_retired", {{"model", v.model}, {"version", v.version}, {"reason", "sunset passed"}});
      ctx_.traffic.invalidate(v.model);
    }
  }
  Result<std::vector<registry::ModelSummary>> models = ctx_.registry.list_models();
  if (!models.is_ok()) return;
  for (const auto& m : *models) {
    for (const auto& [version, stage] : m.stages) {
      if (stage == registry::Stage::kRetired || stage == registry::Stage::kRejected)
        ctx_.models.unload(m.name + ":" + std::to_string(version));
    }
    for (const auto& entry : ctx_.traffic.get(m.name)) {
      Result<registry::VersionInfo> v = ctx_.registry.get_version(m.name + ":" + std::to_string(entry.version));
      if (v.is_ok()) ctx_.models.want(load_target(*v), /*pinned=*/true);
    }
  }
  if (options_.artifact_retention_ms >= 0) {
    if (auto purged = ctx_.registry.purge_retired_artifacts(options_.artifact_retention_ms, now, "retention");
        purged.is_ok() && !purged->empty())
      log_event(LogLevel::kInfo, "artifacts_purged", {{"count", purged->size()}});
  }
}

void Reconciler::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, options_.interval, [&] { return stopping_; })) return;
    }
    reconcile_once();
  }
}

}  // namespace maas::serving
