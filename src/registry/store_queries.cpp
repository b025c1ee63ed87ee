// Read-side of the registry: listing, showing, history and reference resolution.
#include <string>

#include "registry/store.h"
#include "registry/store_rows.h"

namespace maas::registry {
namespace {

Result<std::vector<AliasInfo>> aliases_of(Db& db, int64_t model_id) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db, "SELECT alias, version FROM aliases WHERE model_id = ? ORDER BY alias"));
  s.bind_int(1, model_id);
  std::vector<AliasInfo> out;
  for (;;) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.push_back({s.text_at(0), s.int_at(1)});
  }
}

Result<std::vector<TrafficEntry>> traffic_of(Db& db, int64_t model_id) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db, "SELECT version, weight, shadow FROM traffic WHERE model_id = ? ORDER BY version"));
  s.bind_int(1, model_id);
  std::vector<TrafficEntry> out;
  for (;;) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.push_back({s.int_at(0), s.real_at(1), s.int_at(2) != 0});
  }
}

Result<std::vector<AuditEvent>> audit_of(Db& db, const std::string& name) {
  std::string sql = std::string(rows::kAuditSelect) + " WHERE model = ? ORDER BY id";
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db, sql.c_str()));
  s.bind_text(1, name);
  std::vector<AuditEvent> out;
  for (;;) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.push_back(rows::read_audit(s));
  }
}

std::string alias_names(const std::vector<AliasInfo>& aliases) {
  if (aliases.empty()) return "none";
  std::string out;
  for (const AliasInfo& a : aliases) out += (out.empty() ? "" : ", ") + a.alias;
  return out;
}

}  // namespace

Result<VersionInfo> Registry::version_locked(int64_t model_id, int64_t version) {
  std::string sql = std::string(rows::kVersionSelect) + " WHERE v.model_id = ? AND v.version = ?";
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, sql.c_str()));
  s.bind_int(1, model_id).bind_int(2, version);
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return not_found("version {} not found", version);
  return rows::read_version(s, artifacts_);
}

Result<std::vector<VersionInfo>> Registry::versions_locked(int64_t model_id) {
  std::string sql = std::string(rows::kVersionSelect) + " WHERE v.model_id = ? ORDER BY v.version";
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, sql.c_str()));
  s.bind_int(1, model_id);
  std::vector<VersionInfo> out;
  for (;;) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return out;
    out.push_back(rows::read_version(s, artifacts_));
  }
}

Result<std::vector<ModelSummary>> Registry::list_models() {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(auto snapshot, Transaction::begin_read(*db_));
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "SELECT id, name, description, created_at_ms FROM models ORDER BY name"));
  std::vector<ModelSummary> out;
  for (;;) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    ModelSummary m;
    int64_t id = s.int_at(0);
    m.name = s.text_at(1);
    m.description = s.text_at(2);
    m.created_at_ms = s.int_at(3);
    MAAS_ASSIGN_OR_RETURN(std::vector<VersionInfo> versions, versions_locked(id));
    for (const VersionInfo& v : versions) m.stages.emplace_back(v.version, v.stage);
    if (!versions.empty()) {
      m.latest_version = versions.back().version;
      m.family = versions.back().family;
      m.size_bytes = versions.back().size_bytes;
    }
    MAAS_ASSIGN_OR_RETURN(std::vector<AliasInfo> aliases, aliases_of(*db_, id));
    for (const AliasInfo& a : aliases) {
      if (a.alias == "production") m.production_version = a.version;
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<ModelDetails> Registry::get_model(const std::string& name) {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(auto snapshot, Transaction::begin_read(*db_));
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                              "SELECT id, name, description, created_at_ms, thresholds_json, prices_json"
                                              " FROM models WHERE name = ?"));
  s.bind_text(1, name);
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return not_found("model '{}' not found", name);
  ModelDetails d;
  int64_t id = s.int_at(0);
  d.name = s.text_at(1);
  d.description = s.text_at(2);
  d.created_at_ms = s.int_at(3);
  d.thresholds = rows::from_json_text(s.text_at(4));
  d.prices = rows::from_json_text(s.text_at(5));
  MAAS_ASSIGN_OR_RETURN(d.versions, versions_locked(id));
  MAAS_ASSIGN_OR_RETURN(d.aliases, aliases_of(*db_, id));
  MAAS_ASSIGN_OR_RETURN(d.traffic, traffic_of(*db_, id));
  MAAS_ASSIGN_OR_RETURN(d.audit, audit_of(*db_, name));
  return d;
}

Result<std::vector<AuditEvent>> Registry::history(const std::string& name) {
  std::lock_guard lock(mu_);
  MAAS_RETURN_IF_ERROR(rows::model_id(*db_, name).status());
  return audit_of(*db_, name);
}

Result<VersionInfo> Registry::get_version(std::string_view reference) {
  MAAS_ASSIGN_OR_RETURN(ModelRef ref, parse_model_ref(reference));
  return resolve(ref);
}

Result<VersionInfo> Registry::resolve(const ModelRef& ref) {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(auto snapshot, Transaction::begin_read(*db_));
  return resolve_locked(ref);
}

Result<VersionInfo> Registry::resolve_locked(const ModelRef& ref) {
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, ref.name));
  if (ref.version) {
    Result<VersionInfo> v = version_locked(id, *ref.version);
    if (!v.is_ok() && v.status().code() == Code::kNotFound) {
      return not_found("model '{}' has no version {}", ref.name, *ref.version);
    }
    return v;
  }
  MAAS_ASSIGN_OR_RETURN(std::vector<AliasInfo> aliases, aliases_of(*db_, id));
  auto find_alias = [&](const std::string& name) -> const AliasInfo* {
    for (const AliasInfo& a : aliases) {
      if (a.alias == name) return &a;
    }
    return nullptr;
  };
  if (ref.alias) {
    const AliasInfo* a = find_alias(*ref.alias);
    if (!a) return not_found("model '{}' has no alias '{}' (aliases: {})", ref.name, *ref.alias, alias_names(aliases));
    return version_locked(id, a->version);
  }
  if (const AliasInfo* production = find_alias("production")) return version_locked(id, production->version);
  MAAS_ASSIGN_OR_RETURN(std::vector<TrafficEntry> traffic, traffic_of(*db_, id));
  const TrafficEntry* heaviest = nullptr;
  for (const TrafficEntry& t : traffic) {
    if (t.shadow || t.weight <= 0) continue;
    if (!heaviest || t.weight > heaviest->weight || (t.weight == heaviest->weight && t.version > heaviest->version)) {
      heaviest = &t;
    }
  }
  if (heaviest) return version_locked(id, heaviest->version);
  MAAS_ASSIGN_OR_RETURN(std::vector<VersionInfo> versions, versions_locked(id));
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->stage != Stage::kRetired && it->stage != Stage::kRejected) return *it;
  }
  return not_found("model '{}' has no servable version (all are retired or rejected)", ref.name);
}

}  // namespace maas::registry
