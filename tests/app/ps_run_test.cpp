// Ollama-style habits: `maas ps` lists what a running server has loaded; `maas run NAME`
// takes a registry name as well as a file.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
const std::string kStory40 =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
    "One day, she saw a big, red ball.\n";

void wait_ready(const ServerProcess& server) {
  httplib::Client c("127.0.0.1", server.port());
  for (int i = 0; i < 600; ++i) {
    if (auto r = c.Get("/readyz"); r && r->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "not ready: " << server.log();
}

TEST(Ps, ListsTheLoadedModelsOfARunningServer) {
  TempDir dir;
  ServerProcess server(dir.path(), {}, {kWithDefaultModel});
  ASSERT_TRUE(server.started()) << server.log();
  wait_ready(server);

  CommandResult table = run_maas({"ps", "--url", server.base_url()});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("MODEL ", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("tiny-stories:1  llm     ready  11.7 MB  0       0/16"), std::string::npos) << table.out;

  CommandResult raw = run_maas({"ps", "--json"}, {"MAAS_URL=" + server.base_url()});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  json loaded = json::parse(raw.out);
  ASSERT_EQ(loaded["data"].size(), 1u) << loaded;
  EXPECT_EQ(loaded["data"][0]["model"], "tiny-stories:1");
  EXPECT_EQ(loaded["data"][0]["state"], "ready");
  EXPECT_EQ(loaded["data"][0]["stats"]["max_sequences"], 16);
}

TEST(Ps, EmptyServerSaysSo) {
  TempDir dir;
  ServerProcess server(dir.path());
  ASSERT_TRUE(server.started()) << server.log();
  CommandResult r = run_maas({"ps", "--url", server.base_url()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no model is loaded (models load at start with --model, or on their first request)\n");
}

TEST(Ps, KeysAndUnreachableServersAreOneLineErrors) {
  TempDir dir;
  CommandResult key = run_maas({"keys", "create", "--name", "admin", "--role", "admin", "--data-dir", dir.path()});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  const std::string secret = key.out.substr(key.out.rfind("maas-"), 69);
  ServerProcess server(dir.path(), {"--model", "stories=" + kStories});
  ASSERT_TRUE(server.started()) << server.log();
  wait_ready(server);

  CommandResult refused = run_maas({"ps", "--url", server.base_url()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err.rfind("maas: " + server.base_url() + " answered 401 on /admin/v1/loaded: ", 0), 0u)
      << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;

  CommandResult with_flag = run_maas({"ps", "--url", server.base_url(), "--api-key", secret});
  ASSERT_EQ(with_flag.exit_code, 0) << with_flag.err;
  EXPECT_NE(with_flag.out.find("stories:1"), std::string::npos) << with_flag.out;
  CommandResult with_env = run_maas({"ps", "--url", server.base_url()}, {"MAAS_API_KEY=" + secret});
  ASSERT_EQ(with_env.exit_code, 0) << with_env.err;
  EXPECT_EQ(with_env.out, with_flag.out);

  ASSERT_EQ(server.signal_and_wait(SIGTERM), 0);
  CommandResult gone = run_maas({"ps", "--url", server.base_url()});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(gone.err.rfind("maas: cannot reach maas at " + server.base_url() + ": ", 0), 0u) << gone.err;
  EXPECT_EQ(std::count(gone.err.begin(), gone.err.end(), '\n'), 1) << gone.err;
  CommandResult bad_url = run_maas({"ps", "--url", "ftp://127.0.0.1:1"});
  EXPECT_EQ(bad_url.exit_code, 1);
  EXPECT_EQ(bad_url.err, "maas: --url 'ftp://127.0.0.1:1' is not an http:// or https:// URL\n");
}

TEST(RunName, RunsARegisteredModelByNameOrVersion) {
  TempDir dir;
  CommandResult imported = run_maas({"models", "import", kStories, "--name", "stories", "--data-dir", dir.path()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  for (const std::string ref : {"stories", "stories:1"}) {
    CommandResult r = run_maas({"run", ref, "-p", "Once upon a time", "-n", "40", "--temp", "0", "-t", "1",
                                "--data-dir", dir.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, kStory40) << ref;
  }
  CommandResult by_env = run_maas({"run", "stories", "-p", "Once upon a time", "-n", "40", "--temp", "0", "-t", "1"},
                                  {"MAAS_DATA_DIR=" + dir.path()});
  ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_EQ(by_env.out, kStory40);

  CommandResult unknown = run_maas({"run", "nope", "-p", "x", "--data-dir", dir.path()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err.rfind("maas: 'nope' is neither a file nor a model in the registry at '" + dir.path() + "'", 0),
            0u)
      << unknown.err;
  CommandResult no_version = run_maas({"run", "stories:7", "-p", "x", "--data-dir", dir.path()});
  EXPECT_EQ(no_version.exit_code, 1);
  EXPECT_NE(no_version.err.find("has no version 7"), std::string::npos) << no_version.err;
  CommandResult no_registry = run_maas({"run", "stories", "-p", "x", "--data-dir", dir.file("missing")});
  EXPECT_EQ(no_registry.exit_code, 1);
  EXPECT_NE(no_registry.err.find("no registry at '" + dir.file("missing") + "'"), std::string::npos) << no_registry.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing"))) << "a failed run creates no registry";
}

}  // namespace
}  // namespace maas::testing
