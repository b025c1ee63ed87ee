#include "registry/json.h"

#include "core/clock.h"

namespace maas::registry {

std::string time_text(int64_t unix_ms) { return rfc3339_utc(unix_ms / 1000); }

nlohmann::json to_json(const VersionInfo& v) {
  nlohmann::json j = {
      {"model", v.model},
      {"version", v.version},
      {"stage", stage_name(v.stage)},
      {"sha256", v.sha256},
      {"family", v.family},
      {"format", v.format},
      {"size_bytes", v.size_bytes},
      {"params", v.params},
      {"training_data_digest", v.training_data_digest},
      {"metrics", v.metrics},
      {"tags", v.tags},
      {"description", v.description},
      {"created_by", v.created_by},
      {"created_at", time_text(v.created_at_ms)},
      {"artifact_path", v.artifact_path},
      {"pinned", v.pinned},
  };
  if (v.stage_changed_at_ms) j["stage_changed_at"] = time_text(*v.stage_changed_at_ms);
  if (v.sunset_at_ms) j["sunset_at"] = time_text(*v.sunset_at_ms);
  if (v.successor) j["successor"] = *v.successor;
  return j;
}

nlohmann::json to_json(const AuditEvent& e) {
  nlohmann::json j = {{"id", e.id},       {"time", time_text(e.time_ms)}, {"actor", e.actor},
                      {"model", e.model}, {"action", e.action},           {"reason", e.reason}};
  if (e.version) j["version"] = *e.version;
  if (!e.from_stage.empty()) j["from_stage"] = e.from_stage;
  if (!e.to_stage.empty()) j["to_stage"] = e.to_stage;
  return j;
}

nlohmann::json to_json(const AliasInfo& a) { return {{"alias", a.alias}, {"version", a.version}}; }

nlohmann::json to_json(const TrafficEntry& t) {
  return {{"version", t.version}, {"weight", t.weight}, {"shadow", t.shadow}};
}

nlohmann::json to_json(const ModelSummary& m) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& [version, stage] : m.stages) stages.push_back({{"version", version}, {"stage", stage_name(stage)}});
  nlohmann::json j = {{"name", m.name},
                      {"description", m.description},
                      {"created_at", time_text(m.created_at_ms)},
                      {"latest_version", m.latest_version},
                      {"family", m.family},
                      {"size_bytes", m.size_bytes},
                      {"versions", stages}};
  if (m.production_version) j["production_version"] = *m.production_version;
  return j;
}

nlohmann::json to_json(const ModelDetails& m) {
  nlohmann::json versions = nlohmann::json::array(), aliases = nlohmann::json::array(),
                 traffic = nlohmann::json::array(), audit = nlohmann::json::array();
  for (const auto& v : m.versions) versions.push_back(to_json(v));
  for (const auto& a : m.aliases) aliases.push_back(to_json(a));
  for (const auto& t : m.traffic) traffic.push_back(to_json(t));
  for (const auto& e : m.audit) audit.push_back(to_json(e));
  return {{"name", m.name},           {"description", m.description}, {"created_at", time_text(m.created_at_ms)},
          {"thresholds", m.thresholds}, {"prices", m.prices},          {"versions", versions},
          {"aliases", aliases},       {"traffic", traffic},           {"audit", audit}};
}

}  // namespace maas::registry
