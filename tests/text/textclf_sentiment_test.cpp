// textclf trained on real labelled sentences (../shared/data/sentiment, imdb + amazon,
// 2,000 texts) with the default options, scored through the family's evaluate on a
// seeded 20% held-back split it never saw. Issue 12's bar: 80%; its baseline (a
// unigram+bigram logistic regression): 81.5%.
#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "text/textclf/textclf_family.h"
#include "text/textclf_data.h"

namespace maas::text {
namespace {

using maas::testing::TempDir;
using nlohmann::json;

TEST(TextClfSentiment, BeatsTheBaselineOnAHeldBackSplit) {
  TempDir dir;
  const auto split = testing::write_sentiment_split(dir.path());
  ASSERT_EQ(split.train_rows, 1600u);
  ASSERT_EQ(split.test_rows, 400u);

  auto family = make_textclf_family();
  NullTrainMonitor monitor;
  TrainSpec spec{split.train_path, testing::train_options({{"validation", 0.1}}), dir.file("model.gguf"), &monitor};
  auto trained = family->train(spec);
  ASSERT_TRUE(trained.is_ok()) << trained.status().to_string();
  EXPECT_GT(trained->metrics["val_accuracy"].get<double>(), 0.75);  // 160 of the 1,600

  spec.options = testing::train_options({{"validation", 0.0}});  // all 1,600 for the held-back score
  spec.output_path = dir.file("all.gguf");
  ASSERT_TRUE(family->train(spec).is_ok());
  auto loaded = family->load(Artifact{spec.output_path}, LoadOptions{});
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  auto metrics = family->evaluate(**loaded, EvalSpec{split.test_path, json::object()});
  ASSERT_TRUE(metrics.is_ok()) << metrics.status().to_string();
  std::cout << "held back: " << metrics->values.dump() << "\n";
  EXPECT_GE(metrics->values["accuracy"].get<double>(), 0.815);
  EXPECT_GE(metrics->values["macro_f1"].get<double>(), 0.8);
  EXPECT_EQ(metrics->values["texts"], 400);
  for (const char* m : {"accuracy", "macro_f1", "precision_0", "recall_0", "precision_1", "recall_1"}) {
    EXPECT_TRUE(metrics->values.contains(m)) << m;
    EXPECT_TRUE(metrics->higher_is_better[m].get<bool>()) << m;
  }
}

TEST(TextClfSentiment, EvaluationRefusesLabelsTheModelDoesNotKnow) {
  TempDir dir;
  const std::string train = testing::write_text(dir.path(), "t.tsv", "text\tlabel\ngood\t1\nbad\t0\n");
  const std::string test = testing::write_text(dir.path(), "e.tsv", "text\tlabel\ngood\t1\nso-so\tneutral\n");
  auto family = make_textclf_family();
  NullTrainMonitor monitor;
  ASSERT_TRUE(family->train(TrainSpec{train, testing::train_options({{"validation", 0.0}}), dir.file("m.gguf"), &monitor}).is_ok());
  auto loaded = family->load(Artifact{dir.file("m.gguf")}, LoadOptions{});
  ASSERT_TRUE(loaded.is_ok());
  auto metrics = family->evaluate(**loaded, EvalSpec{test, json::object()});
  ASSERT_FALSE(metrics.is_ok());
  EXPECT_NE(metrics.status().message().find("e.tsv line 3: label 'neutral' is not one the model knows (0, 1)"),
            std::string::npos)
      << metrics.status().message();
  auto other_cols = family->evaluate(**loaded, EvalSpec{test, {{"text_col", "review"}, {"label_col", "label"}}});
  EXPECT_NE(other_cols.status().message().find("has no column 'review'"), std::string::npos);
}

}  // namespace
}  // namespace maas::text
