// GET /metrics on a real server: Prometheus text format, and counters that equal the
// requests made (by route, method, status; per model; tokens).
#include <regex>

#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

// The value of one sample line `name{labels} value` (-1 when absent).
double sample(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(Metrics, CountersEqualTheRequestsMade) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));
  httplib::Client cli("127.0.0.1", server.port());

  int64_t prompt = 0, completion = 0;
  for (int i = 0; i < 7; ++i) {
    auto r = cli.Post("/v1/completions", R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":3})",
                      "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    prompt += body_json(r)["usage"]["prompt_tokens"].get<int64_t>();
    completion += body_json(r)["usage"]["completion_tokens"].get<int64_t>();
  }
  for (int i = 0; i < 3; ++i) {
    auto r = cli.Post("/v1/chat/completions",
                      R"({"model":"stories260K","messages":[{"role":"user","content":"Hi"}],"max_tokens":2,"stream":true,"stream_options":{"include_usage":true}})",
                      "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    size_t at = r->body.rfind("\"usage\":{");
    ASSERT_NE(at, std::string::npos) << r->body;
    json usage = json::parse(r->body.substr(at + 8, r->body.find('}', at) - at - 7));
    prompt += usage["prompt_tokens"].get<int64_t>();
    completion += usage["completion_tokens"].get<int64_t>();
  }
  for (int i = 0; i < 4; ++i) ASSERT_EQ(cli.Get("/v1/models")->status, 200);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(cli.Get("/no/such/path")->status, 404);
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(cli.Post("/v1/completions", R"({"model":"stories260K","prompt":"x","max_tokens":-1})", "application/json")
                  ->status,
              400);

  auto m = cli.Get("/metrics");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200);
  EXPECT_EQ(m->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& t = m->body;
  EXPECT_EQ(sample(t, R"(maas_http_requests_total{route="/v1/completions",method="POST",status="200"})"), 7);
  EXPECT_EQ(sample(t, R"(maas_http_requests_total{route="/v1/completions",method="POST",status="400"})"), 5);
  EXPECT_EQ(sample(t, R"(maas_http_requests_total{route="/v1/chat/completions",method="POST",status="200"})"), 3);
  EXPECT_EQ(sample(t, R"(maas_http_requests_total{route="/v1/models",method="GET",status="200"})"), 4);
  EXPECT_EQ(sample(t, R"(maas_http_requests_total{route="unmatched",method="GET",status="404"})"), 2);
  EXPECT_EQ(sample(t, R"(maas_model_requests_total{model="stories260K",version="1",status="200"})"), 10);
  EXPECT_EQ(sample(t, R"(maas_prompt_tokens_total{model="stories260K",version="1"})"), prompt);
  EXPECT_EQ(sample(t, R"(maas_generated_tokens_total{model="stories260K",version="1"})"), completion);
  EXPECT_EQ(sample(t, R"(maas_http_request_duration_seconds_count{route="/v1/completions"})"), 12);
  EXPECT_EQ(sample(t, R"(maas_http_request_duration_seconds_bucket{route="/v1/completions",le="+Inf"})"), 12);
  EXPECT_EQ(sample(t, R"(maas_time_to_first_token_seconds_count{model="stories260K",version="1"})"), 3);
  EXPECT_EQ(sample(t, "maas_loaded_models"), 1);
  EXPECT_GT(sample(t, R"(maas_model_memory_bytes{model="stories260K",version="1"})"), 0);
  EXPECT_EQ(sample(t, R"(maas_scheduler_queue_depth{model="stories260K",version="1"})"), 0);
  EXPECT_EQ(sample(t, R"(maas_active_sequences{model="stories260K",version="1"})"), 0);
  EXPECT_GT(sample(t, R"(maas_kv_cache_bytes{model="stories260K",version="1"})"), 0);

  // Every family has HELP and TYPE lines, every sample line parses.
  std::regex sample_line(R"re(^[a-z_:][a-z0-9_:]*(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfNa]+$)re");
  std::istringstream lines(t);
  std::string line, last_type;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      last_type = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    ++samples;
    EXPECT_TRUE(std::regex_match(line, sample_line)) << line;
    EXPECT_EQ(line.rfind(last_type, 0), 0u) << "sample outside its family: " << line;
  }
  EXPECT_GT(samples, 30);
  // The scrape itself counts from the next scrape on.
  auto m2 = cli.Get("/metrics");
  EXPECT_EQ(sample(m2->body, R"(maas_http_requests_total{route="/metrics",method="GET",status="200"})"), 1);
}

}  // namespace
}  // namespace maas::testing
