// textclf served end to end by a real `maas serve`: two trained versions imported
// through the admin API, promoted, split 50/50 by the traffic table (sticky per user),
// /v1/classifications (one text or many; every label's probability) and
// /v1/explanations (weights that add up to the logit difference), with OpenAI error
// bodies for bad inputs.
#include <httplib.h>

#include <cmath>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "text/textclf/textclf_family.h"
#include "text/textclf_data.h"

namespace maas::text {
namespace {

using maas::testing::ServerProcess;
using maas::testing::TempDir;
using nlohmann::json;

// One server for the suite (training two versions and starting it is most of the time).
class TextClfServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir = new TempDir();
    const auto split = testing::write_sentiment_split(dir->path());
    NullTrainMonitor monitor;
    auto family = make_textclf_family();
    // Version 1: words only; version 2: words and word pairs (another model, other probabilities).
    const std::vector<json> options = {{{"validation", 0.0}, {"ngrams", {1, 1}}}, {{"validation", 0.0}}};
    server = new ServerProcess(dir->file("data"));
    ASSERT_TRUE(server->started());
    cli = new httplib::Client("127.0.0.1", server->port());
    cli->set_read_timeout(30);
    train_path = split.train_path;
    for (size_t v = 0; v < options.size(); ++v) {
      const std::string path = dir->file("v" + std::to_string(v + 1) + ".gguf");
      ASSERT_TRUE(family->train(TrainSpec{split.train_path, testing::train_options(options[v]), path, &monitor}).is_ok());
      auto imported = post("/admin/v1/models", {{"path", path}, {"name", "sentiment"}});
      ASSERT_EQ(imported.first, 201) << imported.second;
      ASSERT_EQ(imported.second["version"], static_cast<int>(v + 1));
      promote(static_cast<int>(v + 1));
    }
  }

  static void TearDownTestSuite() {
    delete cli;
    delete server;
    delete dir;
  }
  void SetUp() override { ASSERT_TRUE(server && server->started()); }

  static std::pair<int, json> post(const std::string& path, const json& body, std::string* version = nullptr) {
    auto r = cli->Post(path, body.dump(), "application/json");
    if (!r) return {0, json()};
    if (version) *version = r->get_header_value("X-Maas-Model-Version");
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  static void promote(int v) {
    const std::string base = "/admin/v1/models/sentiment/versions/" + std::to_string(v);
    for (const char* stage : {"testing", "staging"})
      ASSERT_EQ(post(base + "/transition", {{"to", stage}, {"reason", "test"}}).first, 200);
    ASSERT_EQ(post(base + "/promote", {{"reason", "test"}}).first, 200);
  }

  static inline std::string train_path;
  static inline TempDir* dir = nullptr;
  static inline ServerProcess* server = nullptr;
  static inline httplib::Client* cli = nullptr;
};

TEST_F(TextClfServer, ClassifiesOneTextOrManyWithEveryLabelsProbability) {
  auto one = post("/v1/classifications", {{"model", "sentiment:2"}, {"input", "A wonderful, moving film."}});
  ASSERT_EQ(one.first, 200) << one.second;
  ASSERT_EQ(one.second["data"].size(), 1u);
  EXPECT_EQ(one.second["data"][0]["label"], "1");
  const json& p = one.second["data"][0]["probabilities"];
  EXPECT_NEAR(p["0"].get<double>() + p["1"].get<double>(), 1.0, 1e-9);
  EXPECT_GT(p["1"].get<double>(), 0.5);

  auto many = post("/v1/classifications",
                   {{"model", "sentiment:2"}, {"input", {"Great phone, works perfectly.", "Terrible. Broke after a day.", ""}}});
  ASSERT_EQ(many.first, 200) << many.second;
  ASSERT_EQ(many.second["data"].size(), 3u);
  EXPECT_EQ(many.second["data"][0]["label"], "1");
  EXPECT_EQ(many.second["data"][1]["label"], "0");
  EXPECT_EQ(many.second["data"][2]["probabilities"].size(), 2u);
}

TEST_F(TextClfServer, BadInputsGetOpenAiErrors) {
  auto number = post("/v1/classifications", {{"model", "sentiment"}, {"input", {"fine", 7}}});
  EXPECT_EQ(number.first, 400) << number.second;
  EXPECT_EQ(number.second["error"]["param"], "input[1]");
  EXPECT_NE(number.second["error"]["message"].get<std::string>().find("input[1]"), std::string::npos);
  auto unknown = post("/v1/explanations", {{"model", "sentiment"}, {"input", "fine"}, {"foo", 1}});
  EXPECT_EQ(unknown.first, 400) << unknown.second;
  EXPECT_EQ(unknown.second["error"]["param"], "foo");
  auto no_model = post("/v1/classifications", {{"model", "nope"}, {"input", "fine"}});
  EXPECT_EQ(no_model.first, 404) << no_model.second;
}

TEST_F(TextClfServer, ExplanationWeightsAddUpToTheLogitDifference) {
  auto e = post("/v1/explanations", {{"model", "sentiment:2"}, {"input", "Not good at all, a waste of money."}});
  ASSERT_EQ(e.first, 200) << e.second;
  const json& d = e.second["data"];
  EXPECT_EQ(d["label"], "0");
  EXPECT_EQ(d["versus"], "1");
  double sum = d["bias"].get<double>();
  for (const auto& w : d["weights"]) sum += w["weight"].get<double>();
  EXPECT_NEAR(sum, d["logit_difference"].get<double>(), 1e-9);
  EXPECT_LT(d["check"]["error"].get<double>(), 1e-9);
  EXPECT_GT(d["weights"].size(), 3u);
}

TEST_F(TextClfServer, TrafficSplitsBetweenTwoVersionsStickyPerUser) {
  auto t = cli->Put("/admin/v1/models/sentiment/traffic",
                    json({{"traffic", {{{"version", 1}, {"weight", 0.5}}, {{"version", 2}, {"weight", 0.5}}}}, {"reason", "canary"}}).dump(),
                    "application/json");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->status, 200) << t->body;
  std::set<std::string> versions;
  std::set<double> answers;  // the two versions are different models
  for (int u = 0; u < 40; ++u) {
    const json body = {{"model", "sentiment"}, {"input", "I loved it"}, {"user", "user-" + std::to_string(u)}};
    std::string first, again;
    auto r = post("/v1/classifications", body, &first);
    ASSERT_EQ(r.first, 200) << r.second;
    answers.insert(r.second["data"][0]["probabilities"]["1"].get<double>());
    ASSERT_EQ(post("/v1/classifications", body, &again).first, 200);
    EXPECT_EQ(first, again) << "user-" << u << " moved between versions";
    versions.insert(first);
  }
  EXPECT_EQ(versions, (std::set<std::string>{"sentiment:1", "sentiment:2"}));
  EXPECT_EQ(answers.size(), 2u);
}

TEST_F(TextClfServer, TrainsAsABackgroundJobAndServesTheResult) {
  auto bad = post("/admin/v1/train", {{"family", "textclf"}, {"name", "jobbed"}, {"data", train_path}, {"options", {{"ngrams", "1,2"}}}});
  EXPECT_EQ(bad.first, 400) << bad.second;  // a list option given as a string: refused before any job
  EXPECT_EQ(bad.second["error"]["param"], "options.ngrams");

  auto submitted = post("/admin/v1/train", {{"family", "textclf"}, {"name", "jobbed"}, {"data", train_path},
                                            {"options", {{"epochs", 5}, {"validation", 0.2}}}});
  ASSERT_EQ(submitted.first, 202) << submitted.second;
  const std::string id = submitted.second["id"];
  json job;
  for (int i = 0; i < 300; ++i) {
    auto r = cli->Get("/admin/v1/jobs/" + id);
    ASSERT_TRUE(r);
    job = json::parse(r->body);
    if (job["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_EQ(job["progress"]["epochs"], 5) << job.dump();
  EXPECT_GT(job["result"]["metrics"]["val_accuracy"].get<double>(), 0.7) << job.dump();
  auto c = post("/v1/classifications", {{"model", "jobbed:1"}, {"input", "Excellent value, I love it."}});
  ASSERT_EQ(c.first, 200) << c.second;
  EXPECT_EQ(c.second["data"][0]["label"], "1");
}

}  // namespace
}  // namespace maas::text
