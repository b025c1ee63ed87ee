// Write-side of the lifecycle: stage transitions, rollback, aliases and the traffic
// table. Each call is one transaction that includes its audit rows.
#include <cmath>
#include <set>

#include "registry/store.h"
#include "registry/store_rows.h"

namespace maas::registry {
namespace {

bool is_stage_alias(const std::string& alias) { return alias == "production" || alias == "staging"; }

Status set_alias_row(Db& db, int64_t model_id, const std::string& alias, int64_t version) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db,
                                              "INSERT INTO aliases(model_id, alias, version) VALUES (?, ?, ?)"
                                              " ON CONFLICT(model_id, alias) DO UPDATE SET version = excluded.version"));
  s.bind_int(1, model_id).bind_text(2, alias).bind_int(3, version);
  return s.run();
}

Result<bool> delete_alias_row(Db& db, int64_t model_id, const std::string& alias) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db, "DELETE FROM aliases WHERE model_id = ? AND alias = ?"));
  s.bind_int(1, model_id).bind_text(2, alias);
  MAAS_RETURN_IF_ERROR(s.run());
  return sqlite3_changes(db.raw()) > 0;
}

Result<std::optional<int64_t>> alias_target(Db& db, int64_t model_id, const std::string& alias) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db, "SELECT version FROM aliases WHERE model_id = ? AND alias = ?"));
  s.bind_int(1, model_id).bind_text(2, alias);
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(s.int_at(0));
}

Status set_stage_row(Db& db, int64_t model_id, int64_t version, Stage stage, int64_t t) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(db,
                                              "UPDATE versions SET stage = ?, stage_changed_at_ms = ?"
                                              " WHERE model_id = ? AND version = ?"));
  s.bind_text(1, stage_name(stage)).bind_int(2, t).bind_int(3, model_id).bind_int(4, version);
  return s.run();
}

std::string describe_traffic(const std::vector<TrafficEntry>& entries) {
  if (entries.empty()) return "traffic table cleared";
  std::string out = "traffic:";
  for (const TrafficEntry& e : entries) {
    out += fmt::format(" v{}={:g}{}", e.version, e.weight, e.shadow ? " (shadow)" : "");
  }
  return out;
}

}  // namespace

// Keeps @production / @staging on a version in that stage, and the traffic table on
// production versions, after `version` moved from `from` to `to`.
Status Registry::follow_stage(int64_t model_id, int64_t version, Stage from, Stage to) {
  if (to == Stage::kProduction || to == Stage::kStaging) {
    MAAS_RETURN_IF_ERROR(set_alias_row(*db_, model_id, stage_name(to), version));
  }
  if (from == Stage::kProduction || from == Stage::kStaging) {
    const std::string alias = stage_name(from);
    MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> target, alias_target(*db_, model_id, alias));
    if (target && *target == version) {
      MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "SELECT MAX(version) FROM versions WHERE model_id = ? AND stage = ?"));
      s.bind_int(1, model_id).bind_text(2, alias);
      MAAS_RETURN_IF_ERROR(s.step().status());
      if (s.null_at(0)) {
        MAAS_RETURN_IF_ERROR(delete_alias_row(*db_, model_id, alias).status());
      } else {
        MAAS_RETURN_IF_ERROR(set_alias_row(*db_, model_id, alias, s.int_at(0)));
      }
    }
  }
  if (from == Stage::kProduction) {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "DELETE FROM traffic WHERE model_id = ? AND version = ? AND shadow = 0"));
    s.bind_int(1, model_id).bind_int(2, version);
    MAAS_RETURN_IF_ERROR(s.run());
  }
  return Status::ok();
}

Result<VersionInfo> Registry::transition(const std::string& name, int64_t version, Stage to, const std::string& actor,
                                         const std::string& reason) {
  std::lock_guard lock(mu_);
  return transition_locked(name, version, to, actor, reason, nullptr);
}

Result<VersionInfo> Registry::deprecate(const std::string& name, int64_t version, const Deprecation& deprecation,
                                        const std::string& actor, const std::string& reason) {
  std::lock_guard lock(mu_);
  return transition_locked(name, version, Stage::kDeprecated, actor, reason, &deprecation);
}

Result<VersionInfo> Registry::transition_locked(const std::string& name, int64_t version, Stage to,
                                                const std::string& actor, const std::string& reason,
                                                const Deprecation* deprecation) {
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  MAAS_ASSIGN_OR_RETURN(VersionInfo v, resolve_locked(ModelRef{name, version, std::nullopt}));
  MAAS_RETURN_IF_ERROR(check_transition(v.stage, to).with_context(fmt::format("model '{}' version {}", name, version)));
  const int64_t t = now();
  MAAS_RETURN_IF_ERROR(set_stage_row(*db_, id, version, to, t));
  if (deprecation) {
    if (deprecation->successor) {
      if (*deprecation->successor == version) return invalid_argument("version {} cannot succeed itself", version);
      MAAS_RETURN_IF_ERROR(resolve_locked(ModelRef{name, *deprecation->successor, std::nullopt}).status());
    }
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                                "UPDATE versions SET sunset_at_ms = ?, successor = ?"
                                                " WHERE model_id = ? AND version = ?"));
    if (deprecation->sunset_at_ms) s.bind_int(1, *deprecation->sunset_at_ms); else s.bind_null(1);
    if (deprecation->successor) s.bind_int(2, *deprecation->successor); else s.bind_null(2);
    s.bind_int(3, id).bind_int(4, version);
    MAAS_RETURN_IF_ERROR(s.run());
  }
  MAAS_RETURN_IF_ERROR(follow_stage(id, version, v.stage, to));
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = t,
                                               .actor = actor,
                                               .model = name,
                                               .version = version,
                                               .action = "transition",
                                               .from_stage = stage_name(v.stage),
                                               .to_stage = stage_name(to),
                                               .reason = reason}));
  hook("transition:before_commit");
  MAAS_RETURN_IF_ERROR(tx->commit());
  return version_locked(id, version);
}

Result<std::vector<VersionInfo>> Registry::retire_expired(int64_t now_ms, const std::string& actor) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, int64_t>> due;
  {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                                "SELECT m.name, v.version FROM versions v JOIN models m ON m.id = v.model_id"
                                                " WHERE v.stage = 'deprecated' AND v.sunset_at_ms IS NOT NULL"
                                                " AND v.sunset_at_ms <= ? ORDER BY m.name, v.version"));
    s.bind_int(1, now_ms);
    for (;;) {
      MAAS_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      due.emplace_back(s.text_at(0), s.int_at(1));
    }
  }
  std::vector<VersionInfo> retired;
  for (const auto& [name, version] : due) {
    MAAS_ASSIGN_OR_RETURN(VersionInfo v, transition_locked(name, version, Stage::kRetired, actor, "sunset passed", nullptr));
    retired.push_back(std::move(v));
  }
  return retired;
}

Result<RollbackPlan> Registry::rollback(const std::string& name, const std::string& actor, const std::string& reason) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> current, alias_target(*db_, id, "production"));
  if (!current) return error(Code::kFailedPrecondition, "cannot roll back model '{}': it has no production version", name);

  std::set<int64_t> were_in_production;
  {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                                "SELECT DISTINCT version FROM audit_events"
                                                " WHERE model = ? AND to_stage = 'production' AND version IS NOT NULL"));
    s.bind_text(1, name);
    for (;;) {
      MAAS_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      were_in_production.insert(s.int_at(0));
    }
  }
  MAAS_ASSIGN_OR_RETURN(std::vector<VersionInfo> versions, versions_locked(id));
  std::vector<VersionState> states;
  for (const VersionInfo& v : versions) states.push_back({v.version, v.stage, were_in_production.count(v.version) > 0});
  Result<RollbackPlan> planned = plan_rollback(*current, states);
  if (!planned.is_ok()) return planned.status().with_context(fmt::format("cannot roll back model '{}'", name));
  const RollbackPlan plan = *planned;

  const int64_t t = now();
  MAAS_RETURN_IF_ERROR(set_stage_row(*db_, id, plan.from_version, Stage::kStaging, t));
  MAAS_RETURN_IF_ERROR(follow_stage(id, plan.from_version, Stage::kProduction, Stage::kStaging));
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = t,
                                               .actor = actor,
                                               .model = name,
                                               .version = plan.from_version,
                                               .action = "rollback",
                                               .from_stage = stage_name(Stage::kProduction),
                                               .to_stage = stage_name(Stage::kStaging),
                                               .reason = reason}));
  if (plan.to_version_stage != Stage::kProduction) {
    MAAS_RETURN_IF_ERROR(set_stage_row(*db_, id, plan.to_version, Stage::kProduction, t));
    MAAS_RETURN_IF_ERROR(follow_stage(id, plan.to_version, plan.to_version_stage, Stage::kProduction));
  }
  MAAS_RETURN_IF_ERROR(set_alias_row(*db_, id, "production", plan.to_version));
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = t,
                                               .actor = actor,
                                               .model = name,
                                               .version = plan.to_version,
                                               .action = "rollback",
                                               .from_stage = stage_name(plan.to_version_stage),
                                               .to_stage = stage_name(Stage::kProduction),
                                               .reason = reason}));
  {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "DELETE FROM traffic WHERE model_id = ?"));
    s.bind_int(1, id);
    MAAS_RETURN_IF_ERROR(s.run());
  }
  hook("rollback:before_commit");
  MAAS_RETURN_IF_ERROR(tx->commit());
  return plan;
}

Status Registry::set_alias(const std::string& name, const std::string& alias, int64_t version,
                           const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_RETURN_IF_ERROR(check_alias_name(alias));
  if (is_stage_alias(alias)) {
    return invalid_argument("alias '{}' follows the stage of that name; move a version there instead", alias);
  }
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  MAAS_RETURN_IF_ERROR(resolve_locked(ModelRef{name, version, std::nullopt}).status());
  MAAS_RETURN_IF_ERROR(set_alias_row(*db_, id, alias, version));
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = now(),
                                               .actor = actor,
                                               .model = name,
                                               .version = version,
                                               .action = "alias",
                                               .reason = fmt::format("alias '{}' set to version {}", alias, version)}));
  return tx->commit();
}

Status Registry::remove_alias(const std::string& name, const std::string& alias, const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  if (is_stage_alias(alias)) {
    return invalid_argument("alias '{}' follows the stage of that name; move the version out of it instead", alias);
  }
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> target, alias_target(*db_, id, alias));
  if (!target) return not_found("model '{}' has no alias '{}'", name, alias);
  MAAS_RETURN_IF_ERROR(delete_alias_row(*db_, id, alias).status());
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = now(),
                                               .actor = actor,
                                               .model = name,
                                               .version = *target,
                                               .action = "alias",
                                               .reason = fmt::format("alias '{}' removed", alias)}));
  return tx->commit();
}

Status Registry::set_traffic(const std::string& name, const std::vector<TrafficEntry>& entries,
                             const std::string& actor, const std::string& reason) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(int64_t id, rows::model_id(*db_, name));
  std::set<int64_t> seen;
  double live_weight = 0;
  for (const TrafficEntry& e : entries) {
    if (!seen.insert(e.version).second) return invalid_argument("traffic table lists version {} twice", e.version);
    if (!std::isfinite(e.weight) || e.weight < 0) {
      return invalid_argument("traffic weight of version {} must be a finite number >= 0", e.version);
    }
    MAAS_ASSIGN_OR_RETURN(VersionInfo v, resolve_locked(ModelRef{name, e.version, std::nullopt}));
    bool ok = e.shadow ? (v.stage == Stage::kProduction || v.stage == Stage::kStaging) : v.stage == Stage::kProduction;
    if (!ok) {
      return error(Code::kFailedPrecondition, "version {} of '{}' is {}; {} traffic needs {}", e.version, name,
                   stage_name(v.stage), e.shadow ? "shadow" : "live", e.shadow ? "staging or production" : "production");
    }
    if (!e.shadow) live_weight += e.weight;
  }
  if (!entries.empty() && live_weight <= 0) {
    return invalid_argument("traffic table needs a positive weight on at least one non-shadow version");
  }
  {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "DELETE FROM traffic WHERE model_id = ?"));
    s.bind_int(1, id);
    MAAS_RETURN_IF_ERROR(s.run());
  }
  MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_, "INSERT INTO traffic(model_id, version, weight, shadow) VALUES (?, ?, ?, ?)"));
  for (const TrafficEntry& e : entries) {
    ins.reset();
    ins.bind_int(1, id).bind_int(2, e.version).bind_real(3, e.weight).bind_int(4, e.shadow ? 1 : 0);
    MAAS_RETURN_IF_ERROR(ins.run());
  }
  std::string table = describe_traffic(entries);
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = now(),
                                               .actor = actor,
                                               .model = name,
                                               .action = "traffic",
                                               .reason = reason.empty() ? table : reason + " (" + table + ")"}));
  return tx->commit();
}

}  // namespace maas::registry
