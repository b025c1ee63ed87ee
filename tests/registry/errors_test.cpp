// Broken or unwritable registries give a clear Status, never a crash.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

Status open_status(const std::string& data_dir) {
  return Registry::open(testing::options_for(data_dir)).status();
}

// A registry with one imported model, closed again.
void make_registry(const std::string& data_dir) {
  auto r = Registry::open(testing::options_for(data_dir));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ImportRequest req;
  req.path = testing::kStories;
  req.name = "stories";
  ASSERT_TRUE((*r)->import_model(req, testing::gguf_magic_validator).is_ok());
}

TEST(RegistryErrors, AFileThatIsNotSqliteIsDataLoss) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  testing::write_bytes(dir / "data/registry.db", std::string(8192, 'x'));
  Status s = open_status(dir / "data");
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_EQ(s.message(), "registry database '" + (dir / "data/registry.db") + "' is not a valid SQLite database");
}

TEST(RegistryErrors, ADamagedDatabaseIsDataLoss) {
  TempDir dir;
  make_registry(dir / "data");
  const std::string db = dir / "data/registry.db";
  const auto size = std::filesystem::file_size(db);
  ASSERT_GT(size, 8192u);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);  // page 2 onwards: table b-trees
    std::string junk(size - 4096, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  Status s = open_status(dir / "data");
  EXPECT_EQ(s.code(), Code::kDataLoss) << s.message();
  EXPECT_EQ(s.message().rfind("registry database '" + db + "' is corrupt", 0), 0u) << s.message();
}

TEST(RegistryErrors, AReadOnlyDatabaseFileIsRefusedClearly) {
  TempDir dir;
  const std::string data = dir / "data";
  make_registry(data);
  testing::give_to_nobody(data);
  ASSERT_EQ(::chmod((data + "/registry.db").c_str(), 0444), 0);
  testing::ChildOutcome child = testing::run_in_child(
      [&] {
        Status s = open_status(data);
        return std::string(code_name(s.code())) + ": " + s.message();
      },
      /*unprivileged=*/true);
  ASSERT_TRUE(child.exited);
  EXPECT_EQ(child.output,
            std::string(code_name(Code::kFailedPrecondition)) + ": registry database '" + data + "/registry.db' is read-only");
}

TEST(RegistryErrors, AReadOnlyDataDirIsRefusedClearly) {
  TempDir dir;
  const std::string data = dir / "data";
  make_registry(data);
  testing::give_to_nobody(data);
  ASSERT_EQ(::chmod(data.c_str(), 0555), 0);
  testing::ChildOutcome child = testing::run_in_child(
      [&] {
        Status s = open_status(data);
        return std::string(code_name(s.code())) + ": " + s.message();
      },
      /*unprivileged=*/true);
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  ASSERT_TRUE(child.exited);
  EXPECT_EQ(child.output,
            std::string(code_name(Code::kFailedPrecondition)) + ": data directory '" + data + "' is read-only");
}

TEST(RegistryErrors, ADataDirThatIsAFileIsRefused) {
  TempDir dir;
  testing::write_bytes(dir / "file", "x");
  Status s = open_status(dir / "file");
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find(dir / "file"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace maas::registry
