// Model-level settings (description, gate thresholds, prices) and version metrics.
#include "registry/store.h"
#include "registry/store_rows.h"

namespace maas::registry {

Status Registry::set_model_metadata(const std::string& name, const ModelMetadata& metadata, const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  if (metadata.thresholds && !metadata.thresholds->is_object()) return invalid_argument("thresholds must be a JSON object");
  if (metadata.prices && !metadata.prices->is_object()) return invalid_argument("prices must be a JSON object");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                              "UPDATE models SET description = COALESCE(?, description),"
                                              " thresholds_json = COALESCE(?, thresholds_json),"
                                              " prices_json = COALESCE(?, prices_json) WHERE id = ?"));
  std::vector<std::string> changed;
  if (metadata.description) { s.bind_text(1, *metadata.description); changed.push_back("description"); } else s.bind_null(1);
  if (metadata.thresholds) {
    s.bind_text(2, rows::to_json_text(*metadata.thresholds));
    changed.push_back("thresholds " + rows::to_json_text(*metadata.thresholds));
  } else {
    s.bind_null(2);
  }
  if (metadata.prices) {
    s.bind_text(3, rows::to_json_text(*metadata.prices));
    changed.push_back("prices " + rows::to_json_text(*metadata.prices));
  } else {
    s.bind_null(3);
  }
  s.bind_int(4, id);
  MAAS_RETURN_IF_ERROR(s.run());
  std::string reason = "set";
  for (size_t i = 0; i < changed.size(); ++i) reason += (i ? ", " : " ") + changed[i];
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = now(), .actor = actor, .model = name, .action = "metadata", .reason = reason}));
  return tx->commit();
}

Result<VersionInfo> Registry::record_metrics(const std::string& name, int64_t version, const nlohmann::json& metrics,
                                             const std::string& actor, const std::string& reason) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  if (!metrics.is_object()) return invalid_argument("metrics must be a JSON object");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  MAAS_ASSIGN_OR_RETURN(VersionInfo v, resolve_locked(ModelRef{name, version, std::nullopt}));
  nlohmann::json merged = v.metrics.is_object() ? v.metrics : nlohmann::json::object();
  merged.update(metrics);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "UPDATE versions SET metrics_json = ? WHERE model_id = ? AND version = ?"));
  s.bind_text(1, rows::to_json_text(merged)).bind_int(2, id).bind_int(3, version);
  MAAS_RETURN_IF_ERROR(s.run());
  std::string text = "metrics " + rows::to_json_text(metrics);
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = now(),
                                               .actor = actor,
                                               .model = name,
                                               .version = version,
                                               .action = "metrics",
                                               .reason = reason.empty() ? text : reason + " (" + text + ")"}));
  MAAS_RETURN_IF_ERROR(tx->commit());
  return version_locked(id, version);
}

}  // namespace maas::registry
