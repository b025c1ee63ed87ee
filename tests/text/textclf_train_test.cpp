// textclf training on small files: bad inputs give clear errors and write nothing,
// the artifact round-trips bit for bit, the same seed gives the same file, progress and
// cancellation go through the monitor.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "text/textclf/artifact.h"
#include "text/textclf/textclf_family.h"
#include "text/textclf/train.h"
#include "text/textclf_data.h"

namespace maas::text {
namespace {

using maas::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

const char* kSmall =
    "review\tstars\n"
    "a great film, I loved it\tgood\n"
    "wonderful acting and a great story\tgood\n"
    "I loved the music, great fun\tgood\n"
    "boring and far too long\tbad\n"
    "terrible acting, I hated it\tbad\n"
    "a boring story and awful music\tbad\n";

json small_options(json extra = json::object()) {
  json o = {{"text_col", "review"}, {"label_col", "stars"}, {"validation", 0.0}, {"epochs", 30}, {"lr", 0.1}};
  o.update(extra);
  return testing::train_options(o);
}

Status train_file(const std::string& data, const json& options, const std::string& out) {
  NullTrainMonitor monitor;
  return make_textclf_family()->train(TrainSpec{data, options, out, &monitor}).status();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct BadCase {
  const char* name;
  std::string contents;
  const char* file;
  const char* message;  // a part of the error
};

TEST(TextClfTrain, BadInputsAreClearErrorsAndWriteNothing) {
  TempDir dir;
  const std::vector<BadCase> cases = {
      {"empty file", "", "empty.tsv", "is empty"},
      {"header only", "review\tstars\n", "header.tsv", "no rows"},
      {"missing text column", "text\tstars\na\tgood\nb\tbad\n", "nocol.tsv", "has no column 'review' (columns: text, stars)"},
      {"missing label column", "review\tlabel\na\tgood\nb\tbad\n", "nolabel.tsv", "has no column 'stars'"},
      {"one class only", "review\tstars\ngreat\tgood\nfine\tgood\n", "one.tsv", "only one label ('good')"},
      {"ragged row", "review\tstars\ngreat\tgood\nno label here\nawful\tbad\n", "ragged.tsv", "line 3: 1 fields, expected 2"},
      {"empty label", "review\tstars\ngreat\tgood\nawful\t\n", "nolabelvalue.tsv", "line 3: the label ('stars') is empty"},
      {"label not UTF-8", "review\tstars\ngreat\tgo\xE9\nawful\tbad\n", "latin1.tsv", "line 2: the label is not valid UTF-8"},
      {"no term often enough", "review\tstars\ngreat\tgood\nawful\tbad\n", "rare.tsv", "no term occurs in at least min_df=5"},
  };
  for (const BadCase& c : cases) {
    const std::string data = testing::write_text(dir.path(), c.file, c.contents);
    const std::string out = dir.file(std::string(c.file) + ".gguf");
    const Status st = train_file(data, small_options({{"min_df", c.name == std::string("no term often enough") ? 5 : 1}}), out);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << c.name << ": " << st.to_string();
    EXPECT_NE(st.message().find(c.message), std::string::npos) << c.name << ": " << st.message();
    EXPECT_FALSE(fs::exists(out)) << c.name;
  }
  const Status missing = train_file(dir.file("nope.tsv"), small_options(), dir.file("nope.gguf"));
  EXPECT_EQ(missing.code(), Code::kNotFound) << missing.to_string();
  EXPECT_FALSE(fs::exists(dir.file("nope.gguf")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 9);  // the inputs only
}

TEST(TextClfTrain, OptionsAreCheckedByName) {
  auto bad = resolve_options(textclf_train_options(), json{{"ngram", json::array({1, 2})}});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().field(), "options.ngram");
  auto range = resolve_options(textclf_train_options(), json{{"validation", 0.95}});
  ASSERT_FALSE(range.is_ok());
  EXPECT_NE(range.status().message().find("between 0 and 0.9"), std::string::npos) << range.status().message();

  TempDir dir;
  const std::string data = testing::write_text(dir.path(), "small.tsv", kSmall);
  const Status backwards = train_file(data, small_options({{"ngrams", json::array({2, 1})}}), dir.file("m.gguf"));
  EXPECT_EQ(backwards.field(), "options.ngrams") << backwards.to_string();
  EXPECT_FALSE(fs::exists(dir.file("m.gguf")));
}

TEST(TextClfTrain, ArtifactRoundTripsAndTheSeedFixesTheModel) {
  TempDir dir;
  const std::string data = testing::write_text(dir.path(), "small.tsv", kSmall);
  const json options = small_options({{"char_ngrams", json::array({3, 4})}});
  ASSERT_TRUE(train_file(data, options, dir.file("a.gguf")).is_ok());
  ASSERT_TRUE(train_file(data, options, dir.file("b.gguf")).is_ok());
  EXPECT_EQ(slurp(dir.file("a.gguf")), slurp(dir.file("b.gguf")));  // same data, seed -> same bytes
  ASSERT_TRUE(train_file(data, small_options({{"seed", 7}, {"char_ngrams", json::array({3, 4})}}), dir.file("c.gguf")).is_ok());
  EXPECT_NE(slurp(dir.file("a.gguf")), slurp(dir.file("c.gguf")));

  // The in-memory model that was saved and the one loaded back answer identically.
  auto family = make_textclf_family();
  auto loaded = family->load(Artifact{dir.file("a.gguf")}, LoadOptions{});
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  const TextClassifier& model = dynamic_cast<TextClfModel&>(**loaded).classifier();
  ASSERT_EQ(model.labels, (std::vector<std::string>{"bad", "good"}));
  ASSERT_TRUE(save_text_classifier(model, dir.file("resaved.gguf")).is_ok());
  EXPECT_EQ(slurp(dir.file("a.gguf")), slurp(dir.file("resaved.gguf")));
  auto reloaded = load_text_classifier(dir.file("resaved.gguf"));
  ASSERT_TRUE(reloaded.is_ok());
  for (const char* text : {"a great story", "awful, boring music", "", "words it never saw"})
    EXPECT_EQ(model.probabilities(text), reloaded->probabilities(text)) << text;
  EXPECT_EQ(model.features.options().char_min, 3);
  EXPECT_EQ(reloaded->features.terms(), model.features.terms());

  // It learned the training texts.
  auto* classifier = (*loaded)->as<Classifier>();
  ASSERT_NE(classifier, nullptr);
  auto out = classifier->classify({json("what a great film, loved it"), json("boring, awful, hated it")});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ((*out)[0].label, "good");
  EXPECT_EQ((*out)[1].label, "bad");
}

TEST(TextClfTrain, ValidatesAndDetectsItsOwnFilesOnly) {
  TempDir dir;
  const std::string data = testing::write_text(dir.path(), "small.tsv", kSmall);
  ASSERT_TRUE(train_file(data, small_options(), dir.file("m.gguf")).is_ok());
  auto family = make_textclf_family();
  EXPECT_EQ(family->detect(FileProbe{dir.file("m.gguf"), 0, "", "textclf"}), std::optional<std::string>("gguf"));
  EXPECT_EQ(family->detect(FileProbe{dir.file("m.gguf"), 0, "", "llama"}), std::nullopt);
  EXPECT_TRUE(family->validate(Artifact{dir.file("m.gguf")}).is_ok());

  // A truncated file and a GGUF of another architecture are refused with a reason.
  const std::string bytes = slurp(dir.file("m.gguf"));
  testing::write_text(dir.path(), "cut.gguf", bytes.substr(0, bytes.size() / 2));
  const Status cut = family->validate(Artifact{dir.file("cut.gguf")});
  EXPECT_FALSE(cut.is_ok());
  const Status llama = family->validate(Artifact{std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf"});
  EXPECT_NE(llama.message().find("is a 'llama' model, not a text classifier"), std::string::npos) << llama.to_string();
}

class RecordingMonitor final : public TrainMonitor {
 public:
  void progress(const TrainProgress& p) override { seen.push_back(p); }
  void log(const std::string&) override {}
  bool cancelled() const override { return cancel_after > 0 && static_cast<int>(seen.size()) >= cancel_after; }
  std::vector<TrainProgress> seen;
  int cancel_after = 0;
};

TEST(TextClfTrain, ReportsEveryEpochAndStopsWhenCancelled) {
  TempDir dir;
  const std::string data = testing::write_text(dir.path(), "small.tsv", kSmall);
  RecordingMonitor monitor;
  auto family = make_textclf_family();
  json options = small_options({{"validation", 0.34}, {"epochs", 5}});
  auto result = family->train(TrainSpec{data, options, dir.file("m.gguf"), &monitor});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  std::vector<int64_t> epochs;
  for (const auto& p : monitor.seen)
    if (p.phase == "train") {
      epochs.push_back(p.epoch);
      EXPECT_EQ(p.metric, "val_accuracy");
      EXPECT_TRUE(std::isfinite(p.loss));
    }
  EXPECT_EQ(epochs, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(result->params["train_texts"], 4);
  EXPECT_EQ(result->params["validation_texts"], 2);
  EXPECT_TRUE(result->higher_is_better["val_accuracy"].get<bool>());

  RecordingMonitor canceller;
  canceller.cancel_after = 3;  // load, epoch 1, epoch 2
  auto cancelled = family->train(TrainSpec{data, options, dir.file("c.gguf"), &canceller});
  EXPECT_EQ(cancelled.status().code(), Code::kCancelled);
  EXPECT_FALSE(fs::exists(dir.file("c.gguf")));
}

}  // namespace
}  // namespace maas::text
