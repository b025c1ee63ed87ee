// textclf through the real binary: `maas train textclf` trains and registers a version
// (or, on bad data, says why on one line and registers nothing), `maas models import`
// finds the family from a file, `maas models evaluate` scores held-back sentences
// through the lifecycle gate, and a broken file registers nothing.
#include <fstream>

#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "text/textclf/textclf_family.h"
#include "text/textclf_data.h"

namespace maas::text {
namespace {

using maas::testing::CommandResult;
using maas::testing::run_maas;
using maas::testing::TempDir;
using nlohmann::json;

size_t version_count(const std::string& data_dir, const std::string& model) {
  CommandResult shown = run_maas({"models", "show", model, "--data-dir", data_dir, "--json"});
  json j = json::parse(shown.out, nullptr, false);
  EXPECT_TRUE(j.is_object() && j["versions"].is_array()) << shown.out << shown.err;
  return j.is_object() && j["versions"].is_array() ? j["versions"].size() : 0;
}

TEST(TextClfCli, TrainRegistersAVersionOrNothing) {
  TempDir dir;
  const auto split = testing::write_sentiment_split(dir.path());
  const std::string data_dir = dir.file("registry");
  CommandResult trained = run_maas({"train", "textclf", "--data", split.train_path, "--name", "sentiment", "--ngrams",
                                    "1,2", "--validation", "0.2", "--epochs", "5", "--data-dir", data_dir, "--json"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  json report = json::parse(trained.out.substr(trained.out.find("{\"")), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << trained.out;
  EXPECT_EQ(report["version"], 1) << report.dump();
  EXPECT_GT(report["metrics"]["val_accuracy"].get<double>(), 0.7) << report.dump();

  // One label only: one line on stderr naming the file, exit non-zero, no version 2.
  const std::string one = testing::write_text(dir.path(), "one.tsv", "text\tlabel\ngood\t1\nfine\t1\n");
  CommandResult bad = run_maas({"train", "textclf", "--data", one, "--name", "sentiment", "--data-dir", data_dir});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("only one label ('1')"), std::string::npos) << bad.err;
  CommandResult col = run_maas({"train", "textclf", "--data", split.train_path, "--name", "sentiment", "--text-col",
                                "review", "--data-dir", data_dir});
  EXPECT_NE(col.exit_code, 0);
  EXPECT_NE(col.err.find("has no column 'review' (columns: text, label)"), std::string::npos) << col.err;
  EXPECT_EQ(version_count(data_dir, "sentiment"), 1u);
}

TEST(TextClfCli, ImportAndEvaluateThroughTheRegistry) {
  TempDir dir;
  const auto split = testing::write_sentiment_split(dir.path());
  NullTrainMonitor monitor;
  ASSERT_TRUE(make_textclf_family()
                  ->train(TrainSpec{split.train_path, testing::train_options({{"validation", 0.0}}), dir.file("m.gguf"), &monitor})
                  .is_ok());
  const std::string data_dir = dir.file("registry");

  CommandResult imported = run_maas({"models", "import", dir.file("m.gguf"), "--name", "sentiment", "--data-dir", data_dir});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult shown = run_maas({"models", "list", "--data-dir", data_dir});
  EXPECT_NE(shown.out.find("textclf"), std::string::npos) << shown.out;

  CommandResult evaluated = run_maas({"models", "evaluate", "sentiment:1", "--data", split.test_path, "--data-dir", data_dir, "--json"});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.out << evaluated.err;
  json report = json::parse(evaluated.out);
  ASSERT_TRUE(report["metrics"]["values"].is_object()) << report.dump();
  auto family = make_textclf_family();
  auto loaded = family->load(Artifact{dir.file("m.gguf")}, LoadOptions{});
  ASSERT_TRUE(loaded.is_ok());
  auto in_process = family->evaluate(**loaded, EvalSpec{split.test_path, json::object()});
  ASSERT_TRUE(in_process.is_ok());
  EXPECT_EQ(report["metrics"]["values"], in_process->values);  // the same model on the same file
  EXPECT_GE(report["metrics"]["values"]["accuracy"].get<double>(), 0.815) << report.dump();
  EXPECT_TRUE(report["metrics"]["higher_is_better"]["macro_f1"].get<bool>());
  EXPECT_EQ(report["stage"], "staging");

  // The gate reads textclf's metrics: a version below min_accuracy is rejected (exit 1).
  ASSERT_TRUE(make_textclf_family()
                  ->train(TrainSpec{split.train_path, testing::train_options({{"validation", 0.0}, {"seed", 2}}),
                                    dir.file("m2.gguf"), &monitor})
                  .is_ok());
  ASSERT_EQ(run_maas({"models", "import", dir.file("m2.gguf"), "--name", "sentiment", "--data-dir", data_dir}).exit_code, 0);
  CommandResult strict = run_maas({"models", "thresholds", "sentiment", "--set", R"({"min_accuracy":0.99})", "--data-dir", data_dir});
  ASSERT_EQ(strict.exit_code, 0) << strict.err;
  CommandResult gated = run_maas({"models", "evaluate", "sentiment:2", "--data", split.test_path, "--data-dir", data_dir, "--json"});
  EXPECT_EQ(gated.exit_code, 1) << gated.out << gated.err;
  json gate = json::parse(gated.out, nullptr, false);
  EXPECT_EQ(gate["stage"], "rejected") << gated.out;
  EXPECT_NE(gate["summary"].get<std::string>().find("accuracy"), std::string::npos) << gate.dump();

  // Half a file: a clear error naming the file, and no third version.
  std::ifstream in(dir.file("m.gguf"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  testing::write_text(dir.path(), "cut.gguf", bytes.substr(0, bytes.size() / 2));
  CommandResult cut = run_maas({"models", "import", dir.file("cut.gguf"), "--name", "sentiment", "--data-dir", data_dir});
  EXPECT_NE(cut.exit_code, 0);
  EXPECT_FALSE(cut.err.empty());
  EXPECT_EQ(version_count(data_dir, "sentiment"), 2u);
}

}  // namespace
}  // namespace maas::text
