#include "registry/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/clock.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/log.h"
#include "registry/schema.h"
#include "registry/store_rows.h"

namespace maas::registry {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// Opens the database file and checks it is usable: writable, really SQLite, intact.
Result<std::unique_ptr<Db>> open_database(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::open(path));
  if (db->read_only()) return error(Code::kFailedPrecondition, "registry database '{}' is read-only", path);
  sqlite3_busy_timeout(db->raw(), kBusyTimeoutMs);
  MAAS_RETURN_IF_ERROR(db->exec("PRAGMA foreign_keys = ON"));
  {
    MAAS_ASSIGN_OR_RETURN(Stmt wal, Stmt::prepare(*db, "PRAGMA journal_mode = WAL"));
    MAAS_ASSIGN_OR_RETURN(bool row, wal.step());
    if (!row || wal.text_at(0) != "wal") {
      return error(Code::kFailedPrecondition, "registry database '{}' cannot use WAL journaling", path);
    }
  }
  MAAS_RETURN_IF_ERROR(db->exec("PRAGMA synchronous = FULL"));
  {
    MAAS_ASSIGN_OR_RETURN(Stmt check, Stmt::prepare(*db, "PRAGMA quick_check(1)"));
    MAAS_ASSIGN_OR_RETURN(bool row, check.step());
    if (row && check.text_at(0) != "ok") {
      return data_loss("registry database '{}' is corrupt ({})", path, check.text_at(0));
    }
  }
  return db;
}

// Removes the installed artifact file unless the transaction that references it commits.
class InstalledFileGuard {
 public:
  InstalledFileGuard(const ArtifactStore& store, std::string sha256) : store_(store), sha256_(std::move(sha256)) {}
  ~InstalledFileGuard() {
    if (armed_) (void)store_.remove(sha256_);
  }
  void arm() { armed_ = true; }
  void disarm() { armed_ = false; }

 private:
  const ArtifactStore& store_;
  std::string sha256_;
  bool armed_ = false;
};

Status check_source_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return invalid_argument("cannot read '{}': {}", path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return invalid_argument("cannot import '{}': it is a directory", path);
  if (!S_ISREG(st.st_mode)) return invalid_argument("cannot import '{}': not a regular file", path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return invalid_argument("cannot read '{}': {}", path, std::strerror(errno));
  ::close(fd);
  return Status::ok();
}

Status check_import_request(const ImportRequest& r) {
  MAAS_RETURN_IF_ERROR(check_model_name(r.name));
  if (r.family.empty()) return invalid_argument("family must not be empty");
  if (r.format.empty()) return invalid_argument("format must not be empty");
  if (r.actor.empty()) return invalid_argument("actor must not be empty");
  if (!r.params.is_object()) return invalid_argument("params must be a JSON object");
  if (!r.tags.is_object()) return invalid_argument("tags must be a JSON object");
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<Registry>> Registry::open(RegistryOptions options) {
  if (options.data_dir.empty()) return invalid_argument("data directory must not be empty");
  if (!options.now_ms) options.now_ms = [] { return unix_millis(); };
  std::error_code ec;
  if (!std::filesystem::is_directory(options.data_dir, ec)) {
    Status made = make_dirs(options.data_dir);
    if (!made.is_ok()) return made;
  }
  MAAS_RETURN_IF_ERROR(check_writable_dir(options.data_dir));
  ArtifactStore artifacts(options.data_dir);
  MAAS_RETURN_IF_ERROR(artifacts.prepare());

  std::string path = (std::filesystem::path(options.data_dir) / "registry.db").string();
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, open_database(path));
  MAAS_RETURN_IF_ERROR(migrate(*db, -1, options.now_ms()));

  std::unique_ptr<Registry> registry(new Registry(std::move(options), std::move(db)));
  Status gc = registry->collect_garbage();
  if (!gc.is_ok()) log_event(LogLevel::kWarn, "registry_gc_failed", {{"error", gc.message()}});
  return registry;
}

Registry::Registry(RegistryOptions options, std::unique_ptr<Db> db)
    : options_(std::move(options)), artifacts_(options_.data_dir), db_(std::move(db)) {}

Registry::~Registry() = default;

std::string Registry::db_path() const { return db_->path(); }

int64_t Registry::now() const { return options_.now_ms(); }

void Registry::hook(std::string_view point) const {
  if (options_.test_hook) options_.test_hook(point);
}

// Runs under the database write lock, so no import can be between installing its file
// and committing its row while we look.
Status Registry::collect_garbage() {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  gc_report_ = GcReport{};
  gc_report_.abandoned_temps = artifacts_.remove_abandoned_temps();
  std::set<std::string> referenced;
  {
    MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "SELECT sha256 FROM artifacts WHERE purged_at_ms IS NULL"));
    for (;;) {
      MAAS_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      referenced.insert(s.text_at(0));
    }
  }
  for (const std::string& sha : artifacts_.list()) {
    if (referenced.count(sha)) continue;
    MAAS_RETURN_IF_ERROR(artifacts_.remove(sha));
    ++gc_report_.orphan_artifacts;
  }
  for (const std::string& sha : referenced) {
    if (!artifacts_.exists(sha)) gc_report_.missing_artifacts.push_back(sha);
  }
  MAAS_RETURN_IF_ERROR(tx->commit());
  if (gc_report_.abandoned_temps || gc_report_.orphan_artifacts) {
    log_event(LogLevel::kInfo, "registry_gc",
              {{"abandoned_temps", gc_report_.abandoned_temps}, {"orphan_artifacts", gc_report_.orphan_artifacts}});
  }
  for (const std::string& sha : gc_report_.missing_artifacts) {
    log_event(LogLevel::kError, "registry_artifact_missing", {{"sha256", sha}, {"path", artifacts_.absolute_path(sha)}});
  }
  return Status::ok();
}

Status Registry::insert_audit(const AuditEvent& e) {
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
                                              "INSERT INTO audit_events(time_ms, actor, model, version, action,"
                                              " from_stage, to_stage, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  s.bind_int(1, e.time_ms).bind_text(2, e.actor).bind_text(3, e.model).bind_text(5, e.action).bind_text(8, e.reason);
  if (e.version) s.bind_int(4, *e.version); else s.bind_null(4);
  if (!e.from_stage.empty()) s.bind_text(6, e.from_stage); else s.bind_null(6);
  if (!e.to_stage.empty()) s.bind_text(7, e.to_stage); else s.bind_null(7);
  return s.run();
}

Result<ImportResult> Registry::import_model(const ImportRequest& request, const Validator& validate) {
  std::lock_guard lock(mu_);
  MAAS_RETURN_IF_ERROR(check_import_request(request));
  MAAS_RETURN_IF_ERROR(check_source_file(request.path));
  if (validate) MAAS_RETURN_IF_ERROR(validate(request.path));

  MAAS_ASSIGN_OR_RETURN(TempArtifact temp, artifacts_.create_temp());
  MAAS_ASSIGN_OR_RETURN(std::string sha, copy_and_hash(request.path, temp.path()));
  struct stat st {};
  if (::stat(temp.path().c_str(), &st) != 0) return internal_error("cannot stat '{}': {}", temp.path(), std::strerror(errno));
  const int64_t size = st.st_size;
  hook("import:after_copy");

  const int64_t t = now();
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  int64_t model_id = 0;
  {
    Result<int64_t> found = rows::model_id(*db_, request.name);
    if (found.is_ok()) {
      model_id = *found;
    } else if (found.status().code() == Code::kNotFound) {
      MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_, "INSERT INTO models(name, created_at_ms) VALUES (?, ?)"));
      ins.bind_text(1, request.name).bind_int(2, t);
      MAAS_RETURN_IF_ERROR(ins.run());
      model_id = sqlite3_last_insert_rowid(db_->raw());
    } else {
      return found.status();
    }
  }
  {
    MAAS_ASSIGN_OR_RETURN(Stmt dup, Stmt::prepare(*db_, "SELECT version FROM versions WHERE model_id = ? AND sha256 = ?"));
    dup.bind_int(1, model_id).bind_text(2, sha);
    MAAS_ASSIGN_OR_RETURN(bool row, dup.step());
    if (row && request.reuse_existing) {
      const int64_t existing = dup.int_at(0);
      MAAS_RETURN_IF_ERROR(tx->commit());  // nothing was written; temp is removed by its destructor
      MAAS_ASSIGN_OR_RETURN(VersionInfo info, version_locked(model_id, existing));
      return ImportResult{std::move(info), true, true};
    }
    if (row) {
      return error(Code::kAlreadyExists, "model '{}' already has this file as version {} (sha256 {})", request.name,
                   dup.int_at(0), sha);
    }
  }
  bool artifact_reused = false;
  {
    MAAS_ASSIGN_OR_RETURN(Stmt known, Stmt::prepare(*db_, "SELECT 1 FROM artifacts WHERE sha256 = ?"));
    known.bind_text(1, sha);
    MAAS_ASSIGN_OR_RETURN(artifact_reused, known.step());
  }
  if (artifact_reused) {  // the bytes come back: a purged artifact is live again
    MAAS_ASSIGN_OR_RETURN(Stmt live, Stmt::prepare(*db_, "UPDATE artifacts SET purged_at_ms = NULL WHERE sha256 = ?"));
    live.bind_text(1, sha);
    MAAS_RETURN_IF_ERROR(live.run());
  } else {
    MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_,
                                                  "INSERT INTO artifacts(sha256, size_bytes, format, family, path,"
                                                  " created_at_ms) VALUES (?, ?, ?, ?, ?, ?)"));
    ins.bind_text(1, sha).bind_int(2, size).bind_text(3, request.format).bind_text(4, request.family);
    ins.bind_text(5, ArtifactStore::relative_path(sha)).bind_int(6, t);
    MAAS_RETURN_IF_ERROR(ins.run());
  }
  int64_t version = 0;
  {
    MAAS_ASSIGN_OR_RETURN(Stmt next, Stmt::prepare(*db_, "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE model_id = ?"));
    next.bind_int(1, model_id);
    MAAS_RETURN_IF_ERROR(next.step().status());
    version = next.int_at(0);
  }
  {
    MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_,
                                                  "INSERT INTO versions(model_id, version, sha256, family, format,"
                                                  " params_json, training_data_digest, tags_json, description, stage,"
                                                  " created_by, created_at_ms, stage_changed_at_ms, metrics_json)"
                                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'registered', ?, ?, ?, ?)"));
    ins.bind_int(1, model_id).bind_int(2, version).bind_text(3, sha).bind_text(4, request.family);
    ins.bind_text(5, request.format).bind_text(6, rows::to_json_text(request.params));
    ins.bind_text(7, request.training_data_digest).bind_text(8, rows::to_json_text(request.tags));
    ins.bind_text(9, request.description).bind_text(10, request.actor).bind_int(11, t).bind_int(12, t);
    ins.bind_text(13, rows::to_json_text(request.metrics.is_object() ? request.metrics : nlohmann::json::object()));
    MAAS_RETURN_IF_ERROR(ins.run());
  }
  MAAS_RETURN_IF_ERROR(insert_audit(AuditEvent{
      .time_ms = t,
      .actor = request.actor,
      .model = request.name,
      .version = version,
      .action = "import",
      .to_stage = stage_name(Stage::kRegistered),
      .reason = request.audit_reason.empty() ? fmt::format("imported '{}' ({} bytes, sha256 {})", request.path, size, sha)
                                             : request.audit_reason,
  }));

  // The file goes into place inside the transaction: a crash before COMMIT leaves an
  // unreferenced file (removed on the next open), never a row without its file.
  InstalledFileGuard guard(artifacts_, sha);
  if (!artifacts_.exists(sha)) {
    MAAS_RETURN_IF_ERROR(artifacts_.install(temp, sha));
    guard.arm();
  }
  hook("import:before_commit");
  MAAS_RETURN_IF_ERROR(tx->commit());
  guard.disarm();

  MAAS_ASSIGN_OR_RETURN(VersionInfo info, version_locked(model_id, version));
  return ImportResult{std::move(info), artifact_reused};
}

}  // namespace maas::registry
