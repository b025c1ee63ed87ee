// The model lifecycle end to end on a real server: two versions of stories260K (F32 and
// a Q8_0 made with `maas quantize`), canary 90/10 with sticky users, rollback, hot swap
// under load, deprecation headers, retirement (410).
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

class Lifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandResult q = run_maas({"quantize", kStories, dir.file("stories-q8.gguf"), "--type", "q8_0"});
    ASSERT_EQ(q.exit_code, 0) << q.err;
    server = std::make_unique<ServerProcess>(dir.file("data"), std::vector<std::string>{"--model", "stories=" + kStories});
    ASSERT_TRUE(server->started());
    cli = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    cli->set_read_timeout(60);
    auto imp = post("/admin/v1/models", {{"path", dir.file("stories-q8.gguf")}, {"name", "stories"}});
    ASSERT_EQ(imp.first, 201) << imp.second;
    ASSERT_EQ(imp.second["version"], 2);
    for (int v : {1, 2}) promote_to_production(v);
  }

  std::pair<int, json> post(const std::string& path, const json& body) {
    auto r = cli->Post(path, body.dump(), "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::pair<int, json> put(const std::string& path, const json& body) {
    auto r = cli->Put(path, body.dump(), "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  void promote_to_production(int v) {
    const std::string base = "/admin/v1/models/stories/versions/" + std::to_string(v);
    for (const char* stage : {"testing", "staging"}) {
      auto r = post(base + "/transition", {{"to", stage}, {"reason", "test"}});
      ASSERT_EQ(r.first, 200) << r.second;
    }
    auto r = post(base + "/promote", {{"reason", "test"}});
    ASSERT_EQ(r.first, 200) << r.second;
    ASSERT_EQ(r.second["stage"], "production");
  }
  // Which version answered (X-Maas-Model-Version "stories:N"), 0 on failure.
  int version_for(const std::string& user) {
    json body = {{"model", "stories"}, {"input", "Once upon a time"}};
    if (!user.empty()) body["user"] = user;
    auto r = cli->Post("/v1/embeddings", body.dump(), "application/json");
    if (!r || r->status != 200) return 0;
    std::string v = r->get_header_value("X-Maas-Model-Version");
    return std::stoi(v.substr(v.find(':') + 1));
  }

  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<httplib::Client> cli;
};

TEST_F(Lifecycle, CanarySplitIsWithinBinomialToleranceAndStickyUsersStay) {
  auto t = put("/admin/v1/models/stories/traffic",
               {{"traffic", {{{"version", 1}, {"weight", 0.9}}, {{"version", 2}, {"weight", 0.1}}}}, {"reason", "canary"}});
  ASSERT_EQ(t.first, 200) << t.second;
  std::map<int, int> seen;
  const int n = 1000;
  for (int i = 0; i < n; ++i) ++seen[version_for("")];
  EXPECT_EQ(seen[0], 0) << "failed requests";
  // Binomial(1000, 0.1): mean 100, sd 9.5; allow 4 sd.
  EXPECT_NEAR(seen[2], 100, 38) << "v1=" << seen[1] << " v2=" << seen[2];
  EXPECT_EQ(seen[1] + seen[2], n);
  // Sticky: a user always lands on the same version; users spread over both.
  std::map<int, int> users_per_version;
  for (int u = 0; u < 60; ++u) {
    const std::string user = "user-" + std::to_string(u);
    const int first = version_for(user);
    ASSERT_NE(first, 0);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(version_for(user), first) << user;
    ++users_per_version[first];
  }
  EXPECT_GT(users_per_version[1], users_per_version[2]);
  // The audit log has the rollout with its reason.
  auto h = cli->Get("/admin/v1/models/stories/history");
  ASSERT_TRUE(h);
  EXPECT_NE(h->body.find("canary"), std::string::npos);
}

TEST_F(Lifecycle, RollbackRestoresThePreviousProductionVersionAtOnce) {
  auto t = put("/admin/v1/models/stories/traffic",
               {{"traffic", {{{"version", 1}, {"weight", 0.5}}, {{"version", 2}, {"weight", 0.5}}}}});
  ASSERT_EQ(t.first, 200) << t.second;
  auto r = post("/admin/v1/models/stories/rollback", {{"reason", "bad canary"}});
  ASSERT_EQ(r.first, 200) << r.second;
  EXPECT_EQ(r.second["from_version"], 2);
  EXPECT_EQ(r.second["to_version"], 1);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(version_for(""), 1);
  auto show = cli->Get("/admin/v1/models/stories");
  ASSERT_TRUE(show);
  json d = json::parse(show->body);
  EXPECT_EQ(d["versions"][1]["stage"], "staging");
}

TEST_F(Lifecycle, HotSwapUnderContinuousLoadLosesNoRequest) {
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> load;
  for (int w = 0; w < 4; ++w) {
    load.emplace_back([&, port = server->port()] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(60);
      json body = {{"model", "stories"}, {"prompt", "Once upon a time"}, {"max_tokens", 4}, {"temperature", 0}};
      while (!stop) {
        auto r = c.Post("/v1/completions", body.dump(), "application/json");
        (r && r->status == 200 ? ok : failed)++;
      }
    });
  }
  for (int round = 0; round < 6; ++round) {
    const int v = round % 2 ? 1 : 2;
    auto t = put("/admin/v1/models/stories/traffic", {{"traffic", {{{"version", v}, {"weight", 1.0}}}}});
    ASSERT_EQ(t.first, 200) << t.second;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  stop = true;
  for (auto& th : load) th.join();
  EXPECT_GT(ok.load(), 20);
  EXPECT_EQ(failed.load(), 0);
}

TEST_F(Lifecycle, DeprecatedVersionsAnswerWithHeadersRetiredOnesAre410) {
  auto d = post("/admin/v1/models/stories/versions/1/deprecate",
                {{"sunset", "2099-01-01"}, {"successor", 2}, {"reason", "moving to q8"}});
  ASSERT_EQ(d.first, 200) << d.second;
  json body = {{"model", "stories:1"}, {"input", "hi"}};
  auto r = cli->Post("/v1/embeddings", body.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Sunset"), "Thu, 01 Jan 2099 00:00:00 GMT");
  EXPECT_EQ(r->get_header_value("Deprecation").substr(0, 1), "@");
  EXPECT_NE(r->get_header_value("Link").find("stories:2"), std::string::npos);

  auto ret = post("/admin/v1/models/stories/versions/1/retire", {{"reason", "sunset early"}});
  ASSERT_EQ(ret.first, 200) << ret.second;
  auto gone = cli->Post("/v1/embeddings", body.dump(), "application/json");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 410);
  json err = json::parse(gone->body);
  EXPECT_EQ(err["error"]["type"], "gone_error");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("stories:2"), std::string::npos) << gone->body;
  // Illegal transitions name the legal ones.
  auto bad = post("/admin/v1/models/stories/versions/1/promote", json::object());
  EXPECT_EQ(bad.first, 409);
  EXPECT_NE(bad.second["error"]["message"].get<std::string>().find("legal"), std::string::npos) << bad.second;
}

TEST_F(Lifecycle, ShadowVersionGetsCopiesAndIsCompared) {
  auto t = put("/admin/v1/models/stories/traffic",
               {{"traffic", {{{"version", 1}, {"weight", 1.0}}, {{"version", 2}, {"weight", 0}, {"shadow", true}}}}});
  ASSERT_EQ(t.first, 200) << t.second;
  json body = {{"model", "stories"}, {"prompt", "Once upon a time"}, {"max_tokens", 8}, {"temperature", 0}};
  for (int i = 0; i < 10; ++i) {
    auto r = cli->Post("/v1/completions", body.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("X-Maas-Model-Version"), "stories:1");  // the shadow never answers
  }
  json report;
  for (int i = 0; i < 200; ++i) {
    auto r = cli->Get("/admin/v1/models/stories/rollout");
    ASSERT_TRUE(r);
    report = json::parse(r->body);
    if (!report["shadows"].empty() && report["shadows"][0]["requests"] == 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(report["shadows"].empty()) << report;
  const json& s = report["shadows"][0];
  EXPECT_EQ(s["version"], 2);
  EXPECT_EQ(s["requests"], 10);
  EXPECT_EQ(s["errors"], 0);
  // Q8_0 of a tiny model agrees with F32 on short greedy continuations.
  EXPECT_GE(s["agreement_rate"].get<double>(), 0.9) << s;
}

}  // namespace
}  // namespace maas::testing
