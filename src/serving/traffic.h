// Canary routing: a model's traffic table {version: weight} (plus shadow versions that
// get a copy of each request) decides which version answers a request that names just
// the model. Callers with a sticky key (the request's `user`, else the API key) always
// land on the same version while the table is unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "registry/store.h"

namespace maas::serving {

// Picks a non-shadow entry with probability weight / sum. `u` in [0, 1) is the draw:
// a hash of the sticky key, or a random number. Returns nullopt for an empty table.
std::optional<int64_t> pick_version(const std::vector<registry::TrafficEntry>& table, double u);

// A stable draw in [0, 1) for a sticky key (FNV-1a of model + key, mixed).
double sticky_draw(const std::string& model, const std::string& key);

// Traffic tables read from the registry, cached briefly so routing does not hit SQLite
// on every request; changes made through this server invalidate at once, changes from
// another process (the CLI) show within `ttl`.
class TrafficCache {
 public:
  TrafficCache(registry::Registry& registry, std::chrono::milliseconds ttl) : registry_(registry), ttl_(ttl) {}
  std::vector<registry::TrafficEntry> get(const std::string& model);
  void invalidate(const std::string& model);
  void invalidate_all();

 private:
  struct Entry {
    std::chrono::steady_clock::time_point fetched;
    std::vector<registry::TrafficEntry> table;
  };
  registry::Registry& registry_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, Entry> cache_;
};

}  // namespace maas::serving
