// Plain records the registry returns. Times are unix milliseconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/family.h"
#include "registry/lifecycle.h"

namespace maas::registry {

struct VersionInfo {
  std::string model;
  int64_t version = 0;
  std::string sha256;
  std::string family;   // "llm", "mlp", ...
  std::string format;   // "gguf", ...
  nlohmann::json params = nlohmann::json::object();
  std::string training_data_digest;
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json tags = nlohmann::json::object();
  std::string description;
  Stage stage = Stage::kRegistered;
  std::string created_by;
  int64_t created_at_ms = 0;
  int64_t size_bytes = 0;
  std::string artifact_path;  // absolute path of the content-addressed file
  bool pinned = false;           // the artifact is never purged
  bool artifact_purged = false;  // retention removed the file (retired versions only)
  std::optional<int64_t> stage_changed_at_ms;
  std::optional<int64_t> sunset_at_ms;
  std::optional<int64_t> successor;
};

// What a family's load() needs (core/family.h) for this version.
inline Artifact artifact_of(const VersionInfo& v) {
  return Artifact{v.artifact_path, v.sha256, v.format, static_cast<uint64_t>(v.size_bytes), v.params};
}

struct AliasInfo {
  std::string alias;
  int64_t version = 0;
  bool operator==(const AliasInfo&) const = default;
};

struct TrafficEntry {
  int64_t version = 0;
  double weight = 0;
  bool shadow = false;
  bool operator==(const TrafficEntry&) const = default;
};

struct AuditEvent {
  int64_t id = 0;
  int64_t time_ms = 0;
  std::string actor;   // API key name or "cli"
  std::string model;
  std::optional<int64_t> version;
  std::string action;  // "import", "transition", "rollback", "alias", "traffic"
  std::string from_stage;  // "" when not a stage change
  std::string to_stage;
  std::string reason;
};

struct ModelSummary {
  std::string name;
  std::string description;
  int64_t created_at_ms = 0;
  int64_t latest_version = 0;
  std::string family;       // of the latest version
  int64_t size_bytes = 0;   // of the latest version
  std::vector<std::pair<int64_t, Stage>> stages;  // every version, ascending
  std::optional<int64_t> production_version;      // the @production alias
};

struct ModelDetails {
  std::string name;
  std::string description;
  int64_t created_at_ms = 0;
  nlohmann::json thresholds = nlohmann::json::object();
  nlohmann::json prices = nlohmann::json::object();
  std::vector<VersionInfo> versions;   // ascending
  std::vector<AliasInfo> aliases;      // by alias name
  std::vector<TrafficEntry> traffic;   // by version
  std::vector<AuditEvent> audit;       // oldest first
};

struct ImportRequest {
  std::string path;     // the file to import
  std::string name;     // model name; created on first import
  std::string family = "llm";
  std::string format = "gguf";
  std::string actor = "cli";
  nlohmann::json params = nlohmann::json::object();
  std::string training_data_digest;
  nlohmann::json tags = nlohmann::json::object();
  std::string description;
  // Metrics known at import (a training run's validation figures), stored with the
  // version in the same transaction.
  nlohmann::json metrics = nlohmann::json::object();
  // The audit row's reason; empty: "imported '<path>' (<size> bytes, sha256 ...)".
  std::string audit_reason;
  // If this model already has these bytes, return that version (existing = true)
  // instead of kAlreadyExists. For `maas serve --model FILE`, run on every start.
  bool reuse_existing = false;
};

struct ImportResult {
  VersionInfo version;
  bool artifact_reused = false;  // the same bytes were already stored (under another model)
  bool existing = false;         // reuse_existing returned a version imported earlier
};

// Extra facts recorded when a version is deprecated (RFC 8594 Sunset, successor link).
struct Deprecation {
  std::optional<int64_t> sunset_at_ms;  // after this, retire_expired() retires it
  std::optional<int64_t> successor;     // version clients should move to
};

// Model-level settings used by evaluation gates and metering. Unset fields are kept.
struct ModelMetadata {
  std::optional<std::string> description;
  std::optional<nlohmann::json> thresholds;  // e.g. {"max_perplexity": 20, "max_regression": 0.05}
  std::optional<nlohmann::json> prices;      // e.g. {"input_per_1k": 0.1}
};

// What garbage collection on open removed.
struct GcReport {
  int abandoned_temps = 0;
  int orphan_artifacts = 0;
  std::vector<std::string> missing_artifacts;  // rows whose file is gone (data loss; logged)
};

}  // namespace maas::registry
