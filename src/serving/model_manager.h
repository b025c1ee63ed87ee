// What is loaded and served (TF Serving's Manager). Loads model versions through their
// family in a background loader thread, hands out shared references (a version
// replaced or unloaded stays alive until its in-flight requests drop their reference),
// and evicts least-recently-used versions to stay under a memory budget, reloading
// them on demand.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/family.h"
#include "core/status.h"
#include "serving/family_table.h"

namespace maas::serving {


// One model version to load: registry coordinates + artifact.
struct LoadTarget {
  std::string model;
  int64_t version = 0;
  std::string family;
  Artifact artifact;
  std::string key() const { return model + ":" + std::to_string(version); }
};

enum class LoadState { kQueued, kLoading, kReady, kFailed };
const char* load_state_name(LoadState state);

struct LoadedInfo {
  std::string key;
  std::string family;
  LoadState state = LoadState::kQueued;
  uint64_t memory_bytes = 0;
  int64_t last_used_ms = 0;
  int in_use = 0;        // references held by in-flight requests
  bool pinned = false;   // wanted at start-up / by the traffic table: never evicted
  std::string error;     // when failed
  nlohmann::json stats;  // the loaded model's own figures (LoadedModel::stats)
  std::vector<LoadedModel::Gauge> gauges;  // and its live gauges (LoadedModel::gauges)
};

class ModelManager {
 public:
  ModelManager(const FamilyTable& families, LoadOptions load_options, uint64_t memory_budget_bytes);
  ~ModelManager();

  // Queues a background load; `pinned` versions are never evicted.
  void want(const LoadTarget& target, bool pinned);
  // The loaded model, loading it first if needed (waits up to `timeout_ms`).
  Result<std::shared_ptr<LoadedModel>> acquire(const LoadTarget& target, int timeout_ms = 600000);
  // Drops the manager's reference; in-flight requests keep theirs.
  void unload(const std::string& key);
  void unpin(const std::string& key);

  std::vector<LoadedInfo> loaded() const;
  // True when every pinned version is ready; `waiting` lists those that are not.
  bool all_pinned_ready(std::vector<std::string>* waiting) const;
  uint64_t memory_in_use() const;

 private:
  struct Entry {
    LoadTarget target;
    LoadState state = LoadState::kQueued;
    std::shared_ptr<LoadedModel> model;
    uint64_t memory_bytes = 0;
    int64_t last_used_ms = 0;
    bool pinned = false;
    std::string error;
  };
  void loader_loop();
  Status load_entry(const std::string& key);
  void evict_for(uint64_t bytes_needed, const std::string& keep_key);
  void enqueue_locked(const std::string& key);

  const FamilyTable& families_;
  LoadOptions load_options_;
  uint64_t budget_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::thread loader_;
};

}  // namespace maas::serving
