#include "serving/model_manager.h"

#include <algorithm>
#include <chrono>

#include "core/clock.h"
#include "core/log.h"
#include "core/thread_name.h"

namespace maas::serving {

const char* load_state_name(LoadState state) {
  switch (state) {
    case LoadState::kQueued: return "queued";
    case LoadState::kLoading: return "loading";
    case LoadState::kReady: return "ready";
    case LoadState::kFailed: return "failed";
  }
  return "unknown";
}

ModelManager::ModelManager(const FamilyTable& families, LoadOptions load_options, uint64_t memory_budget_bytes)
    : families_(families), load_options_(load_options), budget_(memory_budget_bytes) {
  loader_ = std::thread([this] {
    set_thread_name("maas-loader");
    loader_loop();
  });
}

ModelManager::~ModelManager() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  loader_.join();
}

void ModelManager::enqueue_locked(const std::string& key) {
  Entry& e = entries_[key];
  if (e.state == LoadState::kFailed || (e.state == LoadState::kReady && !e.model)) e.state = LoadState::kQueued;
  if (e.state == LoadState::kQueued && std::find(queue_.begin(), queue_.end(), key) == queue_.end())
    queue_.push_back(key);
  changed_.notify_all();
}

void ModelManager::want(const LoadTarget& target, bool pinned) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = entries_.try_emplace(target.key());
  if (inserted) it->second.target = target;
  it->second.pinned = it->second.pinned || pinned;
  if (it->second.state != LoadState::kReady && it->second.state != LoadState::kLoading) enqueue_locked(target.key());
}

Result<std::shared_ptr<LoadedModel>> ModelManager::acquire(const LoadTarget& target, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  std::string key = target.key();
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) it->second.target = target;
  Entry& e = it->second;
  if (e.state == LoadState::kReady && e.model) {
    e.last_used_ms = unix_millis();
    return e.model;
  }
  if (e.state != LoadState::kLoading) enqueue_locked(key);
  bool done = changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return stopping_ || e.state == LoadState::kFailed || (e.state == LoadState::kReady && e.model);
  });
  if (!done) return error(Code::kUnavailable, "model {} is still loading; retry shortly", key);
  if (stopping_) return error(Code::kUnavailable, "server is shutting down");
  if (e.state == LoadState::kFailed) return error(Code::kUnavailable, "model {} failed to load: {}", key, e.error);
  e.last_used_ms = unix_millis();
  return e.model;
}

void ModelManager::unload(const std::string& key) {
  std::shared_ptr<LoadedModel> dropped;  // released outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    dropped = std::move(it->second.model);
    entries_.erase(it);
    queue_.erase(std::remove(queue_.begin(), queue_.end(), key), queue_.end());
  }
  log_event(LogLevel::kInfo, "model_unloaded", {{"model", key}});
}

void ModelManager::unpin(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) it->second.pinned = false;
}

std::vector<LoadedInfo> ModelManager::loaded() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LoadedInfo> out;
  for (const auto& [key, e] : entries_) {
    LoadedInfo info;
    info.key = key;
    info.family = e.target.family;
    info.state = e.state;
    info.memory_bytes = e.memory_bytes;
    info.last_used_ms = e.last_used_ms;
    info.in_use = e.model ? static_cast<int>(e.model.use_count()) - 1 : 0;
    info.pinned = e.pinned;
    info.error = e.error;
    if (e.model) {
      info.stats = e.model->stats();
      info.gauges = e.model->gauges();
    }
    out.push_back(std::move(info));
  }
  return out;
}

bool ModelManager::all_pinned_ready(std::vector<std::string>* waiting) const {
  std::lock_guard<std::mutex> lock(mu_);
  bool ready = true;
  for (const auto& [key, e] : entries_) {
    if (e.pinned && !(e.state == LoadState::kReady && e.model)) {
      ready = false;
      if (waiting) waiting->push_back("model " + key + " (" + load_state_name(e.state) + ")");
    }
  }
  return ready;
}

uint64_t ModelManager::memory_in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& [_, e] : entries_)
    if (e.model) total += e.memory_bytes;
  return total;
}

// Drops least-recently-used, unpinned, idle models until `bytes_needed` fits.
void ModelManager::evict_for(uint64_t bytes_needed, const std::string& keep_key) {
  if (budget_ == 0) return;
  for (;;) {
    uint64_t used = 0;
    for (const auto& [_, e] : entries_)
      if (e.model) used += e.memory_bytes;
    if (used + bytes_needed <= budget_) return;
    Entry* victim = nullptr;
    for (auto& [key, e] : entries_) {
      if (key == keep_key || !e.model || e.pinned) continue;
      if (!victim || e.last_used_ms < victim->last_used_ms) victim = &e;
    }
    if (!victim) return;  // nothing evictable: load anyway, over budget
    log_event(LogLevel::kInfo, "model_evicted", {{"model", victim->target.key()}, {"bytes", victim->memory_bytes}});
    victim->model.reset();
    victim->state = LoadState::kQueued;
    victim->memory_bytes = 0;
  }
}

Status ModelManager::load_entry(const std::string& key) {
  LoadTarget target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return Status::ok();  // unloaded meanwhile
    it->second.state = LoadState::kLoading;
    target = it->second.target;
  }
  const ModelFamily* family = families_.find(target.family);
  Status status;
  std::shared_ptr<LoadedModel> model;
  Stopwatch clock;
  if (!family) {
    status = invalid_argument("no model family '{}'", target.family);
  } else {
    Result<uint64_t> estimate = family->estimate_memory(target.artifact, load_options_);
    if (estimate.is_ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      evict_for(*estimate, key);
    }
    // Each version keeps its state (e.g. a recommender's feedback) in its own directory.
    LoadOptions options = load_options_;
    if (!options.state_dir.empty())
      options.state_dir += "/" + target.model + "/" + std::to_string(target.version);
    Result<std::shared_ptr<LoadedModel>> loaded = family->load(target.artifact, options);
    if (loaded.is_ok())
      model = std::move(loaded).value();
    else
      status = loaded.status();
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return Status::ok();
  Entry& e = it->second;
  if (status.is_ok()) {
    e.model = std::move(model);
    e.memory_bytes = e.model->memory_bytes();
    e.state = LoadState::kReady;
    e.last_used_ms = unix_millis();
    e.error.clear();
    log_event(LogLevel::kInfo, "model_loaded",
              {{"model", key}, {"bytes", e.memory_bytes}, {"seconds", clock.seconds()}});
  } else {
    e.state = LoadState::kFailed;
    e.error = status.message();
    log_event(LogLevel::kError, "model_load_failed", {{"model", key}, {"error", status.message()}});
  }
  changed_.notify_all();
  return status;
}

void ModelManager::loader_loop() {
  for (;;) {
    std::string key;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      key = queue_.front();
      queue_.pop_front();
    }
    (void)load_entry(key);
  }
}

}  // namespace maas::serving
