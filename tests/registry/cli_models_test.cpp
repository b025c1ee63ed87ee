// `maas models import|list|show` through the real binary.
#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "registry_test_util.h"

namespace maas::registry {
namespace {

using maas::testing::CommandResult;
using maas::testing::run_maas;

class CliModelsTest : public ::testing::Test {
 protected:
  CommandResult maas(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_);
    return run_maas(args);
  }
  testing::TempDir dir_;
  std::string data_ = dir_ / "data";
};

TEST_F(CliModelsTest, ImportListShow) {
  CommandResult imported = maas({"models", "import", testing::kStories, "--name", "stories"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out.rfind("imported stories version 1 (llm, 1.2 MB, sha256 ", 0), 0u) << imported.out;
  EXPECT_NE(imported.out.find("stage registered"), std::string::npos);

  CommandResult list = maas({"models", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.rfind("NAME     LATEST  PRODUCTION  STAGES        FAMILY  SIZE    CREATED\n"
                           "stories  1       -           1:registered  llm     1.2 MB  ", 0),
            0u)
      << list.out;

  CommandResult show = maas({"models", "show", "stories"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("1        registered  llm     gguf    1.2 MB"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("import  -     registered  imported '" + testing::kStories + "'"), std::string::npos)
      << show.out;

  CommandResult json = maas({"models", "show", "stories", "--json"});
  ASSERT_EQ(json.exit_code, 0);
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["versions"][0]["stage"], "registered");
  EXPECT_EQ(j["versions"][0]["size_bytes"], std::filesystem::file_size(testing::kStories));
}

TEST_F(CliModelsTest, DataDirComesFromTheEnvironment) {
  CommandResult imported = run_maas({"models", "import", testing::kStories, "--name", "s"}, {"MAAS_DATA_DIR=" + data_});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(std::filesystem::exists(data_ + "/registry.db"));
  CommandResult list = run_maas({"models", "list", "--json"}, {"MAAS_DATA_DIR=" + data_});
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 1u);
}

TEST_F(CliModelsTest, ErrorsAreOneLineAndNonZero) {
  const std::string text = dir_ / "notes.txt";
  testing::write_bytes(text, "hello, not a model");
  struct Case {
    std::vector<std::string> args;
    std::string err_contains;
  } cases[] = {
      {{"models", "import", text, "--name", "notes"}, "is not a model file any family reads (families: llm"},
      {{"models", "import", dir_ / "missing.gguf", "--name", "m"}, "is not a readable file"},
      {{"models", "import", testing::kStories, "--name", "bad name"}, "model name 'bad name' may contain only"},
      {{"models", "import", testing::kStories, "--name", "m", "--family", "nope"}, "unknown model family 'nope'"},
      {{"models", "show", "nope"}, "model 'nope' not found"},
  };
  for (const Case& c : cases) {
    CommandResult r = maas(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.err_contains;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("maas: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.err_contains), std::string::npos) << r.err;
  }
  ASSERT_EQ(maas({"models", "import", testing::kStories, "--name", "m"}).exit_code, 0);
  CommandResult dup = maas({"models", "import", testing::kStories, "--name", "m"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("model 'm' already has this file as version 1"), std::string::npos) << dup.err;
  // Nothing from the failed imports is left: one model, one artifact file.
  EXPECT_EQ(nlohmann::json::parse(maas({"models", "list", "--json"}).out).size(), 1u);
  EXPECT_EQ(testing::artifact_files(data_).size(), 1u);
}

TEST_F(CliModelsTest, LifecycleCommandsAreAudited) {
  ASSERT_EQ(maas({"models", "import", testing::kStories, "--name", "s"}).exit_code, 0);
  CommandResult t = maas({"models", "transition", "s:1", "testing", "--reason", "evaluate"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.out, "s version 1 is now testing\n");
  ASSERT_EQ(maas({"models", "transition", "s:1", "staging"}).exit_code, 0);
  CommandResult illegal = maas({"models", "retire", "s:1"});
  EXPECT_EQ(illegal.exit_code, 1);
  EXPECT_EQ(illegal.err, "maas: model 's' version 1: cannot move from staging to retired; legal from staging: production\n");
  ASSERT_EQ(maas({"models", "promote", "s:1", "--actor", "bob"}).exit_code, 0);
  ASSERT_EQ(maas({"models", "deprecate", "s:1", "--sunset", "2030-01-01"}).exit_code, 0);
  CommandResult rollback = maas({"models", "rollback", "s"});
  EXPECT_EQ(rollback.exit_code, 1);
  EXPECT_EQ(rollback.err, "maas: cannot roll back model 's': it has no production version\n");
  EXPECT_EQ(maas({"models", "transition", "s", "testing"}).err,
            "maas: 's' names no version; write NAME:VERSION (e.g. s:1)\n");

  nlohmann::json history = nlohmann::json::parse(maas({"models", "history", "s", "--json"}).out);
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[1]["reason"], "evaluate");
  EXPECT_EQ(history[1]["from_stage"], "registered");
  EXPECT_EQ(history[3]["actor"], "bob");
  EXPECT_EQ(history[3]["to_stage"], "production");
  EXPECT_EQ(history[4]["to_stage"], "deprecated");
  nlohmann::json show = nlohmann::json::parse(maas({"models", "show", "s", "--json"}).out);
  EXPECT_EQ(show["versions"][0]["sunset_at"], "2030-01-01T00:00:00Z");
}

TEST_F(CliModelsTest, ListingAMissingRegistryCreatesNothing) {
  CommandResult list = maas({"models", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out, "no models yet; add one with: maas models import FILE --name NAME\n");
  EXPECT_FALSE(std::filesystem::exists(data_));
}

TEST_F(CliModelsTest, ACorruptRegistryIsOneClearLine) {
  std::filesystem::create_directories(data_);
  testing::write_bytes(data_ + "/registry.db", std::string(4096, 'z'));
  CommandResult r = maas({"models", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "maas: registry database '" + data_ + "/registry.db' is not a valid SQLite database\n");
}

}  // namespace
}  // namespace maas::registry
