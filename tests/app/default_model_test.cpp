// The first run: `maas serve` on an empty data dir registers the repository's
// models/stories260K.gguf as `tiny-stories` and answers with it; --no-default-model (or
// its environment variable or settings line) starts empty; a registry that has models is
// left alone. The start-up banner says where, what, keys and data.
#include <httplib.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

// models/README.md: greedy continuation of "Once upon a time" (30 tokens).
const std::string kReference = ", there was a little girl named Lily. She loved to play outside in the park. One day,";
const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

struct Answer {
  int status = 0;
  json body;
};

Answer call(const ServerProcess& server, const std::string& method, const std::string& path, const json& body = {},
            const std::string& key = "") {
  httplib::Client c("127.0.0.1", server.port());
  c.set_read_timeout(60);
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  auto r = method == "GET" ? c.Get(path, headers) : c.Post(path, headers, body.dump(), "application/json");
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

std::vector<std::string> model_ids(const ServerProcess& server, const std::string& key = "") {
  std::vector<std::string> ids;
  Answer list = call(server, "GET", "/v1/models", {}, key);
  EXPECT_EQ(list.status, 200) << list.body;
  for (const json& m : list.body["data"]) ids.push_back(m["id"]);
  return ids;
}

TEST(DefaultModel, EmptyRegistryAnswersFromTinyStories) {
  TempDir dir;
  ServerProcess server(dir.file("data"), {}, {kWithDefaultModel});
  ASSERT_TRUE(server.started()) << server.log();
  EXPECT_EQ(model_ids(server), std::vector<std::string>{"tiny-stories"});

  Answer completion = call(server, "POST", "/v1/completions",
                           {{"model", "tiny-stories"}, {"prompt", "Once upon a time"}, {"max_tokens", 30}, {"temperature", 0}});
  ASSERT_EQ(completion.status, 200) << completion.body;
  EXPECT_EQ(completion.body["choices"][0]["text"], kReference);
  EXPECT_EQ(completion.body["usage"]["completion_tokens"], 30);

  Answer chat = call(server, "POST", "/v1/chat/completions",
                     {{"model", "tiny-stories"},
                      {"messages", {{{"role", "user"}, {"content", "Tell me a story"}}}},
                      {"max_tokens", 12},
                      {"temperature", 0}});
  ASSERT_EQ(chat.status, 200) << chat.body;
  EXPECT_EQ(chat.body["model"], "tiny-stories");
  EXPECT_EQ(chat.body["choices"][0]["message"]["role"], "assistant");
  EXPECT_FALSE(chat.body["choices"][0]["message"]["content"].get<std::string>().empty()) << chat.body;
  EXPECT_EQ(chat.body["usage"]["completion_tokens"], 12);

  // The banner: where, what, keys (not required yet, how to create the first), data.
  const std::string log = server.log();
  EXPECT_NE(log.find("maas is serving on http://127.0.0.1:" + std::to_string(server.port()) + "\n"), std::string::npos)
      << log;
  EXPECT_NE(log.find("tiny-stories:1 (built-in default"), std::string::npos) << log;
  EXPECT_NE(log.find("not required while none exists"), std::string::npos) << log;
  EXPECT_NE(log.find("keys create --name admin --role admin --data-dir " + dir.file("data") + "\n"), std::string::npos)
      << log;
  EXPECT_NE(log.find("data    " + dir.file("data") + " (registry " + dir.file("data") + "/"), std::string::npos) << log;
  EXPECT_NE(log.find("\"model\":\"tiny-stories\",\"prompt\":\"Once upon a time\""), std::string::npos) << log;
  ASSERT_EQ(server.signal_and_wait(SIGTERM), 0);

  // A second start finds the model registered and adds nothing; it still answers.
  ServerProcess again(dir.file("data"), {}, {kWithDefaultModel});
  ASSERT_TRUE(again.started()) << again.log();
  EXPECT_EQ(again.log().find("default_model_registered"), std::string::npos) << again.log();
  EXPECT_NE(again.log().find("tiny-stories (registered; each loads on its first request)"), std::string::npos)
      << again.log();
  Answer repeat = call(again, "POST", "/v1/completions",
                       {{"model", "tiny-stories"}, {"prompt", "Once upon a time"}, {"max_tokens", 30}, {"temperature", 0}});
  ASSERT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(repeat.body["choices"][0]["text"], kReference);
  CommandResult listed = run_maas({"models", "list", "--json", "--data-dir", dir.file("data")});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  json models = json::parse(listed.out);
  ASSERT_EQ(models.size(), 1u) << models;
  EXPECT_EQ(models[0]["name"], "tiny-stories");
  EXPECT_EQ(models[0]["latest_version"], 1);
}

TEST(DefaultModel, NoDefaultModelStartsEmpty) {
  TempDir dir;
  std::ofstream(dir.file("maas.conf")) << "no-default-model = true\n";
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> ways = {
      {{"--no-default-model"}, {kWithDefaultModel}},              // flag
      {{}, {"MAAS_NO_DEFAULT_MODEL=1"}},                          // environment
      {{"--config", dir.file("maas.conf")}, {kWithDefaultModel}},  // settings file
  };
  for (const auto& [args, env] : ways) {
    TempDir data;
    ServerProcess server(data.path(), args, env);
    ASSERT_TRUE(server.started()) << server.log();
    EXPECT_TRUE(model_ids(server).empty()) << (args.empty() ? env[0] : args[0]);
    EXPECT_EQ(server.log().find("default_model_registered"), std::string::npos);
    EXPECT_NE(server.log().find("  models  none: import one with"), std::string::npos) << server.log();
    Answer missing = call(server, "POST", "/v1/completions", {{"model", "tiny-stories"}, {"prompt", "Once"}});
    EXPECT_EQ(missing.status, 404) << missing.body;
  }
}

TEST(DefaultModel, RegistryWithModelsIsLeftAlone) {
  TempDir dir;
  CommandResult imported = run_maas({"models", "import", kStories, "--name", "mine", "--data-dir", dir.path()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult key = run_maas({"keys", "create", "--name", "admin", "--role", "admin", "--data-dir", dir.path()});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  std::string secret = key.out.substr(key.out.rfind("maas-"), 69);

  ServerProcess server(dir.path(), {}, {kWithDefaultModel});
  ASSERT_TRUE(server.started()) << server.log();
  EXPECT_EQ(model_ids(server, secret), std::vector<std::string>{"mine"});
  EXPECT_EQ(server.log().find("default_model_registered"), std::string::npos) << server.log();
  // The banner: the registry's model, keys required, a try line with the header.
  EXPECT_NE(server.log().find("  models  mine (registered"), std::string::npos) << server.log();
  EXPECT_NE(server.log().find("  keys    required: send 'Authorization: Bearer maas-...' (1 active key;"),
            std::string::npos)
      << server.log();
  EXPECT_NE(server.log().find("/v1/models -H \"Authorization: Bearer $MAAS_KEY\""), std::string::npos) << server.log();
}

// --model names the models to serve: the default is not added beside them.
TEST(DefaultModel, ModelFlagTakesItsPlace) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--model", "stories=" + kStories}, {kWithDefaultModel});
  ASSERT_TRUE(server.started()) << server.log();
  EXPECT_EQ(model_ids(server), std::vector<std::string>{"stories"});
  EXPECT_NE(server.log().find("  model   stories:1, loading"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace maas::testing
