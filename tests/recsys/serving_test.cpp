// The recommender served by a real `maas serve`: a trained model imported with
// `maas models import`, then /v1/recommendations, /v1/feedback and
// /v1/items/{id}/similar over loopback, including feedback surviving a restart.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <httplib.h>

#include "core/csv.h"
#include "recsys_test_util.h"

namespace maas::recsys {
namespace {

using maas::testing::run_maas;
using maas::testing::ServerProcess;
using maas::testing::TempDir;
using nlohmann::json;

std::pair<int, json> post(httplib::Client& cli, const std::string& path, const json& body) {
  auto r = cli.Post(path, body.dump(), "application/json");
  if (!r) return {-1, json()};
  return {r->status, json::parse(r->body, nullptr, false)};
}

std::pair<int, json> get(httplib::Client& cli, const std::string& path) {
  auto r = cli.Get(path);
  if (!r) return {-1, json()};
  return {r->status, json::parse(r->body, nullptr, false)};
}

std::vector<std::string> ids(const json& answer) {
  std::vector<std::string> out;
  for (const auto& item : answer["data"]) out.push_back(item["item"]);
  return out;
}

class RecsysServing : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TrainResult> r = testing::train_to(testing::movielens_path(), {{"algo", "itemknn"}}, dir_.file("movies.gguf"));
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    auto imported = run_maas({"models", "import", dir_.file("movies.gguf"), "--name", "movies", "--data-dir", data()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }
  std::string data() const { return dir_.file("data"); }
  TempDir dir_;
};

TEST_F(RecsysServing, NewUserFeedbackPersonalisesAtOnceAndSurvivesARestart) {
  std::vector<std::string> before_restart;
  {
    ServerProcess server(data());
    ASSERT_TRUE(server.started());
    httplib::Client cli("127.0.0.1", server.port());
    cli.set_read_timeout(60, 0);

    // Unknown user: the cold-start answer (popular items), not an error.
    auto [s0, cold] = post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", "newbie"}, {"k", 10}});
    ASSERT_EQ(s0, 200) << cold.dump();
    EXPECT_TRUE(cold["cold_start"].get<bool>());
    EXPECT_EQ(cold["strategy"], "popularity");
    ASSERT_EQ(cold["data"].size(), 10u);
    EXPECT_NE(cold["data"][0]["reason"].get<std::string>().find("popular"), std::string::npos);

    // Five ratings of science-fiction classics.
    const std::vector<int> liked = {260, 1196, 1210, 1214, 1240};  // Star Wars IV-VI, Alien, The Terminator
    const auto t0 = std::chrono::steady_clock::now();
    for (int movie : liked) {
      auto [s, fb] = post(cli, "/v1/feedback", {{"model", "movies"}, {"user", "newbie"}, {"item", movie}, {"rating", 5}});
      ASSERT_EQ(s, 200) << fb.dump();
      EXPECT_TRUE(fb["known_item"].get<bool>());
    }
    auto [s1, warm] = post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", "newbie"}, {"k", 10}});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(s1, 200) << warm.dump();
    EXPECT_LT(seconds, 5.0);  // five durable writes and a re-ranking; no retraining
    EXPECT_FALSE(warm["cold_start"].get<bool>());
    EXPECT_EQ(warm["strategy"], "itemknn");
    ASSERT_EQ(warm["data"].size(), 10u);
    EXPECT_NE(ids(warm), ids(cold));
    std::set<std::string> rated;
    for (int m : liked) rated.insert(std::to_string(m));
    int sci_fi = 0;
    for (const auto& item : warm["data"]) {
      EXPECT_EQ(rated.count(item["item"]), 0u) << "seen items are excluded";
      EXPECT_NE(item["reason"].get<std::string>().find("because you rated"), std::string::npos) << item.dump();
      for (const auto& c : item["categories"]) sci_fi += c == "Sci-Fi";
    }
    EXPECT_GE(sci_fi, 3) << warm.dump();  // popular lists carry one or none
    before_restart = ids(warm);

    // A category filter and similar items.
    auto [s2, comedies] = post(cli, "/v1/recommendations",
                               {{"model", "movies"}, {"user", "newbie"}, {"k", 3}, {"filter", {{"category", "comedy"}}}});
    ASSERT_EQ(s2, 200) << comedies.dump();
    ASSERT_EQ(comedies["data"].size(), 3u);
    for (const auto& item : comedies["data"])
      EXPECT_NE(std::find(item["categories"].begin(), item["categories"].end(), "Comedy"), item["categories"].end());
    auto [s3, similar] = get(cli, "/v1/items/1196/similar?model=movies&k=5");
    ASSERT_EQ(s3, 200) << similar.dump();
    ASSERT_EQ(similar["data"].size(), 5u);
    const std::vector<std::string> similar_ids = ids(similar);
    EXPECT_EQ(std::count(similar_ids.begin(), similar_ids.end(), "1196"), 0);
    ASSERT_EQ(server.signal_and_wait(SIGTERM), 0);
  }
  // The feedback was stored in the training data's columns.
  const std::string log = data() + "/state/movies/1/feedback.csv";
  Result<CsvTable> t = read_csv(log);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"userId", "movieId", "rating", "timestamp"}));
  EXPECT_EQ(t->rows.size(), 5u);

  ServerProcess again(data());
  ASSERT_TRUE(again.started());
  httplib::Client cli("127.0.0.1", again.port());
  cli.set_read_timeout(60, 0);
  auto [s, after] = post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", "newbie"}, {"k", 10}});
  ASSERT_EQ(s, 200) << after.dump();
  EXPECT_FALSE(after["cold_start"].get<bool>());
  EXPECT_EQ(ids(after), before_restart);
}

TEST_F(RecsysServing, BadRequestsGetClearErrors) {
  ServerProcess server(data());
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  cli.set_read_timeout(60, 0);
  auto expect_error = [&](int status, const std::string& param, std::pair<int, json> got) {
    EXPECT_EQ(got.first, status) << got.second.dump();
    ASSERT_TRUE(got.second.contains("error")) << got.second.dump();
    if (!param.empty()) {
      EXPECT_EQ(got.second["error"]["param"], param) << got.second.dump();
    }
  };
  expect_error(404, "", post(cli, "/v1/recommendations", {{"model", "nope"}, {"user", "1"}}));
  expect_error(400, "k", post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", "1"}, {"k", 0}}));
  expect_error(400, "k", post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", "1"}, {"k", 5000}}));
  expect_error(400, "user", post(cli, "/v1/recommendations", {{"model", "movies"}}));
  expect_error(400, "colour", post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", "1"}, {"colour", "red"}}));
  expect_error(400, "rating", post(cli, "/v1/feedback", {{"model", "movies"}, {"user", "1"}, {"item", "1"}}));
  expect_error(400, "rating", post(cli, "/v1/feedback", {{"model", "movies"}, {"user", "1"}, {"item", "1"}, {"rating", 9}}));
  expect_error(404, "", get(cli, "/v1/items/no-such-movie/similar?model=movies"));
  expect_error(400, "k", get(cli, "/v1/items/1/similar?model=movies&k=abc"));
  expect_error(400, "model", get(cli, "/v1/items/1/similar"));
  // A known user gets their own recommendations; exclude_seen false may repeat them.
  auto [s, known] = post(cli, "/v1/recommendations", {{"model", "movies"}, {"user", 1}, {"k", 5}});
  ASSERT_EQ(s, 200) << known.dump();
  EXPECT_FALSE(known["cold_start"].get<bool>());
  // Feedback on an item the model has never seen is stored for the next training run.
  auto [f, fb] = post(cli, "/v1/feedback", {{"model", "movies"}, {"user", "1"}, {"item", "brand-new"}, {"event", "view"}});
  ASSERT_EQ(f, 200) << fb.dump();
  EXPECT_FALSE(fb["known_item"].get<bool>());
}

}  // namespace
}  // namespace maas::recsys

namespace maas::recsys {
namespace {

// `maas train recsys` registers a version; `maas models evaluate` reports the top-K
// metrics; /v1/explanations answers with the reasons behind an item.
TEST(RecsysCli, TrainEvaluateAndExplain) {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string csv = testing::two_tastes(dir);
  auto trained = run_maas({"train", "recsys", "--data", csv, "--name", "tastes", "--algo", "itemknn", "--shrinkage", "0",
                           "--data-dir", data, "--json"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("\"fit_seconds\""), std::string::npos) << trained.out;
  auto bad = run_maas({"train", "recsys", "--data", csv, "--name", "tastes", "--algo", "svd", "--data-dir", data});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("algo"), std::string::npos) << bad.err;

  const std::string test = testing::write_text(dir, "test.csv", "userId,movieId,rating,timestamp\na1,m3,5,1\nb1,m6,5,2\n");
  auto evaluated = run_maas({"models", "evaluate", "tastes:1", "--data", test, "--data-dir", data, "--json"});
  EXPECT_NE(evaluated.out.find("ndcg_at_10"), std::string::npos) << evaluated.out << evaluated.err;

  ServerProcess server(data);
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  cli.set_read_timeout(60, 0);
  auto [s, e] = post(cli, "/v1/explanations", {{"model", "tastes"}, {"user", "a1"}, {"item", "m3"}});
  ASSERT_EQ(s, 200) << e.dump();
  ASSERT_FALSE(e["data"]["reasons"].empty()) << e.dump();
  EXPECT_NE(e["data"]["reasons"][0]["text"].get<std::string>().find("because you rated Star"), std::string::npos)
      << e.dump();
  auto [s2, e2] = post(cli, "/v1/explanations", {{"model", "tastes"}, {"user", "a1"}, {"item", "nope"}});
  EXPECT_EQ(s2, 404) << e2.dump();
}

}  // namespace
}  // namespace maas::recsys
