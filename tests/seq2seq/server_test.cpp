// End to end: a model trained here is imported with `maas models import` into a real
// registry, evaluated by `maas models evaluate` (BLEU, chrF and the baselines), and
// served by a real `maas serve` at POST /v1/translations.
#include <gtest/gtest.h>
#include <httplib.h>

#include "helpers/server_process.h"
#include "seq2seq_test_util.h"

namespace maas::seq2seq {
namespace {

using maas::testing::run_maas;
using maas::testing::ServerProcess;
using maas::testing::TempDir;
using namespace maas::seq2seq::testing;
using nlohmann::json;

json post(httplib::Client& cli, const json& body, int want_status) {
  auto res = cli.Post("/v1/translations", body.dump(), "application/json");
  EXPECT_TRUE(res);
  if (!res) return json();
  EXPECT_EQ(res->status, want_status) << res->body;
  return json::parse(res->body, nullptr, false);
}

TEST(Seq2seqServer, TranslatesThroughTheRegistry) {
  TempDir dir;
  write_tsv(dir.file("numbers.tsv"), number_pairs(600, 7), "english\tfrench");
  train_ok(dir.file("numbers.tsv"), dir.file("numbers.gguf"), number_options());
  const auto imported = run_maas({"models", "import", dir.file("numbers.gguf"), "--name", "numbers", "--data-dir",
                                  dir.file("data")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  write_tsv(dir.file("test.tsv"), number_pairs(50, 11), "english\tfrench");
  const auto evaluated = run_maas({"models", "evaluate", "numbers:1", "--data", dir.file("test.tsv"), "--json",
                                   "--data-dir", dir.file("data")});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const json report = json::parse(evaluated.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << evaluated.out;
  const json& values = report["metrics"]["values"];
  EXPECT_GT(values["bleu"].get<double>(), 80.0) << values.dump();
  EXPECT_NEAR(values["dict_bleu"].get<double>(), 100.0, 1e-6) << values.dump();
  EXPECT_LT(values["copy_bleu"].get<double>(), 20.0) << values.dump();
  EXPECT_EQ(report["stage"], "staging");

  ServerProcess server(dir.file("data"));
  ASSERT_TRUE(server.started()) << server.log();
  httplib::Client cli("127.0.0.1", server.port());

  json one = post(cli, {{"model", "numbers"}, {"input", "one two three"}}, 200);
  ASSERT_EQ(one["data"].size(), 1u);
  EXPECT_EQ(one["data"][0]["translation"], "un deux trois");
  EXPECT_EQ(one["object"], "list");
  EXPECT_FALSE(one["data"][0].contains("alignment"));
  EXPECT_GT(one["usage"]["prompt_tokens"].get<int>(), 0);

  json many = post(cli,
                   {{"model", "numbers"},
                    {"input", {"four five", "six seven eight"}},
                    {"beam", 4},
                    {"length_penalty", 0.6},
                    {"alignment", true}},
                   200);
  ASSERT_EQ(many["data"].size(), 2u);
  EXPECT_EQ(many["data"][0]["translation"], "quatre cinq");
  EXPECT_EQ(many["data"][1]["translation"], "six sept huit");
  const json& a = many["data"][1]["alignment"];
  ASSERT_EQ(a["weights"].size(), a["target_tokens"].size());
  EXPECT_EQ(a["weights"][0].size(), a["source_tokens"].size());
  EXPECT_EQ(a["source_tokens"].back(), "</s>");

  // Bad requests: an OpenAI error body naming the field.
  std::string long_input;
  for (int i = 0; i < 60; ++i) long_input += "one ";
  json too_long = post(cli, {{"model", "numbers"}, {"input", {"one", long_input}}}, 400);
  EXPECT_EQ(too_long["error"]["param"], "input");
  EXPECT_NE(too_long["error"]["message"].get<std::string>().find("input[1] has 60 tokens"), std::string::npos);
  EXPECT_EQ(post(cli, {{"model", "numbers"}, {"input", "one"}, {"beam", 0}}, 400)["error"]["param"], "beam");
  EXPECT_EQ(post(cli, {{"model", "numbers"}, {"input", "one"}, {"temperature", 1}}, 400)["error"]["param"],
            "temperature");
  EXPECT_EQ(post(cli, {{"model", "numbers"}, {"input", json::array()}}, 400)["error"]["param"], "input");
  EXPECT_EQ(post(cli, {{"model", "numbers"}, {"input", {"one", 2}}}, 400)["error"]["param"], "input");
  post(cli, {{"model", "nope"}, {"input", "one"}}, 404);

  // The alignment as the model's explanation.
  auto explained = cli.Post("/v1/explanations", json({{"model", "numbers"}, {"input", "seven eight"}}).dump(),
                            "application/json");
  ASSERT_TRUE(explained);
  ASSERT_EQ(explained->status, 200) << explained->body;
  const json e = json::parse(explained->body);
  EXPECT_EQ(e["data"]["translation"], "sept huit");
  EXPECT_EQ(e["data"]["alignment"].size(), e["data"]["target_tokens"].size());
  auto bad_explain = cli.Post("/v1/explanations", json({{"model", "numbers"}, {"text", "seven"}}).dump(),
                              "application/json");
  ASSERT_TRUE(bad_explain);
  EXPECT_EQ(bad_explain->status, 400) << bad_explain->body;
}

// `maas train seq2seq` with flags generated from the family's options.
TEST(Seq2seqServer, TrainsFromTheCommandLine) {
  TempDir dir;
  write_tsv(dir.file("numbers.tsv"), number_pairs(200, 7));  // no header: columns by index
  const std::vector<std::string> common = {"train", "seq2seq", "--data", dir.file("numbers.tsv"), "--name", "n",
                                           "--data-dir", dir.file("data"), "--src-col", "1", "--tgt-col", "2",
                                           "--vocab", "48", "--hidden", "16", "--dim", "8", "--threads", "1"};
  std::vector<std::string> args = common;
  for (const char* a : {"--epochs", "2", "--batch", "32", "--bleu-samples", "10", "--json"}) args.push_back(a);
  const auto trained = run_maas(args);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const json out = json::parse(trained.out.substr(trained.out.find('{')), nullptr, false);
  ASSERT_TRUE(out.is_object()) << trained.out;
  EXPECT_EQ(out["version"], 1) << trained.out;
  EXPECT_EQ(out["metrics"]["epochs"], 2) << trained.out;

  std::vector<std::string> bad = common;
  for (const char* a : {"--vocab-type", "words"}) bad.push_back(a);
  const auto refused = run_maas(bad);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("vocab"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace maas::seq2seq
