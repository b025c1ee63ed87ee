// The serving process, assembled: HTTP server + routes + registry + model manager.
// `maas serve` maps its flags onto ServiceOptions and calls run().
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/family.h"
#include "core/status.h"
#include "serving/http/server.h"
#include "serving/ops_options.h"
#include "serving/rollout_monitor.h"

namespace maas::serving {

struct ServiceOptions {
  HttpOptions http;
  std::string data_dir = "./maas-data";
  // GGUF files to register (if new) and load at start: "path" or "name=path".
  std::vector<std::string> models;
  LoadOptions load;                    // threads, context, sequences per loaded LLM
  uint64_t memory_budget_bytes = 0;    // 0: unlimited
  int request_timeout_seconds = 600;   // generation requests end with 504 after this
  RolloutGuardOptions rollout;         // automatic rollback of canaries
  int64_t artifact_retention_days = 30;  // retired artifacts are purged after this (< 0: never)
  OpsOptions ops;                      // API keys / auth mode, usage metering
  // Test hook: artificial delay (ms) honoured by GET /admin/v1/debug/sleep, only when
  // enabled, to test draining on shutdown.
  bool enable_debug_routes = false;
};

class Service {
 public:
  explicit Service(ServiceOptions options);
  ~Service();

  // Opens the registry, binds the port and starts background loading. Errors here are
  // start-up errors (port in use, unreadable data dir, bad model file).
  Status start();
  // Serves until shutdown() (from a signal thread) and in-flight requests drained.
  Status run();
  void shutdown();
  int port() const;

 private:
  struct State;
  ServiceOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace maas::serving
