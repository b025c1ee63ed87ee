// Request bounds on a real server: header count (ours, 431), header line and request
// line length (cpp-httplib's compile-time 8192-byte limits), body size, JSON depth.
#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using namespace ops;

class RequestLimits : public ::testing::Test {
 protected:
  TempDir dir;
  ServerProcess server{dir.path(), {"--max-headers", "40", "--max-body-bytes", "4096", "--max-json-depth", "8"}};
  httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
};

TEST_F(RequestLimits, TooManyHeadersIs431) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  httplib::Headers few, many;
  for (int i = 0; i < 20; ++i) few.emplace("X-Extra-" + std::to_string(i), "v");
  for (int i = 0; i < 60; ++i) many.emplace("X-Extra-" + std::to_string(i), "v");
  auto ok = cli.Get("/v1/models", few);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto refused = cli.Get("/v1/models", many);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 431);
  EXPECT_EQ(error_code(refused), "too_many_headers");
}

TEST_F(RequestLimits, LongHeaderLinesAndUrisAreRefusedByTheHttpLayer) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto fits = cli.Get("/v1/models", {{"X-Big", std::string(8000, 'a')}});
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
  auto long_header = cli.Get("/v1/models", {{"X-Big", std::string(9000, 'a')}});
  ASSERT_TRUE(long_header);
  EXPECT_EQ(long_header->status, 400);
  auto long_uri = cli.Get("/v1/models?q=" + std::string(9000, 'a'));
  ASSERT_TRUE(long_uri);
  EXPECT_EQ(long_uri->status, 414);
}

TEST_F(RequestLimits, BodySizeAndJsonDepth) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto big = cli.Post("/v1/completions", std::string(5000, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  std::string deep = R"({"model":"m","prompt":)" + std::string(20, '[') + "1" + std::string(20, ']') + "}";
  auto nested = cli.Post("/v1/completions", deep, "application/json");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->status, 400);
  EXPECT_NE(nested->body.find("nested deeper than 8"), std::string::npos) << nested->body;
}

}  // namespace
}  // namespace maas::testing
