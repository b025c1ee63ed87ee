#include "registry/schema.h"

namespace maas::registry {
namespace {

// v1: what issue 2 needs. Audit events are append-only, enforced by triggers.
constexpr const char* kV1 = R"sql(
CREATE TABLE models (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  description     TEXT NOT NULL DEFAULT '',
  created_at_ms   INTEGER NOT NULL,
  thresholds_json TEXT NOT NULL DEFAULT '{}',
  prices_json     TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE artifacts (
  sha256        TEXT PRIMARY KEY,
  size_bytes    INTEGER NOT NULL,
  format        TEXT NOT NULL,
  family        TEXT NOT NULL,
  path          TEXT NOT NULL,
  pinned        INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE versions (
  id                   INTEGER PRIMARY KEY,
  model_id             INTEGER NOT NULL REFERENCES models(id),
  version              INTEGER NOT NULL CHECK (version >= 1),
  sha256               TEXT NOT NULL REFERENCES artifacts(sha256),
  family               TEXT NOT NULL,
  format               TEXT NOT NULL,
  params_json          TEXT NOT NULL DEFAULT '{}',
  training_data_digest TEXT NOT NULL DEFAULT '',
  metrics_json         TEXT NOT NULL DEFAULT '{}',
  tags_json            TEXT NOT NULL DEFAULT '{}',
  description          TEXT NOT NULL DEFAULT '',
  stage                TEXT NOT NULL CHECK (stage IN ('registered','testing','staging','rejected',
                                                       'production','deprecated','retired')),
  created_by           TEXT NOT NULL,
  created_at_ms        INTEGER NOT NULL,
  UNIQUE (model_id, version),
  UNIQUE (model_id, sha256)
);
CREATE INDEX versions_by_sha256 ON versions(sha256);
CREATE TABLE audit_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms    INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  model      TEXT NOT NULL,
  version    INTEGER,
  action     TEXT NOT NULL,
  from_stage TEXT,
  to_stage   TEXT,
  reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_model ON audit_events(model, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
)sql";

// v2: lifecycle (issue 5): aliases, traffic table, deprecation/retirement bookkeeping.
constexpr const char* kV2 = R"sql(
CREATE TABLE aliases (
  model_id INTEGER NOT NULL REFERENCES models(id),
  alias    TEXT NOT NULL,
  version  INTEGER NOT NULL,
  PRIMARY KEY (model_id, alias),
  FOREIGN KEY (model_id, version) REFERENCES versions(model_id, version)
);
CREATE TABLE traffic (
  model_id INTEGER NOT NULL REFERENCES models(id),
  version  INTEGER NOT NULL,
  weight   REAL NOT NULL CHECK (weight >= 0),
  shadow   INTEGER NOT NULL DEFAULT 0 CHECK (shadow IN (0, 1)),
  PRIMARY KEY (model_id, version),
  FOREIGN KEY (model_id, version) REFERENCES versions(model_id, version)
);
ALTER TABLE versions ADD COLUMN stage_changed_at_ms INTEGER;
ALTER TABLE versions ADD COLUMN sunset_at_ms INTEGER;
ALTER TABLE versions ADD COLUMN successor INTEGER;
)sql";

// v3: retention. A purged artifact keeps its row (versions are history) but its file is
// gone; pinned artifacts are never purged.
constexpr const char* kV3 = R"sql(
ALTER TABLE artifacts ADD COLUMN purged_at_ms INTEGER;
)sql";

// v4: operations (issue 6). API keys keep only a salted hash of their secret (key_id is
// the secret's first 12 hex characters, in clear, to find the row); usage rows carry the
// cost at the price of the moment; the request log holds redacted bodies only.
constexpr const char* kV4 = R"sql(
CREATE TABLE api_keys (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  key_id        TEXT NOT NULL UNIQUE,
  salt          TEXT NOT NULL,
  secret_hash   TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin','user')),
  models_json   TEXT NOT NULL DEFAULT '[]',
  rpm           INTEGER NOT NULL DEFAULT 0 CHECK (rpm >= 0),
  tpm           INTEGER NOT NULL DEFAULT 0 CHECK (tpm >= 0),
  budget_usd    REAL CHECK (budget_usd IS NULL OR budget_usd >= 0),
  log_requests  INTEGER NOT NULL DEFAULT 0 CHECK (log_requests IN (0, 1)),
  expires_at_ms INTEGER,
  revoked_at_ms INTEGER,
  revoked_by    TEXT,
  rotated_at_ms INTEGER,
  rotated_by    TEXT,
  created_at_ms INTEGER NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE TABLE usage (
  id                INTEGER PRIMARY KEY,
  time_ms           INTEGER NOT NULL,
  key_name          TEXT NOT NULL DEFAULT '',
  model             TEXT NOT NULL DEFAULT '',
  version           INTEGER,
  route             TEXT NOT NULL,
  method            TEXT NOT NULL,
  status            INTEGER NOT NULL,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  items             INTEGER NOT NULL DEFAULT 0,
  latency_ms        REAL NOT NULL,
  cost_usd          REAL NOT NULL DEFAULT 0,
  request_id        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX usage_by_time ON usage(time_ms);
CREATE INDEX usage_by_key ON usage(key_name, time_ms);
CREATE INDEX usage_by_model ON usage(model, time_ms);
CREATE TABLE request_log (
  id            INTEGER PRIMARY KEY,
  time_ms       INTEGER NOT NULL,
  key_name      TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  route         TEXT NOT NULL,
  status        INTEGER NOT NULL,
  request_body  TEXT NOT NULL,
  response_body TEXT NOT NULL
);
CREATE INDEX request_log_by_key ON request_log(key_name, id);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kAll = {
      {1, "models, artifacts, versions, audit events", kV1},
      {2, "lifecycle: aliases, traffic, sunset and successor", kV2},
      {3, "artifact retention: purged_at", kV3},
      {4, "operations: api keys, usage, request log", kV4},
  };
  return kAll;
}

Result<int> schema_version(Db& db) {
  MAAS_ASSIGN_OR_RETURN(Stmt exists, Stmt::prepare(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"));
  MAAS_ASSIGN_OR_RETURN(bool has_table, exists.step());
  if (!has_table) return 0;
  MAAS_ASSIGN_OR_RETURN(Stmt max, Stmt::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  MAAS_ASSIGN_OR_RETURN(bool row, max.step());
  return row ? static_cast<int>(max.int_at(0)) : 0;
}

Status migrate(Db& db, int target, int64_t now_ms) {
  const auto& all = migrations();
  int latest = all.back().version;
  if (target < 0) target = latest;
  MAAS_ASSIGN_OR_RETURN(int current, schema_version(db));
  if (current > latest) {
    return error(Code::kFailedPrecondition,
                 "registry database '{}' has schema version {}, newer than this maas knows ({}); upgrade maas",
                 db.path(), current, latest);
  }
  for (const Migration& m : all) {
    if (m.version <= current || m.version > target) continue;
    MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(db));
    // Re-read under the write lock: another process may have migrated meanwhile.
    MAAS_ASSIGN_OR_RETURN(int now_version, schema_version(db));
    if (now_version >= m.version) continue;
    MAAS_RETURN_IF_ERROR(db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)"));
    MAAS_RETURN_IF_ERROR(db.exec(m.sql).with_context(fmt::format("schema migration {}", m.version)));
    MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(db, "INSERT INTO schema_version(version, description, applied_at_ms) VALUES (?, ?, ?)"));
    ins.bind_int(1, m.version).bind_text(2, m.description).bind_int(3, now_ms);
    MAAS_RETURN_IF_ERROR(ins.run());
    MAAS_RETURN_IF_ERROR(tx->commit());
  }
  return Status::ok();
}

}  // namespace maas::registry
