// Per-key limits against a real server: requests per minute and tokens per minute trip
// at the right request and recover after Retry-After; a spend budget is exhausted by
// priced usage and stays exhausted after a restart.
#include <cmath>

#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

TEST(RateLimits, RequestsPerMinuteTripAtTheLimitAndRecover) {
  TempDir dir;
  std::string key = create_key(dir.path(), "rpm30", {"--rpm", "30"});
  std::string free_key = create_key(dir.path(), "unlimited");
  ServerProcess server(dir.path());
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  for (int i = 1; i <= 30; ++i) {
    auto r = cli.Get("/v1/models", bearer(key));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << "request " << i << ": " << r->body;
  }
  auto refused = cli.Get("/v1/models", bearer(key));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(error_code(refused), "rate_limit_exceeded");
  EXPECT_EQ(body_json(refused)["error"]["type"], "rate_limit_error");
  // 30 per minute refill one every 2 s.
  int retry_after = std::atoi(refused->get_header_value("Retry-After").c_str());
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  // Other keys are not affected.
  EXPECT_EQ(cli.Get("/v1/models", bearer(free_key))->status, 200);
  std::this_thread::sleep_for(std::chrono::seconds(retry_after) + std::chrono::milliseconds(100));
  auto recovered = cli.Get("/v1/models", bearer(key));
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->status, 200);
  EXPECT_EQ(cli.Get("/v1/models", bearer(key))->status, 429);  // one token came back, not more

  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("maas_rate_limited_total{key=\"rpm30\",reason=\"rpm\"} 2"), std::string::npos)
      << metrics->body;
}

TEST(RateLimits, TokensPerMinuteTripOnceTheTokensAreUsedAndRecover) {
  TempDir dir;
  constexpr int kTpm = 600;  // ten tokens per second come back
  std::string key = create_key(dir.path(), "tpm", {"--tpm", std::to_string(kTpm)});
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));
  httplib::Client cli("127.0.0.1", server.port());
  const std::string body = R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":7})";
  int used = 0;
  bool refused = false;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200 && !refused; ++i) {
    auto r = cli.Post("/v1/completions", bearer(key), body, "application/json");
    ASSERT_TRUE(r);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r->status == 429) {
      refused = true;
      EXPECT_EQ(error_code(r), "rate_limit_exceeded");
      // Refused only once the bucket was used up (allowing for what refilled meanwhile).
      EXPECT_GE(used, kTpm) << "refused early";
      int retry_after = std::atoi(r->get_header_value("Retry-After").c_str());
      EXPECT_GE(retry_after, 1);
      EXPECT_LE(retry_after, (used - kTpm) / (kTpm / 60) + 1);
      std::this_thread::sleep_for(std::chrono::seconds(retry_after) + std::chrono::milliseconds(100));
      auto again = cli.Post("/v1/completions", bearer(key), body, "application/json");
      ASSERT_TRUE(again);
      EXPECT_EQ(again->status, 200) << again->body;
      break;
    }
    ASSERT_EQ(r->status, 200) << r->body;
    // Admitted while the bucket (minus refill) still had tokens.
    EXPECT_LT(used, kTpm + static_cast<int>(std::ceil(elapsed * kTpm / 60))) << "admitted past the limit";
    used += body_json(r)["usage"]["total_tokens"].get<int>();
  }
  EXPECT_TRUE(refused) << "never refused after " << used << " tokens";
}

TEST(Budgets, ExhaustedByPricedUsageAndStillAfterRestart) {
  TempDir dir;
  {
    // Register the model, then price it: $1 per call, so a $3 budget allows 3 calls.
    ServerProcess boot(dir.path(), {"--model", stories_flag()});
    ASSERT_TRUE(boot.started());
    EXPECT_EQ(boot.signal_and_wait(SIGTERM), 0);
  }
  CommandResult price = run_maas({"models", "price", "stories260K", "--per-call", "1", "--input", "0.001",
                                  "--data-dir", dir.path()});
  ASSERT_EQ(price.exit_code, 0) << price.err;
  EXPECT_NE(price.out.find("$1 per call"), std::string::npos) << price.out;
  std::string key = create_key(dir.path(), "capped", {"--budget", "3"});
  const std::string body = R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":2})";
  {
    ServerProcess server(dir.path(), {"--model", stories_flag()});
    ASSERT_TRUE(server.started());
    ASSERT_TRUE(wait_ready(server.port()));
    httplib::Client cli("127.0.0.1", server.port());
    for (int i = 0; i < 3; ++i) ASSERT_EQ(cli.Post("/v1/completions", bearer(key), body, "application/json")->status, 200);
    auto r = cli.Post("/v1/completions", bearer(key), body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(error_code(r), "insufficient_quota");
    EXPECT_FALSE(r->has_header("Retry-After")) << "a budget does not refill";
    EXPECT_EQ(server.signal_and_wait(SIGTERM), 0);
  }
  // The spend is recomputed from stored usage on start.
  ServerProcess restarted(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(restarted.started());
  ASSERT_TRUE(wait_ready(restarted.port()));
  httplib::Client cli("127.0.0.1", restarted.port());
  auto r = cli.Post("/v1/completions", bearer(key), body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(error_code(r), "insufficient_quota");
  CommandResult list = run_maas({"keys", "list", "--json", "--data-dir", dir.path()});
  ASSERT_EQ(list.exit_code, 0);
  json keys = json::parse(list.out);
  ASSERT_EQ(keys.size(), 1u);
  // 3 calls at $1 + 3 x prompt tokens at $0.001 / 1K.
  EXPECT_GT(keys[0]["spent_usd"].get<double>(), 3.0);
  EXPECT_LT(keys[0]["spent_usd"].get<double>(), 3.001);
}

}  // namespace
}  // namespace maas::testing
