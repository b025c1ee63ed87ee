#include "registry/store_rows.h"

namespace maas::registry::rows {

const char* const kVersionSelect =
    "SELECT m.name, v.version, v.sha256, v.family, v.format, v.params_json, v.training_data_digest,"
    " v.metrics_json, v.tags_json, v.description, v.stage, v.created_by, v.created_at_ms, a.size_bytes,"
    " a.path, a.pinned, v.stage_changed_at_ms, v.sunset_at_ms, v.successor, a.purged_at_ms"
    " FROM versions v JOIN models m ON m.id = v.model_id JOIN artifacts a ON a.sha256 = v.sha256";

const char* const kAuditSelect =
    "SELECT id, time_ms, actor, model, version, action, from_stage, to_stage, reason FROM audit_events";

namespace {
std::optional<int64_t> optional_int(const Stmt& s, int column) {
  if (s.null_at(column)) return std::nullopt;
  return s.int_at(column);
}
}  // namespace

VersionInfo read_version(const Stmt& s, const ArtifactStore& artifacts) {
  VersionInfo v;
  v.model = s.text_at(0);
  v.version = s.int_at(1);
  v.sha256 = s.text_at(2);
  v.family = s.text_at(3);
  v.format = s.text_at(4);
  v.params = from_json_text(s.text_at(5));
  v.training_data_digest = s.text_at(6);
  v.metrics = from_json_text(s.text_at(7));
  v.tags = from_json_text(s.text_at(8));
  v.description = s.text_at(9);
  Result<Stage> stage = parse_stage(s.text_at(10));  // the CHECK constraint keeps it valid
  v.stage = stage.is_ok() ? *stage : Stage::kRegistered;
  v.created_by = s.text_at(11);
  v.created_at_ms = s.int_at(12);
  v.size_bytes = s.int_at(13);
  v.artifact_path = artifacts.absolute(s.text_at(14));
  v.pinned = s.int_at(15) != 0;
  v.stage_changed_at_ms = optional_int(s, 16);
  v.sunset_at_ms = optional_int(s, 17);
  v.successor = optional_int(s, 18);
  v.artifact_purged = !s.null_at(19);
  return v;
}

AuditEvent read_audit(const Stmt& s) {
  AuditEvent e;
  e.id = s.int_at(0);
  e.time_ms = s.int_at(1);
  e.actor = s.text_at(2);
  e.model = s.text_at(3);
  e.version = optional_int(s, 4);
  e.action = s.text_at(5);
  e.from_stage = s.text_at(6);
  e.to_stage = s.text_at(7);
  e.reason = s.text_at(8);
  return e;
}

std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json from_json_text(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return nlohmann::json(text);
  return j;
}

Result<int64_t> model_id(Db& db, const std::string& name) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db, "SELECT id FROM models WHERE name = ?"));
  s.bind_text(1, name);
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return not_found("model '{}' not found", name);
  return s.int_at(0);
}

}  // namespace maas::registry::rows
