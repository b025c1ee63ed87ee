// Prompt chunking through a real server: with a step budget of a few tokens a prompt is
// computed over several steps, interleaved with another stream's decoding, and the
// greedy text is still the reference continuation.
#include <httplib.h>

#include <future>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
// ../shared/models/README.md: greedy continuation of "Once upon a time" (30 tokens).
const std::string kReference = ", there was a little girl named Lily. She loved to play outside in the park. One day,";

TEST(PromptChunking, SmallStepBudgetGivesTheSameGreedyText) {
  TempDir dir;
  ServerProcess server{dir.file("data"), {"--model", "stories=" + kStories, "--max-sequences", "2",
                                          "--max-batch-tokens", "2"}};
  ASSERT_TRUE(server.started());
  auto complete = [&](const std::string& prompt, int max_tokens) {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(60);
    json body = {{"model", "stories"}, {"prompt", prompt}, {"max_tokens", max_tokens}, {"temperature", 0}};
    return c.Post("/v1/completions", body.dump(), "application/json");
  };
  // The 5-token prompt goes through in steps of at most 2 tokens (one of them taken by
  // the other stream's decode while that one runs).
  auto background = std::async(std::launch::async, [&] { return complete("One day, a little", 200); });
  auto r = complete("Once upon a time", 30);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json out = json::parse(r->body);
  EXPECT_EQ(out["choices"][0]["text"], kReference);
  EXPECT_EQ(out["usage"]["prompt_tokens"], 5);
  auto b = background.get();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200) << b->body;
}

TEST(PromptChunking, BudgetOutOfRangeIsRefused) {
  CommandResult r = run_maas({"serve", "--max-batch-tokens", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("max-batch-tokens"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace maas::testing
