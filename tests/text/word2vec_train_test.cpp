// Training word vectors in-process on a slice of the State of the Union addresses:
// neighbours of common words, an analogy file, determinism, and the family's train().
#include <cmath>
#include <cstring>
#include <fstream>

#include <gtest/gtest.h>

#include "core/files.h"
#include "helpers/server_process.h"
#include "text/word2vec/corpus.h"
#include "text/word2vec/evaluate.h"
#include "text/word2vec/family.h"
#include "text/word2vec/formats.h"
#include "text/word2vec/neighbours.h"
#include "text/word2vec/trainer.h"

namespace maas::text::word2vec {
namespace {

using maas::testing::TempDir;
using nlohmann::json;

const std::string kSotu = std::string(MAAS_SHARED_DIR) + "/data/text/sotu.txt";
const std::string kAnalogies = std::string(MAAS_SOURCE_DIR) + "/tests/text/word2vec_analogies.txt";

// The first `bytes` of sotu.txt, cut at a space.
std::string sotu_slice(size_t bytes) {
  Result<std::string> all = read_file(kSotu);
  EXPECT_TRUE(all.is_ok());
  std::string s = all->substr(0, bytes);
  return s.substr(0, s.rfind(' '));
}

struct Trained {
  Corpus corpus;
  WordVectors vectors;
  TrainStats stats;
};

Trained train_on(const std::string& text, TrainConfig config, int64_t min_count) {
  Trained t;
  Result<Corpus> c = make_corpus(text, TokenizeRules{}, min_count);
  EXPECT_TRUE(c.is_ok()) << c.status().message();
  t.corpus = std::move(c).value();
  NullTrainMonitor monitor;
  Result<WordVectors> v = train_vectors(t.corpus, config, monitor, &t.stats);
  EXPECT_TRUE(v.is_ok()) << v.status().message();
  t.vectors = std::move(v).value();
  return t;
}

// All of sotu (1.8 M words), one epoch of CBOW with a high learning rate: about a
// second, trained once for the tests that look at quality.
const Trained& sotu_model() {
  static const Trained t = [] {
    TrainConfig c;
    c.cbow = true;
    c.dim = 48;
    c.epochs = 1;
    c.lr = 0.1;
    c.threads = 1;
    c.seed = 3;
    Result<std::string> text = read_file(kSotu);
    EXPECT_TRUE(text.is_ok());
    return train_on(*text, c, 5);
  }();
  return t;
}

std::vector<std::string> neighbours(const UnitVectors& uv, const std::string& word, int64_t k) {
  std::vector<std::string> out;
  for (auto [id, score] : uv.nearest({uv.vectors().find(word)}, {}, k)) out.push_back(uv.vectors().word(id));
  return out;
}

bool contains_any(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  for (const std::string& w : want)
    if (std::find(have.begin(), have.end(), w) != have.end()) return true;
  return false;
}

TEST(Word2vecCorpus, SplitsOnNonLettersLowerCasesAndCountsWords) {
  Result<Corpus> c = make_corpus("The war, the WAR; peace-time.\nthe end\n", TokenizeRules{}, 2);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->words, (std::vector<std::string>{"the", "war"}));  // most frequent first
  EXPECT_EQ(c->counts, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(c->words_read, 8);
  EXPECT_EQ(c->tokens, (std::vector<int32_t>{0, 1, 0, 1, 0}));
  EXPECT_EQ(c->line_starts, (std::vector<int64_t>{0, 4, 5}));
  Result<Corpus> keep = make_corpus("The war, the war,", TokenizeRules{false, false}, 1);
  ASSERT_TRUE(keep.is_ok());
  EXPECT_EQ(keep->words, (std::vector<std::string>{"war,", "The", "the"}));
  EXPECT_FALSE(make_corpus("ok\nbad \xff byte\n", TokenizeRules{}, 1).is_ok());
  EXPECT_NE(make_corpus("ok\nbad \xff byte\n", TokenizeRules{}, 1).status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(make_corpus("a b c", TokenizeRules{}, 2).is_ok());
}

TEST(Word2vecTrain, NeighboursOfCommonWordsMakeSense) {
  const Trained& t = sotu_model();
  ASSERT_GT(t.vectors.size(), 10000);
  UnitVectors uv(t.vectors);
  const WordVectors& v = t.vectors;
  auto cos = [&](const char* a, const char* b) { return uv.cosine(v.find(a), v.find(b)); };
  for (const char* w : {"war", "peace", "congress", "senate", "tax", "duties", "treaty", "army", "navy", "year", "month"})
    ASSERT_GE(v.find(w), 0) << w;
  const auto war = neighbours(uv, "war", 10);
  EXPECT_TRUE(contains_any(war, {"peace", "hostilities", "conflict", "wars", "insurrection", "confrontation", "warfare"}))
      << fmt::format("{}", fmt::join(war, " "));
  const auto navy = neighbours(uv, "navy", 10);
  EXPECT_TRUE(contains_any(navy, {"army", "naval", "corps", "ships", "squadron", "marine"}))
      << fmt::format("{}", fmt::join(navy, " "));
  const auto senate = neighbours(uv, "senate", 10);
  EXPECT_TRUE(contains_any(senate, {"congress", "house", "senators", "legislature"}))
      << fmt::format("{}", fmt::join(senate, " "));
  const auto tax = neighbours(uv, "tax", 10);
  EXPECT_TRUE(contains_any(tax, {"taxes", "taxation", "revenue"})) << fmt::format("{}", fmt::join(tax, " "));
  EXPECT_GT(cos("war", "peace"), cos("war", "month"));
  EXPECT_GT(cos("army", "navy"), cos("army", "tax"));
  EXPECT_GT(cos("senate", "congress"), cos("senate", "navy"));
  EXPECT_GT(cos("year", "month"), cos("year", "treaty"));
}

TEST(Word2vecTrain, AnswersAnalogiesAndCountsSkippedQuestions) {
  UnitVectors uv(sotu_model().vectors);
  Result<Metrics> m = evaluate_file(uv, kAnalogies);
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(m->values["questions"], 18);
  EXPECT_EQ(m->values["skipped"], 1);
  EXPECT_EQ(m->values["answered"], 17);
  EXPECT_GE(m->values["analogy_accuracy"].get<double>(), 0.25) << m->values.dump();
  EXPECT_EQ(m->higher_is_better["analogy_accuracy"], true);
  // The same questions over random vectors: (almost) none right.
  WordVectors random = sotu_model().vectors;
  uint64_t s = 1;
  for (int64_t i = 0; i < random.size(); ++i)
    for (int64_t d = 0; d < random.dim(); ++d) random.row(i)[d] = static_cast<float>((s = s * 6364136223846793005ULL + 1) >> 40);
  Result<Metrics> r = evaluate_file(UnitVectors(random), kAnalogies);
  ASSERT_TRUE(r.is_ok());
  EXPECT_LT(r->values["analogy_accuracy"].get<double>(), m->values["analogy_accuracy"].get<double>());
}

TEST(Word2vecTrain, WordPairFilesGiveSpearman) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 30, 20, 40}), 0.8);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 2, 3}, {1, 2, 2, 3}), 1.0);
  UnitVectors uv(sotu_model().vectors);
  Result<Metrics> m = evaluate_text(uv, "army navy 9\nwar peace 7.5\n# comment\narmy tax 1\nsenate month 0.5\nfoo xylophone 3\n");
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(m->values["answered"], 4);
  EXPECT_EQ(m->values["skipped"], 1);
  EXPECT_GT(m->values["spearman"].get<double>(), 0.0);
  EXPECT_FALSE(evaluate_text(uv, "army navy high\n").is_ok());
  EXPECT_FALSE(evaluate_text(uv, "one two\n").is_ok());
  EXPECT_FALSE(evaluate_text(uv, "xylophone zither a b\n").is_ok());  // nothing answerable
}

TEST(Word2vecTrain, OneThreadAndASeedAreDeterministic) {
  const std::string text = sotu_slice(300000);
  for (bool cbow : {false, true}) {
    TrainConfig c;
    c.cbow = cbow;
    c.dim = 20;
    c.epochs = 1;
    c.threads = 1;
    c.seed = 11;
    Trained a = train_on(text, c, 3), b = train_on(text, c, 3);
    c.seed = 12;
    Trained other = train_on(text, c, 3);
    const size_t n = static_cast<size_t>(a.vectors.size() * a.vectors.stride());
    EXPECT_EQ(std::memcmp(a.vectors.data(), b.vectors.data(), n * sizeof(float)), 0);
    EXPECT_NE(std::memcmp(a.vectors.data(), other.vectors.data(), n * sizeof(float)), 0);
    EXPECT_TRUE(std::isfinite(a.stats.final_loss));
    EXPECT_GT(a.stats.words_per_second_per_thread, 0);
  }
}

TEST(Word2vecTrain, TheFamilyTrainsToAGgufFileAndEvaluatesIt) {
  TempDir dir;
  {
    std::ofstream out(dir.file("corpus.txt"));
    out << sotu_slice(400000);
  }
  auto family = make_word2vec_family();
  Result<json> options = resolve_options(family->train_options(),
                                         {{"mode", "cbow"}, {"dim", 32}, {"epochs", 2}, {"threads", 1}, {"seed", 5}});
  ASSERT_TRUE(options.is_ok()) << options.status().message();
  class Recorder : public TrainMonitor {
   public:
    void progress(const TrainProgress& p) override { phases.push_back(p.phase); }
    void log(const std::string&) override {}
    bool cancelled() const override { return false; }
    std::vector<std::string> phases;
  } monitor;
  TrainSpec spec{dir.file("corpus.txt"), *options, dir.file("model.gguf"), &monitor};
  Result<TrainResult> r = family->train(spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->format, "gguf");
  EXPECT_EQ(r->params["lr"], 0.05);  // the default
  EXPECT_GT(r->metrics["words_per_second_per_thread"].get<double>(), 0);
  EXPECT_NE(std::find(monitor.phases.begin(), monitor.phases.end(), "train"), monitor.phases.end());

  FileProbe probe;
  probe.gguf_architecture = "word2vec";
  EXPECT_EQ(family->detect(probe), "gguf");
  Artifact a{dir.file("model.gguf"), "", "gguf"};
  ASSERT_TRUE(family->validate(a).is_ok());
  Result<std::shared_ptr<LoadedModel>> loaded = family->load(a, {});
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  Result<Metrics> m = family->evaluate(**loaded, EvalSpec{kAnalogies, json::object()});
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_TRUE(m->values.contains("analogy_accuracy"));

  // A cancelled run stops with kCancelled.
  class Cancelled : public TrainMonitor {
    void progress(const TrainProgress&) override {}
    void log(const std::string&) override {}
    bool cancelled() const override { return true; }
  } cancel;
  spec.monitor = &cancel;
  spec.output_path = dir.file("cancelled.gguf");
  EXPECT_EQ(family->train(spec).status().code(), Code::kCancelled);
}

}  // namespace
}  // namespace maas::text::word2vec
