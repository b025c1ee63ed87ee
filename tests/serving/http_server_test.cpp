// End to end: a real `maas serve` on a free loopback port, driven over HTTP.
#include <httplib.h>
#include <signal.h>

#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

void expect_openai_error(const httplib::Result& res, int status, const std::string& type) {
  ASSERT_TRUE(res) << "no response";
  EXPECT_EQ(res->status, status);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  json body = json::parse(res->body);
  ASSERT_TRUE(body.contains("error")) << res->body;
  const json& e = body["error"];
  EXPECT_TRUE(e["message"].is_string() && !e["message"].get<std::string>().empty()) << res->body;
  EXPECT_EQ(e["type"], type) << res->body;
  EXPECT_TRUE(e.contains("param")) << res->body;
  EXPECT_TRUE(e["code"].is_string()) << res->body;
}

class HttpServerTest : public ::testing::Test {
 protected:
  TempDir dir;
  ServerProcess server{dir.path(), {"--enable-debug-routes", "--max-body-bytes", "1024"}};
  httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
};

TEST_F(HttpServerTest, HealthAndReadiness) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto h = cli.Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(json::parse(h->body)["status"], "ok");
  auto r = cli.Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["status"], "ready");
}

TEST_F(HttpServerTest, UnknownRouteIs404WithOpenAIBody) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  expect_openai_error(cli.Get("/v1/nothing-here"), 404, "not_found_error");
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllowHeader) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto res = cli.Delete("/healthz");
  expect_openai_error(res, 405, "invalid_request_error");
  EXPECT_EQ(res->get_header_value("Allow"), "GET");
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  std::string big(4096, 'x');
  expect_openai_error(cli.Post("/v1/completions", big, "application/json"), 413, "invalid_request_error");
}

TEST_F(HttpServerTest, InternalErrorsDoNotLeakDetails) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto res = cli.Get("/admin/v1/debug/fail");
  expect_openai_error(res, 500, "server_error");
  EXPECT_EQ(res->body.find("secret-internal-detail"), std::string::npos) << res->body;
  // ... but the log has it, with the request id, for the operator.
  EXPECT_NE(server.log().find("secret-internal-detail"), std::string::npos);
}

TEST_F(HttpServerTest, RequestIdIsEchoedOrGenerated) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto echoed = cli.Get("/healthz", {{"X-Request-Id", "my-trace-42"}});
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->get_header_value("X-Request-Id"), "my-trace-42");
  auto fresh = cli.Get("/healthz");
  ASSERT_TRUE(fresh);
  std::string id = fresh->get_header_value("X-Request-Id");
  EXPECT_FALSE(id.empty());
  EXPECT_NE(id, "my-trace-42");
  // A hostile id (newline injection) is replaced, not echoed.
  auto bad = cli.Get("/healthz", {{"X-Request-Id", std::string(300, 'a')}});
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->get_header_value("X-Request-Id"), std::string(300, 'a'));
}

TEST_F(HttpServerTest, LogsOneStructuredLinePerRequestWithoutBodies) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto res = cli.Post("/v1/embeddings", R"({"input":"my private prompt"})", "application/json");
  ASSERT_TRUE(res);
  auto res2 = cli.Get("/healthz", {{"X-Request-Id", "log-check-1"}});
  ASSERT_TRUE(res2);
  std::string log = server.log();
  EXPECT_EQ(log.find("my private prompt"), std::string::npos);
  size_t at = log.find("\"request_id\":\"log-check-1\"");
  ASSERT_NE(at, std::string::npos) << log;
  size_t line_start = log.rfind('\n', at) + 1;
  json line = json::parse(log.substr(line_start, log.find('\n', at) - line_start));
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["path"], "/healthz");
  EXPECT_EQ(line["status"], 200);
  EXPECT_TRUE(line["latency_ms"].is_number());
}

TEST_F(HttpServerTest, SigtermDrainsInFlightRequestAndExitsZero) {
  ASSERT_TRUE(server.started());
  auto slow = std::async(std::launch::async, [port = server.port()] {
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(30);
    return cli.Get("/admin/v1/debug/sleep?ms=1500");
  });
  // Wait until the request is in flight, then ask the server to stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(server.signal_and_wait(SIGTERM), 0);
  auto res = slow.get();
  ASSERT_TRUE(res) << "in-flight request was dropped";
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["slept_ms"], 1500);
}

TEST(HttpServerConfig, EnvironmentAndConfigFileAreLayeredUnderFlags) {
  TempDir dir;
  std::string cfg = dir.file("maas.conf");
  {
    FILE* f = fopen(cfg.c_str(), "w");
    fputs("# maas settings\nmax-body-bytes = 100\nlog_level = \"info\"\n", f);
    fclose(f);
  }
  // Config says 100 bytes; the environment overrides with 50000; a flag would win over both.
  ServerProcess server(dir.path(), {"--config", cfg}, {"MAAS_MAX_BODY_BYTES=50000"});
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  auto ok = cli.Post("/v1/nothing", std::string(1000, 'x'), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 404);  // passed the body limit (env won over the file)
  auto big = cli.Post("/v1/nothing", std::string(60000, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
}

TEST(HttpServerConfig, UnknownConfigKeyIsAClearError) {
  TempDir dir;
  std::string cfg = dir.file("maas.conf");
  FILE* f = fopen(cfg.c_str(), "w");
  fputs("prot = 9000\n", f);
  fclose(f);
  CommandResult r = run_maas({"serve", "--config", cfg, "--data-dir", dir.path()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown setting 'prot'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace maas::testing
