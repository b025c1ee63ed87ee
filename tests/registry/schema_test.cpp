// Schema migrations on real SQLite files.
#include <gtest/gtest.h>

#include "registry/schema.h"
#include "registry/sqlite.h"
#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

int64_t count(Db& db, const char* sql) {
  Result<Stmt> s = Stmt::prepare(db, sql);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  Result<bool> row = s->step();
  EXPECT_TRUE(row.is_ok() && *row);
  return s->int_at(0);
}

std::string text(Db& db, const char* sql) {
  Result<Stmt> s = Stmt::prepare(db, sql);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  Result<bool> row = s->step();
  EXPECT_TRUE(row.is_ok() && *row);
  return s->text_at(0);
}

TEST(Schema, MigratesFromEmptyAndAgainIsANoOp) {
  TempDir dir;
  auto db = Db::open(dir / "r.db");
  ASSERT_TRUE(db.is_ok());
  EXPECT_EQ(*schema_version(**db), 0);
  ASSERT_TRUE(migrate(**db, -1, 111).is_ok());
  const int latest = migrations().back().version;
  EXPECT_EQ(*schema_version(**db), latest);
  EXPECT_EQ(count(**db, "SELECT COUNT(*) FROM schema_version"), latest);
  for (const char* table : {"models", "versions", "artifacts", "audit_events", "aliases", "traffic"}) {
    Result<Stmt> s = Stmt::prepare(**db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    s->bind_text(1, table);
    ASSERT_TRUE(*s->step());
    EXPECT_EQ(s->int_at(0), 1) << table;
  }
  ASSERT_TRUE(migrate(**db, -1, 222).is_ok());
  EXPECT_EQ(count(**db, "SELECT COUNT(*) FROM schema_version"), latest);
  EXPECT_EQ(count(**db, "SELECT MAX(applied_at_ms) FROM schema_version"), 111);
}

TEST(Schema, UpgradesAnOlderDatabaseStepByStep) {
  TempDir dir;
  auto db = Db::open(dir / "r.db");
  ASSERT_TRUE(migrate(**db, 1, 5).is_ok());
  EXPECT_EQ(*schema_version(**db), 1);
  EXPECT_FALSE(Stmt::prepare(**db, "SELECT sunset_at_ms FROM versions").is_ok());
  ASSERT_TRUE(migrate(**db, -1, 6).is_ok());
  EXPECT_EQ(*schema_version(**db), migrations().back().version);
  EXPECT_TRUE(Stmt::prepare(**db, "SELECT sunset_at_ms, successor FROM versions").is_ok());
  EXPECT_EQ(count(**db, "SELECT applied_at_ms FROM schema_version WHERE version = 2"), 6);
}

TEST(Schema, RefusesADatabaseFromANewerMaas) {
  TempDir dir;
  auto db = Db::open(dir / "r.db");
  ASSERT_TRUE(migrate(**db).is_ok());
  ASSERT_TRUE((*db)->exec("INSERT INTO schema_version VALUES (99, 'future', 0)").is_ok());
  Status s = migrate(**db);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.message(), fmt::format("registry database '{}' has schema version 99, newer than this maas knows ({}); "
                                     "upgrade maas", dir / "r.db", migrations().back().version));
}

TEST(Schema, AuditEventsAreAppendOnly) {
  TempDir dir;
  auto db = Db::open(dir / "r.db");
  ASSERT_TRUE(migrate(**db).is_ok());
  ASSERT_TRUE((*db)->exec("INSERT INTO audit_events(time_ms, actor, model, action) VALUES (1, 'cli', 'm', 'import')").is_ok());
  Status update = (*db)->exec("UPDATE audit_events SET actor = 'mallory'");
  EXPECT_FALSE(update.is_ok());
  EXPECT_NE(update.message().find("append-only"), std::string::npos) << update.message();
  EXPECT_FALSE((*db)->exec("DELETE FROM audit_events").is_ok());
  EXPECT_EQ(text(**db, "SELECT actor FROM audit_events"), "cli");
}

TEST(Schema, RegistryOpenUsesWalAndReopeningChangesNothing) {
  TempDir dir;
  {
    auto r = Registry::open(testing::options_for(dir.path()));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  {
    auto r = Registry::open(testing::options_for(dir.path()));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }
  auto db = Db::open(dir / "registry.db");
  EXPECT_EQ(text(**db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(count(**db, "SELECT COUNT(*) FROM schema_version"), migrations().back().version);
  EXPECT_EQ(count(**db, "SELECT COUNT(*) FROM models"), 0);
}

}  // namespace
}  // namespace maas::registry
