// Thin RAII layer over the SQLite C API: one connection, prepared statements whose
// values are always bound parameters, and an IMMEDIATE transaction guard. Every SQLite
// error becomes a Status that names the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace maas::registry {

class Db {
 public:
  // Opens (creating if missing) read-write. A file the process may not write opens
  // read-only in SQLite; callers check read_only().
  static Result<std::unique_ptr<Db>> open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }
  bool read_only() const;

  // Runs constant SQL (DDL, pragmas without values). Never pass values here.
  Status exec(const char* sql);

  // Turns a SQLite result code into a Status: "not a valid SQLite database",
  // "read-only", "busy", ... each naming the file. `what` says what was being done.
  Status status_for(int rc, std::string_view what) const;

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  static Result<Stmt> prepare(Db& db, const char* sql);
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite. A failed bind is reported by step()/run().
  Stmt& bind_int(int index, int64_t value);
  Stmt& bind_real(int index, double value);
  Stmt& bind_text(int index, std::string_view value);
  Stmt& bind_null(int index);

  // True while there is a row to read, false when done.
  Result<bool> step();
  // Steps to completion (for INSERT/UPDATE/DELETE).
  Status run();
  void reset();

  int64_t int_at(int column) const;
  double real_at(int column) const;
  std::string text_at(int column) const;
  bool null_at(int column) const;

 private:
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void note_bind(int rc);
  Db* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so two writers never
// deadlock on upgrade); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> begin(Db& db);
  // A deferred (read) transaction: several SELECTs see one consistent snapshot.
  static Result<std::unique_ptr<Transaction>> begin_read(Db& db);
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
  bool done_ = false;
};

}  // namespace maas::registry
