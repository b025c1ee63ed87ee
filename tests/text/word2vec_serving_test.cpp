// The word2vec family served end to end: `maas models import` of the real hamlet
// vectors (and of a trained GGUF model), then /v1/embeddings and /v1/similar-words on
// a real server process, with their errors; `maas models evaluate` on word pairs.
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <httplib.h>

#include "core/files.h"
#include "helpers/server_process.h"
#include "text/word2vec/formats.h"
#include "text/word2vec/neighbours.h"

namespace maas::text::word2vec {
namespace {

using maas::testing::CommandResult;
using maas::testing::run_maas;
using maas::testing::ServerProcess;
using maas::testing::TempDir;
using nlohmann::json;

const std::string kHamlet = std::string(MAAS_SHARED_DIR) + "/data/word2vec/hamlet-vectors.txt";
const std::string kSotu = std::string(MAAS_SHARED_DIR) + "/data/text/sotu.txt";

class Word2vecServing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    ASSERT_EQ(maas({"models", "import", kHamlet, "--name", "hamlet"}).exit_code, 0);
    // A small model trained by `maas train word2vec` (GGUF, with counts) for SIF weighting.
    Result<std::string> sotu = read_file(kSotu);
    ASSERT_TRUE(sotu.is_ok());
    {
      std::ofstream(dir_->file("corpus.txt")) << sotu->substr(0, 300000);
    }
    CommandResult trained = maas({"train", "word2vec", "--data", dir_->file("corpus.txt"), "--name", "sotu", "--mode",
                                  "cbow", "--dim", "16", "--epochs", "1", "--threads", "1", "--json"});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    json report = json::parse(trained.out.substr(trained.out.rfind("\n{") == std::string::npos ? 0 : trained.out.rfind("\n{") + 1),
                              nullptr, false);
    EXPECT_EQ(report["model"], "sotu") << trained.out;
    EXPECT_TRUE(report["metrics"].contains("words_per_second_per_thread")) << trained.out;
    CommandResult bad_option = maas({"train", "word2vec", "--data", dir_->file("corpus.txt"), "--name", "x", "--mode", "glove"});
    EXPECT_NE(bad_option.exit_code, 0);
    server_ = new ServerProcess(dir_->path());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static CommandResult maas(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(dir_->path());
    return run_maas(args);
  }
  static std::pair<int, json> post(const std::string& path, const json& body, std::string* version = nullptr) {
    httplib::Client cli("127.0.0.1", server_->port());
    cli.set_read_timeout(60);
    auto res = cli.Post(path, body.dump(), "application/json");
    if (!res) return {0, json()};
    if (version) *version = res->get_header_value("X-Maas-Model-Version");
    return {res->status, json::parse(res->body, nullptr, false)};
  }
  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* Word2vecServing::dir_ = nullptr;
ServerProcess* Word2vecServing::server_ = nullptr;

TEST_F(Word2vecServing, EmbeddingsOfWordsAndTexts) {
  ASSERT_TRUE(server_->started());
  Result<WordVectors> v = read_text_vectors(kHamlet, true);
  ASSERT_TRUE(v.is_ok());
  auto [status, body] = post("/v1/embeddings", {{"model", "hamlet"}, {"input", json::array({"king", "the king xyzzy"})}});
  ASSERT_EQ(status, 200) << body.dump();
  ASSERT_EQ(body["data"].size(), 2u);
  const json& king = body["data"][0]["embedding"];
  ASSERT_EQ(king.size(), 200u);
  for (int d = 0; d < 200; ++d) ASSERT_FLOAT_EQ(king[d].get<float>(), v->row(v->find("king"))[d]);
  EXPECT_FALSE(body["data"][0].contains("unknown_words"));
  // A text: the mean of its known words; unknown ones reported.
  const json& text = body["data"][1]["embedding"];
  const float* the = v->row(v->find("the"));
  const float* k = v->row(v->find("king"));
  for (int d = 0; d < 200; ++d) ASSERT_NEAR(text[d].get<float>(), (the[d] + k[d]) / 2, 1e-6);
  EXPECT_EQ(body["data"][1]["unknown_words"], json::array({"xyzzy"}));
  EXPECT_EQ(body["usage"]["prompt_tokens"], 4);
}

TEST_F(Word2vecServing, EmbeddingErrors) {
  auto [s1, none] = post("/v1/embeddings", {{"model", "hamlet"}, {"input", "xyzzy qwerty"}});
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(none["error"]["param"], "input");
  EXPECT_NE(none["error"]["message"].get<std::string>().find("none of its 2 words"), std::string::npos);
  auto [s2, sif] = post("/v1/embeddings", {{"model", "hamlet"}, {"input", "king"}, {"sif", true}});
  EXPECT_EQ(s2, 400);  // imported vectors have no counts
  EXPECT_EQ(sif["error"]["param"], "sif");
  auto [s3, unknown_field] = post("/v1/embeddings", {{"model", "hamlet"}, {"input", "king"}, {"pooling", "max"}});
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(unknown_field["error"]["param"], "pooling");
  auto [s4, tokens] = post("/v1/embeddings", {{"model", "hamlet"}, {"input", json::array({1, 2})}});
  EXPECT_EQ(s4, 400);
  auto [s5, missing] = post("/v1/embeddings", {{"model", "nope"}, {"input", "king"}});
  EXPECT_EQ(s5, 404);
}

TEST_F(Word2vecServing, SifWeightingOnATrainedModel) {
  auto [s1, plain] = post("/v1/embeddings", {{"model", "sotu"}, {"input", "the war of the states"}});
  ASSERT_EQ(s1, 200) << plain.dump();
  auto [s2, sif] = post("/v1/embeddings", {{"model", "sotu"}, {"input", "the war of the states"}, {"sif", true}});
  ASSERT_EQ(s2, 200) << sif.dump();
  ASSERT_EQ(sif["data"][0]["embedding"].size(), 16u);
  EXPECT_NE(sif["data"][0]["embedding"], plain["data"][0]["embedding"]);
  // SIF with one word is that word's vector, like the plain mean.
  auto [s3, one] = post("/v1/embeddings", {{"model", "sotu"}, {"input", "War"}, {"sif", true}});
  auto [s4, one_plain] = post("/v1/embeddings", {{"model", "sotu"}, {"input", "war"}});
  ASSERT_EQ(s3, 200);
  for (int d = 0; d < 16; ++d)
    EXPECT_NEAR(one["data"][0]["embedding"][d].get<float>(), one_plain["data"][0]["embedding"][d].get<float>(), 1e-6);
}

TEST_F(Word2vecServing, SimilarWords) {
  Result<WordVectors> v = read_text_vectors(kHamlet, true);
  ASSERT_TRUE(v.is_ok());
  UnitVectors uv(*v);
  auto [status, body] = post("/v1/similar-words", {{"model", "hamlet"}, {"word", "king"}, {"k", 5}});
  ASSERT_EQ(status, 200) << body.dump();
  ASSERT_EQ(body["data"].size(), 5u);
  auto expected = uv.nearest({v->find("king")}, {}, 5);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(body["data"][i]["word"], v->word(expected[i].first));
    EXPECT_NEAR(body["data"][i]["score"].get<double>(), expected[i].second, 1e-6);
    EXPECT_NE(body["data"][i]["word"], "king");
    if (i > 0) {
      EXPECT_GE(body["data"][i - 1]["score"].get<double>(), body["data"][i]["score"].get<double>());
    }
  }
  auto [s2, analogy] = post("/v1/similar-words", {{"model", "hamlet"},
                                                  {"positive", json::array({"king", "woman"})},
                                                  {"negative", json::array({"man"})}});
  ASSERT_EQ(s2, 200) << analogy.dump();
  EXPECT_EQ(analogy["data"].size(), 10u);  // k defaults to 10
  auto best = uv.nearest({v->find("king"), v->find("woman")}, {v->find("man")}, 1);
  EXPECT_EQ(analogy["data"][0]["word"], v->word(best[0].first));
}

TEST_F(Word2vecServing, SimilarWordsErrors) {
  auto [s1, unknown] = post("/v1/similar-words", {{"model", "hamlet"}, {"word", "xyzzy"}});
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(unknown["error"]["param"], "word");
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("'xyzzy' is not in the model's vocabulary"),
            std::string::npos);
  auto [s2, neg] = post("/v1/similar-words",
                        {{"model", "hamlet"}, {"positive", json::array({"king"})}, {"negative", json::array({"zz"})}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(neg["error"]["param"], "negative[0]");
  auto [s3, model] = post("/v1/similar-words", {{"model", "nope"}, {"word", "king"}});
  EXPECT_EQ(s3, 404);
  auto [s4, nothing] = post("/v1/similar-words", {{"model", "hamlet"}});
  EXPECT_EQ(s4, 400);
  auto [s5, both] = post("/v1/similar-words", {{"model", "hamlet"}, {"word", "king"}, {"positive", json::array({"a"})}});
  EXPECT_EQ(s5, 400);
  auto [s6, k] = post("/v1/similar-words", {{"model", "hamlet"}, {"word", "king"}, {"k", 0}});
  EXPECT_EQ(s6, 400);
  EXPECT_EQ(k["error"]["param"], "k");
  auto [s7, extra] = post("/v1/similar-words", {{"model", "hamlet"}, {"word", "king"}, {"top", 3}});
  EXPECT_EQ(s7, 400);
}

TEST_F(Word2vecServing, MalformedFilesAreNotImported) {
  std::ofstream(dir_->file("bad.txt")) << "3 4\nx 1 2 3 4\ny 1 2 3\n";
  CommandResult bad = maas({"models", "import", dir_->file("bad.txt"), "--name", "bad"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("line 3: word 'y' has 3 values, expected 4"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  CommandResult list = maas({"models", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out.find("\"bad\""), std::string::npos) << list.out;
}

TEST_F(Word2vecServing, EvaluatesWordPairs) {
  std::ofstream(dir_->file("pairs.txt")) << "king queen 8\nlord lady 7\nfather mother 8\nking sword 2\nnight day 5\n";
  CommandResult r = maas({"models", "evaluate", "hamlet:1", "--data", dir_->file("pairs.txt"), "--json"});
  EXPECT_NE(r.out.find("\"spearman\""), std::string::npos) << r.out << r.err;
}

TEST_F(Word2vecServing, TrafficSplitsBetweenTwoVersions) {
  // Version 2 of "words" is the same vectors in the binary format.
  Result<WordVectors> v = read_text_vectors(kHamlet, true);
  ASSERT_TRUE(v.is_ok());
  ASSERT_TRUE(write_binary_vectors(*v, dir_->file("hamlet.bin")).is_ok());
  auto [s1, v1] = post("/admin/v1/models", {{"path", kHamlet}, {"name", "words"}});
  ASSERT_EQ(s1, 201) << v1.dump();
  auto [s2, v2] = post("/admin/v1/models", {{"path", dir_->file("hamlet.bin")}, {"name", "words"}});
  ASSERT_EQ(s2, 201) << v2.dump();
  EXPECT_EQ(v2["version"], 2);
  for (int version : {1, 2}) {
    const std::string base = "/admin/v1/models/words/versions/" + std::to_string(version);
    for (const char* stage : {"testing", "staging"}) ASSERT_EQ(post(base + "/transition", {{"to", stage}, {"reason", "test"}}).first, 200);
    ASSERT_EQ(post(base + "/promote", {{"reason", "test"}}).first, 200);
  }
  httplib::Client cli("127.0.0.1", server_->port());
  json traffic = {{"traffic", {{{"version", 1}, {"weight", 0.5}}, {{"version", 2}, {"weight", 0.5}}}}, {"reason", "canary"}};
  auto put = cli.Put("/admin/v1/models/words/traffic", traffic.dump(), "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  std::map<std::string, int> seen;
  json first_answer;
  for (int u = 0; u < 30; ++u) {
    const std::string user = "user-" + std::to_string(u);
    std::string version, again;
    auto [status, body] = post("/v1/similar-words", {{"model", "words"}, {"word", "king"}, {"k", 3}, {"user", user}}, &version);
    ASSERT_EQ(status, 200) << body.dump();
    post("/v1/similar-words", {{"model", "words"}, {"word", "king"}, {"k", 3}, {"user", user}}, &again);
    EXPECT_EQ(again, version) << user;  // sticky per user
    ++seen[version];
    if (first_answer.is_null()) first_answer = body["data"];
    EXPECT_EQ(body["data"], first_answer);  // both versions hold the same vectors
  }
  EXPECT_GT(seen["words:1"], 0);
  EXPECT_GT(seen["words:2"], 0);
  EXPECT_EQ(seen["words:1"] + seen["words:2"], 30);
}

}  // namespace
}  // namespace maas::text::word2vec
