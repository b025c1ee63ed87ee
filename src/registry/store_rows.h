// Internal to the registry store: row <-> record helpers shared by store*.cpp.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "registry/artifact_store.h"
#include "registry/sqlite.h"
#include "registry/types.h"

namespace maas::registry::rows {

// SELECT list + joins producing a VersionInfo row (read with read_version).
extern const char* const kVersionSelect;
VersionInfo read_version(const Stmt& stmt, const ArtifactStore& artifacts);

AuditEvent read_audit(const Stmt& stmt);
extern const char* const kAuditSelect;

std::string to_json_text(const nlohmann::json& value);
nlohmann::json from_json_text(const std::string& text);

// The model's row id, or kNotFound "model 'x' not found".
Result<int64_t> model_id(Db& db, const std::string& name);

}  // namespace maas::registry::rows
