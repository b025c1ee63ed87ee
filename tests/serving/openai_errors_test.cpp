// Error paths of the OpenAI routes over raw HTTP: each answers the OpenAI error body
// with the right status.
#include <httplib.h>

#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

json error_of(const httplib::Result& r, int status) {
  EXPECT_TRUE(r);
  if (!r) return json();
  EXPECT_EQ(r->status, status) << r->body;
  json body = json::parse(r->body, nullptr, false);
  EXPECT_TRUE(body.contains("error")) << r->body;
  for (const char* k : {"message", "type", "param", "code"}) EXPECT_TRUE(body["error"].contains(k)) << r->body;
  return body["error"];
}

class OpenAIErrors : public ::testing::Test {
 protected:
  TempDir dir;
  ServerProcess server{dir.file("data"), {"--model", "stories=" + kStories, "--max-sequences", "1", "--max-queue", "1"}};
  httplib::Result post(const std::string& path, const std::string& body) {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(120);
    return c.Post(path, body, "application/json");
  }
};

TEST_F(OpenAIErrors, BadJsonIs400) {
  ASSERT_TRUE(server.started());
  json e = error_of(post("/v1/completions", "{\"model\": \"stories\", "), 400);
  EXPECT_EQ(e["type"], "invalid_request_error");
  EXPECT_NE(e["message"].get<std::string>().find("not valid JSON"), std::string::npos) << e;
  error_of(post("/v1/chat/completions", "[1,2]"), 400);
  error_of(post("/v1/embeddings", ""), 400);
}

TEST_F(OpenAIErrors, UnknownModelIs404NamingIt) {
  ASSERT_TRUE(server.started());
  json e = error_of(post("/v1/completions", R"({"model":"ghost","prompt":"x"})"), 404);
  EXPECT_EQ(e["param"], "model");
  EXPECT_NE(e["message"].get<std::string>().find("ghost"), std::string::npos);
}

TEST_F(OpenAIErrors, BadTypesAndRangesNameTheParameter) {
  ASSERT_TRUE(server.started());
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":"x","max_tokens":"ten"})"), 400)["param"],
            "max_tokens");
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":"x","n":0})"), 400)["param"], "n");
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":"x","stop":[1]})"), 400)["param"], "stop");
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":"x","logit_bias":{"99999":1}})"), 400)["param"],
            "logit_bias");
  EXPECT_EQ(error_of(post("/v1/chat/completions", R"({"model":"stories","messages":"hi"})"), 400)["param"], "messages");
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":[99999]})"), 400)["param"], "prompt");
}

TEST_F(OpenAIErrors, UnsupportedParameterIs400NamingIt) {
  ASSERT_TRUE(server.started());
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":"x","suffix":"y"})"), 400)["param"], "suffix");
  EXPECT_EQ(error_of(post("/v1/completions", R"({"model":"stories","prompt":"x","frobnicate":1})"), 400)["param"],
            "frobnicate");
  EXPECT_EQ(error_of(post("/v1/embeddings", R"({"model":"stories","input":"x","dimensions":8})"), 400)["param"],
            "dimensions");
}

TEST_F(OpenAIErrors, ContextOverflowNamesTheLimits) {
  ASSERT_TRUE(server.started());
  json e = error_of(post("/v1/completions", R"({"model":"stories","prompt":"Once upon a time","max_tokens":510})"), 400);
  const std::string msg = e["message"];
  EXPECT_NE(msg.find("512"), std::string::npos) << msg;
  EXPECT_NE(msg.find("510"), std::string::npos) << msg;
}

TEST_F(OpenAIErrors, FullQueueIs429WithRetryAfter) {
  ASSERT_TRUE(server.started());
  // One sequence slot and one queue place: of 20 long requests sent at once, one runs,
  // one waits, and the others are refused until room frees up.
  const std::string body =
      R"({"model":"stories","prompt":"Once upon a time","max_tokens":500,"temperature":0.9,"ignore_eos":true})";
  // A burst can drain before it fills the queue when the threads start slowly (stories
  // generates 500 tokens in ~50 ms): up to 5 bursts, until one sees a refusal.
  int ok = 0, limited = 0;
  for (int burst = 0; burst < 5 && limited == 0; ++burst) {
    std::vector<std::future<httplib::Result>> calls;
    for (int i = 0; i < 20; ++i)
      calls.push_back(std::async(std::launch::async, [&] { return post("/v1/completions", body); }));
    for (auto& c : calls) {
      httplib::Result r = c.get();
      ASSERT_TRUE(r);
      ASSERT_TRUE(r->status == 200 || r->status == 429) << r->status << " " << r->body;
      if (r->status == 200) ++ok;
      if (r->status == 429) {
        ++limited;
        EXPECT_EQ(r->get_header_value("Retry-After"), "1");
        json e = json::parse(r->body);
        EXPECT_EQ(e["error"]["type"], "rate_limit_error");
        EXPECT_NE(e["error"]["message"].get<std::string>().find("queue is full"), std::string::npos);
      }
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(limited, 1);
}

}  // namespace
}  // namespace maas::testing
