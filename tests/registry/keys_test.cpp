// KeyStore and UsageStore on a real SQLite registry, with a controlled clock.
#include <gtest/gtest.h>

#include "registry/keys.h"
#include "registry/usage_store.h"
#include "registry/registry_test_util.h"

namespace maas::registry::testing {
namespace {

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegistryOptions o;
    o.data_dir = dir.path();
    auto r = Registry::open(o);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    reg = std::move(*r);
    auto k = KeyStore::open(reg->db_path(), [this] { return now_ms.load(); });
    ASSERT_TRUE(k.is_ok()) << k.status().message();
    keys = std::move(*k);
  }
  TempDir dir;
  std::atomic<int64_t> now_ms{1'700'000'000'000};
  std::unique_ptr<Registry> reg;
  std::unique_ptr<KeyStore> keys;
};

TEST_F(KeysTest, CreateAuthenticateRevoke) {
  auto issued = keys->create({.name = "a", .role = "admin", .models = {"m1"}, .rpm = 5});
  ASSERT_TRUE(issued.is_ok()) << issued.status().message();
  EXPECT_EQ(issued->secret.size(), 5u + 64u);
  EXPECT_EQ(key_id_of_secret(issued->secret), issued->key.key_id);
  auto who = keys->authenticate(issued->secret);
  ASSERT_TRUE(who.is_ok());
  EXPECT_EQ(who->name, "a");
  EXPECT_TRUE(who->is_admin());
  EXPECT_TRUE(who->allows_model("m1"));
  EXPECT_FALSE(who->allows_model("m2"));
  EXPECT_EQ(*keys->count_active(), 1);

  KeyRefusal why;
  std::string wrong = issued->secret;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(keys->authenticate(wrong, &why).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(why, KeyRefusal::kUnknown);
  EXPECT_FALSE(keys->authenticate("maas-short", &why).is_ok());
  EXPECT_EQ(why, KeyRefusal::kMalformed);

  ASSERT_TRUE(keys->revoke("a", "tester").is_ok());
  EXPECT_FALSE(keys->authenticate(issued->secret, &why).is_ok());
  EXPECT_EQ(why, KeyRefusal::kRevoked);
  EXPECT_EQ(keys->revoke("a", "tester").status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(*keys->count_active(), 0);
  // Names are never reused, even after revocation.
  EXPECT_EQ(keys->create({.name = "a"}).status().code(), Code::kAlreadyExists);
}

TEST_F(KeysTest, ExpiryFollowsTheClock) {
  auto issued = keys->create({.name = "e", .expires_at_ms = now_ms + 1000});
  ASSERT_TRUE(issued.is_ok());
  EXPECT_TRUE(keys->authenticate(issued->secret).is_ok());
  now_ms += 1000;
  KeyRefusal why;
  EXPECT_FALSE(keys->authenticate(issued->secret, &why).is_ok());
  EXPECT_EQ(why, KeyRefusal::kExpired);
  EXPECT_EQ(keys->get("e")->state(now_ms), "expired");
  EXPECT_EQ(keys->create({.name = "past", .expires_at_ms = now_ms - 1}).status().code(), Code::kInvalidArgument);
}

TEST_F(KeysTest, RotationReplacesTheSecretAndKeepsTheLimits) {
  auto first = keys->create({.name = "r", .models = {"m"}, .tpm = 100, .budget_usd = 2.5});
  ASSERT_TRUE(first.is_ok());
  auto second = keys->rotate("r", "tester");
  ASSERT_TRUE(second.is_ok());
  EXPECT_NE(second->secret, first->secret);
  EXPECT_FALSE(keys->authenticate(first->secret).is_ok());
  auto k = keys->authenticate(second->secret);
  ASSERT_TRUE(k.is_ok());
  EXPECT_EQ(k->tpm, 100);
  EXPECT_EQ(*k->budget_usd, 2.5);
  EXPECT_EQ(k->models, std::vector<std::string>{"m"});
  EXPECT_TRUE(k->rotated_at_ms.has_value());
}

TEST_F(KeysTest, BadRequestsChangeNothing) {
  for (const NewKey& bad : {NewKey{.name = ""}, NewKey{.name = "has space"}, NewKey{.name = "x", .role = "root"},
                            NewKey{.name = "x", .rpm = -1}, NewKey{.name = "x", .budget_usd = -1.0},
                            NewKey{.name = "x", .models = {""}}}) {
    EXPECT_EQ(keys->create(bad).status().code(), Code::kInvalidArgument) << bad.name;
  }
  EXPECT_TRUE(keys->list()->empty());
  EXPECT_EQ(keys->revoke("missing", "t").status().code(), Code::kNotFound);
  EXPECT_EQ(keys->rotate("missing", "t").status().code(), Code::kNotFound);
}

TEST_F(KeysTest, UsageReportsGroupAndFilter) {
  auto usage = UsageStore::open(reg->db_path());
  ASSERT_TRUE(usage.is_ok());
  const int64_t day1 = 1'700'000'000'000, day2 = day1 + 86'400'000;
  std::vector<UsageRecord> rows = {
      {.time_ms = day1, .key_name = "a", .model = "m1", .version = 1, .route = "/v1/completions", .method = "POST",
       .status = 200, .prompt_tokens = 10, .completion_tokens = 5, .latency_ms = 3, .cost_usd = 0.5},
      {.time_ms = day1 + 1, .key_name = "b", .model = "m1", .version = 1, .route = "/v1/completions", .method = "POST",
       .status = 400, .latency_ms = 1},
      {.time_ms = day2, .key_name = "a", .model = "m2", .version = 2, .route = "/v1/embeddings", .method = "POST",
       .status = 200, .prompt_tokens = 7, .items = 2, .latency_ms = 2, .cost_usd = 0.25},
  };
  ASSERT_TRUE((*usage)->append(rows, {}).is_ok());
  auto total = (*usage)->report({});
  ASSERT_TRUE(total.is_ok());
  ASSERT_EQ(total->size(), 1u);
  EXPECT_EQ(total->front().calls, 3);
  EXPECT_EQ(total->front().errors, 1);
  EXPECT_EQ(total->front().prompt_tokens, 17);
  EXPECT_EQ(total->front().completion_tokens, 5);
  EXPECT_EQ(total->front().items, 2);
  EXPECT_DOUBLE_EQ(total->front().cost_usd, 0.75);

  auto by_day = (*usage)->report({.group_by = "day"});
  ASSERT_EQ(by_day->size(), 2u);
  EXPECT_EQ((*by_day)[0].group, "2023-11-14");
  EXPECT_EQ((*by_day)[0].calls, 2);
  auto by_key = (*usage)->report({.model = "m1", .group_by = "key"});
  ASSERT_EQ(by_key->size(), 2u);
  EXPECT_EQ((*by_key)[0].group, "a");
  EXPECT_EQ((*by_key)[1].errors, 1);
  auto since = make_usage_query("a", "", "2023-11-15", "", "model");
  ASSERT_TRUE(since.is_ok());
  auto later = (*usage)->report(*since);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].group, "m2");
  EXPECT_FALSE(make_usage_query("", "", "", "", "week").is_ok());
  EXPECT_FALSE(make_usage_query("", "", "tomorrow", "", "").is_ok());
  auto spent = (*usage)->spend_by_key();
  EXPECT_DOUBLE_EQ((*spent)["a"], 0.75);
  EXPECT_DOUBLE_EQ((*spent)["b"], 0.0);
}

TEST_F(KeysTest, PricesComeFromTheModelRow) {
  auto usage = UsageStore::open(reg->db_path());
  ASSERT_TRUE(usage.is_ok());
  EXPECT_TRUE((*usage)->prices("nope")->free());
  EXPECT_FALSE(parse_prices(nlohmann::json{{"input_per_1k", -1}}).is_ok());
  EXPECT_FALSE(parse_prices(nlohmann::json{{"per_token", 1}}).is_ok());
  Prices p = *parse_prices(nlohmann::json{{"input_per_1k", 2.0}, {"output_per_1k", 4.0}, {"per_call", 0.01}});
  EXPECT_DOUBLE_EQ(p.cost(500, 250), 0.01 + 1.0 + 1.0);
}

}  // namespace
}  // namespace maas::registry::testing
