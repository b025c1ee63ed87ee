#include "registry/sqlite.h"

namespace maas::registry {

Result<std::unique_ptr<Db>> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Db> db(new Db(raw, path));
  if (rc != SQLITE_OK) return db->status_for(rc, "opening");
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

bool Db::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

Status Db::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return status_for(rc, "executing statement");
  return Status::ok();
}

Status Db::status_for(int rc, std::string_view what) const {
  std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return data_loss("registry database '{}' is not a valid SQLite database", path_);
    case SQLITE_CORRUPT:
      return data_loss("registry database '{}' is corrupt ({})", path_, detail);
    case SQLITE_READONLY:
      return error(Code::kFailedPrecondition, "registry database '{}' is read-only", path_);
    case SQLITE_CANTOPEN:
      return error(Code::kFailedPrecondition, "cannot open registry database '{}': {}", path_, detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return error(Code::kUnavailable, "registry database '{}' is busy (locked by another process)", path_);
    case SQLITE_FULL:
      return error(Code::kResourceExhausted, "registry database '{}': disk full", path_);
    case SQLITE_CONSTRAINT:
      return error(Code::kFailedPrecondition, "registry database '{}': {}: {}", path_, what, detail);
    default:
      return internal_error("registry database '{}': {}: {}", path_, what, detail);
  }
}

Result<Stmt> Stmt::prepare(Db& db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db.raw(), sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return db.status_for(rc, "preparing statement");
  return Stmt(&db, stmt);
}

Stmt::Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Stmt::~Stmt() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Stmt::note_bind(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Stmt& Stmt::bind_int(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Stmt& Stmt::bind_real(int index, double value) {
  note_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Stmt& Stmt::bind_text(int index, std::string_view value) {
  note_bind(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Stmt::step() {
  if (bind_rc_ != SQLITE_OK) return db_->status_for(bind_rc_, "binding a parameter");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->status_for(rc, "running statement");
}

Status Stmt::run() {
  for (;;) {
    MAAS_ASSIGN_OR_RETURN(bool row, step());
    if (!row) return Status::ok();
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

int64_t Stmt::int_at(int column) const { return sqlite3_column_int64(stmt_, column); }
double Stmt::real_at(int column) const { return sqlite3_column_double(stmt_, column); }
bool Stmt::null_at(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::string Stmt::text_at(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<Transaction>> Transaction::begin(Db& db) {
  MAAS_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(&db));
}

Result<std::unique_ptr<Transaction>> Transaction::begin_read(Db& db) {
  MAAS_RETURN_IF_ERROR(db.exec("BEGIN"));
  return std::unique_ptr<Transaction>(new Transaction(&db));
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_->raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
  Status s = db_->exec("COMMIT");
  if (s.is_ok()) done_ = true;
  return s;
}

}  // namespace maas::registry
