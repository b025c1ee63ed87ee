// Pieces of the auth and quota layer without a server: the model named by a request
// body, token buckets, the per-key limiter, the admin API's key parsing.
#include <gtest/gtest.h>

#include "serving/auth/auth_middleware.h"
#include "serving/auth/key_routes.h"
#include "serving/auth/rate_limiter.h"
#include "serving/auth/requested_model.h"

namespace maas::serving::auth {
namespace {

using namespace std::chrono_literals;

TEST(RequestedModel, FindsTheTopLevelModelFieldOnly) {
  EXPECT_EQ(body_model_field(R"({"model":"m","prompt":"x"})"), "m");
  EXPECT_EQ(body_model_field(R"({"prompt":{"model":"inner"},"model":"outer"})"), "outer");
  EXPECT_EQ(body_model_field(R"({"messages":[{"model":"no"}]})"), std::nullopt);
  EXPECT_EQ(body_model_field(R"({"model":42})"), std::nullopt);
  EXPECT_EQ(body_model_field("not json"), std::nullopt);
  EXPECT_EQ(body_model_field(""), std::nullopt);
  // Stops at the model: what follows may even be malformed.
  EXPECT_EQ(body_model_field(R"({"model":"early", "rest": [[[)"), "early");
  EXPECT_EQ(body_model_field(R"(["model","m"])"), std::nullopt);
}

TEST(RequestedModel, BaseNameOfReferences) {
  EXPECT_EQ(base_model_name("m"), "m");
  EXPECT_EQ(base_model_name("m:3"), "m");
  EXPECT_EQ(base_model_name("m@production"), "m");
}

TEST(RequestedModel, FromBodyForPostV1AndPathForV2) {
  Route post{.method = "POST", .pattern = "/v1/completions"};
  HttpRequest req;
  req.method = "POST";
  req.body = R"({"model":"a:2"})";
  EXPECT_EQ(requested_model(req, post), "a");
  Route v2{.method = "POST", .pattern = "/v2/models/{name}/infer"};
  req.path_params["name"] = "b@canary";
  EXPECT_EQ(requested_model(req, v2), "b");
  Route list{.method = "GET", .pattern = "/v1/models"};
  req.method = "GET";
  EXPECT_EQ(requested_model(req, list), std::nullopt);
}

TEST(TokenBucket, TakesRefillsAndGoesNegative) {
  auto t0 = TokenBucket::Clock::now();
  TokenBucket b(60, t0);  // 1 token per second, 60 at most
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(b.try_take(1, t0));
  EXPECT_FALSE(b.try_take(1, t0));
  EXPECT_NEAR(b.seconds_until(1, t0), 1.0, 1e-9);
  EXPECT_TRUE(b.try_take(1, t0 + 1s));
  b.charge(10, t0 + 1s);  // -10
  EXPECT_FALSE(b.positive(t0 + 1s));
  EXPECT_NEAR(b.seconds_until(1e-9, t0 + 1s), 10.0, 1e-6);
  EXPECT_TRUE(b.positive(t0 + 11s + 1ms));
  EXPECT_TRUE(b.try_take(60, t0 + 1000s));  // refill stops at the capacity
  EXPECT_FALSE(b.try_take(1, t0 + 1000s));
}

TEST(RateLimiter, RpmTpmAndBudgetDecisions) {
  RateLimiter limiter;
  registry::ApiKey k;
  k.name = "k";
  k.rpm = 2;
  EXPECT_TRUE(limiter.admit(k).allowed);
  EXPECT_TRUE(limiter.admit(k).allowed);
  Admission third = limiter.admit(k);
  EXPECT_FALSE(third.allowed);
  EXPECT_EQ(third.reason, "rpm");
  EXPECT_GT(third.retry_after_seconds, 29);  // 2 per minute: one every 30 s
  EXPECT_LE(third.retry_after_seconds, 30);

  registry::ApiKey t;
  t.name = "t";
  t.tpm = 100;
  EXPECT_TRUE(limiter.admit(t).allowed);
  limiter.charge("t", 150, 0);
  Admission over = limiter.admit(t);
  EXPECT_FALSE(over.allowed);
  EXPECT_EQ(over.reason, "tpm");
  EXPECT_NEAR(over.retry_after_seconds, 30, 0.5);  // 50 tokens short at 100/60 per second

  registry::ApiKey b;
  b.name = "b";
  b.budget_usd = 1.0;
  limiter.set_spent({{"b", 0.75}});
  EXPECT_TRUE(limiter.admit(b).allowed);
  limiter.charge("b", 0, 0.25);
  Admission broke = limiter.admit(b);
  EXPECT_FALSE(broke.allowed);
  EXPECT_EQ(broke.reason, "budget");
  EXPECT_DOUBLE_EQ(limiter.spent("b"), 1.0);
}

TEST(KeyRoutes, ParsesNewKeysStrictly) {
  auto ok = parse_new_key(nlohmann::json::parse(
      R"({"name":"n","role":"admin","models":["a","b"],"rpm":5,"tpm":6,"budget_usd":1.5,"expires_at":"2099-01-02","log_requests":true})"));
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(ok->models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ok->rpm, 5);
  EXPECT_EQ(ok->tpm, 6);
  EXPECT_DOUBLE_EQ(*ok->budget_usd, 1.5);
  EXPECT_TRUE(ok->log_requests);
  EXPECT_EQ(*ok->expires_at_ms, 4070995200000LL);
  for (const char* bad : {R"({})", R"({"name":"n","secret":"x"})", R"({"name":"n","models":"a"})",
                          R"({"name":"n","rpm":1.5})", R"({"name":"n","expires_at":"soon"})"}) {
    EXPECT_FALSE(parse_new_key(nlohmann::json::parse(bad)).is_ok()) << bad;
  }
}

TEST(AuthMode, ParsingAndLoopback) {
  EXPECT_TRUE(parse_auth_mode("auto").is_ok());
  EXPECT_FALSE(parse_auth_mode("maybe").is_ok());
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
}

}  // namespace
}  // namespace maas::serving::auth
