// The model registry: SQLite metadata (models, versions, artifacts, audit events,
// aliases, traffic) plus a content-addressed artifact store, under one data directory:
//   <data-dir>/registry.db      SQLite, WAL, foreign keys on, schema migrated on open
//   <data-dir>/artifacts/...     see artifact_store.h
// Every write is one IMMEDIATE transaction together with its audit row. A Registry is
// safe to share between threads (calls are serialised) and between processes (SQLite
// locking + busy timeout).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "registry/artifact_store.h"
#include "registry/lifecycle.h"
#include "registry/model_ref.h"
#include "registry/sqlite.h"
#include "registry/types.h"

namespace maas::registry {

struct RegistryOptions {
  std::string data_dir = "./maas-data";
  // Clock for created_at / audit times; defaults to the wall clock.
  std::function<int64_t()> now_ms;
  // Tests only: called at named points ("import:after_copy", "import:before_commit",
  // "transition:before_commit") so a test can kill the process there.
  std::function<void(std::string_view point)> test_hook;
};

// Checks a file before import (e.g. llm::gguf_check_header); its error is returned as is.
using Validator = std::function<Status(const std::string& path)>;

class Registry {
 public:
  // Creates the data dir and database if missing, migrates the schema, then removes
  // abandoned temp files and artifact files no row references. Errors: kDataLoss for a
  // file that is not a (valid) SQLite database, kFailedPrecondition for a read-only
  // database or data dir or a schema newer than this binary.
  static Result<std::unique_ptr<Registry>> open(RegistryOptions options);
  ~Registry();

  // Validates, copies into the artifact store while hashing, then in one transaction
  // inserts artifact (unless the bytes are already stored) + version (stage
  // "registered", number = previous + 1) + audit row. Nothing remains on failure.
  // kAlreadyExists if this model already has these bytes (the message names the version).
  Result<ImportResult> import_model(const ImportRequest& request, const Validator& validate);

  Result<std::vector<ModelSummary>> list_models();
  Result<ModelDetails> get_model(const std::string& name);
  Result<std::vector<AuditEvent>> history(const std::string& name);

  // "name:3" -> version 3; "name@alias" -> the alias; "name" -> the production alias if
  // set, else the heaviest non-shadow traffic entry, else the latest version that is
  // neither retired nor rejected.
  Result<VersionInfo> get_version(std::string_view reference);
  Result<VersionInfo> resolve(const ModelRef& ref);

  // Moves one version along the lifecycle (see lifecycle.h) with its audit row, in one
  // transaction. The @production / @staging aliases follow; a version leaving
  // production leaves the traffic table.
  Result<VersionInfo> transition(const std::string& name, int64_t version, Stage to, const std::string& actor,
                                 const std::string& reason);

  // The current @production version goes back to staging; the previous production
  // version (see plan_rollback) becomes production and takes the alias and all traffic.
  Result<RollbackPlan> rollback(const std::string& name, const std::string& actor, const std::string& reason);

  // transition(..., kDeprecated, ...) that also records when the version sunsets and
  // which version succeeds it (which must exist and differ).
  Result<VersionInfo> deprecate(const std::string& name, int64_t version, const Deprecation& deprecation,
                                const std::string& actor, const std::string& reason);

  // Retires every deprecated version whose sunset is at or before `now_ms`, each with
  // an audit row (reason "sunset passed"). Returns the retired versions.
  Result<std::vector<VersionInfo>> retire_expired(int64_t now_ms, const std::string& actor);

  // Model-level settings (description, gate thresholds, prices); audited.
  Status set_model_metadata(const std::string& name, const ModelMetadata& metadata, const std::string& actor);

  // Stores evaluation metrics on a version (merged into its metrics object); audited.
  // The artifact and params stay immutable.
  Result<VersionInfo> record_metrics(const std::string& name, int64_t version, const nlohmann::json& metrics,
                                     const std::string& actor, const std::string& reason);

  // Pins (or unpins) the artifact of a version: a pinned artifact is never purged.
  Status set_pinned(const std::string& name, int64_t version, bool pinned, const std::string& actor);

  // Deletes the files of artifacts whose every version has been retired for at least
  // `retention_ms` and that are not pinned. Rows stay (marked purged); audited per
  // version. Returns the purged sha256s.
  Result<std::vector<std::string>> purge_retired_artifacts(int64_t retention_ms, int64_t now_ms,
                                                           const std::string& actor);

  // Custom aliases; "production" and "staging" follow stages and cannot be set by hand.
  Status set_alias(const std::string& name, const std::string& alias, int64_t version, const std::string& actor);
  Status remove_alias(const std::string& name, const std::string& alias, const std::string& actor);

  // Replaces the traffic table. Non-shadow entries must be production versions, shadow
  // entries staging or production; weights >= 0 with a positive non-shadow sum.
  // An empty table clears it.
  Status set_traffic(const std::string& name, const std::vector<TrafficEntry>& entries, const std::string& actor,
                     const std::string& reason);

  const GcReport& gc_report_on_open() const { return gc_report_; }
  const std::string& data_dir() const { return options_.data_dir; }
  // A temp file under the artifact store (a training run's output): removed when the
  // handle goes, and by the next start if this process dies holding it.
  Result<TempArtifact> create_temp_file() const { return artifacts_.create_temp(); }
  std::string db_path() const;

 private:
  Registry(RegistryOptions options, std::unique_ptr<Db> db);
  int64_t now() const;
  void hook(std::string_view point) const;
  Status collect_garbage();
  Result<VersionInfo> resolve_locked(const ModelRef& ref);
  Result<std::vector<VersionInfo>> versions_locked(int64_t model_id);
  Result<VersionInfo> version_locked(int64_t model_id, int64_t version);
  Status insert_audit(const AuditEvent& event);
  Status follow_stage(int64_t model_id, int64_t version, Stage from, Stage to);
  Result<VersionInfo> transition_locked(const std::string& name, int64_t version, Stage to, const std::string& actor,
                                        const std::string& reason, const Deprecation* deprecation);

  RegistryOptions options_;
  ArtifactStore artifacts_;
  std::unique_ptr<Db> db_;
  std::mutex mu_;
  GcReport gc_report_;
};

}  // namespace maas::registry
