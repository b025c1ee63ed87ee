// kill -9 at random moments while imports and transitions run; after every kill the
// registry opens, every artifact row has its file, every file has its row, every
// version has its import audit row, and no temp file survives.
#include <signal.h>
#include <sys/wait.h>

#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "registry/sqlite.h"
#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

std::set<std::string> column(Db& db, const char* sql) {
  std::set<std::string> out;
  Result<Stmt> s = Stmt::prepare(db, sql);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  if (!s.is_ok()) return out;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.is_ok() || !*row) break;
    out.insert(s->text_at(0));
  }
  return out;
}

void expect_consistent(const std::string& data) {
  auto reg = Registry::open(testing::options_for(data));  // runs recovery / GC
  ASSERT_TRUE(reg.is_ok()) << reg.status().message();
  reg->reset();
  auto db = Db::open(data + "/registry.db");
  ASSERT_TRUE(db.is_ok());
  std::set<std::string> rows = column(**db, "SELECT sha256 FROM artifacts");
  std::set<std::string> files;
  for (const std::string& f : testing::artifact_files(data)) {
    ASSERT_EQ(f.rfind("sha256/", 0), 0u) << "left over: " << f;
    files.insert(f.substr(f.rfind('/') + 1));
  }
  EXPECT_EQ(rows, files);
  EXPECT_EQ(column(**db, "SELECT m.name || ':' || v.version FROM versions v JOIN models m ON m.id = v.model_id"),
            column(**db, "SELECT model || ':' || version FROM audit_events WHERE action = 'import'"));
  EXPECT_TRUE(column(**db, "SELECT sha256 FROM versions WHERE sha256 NOT IN (SELECT sha256 FROM artifacts)").empty());
  // Every stage matches the last audit row that moved it.
  EXPECT_TRUE(column(**db,
                     "SELECT v.version FROM versions v JOIN models m ON m.id = v.model_id WHERE v.stage <> ("
                     " SELECT to_stage FROM audit_events a WHERE a.model = m.name AND a.version = v.version"
                     " AND a.to_stage IS NOT NULL ORDER BY a.id DESC LIMIT 1)")
                  .empty());
}

TEST(KillAnywhere, RandomSigkillsDuringImportsAndTransitions) {
  TempDir dir;
  const std::string data = dir / "data";
  std::mt19937 rng(12345);
  int killed = 0;
  for (int round = 0; round < 16; ++round) {
    // New bytes every round (so each import really commits a version), large enough
    // that copy + fsync take a while, so the kill lands in every phase over the rounds.
    std::vector<std::string> files;
    for (int i = 0; i < 4; ++i) {
      files.push_back(dir / fmt::format("r{}-{}.gguf", round, i));
      testing::write_bytes(files.back(), testing::fake_gguf(fmt::format("{}-{}", round, i) + std::string(1 << 20, 'x')));
    }
    pid_t pid = ::fork();
    if (pid == 0) {
      auto r = Registry::open(testing::options_for(data));
      if (!r.is_ok()) ::_exit(2);
      for (size_t i = 0; i < files.size(); ++i) {
        ImportRequest req;
        req.path = files[i];
        req.name = "m" + std::to_string(i % 2);
        Result<ImportResult> imported = (*r)->import_model(req, testing::gguf_magic_validator);
        if (imported.is_ok()) {
          (void)(*r)->transition(req.name, imported->version.version, Stage::kTesting, "cli", "");
        }
      }
      ::_exit(0);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30000)(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status);
    expect_consistent(data);
    if (std::getenv("MAAS_TEST_VERBOSE")) {
      auto r = Registry::open(testing::options_for(data));
      size_t versions = 0;
      std::vector<ModelSummary> models = *(*r)->list_models();
      for (const auto& m : models) versions += m.stages.size();
      std::fprintf(stderr, "round %d: %s, %zu versions\n", round, WIFSIGNALED(status) ? "killed" : "finished", versions);
    }
    for (const std::string& f : files) std::filesystem::remove(f);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(killed, 0);
}

}  // namespace
}  // namespace maas::registry
