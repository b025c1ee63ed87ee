// The serving process, assembled: HTTP server + routes + registry + model manager.
// `maas serve` maps its flags onto ServiceOptions and calls run().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/family.h"
#include "core/status.h"
#include "serving/family_table.h"
#include "serving/http/server.h"
#include "serving/ops_options.h"
#include "serving/rollout_monitor.h"

namespace maas::serving {

struct ServiceOptions {
  HttpOptions http;
  std::string data_dir = "./maas-data";
  // GGUF files to register (if new) and load at start: "path" or "name=path".
  std::vector<std::string> models;
  // With an empty registry (after `models`), register this GGUF file as
  // `default_model_name` and load it: the model a fresh install answers with.
  // Empty: start with whatever the registry holds (`--no-default-model`).
  std::string default_model_path;
  std::string default_model_name = "tiny-stories";
  LoadOptions load;                    // threads, context, sequences per loaded LLM
  uint64_t memory_budget_bytes = 0;    // 0: unlimited
  int request_timeout_seconds = 600;   // generation requests end with 504 after this
  RolloutGuardOptions rollout;         // automatic rollback of canaries
  int64_t artifact_retention_days = 30;  // retired artifacts are purged after this (< 0: never)
  OpsOptions ops;                      // API keys / auth mode, usage metering
  int max_train_jobs = 1;              // background training/evaluation jobs at once
  // Families beyond the built-in table (tests plug a family in without touching src/).
  std::function<void(FamilyTable&)> extra_families;
  // Test hook: artificial delay (ms) honoured by GET /admin/v1/debug/sleep, only when
  // enabled, to test draining on shutdown.
  bool enable_debug_routes = false;
};

// What the server is doing once start() returned, for the start-up banner.
struct StartupSummary {
  std::string url;                          // http(s)://host:port
  std::string data_dir;                     // absolute
  std::string db_path;                      // the registry database
  std::vector<std::string> loading;         // "name:version" loaded at start (--model, default)
  std::string default_model;                // "name:version" when registered on this start
  std::vector<std::string> registered;      // every model name in the registry
  std::string auth_mode;                    // auto | on | off (off loopback, auto became on)
  int64_t active_keys = 0;
  bool keys_required() const { return auth_mode == "on" || (auth_mode == "auto" && active_keys > 0); }
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
  // After a successful start().
  StartupSummary summary() const;

 private:
  struct State;
  ServiceOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace maas::serving
