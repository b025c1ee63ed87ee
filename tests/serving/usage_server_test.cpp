// Usage metering against a real server: over a scripted run of 200 mixed requests
// (completions, streamed completions, chat, embeddings, some failing), the usage report
// (HTTP and CLI) equals the sum of the `usage` fields the client was given; rows queued
// at SIGTERM are all written; the opt-in request log stores only redacted bodies.
#include <gtest/gtest.h>
#include <signal.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

struct Totals {
  int64_t calls = 0, errors = 0, prompt = 0, completion = 0;
};

// The usage object of a streamed response: the last data chunk that has one.
json stream_usage(const std::string& sse) {
  json usage;
  size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    size_t end = sse.find('\n', pos);
    std::string payload = sse.substr(pos + 6, end - pos - 6);
    pos = end;
    if (payload == "[DONE]") break;
    json chunk = json::parse(payload, nullptr, false);
    if (chunk.is_object() && chunk.contains("usage") && chunk["usage"].is_object()) usage = chunk["usage"];
  }
  return usage;
}

TEST(Usage, ReportEqualsTheUsageReturnedOverTwoHundredMixedRequests) {
  TempDir dir;
  std::string alice = create_key(dir.path(), "alice");
  std::string bob = create_key(dir.path(), "bob");
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));
  httplib::Client cli("127.0.0.1", server.port());

  std::map<std::string, Totals> by_key;
  const char* prompts[] = {"Once upon a time", "The little dog", "Lily and Tom went to the park", "Hi"};
  for (int i = 0; i < 200; ++i) {
    const std::string& key = i % 3 == 0 ? bob : alice;
    Totals& t = by_key[i % 3 == 0 ? "bob" : "alice"];
    std::string prompt = prompts[i % 4];
    int max_tokens = 1 + i % 5;
    bool streamed = i % 5 == 3;
    auto send = [&]() -> httplib::Result {
      switch (i % 5) {
        case 0:
          return cli.Post("/v1/completions", bearer(key),
                          json({{"model", "stories260K"}, {"prompt", prompt}, {"max_tokens", max_tokens}}).dump(),
                          "application/json");
        case 1:
          return cli.Post("/v1/chat/completions", bearer(key),
                          json({{"model", "stories260K"},
                                {"messages", {{{"role", "user"}, {"content", prompt}}}},
                                {"max_tokens", max_tokens}})
                              .dump(),
                          "application/json");
        case 2:
          return cli.Post("/v1/embeddings", bearer(key),
                          json({{"model", "stories260K"}, {"input", {prompt, "and more"}}}).dump(), "application/json");
        case 3:
          return cli.Post("/v1/completions", bearer(key),
                          json({{"model", "stories260K"},
                                {"prompt", prompt},
                                {"max_tokens", max_tokens},
                                {"stream", true},
                                {"stream_options", {{"include_usage", true}}}})
                              .dump(),
                          "application/json");
        default:
          // Every tenth request fails validation (no usage); the rest are plain completions.
          return cli.Post("/v1/completions", bearer(key),
                          i % 10 == 9 ? json({{"model", "stories260K"}, {"prompt", prompt}, {"max_tokens", -3}}).dump()
                                      : json({{"model", "stories260K"}, {"prompt", prompt}, {"max_tokens", 1}}).dump(),
                          "application/json");
      }
    };
    httplib::Result r = send();
    ASSERT_TRUE(r) << "request " << i;
    ++t.calls;
    if (r->status >= 400) {
      ++t.errors;
      continue;
    }
    ASSERT_EQ(r->status, 200) << r->body;
    json usage = streamed ? stream_usage(r->body) : body_json(r)["usage"];
    ASSERT_TRUE(usage.is_object()) << "request " << i << ": " << r->body;
    t.prompt += usage["prompt_tokens"].get<int64_t>();
    t.completion += usage.value("completion_tokens", int64_t{0});
  }
  Totals all;
  for (const auto& [k, t] : by_key) {
    all.calls += t.calls;
    all.errors += t.errors;
    all.prompt += t.prompt;
    all.completion += t.completion;
  }
  EXPECT_EQ(all.calls, 200);
  EXPECT_EQ(all.errors, 20);
  EXPECT_GT(all.completion, 0);

  // Over HTTP (an admin key would be needed: make one; its own calls are counted apart).
  std::string admin = create_key(dir.path(), "root", {"--role", "admin"});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto rep = cli.Get("/admin/v1/usage?group_by=key&model=stories260K", bearer(admin));
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->status, 200) << rep->body;
  json report = body_json(rep);
  std::map<std::string, json> groups;
  for (const auto& g : report["data"]) groups[g["group"]] = g;
  ASSERT_EQ(groups.size(), 2u) << report.dump();
  for (const auto& [name, t] : by_key) {
    const json& g = groups[name];
    // Validation failures reached no model: they are in the key's calls but not here.
    EXPECT_EQ(g["prompt_tokens"], t.prompt) << name;
    EXPECT_EQ(g["completion_tokens"], t.completion) << name;
  }
  auto per_key = cli.Get("/admin/v1/usage?key=alice", bearer(admin));
  ASSERT_TRUE(per_key);
  json alice_total = body_json(per_key)["total"];
  EXPECT_EQ(alice_total["calls"], by_key["alice"].calls);
  EXPECT_EQ(alice_total["errors"], by_key["alice"].errors);
  EXPECT_EQ(alice_total["prompt_tokens"], by_key["alice"].prompt);
  EXPECT_EQ(alice_total["completion_tokens"], by_key["alice"].completion);

  // The CLI reads the same rows.
  CommandResult cli_rep = run_maas({"usage", "--group-by", "model", "--json", "--data-dir", dir.path()});
  ASSERT_EQ(cli_rep.exit_code, 0) << cli_rep.err;
  json rows = json::parse(cli_rep.out);
  int64_t prompt = 0, completion = 0, calls = 0;
  for (const auto& row : rows) {
    prompt += row["prompt_tokens"].get<int64_t>();
    completion += row["completion_tokens"].get<int64_t>();
    calls += row["calls"].get<int64_t>();
  }
  EXPECT_EQ(prompt, all.prompt);
  EXPECT_EQ(completion, all.completion);
  EXPECT_GE(calls, all.calls);  // plus the admin's report calls
  CommandResult table = run_maas({"usage", "--key", "bob", "--since", "2020-01-01", "--data-dir", dir.path()});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("CALLS"), std::string::npos);
  EXPECT_NE(table.out.find(" " + std::to_string(by_key["bob"].calls) + " "), std::string::npos) << table.out;
  CommandResult bad = run_maas({"usage", "--since", "yesterday", "--data-dir", dir.path()});
  EXPECT_EQ(bad.exit_code, 1);
}

TEST(Usage, EveryQueuedRowIsWrittenOnSigterm) {
  TempDir dir;
  std::string key = create_key(dir.path(), "k");
  // Nothing is flushed on a timer during the test: every row waits for shutdown.
  ServerProcess server(dir.path(), {"--usage-flush-ms", "3600000"});
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  constexpr int kRequests = 150;
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(cli.Get("/v1/models", bearer(key))->status, 200);
  std::string db = dir.file("registry.db");
  EXPECT_EQ(sql_rows(db, "SELECT COUNT(*) FROM usage"), std::vector<std::string>{"0"}) << "rows were written early";
  EXPECT_EQ(server.signal_and_wait(SIGTERM), 0);
  EXPECT_EQ(sql_rows(db, "SELECT COUNT(*) FROM usage WHERE key_name = 'k' AND route = '/v1/models' AND status = 200"),
            std::vector<std::string>{std::to_string(kRequests)});
}

TEST(Usage, RequestLogIsOptInAndRedacted) {
  TempDir dir;
  std::string logged = create_key(dir.path(), "logged", {"--log-requests"});
  std::string quiet = create_key(dir.path(), "quiet");
  std::string admin = create_key(dir.path(), "root", {"--role", "admin"});
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));
  httplib::Client cli("127.0.0.1", server.port());
  const std::string secret_prompt =
      "Email jane.roe@example.com or call (555) 123-4567, card 4111 1111 1111 1111, key sk-abcdef0123456789abcdef";
  json body = {{"model", "stories260K"}, {"prompt", secret_prompt}, {"max_tokens", 2}};
  ASSERT_EQ(cli.Post("/v1/completions", bearer(logged), body.dump(), "application/json")->status, 200);
  ASSERT_EQ(cli.Post("/v1/completions", bearer(quiet), body.dump(), "application/json")->status, 200);
  auto log = cli.Get("/admin/v1/request-log", bearer(admin));
  ASSERT_TRUE(log);
  ASSERT_EQ(log->status, 200) << log->body;
  json rows = body_json(log)["data"];
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["key"], "logged");
  json stored = json::parse(rows[0]["request_body"].get<std::string>());
  EXPECT_EQ(stored["prompt"],
            "Email [REDACTED:email] or call [REDACTED:phone], card [REDACTED:card], key [REDACTED:api_key]");
  EXPECT_TRUE(json::parse(rows[0]["response_body"].get<std::string>()).contains("choices"));
  // Nothing of the prompt anywhere in the database or the server log.
  for (const char* fragment : {"jane.roe", "123-4567", "4111 1111", "sk-abcdef"}) {
    for (const char* table : {"usage", "request_log"})
      for (const auto& row : sql_rows(dir.file("registry.db"), std::string("SELECT * FROM ") + table))
        EXPECT_EQ(row.find(fragment), std::string::npos) << table << ": " << row;
    EXPECT_EQ(server.log().find(fragment), std::string::npos);
  }
}

}  // namespace
}  // namespace maas::testing

namespace maas::testing {
namespace {

TEST(Privacy, LogBodiesIsRedactedToo) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--log-bodies"});
  ASSERT_TRUE(server.started());
  httplib::Client cli("127.0.0.1", server.port());
  auto r = cli.Post("/v1/embeddings", R"({"model":"none","input":"write to jane.roe@example.com"})", "application/json");
  ASSERT_TRUE(r);
  std::string log = server.log();
  EXPECT_EQ(log.find("jane.roe@example.com"), std::string::npos);
  EXPECT_NE(log.find("[REDACTED:email]"), std::string::npos) << log;
}

}  // namespace
}  // namespace maas::testing
