// A trained model as a file: save/load round trips, deterministic training, beam search
// against greedy, alignments, evaluation with the two baselines, and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "seq2seq/evaluate.h"
#include "seq2seq/model.h"
#include "seq2seq_test_util.h"
#include "helpers/server_process.h"
#include "tensor/thread_pool.h"

namespace maas::seq2seq {
namespace {

using maas::testing::TempDir;
using namespace maas::seq2seq::testing;

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// One small model trained once for the whole suite (a second or two).
class Seq2seqModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    write_tsv(dir_->file("numbers.tsv"), number_pairs(600, 7), "english\tfrench");
    result_ = new TrainResult(train_ok(dir_->file("numbers.tsv"), dir_->file("numbers.gguf"), number_options()));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  static std::string model_path() { return dir_->file("numbers.gguf"); }
  static TempDir* dir_;
  static TrainResult* result_;
};
TempDir* Seq2seqModelTest::dir_ = nullptr;
TrainResult* Seq2seqModelTest::result_ = nullptr;

TEST_F(Seq2seqModelTest, TrainsToHighValidationBleu) {
  EXPECT_GT(result_->metrics.value("val_bleu", 0.0), 90.0) << result_->metrics.dump();
  EXPECT_LT(result_->metrics.value("val_loss", 99.0), 0.2) << result_->metrics.dump();
  EXPECT_EQ(result_->params.value("training_pairs", 0), 540);
}

TEST_F(Seq2seqModelTest, SaveLoadRoundTripGivesIdenticalOutput) {
  Result<Seq2seqModel> a = load_model(model_path());
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  const std::string copy = dir_->file("copy.gguf");
  ASSERT_TRUE(save_model(*a, copy).is_ok());
  EXPECT_EQ(file_bytes(copy), file_bytes(model_path()));
  Result<Seq2seqModel> b = load_model(copy);
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  tensor::ThreadPool pool(1);
  DecodeOptions o;
  o.beam = 3;
  o.attention = true;
  const std::vector<std::string> inputs = {"one two three", "eight seven six five four"};
  auto ta = translate_texts(*a, inputs, o, &pool), tb = translate_texts(*b, inputs, o, &pool);
  ASSERT_TRUE(ta.is_ok() && tb.is_ok());
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ((*ta)[i].text, (*tb)[i].text);
    EXPECT_EQ((*ta)[i].log_prob, (*tb)[i].log_prob);
    EXPECT_EQ((*ta)[i].alignment, (*tb)[i].alignment);
  }
  EXPECT_EQ((*ta)[0].text, "un deux trois");
}

TEST_F(Seq2seqModelTest, BeamSearchNeverScoresBelowGreedy) {
  Result<Seq2seqModel> m = load_model(model_path());
  ASSERT_TRUE(m.is_ok());
  tensor::ThreadPool pool(1);
  std::vector<std::string> inputs;
  for (const auto& p : number_pairs(40, 1234)) inputs.push_back(p.first);
  inputs.push_back("seven");                          // shorter than anything seen
  inputs.push_back("one one one one one one one one");  // longer than anything seen
  DecodeOptions greedy, beam;
  beam.beam = 4;
  auto g = translate_texts(*m, inputs, greedy, &pool), b = translate_texts(*m, inputs, beam, &pool);
  ASSERT_TRUE(g.is_ok() && b.is_ok());
  for (size_t i = 0; i < inputs.size(); ++i) EXPECT_GE((*b)[i].log_prob, (*g)[i].log_prob - 1e-6) << inputs[i];
}

TEST_F(Seq2seqModelTest, AlignmentIsADistributionPerTargetToken) {
  Result<Seq2seqModel> m = load_model(model_path());
  ASSERT_TRUE(m.is_ok());
  tensor::ThreadPool pool(1);
  DecodeOptions o;
  o.attention = true;
  auto t = translate_texts(*m, {"four five six"}, o, &pool);
  ASSERT_TRUE(t.is_ok());
  const Translation& x = (*t)[0];
  EXPECT_EQ(x.text, "quatre cinq six");
  ASSERT_EQ(x.source_tokens.size(), static_cast<size_t>(x.source_token_count + 1));  // + </s>
  EXPECT_EQ(x.source_tokens.back(), "</s>");
  ASSERT_EQ(x.alignment.size(), x.target_tokens.size());
  EXPECT_EQ(x.target_tokens.back(), "</s>");
  for (const auto& row : x.alignment) {
    ASSERT_EQ(row.size(), x.source_tokens.size());
    double sum = 0;
    for (float w : row) sum += w;
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
}

TEST_F(Seq2seqModelTest, EvaluatesAgainstBothBaselines) {
  Result<Seq2seqModel> m = load_model(model_path());
  ASSERT_TRUE(m.is_ok());
  write_tsv(dir_->file("test.tsv"), number_pairs(100, 4321), "english\tfrench");
  tensor::ThreadPool pool(1);
  Result<Metrics> r = evaluate_model(*m, {dir_->file("test.tsv"), nlohmann::json::object()}, &pool);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const nlohmann::json& v = r->values;
  EXPECT_GT(v["bleu"].get<double>(), 90.0) << v.dump();
  EXPECT_GT(v["chrf"].get<double>(), 90.0) << v.dump();
  EXPECT_NEAR(v["dict_bleu"].get<double>(), 100.0, 1e-9) << v.dump();  // a pure word mapping
  EXPECT_LT(v["copy_bleu"].get<double>(), 20.0) << v.dump();
  EXPECT_EQ(v["pairs"].get<int>(), 100);
  EXPECT_TRUE(r->higher_is_better["bleu"].get<bool>());
  // Columns by index on a file without a header.
  write_tsv(dir_->file("test_noheader.tsv"), number_pairs(20, 4321));
  Result<Metrics> by_index =
      evaluate_model(*m, {dir_->file("test_noheader.tsv"), {{"src_col", "1"}, {"tgt_col", "2"}}}, &pool);
  ASSERT_TRUE(by_index.is_ok()) << by_index.status().message();
  EXPECT_EQ(by_index->values["pairs"].get<int>(), 20);
}

TEST_F(Seq2seqModelTest, RefusesOverlongAndEmptyInputs) {
  Result<Seq2seqModel> m = load_model(model_path());
  ASSERT_TRUE(m.is_ok());
  tensor::ThreadPool pool(1);
  std::string long_input;
  for (int i = 0; i < 50; ++i) long_input += "one ";
  auto r = translate_texts(*m, {"one", long_input}, {}, &pool);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("input[1] has 50 tokens, more than this model's limit of 40"), std::string::npos)
      << r.status().message();
  auto empty = translate_texts(*m, {"   "}, {}, &pool);
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.status().message().find("input[0] is empty"), std::string::npos);
}

TEST(Seq2seqTraining, DeterministicForSeedAndThreads) {
  TempDir dir;
  write_tsv(dir.file("d.tsv"), number_pairs(200, 3), "english\tfrench");
  nlohmann::json o = number_options();
  o["epochs"] = 2;
  train_ok(dir.file("d.tsv"), dir.file("a.gguf"), o);
  train_ok(dir.file("d.tsv"), dir.file("b.gguf"), o);
  EXPECT_EQ(file_bytes(dir.file("a.gguf")), file_bytes(dir.file("b.gguf")));
  o["threads"] = 2;  // the row-parallel loops and GEMM sum in a fixed order
  train_ok(dir.file("d.tsv"), dir.file("c.gguf"), o);
  EXPECT_EQ(file_bytes(dir.file("a.gguf")), file_bytes(dir.file("c.gguf")));
  o["seed"] = 2;
  train_ok(dir.file("d.tsv"), dir.file("d.gguf"), o);
  EXPECT_NE(file_bytes(dir.file("a.gguf")), file_bytes(dir.file("d.gguf")));
}

// Errors from train(): the message names what is wrong, and no output file is left.
std::string train_error(const std::string& data, nlohmann::json given, const std::string& out) {
  Result<nlohmann::json> options = resolve_options(train_options(), given);
  if (!options.is_ok()) return "options: " + options.status().message();
  NullTrainMonitor monitor;
  Result<TrainResult> r = train({data, *options, out, &monitor});
  EXPECT_FALSE(r.is_ok());
  EXPECT_FALSE(std::filesystem::exists(out));
  return r.is_ok() ? "" : r.status().message();
}

TEST(Seq2seqTraining, BadInputGetsClearErrors) {
  TempDir dir;
  const std::string out = dir.file("out.gguf");
  write_tsv(dir.file("ok.tsv"), number_pairs(20, 1), "english\tfrench");
  nlohmann::json o = number_options();

  nlohmann::json missing = o;
  missing["tgt_col"] = "german";
  EXPECT_NE(train_error(dir.file("ok.tsv"), missing, out).find("german"), std::string::npos);

  nlohmann::json index = o;
  index["src_col"] = "1";
  index["tgt_col"] = "3";
  index["header"] = "yes";
  EXPECT_NE(train_error(dir.file("ok.tsv"), index, out).find("target column 3 does not exist"), std::string::npos);

  std::ofstream(dir.file("empty.tsv")).close();
  EXPECT_NE(train_error(dir.file("empty.tsv"), o, out).find("empty"), std::string::npos);

  std::ofstream(dir.file("ragged.tsv")) << "english\tfrench\none\tun\ntwo\tdeux\textra\n";
  EXPECT_NE(train_error(dir.file("ragged.tsv"), o, out).find("line 3: 3 fields, expected 2"), std::string::npos);

  std::ofstream(dir.file("blank.tsv")) << "english\tfrench\none\t\n\t deux\n";
  EXPECT_NE(train_error(dir.file("blank.tsv"), o, out).find("no row with both a source and a target"), std::string::npos);

  nlohmann::json missing_option = o;
  missing_option.erase("src_col");
  EXPECT_NE(train_error(dir.file("ok.tsv"), missing_option, out).find("src_col"), std::string::npos);

  nlohmann::json tiny_limit = o;
  tiny_limit["max_tokens"] = 2;
  EXPECT_NE(train_error(dir.file("ok.tsv"), tiny_limit, out).find("max_tokens"), std::string::npos);
}

}  // namespace
}  // namespace maas::seq2seq
