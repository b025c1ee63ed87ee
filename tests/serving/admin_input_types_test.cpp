// Admin bodies with fields of the wrong JSON type get 400 naming the field, never a 500
// from a JSON type error, and change nothing (issue 17: PUT .../traffic answered 500).
#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

TEST(AdminInputTypes, TrafficWeightAndShadowOfTheWrongTypeAre400) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  auto before = cli.Get("/admin/v1/models/stories260K/traffic");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200) << before->body;

  const std::vector<std::pair<json, std::string>> bad = {
      {json{{"version", 1}, {"weight", "0.9"}}, "'weight' must be a number"},
      {json{{"version", 1}, {"weight", nullptr}}, "'weight' must be a number"},
      {json{{"version", 1}, {"weight", json::array({1})}}, "'weight' must be a number"},
      {json{{"version", 1}, {"weight", 1.0}, {"shadow", "yes"}}, "'shadow' must be true or false"},
      {json{{"version", 1}, {"weight", 1.0}, {"shadow", 1}}, "'shadow' must be true or false"},
  };
  for (const auto& [entry, message] : bad) {
    auto r = cli.Put("/admin/v1/models/stories260K/traffic", json{{"traffic", json::array({entry})}}.dump(),
                     "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << entry.dump() << " -> " << r->body;
    EXPECT_NE(r->body.find(message), std::string::npos) << r->body;
    EXPECT_EQ(body_json(r)["error"]["param"], "traffic") << r->body;
  }
  auto after = cli.Get("/admin/v1/models/stories260K/traffic");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, before->body);
  EXPECT_EQ(server.log().find("\"status\":500"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace maas::testing
