// Artifact retention: pinning, and purging the files of long-retired versions.
#include "registry/store.h"
#include "registry/store_rows.h"

namespace maas::registry {

Status Registry::set_pinned(const std::string& name, int64_t version, bool pinned, const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  MAAS_ASSIGN_OR_RETURN(VersionInfo v, resolve_locked(ModelRef{name, version, std::nullopt}));
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "UPDATE artifacts SET pinned = ? WHERE sha256 = ?"));
  s.bind_int(1, pinned ? 1 : 0).bind_text(2, v.sha256);
  MAAS_RETURN_IF_ERROR(s.run());
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = now(),
                                               .actor = actor,
                                               .model = name,
                                               .version = version,
                                               .action = pinned ? "pin" : "unpin",
                                               .reason = fmt::format("artifact {}", v.sha256)}));
  return tx->commit();
}

Result<std::vector<std::string>> Registry::purge_retired_artifacts(int64_t retention_ms, int64_t now_ms,
                                                                  const std::string& actor) {
  std::lock_guard lock(mu_);
  if (actor.empty()) return invalid_argument("actor must not be empty");
  if (retention_ms < 0) return invalid_argument("retention must be >= 0");
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  std::vector<std::string> due;
  {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                                "SELECT a.sha256 FROM artifacts a"
                                                " WHERE a.purged_at_ms IS NULL AND a.pinned = 0"
                                                " AND EXISTS (SELECT 1 FROM versions v WHERE v.sha256 = a.sha256)"
                                                " AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.sha256 = a.sha256"
                                                "   AND (v.stage <> 'retired' OR v.stage_changed_at_ms IS NULL"
                                                "        OR v.stage_changed_at_ms > ?))"
                                                " ORDER BY a.sha256"));
    s.bind_int(1, now_ms - retention_ms);
    for (;;) {
      MAAS_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      due.push_back(s.text_at(0));
    }
  }
  const int64_t t = now();
  for (const std::string& sha : due) {
    MAAS_ASSIGN_OR_RETURN(Stmt mark, Stmt::prepare(*db_, "UPDATE artifacts SET purged_at_ms = ? WHERE sha256 = ?"));
    mark.bind_int(1, t).bind_text(2, sha);
    MAAS_RETURN_IF_ERROR(mark.run());
    MAAS_ASSIGN_OR_RETURN(Stmt users, Stmt::prepare(*db_,
                                                    "SELECT m.name, v.version FROM versions v"
                                                    " JOIN models m ON m.id = v.model_id WHERE v.sha256 = ?"
                                                    " ORDER BY m.name, v.version"));
    users.bind_text(1, sha);
    for (;;) {
      MAAS_ASSIGN_OR_RETURN(bool row, users.step());
      if (!row) break;
      MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{.time_ms = t,
                                                   .actor = actor,
                                                   .model = users.text_at(0),
                                                   .version = users.int_at(1),
                                                   .action = "purge",
                                                   .reason = fmt::format("artifact {} deleted after retention", sha)}));
    }
  }
  // Files go while we hold the write lock, so no import can revive one in between. A
  // crash after this and before COMMIT leaves retired rows whose file is gone: reported
  // on open and repaired by importing the bytes again.
  for (const std::string& sha : due) MAAS_RETURN_IF_ERROR(artifacts_.remove(sha));
  hook("purge:before_commit");
  MAAS_RETURN_IF_ERROR(tx->commit());
  return due;
}

}  // namespace maas::registry
